#!/usr/bin/env bash
# make-corpus-demo.sh OUTDIR -- the clips tools/demo.sh decodes: one short
# clip per codec, at a size that shows something (640x360, 2 s), encoded
# the way a user's file would be (default-ish encoder settings, B-frames
# or hidden frames where the codec has them). Runs INSIDE the guest root
# (gen-corpus.sh demo, tools/vm/in-root.sh), like the conformance makers;
# the same files and references (corpus-lib.sh): NAME.<ext>, NAME.md5,
# NAME.frames and clips.txt "name width height frames format description".
# A codec the device gains gets its line here.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"
export SVT_LOG=1

size=640x360 frames=50 src=testsrc2
graph=$(source_graph "$src" "$size" "$frames")
w=${size%x*} h=${size#*x}

echo "== demo_h264: H.264 High, B-frames" >&2
ff -f lavfi -i "$graph" -frames:v $frames -pix_fmt yuv420p -c:v libx264 \
	-threads 1 -profile:v high -preset fast -x264-params threads=1:lookahead-threads=1 \
	-f h264 demo_h264.h264
make_reference demo_h264 demo_h264.h264 $size $frames nv12 ""
add_clip demo_h264 $w $h $frames nv12 "H.264 High, B-frames (libx264)"

echo "== demo_vp9: VP9 profile 0" >&2
ff -f lavfi -i "$graph" -frames:v $frames -pix_fmt yuv420p -c:v libvpx-vp9 \
	-threads 1 -row-mt 0 -deadline realtime -cpu-used 8 -b:v 1M -f ivf demo_vp9.ivf
make_reference demo_vp9 demo_vp9.ivf $size $frames nv12 "-c:v vp9"
add_clip demo_vp9 $w $h $frames nv12 "VP9 profile 0 (libvpx)"

echo "== demo_av1: AV1 Main, 10-bit" >&2
ff -f lavfi -i "$graph" -frames:v $frames -pix_fmt yuv420p10le -c:v libsvtav1 \
	-threads 1 -preset 10 -crf 40 -f ivf demo_av1.ivf
make_reference demo_av1 demo_av1.ivf $size $frames p010 "-c:v libdav1d"
add_clip demo_av1 $w $h $frames p010 "AV1 Main 10-bit (SVT-AV1)"

echo "== demo_vp8: VP8" >&2
ff -f lavfi -i "$graph" -frames:v $frames -pix_fmt yuv420p -c:v libvpx \
	-threads 1 -deadline good -cpu-used 4 -b:v 1M -f ivf demo_vp8.ivf
make_reference demo_vp8 demo_vp8.ivf $size $frames nv12 "-c:v vp8"
add_clip demo_vp8 $w $h $frames nv12 "VP8 (libvpx)"

echo "== demo_mpeg2: MPEG-2 Main, B-frames" >&2
ff -f lavfi -i "$graph" -frames:v $frames -pix_fmt yuv420p -c:v mpeg2video \
	-threads 1 -bf 2 -b:v 3M -f mpeg2video demo_mpeg2.m2v
make_reference demo_mpeg2 demo_mpeg2.m2v $size $frames nv12 ""
add_clip demo_mpeg2 $w $h $frames nv12 "MPEG-2 Main, B-frames (FFmpeg mpeg2video)"

echo "== demo_hevc: HEVC Main, B-frames" >&2
ff -f lavfi -i "$graph" -frames:v $frames -pix_fmt yuv420p -c:v libx265 \
	-x265-params "log-level=error:frame-threads=1:pools=1:bframes=3" -f hevc demo_hevc.h265 \
	2> >(grep -v -e numa_sched_setaffinity -e "CPU mask" -e "libnuma" >&2)
make_reference demo_hevc demo_hevc.h265 $size $frames nv12 "-c:v hevc"
add_clip demo_hevc $w $h $frames nv12 "HEVC Main, B-frames (x265)"
