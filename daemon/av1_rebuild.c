// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 sequence header, frame header and tile group OBUs from the V4L2
 * stateless controls. Section numbers are those of the AV1 bitstream
 * specification (v1.0.0 with errata 1). See av1_rebuild.h for why the
 * daemon writes its own OBUs instead of using the client's buffer as is.
 */
#include <errno.h>
#include <string.h>

#include "av1_rebuild.h"
#include "bitwriter.h"
#include "log.h"

#define DV_AV1_PRIMARY_REF_NONE		7
#define DV_AV1_WARPEDMODEL_PREC_BITS	16
#define DV_AV1_TILE_SIZE_BYTES		4
#define DV_AV1_MAX_TILE_WIDTH		4096
#define DV_AV1_MAX_TILE_AREA		(4096 * 2304)
/* Scratch for an uncompressed header: far more than the syntax can use. */
#define DV_AV1_HDR_SCRATCH		4096

/* f(n) for n up to 32 and su(n). */
static void dv_av1_f(struct dv_bitwriter *bw, unsigned int n, uint32_t v)
{
	dv_bw_u(bw, n, v);
}

static void dv_av1_su(struct dv_bitwriter *bw, unsigned int n, int32_t v)
{
	dv_bw_u(bw, n, (uint32_t)v & ((n < 32 ? (1u << n) : 0u) - 1u));
}

static unsigned int dv_av1_floor_log2(uint32_t v)
{
	unsigned int s = 0;

	while (v > 1) {
		v >>= 1;
		s++;
	}
	return s;
}

/* 4.10.7 ns(n): the inverse of the reader's non-symmetric code. */
static void dv_av1_ns(struct dv_bitwriter *bw, uint32_t n, uint32_t v)
{
	unsigned int w;
	uint32_t m;

	if (n <= 1)
		return;
	w = dv_av1_floor_log2(n) + 1;
	m = (1u << w) - n;
	if (v < m) {
		dv_av1_f(bw, w - 1, v);
	} else {
		dv_av1_f(bw, w - 1, (v + m) >> 1);
		dv_av1_f(bw, 1, (v + m) & 1);
	}
}

static size_t dv_av1_leb128(uint64_t v, uint8_t out[8])
{
	size_t n = 0;

	do {
		uint8_t b = v & 0x7f;

		v >>= 7;
		out[n++] = b | (v ? 0x80 : 0);
	} while (v && n < 8);
	return n;
}

/* OBU header (no extension, with a size field), leb128 size, payload. */
static int dv_av1_wrap_obu(unsigned int type, const uint8_t *payload,
			   size_t payload_size, uint8_t *out, size_t cap,
			   size_t *size)
{
	uint8_t leb[8];
	size_t n = dv_av1_leb128(payload_size, leb);

	if (cap < 1 + n || cap - 1 - n < payload_size)
		return -ENOSPC;
	out[0] = (uint8_t)((type << 3) | 0x02);
	memcpy(out + 1, leb, n);
	memmove(out + 1 + n, payload, payload_size);
	*size = 1 + n + payload_size;
	return 0;
}

static int dv_av1_finish_obu(struct dv_bitwriter *bw, unsigned int type,
			     const uint8_t *scratch, uint8_t *out, size_t cap,
			     size_t *size)
{
	size_t payload;
	int ret = dv_bw_finish(bw, &payload);

	if (ret)
		return ret;
	return dv_av1_wrap_obu(type, scratch, payload, out, cap, size);
}

/* ---- sequence header (5.5) ------------------------------------------- */

struct dv_av1_seq_info {
	unsigned int frame_width_bits, frame_height_bits;
	unsigned int order_hint_bits;	/* 0 without order hints */
	int enable_order_hint, use_128, enable_superres, enable_cdef;
	int enable_restoration, enable_ref_frame_mvs, enable_warped_motion;
	int mono, ss_x, ss_y, separate_uv_delta_q, film_grain;
	unsigned int num_planes;
};

static int dv_av1_seq_info(const struct v4l2_ctrl_av1_sequence *seq,
			   struct dv_av1_seq_info *si)
{
	const uint32_t fl = seq->flags;

	memset(si, 0, sizeof(*si));
	si->frame_width_bits = dv_av1_floor_log2(seq->max_frame_width_minus_1) + 1;
	si->frame_height_bits = dv_av1_floor_log2(seq->max_frame_height_minus_1) + 1;
	si->enable_order_hint = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT);
	si->order_hint_bits = si->enable_order_hint ? seq->order_hint_bits : 0;
	if (si->enable_order_hint &&
	    (seq->order_hint_bits < 1 || seq->order_hint_bits > 8))
		return -EINVAL;
	si->use_128 = !!(fl & V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK);
	si->enable_superres = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES);
	si->enable_cdef = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF);
	si->enable_restoration = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION);
	si->enable_ref_frame_mvs = si->enable_order_hint &&
		(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS);
	si->enable_warped_motion = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION);
	si->mono = !!(fl & V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME);
	si->ss_x = !!(fl & V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X);
	si->ss_y = !!(fl & V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y);
	si->separate_uv_delta_q = !!(fl & V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q);
	si->film_grain = !!(fl & V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT);
	si->num_planes = si->mono ? 1 : 3;
	if (seq->seq_profile > 2 || (seq->seq_profile == 1 && si->mono))
		return -EINVAL;
	if (seq->bit_depth != 8 && seq->bit_depth != 10 &&
	    !(seq->bit_depth == 12 && seq->seq_profile == 2))
		return -EINVAL;
	return 0;
}

/* 5.5.2 color_config() */
static int dv_av1_color_config(struct dv_bitwriter *bw,
			       const struct v4l2_ctrl_av1_sequence *seq,
			       const struct dv_av1_seq_info *si)
{
	const int color_range = !!(seq->flags & V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE);

	dv_av1_f(bw, 1, seq->bit_depth > 8);		/* high_bitdepth */
	if (seq->seq_profile == 2 && seq->bit_depth > 8)
		dv_av1_f(bw, 1, seq->bit_depth == 12);	/* twelve_bit */
	if (seq->seq_profile != 1)
		dv_av1_f(bw, 1, si->mono);		/* mono_chrome */
	dv_av1_f(bw, 1, 0);	/* color_description_present_flag */
	if (si->mono) {
		dv_av1_f(bw, 1, color_range);
		return 0;
	}
	dv_av1_f(bw, 1, color_range);
	if (seq->seq_profile == 0) {
		if (!si->ss_x || !si->ss_y)
			return -EINVAL;
	} else if (seq->seq_profile == 1) {
		if (si->ss_x || si->ss_y)
			return -EINVAL;
	} else if (seq->bit_depth == 12) {
		dv_av1_f(bw, 1, si->ss_x);
		if (si->ss_x)
			dv_av1_f(bw, 1, si->ss_y);
		else if (si->ss_y)
			return -EINVAL;
	} else if (!si->ss_x || si->ss_y) {
		return -EINVAL;		/* profile 2, 8/10-bit: 4:2:2 */
	}
	if (si->ss_x && si->ss_y)
		dv_av1_f(bw, 2, 0);	/* chroma_sample_position: unknown */
	dv_av1_f(bw, 1, si->separate_uv_delta_q);
	return 0;
}

int dv_av1_write_sequence_header(const struct v4l2_ctrl_av1_sequence *seq,
				 uint8_t *out, size_t cap, size_t *size)
{
	const uint32_t fl = seq->flags;
	uint8_t scratch[64];
	struct dv_bitwriter bw;
	struct dv_av1_seq_info si;
	int ret = dv_av1_seq_info(seq, &si);

	if (ret)
		return ret;
	dv_bw_init(&bw, scratch, sizeof(scratch));
	dv_av1_f(&bw, 3, seq->seq_profile);
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE));
	dv_av1_f(&bw, 1, 0);	/* reduced_still_picture_header */
	dv_av1_f(&bw, 1, 0);	/* timing_info_present_flag */
	dv_av1_f(&bw, 1, 0);	/* initial_display_delay_present_flag */
	dv_av1_f(&bw, 5, 0);	/* operating_points_cnt_minus_1 */
	dv_av1_f(&bw, 12, 0);	/* operating_point_idc[0]: all layers */
	dv_av1_f(&bw, 5, 31);	/* seq_level_idx[0]: no level constraint */
	dv_av1_f(&bw, 1, 0);	/* seq_tier[0] */
	dv_av1_f(&bw, 4, si.frame_width_bits - 1);
	dv_av1_f(&bw, 4, si.frame_height_bits - 1);
	dv_av1_f(&bw, si.frame_width_bits, seq->max_frame_width_minus_1);
	dv_av1_f(&bw, si.frame_height_bits, seq->max_frame_height_minus_1);
	dv_av1_f(&bw, 1, 0);	/* frame_id_numbers_present_flag */
	dv_av1_f(&bw, 1, si.use_128);
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA));
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER));
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND));
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND));
	dv_av1_f(&bw, 1, si.enable_warped_motion);
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER));
	dv_av1_f(&bw, 1, si.enable_order_hint);
	if (si.enable_order_hint) {
		dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP));
		dv_av1_f(&bw, 1, si.enable_ref_frame_mvs);
	}
	/* Screen content tools and integer MVs chosen per frame: every frame
	 * header then says what the frame uses. */
	dv_av1_f(&bw, 1, 1);	/* seq_choose_screen_content_tools */
	dv_av1_f(&bw, 1, 1);	/* seq_choose_integer_mv */
	if (si.enable_order_hint)
		dv_av1_f(&bw, 3, si.order_hint_bits - 1);
	dv_av1_f(&bw, 1, si.enable_superres);
	dv_av1_f(&bw, 1, si.enable_cdef);
	dv_av1_f(&bw, 1, si.enable_restoration);
	ret = dv_av1_color_config(&bw, seq, &si);
	if (ret)
		return ret;
	dv_av1_f(&bw, 1, si.film_grain);
	dv_bw_trailing_bits(&bw);
	return dv_av1_finish_obu(&bw, DV_AV1_OBU_SEQUENCE_HEADER, scratch,
				 out, cap, size);
}

/* ---- reference slots --------------------------------------------------- */

static void dv_av1_gm_default(int32_t params[8][6])
{
	int r;

	memset(params, 0, sizeof(int32_t) * 8 * 6);
	for (r = 0; r < 8; r++)
		params[r][2] = params[r][5] = 1 << DV_AV1_WARPEDMODEL_PREC_BITS;
}

void dv_av1_refs_reset(struct dv_av1_refs *refs)
{
	int i;

	memset(refs, 0, sizeof(*refs));
	for (i = 0; i < 8; i++)
		dv_av1_gm_default(refs->gm_params[i]);
}

static int dv_av1_frame_is_intra(const struct v4l2_ctrl_av1_frame *f)
{
	return f->frame_type == V4L2_AV1_KEY_FRAME ||
	       f->frame_type == V4L2_AV1_INTRA_ONLY_FRAME;
}

/*
 * The parameters the decoder holds for one reference after
 * global_motion_params() (5.9.24): only those the frame header carries for
 * the warp type, the rest at their defaults or, for ROTZOOM, derived. The
 * client's other values are not in the bitstream, so they must not become
 * the next frame's PrevGmParams either.
 */
static void dv_av1_gm_decoded(int type, const int32_t in[6], int32_t out[6])
{
	if (type >= V4L2_AV1_WARP_MODEL_ROTZOOM) {
		out[2] = in[2];
		out[3] = in[3];
		if (type == V4L2_AV1_WARP_MODEL_AFFINE) {
			out[4] = in[4];
			out[5] = in[5];
		} else {
			/* Written as 0 - x: in[3] may be INT32_MIN. */
			out[4] = (int32_t)(0u - (uint32_t)in[3]);
			out[5] = in[2];
		}
	}
	if (type >= V4L2_AV1_WARP_MODEL_TRANSLATION) {
		out[0] = in[0];
		out[1] = in[1];
	}
}

void dv_av1_refs_update(struct dv_av1_refs *refs,
			const struct v4l2_ctrl_av1_frame *f)
{
	int32_t gm[8][6];
	int i;

	dv_av1_gm_default(gm);
	if (!dv_av1_frame_is_intra(f))
		for (i = 1; i < 8; i++)
			dv_av1_gm_decoded(f->global_motion.type[i],
					  f->global_motion.params[i], gm[i]);
	for (i = 0; i < 8; i++) {
		if (!(f->refresh_frame_flags & (1u << i)))
			continue;
		refs->valid[i] = 1;
		refs->order_hint[i] = f->order_hint;
		memcpy(refs->gm_params[i], gm, sizeof(gm));
		refs->ts[i] = 0;
		refs->showable_key[i] = f->frame_type == V4L2_AV1_KEY_FRAME &&
			!(f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME) &&
			(f->flags & V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME);
	}
}

void dv_av1_refs_update_ts(struct dv_av1_refs *refs,
			   const struct v4l2_ctrl_av1_frame *f, uint64_t ts)
{
	int i;

	dv_av1_refs_update(refs, f);
	for (i = 0; i < 8; i++)
		if (f->refresh_frame_flags & (1u << i))
			refs->ts[i] = ts;
}

int dv_av1_refs_missed_show_existing(const struct dv_av1_refs *refs,
				     const struct v4l2_ctrl_av1_frame *f)
{
	const uint64_t t = f->reference_frame_ts[0];
	int i, j, key = -1, unknown = 1, differs = 0;

	for (i = 1; i < 8; i++)
		if (f->reference_frame_ts[i] != t)
			return -1;	/* not one frame everywhere */
	for (i = 0; i < 8; i++) {
		if (refs->valid[i]) {
			if (refs->ts[i] != t) {
				differs = 1;
				continue;
			}
			unknown = 0;
			if (refs->showable_key[i])
				key = i;
			continue;
		}
		/*
		 * An empty slot here. GStreamer names empty slots 0, which
		 * is also its first request's timestamp: with t == 0 it is
		 * only known to be filled when the frame refers to it (a
		 * valid stream never refers to an empty slot).
		 */
		if (t)
			differs = 1;
		else if (!dv_av1_frame_is_intra(f))
			for (j = 0; j < V4L2_AV1_REFS_PER_FRAME; j++)
				if (f->ref_frame_idx[j] == i)
					differs = 1;
	}
	if (!differs)
		return -1;	/* the slots hold that frame already */
	if (key >= 0 || !unknown || !t)
		return key;
	/* A timestamp no slot has: the one showable key frame, if one. */
	for (i = 0; i < 8; i++) {
		if (!refs->valid[i] || !refs->showable_key[i])
			continue;
		if (key >= 0 && refs->ts[key] != refs->ts[i])
			return -1;	/* two candidates: do not guess */
		key = i;
	}
	return key;
}

void dv_av1_refs_show_existing(struct dv_av1_refs *refs, unsigned int slot,
			       uint64_t ts)
{
	unsigned int i;

	slot &= 7;
	for (i = 0; i < 8; i++) {
		if (i == slot)
			continue;
		refs->valid[i] = refs->valid[slot];
		refs->order_hint[i] = refs->order_hint[slot];
		memcpy(refs->gm_params[i], refs->gm_params[slot],
		       sizeof(refs->gm_params[i]));
	}
	/* A key frame is shown by show_existing_frame at most once (7.21). */
	for (i = 0; i < 8; i++) {
		refs->ts[i] = ts;
		refs->showable_key[i] = 0;
	}
}

/* ---- frame header (5.9) ----------------------------------------------- */

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

/* ---- tile group (5.11.1) ---------------------------------------------- */

size_t dv_av1_tile_group_bound(size_t n_entries, size_t tile_bytes)
{
	return 1 + 8 + 1 + n_entries * DV_AV1_TILE_SIZE_BYTES + tile_bytes;
}

int dv_av1_write_tile_group(const struct v4l2_ctrl_av1_frame *frame,
			    const struct v4l2_ctrl_av1_tile_group_entry *entries,
			    size_t n_entries, const uint8_t *data,
			    size_t data_size, uint8_t *out, size_t cap,
			    size_t *size)
{
	const unsigned int cols = frame->tile_info.tile_cols;
	const unsigned int rows = frame->tile_info.tile_rows;
	const size_t n_tiles = (size_t)cols * rows;
	int16_t order[V4L2_AV1_MAX_TILE_COUNT];
	uint64_t payload = n_tiles > 1 ? 1 : 0;
	uint8_t leb[8];
	size_t i, pos, n;

	if (!cols || !rows || n_tiles > V4L2_AV1_MAX_TILE_COUNT ||
	    n_entries != n_tiles)
		return -EINVAL;
	for (i = 0; i < n_tiles; i++)
		order[i] = -1;
	for (i = 0; i < n_entries; i++) {
		const struct v4l2_ctrl_av1_tile_group_entry *e = &entries[i];
		size_t idx;

		if (e->tile_row >= rows || e->tile_col >= cols || !e->tile_size ||
		    e->tile_offset > data_size ||
		    e->tile_size > data_size - e->tile_offset)
			return -EINVAL;
		idx = (size_t)e->tile_row * cols + e->tile_col;
		if (order[idx] >= 0)
			return -EINVAL;
		order[idx] = (int16_t)i;
		payload += e->tile_size;
		if (idx + 1 < n_tiles)
			payload += DV_AV1_TILE_SIZE_BYTES;
	}
	n = dv_av1_leb128(payload, leb);
	if (cap < 1 + n || cap - 1 - n < payload)
		return -ENOSPC;
	out[0] = (uint8_t)((DV_AV1_OBU_TILE_GROUP << 3) | 0x02);
	memcpy(out + 1, leb, n);
	pos = 1 + n;
	/* tile_start_and_end_present_flag = 0, then byte alignment */
	if (n_tiles > 1)
		out[pos++] = 0;
	for (i = 0; i < n_tiles; i++) {
		const struct v4l2_ctrl_av1_tile_group_entry *e = &entries[order[i]];

		if (i + 1 < n_tiles) {
			uint32_t sz = e->tile_size - 1;
			int b;

			for (b = 0; b < DV_AV1_TILE_SIZE_BYTES; b++)
				out[pos++] = (uint8_t)(sz >> (8 * b));
		}
		memcpy(out + pos, data + e->tile_offset, e->tile_size);
		pos += e->tile_size;
	}
	*size = pos;
	return 0;
}
