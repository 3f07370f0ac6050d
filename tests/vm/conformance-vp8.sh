# timeout: 600
# Every clip of the VP8 corpus (tests/conformance/make-corpus-vp8.sh:
# hidden alt-ref frames, golden updates, error-resilient, 2 and 8 token
# partitions, segmentation, versions 1 (simple loop filter) and 3, odd sizes,
# 1080p), decoded by GStreamer's v4l2slvp8dec on our device with the
# daemon attached: every shown frame MD5-identical to FFmpeg's software
# decoder, none missing; then two clients at once. The daemon must not
# have found a reference the client names that libavcodec does not hold.
. /mnt/proj/tests/vm/lib.sh

test_rc=0
conformance_test "$CORPUS_VP8" vp8 v4l2slvp8dec || test_rc=$?
if grep -q 'vp8: the request at .* names' "$DAEMON_LOG"; then
	grep 'vp8: ' "$DAEMON_LOG" | head -n 5
	fail "the daemon's reference slots disagree with GStreamer's"
fi
exit $test_rc
