// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 frame header OBU (5.9) from V4L2_CID_STATELESS_AV1_FRAME and
 * FILM_GRAIN, written against the reference slots the decoder holds. See
 * av1_rebuild.h for why the daemon writes its own OBUs instead of using the
 * client's buffer as is.
 */
#include <errno.h>
#include <string.h>

#include "rebuild/av1/av1_internal.h"
#include "rebuild/av1/av1_rebuild.h"
#include "util/log.h"

struct dv_av1_fh {
	struct dv_bitwriter *bw;
	const struct v4l2_ctrl_av1_sequence *seq;
	const struct v4l2_ctrl_av1_frame *f;
	const struct dv_av1_refs *refs;
	struct dv_av1_seq_info si;
	int intra, error_resilient, allow_intrabc, coded_lossless;
	uint32_t upscaled_width, frame_width, frame_height;
};

static int dv_av1_flag(const struct v4l2_ctrl_av1_frame *f, uint32_t flag)
{
	return !!(f->flags & flag);
}

static int dv_av1_relative_dist(const struct dv_av1_seq_info *si,
				uint32_t a, uint32_t b)
{
	uint32_t diff, m;

	if (!si->enable_order_hint)
		return 0;
	/* Unsigned: the hints are the controls' 32-bit values, of which
	 * only the low order_hint_bits count; their difference as int32_t
	 * could overflow. The result is the same modulo 2^order_hint_bits. */
	diff = a - b;
	m = 1u << (si->order_hint_bits - 1);
	return (int)(diff & (m - 1)) - (int)(diff & m);
}

/* 5.9.5 frame_size() with superres_params() (5.9.8), 5.9.6 render_size() */
static int dv_av1_frame_size(struct dv_av1_fh *h)
{
	const struct v4l2_ctrl_av1_frame *f = h->f;
	const int use_superres = dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_USE_SUPERRES);
	uint32_t denom;

	/* frame_size_override_flag is always 1 in our headers. */
	if (h->upscaled_width - 1 >= (1u << h->si.frame_width_bits) ||
	    h->frame_height - 1 >= (1u << h->si.frame_height_bits))
		return -EINVAL;
	dv_av1_f(h->bw, h->si.frame_width_bits, h->upscaled_width - 1);
	dv_av1_f(h->bw, h->si.frame_height_bits, h->frame_height - 1);
	if (h->si.enable_superres) {
		dv_av1_f(h->bw, 1, use_superres);
		if (use_superres) {
			if (f->superres_denom < 9 || f->superres_denom > 16)
				return -EINVAL;
			dv_av1_f(h->bw, 3, f->superres_denom - 9);
		}
	} else if (use_superres) {
		return -EINVAL;
	}
	/*
	 * The header carries the upscaled width only: the decoder derives
	 * FrameWidth from it (superres_params()). tile_info() is computed
	 * from the control's frame width, which must be that one (an
	 * arbitrary 32-bit value also overflowed the tile arithmetic).
	 */
	denom = use_superres ? f->superres_denom : 8;
	if (h->frame_width != (h->upscaled_width * 8 + denom / 2) / denom)
		return -EINVAL;
	dv_av1_f(h->bw, 1, 1);	/* render_and_frame_size_different */
	dv_av1_f(h->bw, 16, f->render_width_minus_1);
	dv_av1_f(h->bw, 16, f->render_height_minus_1);
	return 0;
}

/* 5.9.15 tile_info(): always written with explicit tile sizes. */
static int dv_av1_tile_info(struct dv_av1_fh *h)
{
	const struct v4l2_av1_tile_info *ti = &h->f->tile_info;
	const unsigned int sb_mi = h->si.use_128 ? 32 : 16;
	const unsigned int sb_shift = h->si.use_128 ? 5 : 4;
	const uint32_t mi_cols = 2 * ((h->frame_width + 7) >> 3);
	const uint32_t mi_rows = 2 * ((h->frame_height + 7) >> 3);
	const uint32_t sb_cols = (mi_cols + sb_mi - 1) >> sb_shift;
	const uint32_t sb_rows = (mi_rows + sb_mi - 1) >> sb_shift;
	const uint32_t max_tile_width_sb = DV_AV1_MAX_TILE_WIDTH >> (sb_shift + 2);
	uint32_t max_tile_area_sb = DV_AV1_MAX_TILE_AREA >> (2 * (sb_shift + 2));
	uint32_t widest = 0, start = 0, max_height_sb, min_log2_tiles = 0;
	unsigned int i, cols_log2 = 0, rows_log2 = 0;

	if (ti->tile_cols < 1 || ti->tile_cols > V4L2_AV1_MAX_TILE_COLS ||
	    ti->tile_rows < 1 || ti->tile_rows > V4L2_AV1_MAX_TILE_ROWS)
		return -EINVAL;
	/* minLog2Tiles = Max(minLog2TileCols, tile_log2(maxTileAreaSb, ...)) */
	while ((max_tile_width_sb << min_log2_tiles) < sb_cols)
		min_log2_tiles++;
	while ((max_tile_area_sb << min_log2_tiles) < sb_rows * sb_cols)
		min_log2_tiles++;
	dv_av1_f(h->bw, 1, 0);	/* uniform_tile_spacing_flag */
	for (i = 0; i < ti->tile_cols; i++) {
		uint32_t end = i + 1 < ti->tile_cols ?
			ti->mi_col_starts[i + 1] >> sb_shift : sb_cols;
		uint32_t max_w = sb_cols - start < max_tile_width_sb ?
			sb_cols - start : max_tile_width_sb;

		if (ti->mi_col_starts[i] >> sb_shift != start || end <= start ||
		    end - start > max_w)
			return -EINVAL;
		dv_av1_ns(h->bw, max_w, end - start - 1);
		if (end - start > widest)
			widest = end - start;
		start = end;
	}
	if (start != sb_cols)
		return -EINVAL;
	if (min_log2_tiles > 0)
		max_tile_area_sb = (sb_rows * sb_cols) >> (min_log2_tiles + 1);
	else
		max_tile_area_sb = sb_rows * sb_cols;
	max_height_sb = max_tile_area_sb / widest;
	if (max_height_sb < 1)
		max_height_sb = 1;
	start = 0;
	for (i = 0; i < ti->tile_rows; i++) {
		uint32_t end = i + 1 < ti->tile_rows ?
			ti->mi_row_starts[i + 1] >> sb_shift : sb_rows;
		uint32_t max_h = sb_rows - start < max_height_sb ?
			sb_rows - start : max_height_sb;

		if (ti->mi_row_starts[i] >> sb_shift != start || end <= start ||
		    end - start > max_h)
			return -EINVAL;
		dv_av1_ns(h->bw, max_h, end - start - 1);
		start = end;
	}
	if (start != sb_rows)
		return -EINVAL;
	while ((1u << cols_log2) < ti->tile_cols)
		cols_log2++;
	while ((1u << rows_log2) < ti->tile_rows)
		rows_log2++;
	if (cols_log2 || rows_log2) {
		if (ti->context_update_tile_id >= ti->tile_cols * ti->tile_rows)
			return -EINVAL;
		dv_av1_f(h->bw, cols_log2 + rows_log2, ti->context_update_tile_id);
		dv_av1_f(h->bw, 2, DV_AV1_TILE_SIZE_BYTES - 1);
	}
	return 0;
}

static void dv_av1_delta_q(struct dv_bitwriter *bw, int8_t v)
{
	dv_av1_f(bw, 1, v != 0);
	if (v)
		dv_av1_su(bw, 7, v);
}

/* 5.9.12 quantization_params() */
static void dv_av1_quantization(struct dv_av1_fh *h)
{
	const struct v4l2_av1_quantization *q = &h->f->quantization;
	const int diff_uv = h->si.separate_uv_delta_q &&
		(q->flags & V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA);
	const int qm = !!(q->flags & V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX);

	dv_av1_f(h->bw, 8, q->base_q_idx);
	dv_av1_delta_q(h->bw, q->delta_q_y_dc);
	if (h->si.num_planes > 1) {
		if (h->si.separate_uv_delta_q)
			dv_av1_f(h->bw, 1, diff_uv);
		dv_av1_delta_q(h->bw, q->delta_q_u_dc);
		dv_av1_delta_q(h->bw, q->delta_q_u_ac);
		if (diff_uv) {
			dv_av1_delta_q(h->bw, q->delta_q_v_dc);
			dv_av1_delta_q(h->bw, q->delta_q_v_ac);
		}
	}
	dv_av1_f(h->bw, 1, qm);
	if (qm) {
		dv_av1_f(h->bw, 4, q->qm_y);
		dv_av1_f(h->bw, 4, q->qm_u);
		if (h->si.separate_uv_delta_q)
			dv_av1_f(h->bw, 4, q->qm_v);
	}
}

static const uint8_t dv_av1_seg_bits[8] = { 8, 6, 6, 6, 6, 3, 0, 0 };
static const uint8_t dv_av1_seg_signed[8] = { 1, 1, 1, 1, 1, 0, 0, 0 };

/* 5.9.14 segmentation_params() */
static void dv_av1_segmentation(struct dv_av1_fh *h)
{
	const struct v4l2_av1_segmentation *s = &h->f->segmentation;
	const int enabled = !!(s->flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED);
	int update_data = 1;
	int i, j;

	dv_av1_f(h->bw, 1, enabled);
	if (!enabled)
		return;
	if (h->f->primary_ref_frame != DV_AV1_PRIMARY_REF_NONE) {
		const int update_map =
			!!(s->flags & V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP);

		dv_av1_f(h->bw, 1, update_map);
		if (update_map)
			dv_av1_f(h->bw, 1, !!(s->flags &
				 V4L2_AV1_SEGMENTATION_FLAG_TEMPORAL_UPDATE));
		update_data = !!(s->flags & V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA);
		dv_av1_f(h->bw, 1, update_data);
	}
	if (!update_data)
		return;
	for (i = 0; i < 8; i++) {
		for (j = 0; j < 8; j++) {
			const int on = !!(s->feature_enabled[i] & (1u << j));

			dv_av1_f(h->bw, 1, on);
			if (!on || !dv_av1_seg_bits[j])
				continue;
			if (dv_av1_seg_signed[j])
				dv_av1_su(h->bw, 1 + dv_av1_seg_bits[j],
					  s->feature_data[i][j]);
			else
				dv_av1_f(h->bw, dv_av1_seg_bits[j],
					 (uint32_t)s->feature_data[i][j]);
		}
	}
}

/* CodedLossless (5.9.2, after segmentation_params) */
static int dv_av1_coded_lossless(const struct v4l2_ctrl_av1_frame *f)
{
	const struct v4l2_av1_quantization *q = &f->quantization;
	const struct v4l2_av1_segmentation *s = &f->segmentation;
	int i;

	if (q->delta_q_y_dc || q->delta_q_u_ac || q->delta_q_u_dc ||
	    q->delta_q_v_ac || q->delta_q_v_dc)
		return 0;
	for (i = 0; i < 8; i++) {
		int qindex = q->base_q_idx;

		if ((s->flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED) &&
		    (s->feature_enabled[i] & 1)) {
			qindex += s->feature_data[i][0];
			qindex = qindex < 0 ? 0 : qindex > 255 ? 255 : qindex;
		}
		if (qindex)
			return 0;
	}
	return 1;
}

/* 5.9.17 delta_q_params(), 5.9.18 delta_lf_params() */
static void dv_av1_delta_params(struct dv_av1_fh *h)
{
	const struct v4l2_ctrl_av1_frame *f = h->f;
	const int dq = f->quantization.base_q_idx &&
		(f->quantization.flags & V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT);
	const int dlf = !!(f->loop_filter.flags &
			   V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT);

	if (f->quantization.base_q_idx)
		dv_av1_f(h->bw, 1, dq);
	if (!dq)
		return;
	dv_av1_f(h->bw, 2, f->quantization.delta_q_res);
	if (h->allow_intrabc)
		return;
	dv_av1_f(h->bw, 1, dlf);
	if (dlf) {
		dv_av1_f(h->bw, 2, f->loop_filter.delta_lf_res);
		dv_av1_f(h->bw, 1, !!(f->loop_filter.flags &
			 V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI));
	}
}

/* 5.9.11 loop_filter_params(): deltas, when updated, all written. */
static void dv_av1_loop_filter(struct dv_av1_fh *h)
{
	const struct v4l2_av1_loop_filter *lf = &h->f->loop_filter;
	const int enabled = !!(lf->flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED);
	const int update = !!(lf->flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE);
	int i;

	if (h->coded_lossless || h->allow_intrabc)
		return;
	dv_av1_f(h->bw, 6, lf->level[0]);
	dv_av1_f(h->bw, 6, lf->level[1]);
	if (h->si.num_planes > 1 && (lf->level[0] || lf->level[1])) {
		dv_av1_f(h->bw, 6, lf->level[2]);
		dv_av1_f(h->bw, 6, lf->level[3]);
	}
	dv_av1_f(h->bw, 3, lf->sharpness);
	dv_av1_f(h->bw, 1, enabled);
	if (!enabled)
		return;
	dv_av1_f(h->bw, 1, update);
	if (!update)
		return;
	for (i = 0; i < 8; i++) {
		dv_av1_f(h->bw, 1, 1);
		dv_av1_su(h->bw, 7, lf->ref_deltas[i]);
	}
	for (i = 0; i < 2; i++) {
		dv_av1_f(h->bw, 1, 1);
		dv_av1_su(h->bw, 7, lf->mode_deltas[i]);
	}
}

/* Secondary strengths are stored as used (4) or as coded (3). */
static uint32_t dv_av1_cdef_sec(uint8_t v)
{
	return v >= 3 ? 3 : v;
}

/* 5.9.19 cdef_params() */
static void dv_av1_cdef(struct dv_av1_fh *h)
{
	const struct v4l2_av1_cdef *c = &h->f->cdef;
	int i;

	if (h->coded_lossless || h->allow_intrabc || !h->si.enable_cdef)
		return;
	dv_av1_f(h->bw, 2, c->damping_minus_3);
	dv_av1_f(h->bw, 2, c->bits);
	for (i = 0; i < (1 << (c->bits & 3)); i++) {
		dv_av1_f(h->bw, 4, c->y_pri_strength[i]);
		dv_av1_f(h->bw, 2, dv_av1_cdef_sec(c->y_sec_strength[i]));
		if (h->si.num_planes > 1) {
			dv_av1_f(h->bw, 4, c->uv_pri_strength[i]);
			dv_av1_f(h->bw, 2, dv_av1_cdef_sec(c->uv_sec_strength[i]));
		}
	}
}

/* 5.9.20 lr_params(): unit sizes from loop_restoration_size[]. */
static int dv_av1_lr(struct dv_av1_fh *h)
{
	/* FrameRestorationType -> lr_type (inverse of Remap_Lr_Type) */
	static const uint8_t lr_type[4] = { 0, 2, 3, 1 };
	const struct v4l2_av1_loop_restoration *lr = &h->f->loop_restoration;
	const int all_lossless = h->coded_lossless &&
		h->frame_width == h->upscaled_width;
	int uses_lr = 0, uses_chroma_lr = 0;
	unsigned int i, shift, uv_shift;

	if (all_lossless || h->allow_intrabc || !h->si.enable_restoration)
		return 0;
	for (i = 0; i < h->si.num_planes; i++) {
		unsigned int t = lr->frame_restoration_type[i];

		if (t > 3)
			return -EINVAL;
		dv_av1_f(h->bw, 2, lr_type[t]);
		if (t) {
			uses_lr = 1;
			if (i > 0)
				uses_chroma_lr = 1;
		}
	}
	if (!uses_lr)
		return 0;
	/* LoopRestorationSize[0] = 256 >> (2 - lr_unit_shift) */
	switch (lr->loop_restoration_size[0]) {
	case 64: shift = 0; break;
	case 128: shift = 1; break;
	case 256: shift = 2; break;
	default: return -EINVAL;
	}
	if (h->si.use_128) {
		if (shift < 1)
			return -EINVAL;
		dv_av1_f(h->bw, 1, shift - 1);
	} else {
		dv_av1_f(h->bw, 1, shift > 0);
		if (shift)
			dv_av1_f(h->bw, 1, shift > 1);
	}
	uv_shift = 0;
	if (h->si.ss_x && h->si.ss_y && uses_chroma_lr) {
		uint32_t uv = lr->loop_restoration_size[1];

		if (uv == lr->loop_restoration_size[0] >> 1)
			uv_shift = 1;
		else if (uv != lr->loop_restoration_size[0])
			return -EINVAL;
		dv_av1_f(h->bw, 1, uv_shift);
	}
	return 0;
}

/* 5.9.24 global_motion_params(), 5.9.25 read_global_param() and the
 * subexponential codes of 5.9.26-28, written. */
static uint32_t dv_av1_recenter(uint32_t r, uint32_t v)
{
	if (v > 2 * r)
		return v;
	if (v >= r)
		return (v - r) << 1;
	return ((r - v) << 1) - 1;
}

static void dv_av1_subexp(struct dv_bitwriter *bw, uint32_t num_syms,
			  uint32_t v)
{
	uint32_t i = 0, mk = 0, k = 3;

	for (;;) {
		uint32_t b2 = i ? k + i - 1 : k;
		uint32_t a = 1u << b2;

		if (num_syms <= mk + 3 * a) {
			dv_av1_ns(bw, num_syms - mk, v - mk);
			return;
		}
		if (v >= mk + a) {
			dv_av1_f(bw, 1, 1);
			i++;
			mk += a;
		} else {
			dv_av1_f(bw, 1, 0);
			dv_av1_f(bw, b2, v - mk);
			return;
		}
	}
}

static void dv_av1_signed_subexp_with_ref(struct dv_bitwriter *bw,
					  int32_t low, int32_t high,
					  int32_t r, int32_t x)
{
	const uint32_t mx = (uint32_t)(high - low);
	const uint32_t ur = (uint32_t)(r - low), ux = (uint32_t)(x - low);
	uint32_t v;

	if ((ur << 1) <= mx)
		v = dv_av1_recenter(ur, ux);
	else
		v = dv_av1_recenter(mx - 1 - ur, mx - 1 - ux);
	dv_av1_subexp(bw, mx, v);
}

static int dv_av1_global_param(struct dv_av1_fh *h, int type, int ref,
			       int idx, const int32_t prev[6])
{
	const int hp = dv_av1_flag(h->f, V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV);
	const int32_t value = h->f->global_motion.params[ref][idx];
	int abs_bits = 12, prec_bits = 15;
	int prec_diff, sub, mx;
	int32_t round, r, x;
	int64_t coded;

	if (idx < 2) {
		if (type == V4L2_AV1_WARP_MODEL_TRANSLATION) {
			abs_bits = 9 - !hp;
			prec_bits = 3 - !hp;
		} else {
			abs_bits = 12;
			prec_bits = 6;
		}
	}
	prec_diff = DV_AV1_WARPEDMODEL_PREC_BITS - prec_bits;
	round = (idx % 3) == 2 ? (1 << DV_AV1_WARPEDMODEL_PREC_BITS) : 0;
	sub = (idx % 3) == 2 ? (1 << prec_bits) : 0;
	mx = 1 << abs_bits;
	r = (prev[idx] >> prec_diff) - sub;
	/* The value must be representable exactly. In 64 bits: value -
	 * round overflows int32_t for values near INT32_MIN. */
	coded = (int64_t)value - round;
	if (coded % (1 << prec_diff) || coded / (1 << prec_diff) < -mx ||
	    coded / (1 << prec_diff) > mx)
		return -EINVAL;
	x = (int32_t)(coded / (1 << prec_diff));
	if (r < -mx)
		r = -mx;
	if (r > mx)
		r = mx;
	dv_av1_signed_subexp_with_ref(h->bw, -mx, mx + 1, r, x);
	return 0;
}

static int dv_av1_global_motion(struct dv_av1_fh *h)
{
	const struct v4l2_av1_global_motion *gm = &h->f->global_motion;
	int32_t defaults[8][6];
	const int32_t (*prev)[6];
	int ref, ret;

	if (h->intra)
		return 0;
	dv_av1_gm_default(defaults);
	prev = (const int32_t (*)[6])defaults;
	if (h->f->primary_ref_frame != DV_AV1_PRIMARY_REF_NONE) {
		int slot = h->f->ref_frame_idx[h->f->primary_ref_frame];

		if (slot < 0 || slot > 7)
			return -EINVAL;
		prev = (const int32_t (*)[6])h->refs->gm_params[slot];
	}
	for (ref = 1; ref <= 7; ref++) {
		const int type = gm->type[ref];

		if (type < 0 || type > 3)
			return -EINVAL;
		dv_av1_f(h->bw, 1, type != V4L2_AV1_WARP_MODEL_IDENTITY);
		if (type != V4L2_AV1_WARP_MODEL_IDENTITY) {
			dv_av1_f(h->bw, 1, type == V4L2_AV1_WARP_MODEL_ROTZOOM);
			if (type != V4L2_AV1_WARP_MODEL_ROTZOOM)
				dv_av1_f(h->bw, 1,
					 type == V4L2_AV1_WARP_MODEL_TRANSLATION);
		}
		if (type >= V4L2_AV1_WARP_MODEL_ROTZOOM) {
			if ((ret = dv_av1_global_param(h, type, ref, 2, prev[ref])) ||
			    (ret = dv_av1_global_param(h, type, ref, 3, prev[ref])))
				return ret;
			if (type == V4L2_AV1_WARP_MODEL_AFFINE &&
			    ((ret = dv_av1_global_param(h, type, ref, 4, prev[ref])) ||
			     (ret = dv_av1_global_param(h, type, ref, 5, prev[ref]))))
				return ret;
		}
		if (type >= V4L2_AV1_WARP_MODEL_TRANSLATION &&
		    ((ret = dv_av1_global_param(h, type, ref, 0, prev[ref])) ||
		     (ret = dv_av1_global_param(h, type, ref, 1, prev[ref]))))
			return ret;
	}
	return 0;
}

/* 5.9.30 film_grain_params() */
static int dv_av1_film_grain(struct dv_av1_fh *h,
			     const struct v4l2_ctrl_av1_film_grain *g)
{
	const struct v4l2_ctrl_av1_frame *f = h->f;
	int update, csfl, num_pos_luma, num_pos_chroma, i;

	if (!h->si.film_grain ||
	    (!dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_SHOW_FRAME) &&
	     !dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME)))
		return 0;
	if (!g || !(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN)) {
		dv_av1_f(h->bw, 1, 0);	/* apply_grain */
		return 0;
	}
	dv_av1_f(h->bw, 1, 1);
	dv_av1_f(h->bw, 16, g->grain_seed);
	update = 1;
	if (f->frame_type == V4L2_AV1_INTER_FRAME) {
		update = !!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN);
		dv_av1_f(h->bw, 1, update);
	}
	if (!update) {
		if (g->film_grain_params_ref_idx > 7)
			return -EINVAL;
		dv_av1_f(h->bw, 3, g->film_grain_params_ref_idx);
		return 0;
	}
	if (g->num_y_points > 14 || g->num_cb_points > 10 ||
	    g->num_cr_points > 10 || g->ar_coeff_lag > 3)
		return -EINVAL;
	dv_av1_f(h->bw, 4, g->num_y_points);
	for (i = 0; i < g->num_y_points; i++) {
		dv_av1_f(h->bw, 8, g->point_y_value[i]);
		dv_av1_f(h->bw, 8, g->point_y_scaling[i]);
	}
	csfl = 0;
	if (!h->si.mono) {
		csfl = !!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA);
		dv_av1_f(h->bw, 1, csfl);
	}
	if (!(h->si.mono || csfl ||
	      (h->si.ss_x && h->si.ss_y && g->num_y_points == 0))) {
		dv_av1_f(h->bw, 4, g->num_cb_points);
		for (i = 0; i < g->num_cb_points; i++) {
			dv_av1_f(h->bw, 8, g->point_cb_value[i]);
			dv_av1_f(h->bw, 8, g->point_cb_scaling[i]);
		}
		dv_av1_f(h->bw, 4, g->num_cr_points);
		for (i = 0; i < g->num_cr_points; i++) {
			dv_av1_f(h->bw, 8, g->point_cr_value[i]);
			dv_av1_f(h->bw, 8, g->point_cr_scaling[i]);
		}
	} else if (g->num_cb_points || g->num_cr_points) {
		return -EINVAL;
	}
	dv_av1_f(h->bw, 2, g->grain_scaling_minus_8);
	dv_av1_f(h->bw, 2, g->ar_coeff_lag);
	num_pos_luma = 2 * g->ar_coeff_lag * (g->ar_coeff_lag + 1);
	num_pos_chroma = num_pos_luma;
	if (g->num_y_points) {
		num_pos_chroma = num_pos_luma + 1;
		for (i = 0; i < num_pos_luma; i++)
			dv_av1_f(h->bw, 8, g->ar_coeffs_y_plus_128[i]);
	}
	if (csfl || g->num_cb_points)
		for (i = 0; i < num_pos_chroma; i++)
			dv_av1_f(h->bw, 8, g->ar_coeffs_cb_plus_128[i]);
	if (csfl || g->num_cr_points)
		for (i = 0; i < num_pos_chroma; i++)
			dv_av1_f(h->bw, 8, g->ar_coeffs_cr_plus_128[i]);
	dv_av1_f(h->bw, 2, g->ar_coeff_shift_minus_6);
	dv_av1_f(h->bw, 2, g->grain_scale_shift);
	if (g->num_cb_points) {
		dv_av1_f(h->bw, 8, g->cb_mult);
		dv_av1_f(h->bw, 8, g->cb_luma_mult);
		dv_av1_f(h->bw, 9, g->cb_offset);
	}
	if (g->num_cr_points) {
		dv_av1_f(h->bw, 8, g->cr_mult);
		dv_av1_f(h->bw, 8, g->cr_luma_mult);
		dv_av1_f(h->bw, 9, g->cr_offset);
	}
	dv_av1_f(h->bw, 1, !!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP));
	dv_av1_f(h->bw, 1, !!(g->flags &
		 V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE));
	return 0;
}

/* 5.9.22 skipModeAllowed, from the slots the decoder holds. */
static int dv_av1_skip_mode_allowed(const struct dv_av1_fh *h)
{
	const struct v4l2_ctrl_av1_frame *f = h->f;
	int fwd = -1, bwd = -1, fwd2 = -1, i;
	uint32_t fwd_hint = 0, bwd_hint = 0, fwd2_hint = 0;

	if (h->intra || !dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT) ||
	    !h->si.enable_order_hint)
		return 0;
	for (i = 0; i < 7; i++) {
		uint32_t hint = h->refs->order_hint[f->ref_frame_idx[i] & 7];

		if (dv_av1_relative_dist(&h->si, hint, f->order_hint) < 0) {
			if (fwd < 0 || dv_av1_relative_dist(&h->si, hint, fwd_hint) > 0) {
				fwd = i;
				fwd_hint = hint;
			}
		} else if (dv_av1_relative_dist(&h->si, hint, f->order_hint) > 0) {
			if (bwd < 0 || dv_av1_relative_dist(&h->si, hint, bwd_hint) < 0) {
				bwd = i;
				bwd_hint = hint;
			}
		}
	}
	if (fwd < 0)
		return 0;
	if (bwd >= 0)
		return 1;
	for (i = 0; i < 7; i++) {
		uint32_t hint = h->refs->order_hint[f->ref_frame_idx[i] & 7];

		if (dv_av1_relative_dist(&h->si, hint, fwd_hint) < 0 &&
		    (fwd2 < 0 || dv_av1_relative_dist(&h->si, hint, fwd2_hint) > 0)) {
			fwd2 = i;
			fwd2_hint = hint;
		}
	}
	return fwd2 >= 0;
}

/* 5.9.2 uncompressed_header() */
static int dv_av1_uncompressed_header(struct dv_av1_fh *h,
				      const struct v4l2_ctrl_av1_film_grain *grain)
{
	const struct v4l2_ctrl_av1_frame *f = h->f;
	struct dv_bitwriter *bw = h->bw;
	const int show = dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_SHOW_FRAME);
	const int sct = dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_ALLOW_SCREEN_CONTENT_TOOLS);
	const int disable_cdf = dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE);
	int force_integer_mv = 0, refresh_all, i, ret;
	uint32_t refresh;

	if (f->frame_type > V4L2_AV1_SWITCH_FRAME)
		return -EINVAL;
	h->intra = dv_av1_frame_is_intra(f);
	h->error_resilient = f->frame_type == V4L2_AV1_SWITCH_FRAME ||
		(f->frame_type == V4L2_AV1_KEY_FRAME && show) ||
		dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE);
	h->upscaled_width = f->upscaled_width;
	h->frame_width = f->frame_width_minus_1 + 1;
	h->frame_height = f->frame_height_minus_1 + 1;
	if (!h->upscaled_width)
		h->upscaled_width = h->frame_width;

	dv_av1_f(bw, 1, 0);		/* show_existing_frame */
	dv_av1_f(bw, 2, f->frame_type);
	dv_av1_f(bw, 1, show);
	if (!show)
		dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME));
	if (!(f->frame_type == V4L2_AV1_SWITCH_FRAME ||
	      (f->frame_type == V4L2_AV1_KEY_FRAME && show)))
		dv_av1_f(bw, 1, h->error_resilient);
	dv_av1_f(bw, 1, disable_cdf);
	dv_av1_f(bw, 1, sct);		/* seq_force_screen_content_tools = 2 */
	if (sct) {
		force_integer_mv = dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_FORCE_INTEGER_MV);
		dv_av1_f(bw, 1, force_integer_mv);
	}
	if (h->intra)
		force_integer_mv = 1;
	if (f->frame_type != V4L2_AV1_SWITCH_FRAME)
		dv_av1_f(bw, 1, 1);	/* frame_size_override_flag */
	if (h->si.enable_order_hint)
		dv_av1_f(bw, h->si.order_hint_bits, f->order_hint);
	if (!(h->intra || h->error_resilient)) {
		if (f->primary_ref_frame > DV_AV1_PRIMARY_REF_NONE)
			return -EINVAL;
		dv_av1_f(bw, 3, f->primary_ref_frame);
	} else if (f->primary_ref_frame != DV_AV1_PRIMARY_REF_NONE) {
		return -EINVAL;
	}
	refresh_all = f->frame_type == V4L2_AV1_SWITCH_FRAME ||
		(f->frame_type == V4L2_AV1_KEY_FRAME && show);
	refresh = refresh_all ? 0xff : f->refresh_frame_flags;
	if (!refresh_all)
		dv_av1_f(bw, 8, refresh);
	if (refresh != f->refresh_frame_flags)
		return -EINVAL;
	if ((!h->intra || refresh != 0xff) && h->error_resilient &&
	    h->si.enable_order_hint)
		for (i = 0; i < 8; i++)
			dv_av1_f(bw, h->si.order_hint_bits, h->refs->order_hint[i]);

	h->allow_intrabc = 0;
	if (h->intra) {
		if ((ret = dv_av1_frame_size(h)))
			return ret;
		if (sct && h->upscaled_width == h->frame_width) {
			h->allow_intrabc = dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_ALLOW_INTRABC);
			dv_av1_f(bw, 1, h->allow_intrabc);
		}
	} else {
		if (h->si.enable_order_hint)
			dv_av1_f(bw, 1, 0);	/* frame_refs_short_signaling */
		for (i = 0; i < 7; i++) {
			if (f->ref_frame_idx[i] < 0 || f->ref_frame_idx[i] > 7)
				return -EINVAL;
			dv_av1_f(bw, 3, (uint32_t)f->ref_frame_idx[i]);
		}
		if (!h->error_resilient)	/* frame_size_with_refs() */
			for (i = 0; i < 7; i++)
				dv_av1_f(bw, 1, 0);	/* found_ref */
		if ((ret = dv_av1_frame_size(h)))
			return ret;
		if (!force_integer_mv)
			dv_av1_f(bw, 1, dv_av1_flag(f,
				 V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV));
		if (f->interpolation_filter == V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE) {
			dv_av1_f(bw, 1, 1);
		} else {
			if (f->interpolation_filter > V4L2_AV1_INTERPOLATION_FILTER_BILINEAR)
				return -EINVAL;
			dv_av1_f(bw, 1, 0);
			dv_av1_f(bw, 2, f->interpolation_filter);
		}
		dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE));
		if (!h->error_resilient && h->si.enable_ref_frame_mvs)
			dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS));
	}
	if (!disable_cdf)
		dv_av1_f(bw, 1, dv_av1_flag(f,
			 V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF));
	if ((ret = dv_av1_tile_info(h)))
		return ret;
	dv_av1_quantization(h);
	dv_av1_segmentation(h);
	dv_av1_delta_params(h);
	h->coded_lossless = dv_av1_coded_lossless(f);
	dv_av1_loop_filter(h);
	dv_av1_cdef(h);
	if ((ret = dv_av1_lr(h)))
		return ret;
	if (!h->coded_lossless)		/* read_tx_mode() */
		dv_av1_f(bw, 1, f->tx_mode == V4L2_AV1_TX_MODE_SELECT);
	if (!h->intra)			/* frame_reference_mode() */
		dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT));
	if (dv_av1_skip_mode_allowed(h))
		dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT));
	if (!(h->intra || h->error_resilient || !h->si.enable_warped_motion))
		dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION));
	dv_av1_f(bw, 1, dv_av1_flag(f, V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET));
	if ((ret = dv_av1_global_motion(h)))
		return ret;
	return dv_av1_film_grain(h, grain);
}

int dv_av1_write_frame_header(const struct v4l2_ctrl_av1_sequence *seq,
			      const struct v4l2_ctrl_av1_frame *frame,
			      const struct v4l2_ctrl_av1_film_grain *grain,
			      const struct dv_av1_refs *refs,
			      uint8_t *out, size_t cap, size_t *size)
{
	uint8_t scratch[DV_AV1_HDR_SCRATCH];
	struct dv_bitwriter bw;
	struct dv_av1_fh h = { .bw = &bw, .seq = seq, .f = frame, .refs = refs };
	int ret = dv_av1_seq_info(seq, &h.si);

	if (ret)
		return ret;
	dv_bw_init(&bw, scratch, sizeof(scratch));
	ret = dv_av1_uncompressed_header(&h, grain);
	if (ret)
		return ret;
	dv_bw_trailing_bits(&bw);
	return dv_av1_finish_obu(&bw, DV_AV1_OBU_FRAME_HEADER, scratch, out,
				 cap, size);
}

/* 5.9.2 uncompressed_header() with show_existing_frame = 1 */
int dv_av1_write_show_existing_frame(unsigned int slot, uint8_t *out,
				     size_t cap, size_t *size)
{
	uint8_t scratch[8];
	struct dv_bitwriter bw;

	if (slot > 7)
		return -EINVAL;
	dv_bw_init(&bw, scratch, sizeof(scratch));
	dv_av1_f(&bw, 1, 1);		/* show_existing_frame */
	dv_av1_f(&bw, 3, slot);		/* frame_to_show_map_idx */
	/* No decoder model info, no frame ids: nothing more. */
	dv_bw_trailing_bits(&bw);
	return dv_av1_finish_obu(&bw, DV_AV1_OBU_FRAME_HEADER, scratch, out,
				 cap, size);
}