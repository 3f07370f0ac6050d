# timeout: 900
# Every clip of the HEVC corpus (tests/conformance/make-corpus-hevc.sh:
# x265 Main NV12 and Main 10 P010, B-pyramid, WPP entry points, several
# slices, open GOP with RASL pictures, scaling lists, weighted prediction,
# lossless, cropping, 1080p), decoded by GStreamer's v4l2slh265dec on our
# device with the daemon attached: every frame MD5-identical to FFmpeg's
# software decoder, none missing; then two clients at once.
. /mnt/proj/tests/vm/lib.sh

conformance_test "$CORPUS_HEVC" hevc v4l2slh265dec
