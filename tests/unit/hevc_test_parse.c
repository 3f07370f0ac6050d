// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "rebuild/hevc/hevc_bits.h"
#include "rebuild/hevc/hevc_params.h"
#include "hevc_test_parse.h"

#define U(n) dv_hevc_u(b, (n))
#define UE() dv_hevc_ue(b)
#define SE() dv_hevc_se(b)

static unsigned int ceil_log2(uint32_t v)
{
	unsigned int n = 0;

	while ((1u << n) < v)
		n++;
	return n;
}

static void skip_ptl(struct dv_hevc_bits *b, unsigned int sub_layers_minus1)
{
	unsigned int i, prof[8] = { 0 }, lev[8] = { 0 };

	U(8);
	U(32);
	U(32);
	U(16);
	U(8);			/* general_level_idc */
	for (i = 0; i < sub_layers_minus1; i++) {
		prof[i] = U(1);
		lev[i] = U(1);
	}
	if (sub_layers_minus1)
		for (i = sub_layers_minus1; i < 8; i++)
			U(2);
	for (i = 0; i < sub_layers_minus1; i++) {
		if (prof[i]) {
			U(32);
			U(32);
			U(24);
		}
		if (lev[i])
			U(8);
	}
}

/* Table 7-6, coded order. */
static const uint8_t def_intra[64] = {
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 17, 16, 17, 16, 17, 18,
	17, 18, 18, 17, 18, 21, 19, 20, 21, 20, 19, 21, 24, 22, 22, 24,
	24, 22, 22, 24, 25, 25, 27, 30, 27, 25, 25, 29, 31, 35, 35, 31,
	29, 36, 41, 44, 41, 36, 47, 54, 54, 47, 65, 70, 65, 88, 88, 115,
};

static const uint8_t def_inter[64] = {
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17, 17, 17, 18,
	18, 18, 18, 18, 18, 20, 20, 20, 20, 20, 20, 20, 24, 24, 24, 24,
	24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 28, 28, 28, 28, 28,
	28, 33, 33, 33, 33, 33, 41, 41, 41, 41, 54, 54, 54, 71, 71, 91,
};

/* scaling_list_data(), into raster lists as the uAPI has them. */
static void parse_lists(struct dv_hevc_bits *b, struct v4l2_ctrl_hevc_scaling_matrix *m)
{
	/* coded order, [sizeId][matrixId] */
	static uint8_t coded[4][6][64];
	uint8_t dc[4][6];
	unsigned int s, id, i;

	for (s = 0; s < 4; s++)
		for (id = 0; id < 6; id += s == 3 ? 3 : 1) {
			unsigned int n = s ? 64 : 16;

			if (!U(1)) {
				unsigned int delta = UE() * (s == 3 ? 3 : 1);

				if (!delta) {
					for (i = 0; i < n; i++)
						coded[s][id][i] = s ? (id < 3 ? def_intra[i] : def_inter[i]) : 16;
					dc[s][id] = 16;
				} else {
					memcpy(coded[s][id], coded[s][id - delta], 64);
					dc[s][id] = dc[s][id - delta];
				}
			} else {
				int next = 8;

				if (s > 1) {
					next = SE() + 8;
					dc[s][id] = (uint8_t)next;
				}
				for (i = 0; i < n; i++) {
					next = (next + SE() + 256) % 256;
					coded[s][id][i] = (uint8_t)next;
				}
				if (s <= 1)
					dc[s][id] = 16;
			}
		}
	for (id = 0; id < 6; id++) {
		for (i = 0; i < 16; i++)
			m->scaling_list_4x4[id][dv_hevc_diag_scan(4)[i]] = coded[0][id][i];
		for (i = 0; i < 64; i++) {
			m->scaling_list_8x8[id][dv_hevc_diag_scan(8)[i]] = coded[1][id][i];
			m->scaling_list_16x16[id][dv_hevc_diag_scan(8)[i]] = coded[2][id][i];
		}
		m->scaling_list_dc_coef_16x16[id] = dc[2][id];
	}
	for (i = 0; i < 64; i++) {
		m->scaling_list_32x32[0][dv_hevc_diag_scan(8)[i]] = coded[3][0][i];
		m->scaling_list_32x32[1][dv_hevc_diag_scan(8)[i]] = coded[3][3][i];
	}
	m->scaling_list_dc_coef_32x32[0] = dc[3][0];
	m->scaling_list_dc_coef_32x32[1] = dc[3][3];
}

static void default_lists(struct v4l2_ctrl_hevc_scaling_matrix *m)
{
	/* scaling_list_data() with every pred_matrix_id_delta 0, read from
	 * a bit string: pred_mode 0, ue(0) = "01" for each of 20 lists. */
	uint8_t bits[8] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0, 0, 0 };
	struct dv_hevc_bits b;

	dv_hevc_bits_init(&b, bits, sizeof(bits));
	parse_lists(&b, m);
}

static int parse_st_rps(struct dv_hevc_bits *b, struct t_hevc_rps *sets, unsigned int idx,
			unsigned int num, struct t_hevc_rps *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (idx && U(1)) {
		const struct t_hevc_rps *ref;
		unsigned int delta_idx = idx == num ? UE() + 1 : 1, n_ref, j;
		int sign = U(1);
		int32_t delta_rps = (int32_t)(UE() + 1) * (sign ? -1 : 1);
		int32_t dp[33];
		uint8_t used[33], use[33];
		unsigned int k = 0;

		if (delta_idx > idx)
			return -EINVAL;
		ref = &sets[idx - delta_idx];
		n_ref = ref->num_negative + ref->num_positive;
		for (j = 0; j <= n_ref; j++) {
			used[j] = (uint8_t)U(1);
			use[j] = used[j] ? 1 : (uint8_t)U(1);
		}
		/* (7-61), (7-62) */
		for (i = ref->num_positive; i-- > 0;) {
			int32_t d = ref->delta[ref->num_negative + i] + delta_rps;

			if (d < 0 && use[ref->num_negative + i]) {
				dp[k] = d;
				out->used[k++] = used[ref->num_negative + i];
			}
		}
		if (delta_rps < 0 && use[n_ref]) {
			dp[k] = delta_rps;
			out->used[k++] = used[n_ref];
		}
		for (j = 0; j < ref->num_negative; j++) {
			int32_t d = ref->delta[j] + delta_rps;

			if (d < 0 && use[j]) {
				dp[k] = d;
				out->used[k++] = used[j];
			}
		}
		out->num_negative = k;
		for (j = ref->num_negative; j-- > 0;) {
			int32_t d = ref->delta[j] + delta_rps;

			if (d > 0 && use[j]) {
				dp[k] = d;
				out->used[k++] = used[j];
			}
		}
		if (delta_rps > 0 && use[n_ref]) {
			dp[k] = delta_rps;
			out->used[k++] = used[n_ref];
		}
		for (j = 0; j < ref->num_positive; j++) {
			int32_t d = ref->delta[ref->num_negative + j] + delta_rps;

			if (d > 0 && use[ref->num_negative + j]) {
				dp[k] = d;
				out->used[k++] = used[ref->num_negative + j];
			}
		}
		out->num_positive = k - out->num_negative;
		memcpy(out->delta, dp, k * sizeof(dp[0]));
		return 0;
	}
	out->num_negative = UE();
	out->num_positive = UE();
	if (out->num_negative > 16 || out->num_positive > 16)
		return -EINVAL;
	for (i = 0; i < out->num_negative + out->num_positive; i++) {
		int32_t prev = i == 0 || i == out->num_negative ? 0 : out->delta[i - 1];
		int32_t d = (int32_t)UE() + 1;

		out->delta[i] = i < out->num_negative ? prev - d : prev + d;
		out->used[i] = (uint8_t)U(1);
	}
	return 0;
}

int t_hevc_parse_sps(const uint8_t *nal, size_t size, struct t_hevc_sps *sps)
{
	struct v4l2_ctrl_hevc_sps *v = &sps->v4l2;
	struct dv_hevc_bits bits, *b = &bits;
	unsigned int i, sub, ordering;

	memset(sps, 0, sizeof(*sps));
	dv_hevc_bits_init(b, nal + 2, size - 2);
	v->video_parameter_set_id = (uint8_t)U(4);
	sub = U(3);
	v->sps_max_sub_layers_minus1 = (uint8_t)sub;
	U(1);
	skip_ptl(b, sub);
	v->seq_parameter_set_id = (uint8_t)UE();
	v->chroma_format_idc = (uint8_t)UE();
	if (v->chroma_format_idc == 3)
		U(1);
	v->pic_width_in_luma_samples = (uint16_t)UE();
	v->pic_height_in_luma_samples = (uint16_t)UE();
	if (U(1)) {
		sps->conf_left = 2 * UE();
		sps->conf_right = 2 * UE();
		sps->conf_top = 2 * UE();
		sps->conf_bottom = 2 * UE();
	}
	v->bit_depth_luma_minus8 = (uint8_t)UE();
	v->bit_depth_chroma_minus8 = (uint8_t)UE();
	v->log2_max_pic_order_cnt_lsb_minus4 = (uint8_t)UE();
	ordering = U(1);
	for (i = ordering ? 0 : sub; i <= sub; i++) {
		/* GStreamer passes sub-layer 0's values */
		uint8_t dpb = (uint8_t)UE(), reorder = (uint8_t)UE(), lat = (uint8_t)UE();

		if (i == (ordering ? 0 : sub)) {
			v->sps_max_dec_pic_buffering_minus1 = dpb;
			v->sps_max_num_reorder_pics = reorder;
			v->sps_max_latency_increase_plus1 = lat;
		}
	}
	v->log2_min_luma_coding_block_size_minus3 = (uint8_t)UE();
	v->log2_diff_max_min_luma_coding_block_size = (uint8_t)UE();
	v->log2_min_luma_transform_block_size_minus2 = (uint8_t)UE();
	v->log2_diff_max_min_luma_transform_block_size = (uint8_t)UE();
	v->max_transform_hierarchy_depth_inter = (uint8_t)UE();
	v->max_transform_hierarchy_depth_intra = (uint8_t)UE();
	if (U(1)) {
		v->flags |= V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED;
		if (U(1)) {
			parse_lists(b, &sps->lists);
			sps->have_lists = 1;
		}
	}
	if (U(1))
		v->flags |= V4L2_HEVC_SPS_FLAG_AMP_ENABLED;
	if (U(1))
		v->flags |= V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET;
	if (U(1)) {
		v->flags |= V4L2_HEVC_SPS_FLAG_PCM_ENABLED;
		v->pcm_sample_bit_depth_luma_minus1 = (uint8_t)U(4);
		v->pcm_sample_bit_depth_chroma_minus1 = (uint8_t)U(4);
		v->log2_min_pcm_luma_coding_block_size_minus3 = (uint8_t)UE();
		v->log2_diff_max_min_pcm_luma_coding_block_size = (uint8_t)UE();
		if (U(1))
			v->flags |= V4L2_HEVC_SPS_FLAG_PCM_LOOP_FILTER_DISABLED;
	}
	v->num_short_term_ref_pic_sets = (uint8_t)UE();
	if (v->num_short_term_ref_pic_sets > 64)
		return -EINVAL;
	for (i = 0; i < v->num_short_term_ref_pic_sets; i++)
		if (parse_st_rps(b, sps->st, i, v->num_short_term_ref_pic_sets, &sps->st[i]))
			return -EINVAL;
	if (U(1)) {
		v->flags |= V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT;
		v->num_long_term_ref_pics_sps = (uint8_t)UE();
		for (i = 0; i < v->num_long_term_ref_pics_sps; i++) {
			U(v->log2_max_pic_order_cnt_lsb_minus4 + 4);
			U(1);
		}
	}
	if (U(1))
		v->flags |= V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED;
	if (U(1))
		v->flags |= V4L2_HEVC_SPS_FLAG_STRONG_INTRA_SMOOTHING_ENABLED;
	return b->overrun ? -EINVAL : 0;
}

int t_hevc_parse_pps(const uint8_t *nal, size_t size, const struct t_hevc_sps *sps,
		     struct t_hevc_pps *pps)
{
	struct v4l2_ctrl_hevc_pps *v = &pps->v4l2;
	struct dv_hevc_bits bits, *b = &bits;
	unsigned int i;

	memset(pps, 0, sizeof(*pps));
	dv_hevc_bits_init(b, nal + 2, size - 2);
	v->pic_parameter_set_id = (uint8_t)UE();
	UE();			/* pps_seq_parameter_set_id */
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT;
	v->num_extra_slice_header_bits = (uint8_t)U(3);
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_SIGN_DATA_HIDING_ENABLED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_CABAC_INIT_PRESENT;
	v->num_ref_idx_l0_default_active_minus1 = (uint8_t)UE();
	v->num_ref_idx_l1_default_active_minus1 = (uint8_t)UE();
	v->init_qp_minus26 = (int8_t)SE();
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_CONSTRAINED_INTRA_PRED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_TRANSFORM_SKIP_ENABLED;
	if (U(1)) {
		v->flags |= V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED;
		v->diff_cu_qp_delta_depth = (uint8_t)UE();
	}
	v->pps_cb_qp_offset = (int8_t)SE();
	v->pps_cr_qp_offset = (int8_t)SE();
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_PPS_SLICE_CHROMA_QP_OFFSETS_PRESENT;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_WEIGHTED_PRED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_WEIGHTED_BIPRED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_TRANSQUANT_BYPASS_ENABLED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_TILES_ENABLED;
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED;
	if (v->flags & V4L2_HEVC_PPS_FLAG_TILES_ENABLED) {
		v->num_tile_columns_minus1 = (uint8_t)UE();
		v->num_tile_rows_minus1 = (uint8_t)UE();
		if (U(1)) {
			v->flags |= V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING;
		} else {
			for (i = 0; i < v->num_tile_columns_minus1 && i < 20; i++)
				v->column_width_minus1[i] = (uint8_t)UE();
			for (i = 0; i < v->num_tile_rows_minus1 && i < 22; i++)
				v->row_height_minus1[i] = (uint8_t)UE();
		}
		if (U(1))
			v->flags |= V4L2_HEVC_PPS_FLAG_LOOP_FILTER_ACROSS_TILES_ENABLED;
	}
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED;
	if (U(1)) {
		v->flags |= V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
		if (U(1))
			v->flags |= V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_OVERRIDE_ENABLED;
		if (U(1))
			v->flags |= V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER;
		else {
			v->pps_beta_offset_div2 = (int8_t)SE();
			v->pps_tc_offset_div2 = (int8_t)SE();
		}
	}
	if (U(1))
		parse_lists(b, &pps->matrix);
	else if (sps->have_lists)
		pps->matrix = sps->lists;
	else
		default_lists(&pps->matrix);
	if (!(sps->v4l2.flags & V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED))
		memset(&pps->matrix, 0, sizeof(pps->matrix));
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT;
	v->log2_parallel_merge_level_minus2 = (uint8_t)UE();
	if (U(1))
		v->flags |= V4L2_HEVC_PPS_FLAG_SLICE_SEGMENT_HEADER_EXTENSION_PRESENT;
	return b->overrun ? -EINVAL : 0;
}

int t_hevc_parse_slice(const uint8_t *nal, size_t size, const struct t_hevc_sps *sps,
		       const struct t_hevc_pps *pps, struct t_hevc_slice *sl)
{
	const struct v4l2_ctrl_hevc_sps *v = &sps->v4l2;
	unsigned int ctb = v->log2_min_luma_coding_block_size_minus3 + 3 +
			   v->log2_diff_max_min_luma_coding_block_size;
	uint32_t ctbs = ((v->pic_width_in_luma_samples + (1u << ctb) - 1) >> ctb) *
			((v->pic_height_in_luma_samples + (1u << ctb) - 1) >> ctb);
	struct dv_hevc_bits bits, *b = &bits;
	unsigned int i;

	memset(sl, 0, sizeof(*sl));
	sl->nal_type = nal[0] >> 1 & 0x3f;
	dv_hevc_bits_init(b, nal + 2, size - 2);
	sl->first_slice_segment_in_pic = U(1);
	if (sl->nal_type >= 16 && sl->nal_type <= 23)
		U(1);
	UE();
	if (!sl->first_slice_segment_in_pic) {
		if (pps->v4l2.flags & V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED)
			sl->dependent = U(1);
		U(ceil_log2(ctbs));
	}
	if (sl->dependent)
		return 0;
	for (i = 0; i < pps->v4l2.num_extra_slice_header_bits; i++)
		U(1);
	sl->slice_type = UE();
	if (pps->v4l2.flags & V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT)
		U(1);
	if (sl->nal_type == 19 || sl->nal_type == 20)
		return 0;
	sl->poc_lsb = U(v->log2_max_pic_order_cnt_lsb_minus4 + 4);
	sl->sps_rps = U(1);
	if (!sl->sps_rps) {
		if (parse_st_rps(b, (struct t_hevc_rps *)sps->st, v->num_short_term_ref_pic_sets,
				 v->num_short_term_ref_pic_sets, &sl->rps))
			return -EINVAL;
	} else {
		unsigned int idx = v->num_short_term_ref_pic_sets > 1 ?
				   U(ceil_log2(v->num_short_term_ref_pic_sets)) : 0;

		sl->rps = sps->st[idx];
	}
	return b->overrun ? -EINVAL : 0;
}
