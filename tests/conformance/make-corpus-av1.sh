#!/usr/bin/env bash
# make-corpus-av1.sh OUTDIR -- encode the AV1 conformance clips into OUTDIR
# and make their per-frame MD5 references. Runs INSIDE the guest root
# (through gen-corpus.sh av1 and tools/vm/in-root.sh): the encoders are the
# guest FFmpeg 7.1's libaom-av1 (libaom 3.12), libsvtav1 (SVT-AV1 2.3) and
# librav1e (rav1e 0.7), the reference decoder its libdav1d (dav1d 1.5), the
# library the daemon decodes AV1 with.
#
# For each clip NAME:
#   NAME.ivf     IVF file (fourcc AV01), one temporal unit a packet: a
#                hidden frame travels with the next shown one, a
#                show_existing_frame header is a temporal unit of its own
#   NAME.md5     one MD5 per *shown* frame (shown directly or by
#                show_existing_frame), in display order, of the frame dav1d
#                outputs -- film grain applied, as dav1d does by default and
#                as AV1 specifies the output -- as NV12 (8-bit) or P010
#                (10-bit) at the frame size, rows tight (make_reference in
#                corpus-lib.sh)
#   NAME.frames  the number of frames dav1d outputs (= frames encoded: every
#                input frame is shown exactly once)
#   trace/NAME.framemd5, trace/NAME.trace.txt   for debugging
# and clips.txt: "name width height frames format description", format
# nv12 or p010.
#
# Deterministic: synthetic lavfi sources, every encoder with one thread
# (-threads 1; libaom and rav1e are deterministic with it, SVT-AV1 is at
# any thread count: checked, two encodes compare equal), dav1d with one
# thread.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"
# SVT-AV1 prints its banner and warnings to stderr unless told not to.
export SVT_LOG=1

# clip NAME WxH FRAMES SOURCE FORMAT ENCODER OPTS CHECKS DESCRIPTION
#   FORMAT: nv12 (8-bit, yuv420p) or p010 (10-bit, yuv420p10le; Main
#   profile either way); ENCODER: aom (libaom-av1), svt (libsvtav1) or
#   rav1e (librav1e); OPTS: ffmpeg options of that encoder; CHECKS:
#   streamcheck.py checks on FFmpeg's cbs_av1 trace.
clip() {
	local name=$1 size=$2 frames=$3 src=$4 fmt=$5 enc=$6 opts=$7 checks=$8 desc=$9
	local graph pix codec
	echo "== $name ($size, $frames frames, $fmt, $enc): $desc" >&2
	graph=$(source_graph "$src" "$size" "$frames")
	case $fmt in
	nv12) pix=yuv420p ;;
	p010) pix=yuv420p10le ;;
	*) echo "$name: bad format $fmt" >&2; return 1 ;;
	esac
	case $enc in
	aom) codec=libaom-av1 ;;
	svt) codec=libsvtav1 ;;
	rav1e) codec=librav1e ;;
	*) echo "$name: bad encoder $enc" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086 # $opts is several options
	ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt $pix \
		-c:v $codec -threads 1 $opts -f ivf "$name.ivf"
	check_stream "$name" "$name.ivf" "$checks"
	make_reference "$name" "$name.ivf" "$size" "$frames" "$fmt" "-c:v libdav1d"
	add_clip "$name" "${size%x*}" "${size#*x}" "$frames" "$fmt" "$desc"
}

# libaom: good quality at speed 6 (one-pass: with lag-in-frames it still
# makes hidden alt-ref frames and shows them with show_existing_frame);
# constant quality.
AOM="-cpu-used 6 -crf 32 -b:v 0"
AOM_RT="-usage realtime -cpu-used 8"
SVT="-preset 10 -crf 40"
RAV1E="-speed 10 -qp 100"
B8="seq_profile=0 high_bitdepth=0"
B10="seq_profile=0 high_bitdepth=1"
HIDDEN="show_frame=0>0 show_existing_frame=1>0"

#    name            size     frames source  fmt  encoder options  checks  description
clip aom_basic       352x288  20 testsrc2 nv12 aom "$AOM -lag-in-frames 0" \
	"$B8 frame_type=0*1 !show_frame=0 !show_existing_frame=1" \
	"libaom, 8-bit, one key frame then inter frames, no hidden frames"
clip aom_altref      352x288  30 mandel   nv12 aom "$AOM -lag-in-frames 35 -auto-alt-ref 1 -arnr-max-frames 7 -arnr-strength 5" \
	"$B8 show_frame=0>5 show_existing_frame=1>5 reference_select=1>10 ref_frame_idx=6 ref_frame_idx=7 refresh_frame_flags=128" \
	"libaom, hidden alt-ref frames (temporally filtered) shown by show_existing_frame, compound prediction, all 8 reference slots"
clip aom_10bit       352x288  20 testsrc2 p010 aom "$AOM" \
	"$B10 $HIDDEN" \
	"libaom, 10-bit Main profile (P010), hidden frames"
clip aom_10bit_odd_175x99 175x99 15 mandel p010 aom "$AOM" \
	"$B10 max_frame_width_minus_1=174 max_frame_height_minus_1=98" \
	"libaom, 10-bit at odd size 175x99"
clip aom_grain       352x288  20 mandel   nv12 aom "$AOM -denoise-noise-level 25" \
	"film_grain_params_present=1 apply_grain=1>15 update_grain=1>15" \
	"libaom, film grain estimated from the source (denoiser), new grain parameters every frame"
clip aom_grain_cfl   176x144  10 testsrc2 nv12 aom "$AOM -aom-params film-grain-test=15" \
	"apply_grain=1>5 chroma_scaling_from_luma=1 overlap_flag=1" \
	"libaom, film grain test vector 15: chroma scaling from luma, block overlap"
clip aom_grain_ref   176x144  10 testsrc2 nv12 aom "$AOM -aom-params film-grain-test=5" \
	"apply_grain=1>5 update_grain=0>3 clip_to_restricted_range=1 ar_coeff_lag=3" \
	"libaom, film grain test vector 5: parameters loaded from a reference frame (update_grain 0), restricted range, AR lag 3"
clip aom_grain_10bit 352x288  15 mandel   p010 aom "$AOM -aom-params film-grain-test=1" \
	"$B10 apply_grain=1>5 overlap_flag=0 num_y_points=14" \
	"libaom, 10-bit film grain (test vector 1: 14 luma points, AR lag 2, no overlap)"
clip aom_tiles       640x360  10 mandel   nv12 aom "$AOM -tile-columns 1 -tile-rows 1" \
	"tile_cols_log2=1>5 tile_rows_log2=1>5" \
	"libaom, 2x2 uniform tiles"
clip aom_tile_groups 640x360  10 mandel   nv12 aom "$AOM -tile-columns 2 -aom-params num-tile-groups=2:sb-size=128" \
	"use_128x128_superblock=1 uniform_tile_spacing_flag=0>5 tile_start_and_end_present_flag=1>5 obu_type=4>10" \
	"libaom, 128x128 superblocks, 4 non-uniform tile columns in 2 tile groups (frame header OBU + tile group OBUs)"
clip aom_lossless    176x144   8 testsrc2 nv12 aom "-cpu-used 6 -aom-params lossless=1" \
	"base_q_idx=0>5 !delta_q_present=1" \
	"libaom, lossless (base_q_idx 0: WHT, no loop filters)"
clip aom_screen      352x288  10 screen   nv12 aom "-usage allintra -cpu-used 6 -crf 30 -b:v 0 -enable-intrabc 1 -aom-params tune-content=screen:enable-palette=1" \
	"allow_screen_content_tools=1>5 allow_intrabc=1>5" \
	"libaom, screen content, all-intra: intra block copy, palette"
clip aom_odd_175x99  175x99   20 testsrc2 nv12 aom "$AOM" \
	"$HIDDEN max_frame_width_minus_1=174 max_frame_height_minus_1=98" \
	"libaom, odd size 175x99, hidden frames"
clip aom_odd_33x17   33x17    15 mandel   nv12 aom "$AOM" \
	"max_frame_width_minus_1=32 max_frame_height_minus_1=16" \
	"libaom, tiny odd size 33x17"
clip aom_keyint      320x240  30 scenecut nv12 aom "$AOM -g 10" \
	"frame_type=0>2" \
	"libaom, a key frame every 10 frames and a scene cut"
clip aom_error_res   352x288  20 testsrc2 nv12 aom "$AOM -aom-params error-resilient=1" \
	"error_resilient_mode=1>15 !error_resilient_mode=0" \
	"libaom, error-resilient frames (no context or motion vectors from references)"
clip aom_qm_aq       352x288  15 testsrc2 nv12 aom "$AOM -aq-mode 1 -aom-params enable-qm=1" \
	"using_qmatrix=1>10 segmentation_enabled=1>10 delta_q_present=1>2" \
	"libaom, quantizer matrices, variance AQ (segment quantizers), delta q"
clip aom_rt_cyclic   352x288  20 mandel   nv12 aom "$AOM_RT -aq-mode 3 -b:v 200k" \
	"!show_frame=0 segmentation_update_map=1>15 segmentation_temporal_update=1" \
	"libaom realtime: cyclic-refresh AQ (segmentation map updates, temporal map prediction)"
clip aom_1080p       1920x1080 5 testsrc2 nv12 aom "$AOM_RT -crf 40 -b:v 0 -tile-columns 2 -tile-rows 1" \
	"use_128x128_superblock=1 tile_cols_log2=2*5 tile_rows_log2=1*5" \
	"libaom realtime, 1920x1080, 128x128 superblocks, 4 tile columns x 2 tile rows"
clip svt_basic       352x288  20 testsrc2 nv12 svt "$SVT" \
	"$B8 $HIDDEN" \
	"SVT-AV1, random-access mini-GOPs (hidden frames, show_existing_frame)"
clip svt_grain_10bit 352x288  20 mandel   p010 svt "$SVT -svtav1-params film-grain=8" \
	"$B10 film_grain_params_present=1 apply_grain=1>15" \
	"SVT-AV1, 10-bit with film grain (denoise and synthesis, level 8)"
clip svt_superres    352x288  20 testsrc2 nv12 svt "$SVT -svtav1-params superres-mode=1:superres-denom=12:superres-kf-denom=10" \
	"enable_superres=1 use_superres=1>15 coded_denom=3>15 coded_denom=1" \
	"SVT-AV1, superres: frames coded at 8/12 (key frame 8/10) width, upscaled"
clip svt_superres_10bit 320x240 15 mandel p010 svt "$SVT -svtav1-params superres-mode=2" \
	"$B10 use_superres=1>10" \
	"SVT-AV1, 10-bit superres with random denominators"
clip svt_intra_only  320x240  24 testsrc2 nv12 svt "$SVT -svtav1-params irefresh-type=1:keyint=8" \
	"frame_type=0*1 frame_type=2>1" \
	"SVT-AV1, open GOP: intra-only frames (frame_type 2) every 8 frames"
clip svt_screen      352x288  10 screen   nv12 svt "-preset 8 -crf 40 -svtav1-params scm=1:keyint=5" \
	"allow_intrabc=1*2 frame_type=0*2" \
	"SVT-AV1 (preset 8: faster presets make no intra block copy), screen content mode: intra block copy and palette in key frames"
clip rav1e_basic     352x288  15 testsrc2 nv12 rav1e "$RAV1E" \
	"$B8 $HIDDEN segmentation_enabled=1>10 reduced_tx_set=1" \
	"rav1e, hidden frames, segmentation, reduced transform set"
clip rav1e_10bit_tiles 352x288 15 mandel  p010 rav1e "$RAV1E -tiles 4" \
	"$B10 tile_cols_log2=1>10 tile_rows_log2=1>10" \
	"rav1e, 10-bit, 2x2 tiles"
clip rav1e_sframe    352x288  20 testsrc2 nv12 rav1e "$RAV1E -rav1e-params low_latency=true:switch_frame_interval=6" \
	"frame_type=3>1 !show_frame=0 !show_existing_frame=1" \
	"rav1e, low latency with switch frames (frame_type 3) every 6 frames"
# Not covered: frame size changes with reference scaling (libaom's and
# SVT-AV1's resize modes are not reachable through FFmpeg's wrappers, or
# change the output size, and the runner hashes one size per clip);
# superres through libaom (superres-mode is not one of the options
# FFmpeg's -aom-params can set; SVT-AV1 makes the superres clips); large
# scale tile (not reachable either, and not in Main profile decoders'
# scope); 4:2:2, 4:4:4, 12-bit and monochrome (not supported by the
# device); palette use cannot be checked from the headers (it is a block
# level tool): the screen clips assert allow_screen_content_tools and
# allow_intrabc only; odd sizes from SVT-AV1 (it refuses them for 4:2:0).
# SVT-AV1 makes switch frames too (pred-struct=1:sframe-dist=N), but then
# signals level 7.0 and a 16384x8704 maximum frame size, whose sequence
# header GStreamer 1.26's av1parse rejects ("parse sequence header error"):
# no GStreamer pipeline gets such a stream to any decoder, so rav1e makes
# the switch-frame clip.

echo "corpus: $(wc -l <clips.txt) clips" >&2
