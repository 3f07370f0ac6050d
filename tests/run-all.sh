#!/usr/bin/env bash
# run-all.sh -- every test of the project; the README's test command.
#
# Builds what is missing (guest kernels and root are cached in
# $DAEDALUS_CACHE), then runs, on each guest kernel, the VM tests, and
# prints one PASS/FAIL line per check and a last line "N passed, M failed".
# Options: --kernel VER (repeatable) to limit the kernels.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/tools/vm/lib.sh"
set +e

kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("$2"); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || read -ra kernels <<<"$KERNELS_ALL"

VM_TESTS=(module-load requests gst-inspect compliance)

results=$(mktemp)
trap 'rm -f "$results"' EXIT
record() { echo "$1" | tee -a "$results"; }

# The guest root builds while the kernels compile: mostly network and disk.
"$top/tools/vm/build-root.sh" >/dev/null &
root_pid=$!
for k in "${kernels[@]}"; do
	"$top/tools/vm/build-kernel.sh" "$k" >/dev/null ||
		record "FAIL build/kernel-$k"
done
wait "$root_pid" || record "FAIL build/guest-root"

if "$top/tools/checkpatch.sh" >&2; then
	record "PASS style/checkpatch"
else
	record "FAIL style/checkpatch"
fi

for k in "${kernels[@]}"; do
	"$top/tools/vm/run.sh" --kernel "$k" "${VM_TESTS[@]}" | tee -a "$results"
	[ "${PIPESTATUS[0]}" -le 1 ] || record "FAIL vm/$k"
done

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
