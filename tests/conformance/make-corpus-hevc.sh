#!/usr/bin/env bash
# make-corpus-hevc.sh OUTDIR -- encode the HEVC conformance clips into OUTDIR
# and make their per-frame MD5 references. Runs INSIDE the guest root
# (through gen-corpus.sh hevc and tools/vm/in-root.sh): the encoder is the
# guest's x265 (FFmpeg's libx265), the reference decoder FFmpeg 7.1's own
# `hevc`.
#
# For each clip NAME:
#   NAME.h265    Annex-B elementary stream
#   NAME.md5     one MD5 per frame, in display order, of what FFmpeg's
#                software decoder outputs (cropped to the conformance
#                window), as NV12 (Main) or P010 (Main 10), rows tight
#   NAME.frames  the number of frames FFmpeg outputs (= frames encoded)
#   trace/NAME.framemd5, trace/NAME.trace.txt   for debugging
# and clips.txt: "name width height frames format description".
#
# Deterministic: synthetic lavfi sources, x265 with one frame thread and a
# one-thread pool (x265's output does not depend on its threads; WPP needs
# a pool).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"

# clip NAME WxH FRAMES SOURCE FORMAT X265PARAMS CHECKS DESCRIPTION
#   FORMAT: nv12 (Main, yuv420p) or p010 (Main 10, yuv420p10le);
#   X265PARAMS: -x265-params of libx265 (after the common ones);
#   CHECKS: streamcheck.py checks on FFmpeg's cbs_h265 trace.
clip() {
	local name=$1 size=$2 frames=$3 src=$4 fmt=$5 params=$6 checks=$7 desc=$8
	local graph pix
	echo "== $name ($size, $frames frames, $fmt): $desc" >&2
	graph=$(source_graph "$src" "$size" "$frames")
	case $fmt in
	nv12) pix=yuv420p ;;
	p010) pix=yuv420p10le ;;
	*) echo "$name: bad format $fmt" >&2; return 1 ;;
	esac
	ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt $pix \
		-c:v libx265 -x265-params "log-level=error:frame-threads=1:pools=1:$params" \
		-f hevc "$name.h265" 2> >(grep -v -e numa_sched_setaffinity -e "CPU mask" -e "libnuma" >&2)
	check_stream "$name" "$name.h265" "$checks"
	make_reference "$name" "$name.h265" "$size" "$frames" "$fmt" "-c:v hevc"
	add_clip "$name" "${size%x*}" "${size#*x}" "$frames" "$fmt" "$desc"
}

NOB="bframes=0"
WPP="entropy_coding_sync_enabled_flag=1 num_entry_point_offsets=4>5"
M10="general_profile_idc=2 bit_depth_luma_minus8=2"

#    name             size      frames source   fmt  x265 params      checks  description
clip main_ip          352x288   10 testsrc2 nv12 "$NOB:keyint=10:wpp=0" \
	"slice_type=2*1 entropy_coding_sync_enabled_flag=0 first_slice_segment_in_pic_flag=0*0" \
	"Main, an IDR then P pictures, one slice, no WPP"
clip main_bpyramid    352x288   20 mandel   nv12 "bframes=4:b-pyramid=1:keyint=20:wpp=0" \
	"slice_type=0>4 nal_unit_type=0>2" \
	"Main, B-pyramid (4 B pictures, B references)"
clip main_wpp         352x288   12 testsrc2 nv12 "bframes=2:wpp=1" \
	"$WPP" \
	"Main, wavefront parallel processing (entry points)"
clip main_slices      352x288   10 testsrc2 nv12 "bframes=2:slices=4:wpp=1" \
	"first_slice_segment_in_pic_flag=0>20" \
	"Main, four slices a picture (with WPP: x265 wants it)"
clip main_cra         320x240   24 scenecut nv12 "bframes=3:keyint=8:min-keyint=8:open-gop=1:wpp=0" \
	"nal_unit_type=21>1 nal_unit_type=8>0" \
	"Main, open GOP: CRA pictures with RASL leading pictures"
clip main_scaling     352x288   10 mandel   nv12 "bframes=2:scaling-list=default" \
	"scaling_list_enabled_flag=1" \
	"Main, scaling lists (the default ones)"
clip main_weighted    352x288   16 fade     nv12 "bframes=2:weightp=1:weightb=1" \
	"luma_weight_l0_flag=1" \
	"Main, weighted prediction on a fade"
clip main_lossless    176x144   6  testsrc2 nv12 "bframes=2:lossless=1" \
	"transquant_bypass_enabled_flag=1" \
	"Main, lossless (transquant bypass)"
clip main_crop_174x98 174x98    12 testsrc2 nv12 "bframes=2" \
	"conformance_window_flag=1" \
	"Main, 174x98 (x265 takes no odd 4:2:0 size): a conformance window crops the coded 176x104"
clip main10_basic     352x288   12 testsrc2 p010 "bframes=3:b-pyramid=1" \
	"$M10" \
	"Main 10, B pictures"
clip main10_crop_174x98 174x98  8  mandel   p010 "bframes=2:wpp=1" \
	"$M10 conformance_window_flag=1" \
	"Main 10, 174x98 (cropped from 176x104) with WPP"
clip main_1080p       1920x1080 3  testsrc2 nv12 "bframes=0:wpp=1:slices=2" \
	"pic_height_in_luma_samples=1080" \
	"Main, 1920x1080, WPP and two slices"
# Not covered: tiles and long-term references (x265 makes neither);
# reference picture sets of the SPS (x265 puts every set in the slice
# headers: the rewrite from the decode parameters is covered by
# tests/unit/test_hevc.c); 4:2:2, 4:4:4, 12-bit (refused by the device).

echo "corpus: $(wc -l <clips.txt) clips" >&2
