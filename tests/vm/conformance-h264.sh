# timeout: 1500
# Every clip of the H.264 corpus, decoded by GStreamer's v4l2slh264dec on
# our device with the daemon attached: every frame MD5-identical to FFmpeg's
# software decoder, none missing.
. /mnt/proj/tests/vm/lib.sh

load_module
start_daemon
rc=0
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /mnt/run/conformance-h264 \
	--decoder v4l2slh264dec || rc=$?
stop_daemon
[ "$(dv_stat jobs_pending)" = 0 ] || fail "jobs left pending"
[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
unload_module
exit $rc
