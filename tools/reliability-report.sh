#!/usr/bin/env bash
# reliability-report.sh VMDIR... -- the figures of the fault, fuzz, hostile
# and load tests (issue 5) as a Markdown report on stdout, from the run
# directories tools/vm/run.sh left (build/vm/VER): each test appends
# "name value" lines to its run's `figures` file, and `status` has each
# test's exit code. tests/run-all.sh writes build/reliability.md with it;
# docs/reliability.md is one such report, of a full-count run.
set -euo pipefail

names=(daemon_kills clients_killed fuzzed_messages damaged_streams
	load_clients load_clip_decodes load_exact load_frames)
declare -A label=(
	[daemon_kills]="daemon SIGKILLs mid-stream (fault-injection)"
	[clients_killed]="clients killed with requests in flight (fault-injection)"
	[fuzzed_messages]="hostile-daemon calls to the bridge (hostile-daemon)"
	[damaged_streams]="damaged streams decoded beside a clean one (hostile-client)"
	[load_clients]="clients decoding at once (load)"
	[load_clip_decodes]="clip decodes under load (load)"
	[load_exact]="... of which MD5-exact, every frame (load)"
	[load_frames]="frames decoded exactly under load (load)"
)
tests=(fault-injection hostile-daemon hostile-client load daemon-lifecycle)

echo "# Reliability figures"
echo
echo "Made by \`tools/reliability-report.sh\` on $(date -u +%Y-%m-%d) from"
if [ -n "${DAEDALUS_FULL:-}" ]; then counts=full; else counts="CI size"; fi
echo "\`tests/run-all.sh${DAEDALUS_FULL:+ --full}\` (counts: $counts)."
echo "Every run is in the guest with KASAN, lockdep and DEBUG_LIST; a test passes"
echo "only if the kernel log of its run has no report."
for dir in "$@"; do
	[ -f "$dir/status" ] || continue
	kver=$(basename "$dir")
	echo
	echo "## Kernel $kver"
	echo
	echo "| test | result |"
	echo "|---|---|"
	for t in "${tests[@]}"; do
		rc=$(awk -v t="$t" '$1 == t { print $2 }' "$dir/status")
		[ -n "$rc" ] || continue
		[ "$rc" = 0 ] && r=PASS || r="FAIL (exit $rc)"
		echo "| $t | $r |"
	done
	if grep -q '^PASS' "$dir/kernel-log.result" 2>/dev/null; then
		echo "| kernel log (KASAN, lockdep, DEBUG_LIST) | clean |"
	else
		echo "| kernel log (KASAN, lockdep, DEBUG_LIST) | FAIL: has reports |"
	fi
	[ -f "$dir/figures" ] || continue
	echo
	echo "| figure | count |"
	echo "|---|---|"
	for n in "${names[@]}"; do
		v=$(awk -v n="$n" '$1 == n { s += $2; f = 1 } END { if (f) print s }' "$dir/figures")
		[ -n "$v" ] && echo "| ${label[$n]} | $v |"
	done
done
