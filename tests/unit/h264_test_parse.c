// SPDX-License-Identifier: BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "h264_test_parse.h"

void t_br_init(struct t_bitreader *br, const uint8_t *buf, size_t size)
{
	br->buf = buf;
	br->size = size;
	br->bit = 0;
	br->error = 0;
}

uint32_t t_br_u(struct t_bitreader *br, unsigned int n)
{
	uint32_t v = 0;

	while (n--) {
		if (br->bit >= br->size * 8) {
			br->error = 1;
			return 0;
		}
		v = (v << 1) | ((br->buf[br->bit / 8] >> (7 - br->bit % 8)) & 1);
		br->bit++;
	}
	return v;
}

uint32_t t_br_ue(struct t_bitreader *br)
{
	unsigned int zeros = 0;
	uint64_t v;

	while (!t_br_u(br, 1)) {
		if (br->error || ++zeros > 32) {
			br->error = 1;
			return 0;
		}
	}
	v = ((uint64_t)1 << zeros) - 1;
	if (zeros == 32)	/* t_br_u reads at most 32 bits at once */
		v += ((uint64_t)t_br_u(br, 16) << 16) | t_br_u(br, 16);
	else
		v += t_br_u(br, zeros);
	return (uint32_t)v;
}

int32_t t_br_se(struct t_bitreader *br)
{
	uint32_t k = t_br_ue(br);

	return k & 1 ? (int32_t)((k + 1) / 2) : -(int32_t)(k / 2);
}

int t_br_more_rbsp_data(const struct t_bitreader *br)
{
	size_t last_one;
	size_t byte = br->size;

	while (byte && !br->buf[byte - 1])
		byte--;
	if (!byte)
		return 0;
	/* The stop bit is the last one bit of the RBSP. */
	last_one = (byte - 1) * 8 + 7;
	while (!((br->buf[last_one / 8] >> (7 - last_one % 8)) & 1))
		last_one--;
	return br->bit < last_one;
}

size_t t_unescape(const uint8_t *nal, size_t size, uint8_t *rbsp)
{
	size_t i, out = 0;
	unsigned int zeros = 0;

	for (i = 0; i < size; i++) {
		if (zeros >= 2 && nal[i] == 3) {
			zeros = 0;
			continue;
		}
		rbsp[out++] = nal[i];
		zeros = nal[i] ? 0 : zeros + 1;
	}
	return out;
}

void t_zigzag(unsigned int n, uint8_t *scan)
{
	unsigned int pos = 0, d, k;

	/* Anti-diagonal d holds the cells with row + column = d; the scan
	 * starts rightwards, so even diagonals go up (row falling) and odd
	 * ones go down. */
	for (d = 0; d <= 2 * (n - 1); d++) {
		unsigned int lo = d < n ? 0 : d - (n - 1);
		unsigned int hi = d < n ? d : n - 1;

		for (k = 0; k <= hi - lo; k++) {
			unsigned int row = d % 2 ? lo + k : hi - k;

			scan[pos++] = (uint8_t)(row * n + d - row);
		}
	}
}

/* Table 7-3 and 7-4, in zig-zag order. */
static const uint8_t t_default_4x4[2][16] = {
	{ 6, 13, 13, 20, 20, 20, 28, 28, 28, 28, 32, 32, 32, 37, 37, 42 },
	{ 10, 14, 14, 20, 20, 20, 24, 24, 24, 24, 27, 27, 27, 30, 30, 34 },
};

static const uint8_t t_default_8x8[2][64] = {
	{ 6, 10, 10, 13, 11, 13, 16, 16, 16, 16, 18, 18, 18, 18, 18, 23,
	  23, 23, 23, 23, 23, 25, 25, 25, 25, 25, 25, 25, 27, 27, 27, 27,
	  27, 27, 27, 27, 29, 29, 29, 29, 29, 29, 29, 31, 31, 31, 31, 31,
	  31, 33, 33, 33, 33, 33, 36, 36, 36, 36, 38, 38, 38, 40, 40, 42 },
	{ 9, 13, 13, 15, 13, 15, 17, 17, 17, 17, 19, 19, 19, 19, 19, 21,
	  21, 21, 21, 21, 21, 22, 22, 22, 22, 22, 22, 22, 24, 24, 24, 24,
	  24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 27, 27, 27, 27, 27,
	  27, 28, 28, 28, 28, 28, 30, 30, 30, 30, 32, 32, 32, 33, 33, 35 },
};

/* Zig-zag list -> raster matrix. */
static void t_to_raster(const uint8_t *zz, uint8_t *raster, unsigned int n)
{
	uint8_t scan[64];
	unsigned int i;

	t_zigzag(n, scan);
	for (i = 0; i < n * n; i++)
		raster[scan[i]] = zz[i];
}

/*
 * 7.3.2.1.1.1 scaling_list(): returns 1 if the list is to be replaced by
 * the default one (useDefaultScalingMatrixFlag), else fills @raster.
 */
static int t_scaling_list(struct t_bitreader *br, uint8_t *raster,
			  unsigned int n)
{
	uint8_t zz[64];
	int last = 8, next = 8;
	unsigned int j;

	for (j = 0; j < n * n; j++) {
		if (next) {
			next = (last + t_br_se(br) + 256) % 256;
			if (!j && !next)
				return 1;
		}
		zz[j] = (uint8_t)(next ? next : last);
		last = zz[j];
	}
	t_to_raster(zz, raster, n);
	return 0;
}

/*
 * Reads the lists of an SPS or PPS and applies fall-back rule A (@fb4 and
 * @fb8 NULL: defaults) or B (@fb4/@fb8: the sequence-level lists).
 */
static void t_scaling_lists(struct t_bitreader *br, unsigned int count,
			    uint8_t list4[6][16], uint8_t list8[2][64],
			    uint8_t (*fb4)[16], uint8_t (*fb8)[64])
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		int present = (int)t_br_u(br, 1);
		int inter = i < 6 ? i >= 3 : i == 7;
		int use_default = 0;

		if (present)
			use_default = i < 6 ? t_scaling_list(br, list4[i], 4) :
					      t_scaling_list(br, list8[i - 6], 8);
		if (use_default) {
			if (i < 6)
				t_to_raster(t_default_4x4[inter], list4[i], 4);
			else
				t_to_raster(t_default_8x8[inter], list8[i - 6], 8);
		} else if (!present) {
			if (i < 6 && i != 0 && i != 3)
				memcpy(list4[i], list4[i - 1], 16);
			else if (i < 6)
				fb4 ? memcpy(list4[i], fb4[i], 16) :
				      t_to_raster(t_default_4x4[inter], list4[i], 4);
			else
				fb8 ? memcpy(list8[i - 6], fb8[i - 6], 64) :
				      t_to_raster(t_default_8x8[inter], list8[i - 6], 8);
		}
	}
}

int t_parse_sps(const uint8_t *rbsp, size_t size, struct t_sps *out)
{
	struct v4l2_ctrl_h264_sps *sps = &out->v4l2;
	struct t_bitreader br;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	memset(out->list4, 16, sizeof(out->list4));
	memset(out->list8, 16, sizeof(out->list8));
	t_br_init(&br, rbsp, size);
	sps->profile_idc = (uint8_t)t_br_u(&br, 8);
	for (i = 0; i < 6; i++)
		sps->constraint_set_flags |= (uint8_t)(t_br_u(&br, 1) << i);
	t_br_u(&br, 2);
	sps->level_idc = (uint8_t)t_br_u(&br, 8);
	sps->seq_parameter_set_id = (uint8_t)t_br_ue(&br);
	sps->chroma_format_idc = 1;
	if (V4L2_H264_SPS_HAS_CHROMA_FORMAT(sps)) {
		sps->chroma_format_idc = (uint8_t)t_br_ue(&br);
		if (sps->chroma_format_idc == 3 && t_br_u(&br, 1))
			sps->flags |= V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
		sps->bit_depth_luma_minus8 = (uint8_t)t_br_ue(&br);
		sps->bit_depth_chroma_minus8 = (uint8_t)t_br_ue(&br);
		if (t_br_u(&br, 1))
			sps->flags |= V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS;
		out->seq_scaling_matrix_present = (int)t_br_u(&br, 1);
		if (out->seq_scaling_matrix_present) {
			if (sps->chroma_format_idc != 1)
				return -1;	/* 4:4:4 lists not handled here */
			t_scaling_lists(&br, 8, out->list4, out->list8, NULL, NULL);
		}
	}
	sps->log2_max_frame_num_minus4 = (uint8_t)t_br_ue(&br);
	sps->pic_order_cnt_type = (uint8_t)t_br_ue(&br);
	if (sps->pic_order_cnt_type == 0) {
		sps->log2_max_pic_order_cnt_lsb_minus4 = (uint8_t)t_br_ue(&br);
	} else if (sps->pic_order_cnt_type == 1) {
		if (t_br_u(&br, 1))
			sps->flags |= V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO;
		sps->offset_for_non_ref_pic = t_br_se(&br);
		sps->offset_for_top_to_bottom_field = t_br_se(&br);
		i = t_br_ue(&br);
		if (i > 255)
			return -1;
		sps->num_ref_frames_in_pic_order_cnt_cycle = (uint8_t)i;
		for (i = 0; i < sps->num_ref_frames_in_pic_order_cnt_cycle; i++)
			sps->offset_for_ref_frame[i] = t_br_se(&br);
	}
	sps->max_num_ref_frames = (uint8_t)t_br_ue(&br);
	if (t_br_u(&br, 1))
		sps->flags |= V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED;
	sps->pic_width_in_mbs_minus1 = (uint16_t)t_br_ue(&br);
	sps->pic_height_in_map_units_minus1 = (uint16_t)t_br_ue(&br);
	if (t_br_u(&br, 1))
		sps->flags |= V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
	else if (t_br_u(&br, 1))
		sps->flags |= V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
	if (t_br_u(&br, 1))
		sps->flags |= V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
	out->frame_cropping = (int)t_br_u(&br, 1);
	if (out->frame_cropping) {
		out->crop_left = t_br_ue(&br);
		out->crop_right = t_br_ue(&br);
		out->crop_top = t_br_ue(&br);
		out->crop_bottom = t_br_ue(&br);
	}
	t_br_u(&br, 1);		/* vui_parameters_present_flag: not needed */
	return br.error ? -1 : 0;
}

int t_parse_pps(const uint8_t *rbsp, size_t size, const struct t_sps *sps,
		struct t_pps *out)
{
	struct v4l2_ctrl_h264_pps *pps = &out->v4l2;
	uint8_t list4[6][16], list8[2][64];
	int pic_matrix = 0;
	struct t_bitreader br;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	t_br_init(&br, rbsp, size);
	pps->pic_parameter_set_id = (uint8_t)t_br_ue(&br);
	pps->seq_parameter_set_id = (uint8_t)t_br_ue(&br);
	if (t_br_u(&br, 1))
		pps->flags |= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE;
	if (t_br_u(&br, 1))
		pps->flags |= V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;
	pps->num_slice_groups_minus1 = (uint8_t)t_br_ue(&br);
	if (pps->num_slice_groups_minus1)
		return -1;	/* FMO: not in the uAPI */
	pps->num_ref_idx_l0_default_active_minus1 = (uint8_t)t_br_ue(&br);
	pps->num_ref_idx_l1_default_active_minus1 = (uint8_t)t_br_ue(&br);
	if (t_br_u(&br, 1))
		pps->flags |= V4L2_H264_PPS_FLAG_WEIGHTED_PRED;
	pps->weighted_bipred_idc = (uint8_t)t_br_u(&br, 2);
	pps->pic_init_qp_minus26 = (int8_t)t_br_se(&br);
	pps->pic_init_qs_minus26 = (int8_t)t_br_se(&br);
	pps->chroma_qp_index_offset = (int8_t)t_br_se(&br);
	if (t_br_u(&br, 1))
		pps->flags |= V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
	if (t_br_u(&br, 1))
		pps->flags |= V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED;
	if (t_br_u(&br, 1))
		pps->flags |= V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT;
	/* Without a PPS matrix, the sequence's applies (flat if none). */
	memcpy(list4, sps->list4, sizeof(list4));
	memcpy(list8, sps->list8, sizeof(list8));
	pps->second_chroma_qp_index_offset = pps->chroma_qp_index_offset;
	if (t_br_more_rbsp_data(&br)) {
		out->has_tail = 1;
		if (t_br_u(&br, 1))
			pps->flags |= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
		pic_matrix = (int)t_br_u(&br, 1);
		if (pic_matrix) {
			/* Rule B falls back to the sequence-level lists, or
			 * to the defaults' rule A ones (Flat_16 is never a
			 * fall-back: without an SPS matrix, rule A applies). */
			uint8_t seq4[6][16], seq8[2][64];

			if (sps->seq_scaling_matrix_present) {
				memcpy(seq4, sps->list4, sizeof(seq4));
				memcpy(seq8, sps->list8, sizeof(seq8));
			} else {
				for (i = 0; i < 6; i++)
					t_to_raster(t_default_4x4[i >= 3], seq4[i], 4);
				for (i = 0; i < 2; i++)
					t_to_raster(t_default_8x8[i], seq8[i], 8);
			}
			t_scaling_lists(&br, pps->flags & V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE ? 8 : 6,
					list4, list8, seq4, seq8);
		}
		pps->second_chroma_qp_index_offset = (int8_t)t_br_se(&br);
	}
	if (sps->seq_scaling_matrix_present || pic_matrix) {
		pps->flags |= V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
		memcpy(out->matrix.scaling_list_4x4, list4, sizeof(list4));
		/* uAPI 8x8 order: Intra Y, Inter Y, Intra Cb, Inter Cb, ... */
		for (i = 0; i < 6; i++)
			memcpy(out->matrix.scaling_list_8x8[i], list8[i % 2], 64);
	}
	return br.error ? -1 : 0;
}

int t_parse_sps_nal(const uint8_t *nal, size_t size, struct t_sps *sps)
{
	uint8_t *rbsp = malloc(size);
	int ret;

	if (!rbsp || size < 2 || (nal[0] & 0x1f) != 7) {
		free(rbsp);
		return -1;
	}
	ret = t_parse_sps(rbsp, t_unescape(nal + 1, size - 1, rbsp), sps);
	free(rbsp);
	return ret;
}

int t_parse_pps_nal(const uint8_t *nal, size_t size, const struct t_sps *sps,
		    struct t_pps *pps)
{
	uint8_t *rbsp = malloc(size);
	int ret;

	if (!rbsp || size < 2 || (nal[0] & 0x1f) != 8) {
		free(rbsp);
		return -1;
	}
	ret = t_parse_pps(rbsp, t_unescape(nal + 1, size - 1, rbsp), sps, pps);
	free(rbsp);
	return ret;
}
