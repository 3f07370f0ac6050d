# timeout: 1500
# Every clip of the H.264 corpus, decoded by GStreamer's v4l2slh264dec on
# our device with the daemon attached: every frame MD5-identical to FFmpeg's
# software decoder, none missing; then two clients at once, so contexts run
# in parallel in the daemon.
. /mnt/proj/tests/vm/lib.sh

load_module
start_daemon
rc=0
conformance "$CORPUS" h264 v4l2slh264dec || rc=$?
stop_daemon
[ "$(dv_stat jobs_pending)" = 0 ] || fail "jobs left pending"
[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
unload_module
exit $rc
