#!/usr/bin/env bash
# in-root.sh [--corpus DIR] ROOT WORKDIR CMD... -- run CMD (with `sh -c`)
# inside the guest root tree ROOT on the host, at native speed: WORKDIR is
# at /mnt/run, the project read-only at /mnt/proj, and with --corpus, DIR
# read-only at /mnt/run/corpus (an empty WORKDIR/corpus is created for it).
#
# The tree is a shared cache that must never change, so nothing is written
# into it: /tmp is a private tmpfs, and all mounts (proc, dev, tmpfs, the
# binds) live in a private mount namespace (`unshare -m`, propagation
# private). They vanish with the process tree: nothing to unmount on any
# exit path, no lock needed, parallel users cannot collide.
set -euo pipefail
corpus=
if [ "${1:-}" = --corpus ]; then
	corpus=$(cd "$2" && pwd)
	shift 2
fi
[ $# -ge 3 ] || { echo "usage: in-root.sh [--corpus DIR] ROOT WORKDIR CMD..." >&2; exit 2; }
root=$1
work=$(cd "$2" && pwd)
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$root/bin/sh" ] || [ ! -d "$root/mnt/run" ]; then
	echo "in-root.sh: $root is not the guest root tree" >&2
	exit 2
fi
[ -z "$corpus" ] || mkdir -p "$work/corpus"

# shellcheck disable=SC2016 # the script expands its own arguments
exec unshare -m --propagation private -- /bin/bash -c '
set -e
root=$1 work=$2 top=$3 corpus=$4
shift 4
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t tmpfs -o size=2g tmpfs "$root/tmp"
mount --bind "$work" "$root/mnt/run"
mount --bind "$top" "$root/mnt/proj"
mount -o remount,bind,ro "$root/mnt/proj"
if [ -n "$corpus" ]; then
	mount --bind "$corpus" "$root/mnt/run/corpus"
	mount -o remount,bind,ro "$root/mnt/run/corpus"
fi
exec chroot "$root" /usr/bin/env -i \
	PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp LANG=C.UTF-8 \
	/bin/sh -c "$*"
' in-root "$root" "$work" "$top" "$corpus" "$@"
