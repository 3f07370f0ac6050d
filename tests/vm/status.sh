# timeout: 300
# `daedalus_v4l2_daemon status` and the status file it reads
# (docs/status.md), checked against a known decode: one H.264 corpus clip
# (main_cabac_bpyramid, 352x288, 40 frames) through GStreamer. While it
# decodes, the daemon's status shows the context open with its codec and
# requests done; after it, the closed context shows exactly the clip's
# numbers (40 requests done, none failed, H.264 8-bit, 352x288 NV12,
# libavcodec with its threads, decode times), agreeing with the module's
# debugfs counters; the status command says module loaded and daemon
# attached with the bridge protocol, and "not running" once the daemon
# has stopped.
. /mnt/proj/tests/vm/lib.sh

clip=main_cabac_bpyramid frames=40
grep -q "^$clip 352 288 $frames " "$CORPUS/clips.txt" || fail "corpus has no $clip of $frames frames"
file=/run/daedalus-v4l2/status

load_module
# Every job held 100 ms (--job-delay-ms): the decode lasts 4 s on any
# machine, so that the status, written every second, shows it open (on two
# CPUs the clip decoded between two writes).
start_daemon --job-delay-ms 100
"$DAEMON" status >/tmp/status-idle.txt || fail "status exit $? with the daemon attached: $(cat /tmp/status-idle.txt)"
grep -q '^module    loaded' /tmp/status-idle.txt || fail "no 'module loaded': $(cat /tmp/status-idle.txt)"
grep -q "^daemon    attached: pid $DAEMON_PID, .*bridge protocol 2 " /tmp/status-idle.txt ||
	fail "no 'daemon attached' with pid and protocol: $(cat /tmp/status-idle.txt)"

done_before=$(dv_stat jobs_done)
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/status-decode --clips "$clip" \
	>/tmp/status-decode.txt 2>&1 &
pid=$!
: >/tmp/status-open.txt
while kill -0 $pid 2>/dev/null; do
	# A copy first: the daemon rewrites the file every second, and a
	# copy taken after the check may already show the context closed.
	if cp "$file" /tmp/status-now.txt 2>/dev/null &&
		grep -q '^ctx .* state open .* codec h264 .* done [1-9]' /tmp/status-now.txt; then
		mv /tmp/status-now.txt /tmp/status-open.txt
		"$DAEMON" status >/tmp/status-open-cmd.txt 2>&1 || true
	fi
	sleep 0.2
done
wait $pid || fail "decode failed: $(cat /tmp/status-decode.txt)"
say "while decoding: $(grep '^ctx' /tmp/status-open.txt)"
grep -q '^ctx .* state open ' /tmp/status-open.txt || fail "the status never showed the context open"
grep -q ' h264 ' /tmp/status-open-cmd.txt || fail "status command while decoding: $(cat /tmp/status-open-cmd.txt)"

# The next write (every second) has the closed context's totals.
sleep 2
cat "$file"
grep -q '^daedalus-v4l2-status 1$' "$file" || fail "status file format line"
grep -q '^running 1$' "$file" || fail "status file: not running"
grep -q '^protocol 2$' "$file" || fail "status file: protocol"
ctx=$(grep '^ctx ' "$file" | tail -n 1)
field() { echo "$ctx" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'; }
[ "$(field state)" = closed ] || fail "context state $(field state), not closed: $ctx"
[ "$(field codec)" = h264 ] || fail "codec: $ctx"
[ "$(field bit_depth)" = 8 ] || fail "bit_depth: $ctx"
[ "$(field coded)" = 352x288 ] || fail "coded size: $ctx"
[ "$(field capture)" = NV12 ] || fail "capture format: $ctx"
[ "$(field capture_size)" = 352x288 ] || fail "capture size: $ctx"
[ "$(field done)" = $frames ] || fail "done $(field done), not $frames: $ctx"
[ "$(field failed)" = 0 ] || fail "failed: $ctx"
[ "$(field backend)" = libavcodec ] || [ "$(field backend)" = lavc ] || fail "backend: $ctx"
[ "$(field threads)" -ge 1 ] || fail "threads: $ctx"
awk -v a="$(field p50_us)" -v b="$(field p99_us)" -v f="$(field fps)" \
	'BEGIN { exit !(a > 0 && b >= a && f > 0) }' || fail "p50/p99/fps: $ctx"
[ $(($(dv_stat jobs_done) - done_before)) = $frames ] ||
	fail "debugfs jobs_done moved by $(($(dv_stat jobs_done) - done_before)), not $frames"

"$DAEMON" status >/tmp/status-after.txt || fail "status exit $? after the decode"
cat /tmp/status-after.txt
grep -Eq "^ *[0-9]+ +closed .* h264 .* $frames +0 " /tmp/status-after.txt ||
	fail "status command's context row: $(cat /tmp/status-after.txt)"

stop_daemon
if "$DAEMON" status >/tmp/status-stopped.txt; then
	fail "status exit 0 with no daemon: $(cat /tmp/status-stopped.txt)"
fi
grep -q '^daemon    not running' /tmp/status-stopped.txt ||
	fail "no 'daemon not running': $(cat /tmp/status-stopped.txt)"
unload_module
say "status: every field as the decode says"
