#!/usr/bin/env bash
# build-root.sh -- build (or find in the cache) the Debian trixie guest root
# that QEMU mounts read-only over virtio-9p. Prints its directory.
#
# debootstrap --variant=minbase first, then apt-get inside the chroot:
# installing everything through --include fails on dependency order.
source "$(dirname "$0")/lib.sh"

suite=trixie
pkgs=$DAEDALUS_TOP/tools/vm/guest-packages.txt
init=$DAEDALUS_TOP/tools/vm/guest-boot-stub
key=$(hash_inputs "$suite" "$pkgs" "$init" "$0" "$DAEDALUS_TOP/tools/vm/lib.sh")
out=$DAEDALUS_CACHE/root/$suite-$key

lock "root-$suite"
if [ -f "$out/.done" ]; then
	echo "$out/tree"
	exit 0
fi

command -v debootstrap >/dev/null || die "debootstrap is not installed (run tools/install-host-deps.sh)"
log "building $suite guest root into $out"
rm -rf "$out"
mkdir -p "$out"
tree=$out/tree

debootstrap --variant=minbase "$suite" "$tree" "$DEBIAN_MIRROR" >"$out/debootstrap.log" 2>&1 ||
	{ tail -n 30 "$out/debootstrap.log" >&2; die "debootstrap failed"; }

cleanup() {
	umount "$tree/proc" "$tree/sys" "$tree/dev/pts" "$tree/dev" 2>/dev/null || true
}
trap cleanup EXIT
mount -t proc proc "$tree/proc"
mount -t sysfs sys "$tree/sys"
mount --bind /dev "$tree/dev"
mount --bind /dev/pts "$tree/dev/pts"

printf '#!/bin/sh\nexit 101\n' >"$tree/usr/sbin/policy-rc.d"
chmod +x "$tree/usr/sbin/policy-rc.d"
echo "deb $DEBIAN_MIRROR $suite main" >"$tree/etc/apt/sources.list"
list=$(grep -v '^#' "$pkgs" | xargs)
# shellcheck disable=SC2086
chroot "$tree" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive sh -c \
	"apt-get -q update && apt-get -q -y --no-install-recommends install $list && apt-get clean" \
	>"$out/apt.log" 2>&1 || { tail -n 30 "$out/apt.log" >&2; die "apt-get in the guest root failed"; }
rm -rf "$tree/var/lib/apt/lists/"*

install -m 0755 "$init" "$tree/sbin/daedalus-guest-init"
mkdir -p "$tree/mnt/proj" "$tree/mnt/run" "$tree/lib/modules"
echo daedalus-guest >"$tree/etc/hostname"
touch "$out/.done"
log "guest root ready"
echo "$tree"
