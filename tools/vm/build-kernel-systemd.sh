#!/usr/bin/env bash
# build-kernel-systemd.sh VERSION -- the guest kernel VERSION (see
# build-kernel.sh) able to run systemd as init with the hardening of
# daedalus-v4l2.service: guest-kernel.fragment plus
# guest-kernel-systemd.fragment. Prints a directory laid out like
# build-kernel.sh's (bzImage, build/, modroot/).
#
# When the test kernel itself already has every option of the systemd
# fragment, that is the kernel: nothing more is built. Otherwise a variant
# is built from the same source tree, into its own cache directory
# (kernel/VERSION-systemd-KEY).
source "$(dirname "$0")/lib.sh"

ver=${1:?usage: build-kernel-systemd.sh VERSION}
frag=$DAEDALUS_TOP/tools/vm/guest-kernel.fragment
extra=$DAEDALUS_TOP/tools/vm/guest-kernel-systemd.fragment
base=$("$DAEDALUS_TOP/tools/vm/build-kernel.sh" "$ver")

# missing CONFIG -- the systemd fragment's options CONFIG does not set as asked
missing() {
	grep '^CONFIG_' "$extra" | while read -r want; do
		grep -qx "$want" "$1" || echo "$want"
	done
}
if [ -z "$(missing "$base/build/.config")" ]; then
	echo "$base"
	exit 0
fi

key=$(hash_inputs "$base" "$frag" "$extra" "$0" "$DAEDALUS_TOP/tools/vm/lib.sh")
out=$DAEDALUS_CACHE/kernel/$ver-systemd-$key
lock "kernel-$ver-systemd"
if [ -f "$out/.done" ] && [ -d "$base/src" ]; then
	echo "$out"
	exit 0
fi
log "building guest kernel $ver for systemd into $out"
rm -rf "$out"
mkdir -p "$out/build"
# The test kernel's source tree, configured like it plus the fragment.
mk() { nice -n 10 make -s -C "$base/src" O="$out/build" "$@"; }
mk tinyconfig >/dev/null
"$base/src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" \
	"$frag" "$extra" >/dev/null
mk olddefconfig >/dev/null
left=$(missing "$out/build/.config")
[ -z "$left" ] || die "the systemd kernel lacks: $left"
mk -j"$JOBS" bzImage modules
mk INSTALL_MOD_PATH="$out/modroot" modules_install >/dev/null
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage"
touch "$out/.done"
log "guest kernel $ver for systemd ready"
echo "$out"
