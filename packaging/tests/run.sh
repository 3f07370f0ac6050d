#!/usr/bin/env bash
# packaging/tests/run.sh -- the packaging checks that need no VM. Builds the
# packages (packaging/build-packages.sh, cached) and prints one line per
# check, like the other tests:
#   PASS pkg/deb-build         both Debian packages built for amd64 and arm64
#   PASS pkg/deb-contents      files in the standard places, the unit's paths
#   PASS pkg/deb-depends       the dlopen()ed libraries in Depends
#   PASS pkg/lintian-amd64     no lintian error (warnings are listed)
#   PASS pkg/lintian-arm64
#   PASS pkg/module-cross-arm64  no warning against trixie's stock arm64 headers
#   PASS pkg/dkms-refusal      DKMS refuses Debian's stock amd64 kernel (no
#                              mem2mem) with one line naming the option
#   PASS pkg/makepkg           the Arch packages, with their files and depends
#   PASS pkg/meson-install     meson's install paths follow the prefix
# Exit code 0 if all passed. Host side, as root.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/tools/vm/lib.sh"
source "$top/tools/vm/layers.sh"
set +e

failed=0
check() { # check NAME CMD... -- PASS/FAIL line; the output of a failure on stderr
	local name=$1 outf
	shift
	outf=$(mktemp)
	if "$@" >"$outf" 2>&1; then
		echo "PASS pkg/$name"
	else
		echo "FAIL pkg/$name"
		sed "s/^/    | /" "$outf" | tail -n 30 >&2
		failed=1
	fi
	cat "$outf" >>"$logdir/$name.log"
	rm -f "$outf"
}
logdir=$top/build/packaging
rm -rf "$logdir"
mkdir -p "$logdir"

pkgs=$("$top/packaging/build-packages.sh" 2>"$logdir/build.log")
if [ -z "$pkgs" ]; then
	tail -n 30 "$logdir/build.log" >&2
	echo "FAIL pkg/deb-build"
	exit 1
fi
version=$(basename "$pkgs" | sed 's/-[0-9a-f]*$//')
root=$("$top/tools/vm/build-root.sh")
pkgroot=$(build_layer pkg "$top/packaging/build-root-packages.txt" \
	'dpkg --add-architecture arm64' "$root")
in_pkgroot() { in_layers "$logdir/run" "$pkgroot" "$root" -- "$@"; }
mkdir -p "$logdir/run"
cp -a "$pkgs/deb" "$pkgs/headers" "$logdir/run/"

deb_build() {
	local f
	for f in "daedalus-v4l2_${version}_amd64.deb" "daedalus-v4l2_${version}_arm64.deb" \
		"daedalus-v4l2-dkms_${version}_all.deb" "daedalus-v4l2_${version}.dsc"; do
		[ -f "$pkgs/deb/$f" ] || { echo "no $f"; return 1; }
		echo "$f"
	done
}
check deb-build deb_build

deb_contents() {
	in_pkgroot sh -c '
		set -e
		cd /mnt/run/deb
		for a in amd64 arm64; do
			d=/tmp/daemon-$a
			dpkg-deb -x daedalus-v4l2_'"$version"'_$a.deb $d
			for f in usr/bin/daedalus_v4l2_daemon usr/lib/systemd/system/daedalus-v4l2.service \
				usr/lib/udev/rules.d/60-daedalus-v4l2.rules usr/lib/sysusers.d/daedalus-v4l2.conf; do
				[ -f $d/$f ] || { echo "daedalus-v4l2 ($a) has no /$f"; exit 1; }
			done
			file $d/usr/bin/daedalus_v4l2_daemon
			case $a in
			amd64) file $d/usr/bin/daedalus_v4l2_daemon | grep -q x86-64 ;;
			arm64) file $d/usr/bin/daedalus_v4l2_daemon | grep -q aarch64 ;;
			esac || { echo "the $a daemon is not an $a program"; exit 1; }
		done
		grep -qx "ExecStart=/usr/bin/daedalus_v4l2_daemon daemon" \
			/tmp/daemon-amd64/usr/lib/systemd/system/daedalus-v4l2.service ||
			{ echo "unit ExecStart is not /usr/bin/daedalus_v4l2_daemon"; exit 1; }
		grep -qx "User=daedalus-v4l2" /tmp/daemon-amd64/usr/lib/systemd/system/daedalus-v4l2.service
		d=/tmp/dkms
		dpkg-deb -x daedalus-v4l2-dkms_'"$version"'_all.deb $d
		for f in usr/src/daedalus-v4l2-'"$version"'/dkms.conf usr/src/daedalus-v4l2-'"$version"'/kernel/Kbuild \
			usr/src/daedalus-v4l2-'"$version"'/kernel/dv-core.c \
			usr/src/daedalus-v4l2-'"$version"'/include/daedalus_v4l2_bridge.h \
			usr/lib/modules-load.d/daedalus-v4l2.conf; do
			[ -f $d/$f ] || { echo "daedalus-v4l2-dkms has no /$f"; exit 1; }
		done
		grep -q "^PACKAGE_VERSION=\"'"$version"'\"" $d/usr/src/daedalus-v4l2-'"$version"'/dkms.conf
		grep -q "^AUTOINSTALL=\"yes\"" $d/usr/src/daedalus-v4l2-'"$version"'/dkms.conf
		dpkg-deb -c daedalus-v4l2_'"$version"'_amd64.deb
		dpkg-deb -c daedalus-v4l2-dkms_'"$version"'_all.deb'
}
check deb-contents deb_contents

deb_depends() {
	local a dep
	for a in amd64 arm64; do
		dep=$(in_pkgroot dpkg-deb -f "/mnt/run/deb/daedalus-v4l2_${version}_$a.deb" Depends)
		echo "daedalus-v4l2 ($a) Depends: $dep"
		for lib in libavcodec libavutil libdav1d; do
			grep -Eq "(^|, )$lib[0-9]+ \(>= [^)]+\)" <<<"$dep" ||
				{ echo "no $lib package in the $a Depends"; return 1; }
		done
		grep -q "daedalus-v4l2-dkms (= $version)" <<<"$dep" || return 1
	done
	dep=$(in_pkgroot dpkg-deb -f "/mnt/run/deb/daedalus-v4l2-dkms_${version}_all.deb" Depends)
	echo "daedalus-v4l2-dkms Depends: $dep"
	grep -q 'dkms' <<<"$dep"
}
check deb-depends deb_depends

lintian_ok() { # lintian_ok ARCH
	local f=$pkgs/lintian-$1.txt
	cat "$f"
	[ "$(tail -n1 "$f")" = "lintian exit 0" ] && ! grep -q '^E: ' "$f"
}
check lintian-amd64 lintian_ok amd64
check lintian-arm64 lintian_ok arm64

module_cross() {
	cat "$pkgs/cross-arm64/build.log" "$pkgs/cross-arm64/modinfo.txt"
	! grep -qi 'warning' "$pkgs/cross-arm64/build.log" || { echo "warnings in the cross build"; return 1; }
	grep -q 'ARM aarch64' "$pkgs/cross-arm64/modinfo.txt" &&
		grep -Eq '^vermagic: +[^ ]+-arm64 SMP .*aarch64' "$pkgs/cross-arm64/modinfo.txt"
}
check module-cross-arm64 module_cross

# Debian's stock amd64 kernel has no CONFIG_V4L2_MEM2MEM_DEV: installing
# the DKMS package must not try to compile against it, and say which
# option it lacks, in one line.
dkms_refusal() {
	local abi
	abi=$(cat "$pkgs/headers/abi")
	in_pkgroot sh -c '
		for d in /mnt/run/headers/*amd64*.deb /mnt/run/headers/*common*.deb; do dpkg -x $d /; done
		kver='"$abi"'-amd64
		[ -e /usr/lib/modules/$kver/build ] || ln -s /usr/src/linux-headers-$kver /usr/lib/modules/$kver/build
		! grep -q "^CONFIG_V4L2_MEM2MEM_DEV=" /usr/lib/modules/$kver/build/include/config/auto.conf ||
			{ echo "$kver has CONFIG_V4L2_MEM2MEM_DEV: not a refusal test"; exit 1; }
		dpkg -i /mnt/run/deb/daedalus-v4l2-dkms_'"$version"'_all.deb >/tmp/dpkg.log 2>&1
		echo "dpkg -i exit $?" >>/tmp/dpkg.log
		dkms install daedalus-v4l2/'"$version"' -k $kver >/tmp/dkms.log 2>&1
		echo "dkms install exit $?" >>/tmp/dkms.log
		dkms status >>/tmp/dkms.log 2>&1
		cat /tmp/dpkg.log /tmp/dkms.log
		grep -qx "dpkg -i exit 0" /tmp/dpkg.log || { echo "the package did not install"; exit 1; }
		grep -qx "dkms install exit 77" /tmp/dkms.log || { echo "dkms did not skip the kernel (77)"; exit 1; }
		n=$(cat /tmp/dpkg.log /tmp/dkms.log | grep -c "daedalus-v4l2: kernel $kver lacks CONFIG_V4L2_MEM2MEM_DEV")
		[ "$n" -ge 1 ] || { echo "no line naming CONFIG_V4L2_MEM2MEM_DEV"; exit 1; }
		grep -q "BUILD_EXCLUSIVE" /tmp/dkms.log || { echo "no BUILD_EXCLUSIVE refusal from dkms"; exit 1; }
		! grep -Eq "CC \\[M\\]|error:|Error! Bad return status" /tmp/dpkg.log /tmp/dkms.log ||
			{ echo "a compiler ran, or the build failed instead of being refused"; exit 1; }
		[ ! -e /usr/lib/modules/$kver/updates/dkms ] || { echo "a module was installed"; exit 1; }'
}
check dkms-refusal dkms_refusal

makepkg_ok() {
	local pv
	cat "$pkgs/arch/makepkg.log"
	pv=$(sed -n 's/^pkgver=//p' "$top/packaging/arch/PKGBUILD")
	[ "$pv" = "$version" ] || { echo "PKGBUILD pkgver $pv, meson.build $version"; return 1; }
	ls "$pkgs"/arch/daedalus-v4l2-"$version"-1-*.pkg.tar.* "$pkgs"/arch/daedalus-v4l2-dkms-"$version"-1-any.pkg.tar.* ||
		return 1
	grep -q '^usr/bin/daedalus_v4l2_daemon$' "$pkgs/arch/contents.txt" &&
		grep -q '^usr/lib/systemd/system/daedalus-v4l2.service$' "$pkgs/arch/contents.txt" &&
		grep -q '^usr/lib/sysusers.d/daedalus-v4l2.conf$' "$pkgs/arch/contents.txt" &&
		grep -q '^usr/lib/udev/rules.d/60-daedalus-v4l2.rules$' "$pkgs/arch/contents.txt" &&
		grep -q "^usr/src/daedalus-v4l2-$version/dkms.conf$" "$pkgs/arch/contents.txt" &&
		grep -q '^usr/lib/modules-load.d/daedalus-v4l2.conf$' "$pkgs/arch/contents.txt" ||
		{ echo "files missing from the Arch packages"; return 1; }
	grep '^depend = ' "$pkgs/arch/pkginfo.txt"
	grep -q '^depend = libavcodec.so>=[0-9]*$' "$pkgs/arch/pkginfo.txt" &&
		grep -q '^depend = libavcodec.so<[0-9]*$' "$pkgs/arch/pkginfo.txt" &&
		grep -q '^depend = libdav1d.so>=[0-9]*$' "$pkgs/arch/pkginfo.txt" &&
		grep -q '^depend = dkms$' "$pkgs/arch/pkginfo.txt"
}
check makepkg makepkg_ok

# Install paths below another prefix, from meson's own view (no build).
meson_install() {
	"$top/tools/vm/in-root.sh" "$logdir/meson" sh -c '
		set -e
		meson setup --prefix=/usr/local -Ddkms=true /mnt/run/b /mnt/proj >/dev/null
		grep -x "ExecStart=/usr/local/bin/daedalus_v4l2_daemon daemon" /mnt/run/b/packaging/daedalus-v4l2.service
		meson introspect --installed /mnt/run/b | python3 -c "
import json, sys
dests = set(json.load(sys.stdin).values())
want = [\"/usr/local/bin/daedalus_v4l2_daemon\",
        \"/usr/local/lib/systemd/system/daedalus-v4l2.service\",
        \"/usr/local/lib/udev/rules.d/60-daedalus-v4l2.rules\",
        \"/usr/local/lib/sysusers.d/daedalus-v4l2.conf\",
        \"/usr/local/lib/modules-load.d/daedalus-v4l2.conf\"]
for w in want:
    print(w, \"ok\" if w in dests else \"MISSING\")
sys.exit(0 if all(w in dests for w in want) else 1)"'
}
check meson-install meson_install

exit $failed
