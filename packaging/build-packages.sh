#!/usr/bin/env bash
# build-packages.sh -- build (or find in the cache) the project's packages,
# in a Debian trixie root (the guest root of tools/vm/build-root.sh plus the
# layer of packaging/build-root-packages.txt), and print their directory:
#
#   deb/            dpkg-buildpackage's output: the source package,
#                   daedalus-v4l2_V_amd64.deb, daedalus-v4l2-dkms_V_all.deb
#                   (amd64 build) and daedalus-v4l2_V_arm64.deb (cross-built
#                   with -a arm64), their .changes and .buildinfo
#   lintian-amd64.txt, lintian-arm64.txt   lintian --info on the .changes,
#                   with lintian's exit status on the last line
#   cross-arm64/    the module cross-built against trixie's stock arm64
#                   kernel headers: build.log, daedalus_v4l2.ko, modinfo.txt
#   arch/           makepkg's output for packaging/arch/PKGBUILD
#                   (*.pkg.tar.zst), makepkg.log
#   *.log           each step's log
#
# Every step runs once per input: the key hashes the sources that go into
# the packages (see export_sources), the root and its layer, and this
# script. A step that fails leaves no .done: the next run tries again.
source "$(dirname "$0")/../tools/vm/lib.sh"
source "$DAEDALUS_TOP/tools/vm/layers.sh"

# What the packages are built from: the build system, the daemon, the
# module, the shared header, the install rules, debian/, the docs and the
# unit tests (a meson subdir). Not the test harness: changing a VM test
# does not rebuild the packages.
SOURCE_PATHS=(meson.build meson_options.txt README.md daemon include kernel
	'packaging/meson.build' 'packaging/*.in' 'packaging/*.conf' 'packaging/*.rules'
	'packaging/*.8' packaging/dkms packaging/arch debian docs/install.md tests/unit)

# source_files -- the files of SOURCE_PATHS (patterns; git's view when it
# has one: tracked and new files, not ignored ones, uncommitted changes
# included), relative to the top directory
source_files() {
	cd "$DAEDALUS_TOP"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard -- "${SOURCE_PATHS[@]}" |
			while read -r f; do [ -f "$f" ] && echo "$f"; done | sort -u
	else
		# shellcheck disable=SC2068 # the patterns expand here
		find ${SOURCE_PATHS[@]} -type f ! -path '*/build/*' ! -name '*.o' ! -name '*.ko' |
			sort -u
	fi
}

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$DAEDALUS_TOP/meson.build" | head -n1)
[ -n "$version" ] || die "no version in meson.build"
debver=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$DAEDALUS_TOP/debian/changelog")
[ "${debver%%-*}" = "$version" ] ||
	die "debian/changelog is at $debver but meson.build at $version: add a changelog entry"

root=$("$DAEDALUS_TOP/tools/vm/build-root.sh")
pkgroot=$(build_layer pkg "$DAEDALUS_TOP/packaging/build-root-packages.txt" \
	'dpkg --add-architecture arm64' "$root")
mapfile -t files < <(source_files)
key=$(cd "$DAEDALUS_TOP" && hash_inputs "$root" "$pkgroot" "$0" "${files[@]}" \
	"$(printf '%s\n' "${files[@]}")")
out=$DAEDALUS_CACHE/packages/$version-$key

lock packages
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
log "building packages $version into $out"
rm -rf "$out"
mkdir -p "$out/build/daedalus-v4l2-$version" "$out/deb" "$out/cross-arm64" "$out/arch"
(cd "$DAEDALUS_TOP" && cp --parents -a "${files[@]}" "$out/build/daedalus-v4l2-$version/")

run_in_root() { # run_in_root LOG CMD -- CMD (sh) in the packaging root, /mnt/run = $out
	local logf=$1
	shift
	in_layers "$out" "$pkgroot" "$root" -- sh -c "$1" >"$out/$logf" 2>&1 ||
		{ tail -n 40 "$out/$logf" >&2; die "$logf: failed (see $out/$logf)"; }
}

# The unit tests run elsewhere (tests/run-all.sh, under sanitizers): not
# again in every package build.
opts="nocheck parallel=$JOBS"

log "dpkg-buildpackage (source, amd64, all)"
run_in_root deb-amd64.log "
	set -e
	cd /mnt/run/build/daedalus-v4l2-$version
	DEB_BUILD_OPTIONS='$opts' dpkg-buildpackage -us -uc
	cd .. && mv *.dsc *.tar.* *.deb *.changes *.buildinfo /mnt/run/deb/"

log "dpkg-buildpackage -a arm64 (cross)"
run_in_root deb-arm64.log "
	set -e
	cd /mnt/run/build/daedalus-v4l2-$version
	DEB_BUILD_OPTIONS='$opts' DEB_BUILD_PROFILES='cross nocheck' \
		dpkg-buildpackage -a arm64 -B -us -uc
	cd .. && mv *.deb *.changes *.buildinfo /mnt/run/deb/"

log "lintian"
for arch in amd64 arm64; do
	# lintian's exit status is the last line; errors fail the check
	# (packaging/tests/run.sh), warnings are reported.
	in_layers "$out" "$pkgroot" "$root" -- sh -c "
		cd /mnt/run/deb && lintian --info --fail-on error daedalus-v4l2_${version}_$arch.changes
		echo \"lintian exit \$?\"" >"$out/lintian-$arch.txt" 2>&1 || true
done

# Debian trixie's stock kernel headers, amd64 and arm64, and the amd64
# linux-kbuild they share: the module is cross-built against the arm64
# ones here, and DKMS must refuse the amd64 ones (no mem2mem:
# packaging/tests/run.sh). Unpacked where they belong, not installed.
log "fetching trixie's stock kernel headers"
mkdir -p "$out/headers"
IN_LAYERS_NET=1 run_in_root headers/fetch.log "
	set -e
	apt-get -q update >/dev/null
	abi=\$(apt-cache depends linux-headers-amd64 |
		sed -n 's/.*Depends: linux-headers-\\(.*\\)-amd64\$/\\1/p' | head -n1)
	[ -n \"\$abi\" ] || { echo 'no linux-headers-*-amd64 in trixie'; exit 1; }
	echo \"\$abi\" >/mnt/run/headers/abi
	cd /mnt/run/headers
	apt-get -q download linux-headers-\$abi-amd64 linux-headers-\$abi-common \
		linux-kbuild-\$abi linux-headers-\$abi-arm64:arm64"
abi=$(cat "$out/headers/abi")

# The module against the arm64 headers: unpacked over the amd64
# linux-headers-common and linux-kbuild (as Debian's own cross-builds
# do), with the aarch64 cross compiler and pahole for BTF.
log "cross-building the module for trixie's arm64 kernel ($abi-arm64)"
run_in_root cross-arm64/build.log "
	set -e
	for d in /mnt/run/headers/*.deb; do dpkg -x \$d /; done
	cp -a /mnt/run/build/daedalus-v4l2-$version/kernel /mnt/run/build/daedalus-v4l2-$version/include /tmp/
	make -C /tmp/kernel KDIR=/usr/src/linux-headers-$abi-arm64 ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- -j$JOBS
	cp /tmp/kernel/daedalus_v4l2.ko /mnt/run/cross-arm64/
	/sbin/modinfo /tmp/kernel/daedalus_v4l2.ko >/mnt/run/cross-arm64/modinfo.txt
	file /tmp/kernel/daedalus_v4l2.ko >>/mnt/run/cross-arm64/modinfo.txt"

# The Arch Linux package: makepkg (it refuses to run as root) as a user
# of the throwaway root, on the Debian root's FFmpeg and dav1d; --nodeps
# since pacman knows no Debian package.
log "makepkg (packaging/arch/PKGBUILD)"
run_in_root arch/makepkg.log "
	set -e
	useradd -m builder
	mkdir -p /var/lib/pacman
	cp -a /mnt/run/build/daedalus-v4l2-$version /home/builder/src
	chown -R builder /home/builder/src
	cd /home/builder/src/packaging/arch
	su builder -c 'mkdir -p /home/builder/out &&
		PKGDEST=/home/builder/out PKGEXT=.pkg.tar.zst makepkg --nodeps --noconfirm --noprogressbar'
	cp /home/builder/out/*.pkg.tar.* /mnt/run/arch/
	for p in /home/builder/out/*.pkg.tar.*; do echo \"== \$p\"; bsdtar -tf \"\$p\"; done \
		>/mnt/run/arch/contents.txt
	for p in /home/builder/out/*.pkg.tar.*; do bsdtar -xOf \"\$p\" .PKGINFO; done \
		>/mnt/run/arch/pkginfo.txt"

rm -rf "$out/build"
touch "$out/.done"
log "packages ready: $(cd "$out/deb" && echo *.deb)"
echo "$out"
