#!/usr/bin/env bash
# in-root.sh OUTDIR CMD... -- run CMD on the host, at native speed, inside
# the guest root (so against the guest's FFmpeg, dav1d and headers), with
# the project at /mnt/proj (read-only) and OUTDIR at /mnt/run. The mounts
# live in a private mount namespace: nothing is left mounted and the cached
# root is never written to.
source "$(dirname "$0")/lib.sh"

out=${1:?usage: in-root.sh OUTDIR CMD...}
shift
root=$("$DAEDALUS_TOP/tools/vm/build-root.sh")
mkdir -p "$out"
out=$(cd "$out" && pwd)

exec unshare --mount --propagation private bash -c '
	set -e
	root=$1 proj=$2 out=$3
	shift 3
	mount --bind "$root" "$root"
	mount -o remount,bind,ro "$root"
	mount --bind "$proj" "$root/mnt/proj"
	mount -o remount,bind,ro "$root/mnt/proj"
	mount --bind "$out" "$root/mnt/run"
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmp "$root/tmp"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/tmp LANG=C.UTF-8 "$@"
' in-root "$root" "$DAEDALUS_TOP" "$out" "$@"
