#!/usr/bin/env bash
# build-kernel.sh VERSION -- build (or find in the cache) the guest kernel
# VERSION (6.12 or 7.2) from Debian's linux-source-VERSION package, with
# tinyconfig + guest-kernel.fragment. Prints the cache directory, which holds
#   bzImage       the kernel QEMU boots
#   build/        the object tree: KDIR for out-of-tree modules
#   modroot/      modules_install output (lib/modules/...)
source "$(dirname "$0")/lib.sh"

ver=${1:?usage: build-kernel.sh VERSION}
suite=${KERNEL_SUITE[$ver]:-}
[ -n "$suite" ] || die "unknown kernel '$ver' (known: $KERNELS_ALL)"
pkg=linux-source-$ver
frag=$DAEDALUS_TOP/tools/vm/guest-kernel.fragment

lock "kernel-$ver"
private_apt "$suite" update >/dev/null
pkgver=$(private_apt "$suite" -qq --print-uris download "$pkg" 2>/dev/null |
	awk '{print $2}' | head -n1)
[ -n "$pkgver" ] || die "$pkg not found in $suite"
key=$(hash_inputs "$pkgver" "$frag" "$0" "$DAEDALUS_TOP/tools/vm/lib.sh")
out=$DAEDALUS_CACHE/kernel/$ver-$key
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

log "building guest kernel $ver ($pkgver) into $out"
rm -rf "$out"
mkdir -p "$out/src" "$out/build"
(cd "$DAEDALUS_CACHE/apt/$suite/archives" && private_apt "$suite" download "$pkg" >/dev/null)
deb=$DAEDALUS_CACHE/apt/$suite/archives/$pkgver
[ -f "$deb" ] || deb=$(ls "$DAEDALUS_CACHE/apt/$suite/archives/${pkg}_"*.deb | tail -n1)
dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards "*usr/src/$pkg.tar.xz" |
	tar -xJ -C "$out/src" --strip-components=1

mk() { make -s -C "$out/src" O="$out/build" "$@"; }
mk tinyconfig >/dev/null
"$out/src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" "$frag" >/dev/null
mk olddefconfig >/dev/null
# Refuse a kernel that silently lost what the tests rely on.
for opt in KASAN PROVE_LOCKING DEBUG_LIST MEDIA_CONTROLLER \
	9P_FS NET_9P_VIRTIO DEBUG_FS MODULE_UNLOAD; do
	grep -q "^CONFIG_$opt=y" "$out/build/.config" || die "CONFIG_$opt not set in $ver"
done
for opt in V4L2_MEM2MEM_DEV VIDEO_VISL VIDEOBUF2_VMALLOC; do
	grep -Eq "^CONFIG_$opt=(y|m)" "$out/build/.config" || die "CONFIG_$opt not set in $ver"
done
mk -j"$JOBS" bzImage modules
mk INSTALL_MOD_PATH="$out/modroot" modules_install >/dev/null
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage"
touch "$out/.done"
log "guest kernel $ver ready"
echo "$out"
