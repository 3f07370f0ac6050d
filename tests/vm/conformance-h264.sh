# timeout: 1500
# Every clip of the H.264 corpus, decoded by GStreamer's v4l2slh264dec on
# our device with the daemon attached: every frame MD5-identical to FFmpeg's
# software decoder, none missing. Two clients decode at once (odd and even
# clips), so contexts run in parallel in the daemon.
. /mnt/proj/tests/vm/lib.sh

load_module
start_daemon
clips=$(awk '!/^#/ { print $1 }' "$CORPUS/clips.txt")
odd=$(echo "$clips" | awk 'NR % 2 == 1' | xargs)
even=$(echo "$clips" | awk 'NR % 2 == 0' | xargs)
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/conf-odd \
	--decoder v4l2slh264dec --clips "$odd" >/tmp/odd.txt 2>&1 &
odd_pid=$!
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/conf-even \
	--decoder v4l2slh264dec --clips "$even" >/tmp/even.txt 2>&1 &
even_pid=$!
rc=0
wait $odd_pid || rc=1
wait $even_pid || rc=1
cat /tmp/odd.txt /tmp/even.txt
stop_daemon
[ "$(dv_stat jobs_pending)" = 0 ] || fail "jobs left pending"
[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
unload_module
exit $rc
