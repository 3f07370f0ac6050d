// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdbool.h>

#include "util/bitwriter.h"
#include "rebuild/h264/h264_bitstream.h"
#include "rebuild/h264/h264_rebuild.h"
#include "util/log.h"

/* The H.264 profiles the device offers (the kernel refuses the others). */
#define DV_H264_PROFILE_BASELINE	66
#define DV_H264_PROFILE_MAIN		77
#define DV_H264_PROFILE_HIGH		100

/* nal_ref_idc 3 (parameter sets are always "reference") + type. */
#define DV_H264_NAL_HEADER(type)	(uint8_t)((3 << 5) | (type))

/*
 * Zig-zag scans (H.264 tables 8-12 and 8-13, frame blocks): scan position ->
 * raster index row * n + column. Scaling lists always use these, also in
 * field macroblocks. tests/unit checks them against a generator.
 */
static const uint8_t dv_zigzag4[16] = {
	0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15,
};

static const uint8_t dv_zigzag8[64] = {
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

const uint8_t *dv_h264_zigzag(unsigned int n)
{
	return n == 8 ? dv_zigzag8 : dv_zigzag4;
}

static bool dv_se_ok(int32_t v)
{
	/* se(v) codes -(2^31 - 1) .. 2^31 - 1 within 32-bit ue(). */
	return v != INT32_MIN;
}

static int dv_h264_sps_check(const struct v4l2_ctrl_h264_sps *sps)
{
	const char *bad = NULL;
	unsigned int i;

	if (sps->profile_idc != DV_H264_PROFILE_BASELINE &&
	    sps->profile_idc != DV_H264_PROFILE_MAIN &&
	    sps->profile_idc != DV_H264_PROFILE_HIGH)
		bad = "profile_idc";
	else if (sps->chroma_format_idc != 1)
		bad = "chroma_format_idc";
	else if (sps->bit_depth_luma_minus8 || sps->bit_depth_chroma_minus8)
		bad = "bit depth";
	else if (sps->flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE)
		bad = "separate_colour_plane_flag";
	else if ((sps->flags & V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS) &&
		 sps->profile_idc != DV_H264_PROFILE_HIGH)
		bad = "qpprime_y_zero_transform_bypass_flag";
	else if (sps->log2_max_frame_num_minus4 > 12)
		bad = "log2_max_frame_num_minus4";
	else if (sps->pic_order_cnt_type > 2)
		bad = "pic_order_cnt_type";
	else if (sps->log2_max_pic_order_cnt_lsb_minus4 > 12)
		bad = "log2_max_pic_order_cnt_lsb_minus4";
	else if (sps->max_num_ref_frames > 16)
		bad = "max_num_ref_frames";
	else if (!dv_se_ok(sps->offset_for_non_ref_pic) ||
		 !dv_se_ok(sps->offset_for_top_to_bottom_field))
		bad = "offset_for_non_ref_pic/offset_for_top_to_bottom_field";
	for (i = 0; !bad && sps->pic_order_cnt_type == 1 &&
	     i < sps->num_ref_frames_in_pic_order_cnt_cycle; i++)
		if (!dv_se_ok(sps->offset_for_ref_frame[i]))
			bad = "offset_for_ref_frame";
	if (bad) {
		dv_err("H.264 SPS: %s cannot be decoded (profile_idc %u)", bad,
		       sps->profile_idc);
		return -EINVAL;
	}
	return 0;
}

static int dv_h264_wrap(struct dv_bitwriter *bw, uint8_t nal_type,
			uint8_t *out, size_t cap, size_t *size)
{
	size_t rbsp_size;
	int ret;

	dv_bw_trailing_bits(bw);
	ret = dv_bw_finish(bw, &rbsp_size);
	if (!ret)
		ret = dv_nal_wrap_annexb(DV_H264_NAL_HEADER(nal_type), bw->buf,
					 rbsp_size, out, cap, size);
	return ret;
}

int dv_h264_write_sps(const struct v4l2_ctrl_h264_sps *sps,
		      uint8_t *out, size_t cap, size_t *size)
{
	uint8_t rbsp[DV_H264_PARAM_NAL_MAX];
	struct dv_bitwriter bw;
	unsigned int i;
	int ret;

	ret = dv_h264_sps_check(sps);
	if (ret)
		return ret;
	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	dv_bw_u(&bw, 8, sps->profile_idc);
	for (i = 0; i < 6; i++)		/* constraint_set0_flag comes first */
		dv_bw_u(&bw, 1, (sps->constraint_set_flags >> i) & 1);
	dv_bw_u(&bw, 2, 0);		/* reserved_zero_2bits */
	dv_bw_u(&bw, 8, sps->level_idc);
	dv_bw_ue(&bw, sps->seq_parameter_set_id);
	if (sps->profile_idc == DV_H264_PROFILE_HIGH) {
		dv_bw_ue(&bw, sps->chroma_format_idc);
		dv_bw_ue(&bw, sps->bit_depth_luma_minus8);
		dv_bw_ue(&bw, sps->bit_depth_chroma_minus8);
		dv_bw_u(&bw, 1, !!(sps->flags &
				   V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS));
		/* Matrices go in the PPS, already merged (see header). */
		dv_bw_u(&bw, 1, 0);	/* seq_scaling_matrix_present_flag */
	}
	dv_bw_ue(&bw, sps->log2_max_frame_num_minus4);
	dv_bw_ue(&bw, sps->pic_order_cnt_type);
	if (sps->pic_order_cnt_type == 0) {
		dv_bw_ue(&bw, sps->log2_max_pic_order_cnt_lsb_minus4);
	} else if (sps->pic_order_cnt_type == 1) {
		dv_bw_u(&bw, 1, !!(sps->flags &
				   V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO));
		dv_bw_se(&bw, sps->offset_for_non_ref_pic);
		dv_bw_se(&bw, sps->offset_for_top_to_bottom_field);
		dv_bw_ue(&bw, sps->num_ref_frames_in_pic_order_cnt_cycle);
		for (i = 0; i < sps->num_ref_frames_in_pic_order_cnt_cycle; i++)
			dv_bw_se(&bw, sps->offset_for_ref_frame[i]);
	}
	dv_bw_ue(&bw, sps->max_num_ref_frames);
	dv_bw_u(&bw, 1, !!(sps->flags &
			   V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED));
	dv_bw_ue(&bw, sps->pic_width_in_mbs_minus1);
	dv_bw_ue(&bw, sps->pic_height_in_map_units_minus1);
	dv_bw_u(&bw, 1, !!(sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY));
	if (!(sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY))
		dv_bw_u(&bw, 1, !!(sps->flags &
				   V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD));
	dv_bw_u(&bw, 1, !!(sps->flags & V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE));
	/* The uAPI has no cropping: the picture is the full coded size, and
	 * the client crops, as with a hardware decoder. */
	dv_bw_u(&bw, 1, 0);		/* frame_cropping_flag */
	/* No VUI: it only concerns display (timing, colour, reordering), and
	 * pictures are completed in decode order without libavcodec's output. */
	dv_bw_u(&bw, 1, 0);		/* vui_parameters_present_flag */
	return dv_h264_wrap(&bw, DV_H264_NAL_SPS, out, cap, size);
}

static int dv_h264_pps_check(const struct v4l2_ctrl_h264_sps *sps,
			     const struct v4l2_ctrl_h264_pps *pps,
			     const struct v4l2_ctrl_h264_scaling_matrix *matrix)
{
	const char *bad = NULL;

	if (pps->seq_parameter_set_id != sps->seq_parameter_set_id ||
	    pps->seq_parameter_set_id > 31)
		bad = "seq_parameter_set_id (not the SPS's)";
	else if (pps->num_slice_groups_minus1)
		/* The uAPI has no slice group map: FMO cannot be described. */
		bad = "num_slice_groups_minus1";
	else if (pps->num_ref_idx_l0_default_active_minus1 > 31 ||
		 pps->num_ref_idx_l1_default_active_minus1 > 31)
		bad = "num_ref_idx_lX_default_active_minus1";
	else if (pps->weighted_bipred_idc > 2)
		bad = "weighted_bipred_idc";
	else if (pps->pic_init_qp_minus26 < -26 || pps->pic_init_qp_minus26 > 25 ||
		 pps->pic_init_qs_minus26 < -26 || pps->pic_init_qs_minus26 > 25)
		bad = "pic_init_qp_minus26/pic_init_qs_minus26";
	else if (pps->chroma_qp_index_offset < -12 ||
		 pps->chroma_qp_index_offset > 12 ||
		 pps->second_chroma_qp_index_offset < -12 ||
		 pps->second_chroma_qp_index_offset > 12)
		bad = "chroma_qp_index_offset";
	else if ((pps->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT) &&
		 !matrix)
		bad = "scaling matrix (flag set, control missing)";
	if (bad) {
		dv_err("H.264 PPS %u: %s cannot be decoded",
		       pps->pic_parameter_set_id, bad);
		return -EINVAL;
	}
	return 0;
}

/*
 * scaling_list() with every value explicit: raster @list is sent in zig-zag
 * order as differences modulo 256. A 0 cannot be sent (nextScale 0 means
 * "default list" or "repeat the last value"), and is no valid scale.
 */
static int dv_h264_write_scaling_list(struct dv_bitwriter *bw,
				      const uint8_t *list, unsigned int n)
{
	const uint8_t *scan = dv_h264_zigzag(n);
	int last = 8;
	unsigned int i;

	for (i = 0; i < n * n; i++) {
		int value = list[scan[i]];

		if (!value) {
			dv_err("H.264 scaling matrix: a %ux%u list holds a 0", n, n);
			return -EINVAL;
		}
		/* delta_scale is -128..127; the decoder adds it modulo 256. */
		dv_bw_se(bw, (int8_t)(uint8_t)(value - last));
		last = value;
	}
	return 0;
}

int dv_h264_write_pps(const struct v4l2_ctrl_h264_sps *sps,
		      const struct v4l2_ctrl_h264_pps *pps,
		      const struct v4l2_ctrl_h264_scaling_matrix *matrix,
		      uint8_t *out, size_t cap, size_t *size)
{
	const bool transform_8x8 = pps->flags & V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
	const bool scaling = pps->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
	/* 6 4x4 lists, then, with 8x8 transforms, the 2 luma 8x8 ones
	 * (4:2:0): the uAPI's list order is the syntax's order. */
	const unsigned int lists = transform_8x8 ? 8 : 6;
	uint8_t rbsp[DV_H264_PARAM_NAL_MAX];
	struct dv_bitwriter bw;
	unsigned int i;
	int ret;

	ret = dv_h264_pps_check(sps, pps, matrix);
	if (ret)
		return ret;
	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	dv_bw_ue(&bw, pps->pic_parameter_set_id);
	dv_bw_ue(&bw, pps->seq_parameter_set_id);
	dv_bw_u(&bw, 1, !!(pps->flags & V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE));
	dv_bw_u(&bw, 1, !!(pps->flags &
			   V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT));
	dv_bw_ue(&bw, pps->num_slice_groups_minus1);
	dv_bw_ue(&bw, pps->num_ref_idx_l0_default_active_minus1);
	dv_bw_ue(&bw, pps->num_ref_idx_l1_default_active_minus1);
	dv_bw_u(&bw, 1, !!(pps->flags & V4L2_H264_PPS_FLAG_WEIGHTED_PRED));
	dv_bw_u(&bw, 2, pps->weighted_bipred_idc);
	dv_bw_se(&bw, pps->pic_init_qp_minus26);
	dv_bw_se(&bw, pps->pic_init_qs_minus26);
	dv_bw_se(&bw, pps->chroma_qp_index_offset);
	dv_bw_u(&bw, 1, !!(pps->flags &
			   V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT));
	dv_bw_u(&bw, 1, !!(pps->flags & V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED));
	dv_bw_u(&bw, 1, !!(pps->flags &
			   V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT));
	/*
	 * The High profile tail, only when something in it differs from what
	 * its absence implies: Baseline/Main decoders (libavcodec included,
	 * for constrained profiles) do not expect it.
	 */
	if (transform_8x8 || scaling ||
	    pps->second_chroma_qp_index_offset != pps->chroma_qp_index_offset) {
		dv_bw_u(&bw, 1, transform_8x8);
		dv_bw_u(&bw, 1, scaling);	/* pic_scaling_matrix_present_flag */
		for (i = 0; scaling && !ret && i < lists; i++) {
			dv_bw_u(&bw, 1, 1);	/* pic_scaling_list_present_flag */
			ret = i < 6 ?
			      dv_h264_write_scaling_list(&bw, matrix->scaling_list_4x4[i], 4) :
			      dv_h264_write_scaling_list(&bw, matrix->scaling_list_8x8[i - 6], 8);
		}
		if (ret)
			return ret;
		dv_bw_se(&bw, pps->second_chroma_qp_index_offset);
	}
	return dv_h264_wrap(&bw, DV_H264_NAL_PPS, out, cap, size);
}
