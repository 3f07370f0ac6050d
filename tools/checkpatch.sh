#!/usr/bin/env bash
# checkpatch.sh [KERNEL-SOURCE-DIR] -- run the kernel's checkpatch.pl --strict on the
# module and the shared header. dv-compat.h exists to compare kernel
# versions, so the warnings about LINUX_VERSION_CODE are expected there and
# only there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${1:-$("$top/tools/vm/build-kernel.sh" 7.2)/src}
cp=("$kdir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types -f)
cd "$top"
status=0
"${cp[@]}" kernel/dv-compat.h --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON || status=1
for f in kernel/*.c kernel/*.h include/*.h; do
	[ "$f" = kernel/dv-compat.h ] && continue
	"${cp[@]}" "$f" || status=1
done
exit $status
