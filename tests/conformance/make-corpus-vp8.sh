#!/usr/bin/env bash
# make-corpus-vp8.sh OUTDIR -- encode the VP8 conformance clips into OUTDIR
# and make their per-frame MD5 references. Runs INSIDE the guest root
# (through gen-corpus.sh vp8 and tools/vm/in-root.sh): the encoder is the
# guest's libvpx (FFmpeg's `libvpx`), the reference decoder FFmpeg 7.1's
# own `vp8`.
#
# For each clip NAME:
#   NAME.ivf     IVF file, one VP8 frame a packet (a hidden alt-ref frame
#                is a packet of its own: VP8 has no superframes)
#   NAME.md5     one MD5 per *shown* frame, in display order, of the frame
#                FFmpeg's software decoder outputs, as NV12 at the frame
#                size, rows tight (see make_reference in corpus-lib.sh).
#                Hidden frames are never output, so they have no line.
#   NAME.frames  the number of frames FFmpeg outputs (= frames encoded)
#   trace/NAME.framemd5, trace/NAME.trace.txt   for debugging
# and clips.txt: "name width height frames nv12 description".
#
# Deterministic: synthetic lavfi sources, libvpx with one thread, two-pass
# logs in /tmp of the chroot.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"

# clip NAME WxH FRAMES SOURCE PASSES VPXOPTS CHECKS DESCRIPTION
#   PASSES: 1 or 2 (libvpx makes alt-ref frames with a lag and two
#   passes); VPXOPTS: ffmpeg options of libvpx; CHECKS: streamcheck.py
#   checks on FFmpeg's cbs_vp8 trace.
clip() {
	local name=$1 size=$2 frames=$3 src=$4 passes=$5 opts=$6 checks=$7 desc=$8
	local graph
	echo "== $name ($size, $frames frames): $desc" >&2
	graph=$(source_graph "$src" "$size" "$frames")
	# shellcheck disable=SC2086 # $opts is several options
	if [ "$passes" = 2 ]; then
		ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt yuv420p \
			-c:v libvpx -threads 1 $opts -pass 1 \
			-passlogfile "/tmp/$name" -f null -
		ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt yuv420p \
			-c:v libvpx -threads 1 $opts -pass 2 \
			-passlogfile "/tmp/$name" -f ivf "$name.ivf"
	else
		ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt yuv420p \
			-c:v libvpx -threads 1 $opts -f ivf "$name.ivf"
	fi
	rm -f "/tmp/$name"*.log
	check_stream "$name" "$name.ivf" "$checks"
	make_reference "$name" "$name.ivf" "$size" "$frames" nv12 "-c:v vp8"
	add_clip "$name" "${size%x*}" "${size#*x}" "$frames" nv12 "$desc"
}

GOOD="-deadline good -cpu-used 4"
RT="-deadline realtime -cpu-used 8"
ARF="-auto-alt-ref 1 -lag-in-frames 16 -arnr-maxframes 5 -arnr-strength 3 -b:v 300k"
NOARF="-auto-alt-ref 0 -lag-in-frames 0"
HIDDEN="show_frame=0>0"

#    name          size     frames source  passes libvpx options  checks  description
clip basic         176x144  20 testsrc2 1 "$GOOD $NOARF -crf 20 -b:v 1M" \
	"frame_type=0*1 !show_frame=0" \
	"One key frame then inter frames, no alt-ref"
clip altref        320x240  30 mandel   2 "$GOOD $ARF" \
	"$HIDDEN refresh_alternate_frame=1>0 ref_frame_sign_bias_alternate=1>0" \
	"Two-pass with hidden alt-ref frames (temporally filtered)"
clip error_res     176x144  20 testsrc2 1 "$GOOD $NOARF -error-resilient 1 -b:v 200k" \
	"refresh_entropy_probs=0*20" \
	"Error-resilient: no probability carried from frame to frame"
clip partitions8   352x288  12 testsrc2 1 "$GOOD $NOARF -slices 8 -b:v 500k" \
	"log2_token_partitions=3*12" \
	"8 token partitions"
clip partitions2   320x240  12 mandel   1 "$RT $NOARF -slices 2 -b:v 300k" \
	"log2_token_partitions=1*12" \
	"2 token partitions, realtime speed 8"
clip segments      320x240  20 testsrc2 1 "$RT $NOARF -error-resilient 1 -b:v 150k" \
	"segmentation_enable=1>5 update_segment_map=1>3" \
	"Segmentation (cyclic background refresh) with map updates"
clip golden        320x240  30 scenecut 1 "$GOOD $NOARF -g 12 -b:v 250k" \
	"frame_type=0>2 refresh_golden_frame=1>1 copy_buffer_to_alternate=2>1" \
	"Key frames every 12 frames and a scene cut, golden frame updates (the old golden copied to alt-ref)"
clip sharp_simple  176x144  15 mandel   1 "$GOOD $NOARF -profile:v 1 -sharpness 5 -b:v 200k" \
	"profile=1>0 loop_filter_type=1>0 loop_filter_sharpness=5>0" \
	"Version 1: simple loop filter and bilinear prediction, sharpness 5"
clip version3      176x144  10 testsrc2 1 "$GOOD $NOARF -profile:v 3 -b:v 200k" \
	"profile=3*10" \
	"Version 3: full-pixel motion vectors"
clip odd_175x99    175x99   20 testsrc2 2 "$GOOD $ARF" \
	"$HIDDEN" \
	"Odd size 175x99 (partial macroblocks, odd chroma) with alt-ref"
clip odd_33x17     33x17    15 mandel   1 "$GOOD $NOARF -crf 10 -b:v 1M" \
	"" \
	"Tiny odd size 33x17"
clip lowq          176x144  10 mandel   1 "$GOOD $NOARF -qmin 0 -qmax 4 -b:v 4M" \
	"" \
	"Near-lossless quantizers (large coefficients)"
clip 1080p         1920x1080 5 testsrc2 1 "$RT $NOARF -slices 4 -b:v 3M" \
	"log2_token_partitions=2*5" \
	"1920x1080, 4 token partitions"
# Not covered: the key frame's horizontal/vertical scale (FFmpeg's libvpx
# wrapper cannot set it; it only tells a player to upscale, libavcodec
# ignores it); version 2.

echo "corpus: $(wc -l <clips.txt) clips" >&2
