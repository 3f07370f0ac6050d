// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdbool.h>

#include "util/bitwriter.h"
#include "rebuild/hevc/hevc_bits.h"
#include "rebuild/hevc/hevc_params.h"
#include "util/log.h"

/* general_profile_idc (H.265 A.3) */
#define DV_HEVC_PROFILE_MAIN		1
#define DV_HEVC_PROFILE_MAIN_10		2
/* general_level_idc: 30 times level 6.2, the highest */
#define DV_HEVC_LEVEL_6_2		186

/*
 * Up-right diagonal scans (6.5.3): scan position -> raster index y * n + x.
 * tests/unit checks them against the clause's loop.
 */
static const uint8_t dv_hevc_scan4[16] = {
	0, 4, 1, 8, 5, 2, 12, 9, 6, 3, 13, 10, 7, 14, 11, 15,
};

static const uint8_t dv_hevc_scan8[64] = {
	0, 8, 1, 16, 9, 2, 24, 17, 10, 3, 32, 25, 18, 11, 4, 40,
	33, 26, 19, 12, 5, 48, 41, 34, 27, 20, 13, 6, 56, 49, 42, 35,
	28, 21, 14, 7, 57, 50, 43, 36, 29, 22, 15, 58, 51, 44, 37, 30,
	23, 59, 52, 45, 38, 31, 60, 53, 46, 39, 61, 54, 47, 62, 55, 63,
};

const uint8_t *dv_hevc_diag_scan(unsigned int n)
{
	return n == 8 ? dv_hevc_scan8 : dv_hevc_scan4;
}

int dv_hevc_sps_check(const struct v4l2_ctrl_hevc_sps *sps)
{
	unsigned int min_cb = sps->log2_min_luma_coding_block_size_minus3 + 3;
	unsigned int ctb = min_cb + sps->log2_diff_max_min_luma_coding_block_size;
	unsigned int min_tb = sps->log2_min_luma_transform_block_size_minus2 + 2;
	unsigned int max_tb = min_tb + sps->log2_diff_max_min_luma_transform_block_size;
	const char *bad = NULL;

	if (sps->chroma_format_idc != 1)
		bad = "chroma_format_idc";
	else if (sps->flags & V4L2_HEVC_SPS_FLAG_SEPARATE_COLOUR_PLANE)
		bad = "separate_colour_plane_flag";
	else if (sps->bit_depth_luma_minus8 != sps->bit_depth_chroma_minus8 ||
		 (sps->bit_depth_luma_minus8 != 0 && sps->bit_depth_luma_minus8 != 2))
		bad = "bit_depth_luma_minus8/bit_depth_chroma_minus8";
	else if (sps->video_parameter_set_id > 15 || sps->seq_parameter_set_id > 15)
		bad = "video_parameter_set_id/seq_parameter_set_id";
	else if (ctb < 4 || ctb > 6)
		bad = "log2_min_luma_coding_block_size_minus3/log2_diff_max_min_luma_coding_block_size";
	else if (min_tb >= min_cb || max_tb > 5 || max_tb > ctb)
		bad = "log2_min_luma_transform_block_size_minus2/log2_diff_max_min_luma_transform_block_size";
	else if (!sps->pic_width_in_luma_samples || !sps->pic_height_in_luma_samples ||
		 sps->pic_width_in_luma_samples % (1u << min_cb) ||
		 sps->pic_height_in_luma_samples % (1u << min_cb))
		bad = "pic_width_in_luma_samples/pic_height_in_luma_samples";
	else if (sps->log2_max_pic_order_cnt_lsb_minus4 > 12)
		bad = "log2_max_pic_order_cnt_lsb_minus4";
	else if (sps->sps_max_sub_layers_minus1 > 6)
		bad = "sps_max_sub_layers_minus1";
	else if (sps->sps_max_dec_pic_buffering_minus1 > 15 ||
		 sps->sps_max_num_reorder_pics > 15)
		bad = "sps_max_dec_pic_buffering_minus1/sps_max_num_reorder_pics";
	else if (sps->max_transform_hierarchy_depth_inter > ctb - min_tb ||
		 sps->max_transform_hierarchy_depth_intra > ctb - min_tb)
		bad = "max_transform_hierarchy_depth_inter/intra";
	else if ((sps->flags & V4L2_HEVC_SPS_FLAG_PCM_ENABLED) &&
		 (sps->pcm_sample_bit_depth_luma_minus1 > sps->bit_depth_luma_minus8 + 7 ||
		  sps->pcm_sample_bit_depth_chroma_minus1 > sps->bit_depth_chroma_minus8 + 7 ||
		  sps->log2_min_pcm_luma_coding_block_size_minus3 + 3u < min_cb ||
		  sps->log2_min_pcm_luma_coding_block_size_minus3 + 3u +
		  sps->log2_diff_max_min_pcm_luma_coding_block_size > (ctb < 5 ? ctb : 5u)))
		bad = "pcm_* fields";
	else if (sps->num_short_term_ref_pic_sets > 64)
		bad = "num_short_term_ref_pic_sets";
	else if (sps->num_long_term_ref_pics_sps > 32)
		bad = "num_long_term_ref_pics_sps";
	if (bad) {
		dv_err("HEVC SPS %u: %s cannot be decoded", sps->seq_parameter_set_id,
		       bad);
		return -EINVAL;
	}
	return 0;
}

static int dv_hevc_finish(struct dv_bitwriter *bw, enum dv_hevc_nal_type type,
			  uint8_t *out, size_t cap, size_t *size)
{
	/* nuh_layer_id 0, nuh_temporal_id_plus1 1 */
	const uint8_t header[2] = { (uint8_t)(type << 1), 1 };
	size_t rbsp_size;
	int ret;

	dv_bw_trailing_bits(bw);
	ret = dv_bw_finish(bw, &rbsp_size);
	*size = 0;
	if (!ret)
		ret = dv_hevc_wrap(header, bw->buf, rbsp_size, out, cap, size);
	return ret;
}

/* profile_tier_level(1, max_sub_layers_minus1): the general part only. */
static void dv_hevc_write_ptl(struct dv_bitwriter *bw,
			      const struct v4l2_ctrl_hevc_sps *sps)
{
	unsigned int profile = sps->bit_depth_luma_minus8 ?
			       DV_HEVC_PROFILE_MAIN_10 : DV_HEVC_PROFILE_MAIN;
	unsigned int i;

	dv_bw_u(bw, 2, 0);		/* general_profile_space */
	dv_bw_u(bw, 1, 0);		/* general_tier_flag */
	dv_bw_u(bw, 5, profile);
	/* general_profile_compatibility_flag[j]: a Main stream is Main 10 too */
	for (i = 0; i < 32; i++)
		dv_bw_u(bw, 1, i == profile || (i == 2 && profile == 1));
	dv_bw_u(bw, 1, 1);		/* general_progressive_source_flag */
	dv_bw_u(bw, 1, 0);		/* general_interlaced_source_flag */
	dv_bw_u(bw, 1, 0);		/* general_non_packed_constraint_flag */
	dv_bw_u(bw, 1, 1);		/* general_frame_only_constraint_flag */
	dv_bw_u(bw, 32, 0);		/* general_reserved_zero_43bits */
	dv_bw_u(bw, 11, 0);
	dv_bw_u(bw, 1, 0);		/* general_reserved_zero_bit */
	dv_bw_u(bw, 8, DV_HEVC_LEVEL_6_2);
	for (i = 0; i < sps->sps_max_sub_layers_minus1; i++) {
		dv_bw_u(bw, 1, 0);	/* sub_layer_profile_present_flag */
		dv_bw_u(bw, 1, 0);	/* sub_layer_level_present_flag */
	}
	if (sps->sps_max_sub_layers_minus1)
		for (i = sps->sps_max_sub_layers_minus1; i < 8; i++)
			dv_bw_u(bw, 2, 0);	/* reserved_zero_2bits */
}

/* The one set of sub-layer ordering info, for the highest sub-layer. */
static void dv_hevc_write_ordering(struct dv_bitwriter *bw,
				   const struct v4l2_ctrl_hevc_sps *sps)
{
	unsigned int dpb = sps->sps_max_dec_pic_buffering_minus1;

	/* A client's inconsistent numbers must not make the decoder refuse
	 * the stream: they size its output queue, not the pictures. */
	if (dpb < sps->sps_max_num_reorder_pics)
		dpb = sps->sps_max_num_reorder_pics;
	dv_bw_u(bw, 1, 0);		/* *_sub_layer_ordering_info_present_flag */
	dv_bw_ue(bw, dpb);
	dv_bw_ue(bw, sps->sps_max_num_reorder_pics);
	dv_bw_ue(bw, sps->sps_max_latency_increase_plus1);
}

int dv_hevc_write_vps(const struct v4l2_ctrl_hevc_sps *sps,
		      uint8_t *out, size_t cap, size_t *size)
{
	uint8_t rbsp[DV_HEVC_PARAM_NAL_MAX];
	struct dv_bitwriter bw;
	int ret;

	ret = dv_hevc_sps_check(sps);
	if (ret)
		return ret;
	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	dv_bw_u(&bw, 4, sps->video_parameter_set_id);
	dv_bw_u(&bw, 1, 1);		/* vps_base_layer_internal_flag */
	dv_bw_u(&bw, 1, 1);		/* vps_base_layer_available_flag */
	dv_bw_u(&bw, 6, 0);		/* vps_max_layers_minus1 */
	dv_bw_u(&bw, 3, sps->sps_max_sub_layers_minus1);
	/* vps_temporal_id_nesting_flag: 1 is required with one sub-layer */
	dv_bw_u(&bw, 1, !sps->sps_max_sub_layers_minus1);
	dv_bw_u(&bw, 16, 0xffff);	/* vps_reserved_0xffff_16bits */
	dv_hevc_write_ptl(&bw, sps);
	dv_hevc_write_ordering(&bw, sps);
	dv_bw_u(&bw, 6, 0);		/* vps_max_layer_id */
	dv_bw_ue(&bw, 0);		/* vps_num_layer_sets_minus1 */
	dv_bw_u(&bw, 1, 0);		/* vps_timing_info_present_flag */
	dv_bw_u(&bw, 1, 0);		/* vps_extension_flag */
	return dv_hevc_finish(&bw, DV_HEVC_NAL_VPS, out, cap, size);
}

static unsigned int dv_flag(uint64_t flags, uint64_t flag)
{
	return (flags & flag) != 0;
}

int dv_hevc_write_sps(const struct v4l2_ctrl_hevc_sps *sps,
		      uint8_t *out, size_t cap, size_t *size)
{
	uint8_t rbsp[DV_HEVC_PARAM_NAL_MAX];
	struct dv_bitwriter bw;
	int ret;

	ret = dv_hevc_sps_check(sps);
	if (ret)
		return ret;
	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	dv_bw_u(&bw, 4, sps->video_parameter_set_id);
	dv_bw_u(&bw, 3, sps->sps_max_sub_layers_minus1);
	dv_bw_u(&bw, 1, !sps->sps_max_sub_layers_minus1); /* temporal_id_nesting */
	dv_hevc_write_ptl(&bw, sps);
	dv_bw_ue(&bw, sps->seq_parameter_set_id);
	dv_bw_ue(&bw, sps->chroma_format_idc);
	dv_bw_ue(&bw, sps->pic_width_in_luma_samples);
	dv_bw_ue(&bw, sps->pic_height_in_luma_samples);
	dv_bw_u(&bw, 1, 0);		/* conformance_window_flag */
	dv_bw_ue(&bw, sps->bit_depth_luma_minus8);
	dv_bw_ue(&bw, sps->bit_depth_chroma_minus8);
	dv_bw_ue(&bw, sps->log2_max_pic_order_cnt_lsb_minus4);
	dv_hevc_write_ordering(&bw, sps);
	dv_bw_ue(&bw, sps->log2_min_luma_coding_block_size_minus3);
	dv_bw_ue(&bw, sps->log2_diff_max_min_luma_coding_block_size);
	dv_bw_ue(&bw, sps->log2_min_luma_transform_block_size_minus2);
	dv_bw_ue(&bw, sps->log2_diff_max_min_luma_transform_block_size);
	dv_bw_ue(&bw, sps->max_transform_hierarchy_depth_inter);
	dv_bw_ue(&bw, sps->max_transform_hierarchy_depth_intra);
	dv_bw_u(&bw, 1, dv_flag(sps->flags, V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED));
	if (sps->flags & V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED)
		dv_bw_u(&bw, 1, 0);	/* sps_scaling_list_data_present_flag */
	dv_bw_u(&bw, 1, dv_flag(sps->flags, V4L2_HEVC_SPS_FLAG_AMP_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(sps->flags, V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET));
	dv_bw_u(&bw, 1, dv_flag(sps->flags, V4L2_HEVC_SPS_FLAG_PCM_ENABLED));
	if (sps->flags & V4L2_HEVC_SPS_FLAG_PCM_ENABLED) {
		dv_bw_u(&bw, 4, sps->pcm_sample_bit_depth_luma_minus1);
		dv_bw_u(&bw, 4, sps->pcm_sample_bit_depth_chroma_minus1);
		dv_bw_ue(&bw, sps->log2_min_pcm_luma_coding_block_size_minus3);
		dv_bw_ue(&bw, sps->log2_diff_max_min_pcm_luma_coding_block_size);
		dv_bw_u(&bw, 1, dv_flag(sps->flags,
					V4L2_HEVC_SPS_FLAG_PCM_LOOP_FILTER_DISABLED));
	}
	dv_bw_ue(&bw, 0);		/* num_short_term_ref_pic_sets: see header */
	dv_bw_u(&bw, 1, dv_flag(sps->flags, V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT));
	if (sps->flags & V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT)
		dv_bw_ue(&bw, 0);	/* num_long_term_ref_pics_sps */
	dv_bw_u(&bw, 1, dv_flag(sps->flags, V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(sps->flags,
				V4L2_HEVC_SPS_FLAG_STRONG_INTRA_SMOOTHING_ENABLED));
	dv_bw_u(&bw, 1, 0);		/* vui_parameters_present_flag */
	dv_bw_u(&bw, 1, 0);		/* sps_extension_present_flag */
	return dv_hevc_finish(&bw, DV_HEVC_NAL_SPS, out, cap, size);
}

/* The default lists (H.265 table 7-6), in coded (diagonal) order. */
static const uint8_t dv_hevc_default_8x8_intra[64] = {
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 17, 16, 17, 16, 17, 18,
	17, 18, 18, 17, 18, 21, 19, 20, 21, 20, 19, 21, 24, 22, 22, 24,
	24, 22, 22, 24, 25, 25, 27, 30, 27, 25, 25, 29, 31, 35, 35, 31,
	29, 36, 41, 44, 41, 36, 47, 54, 54, 47, 65, 70, 65, 88, 88, 115,
};

static const uint8_t dv_hevc_default_8x8_inter[64] = {
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17, 17, 17, 18,
	18, 18, 18, 18, 18, 20, 20, 20, 20, 20, 20, 20, 24, 24, 24, 24,
	24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 28, 28, 28, 28, 28,
	28, 33, 33, 33, 33, 33, 41, 41, 41, 41, 54, 54, 54, 71, 71, 91,
};

/*
 * One scaling_list_data() entry, explicit (scaling_list_pred_mode_flag 1):
 * @coded holds the coefficients in coded order, @dc the DC value or 0.
 */
static int dv_hevc_write_list(struct dv_bitwriter *bw, const uint8_t *coded,
			      unsigned int n, unsigned int dc)
{
	int last = 8;
	unsigned int i;

	dv_bw_u(bw, 1, 1);		/* scaling_list_pred_mode_flag */
	if (dc) {
		dv_bw_se(bw, (int32_t)dc - 8);	/* scaling_list_dc_coef_minus8 */
		last = (int)dc;
	}
	for (i = 0; i < n; i++) {
		if (!coded[i])
			return -EINVAL;
		/* scaling_list_delta_coef: -128..127, added modulo 256 */
		dv_bw_se(bw, (int8_t)(uint8_t)(coded[i] - last));
		last = coded[i];
	}
	return 0;
}

static int dv_hevc_matrix_is_zero(const struct v4l2_ctrl_hevc_scaling_matrix *m)
{
	const uint8_t *p = (const uint8_t *)m;
	size_t i;

	for (i = 0; i < sizeof(*m); i++)
		if (p[i])
			return 0;
	return 1;
}

static int dv_hevc_write_scaling(struct dv_bitwriter *bw,
				 const struct v4l2_ctrl_hevc_scaling_matrix *m)
{
	const uint8_t *scan4 = dv_hevc_diag_scan(4), *scan8 = dv_hevc_diag_scan(8);
	uint8_t coded[64];
	unsigned int size_id, matrix_id, i;
	int ret = 0;

	for (size_id = 0; size_id < 4 && !ret; size_id++) {
		for (matrix_id = 0; matrix_id < 6 && !ret;
		     matrix_id += size_id == 3 ? 3 : 1) {
			const uint8_t *raster;
			unsigned int dc = 0;

			if (size_id == 0) {
				for (i = 0; i < 16; i++)
					coded[i] = m->scaling_list_4x4[matrix_id][scan4[i]];
				ret = dv_hevc_write_list(bw, coded, 16, 0);
				continue;
			}
			if (size_id == 1) {
				raster = m->scaling_list_8x8[matrix_id];
			} else if (size_id == 2) {
				raster = m->scaling_list_16x16[matrix_id];
				dc = m->scaling_list_dc_coef_16x16[matrix_id];
			} else {
				raster = m->scaling_list_32x32[matrix_id / 3];
				dc = m->scaling_list_dc_coef_32x32[matrix_id / 3];
			}
			if (size_id > 1 && !dc)
				return -EINVAL;
			for (i = 0; i < 64; i++)
				coded[i] = raster[scan8[i]];
			ret = dv_hevc_write_list(bw, coded, 64, dc);
		}
	}
	return ret;
}

/* The default lists as a matrix control would carry them. */
static void dv_hevc_default_matrix(struct v4l2_ctrl_hevc_scaling_matrix *m)
{
	const uint8_t *scan8 = dv_hevc_diag_scan(8);
	unsigned int i, j;

	for (i = 0; i < 6; i++) {
		const uint8_t *def = i < 3 ? dv_hevc_default_8x8_intra :
					     dv_hevc_default_8x8_inter;

		for (j = 0; j < 16; j++)
			m->scaling_list_4x4[i][j] = 16;
		for (j = 0; j < 64; j++) {
			m->scaling_list_8x8[i][scan8[j]] = def[j];
			m->scaling_list_16x16[i][scan8[j]] = def[j];
			if (i == 0 || i == 3)
				m->scaling_list_32x32[i / 3][scan8[j]] = def[j];
		}
		m->scaling_list_dc_coef_16x16[i] = 16;
	}
	m->scaling_list_dc_coef_32x32[0] = 16;
	m->scaling_list_dc_coef_32x32[1] = 16;
}

static int dv_hevc_pps_check(const struct v4l2_ctrl_hevc_sps *sps,
			     const struct v4l2_ctrl_hevc_pps *pps)
{
	unsigned int ctb = sps->log2_min_luma_coding_block_size_minus3 + 3 +
			   sps->log2_diff_max_min_luma_coding_block_size;
	unsigned int ctb_w = (sps->pic_width_in_luma_samples + (1u << ctb) - 1) >> ctb;
	unsigned int ctb_h = (sps->pic_height_in_luma_samples + (1u << ctb) - 1) >> ctb;
	unsigned int qp_bd = 6 * sps->bit_depth_luma_minus8;
	const char *bad = NULL;
	unsigned int i, sum;

	if (pps->pic_parameter_set_id > 63)
		bad = "pic_parameter_set_id";
	else if (pps->num_extra_slice_header_bits > 7)
		bad = "num_extra_slice_header_bits";
	else if (pps->num_ref_idx_l0_default_active_minus1 > 14 ||
		 pps->num_ref_idx_l1_default_active_minus1 > 14)
		bad = "num_ref_idx_lX_default_active_minus1";
	else if (pps->init_qp_minus26 < -(int)(26 + qp_bd) || pps->init_qp_minus26 > 25)
		bad = "init_qp_minus26";
	else if (pps->diff_cu_qp_delta_depth > ctb - 3)
		bad = "diff_cu_qp_delta_depth";
	else if (pps->pps_cb_qp_offset < -12 || pps->pps_cb_qp_offset > 12 ||
		 pps->pps_cr_qp_offset < -12 || pps->pps_cr_qp_offset > 12)
		bad = "pps_cb_qp_offset/pps_cr_qp_offset";
	else if (pps->pps_beta_offset_div2 < -6 || pps->pps_beta_offset_div2 > 6 ||
		 pps->pps_tc_offset_div2 < -6 || pps->pps_tc_offset_div2 > 6)
		bad = "pps_beta_offset_div2/pps_tc_offset_div2";
	else if (pps->log2_parallel_merge_level_minus2 + 2u > ctb)
		bad = "log2_parallel_merge_level_minus2";
	else if ((pps->flags & V4L2_HEVC_PPS_FLAG_TILES_ENABLED) &&
		 (pps->num_tile_columns_minus1 >= ctb_w || pps->num_tile_columns_minus1 > 19 ||
		  pps->num_tile_rows_minus1 >= ctb_h || pps->num_tile_rows_minus1 > 21 ||
		  (!pps->num_tile_columns_minus1 && !pps->num_tile_rows_minus1)))
		bad = "num_tile_columns_minus1/num_tile_rows_minus1";
	if (!bad && (pps->flags & V4L2_HEVC_PPS_FLAG_TILES_ENABLED) &&
	    !(pps->flags & V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING)) {
		for (i = 0, sum = 0; i < pps->num_tile_columns_minus1; i++)
			sum += pps->column_width_minus1[i] + 1u;
		if (sum >= ctb_w)
			bad = "column_width_minus1";
		for (i = 0, sum = 0; i < pps->num_tile_rows_minus1; i++)
			sum += pps->row_height_minus1[i] + 1u;
		if (sum >= ctb_h)
			bad = "row_height_minus1";
	}
	if (bad) {
		dv_err("HEVC PPS %u: %s cannot be decoded", pps->pic_parameter_set_id,
		       bad);
		return -EINVAL;
	}
	return 0;
}

int dv_hevc_write_pps(const struct v4l2_ctrl_hevc_sps *sps,
		      const struct v4l2_ctrl_hevc_pps *pps,
		      const struct v4l2_ctrl_hevc_scaling_matrix *matrix,
		      uint8_t *out, size_t cap, size_t *size)
{
	const uint64_t f = pps->flags;
	struct v4l2_ctrl_hevc_scaling_matrix defaults = { 0 };
	uint8_t rbsp[DV_HEVC_PARAM_NAL_MAX];
	struct dv_bitwriter bw;
	unsigned int i;
	int ret;

	ret = dv_hevc_pps_check(sps, pps);
	if (ret)
		return ret;
	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	dv_bw_ue(&bw, pps->pic_parameter_set_id);
	dv_bw_ue(&bw, sps->seq_parameter_set_id);
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT));
	dv_bw_u(&bw, 3, pps->num_extra_slice_header_bits);
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_SIGN_DATA_HIDING_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_CABAC_INIT_PRESENT));
	dv_bw_ue(&bw, pps->num_ref_idx_l0_default_active_minus1);
	dv_bw_ue(&bw, pps->num_ref_idx_l1_default_active_minus1);
	dv_bw_se(&bw, pps->init_qp_minus26);
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_CONSTRAINED_INTRA_PRED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_TRANSFORM_SKIP_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED));
	if (f & V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED)
		dv_bw_ue(&bw, pps->diff_cu_qp_delta_depth);
	dv_bw_se(&bw, pps->pps_cb_qp_offset);
	dv_bw_se(&bw, pps->pps_cr_qp_offset);
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_PPS_SLICE_CHROMA_QP_OFFSETS_PRESENT));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_WEIGHTED_PRED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_WEIGHTED_BIPRED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_TRANSQUANT_BYPASS_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_TILES_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED));
	if (f & V4L2_HEVC_PPS_FLAG_TILES_ENABLED) {
		dv_bw_ue(&bw, pps->num_tile_columns_minus1);
		dv_bw_ue(&bw, pps->num_tile_rows_minus1);
		dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING));
		if (!(f & V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING)) {
			for (i = 0; i < pps->num_tile_columns_minus1; i++)
				dv_bw_ue(&bw, pps->column_width_minus1[i]);
			for (i = 0; i < pps->num_tile_rows_minus1; i++)
				dv_bw_ue(&bw, pps->row_height_minus1[i]);
		}
		dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_LOOP_FILTER_ACROSS_TILES_ENABLED));
	}
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED));
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT));
	if (f & V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT) {
		dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_OVERRIDE_ENABLED));
		dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER));
		if (!(f & V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER)) {
			dv_bw_se(&bw, pps->pps_beta_offset_div2);
			dv_bw_se(&bw, pps->pps_tc_offset_div2);
		}
	}
	if (sps->flags & V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED) {
		/* All-zero: the client sent no matrix; the defaults apply. */
		if (!matrix || dv_hevc_matrix_is_zero(matrix)) {
			dv_hevc_default_matrix(&defaults);
			matrix = &defaults;
		}
		dv_bw_u(&bw, 1, 1);	/* pps_scaling_list_data_present_flag */
		ret = dv_hevc_write_scaling(&bw, matrix);
		if (ret) {
			dv_err("HEVC scaling matrix: a list holds a 0");
			return ret;
		}
	} else {
		dv_bw_u(&bw, 1, 0);	/* pps_scaling_list_data_present_flag */
	}
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT));
	dv_bw_ue(&bw, pps->log2_parallel_merge_level_minus2);
	dv_bw_u(&bw, 1, dv_flag(f, V4L2_HEVC_PPS_FLAG_SLICE_SEGMENT_HEADER_EXTENSION_PRESENT));
	dv_bw_u(&bw, 1, 0);		/* pps_extension_present_flag */
	return dv_hevc_finish(&bw, DV_HEVC_NAL_PPS, out, cap, size);
}
