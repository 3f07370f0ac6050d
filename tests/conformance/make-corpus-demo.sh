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

# clip NAME FILE FORMAT REF_DECODER DESCRIPTION -- ENCODER_ARGS...: the
# test pattern encoded into FILE with ENCODER_ARGS, its reference decode
# (corpus-lib.sh make_reference) and its line in clips.txt.
clip() {
	local name=$1 file=$2 fmt=$3 ref=$4 desc=$5
	shift 6
	echo "== $name: $desc" >&2
	ff -f lavfi -i "$graph" -frames:v $frames "$@" "$file"
	make_reference "$name" "$file" $size $frames "$fmt" "$ref"
	add_clip "$name" $w $h $frames "$fmt" "$desc"
}

clip demo_h264 demo_h264.h264 nv12 "" "H.264 High, B-frames (libx264)" -- \
	-pix_fmt yuv420p -c:v libx264 -threads 1 -profile:v high -preset fast \
	-x264-params threads=1:lookahead-threads=1 -f h264
clip demo_vp9 demo_vp9.ivf nv12 "-c:v vp9" "VP9 profile 0 (libvpx)" -- \
	-pix_fmt yuv420p -c:v libvpx-vp9 -threads 1 -row-mt 0 -deadline realtime \
	-cpu-used 8 -b:v 1M -f ivf
clip demo_av1 demo_av1.ivf p010 "-c:v libdav1d" "AV1 Main 10-bit (SVT-AV1)" -- \
	-pix_fmt yuv420p10le -c:v libsvtav1 -threads 1 -preset 10 -crf 40 -f ivf
clip demo_vp8 demo_vp8.ivf nv12 "-c:v vp8" "VP8 (libvpx)" -- \
	-pix_fmt yuv420p -c:v libvpx -threads 1 -deadline good -cpu-used 4 -b:v 1M -f ivf
clip demo_mpeg2 demo_mpeg2.m2v nv12 "" "MPEG-2 Main, B-frames (FFmpeg mpeg2video)" -- \
	-pix_fmt yuv420p -c:v mpeg2video -threads 1 -bf 2 -b:v 3M -f mpeg2video
clip demo_hevc demo_hevc.h265 nv12 "-c:v hevc" "HEVC Main, B-frames (x265)" -- \
	-pix_fmt yuv420p -c:v libx265 \
	-x265-params "log-level=error:frame-threads=1:pools=1:bframes=3" -f hevc \
	2> >(grep -v -e numa_sched_setaffinity -e "CPU mask" -e "libnuma" >&2)
