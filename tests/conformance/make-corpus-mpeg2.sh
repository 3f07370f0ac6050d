#!/usr/bin/env bash
# make-corpus-mpeg2.sh OUTDIR -- encode the MPEG-2 conformance clips into
# OUTDIR and make their per-frame MD5 references. Runs INSIDE the guest
# root (through gen-corpus.sh mpeg2 and tools/vm/in-root.sh): the encoder
# is the guest FFmpeg 7.1's mpeg2video, the reference decoder its own
# mpeg2video decoder, the one the daemon decodes MPEG-2 with.
#
# For each clip NAME:
#   NAME.m2v     MPEG-2 video elementary stream (4:2:0, Main profile)
#   NAME.md5     one MD5 per frame, in display order, of the frame FFmpeg's
#                software decoder outputs, as NV12 at the frame size, rows
#                tight (make_reference in corpus-lib.sh)
#   NAME.frames  the number of frames FFmpeg outputs (= frames encoded)
#   trace/NAME.framemd5, trace/NAME.trace.txt   for debugging
# and clips.txt: "name width height frames nv12 description".
#
# Not covered: field pictures (picture_structure top/bottom): FFmpeg's
# encoder makes frame pictures only (interlaced ones with field DCT and
# field motion), and the device does not hold a CAPTURE buffer across the
# two requests of a field pair (see README.md, the device).
#
# Deterministic: synthetic lavfi sources, one encoder and decoder thread.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"

# clip NAME WxH FRAMES SOURCE OPTS CHECKS DESCRIPTION
#   OPTS: ffmpeg options of mpeg2video; CHECKS: streamcheck.py checks on
#   FFmpeg's cbs_mpeg2 trace.
clip() {
	local name=$1 size=$2 frames=$3 src=$4 opts=$5 checks=$6 desc=$7
	local graph
	echo "== $name ($size, $frames frames): $desc" >&2
	graph=$(source_graph "$src" "$size" "$frames")
	# shellcheck disable=SC2086 # $opts is several options
	ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt yuv420p \
		-c:v mpeg2video -threads 1 $opts -f mpeg2video "$name.m2v"
	check_stream "$name" "$name.m2v" "$checks"
	make_reference "$name" "$name.m2v" "$size" "$frames" nv12 "-c:v mpeg2video"
	add_clip "$name" "${size%x*}" "${size#*x}" "$frames" nv12 "$desc"
}

# 64 quantisers for -intra_matrix / -inter_matrix (raster order), all
# different so that a matrix applied transposed or in the wrong scan order
# changes the pictures; the intra DC entry is 8, as MPEG-2 wants.
matrix() {
	local i v out=''
	for i in $(seq 0 63); do
		v=$(( $1 + (i * $2 + i / 8 * 3) % 60 ))
		[ "$i" = 0 ] && [ "$1" = 9 ] && v=8
		out=$out${out:+,}$v
	done
	echo "$out"
}

IPB="-bf 2 -g 12"
ILACE="-flags +ildct+ilme -top 1"
B="picture_coding_type=3>4 picture_coding_type=2>2"
TFF="progressive_sequence=0 top_field_first=1>8 frame_pred_frame_dct=0>8"

#    name              size      frames source     mpeg2video options  checks  description
clip ipb               352x288   30 testsrc2   "$IPB -q:v 4" \
	"$B progressive_sequence=1 !picture_structure=1 !picture_structure=2" \
	"I/P/B, 2 B pictures between references, progressive"
clip ip_only           320x240   20 mandel     "-bf 0 -g 10 -b:v 600k" \
	"!picture_coding_type=3 picture_coding_type=2>15" \
	"I and P pictures only, rate controlled"
clip interlaced_tff    352x288   24 interlaced "$IPB $ILACE -q:v 4" \
	"$B $TFF" \
	"Interlaced frame pictures, top field first, field DCT and field motion, B pictures"
clip interlaced_altscan 352x288  20 interlaced "$IPB $ILACE -alternate_scan 1 -q:v 5" \
	"$TFF alternate_scan=1*20" \
	"Interlaced frame pictures with alternate scan"
clip custom_matrices   352x288   20 testsrc2   "$IPB -q:v 5 -intra_matrix $(matrix 9 7) -inter_matrix $(matrix 12 5)" \
	"$B load_intra_quantiser_matrix=1 load_non_intra_quantiser_matrix=1" \
	"Custom intra and non-intra quantiser matrices"
clip intra_vlc_nonlinear 352x288 20 mandel     "$IPB -intra_vlc 1 -non_linear_quant 1 -dc 10 -q:v 6 -qmax 28" \
	"intra_vlc_format=1>10 q_scale_type=1>10 intra_dc_precision=2>10" \
	"Intra VLC table, non-linear quantiser scale, 10-bit intra DC"
clip gop_scenecut      320x240   30 scenecut   "$IPB -g 8 -b:v 500k" \
	"$B picture_coding_type=1>3 closed_gop=0>2" \
	"Short GOPs (open, B pictures across GOP boundaries) and a scene cut"
clip odd_175x99        175x99    20 testsrc2   "$IPB -q:v 4" \
	"$B horizontal_size_value=175 vertical_size_value=99" \
	"Odd size 175x99 (partial macroblocks, odd chroma)"
# Interlaced at an odd width only: GStreamer lays interlaced 4:2:0 out with
# whole chroma lines per field (heights rounded up to a multiple of 4), so
# an odd-height interlaced clip's frames have another size in its output.
clip odd_interlaced_33x20 33x20  15 interlaced "$IPB $ILACE -q:v 3" \
	"$TFF horizontal_size_value=33" \
	"Tiny odd width 33x20, interlaced"
clip lowq              176x144   10 testsrc2   "$IPB -q:v 1 -qmin 1" \
	"quantiser_scale_code=1>50" \
	"Finest quantiser (large coefficients, escape codes)"
clip interlaced_1080   1920x1080  5 interlaced "-bf 1 -g 12 $ILACE -b:v 8M -maxrate 15M -bufsize 9M" \
	"progressive_sequence=0 top_field_first=1*5 picture_coding_type=3>0 vertical_size_value=1080" \
	"1920x1080 interlaced (1088 coded lines), B picture"

echo "corpus: $(wc -l <clips.txt) clips" >&2
