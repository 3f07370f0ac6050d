# timeout: 1500
# Every clip of the VP9 corpus (tests/conformance/make-corpus-vp9.sh:
# profile 0 NV12 and profile 2 10-bit P010, hidden alt-ref frames, tiles,
# lossless, error-resilient, odd sizes, 1080p), decoded by GStreamer's
# v4l2slvp9dec on our device with the daemon attached: every shown frame
# MD5-identical to FFmpeg's software decoder, none missing; then two
# clients at once.
. /mnt/proj/tests/vm/lib.sh

conformance_test "$CORPUS_VP9" vp9 v4l2slvp9dec
