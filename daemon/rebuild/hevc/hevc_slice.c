// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/bitwriter.h"
#include "rebuild/hevc/hevc_bits.h"
#include "rebuild/hevc/hevc_params.h"
#include "rebuild/hevc/hevc_slice.h"
#include "util/log.h"

#define DV_HEVC_SLICE_B		0
#define DV_HEVC_SLICE_P		1
#define DV_HEVC_SLICE_I		2

/* Most entries of a short-term set (libavcodec: HEVC_MAX_REFS per sign). */
#define DV_HEVC_MAX_ST		16
/* Most long-term entries of a slice header. */
#define DV_HEVC_MAX_LT		32
/* Room for a written reference picture set: 32 ue(v) of up to 33 bits
 * and flags for the short-term part, 32 * (16 + 2 + 65) for the long-term. */
#define DV_HEVC_RPS_BYTES	1024

/* The reference picture set as it is written. */
struct dv_hevc_rps {
	unsigned int num_negative, num_positive;
	int32_t delta[2 * DV_HEVC_MAX_ST];	/* S0 entries, then S1 */
	uint8_t used[2 * DV_HEVC_MAX_ST];
	/* long-term: copied from the header, or these entries */
	bool lt_copy;
	unsigned int num_lt;
	uint32_t lt_lsb[DV_HEVC_MAX_LT];
	uint8_t lt_used[DV_HEVC_MAX_LT];
	uint8_t lt_msb_present[DV_HEVC_MAX_LT];
	uint32_t lt_msb_delta[DV_HEVC_MAX_LT];
	unsigned int num_pic_total_curr;
};

/* Where the parts of the header are, in RBSP bits from its first bit. */
struct dv_hevc_header_marks {
	uint64_t rps_start;	/* short_term_ref_pic_set_sps_flag */
	uint64_t lt_entries;	/* after num_long_term_pics */
	uint64_t rps_end;	/* after the long-term part */
	uint64_t end;		/* byte_alignment() */
	size_t data;		/* NAL payload offset of the slice data */
};

static unsigned int dv_ceil_log2(uint32_t v)
{
	unsigned int n = 0;

	while ((1ull << n) < v)
		n++;
	return n;
}

static bool dv_in_list(unsigned int idx, const uint8_t *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == idx)
			return true;
	return false;
}

static int dv_cmp_desc(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x < y) - (x > y);
}

/* The short-term set from the DPB (see hevc_slice.h). */
static int dv_hevc_st_from_dpb(const struct dv_hevc_slice_ctrls *c,
			       struct dv_hevc_rps *rps)
{
	const struct v4l2_ctrl_hevc_decode_params *dp = c->decode;
	/* delta * 2 + used, sorted as the set wants them */
	int32_t neg[V4L2_HEVC_DPB_ENTRIES_NUM_MAX], pos[V4L2_HEVC_DPB_ENTRIES_NUM_MAX];
	unsigned int n_neg = 0, n_pos = 0, used_neg = 0, used_pos = 0, i;

	if (dp->num_active_dpb_entries > V4L2_HEVC_DPB_ENTRIES_NUM_MAX ||
	    dp->num_poc_st_curr_before > V4L2_HEVC_DPB_ENTRIES_NUM_MAX ||
	    dp->num_poc_st_curr_after > V4L2_HEVC_DPB_ENTRIES_NUM_MAX)
		return -EINVAL;
	for (i = 0; i < dp->num_active_dpb_entries; i++) {
		const struct v4l2_hevc_dpb_entry *e = &dp->dpb[i];
		int64_t d = (int64_t)e->pic_order_cnt_val - dp->pic_order_cnt_val;
		bool used = dv_in_list(i, dp->poc_st_curr_before,
				       dp->num_poc_st_curr_before) ||
			    dv_in_list(i, dp->poc_st_curr_after,
				       dp->num_poc_st_curr_after);

		if (e->flags & V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE)
			continue;
		if (!d || d < -32768 || d > 32768) {
			dv_err("HEVC decode params: DPB entry %u has POC %d, the picture %d",
			       i, e->pic_order_cnt_val, dp->pic_order_cnt_val);
			return -EINVAL;
		}
		if (d < 0) {
			neg[n_neg++] = (int32_t)(d * 2 + used);
			used_neg += used;
		} else {
			pos[n_pos++] = (int32_t)(d * 2 + used);
			used_pos += used;
		}
	}
	if (used_neg != dp->num_poc_st_curr_before ||
	    used_pos != dp->num_poc_st_curr_after || n_neg >= DV_HEVC_MAX_ST ||
	    n_pos >= DV_HEVC_MAX_ST) {
		dv_err("HEVC decode params: poc_st_curr_before/after (%u/%u) do not name the DPB's %u/%u short-term pictures before/after the current one",
		       dp->num_poc_st_curr_before, dp->num_poc_st_curr_after,
		       used_neg, used_pos);
		return -EINVAL;
	}
	/* S0: closest first (decreasing POC); S1: increasing POC. */
	qsort(neg, n_neg, sizeof(neg[0]), dv_cmp_desc);
	qsort(pos, n_pos, sizeof(pos[0]), dv_cmp_desc);
	rps->num_negative = n_neg;
	rps->num_positive = n_pos;
	for (i = 0; i < n_neg; i++) {
		rps->delta[i] = neg[i] >> 1;	/* arithmetic: floor */
		rps->used[i] = neg[i] & 1;
	}
	for (i = 0; i < n_pos; i++) {
		rps->delta[n_neg + i] = pos[n_pos - 1 - i] >> 1;
		rps->used[n_neg + i] = pos[n_pos - 1 - i] & 1;
	}
	for (i = 1; i < n_neg + n_pos; i++)
		if (rps->delta[i] == rps->delta[i - 1]) {
			dv_err("HEVC decode params: two DPB entries with POC %d",
			       dp->pic_order_cnt_val + rps->delta[i]);
			return -EINVAL;
		}
	rps->num_pic_total_curr += used_neg + used_pos;
	return 0;
}

/* The long-term part from the DPB (see hevc_slice.h). */
static int dv_hevc_lt_from_dpb(const struct dv_hevc_slice_ctrls *c,
			       struct dv_hevc_rps *rps)
{
	const struct v4l2_ctrl_hevc_decode_params *dp = c->decode;
	const int64_t max_lsb = 1ll << (c->sps->log2_max_pic_order_cnt_lsb_minus4 + 4);
	const int64_t cur_msb = dp->pic_order_cnt_val -
				(dp->pic_order_cnt_val & (max_lsb - 1));
	uint8_t order[V4L2_HEVC_DPB_ENTRIES_NUM_MAX];
	unsigned int n = 0, i;
	int64_t prev = 0;

	if (dp->num_poc_lt_curr > V4L2_HEVC_DPB_ENTRIES_NUM_MAX)
		return -EINVAL;
	for (i = 0; i < dp->num_poc_lt_curr; i++) {
		unsigned int idx = dp->poc_lt_curr[i];

		if (idx >= dp->num_active_dpb_entries ||
		    !(dp->dpb[idx].flags & V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE) ||
		    dv_in_list(idx, order, n)) {
			dv_err("HEVC decode params: poc_lt_curr[%u] = %u is no long-term DPB entry",
			       i, idx);
			return -EINVAL;
		}
		order[n++] = (uint8_t)idx;
	}
	for (i = 0; i < dp->num_active_dpb_entries; i++)
		if ((dp->dpb[i].flags & V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE) &&
		    !dv_in_list(i, order, n))
			order[n++] = (uint8_t)i;
	rps->num_lt = n;
	for (i = 0; i < n; i++) {
		int64_t poc = dp->dpb[order[i]].pic_order_cnt_val;
		int64_t lsb = poc & (max_lsb - 1);
		int64_t cycle = (cur_msb - (poc - lsb)) / max_lsb;

		rps->lt_lsb[i] = (uint32_t)lsb;
		rps->lt_used[i] = i < dp->num_poc_lt_curr;
		/* DeltaPocMsbCycleLt only grows from entry to entry; where it
		 * cannot, the entry is named by its LSBs alone. */
		rps->lt_msb_present[i] = cycle >= prev;
		if (cycle >= prev) {
			rps->lt_msb_delta[i] = (uint32_t)(cycle - prev);
			prev = cycle;
		}
	}
	rps->num_pic_total_curr += dp->num_poc_lt_curr;
	return 0;
}

/* st_ref_pic_set(num_short_term_ref_pic_sets) of a slice header. */
static int dv_hevc_parse_st(const struct dv_hevc_slice_ctrls *c,
			    struct dv_hevc_bits *r, struct dv_hevc_rps *rps,
			    bool *from_dpb)
{
	unsigned int i, n_neg, n_pos;
	int32_t poc;

	if (c->sps->num_short_term_ref_pic_sets && dv_hevc_u(r, 1)) {
		/* inter_ref_pic_set_prediction_flag: predicted from a set of
		 * the SPS we do not have; the DPB says what it gives. */
		dv_hevc_ue(r);		/* delta_idx_minus1 */
		dv_hevc_u(r, 1);	/* delta_rps_sign */
		dv_hevc_ue(r);		/* abs_delta_rps_minus1 */
		for (i = 0; i <= c->decode->num_delta_pocs_of_ref_rps_idx; i++)
			if (!dv_hevc_u(r, 1))	/* used_by_curr_pic_flag */
				dv_hevc_u(r, 1);	/* use_delta_flag */
		*from_dpb = true;
		return 0;
	}
	n_neg = dv_hevc_ue(r);
	n_pos = dv_hevc_ue(r);
	if (n_neg >= DV_HEVC_MAX_ST || n_pos >= DV_HEVC_MAX_ST)
		return -EINVAL;
	rps->num_negative = n_neg;
	rps->num_positive = n_pos;
	for (i = 0, poc = 0; i < n_neg + n_pos; i++) {
		uint32_t d = dv_hevc_ue(r);

		if (d > 32767)
			return -EINVAL;
		if (i == n_neg)
			poc = 0;
		poc += i < n_neg ? -(int32_t)d - 1 : (int32_t)d + 1;
		rps->delta[i] = poc;
		rps->used[i] = (uint8_t)dv_hevc_u(r, 1);
		rps->num_pic_total_curr += rps->used[i];
	}
	*from_dpb = false;
	return 0;
}

/* The long-term part, from num_long_term_sps on. */
static int dv_hevc_parse_lt(const struct dv_hevc_slice_ctrls *c,
			    struct dv_hevc_bits *r, struct dv_hevc_rps *rps,
			    struct dv_hevc_header_marks *m)
{
	const unsigned int lsb_bits = c->sps->log2_max_pic_order_cnt_lsb_minus4 + 4;
	const unsigned int n_cand = c->sps->num_long_term_ref_pics_sps;
	uint32_t n_sps = 0, n_pics, i, used = 0;

	if (n_cand)
		n_sps = dv_hevc_ue(r);
	n_pics = dv_hevc_ue(r);
	m->lt_entries = r->pos;
	if (n_sps > n_cand || n_sps + (uint64_t)n_pics > DV_HEVC_MAX_LT)
		return -EINVAL;
	for (i = 0; i < n_sps + n_pics; i++) {
		if (i < n_sps) {
			dv_hevc_u(r, dv_ceil_log2(n_cand));	/* lt_idx_sps */
		} else {
			dv_hevc_u(r, lsb_bits);			/* poc_lsb_lt */
			used += dv_hevc_u(r, 1);	/* used_by_curr_pic_lt_flag */
		}
		if (dv_hevc_u(r, 1))		/* delta_poc_msb_present_flag */
			dv_hevc_ue(r);		/* delta_poc_msb_cycle_lt */
	}
	if (n_sps)
		return dv_hevc_lt_from_dpb(c, rps);
	rps->lt_copy = true;
	rps->num_lt = n_pics;
	rps->num_pic_total_curr += used;
	return 0;
}

static void dv_hevc_skip_pred_weight_table(struct dv_hevc_bits *r,
					   unsigned int slice_type,
					   unsigned int nl0, unsigned int nl1)
{
	uint8_t luma[16], chroma[16];
	unsigned int list, i, n;

	dv_hevc_ue(r);			/* luma_log2_weight_denom */
	dv_hevc_se(r);			/* delta_chroma_log2_weight_denom (4:2:0) */
	for (list = 0; list < (slice_type == DV_HEVC_SLICE_B ? 2u : 1u); list++) {
		n = (list ? nl1 : nl0) + 1;
		/* Every reference has another POC than the current picture
		 * (no SCC): every flag is present. */
		for (i = 0; i < n; i++)
			luma[i] = (uint8_t)dv_hevc_u(r, 1);
		for (i = 0; i < n; i++)
			chroma[i] = (uint8_t)dv_hevc_u(r, 1);
		for (i = 0; i < n; i++) {
			if (luma[i]) {
				dv_hevc_se(r);	/* delta_luma_weight */
				dv_hevc_se(r);	/* luma_offset */
			}
			if (chroma[i]) {
				dv_hevc_se(r);	/* delta_chroma_weight[0] */
				dv_hevc_se(r);	/* delta_chroma_offset[0] */
				dv_hevc_se(r);
				dv_hevc_se(r);
			}
		}
	}
}

/*
 * Reads what follows the reference picture set up to byte_alignment()
 * included.
 */
static int dv_hevc_parse_rest(const struct dv_hevc_slice_ctrls *c,
			      struct dv_hevc_bits *r, unsigned int slice_type,
			      bool tmvp, const struct dv_hevc_rps *rps,
			      struct dv_hevc_header_marks *m)
{
	const uint64_t pf = c->pps->flags;
	unsigned int nl0 = c->pps->num_ref_idx_l0_default_active_minus1;
	unsigned int nl1 = c->pps->num_ref_idx_l1_default_active_minus1;
	bool sao_luma = false, sao_chroma = false;
	bool dbk_disabled = pf & V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER;
	uint32_t i, n;

	if (c->sps->flags & V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET) {
		sao_luma = dv_hevc_u(r, 1);
		sao_chroma = dv_hevc_u(r, 1);
	}
	if (slice_type != DV_HEVC_SLICE_I) {
		const bool b = slice_type == DV_HEVC_SLICE_B;
		bool col_l0 = true;

		if (dv_hevc_u(r, 1)) {	/* num_ref_idx_active_override_flag */
			nl0 = dv_hevc_ue(r);
			if (b)
				nl1 = dv_hevc_ue(r);
		}
		if (nl0 > 14 || nl1 > 14)
			return -EINVAL;
		if ((pf & V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT) &&
		    rps->num_pic_total_curr > 1) {
			unsigned int bits = dv_ceil_log2(rps->num_pic_total_curr);

			if (dv_hevc_u(r, 1))
				for (i = 0; i <= nl0; i++)
					dv_hevc_u(r, bits);	/* list_entry_l0 */
			if (b && dv_hevc_u(r, 1))
				for (i = 0; i <= nl1; i++)
					dv_hevc_u(r, bits);	/* list_entry_l1 */
		}
		if (b)
			dv_hevc_u(r, 1);	/* mvd_l1_zero_flag */
		if (pf & V4L2_HEVC_PPS_FLAG_CABAC_INIT_PRESENT)
			dv_hevc_u(r, 1);	/* cabac_init_flag */
		if (tmvp) {
			if (b)
				col_l0 = dv_hevc_u(r, 1);
			if ((col_l0 && nl0) || (!col_l0 && nl1))
				dv_hevc_ue(r);	/* collocated_ref_idx */
		}
		if (((pf & V4L2_HEVC_PPS_FLAG_WEIGHTED_PRED) && !b) ||
		    ((pf & V4L2_HEVC_PPS_FLAG_WEIGHTED_BIPRED) && b))
			dv_hevc_skip_pred_weight_table(r, slice_type, nl0, nl1);
		dv_hevc_ue(r);		/* five_minus_max_num_merge_cand */
	}
	dv_hevc_se(r);			/* slice_qp_delta */
	if (pf & V4L2_HEVC_PPS_FLAG_PPS_SLICE_CHROMA_QP_OFFSETS_PRESENT) {
		dv_hevc_se(r);		/* slice_cb_qp_offset */
		dv_hevc_se(r);		/* slice_cr_qp_offset */
	}
	if ((pf & V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_OVERRIDE_ENABLED) &&
	    dv_hevc_u(r, 1)) {		/* deblocking_filter_override_flag */
		dbk_disabled = dv_hevc_u(r, 1);
		if (!dbk_disabled) {
			dv_hevc_se(r);	/* slice_beta_offset_div2 */
			dv_hevc_se(r);	/* slice_tc_offset_div2 */
		}
	}
	if ((pf & V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED) &&
	    (sao_luma || sao_chroma || !dbk_disabled))
		dv_hevc_u(r, 1);	/* slice_loop_filter_across_slices_enabled_flag */
	if (pf & (V4L2_HEVC_PPS_FLAG_TILES_ENABLED |
		  V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED)) {
		n = dv_hevc_ue(r);	/* num_entry_point_offsets */
		if (n > 4096)
			return -EINVAL;
		if (n) {
			uint32_t len = dv_hevc_ue(r) + 1;	/* offset_len_minus1 */

			if (len > 32)
				return -EINVAL;
			for (i = 0; i < n && !r->overrun; i++)
				dv_hevc_u(r, len);
		}
	}
	if (pf & V4L2_HEVC_PPS_FLAG_SLICE_SEGMENT_HEADER_EXTENSION_PRESENT) {
		n = dv_hevc_ue(r);	/* slice_segment_header_extension_length */
		if (n > 256)
			return -EINVAL;
		for (i = 0; i < n; i++)
			dv_hevc_u(r, 8);
	}
	m->end = r->pos;
	/* byte_alignment(): a one, then zeros */
	if (!dv_hevc_u(r, 1))
		return -EINVAL;
	while (!dv_hevc_bits_aligned(r))
		if (dv_hevc_u(r, 1))
			return -EINVAL;
	if (r->overrun)
		return -EINVAL;
	m->data = dv_hevc_bits_offset(r);
	return 0;
}

static void dv_copy_bits(struct dv_bitwriter *bw, struct dv_hevc_bits *r,
			 uint64_t to)
{
	while (r->pos < to) {
		unsigned int n = to - r->pos > 32 ? 32 : (unsigned int)(to - r->pos);

		dv_bw_u(bw, n, dv_hevc_u(r, n));
	}
}

static void dv_skip_bits(struct dv_hevc_bits *r, uint64_t to)
{
	while (r->pos < to)
		dv_hevc_u(r, to - r->pos > 32 ? 32 : (unsigned int)(to - r->pos));
}

static void dv_hevc_write_rps(struct dv_bitwriter *bw,
			      const struct dv_hevc_slice_ctrls *c,
			      const struct dv_hevc_rps *rps)
{
	const unsigned int lsb_bits = c->sps->log2_max_pic_order_cnt_lsb_minus4 + 4;
	unsigned int i;
	int32_t prev;

	dv_bw_u(bw, 1, 0);		/* short_term_ref_pic_set_sps_flag */
	/* st_ref_pic_set(0): no inter_ref_pic_set_prediction_flag */
	dv_bw_ue(bw, rps->num_negative);
	dv_bw_ue(bw, rps->num_positive);
	for (i = 0, prev = 0; i < rps->num_negative; i++) {
		dv_bw_ue(bw, (uint32_t)(prev - rps->delta[i] - 1));
		dv_bw_u(bw, 1, rps->used[i]);
		prev = rps->delta[i];
	}
	for (i = rps->num_negative, prev = 0;
	     i < rps->num_negative + rps->num_positive; i++) {
		dv_bw_ue(bw, (uint32_t)(rps->delta[i] - prev - 1));
		dv_bw_u(bw, 1, rps->used[i]);
		prev = rps->delta[i];
	}
	if (!(c->sps->flags & V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT))
		return;
	/* no num_long_term_sps: the rebuilt SPS has no candidates */
	dv_bw_ue(bw, rps->num_lt);	/* num_long_term_pics */
	if (rps->lt_copy)
		return;			/* the entries are copied */
	for (i = 0; i < rps->num_lt; i++) {
		dv_bw_u(bw, lsb_bits, rps->lt_lsb[i]);
		dv_bw_u(bw, 1, rps->lt_used[i]);
		dv_bw_u(bw, 1, rps->lt_msb_present[i]);
		if (rps->lt_msb_present[i])
			dv_bw_ue(bw, rps->lt_msb_delta[i]);
	}
}

static int dv_hevc_append_nal(struct dv_bytebuf *out, const uint8_t *nal,
			      size_t size)
{
	static const uint8_t start_code[4] = { 0, 0, 0, 1 };
	int ret = dv_bytebuf_append(out, start_code, sizeof(start_code));

	return ret ? ret : dv_bytebuf_append(out, nal, size);
}

/* Writes the header again and appends header and slice data to @out. */
static int dv_hevc_emit(const struct dv_hevc_slice_ctrls *c,
			const uint8_t *nal, size_t size,
			const struct dv_hevc_rps *rps,
			const struct dv_hevc_header_marks *m,
			struct dv_bytebuf *out)
{
	const uint8_t *payload = nal + 2;
	const size_t payload_size = size - 2;
	size_t cap = (size_t)(m->end / 8) + 1 + DV_HEVC_RPS_BYTES;
	size_t rbsp_size, wrapped_size = 0, wrapped_cap;
	struct dv_bitwriter bw;
	struct dv_hevc_bits r;
	uint8_t *rbsp, *wrapped;
	int ret;

	rbsp = malloc(cap);
	wrapped_cap = 6 + cap * 3 / 2 + 1;
	wrapped = malloc(wrapped_cap);
	if (!rbsp || !wrapped) {
		free(rbsp);
		free(wrapped);
		return -ENOMEM;
	}
	dv_bw_init(&bw, rbsp, cap);
	dv_hevc_bits_init(&r, payload, payload_size);
	dv_copy_bits(&bw, &r, m->rps_start);
	dv_hevc_write_rps(&bw, c, rps);
	if (rps->lt_copy) {
		dv_skip_bits(&r, m->lt_entries);
		dv_copy_bits(&bw, &r, m->rps_end);
	}
	dv_skip_bits(&r, m->rps_end);
	dv_copy_bits(&bw, &r, m->end);
	dv_bw_u(&bw, 1, 1);		/* alignment_bit_equal_to_one */
	while (bw.bits & 7)
		dv_bw_u(&bw, 1, 0);	/* alignment_bit_equal_to_zero */
	ret = dv_bw_finish(&bw, &rbsp_size);
	if (!ret)
		ret = dv_hevc_wrap(nal, rbsp, rbsp_size, wrapped, wrapped_cap,
				   &wrapped_size);
	if (!ret)
		ret = dv_bytebuf_append(out, wrapped, wrapped_size);
	/* The slice data as it was: it follows a non-zero byte in both. */
	if (!ret)
		ret = dv_bytebuf_append(out, payload + m->data,
					payload_size - m->data);
	free(rbsp);
	free(wrapped);
	return ret == -ENOSPC ? -EINVAL : ret;
}

int dv_hevc_slice_rewrite(const struct dv_hevc_slice_ctrls *c,
			  const uint8_t *nal, size_t size,
			  struct dv_bytebuf *out,
			  struct dv_hevc_slice_info *info)
{
	const struct v4l2_ctrl_hevc_sps *sps = c->sps;
	const struct v4l2_ctrl_hevc_pps *pps = c->pps;
	const unsigned int ctb = sps->log2_min_luma_coding_block_size_minus3 + 3 +
				 sps->log2_diff_max_min_luma_coding_block_size;
	const uint32_t ctbs = ((sps->pic_width_in_luma_samples + (1u << ctb) - 1) >> ctb) *
			      ((sps->pic_height_in_luma_samples + (1u << ctb) - 1) >> ctb);
	struct dv_hevc_header_marks m = { 0 };
	struct dv_hevc_rps rps;
	struct dv_hevc_bits r;
	bool from_dpb = false, tmvp = false;
	unsigned int type, i;
	int ret;

	memset(info, 0, sizeof(*info));
	memset(&rps, 0, sizeof(rps));
	if (size < 3)
		return -EINVAL;
	type = nal[0] >> 1 & 0x3f;
	info->nal_type = type;
	dv_hevc_bits_init(&r, nal + 2, size - 2);
	info->first_slice_segment_in_pic = dv_hevc_u(&r, 1);
	if (type >= DV_HEVC_NAL_BLA_W_LP && type <= DV_HEVC_NAL_RSV_IRAP_23)
		dv_hevc_u(&r, 1);	/* no_output_of_prior_pics_flag */
	if (dv_hevc_ue(&r) != pps->pic_parameter_set_id) {
		dv_err("HEVC slice: slice_pic_parameter_set_id is not the PPS control's %u",
		       pps->pic_parameter_set_id);
		return -EINVAL;
	}
	if (!info->first_slice_segment_in_pic) {
		if (pps->flags & V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED)
			info->dependent = dv_hevc_u(&r, 1);
		if (dv_hevc_u(&r, dv_ceil_log2(ctbs)) >= ctbs)	/* slice_segment_address */
			return -EINVAL;
	}
	if (info->dependent)
		return r.overrun ? -EINVAL : dv_hevc_append_nal(out, nal, size);
	for (i = 0; i < pps->num_extra_slice_header_bits; i++)
		dv_hevc_u(&r, 1);	/* slice_reserved_flag */
	info->slice_type = dv_hevc_ue(&r);
	if (info->slice_type > DV_HEVC_SLICE_I)
		return -EINVAL;
	if (type == DV_HEVC_NAL_IDR_W_RADL || type == DV_HEVC_NAL_IDR_N_LP)
		return r.overrun ? -EINVAL : dv_hevc_append_nal(out, nal, size);
	if (pps->flags & V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT)
		dv_hevc_u(&r, 1);	/* pic_output_flag */
	dv_hevc_u(&r, sps->log2_max_pic_order_cnt_lsb_minus4 + 4);
	m.rps_start = r.pos;
	if (!dv_hevc_u(&r, 1)) {	/* short_term_ref_pic_set_sps_flag */
		ret = dv_hevc_parse_st(c, &r, &rps, &from_dpb);
		if (ret)
			goto bad;
		from_dpb |= c->rps_from_decode_params;
	} else {
		if (!sps->num_short_term_ref_pic_sets) {
			ret = -EINVAL;
			goto bad;
		}
		dv_hevc_u(&r, dv_ceil_log2(sps->num_short_term_ref_pic_sets));
		from_dpb = true;
	}
	if (from_dpb) {
		rps.num_pic_total_curr = 0;
		ret = dv_hevc_st_from_dpb(c, &rps);
		if (ret)
			return ret;
	}
	if (sps->flags & V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT) {
		ret = dv_hevc_parse_lt(c, &r, &rps, &m);
		if (ret)
			goto bad;
	}
	m.rps_end = r.pos;
	if (sps->flags & V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED)
		tmvp = dv_hevc_u(&r, 1);	/* slice_temporal_mvp_enabled_flag */
	ret = dv_hevc_parse_rest(c, &r, info->slice_type, tmvp, &rps, &m);
	if (ret || r.overrun || m.data > size - 2)
		goto bad;
	info->rewritten = 1;
	return dv_hevc_emit(c, nal, size, &rps, &m, out);
bad:
	dv_err("HEVC slice: the %zu-byte slice segment header (NAL type %u) does not parse with the SPS and PPS controls",
	       size, type);
	return -EINVAL;
}
