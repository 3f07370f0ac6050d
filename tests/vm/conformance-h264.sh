# timeout: 1500
# Every clip of the H.264 corpus, decoded by GStreamer's v4l2slh264dec on
# our device with the daemon attached: every frame MD5-identical to FFmpeg's
# software decoder, none missing; then two clients at once, so contexts run
# in parallel in the daemon.
. /mnt/proj/tests/vm/lib.sh

conformance_test "$CORPUS" h264 v4l2slh264dec
