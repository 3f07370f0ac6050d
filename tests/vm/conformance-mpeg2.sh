# timeout: 900
# Every clip of the MPEG-2 corpus (tests/conformance/make-corpus-mpeg2.sh:
# I/P/B, I/P only, interlaced frame pictures with top field first and
# alternate scan, custom quantiser matrices, intra VLC and non-linear
# quantiser, open GOPs, odd sizes (175x99, interlaced 33x20), 1080 interlaced), decoded
# by GStreamer's v4l2slmpeg2dec on our device with the daemon attached:
# every frame MD5-identical to FFmpeg's software decoder, none missing;
# then two clients at once.
. /mnt/proj/tests/vm/lib.sh

conformance_test "$CORPUS_MPEG2" mpeg2 v4l2slmpeg2dec
