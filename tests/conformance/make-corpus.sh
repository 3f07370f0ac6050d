#!/usr/bin/env bash
# make-corpus.sh OUTDIR -- encode the H.264 conformance clips into OUTDIR and
# make their per-frame MD5 references. Runs INSIDE the guest root (through
# gen-corpus.sh and tools/vm/in-root.sh), so the encoder and the reference decoder
# are the guest's own FFmpeg 7.1 + libx264, the same that the cache key
# names (the root's path is part of it).
#
# For each clip NAME:
#   NAME.h264    raw Annex-B elementary stream
#   NAME.md5     one MD5 per output frame, in display order, of the frame
#                as FFmpeg's software H.264 decoder outputs it, as NV12
#                (lossless from yuv420p) at the cropped display size,
#                rows tight: WIDTH luma bytes x HEIGHT rows, then
#                2*ceil(WIDTH/2) chroma bytes x ceil(HEIGHT/2) rows
#                (the same as FFmpeg's `-f framemd5 -pix_fmt nv12`, which
#                must agree; framemd5.py hashes exactly these bytes out of
#                GStreamer's padded layout). make_reference in
#                corpus-lib.sh.
#   NAME.frames  the number of frames FFmpeg decodes (= frames encoded)
#   trace/NAME.framemd5, trace/NAME.trace.txt   FFmpeg's whole framemd5 output
#                and header trace, for debugging (not needed to run the corpus)
# and clips.txt: "name width height frames description", one clip a line.
#
# Everything is deterministic: synthetic lavfi sources, x264 with one thread
# (frame and lookahead threads change decisions otherwise), no wall-clock
# anything; the same inputs give byte-identical clips.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"
here=$corpus_here

# clip NAME WxH FRAMES SOURCE PROFILE X264PARAMS CHECKS DESCRIPTION
#   PROFILE: ffmpeg's -profile:v for libx264 (baseline = Constrained
#   Baseline); CHECKS: streamcheck.py checks the bitstream must pass.
clip() {
	local name=$1 size=$2 frames=$3 src=$4 profile=$5 params=$6 checks=$7 desc=$8
	local graph
	echo "== $name ($size, $frames frames): $desc" >&2
	graph=$(source_graph "$src" "$size" "$frames")
	ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt yuv420p \
		-c:v libx264 -threads 1 -profile:v "$profile" \
		-x264-params "threads=1:lookahead-threads=1:sliced-threads=0${params:+:$params}" \
		-f h264 "$name.h264"
	check_stream "$name" "$name.h264" "$checks"
	# FFmpeg's H.264 decoder, the default for .h264
	make_reference "$name" "$name.h264" "$size" "$frames" nv12 ""
	add_clip "$name" "${size%x*}" "${size#*x}" "$frames" "$desc"
}

# Checks shared by many clips.
CBP="profile_idc=66 constraint_set1_flag=1 entropy_coding_mode_flag=0 !entropy_coding_mode_flag=1"
MAIN="profile_idc=77"
HIGH="profile_idc=100"
CABAC="entropy_coding_mode_flag=1"
B="slice_type=6"

#    name                  size      frames source  profile  x264 params                 checks  description
clip cbp_cavlc             176x144   30 testsrc2 baseline "ref=3" \
	"$CBP pic_order_cnt_type=2 !slice_type=6" \
	"Constrained Baseline, CAVLC, P only, 3 refs, POC type 2"
clip cbp_cavlc_slices4     320x240   30 mandel   baseline "slices=4:ref=2" \
	"$CBP first_mb_in_slice=0*30 slice=1*120" \
	"Constrained Baseline, CAVLC, 4 slices per picture"
clip cbp_cavlc_lowqp       176x144   10 testsrc2 baseline "qp=4" \
	"$CBP" \
	"Constrained Baseline, CAVLC at QP 4: big coefficients, level escape codes"
clip main_cabac_bpyramid   352x288   40 testsrc2 main "bframes=3:b-pyramid=normal:b-adapt=2:ref=4" \
	"$MAIN $CABAC $B b_ref=1>3" \
	"Main, CABAC, 3 B-frames with B-pyramid (B pictures as references)"
clip main_cavlc_b          352x288   30 mandel   main "cabac=0:bframes=2:b-pyramid=none" \
	"$MAIN entropy_coding_mode_flag=0 $B b_ref=1*0" \
	"Main, CAVLC with B-frames (non-reference B)"
clip high_8x8dct           640x360   30 mandel   high "8x8dct=1:bframes=2" \
	"$HIGH $CABAC transform_8x8_mode_flag=1 frame_cropping_flag=1" \
	"High, CABAC, 8x8 transform, 640x360 (cropped from 640x368)"
clip high_cavlc_8x8dct     352x288   30 testsrc2 high "cabac=0:8x8dct=1:bframes=2" \
	"$HIGH entropy_coding_mode_flag=0 transform_8x8_mode_flag=1" \
	"High, CAVLC with 8x8 transform (CAVLC 8x8 coefficient interleaving)"
clip high_cqm_no8x8dct     352x288   30 testsrc2 high "8x8dct=0:cqm=jvt:bframes=2" \
	"$HIGH transform_8x8_mode_flag=0 !transform_8x8_mode_flag=1 pic_scaling_matrix_present_flag=1 !pic_scaling_list_present_flag=1" \
	"High with the 8x8 transform off (4x4 only) and JVT default scaling matrices"
clip cqm_jvt               352x288   30 mandel   high "cqm=jvt:8x8dct=1:bframes=2" \
	"$HIGH pic_scaling_matrix_present_flag=1 !pic_scaling_list_present_flag=1 transform_8x8_mode_flag=1" \
	"High, scaling matrices in the PPS: JVT defaults (x264 cqm=jvt, fall-back rule A), 4x4 and 8x8"
clip cqm_custom            352x288   30 testsrc2 high "cqmfile=$here/custom.cqm:8x8dct=1:bframes=2" \
	"$HIGH pic_scaling_matrix_present_flag=1 pic_scaling_list_present_flag=1>4" \
	"High, custom scaling matrices in the PPS (custom.cqm: 6 distinct asymmetric lists, Cr falls back to Cb)"
clip weightp_fade          352x288   40 fade     main "weightp=2:bframes=0:ref=3" \
	"weighted_pred_flag=1 luma_weight_l0_flag=1 chroma_weight_l0_flag=1" \
	"Explicit weighted prediction in P slices (weightp=2) over a fade in and out"
clip weightb_implicit      352x288   40 fade     high "weightb=1:weightp=2:bframes=3:b-pyramid=normal" \
	"weighted_bipred_idc=2 weighted_pred_flag=1 $B b_ref=1>1" \
	"Implicit weighted bi-prediction (weightb, weighted_bipred_idc=2) + explicit P weights, B-pyramid"
clip refs16_p              320x240   40 testsrc2 main "ref=16:bframes=0:mixed-refs=1" \
	"max_num_ref_frames=16 num_ref_idx_l0_default_active_minus1=15 num_ref_idx_active_override_flag=0>20" \
	"16 reference frames, P only"
clip refs8_b               352x288   40 mandel   high "ref=8:bframes=3:b-pyramid=normal" \
	"max_num_ref_frames=8 $B b_ref=1>1" \
	"8 reference frames with B-pyramid"
clip slices4_b             352x288   30 testsrc2 high "slices=4:bframes=2" \
	"$HIGH first_mb_in_slice=0*30 slice=1*120 $B" \
	"High, 4 slices per picture, I/P/B slices"
clip slice_max_size        320x240   20 mandel   main "slice-max-size=400:bframes=2" \
	"first_mb_in_slice=0*20 slice=1>60" \
	"Main, slices of at most 400 bytes (many slices, varying sizes)"
clip crop_174x98           174x98    30 testsrc2 main "bframes=2" \
	"frame_cropping_flag=1 frame_crop_right_offset=1 frame_crop_bottom_offset=7" \
	"Cropping: 174x98 coded as 176x112"
clip crop_350x286          350x286   30 mandel   high "bframes=2:8x8dct=1" \
	"frame_cropping_flag=1 frame_crop_right_offset=1 frame_crop_bottom_offset=1" \
	"Cropping: 350x286 coded as 352x288 (row stride not a multiple of 4)"
clip hd_1080p              1920x1080 8  testsrc2 high "bframes=2:ref=2" \
	"$HIGH frame_cropping_flag=1 frame_crop_bottom_offset=4" \
	"1080p (1920x1088 coded, cropped), High"
clip intra_refresh         320x240   45 testsrc2 main "intra-refresh=1:keyint=15:bframes=0" \
	"nal_unit_type=5*1 recovery_frame_cnt=14" \
	"Periodic intra refresh: one IDR, then no I pictures (keyint 15)"
clip open_gop              320x240   40 testsrc2 main "open-gop=1:keyint=12:min-keyint=12:bframes=3:b-pyramid=normal:scenecut=0" \
	"nal_unit_type=5*1 slice_type=7>1 $B" \
	"Open GOP: non-IDR I pictures with leading B pictures that reference the previous GOP"
clip mbaff_tff             352x288   20 interlaced high "interlaced=1:tff=1:bframes=2" \
	"frame_mbs_only_flag=0 mb_adaptive_frame_field_flag=1 field_pic_flag=0 !field_pic_flag=1" \
	"Interlaced MBAFF (frame pictures, field/frame macroblock pairs), top field first"
clip constrained_intra     352x288   30 testsrc2 main "constrained-intra=1:bframes=2" \
	"constrained_intra_pred_flag=1" \
	"Constrained intra prediction"
clip direct_spatial        352x288   30 testsrc2 main "direct=spatial:bframes=3:b-pyramid=normal" \
	"direct_spatial_mv_pred_flag=1 !direct_spatial_mv_pred_flag=0" \
	"B-frames, spatial direct prediction"
clip direct_temporal       352x288   30 testsrc2 main "direct=temporal:bframes=3:b-pyramid=normal" \
	"direct_spatial_mv_pred_flag=0>10 b_ref=1>1" \
	"B-frames, temporal direct prediction (x264 switches some B slices to spatial), B-pyramid"
clip deblock_off           352x288   30 mandel   main "no-deblock=1:bframes=2" \
	"disable_deblocking_filter_idc=1 !disable_deblocking_filter_idc=0" \
	"Deblocking filter disabled"
clip deblock_offsets       352x288   30 testsrc2 main "deblock=-3,3:bframes=2" \
	"slice_alpha_c0_offset_div2=-3 slice_beta_offset_div2=3" \
	"Deblocking with alpha/beta offsets -3/+3"
clip scenecut_mixed        352x288   48 scenecut high "keyint=24:min-keyint=4:bframes=4:b-adapt=2:b-pyramid=normal:ref=4" \
	"nal_unit_type=5>1 slice_type=5 $B b_ref=1>1" \
	"Scene cut: mixed I/P/B decisions, second IDR, B-pyramid"
clip high_cabac_lowqp      176x144   10 mandel   high "qp=2:8x8dct=1" \
	"$HIGH $CABAC transform_8x8_mode_flag=1" \
	"High, CABAC at QP 2: big coefficients (8x8 and 4x4)"
# Not covered: lossless (x264 qp=0 makes High 4:4:4 Predictive, transform
# bypass), which the device does not support; 4:2:2, 4:4:4, >8 bit;
# field pictures (PAFF: x264 cannot make them); FMO/ASO (Baseline, not
# Constrained Baseline); explicit weighted bi-prediction (weighted_bipred_idc=1,
# x264 only does implicit); long-term references.

echo "corpus: $(wc -l <clips.txt) clips" >&2
