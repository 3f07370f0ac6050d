#!/usr/bin/env bash
# build-root-arm64.sh -- build (or find in the cache) the arm64 install-test
# guest: a Debian trixie arm64 system with systemd, udev, DKMS, Debian's
# stock arm64 kernel (linux-image-arm64) and its headers, GStreamer and the
# libraries the daemon loads (tools/vm/guest-packages-arm64.txt), made with
# mmdebstrap (maintainer scripts under qemu-user through binfmt_misc; the
# packages unpacked by the host's dpkg-deb: native-dpkg-deb.sh).
# Prints the cache directory, which holds
#   disk.img       the root filesystem (ext4, raw; tests boot a qcow2
#                  overlay of it and never write it)
#   vmlinuz        the stock kernel, as QEMU loads it (see below)
#   initrd.img     its initramfs, made by initramfs-tools in the root
#   kernel-release uname -r of that kernel
#   tree/          the root the image was made from
source "$(dirname "$0")/lib.sh"

suite=trixie
pkgs=$DAEDALUS_TOP/tools/vm/guest-packages-arm64.txt
key=$(hash_inputs "$suite" arm64 "$pkgs" "$0" "$DAEDALUS_TOP/tools/vm/lib.sh" \
	"$DAEDALUS_TOP/tools/vm/guest-systemd-test.service" "$DAEDALUS_TOP/tools/vm/native-dpkg-deb.sh")
out=$DAEDALUS_CACHE/root/$suite-arm64-$key

# ensure_binfmt_aarch64 -- let the host run arm64 programs through
# qemu-user-static (the F flag: also inside a chroot). Registered from
# qemu-user-static's own binfmt.d file, as systemd-binfmt would at boot.
ensure_binfmt_aarch64() {
	local d=/proc/sys/fs/binfmt_misc
	[ -e "$d/register" ] || mount -t binfmt_misc binfmt_misc "$d" ||
		die "cannot mount binfmt_misc (needed to run arm64 maintainer scripts)"
	[ -e "$d/qemu-aarch64" ] && return 0
	local conf=/usr/lib/binfmt.d/qemu-aarch64.conf
	[ -f "$conf" ] || die "no $conf: install qemu-user-static (tools/install-host-deps.sh)"
	grep -v '^#' "$conf" >"$d/register" || die "registering qemu-aarch64 with binfmt_misc failed"
}

lock "root-$suite-arm64"
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (run tools/install-host-deps.sh)"
ensure_binfmt_aarch64
log "building the $suite arm64 guest into $out"
rm -rf "$out"
mkdir -p "$out"
tree=$out/tree
list=$(grep -v '^#' "$pkgs" | xargs | tr ' ' ',')

# No manual pages, documentation or translations (the copyright files stay):
# nothing reads them, and man-db's index takes minutes under qemu-user.
# The guest mounts the project and the run directory over 9p, runs the
# test service (tools/vm/guest-systemd-run.sh) when it is booted with
# daedalus.test=1, and has no network.
mmdebstrap --variant=apt --architectures=arm64 --include="$list" \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--aptopt='APT::Install-Recommends "false"' \
	--aptopt='#clear DPkg::Pre-Install-Pkgs;' \
	--extract-hook="'$DAEDALUS_TOP/tools/vm/native-dpkg-deb.sh' install \"\$1\"" \
	--essential-hook="'$DAEDALUS_TOP/tools/vm/native-dpkg-deb.sh' install \"\$1\"" \
	--customize-hook="'$DAEDALUS_TOP/tools/vm/native-dpkg-deb.sh' remove \"\$1\"" \
	--customize-hook='echo daedalus-arm64 >"$1/etc/hostname"' \
	--customize-hook='printf "%s\n" "/dev/vda / ext4 defaults 0 1" \
		"proj /mnt/proj 9p trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro,nofail 0 0" \
		"run /mnt/run 9p trans=virtio,version=9p2000.L,msize=512000,nofail 0 0" >"$1/etc/fstab"' \
	--customize-hook='mkdir -p "$1/mnt/proj" "$1/mnt/run"' \
	--customize-hook='printf "9p\n9pnet_virtio\n" >"$1/etc/modules-load.d/daedalus-guest-9p.conf"' \
	--customize-hook="cp '$DAEDALUS_TOP/tools/vm/guest-systemd-test.service' \"\$1/etc/systemd/system/daedalus-guest-test.service\"" \
	--customize-hook='chroot "$1" systemctl enable daedalus-guest-test.service' \
	"$suite" "$tree" "deb $DEBIAN_MIRROR $suite main" >"$out/mmdebstrap.log" 2>&1 ||
	{ tail -n 30 "$out/mmdebstrap.log" >&2; die "mmdebstrap failed (see $out/mmdebstrap.log)"; }

kver=$(ls "$tree/lib/modules" | sort -V | tail -n1)
[ -n "$kver" ] && [ -f "$tree/boot/vmlinuz-$kver" ] && [ -f "$tree/boot/initrd.img-$kver" ] ||
	die "no kernel and initrd in the arm64 root"
echo "$kver" >"$out/kernel-release"
cp "$tree/boot/initrd.img-$kver" "$out/initrd.img"
# Debian's arm64 vmlinuz is an EFI zboot image (a PE file whose payload is
# the gzip-compressed kernel Image) on recent kernels; QEMU 7.2's -kernel
# loads a plain or gzip-compressed Image, so the payload is unpacked.
python3 - "$tree/boot/vmlinuz-$kver" "$out/vmlinuz" <<'PY'
import gzip, struct, sys
data = open(sys.argv[1], 'rb').read()
if data[4:8] == b'zimg':
    off, size = struct.unpack_from('<II', data, 8)
    comp = data[24:32].rstrip(b'\0')
    if comp != b'gzip':
        sys.exit('zboot payload compressed with %r, not gzip' % comp)
    data = gzip.decompress(data[off:off + size])
open(sys.argv[2], 'wb').write(data)
PY

# The root as an ext4 image (mke2fs copies the tree: no loop mount).
# Room for DKMS builds and the packages under test.
size_mb=$(( $(du -sm "$tree" | cut -f1) + 1536 ))
mke2fs -q -t ext4 -L root -d "$tree" "$out/disk.img" "${size_mb}M" ||
	die "mke2fs failed"
touch "$out/.done"
log "arm64 guest ready (kernel $kver)"
echo "$out"
