// SPDX-License-Identifier: BSD-2-Clause
/*
 * The HEVC slice header rewrite (daemon/rebuild/hevc/hevc_slice.c) on
 * headers x265 does not make: short-term sets named from the SPS or
 * predicted from one, long-term pictures taken from the SPS's candidates,
 * explicit long-term entries; each rewritten header must be, bit for bit,
 * the header written here with the sets the decode parameters say, and the
 * slice data must follow unchanged (emulation prevention bytes included).
 * Also the bit reader, the diagonal scans and the parameter set checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rebuild/hevc/hevc_bits.h"
#include "rebuild/hevc/hevc_params.h"
#include "rebuild/hevc/hevc_slice.h"
#include "util/bitwriter.h"

DV_TEST_DEFINE_FAILURES;

/* The slice data: emulation prevention bytes that must stay as they are. */
static const uint8_t slice_data[] = {
	0x12, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x03,
};

enum rps_form {
	RPS_SPS_IDX,		/* short_term_ref_pic_set_sps_flag = 1 */
	RPS_INTER,		/* explicit, inter_ref_pic_set_prediction_flag = 1 */
	RPS_EXPLICIT,		/* explicit, as it is written back */
	RPS_WRITTEN,		/* what the rewrite writes from the DPB */
};

enum lt_form {
	LT_FROM_SPS,		/* one entry from the SPS's candidates, one explicit */
	LT_EXPLICIT,		/* explicit entries only, no SPS candidates */
	LT_WRITTEN,		/* what the rewrite writes from the DPB */
	LT_EXPLICIT_BACK,	/* the explicit entries as the rewrite copies them */
};

static struct v4l2_ctrl_hevc_sps sps;
static struct v4l2_ctrl_hevc_pps pps;
static struct v4l2_ctrl_hevc_decode_params dp;

static void setup(unsigned int lt_candidates)
{
	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	memset(&dp, 0, sizeof(dp));
	sps.pic_width_in_luma_samples = 352;
	sps.pic_height_in_luma_samples = 288;	/* 6 x 5 CTBs of 64 */
	sps.chroma_format_idc = 1;
	sps.log2_max_pic_order_cnt_lsb_minus4 = 4;	/* 8 bits */
	sps.log2_diff_max_min_luma_coding_block_size = 3;
	sps.log2_diff_max_min_luma_transform_block_size = 3;
	sps.num_short_term_ref_pic_sets = 3;
	sps.num_long_term_ref_pics_sps = (uint8_t)lt_candidates;
	sps.flags = V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT |
		    V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED |
		    V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET;
	pps.num_ref_idx_l0_default_active_minus1 = 1;
	pps.flags = V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED |
		    V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED |
		    V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT;
	/* POC 100; the DPB: 104 (after, not used), 96 and 98 (before,
	 * used), long-term 64 (used) and 32; and 352 (long-term, an MSB
	 * cycle behind... ahead: named by its LSBs). */
	dp.pic_order_cnt_val = 300;
	dp.num_active_dpb_entries = 5;
	dp.dpb[0].pic_order_cnt_val = 304;
	dp.dpb[1].pic_order_cnt_val = 296;
	dp.dpb[2].pic_order_cnt_val = 64;
	dp.dpb[2].flags = V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE;
	dp.dpb[3].pic_order_cnt_val = 298;
	dp.dpb[4].pic_order_cnt_val = 32 + 256;
	dp.dpb[4].flags = V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE;
	dp.num_poc_st_curr_before = 2;
	dp.poc_st_curr_before[0] = 3;
	dp.poc_st_curr_before[1] = 1;
	dp.num_poc_lt_curr = 1;
	dp.poc_lt_curr[0] = 2;
	dp.num_delta_pocs_of_ref_rps_idx = 2;
}

/* A P slice header of a TRAIL_R picture with the given sets. */
static void write_header(struct dv_bitwriter *bw, enum rps_form st, enum lt_form lt)
{
	const unsigned int lsb = 300 & 255;

	dv_bw_u(bw, 1, 1);		/* first_slice_segment_in_pic_flag */
	dv_bw_ue(bw, 0);		/* slice_pic_parameter_set_id */
	dv_bw_ue(bw, 1);		/* slice_type P */
	dv_bw_u(bw, 8, lsb);		/* slice_pic_order_cnt_lsb */
	switch (st) {
	case RPS_SPS_IDX:
		dv_bw_u(bw, 1, 1);
		dv_bw_u(bw, 2, 2);	/* short_term_ref_pic_set_idx */
		break;
	case RPS_INTER:
		dv_bw_u(bw, 1, 0);
		dv_bw_u(bw, 1, 1);	/* inter_ref_pic_set_prediction_flag */
		dv_bw_ue(bw, 0);	/* delta_idx_minus1 */
		dv_bw_u(bw, 1, 1);	/* delta_rps_sign */
		dv_bw_ue(bw, 1);	/* abs_delta_rps_minus1 */
		dv_bw_u(bw, 1, 1);	/* used_by_curr_pic_flag[0] */
		dv_bw_u(bw, 1, 0);	/* [1] */
		dv_bw_u(bw, 1, 1);	/* use_delta_flag[1] */
		dv_bw_u(bw, 1, 1);	/* [2] */
		break;
	case RPS_EXPLICIT:
		dv_bw_u(bw, 1, 0);
		dv_bw_u(bw, 1, 0);	/* inter_ref_pic_set_prediction_flag */
		/* fall through */
	case RPS_WRITTEN:
		if (st == RPS_WRITTEN)
			dv_bw_u(bw, 1, 0);
		dv_bw_ue(bw, 2);	/* num_negative_pics */
		dv_bw_ue(bw, 1);	/* num_positive_pics */
		dv_bw_ue(bw, 1);	/* -2 */
		dv_bw_u(bw, 1, 1);
		dv_bw_ue(bw, 1);	/* -4 */
		dv_bw_u(bw, 1, 1);
		dv_bw_ue(bw, 3);	/* +4 */
		dv_bw_u(bw, 1, 0);
		break;
	}
	switch (lt) {
	case LT_FROM_SPS:
		dv_bw_ue(bw, 1);	/* num_long_term_sps */
		dv_bw_ue(bw, 1);	/* num_long_term_pics */
		dv_bw_u(bw, 1, 1);	/* lt_idx_sps (2 candidates) */
		dv_bw_u(bw, 1, 0);	/* delta_poc_msb_present_flag */
		dv_bw_u(bw, 8, 32);	/* poc_lsb_lt */
		dv_bw_u(bw, 1, 1);	/* used_by_curr_pic_lt_flag */
		dv_bw_u(bw, 1, 1);
		dv_bw_ue(bw, 1);	/* delta_poc_msb_cycle_lt */
		break;
	case LT_EXPLICIT:
	case LT_EXPLICIT_BACK:
		dv_bw_ue(bw, 2);	/* num_long_term_pics */
		dv_bw_u(bw, 8, 64);
		dv_bw_u(bw, 1, 1);
		dv_bw_u(bw, 1, 0);
		dv_bw_u(bw, 8, 32);
		dv_bw_u(bw, 1, 0);
		dv_bw_u(bw, 1, 1);
		dv_bw_ue(bw, 0);
		break;
	case LT_WRITTEN:
		/* 64 (lt_curr) first, 288 then: both one MSB cycle (256) back
		 * from 300's MSB 256... 64 is at MSB 0: cycle 1; 288 at 256:
		 * cycle 0 < 1, so named by its LSBs. */
		dv_bw_ue(bw, 2);	/* num_long_term_pics */
		dv_bw_u(bw, 8, 64);
		dv_bw_u(bw, 1, 1);
		dv_bw_u(bw, 1, 1);
		dv_bw_ue(bw, 1);
		dv_bw_u(bw, 8, 32);
		dv_bw_u(bw, 1, 0);
		dv_bw_u(bw, 1, 0);
		break;
	}
	dv_bw_u(bw, 1, 1);		/* slice_temporal_mvp_enabled_flag */
	dv_bw_u(bw, 1, 1);		/* slice_sao_luma_flag */
	dv_bw_u(bw, 1, 0);		/* slice_sao_chroma_flag */
	dv_bw_u(bw, 1, 0);		/* num_ref_idx_active_override_flag */
	/* NumPicTotalCurr 3: list_entry_l0 of 2 bits, 2 entries */
	dv_bw_u(bw, 1, 1);		/* ref_pic_list_modification_flag_l0 */
	dv_bw_u(bw, 2, 2);
	dv_bw_u(bw, 2, 1);
	dv_bw_ue(bw, 1);		/* collocated_ref_idx */
	dv_bw_ue(bw, 2);		/* five_minus_max_num_merge_cand */
	dv_bw_se(bw, -3);		/* slice_qp_delta */
	dv_bw_u(bw, 1, 1);		/* slice_loop_filter_across_slices_enabled_flag */
	dv_bw_ue(bw, 2);		/* num_entry_point_offsets */
	dv_bw_ue(bw, 7);		/* offset_len_minus1 */
	dv_bw_u(bw, 8, 5);
	dv_bw_u(bw, 8, 4);
	dv_bw_u(bw, 1, 1);		/* byte_alignment() */
	while (bw->bits & 7)
		dv_bw_u(bw, 1, 0);
}

/* The slice NAL unit (header bytes, escaped header, raw data). */
static size_t make_nal(uint8_t *out, size_t cap, enum rps_form st, enum lt_form lt,
		       int with_start_code)
{
	static const uint8_t header[2] = { 1 << 1, 1 };	/* TRAIL_R */
	uint8_t rbsp[256];
	struct dv_bitwriter bw;
	size_t size, pos = 0;

	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	write_header(&bw, st, lt);
	CHECK(dv_bw_finish(&bw, &size) == 0, "header too long");
	CHECK(dv_hevc_wrap(header, rbsp, size, out, cap, &pos) == 0, "wrap");
	memcpy(out + pos, slice_data, sizeof(slice_data));
	pos += sizeof(slice_data);
	if (with_start_code)
		return pos;
	memmove(out, out + 4, pos - 4);
	return pos - 4;
}

static void check_rewrite(const char *name, enum rps_form st, enum lt_form lt,
			  enum rps_form want_st, enum lt_form want_lt)
{
	const struct dv_hevc_slice_ctrls c = { &sps, &pps, &dp, 0 };
	struct dv_hevc_slice_info info;
	uint8_t in[512], want[512];
	size_t in_size = make_nal(in, sizeof(in), st, lt, 0);
	size_t want_size = make_nal(want, sizeof(want), want_st, want_lt, 1);
	struct dv_bytebuf out;
	int ret;

	dv_bytebuf_init(&out, 0);
	ret = dv_hevc_slice_rewrite(&c, in, in_size, &out, &info);
	CHECK(ret == 0, "%s: %d", name, ret);
	CHECK(info.rewritten && info.nal_type == 1 && info.slice_type == 1,
	      "%s: info %u %u %u", name, info.rewritten, info.nal_type, info.slice_type);
	CHECK(out.size == want_size && !memcmp(out.data, want, want_size),
	      "%s: the rewritten slice (%zu bytes) is not the one expected (%zu)", name,
	      out.size, want_size);
	CHECK(out.size >= sizeof(slice_data) &&
	      !memcmp(out.data + out.size - sizeof(slice_data), slice_data, sizeof(slice_data)),
	      "%s: the slice data changed", name);
	dv_bytebuf_free(&out);
}

static void test_rewrites(void)
{
	setup(2);
	check_rewrite("SPS set, SPS long-term candidate", RPS_SPS_IDX, LT_FROM_SPS,
		      RPS_WRITTEN, LT_WRITTEN);
	check_rewrite("inter-predicted set, SPS long-term candidate", RPS_INTER,
		      LT_FROM_SPS, RPS_WRITTEN, LT_WRITTEN);
	setup(0);
	check_rewrite("SPS set, explicit long-term", RPS_SPS_IDX, LT_EXPLICIT,
		      RPS_WRITTEN, LT_EXPLICIT_BACK);
	check_rewrite("explicit set, explicit long-term", RPS_EXPLICIT, LT_EXPLICIT,
		      RPS_WRITTEN, LT_EXPLICIT_BACK);
}

static void test_refusals(void)
{
	const struct dv_hevc_slice_ctrls c = { &sps, &pps, &dp, 0 };
	struct dv_hevc_slice_info info;
	struct dv_bytebuf out;
	uint8_t in[512];
	size_t size, i;

	dv_bytebuf_init(&out, 0);
	setup(2);
	size = make_nal(in, sizeof(in), RPS_SPS_IDX, LT_FROM_SPS, 0);
	/* another PPS */
	pps.pic_parameter_set_id = 1;
	CHECK_EQ(dv_hevc_slice_rewrite(&c, in, size, &out, &info), -EINVAL);
	pps.pic_parameter_set_id = 0;
	/* decode parameters that do not name the DPB's pictures: a
	 * "before" picture after the current one */
	dp.poc_st_curr_before[1] = 0;
	CHECK_EQ(dv_hevc_slice_rewrite(&c, in, size, &out, &info), -EINVAL);
	dp.poc_st_curr_before[1] = 1;
	dp.poc_lt_curr[0] = 0;	/* not long-term */
	CHECK_EQ(dv_hevc_slice_rewrite(&c, in, size, &out, &info), -EINVAL);
	dp.poc_lt_curr[0] = 2;
	dp.dpb[3].pic_order_cnt_val = 296;	/* twice the same POC */
	CHECK_EQ(dv_hevc_slice_rewrite(&c, in, size, &out, &info), -EINVAL);
	dp.dpb[3].pic_order_cnt_val = 298;
	/* every truncation: refused or written, never read past the end */
	for (i = 0; i < size; i++) {
		uint8_t *copy = malloc(i ? i : 1);

		memcpy(copy, in, i);
		dv_bytebuf_clear(&out);
		dv_hevc_slice_rewrite(&c, copy, i, &out, &info);
		free(copy);
	}
	/* an IDR slice is copied whole: IDR_N_LP, first slice,
	 * no_output_of_prior_pics_flag 0, PPS 0, slice_type I, aligned */
	{
		static const uint8_t idr[] = { 20 << 1, 1, 0xae, 0x00, 0x00, 0x03, 0x01 };

		dv_bytebuf_clear(&out);
		CHECK_EQ(dv_hevc_slice_rewrite(&c, idr, sizeof(idr), &out, &info), 0);
		CHECK(out.size == sizeof(idr) + 4 && !memcmp(out.data + 4, idr, sizeof(idr)) &&
		      !info.rewritten && info.slice_type == 2, "IDR slice not copied whole");
	}
	dv_bytebuf_free(&out);
}

static void test_bits(void)
{
	/* 00 00 03 01: the 03 is skipped; offsets count it */
	static const uint8_t nal[] = { 0xa0, 0x00, 0x00, 0x03, 0x01, 0xa7 };
	struct dv_hevc_bits b;

	dv_hevc_bits_init(&b, nal, sizeof(nal));
	CHECK_EQ(dv_hevc_u(&b, 3), 5);	/* 101 */
	CHECK_EQ(dv_hevc_u(&b, 5), 0);
	CHECK_EQ(dv_hevc_u(&b, 16), 0);
	CHECK_EQ(dv_hevc_bits_offset(&b), 4);	/* past the 03 */
	CHECK_EQ(dv_hevc_u(&b, 8), 1);
	CHECK_EQ(dv_hevc_ue(&b), 0);	/* 1 */
	CHECK_EQ(dv_hevc_se(&b), 1);	/* 010 */
	CHECK_EQ(dv_hevc_se(&b), -1);	/* 011 */
	CHECK_EQ(dv_hevc_u(&b, 1), 1);
	CHECK(!b.overrun, "overrun too early");
	dv_hevc_u(&b, 2);
	CHECK(b.overrun, "no overrun");
}

static void test_scans(void)
{
	unsigned int n, i;

	for (n = 4; n <= 8; n += 4) {
		const uint8_t *scan = dv_hevc_diag_scan(n);
		unsigned int x = 0, y = 0, k = 0;
		int yy;

		/* 6.5.3 once more, another way: anti-diagonals, bottom-left
		 * to top-right. */
		for (i = 0; i < 2 * n - 1; i++)
			for (yy = (int)(i < n ? i : n - 1); yy >= 0 && i - (unsigned int)yy < n; yy--) {
				y = (unsigned int)yy;
				x = i - y;
				CHECK_EQ(scan[k], y * n + x);
				k++;
			}
		CHECK_EQ(k, n * n);
	}
}

static void test_params(void)
{
	uint8_t out[DV_HEVC_PARAM_NAL_MAX];
	struct v4l2_ctrl_hevc_scaling_matrix m;
	size_t size;

	setup(0);
	CHECK_EQ(dv_hevc_write_sps(&sps, out, sizeof(out), &size), 0);
	CHECK_EQ(dv_hevc_write_vps(&sps, out, sizeof(out), &size), 0);
	CHECK_EQ(dv_hevc_write_pps(&sps, &pps, NULL, out, sizeof(out), &size), 0);
	/* the largest PPS: every list explicit, large steps */
	sps.flags |= V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED;
	memset(&m, 0, sizeof(m));
	for (size = 0; size < sizeof(m); size++)
		((uint8_t *)&m)[size] = size % 2 ? 1 : 255;
	CHECK_EQ(dv_hevc_write_pps(&sps, &pps, &m, out, sizeof(out), &size), 0);
	/* a 0 in a list cannot be written */
	m.scaling_list_8x8[2][5] = 0;
	CHECK_EQ(dv_hevc_write_pps(&sps, &pps, &m, out, sizeof(out), &size), -EINVAL);
	/* what the device refuses, the daemon refuses too */
	sps.chroma_format_idc = 2;
	CHECK_EQ(dv_hevc_write_sps(&sps, out, sizeof(out), &size), -EINVAL);
	sps.chroma_format_idc = 1;
	sps.bit_depth_luma_minus8 = sps.bit_depth_chroma_minus8 = 4;
	CHECK_EQ(dv_hevc_write_sps(&sps, out, sizeof(out), &size), -EINVAL);
	sps.bit_depth_luma_minus8 = sps.bit_depth_chroma_minus8 = 2;
	CHECK_EQ(dv_hevc_write_sps(&sps, out, sizeof(out), &size), 0);
	sps.pic_width_in_luma_samples = 350;	/* not a multiple of MinCbSize */
	CHECK_EQ(dv_hevc_write_sps(&sps, out, sizeof(out), &size), -EINVAL);
}

int main(void)
{
	test_bits();
	test_scans();
	test_params();
	test_rewrites();
	test_refusals();
	return TEST_RESULT();
}
