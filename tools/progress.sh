# shellcheck shell=bash
# progress.sh -- sourced by tools/demo.sh and tests/run-all.sh: long steps
# (guest kernels, the guest root, corpora) as one line when they start, a
# progress line at most every 30 s, and one line with the result; their
# whole output goes to a log file whose path is printed, and the end of
# that log is shown when a step fails.
#
#   step WHAT MINUTES LOG CMD...   run CMD, stdout and stderr to LOG;
#                                  MINUTES: how long it takes when nothing
#                                  is cached (said, not enforced)
# Returns CMD's exit code. Lines go to stderr, so that stdout stays the
# callers' (run-all's PASS/FAIL lines).

progress_clock() { date +%H:%M:%S; }

# progress_elapsed SECONDS -- "42 s" or "3 min 05 s"
progress_elapsed() {
	if [ "$1" -lt 60 ]; then
		printf '%d s' "$1"
	else
		printf '%d min %02d s' $(($1 / 60)) $(($1 % 60))
	fi
}

# progress_where LOG -- the log's last line that says where the step is,
# not a compiler's diagnostic (a kernel build's warnings, their source
# excerpts and carets), which would read as an error on a progress line.
progress_where() {
	tail -n 200 "$1" 2>/dev/null | tr -d '\r' |
		grep -Ev '^[[:space:]]*([0-9]+ )?[|^]|warning:|note:|error:|In function|In file included|from [^ ]+:[0-9]+|^[[:space:]]*$' |
		tail -n 1
}

step() {
	local what=$1 minutes=$2 logf=$3 start pid rc last now
	shift 3
	mkdir -p "$(dirname "$logf")"
	printf '[%s] %s: started (up to ~%s min when not cached; log %s)\n' \
		"$(progress_clock)" "$what" "$minutes" "$logf" >&2
	start=$(date +%s)
	"$@" >"$logf" 2>&1 &
	pid=$!
	last=$start
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		if [ $((now - last)) -ge 30 ]; then
			last=$now
			printf '[%s] %s: running for %s; at: %.100s\n' \
				"$(progress_clock)" "$what" "$(progress_elapsed $((now - start)))" \
				"$(progress_where "$logf")" >&2
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	now=$(date +%s)
	if [ "$rc" = 0 ]; then
		printf '[%s] %s: done in %s\n' "$(progress_clock)" "$what" \
			"$(progress_elapsed $((now - start)))" >&2
	else
		printf '[%s] %s: FAILED after %s (exit %s); the end of %s:\n' "$(progress_clock)" \
			"$what" "$(progress_elapsed $((now - start)))" "$rc" "$logf" >&2
		tail -n 30 "$logf" | sed 's/^/    | /' >&2
	fi
	return "$rc"
}
