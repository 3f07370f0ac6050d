# timeout: 1500
# Every clip of the AV1 corpus (tests/conformance/make-corpus-av1.sh:
# libaom, SVT-AV1 and rav1e clips, 8-bit NV12 and 10-bit P010, hidden
# frames and show_existing_frame, film grain, tiles and tile groups,
# superres, screen content with intra block copy, intra-only and switch
# frames, odd sizes, 1080p), decoded by GStreamer's v4l2slav1dec on our
# device with the daemon attached: every shown frame MD5-identical to
# dav1d's output (film grain applied), none missing; then two clients at
# once.
. /mnt/proj/tests/vm/lib.sh

conformance_test "$CORPUS_AV1" av1 v4l2slav1dec
