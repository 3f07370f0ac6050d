// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 frame headers rebuilt from V4L2 controls, checked against libdav1d.
 *
 * Short streams are encoded with libaom (through the guest's libavcodec,
 * linked here) with two tile groups a frame, so that frame headers and
 * tile groups are separate OBUs, and decoded by libdav1d (every picture,
 * hidden ones included). Each decoded picture carries its parsed frame
 * header (Dav1dFrameHeader): the test turns it into the V4L2 controls a
 * client would send (as GStreamer's v4l2codecs does from its own parser),
 * lays the tile group payloads out as GStreamer does in the OUTPUT buffer,
 * with TILE_GROUP_ENTRY records, rebuilds sequence header, frame header and
 * tile group with rebuild/av1/ exactly as backend_dav1d.c does, feeds a
 * second libdav1d in decode order, and requires the same frame header and
 * pixel-identical pictures. Skips (77) without the libaom-av1 encoder.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dav1d/dav1d.h>
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <linux/videodev2.h>

#include "rebuild/av1/av1_rebuild.h"
#include "backend/backend.h"
#include "check.h"
#include "ctrl_builder.h"

DV_TEST_DEFINE_FAILURES;

/* tests/unit/make_av1_jobs.c includes this file at another size. */
#ifndef W
#define W 200
#define H 120
#define FRAMES 24
#endif
#define MAX_PICS 64

struct tu { uint8_t *data; size_t size; };

/* libavcodec options of the encoder (key=value:...) for the next encode(),
 * as the corpus (tests/conformance/make-corpus-av1.sh) passes them. */
static const char *encoder_opts;

static int encode(struct tu *tus, int *n_tus, const char *params)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libaom-av1");
	AVCodecContext *enc;
	AVFrame *frame;
	AVPacket *pkt;
	int i, x, y, ret;

	if (!codec)
		return DV_TEST_SKIP;
	enc = avcodec_alloc_context3(codec);
	enc->width = W;
	enc->height = H;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, 25 };
	enc->gop_size = 12;
	enc->thread_count = 1;
	av_opt_set(enc->priv_data, "cpu-used", "8", 0);
	av_opt_set(enc->priv_data, "aom-params", params, 0);
	if (encoder_opts &&
	    av_opt_set_from_string(enc->priv_data, encoder_opts, NULL, "=", ":") < 0)
		return 1;
	if (avcodec_open2(enc, codec, NULL) < 0)
		return 1;
	frame = av_frame_alloc();
	pkt = av_packet_alloc();
	frame->width = W;
	frame->height = H;
	frame->format = AV_PIX_FMT_YUV420P;
	av_frame_get_buffer(frame, 0);
	*n_tus = 0;
	for (i = 0; i <= FRAMES; i++) {
		if (i < FRAMES) {
			av_frame_make_writable(frame);
			for (y = 0; y < H; y++)
				for (x = 0; x < W; x++)
					frame->data[0][y * frame->linesize[0] + x] =
						(uint8_t)(x * 3 + y * 2 + i * 5 + ((x ^ y) & 16) * 4);
			for (y = 0; y < H / 2; y++)
				for (x = 0; x < W / 2; x++) {
					frame->data[1][y * frame->linesize[1] + x] = (uint8_t)(128 + x - i);
					frame->data[2][y * frame->linesize[2] + x] = (uint8_t)(100 + y + i);
				}
			frame->pts = i;
		}
		ret = avcodec_send_frame(enc, i < FRAMES ? frame : NULL);
		if (ret < 0)
			return 1;
		while (avcodec_receive_packet(enc, pkt) == 0) {
			tus[*n_tus].data = malloc(pkt->size);
			memcpy(tus[*n_tus].data, pkt->data, pkt->size);
			tus[*n_tus].size = pkt->size;
			(*n_tus)++;
			av_packet_unref(pkt);
		}
	}
	av_packet_free(&pkt);
	av_frame_free(&frame);
	avcodec_free_context(&enc);
	return 0;
}

static void dav1d_log_cb(void *cookie, const char *fmt, va_list ap)
{
	(void)cookie;
	fputs("dav1d: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* The tile groups of each coded frame, as GStreamer's v4l2codecs puts
 * them in the OUTPUT buffer: OBU payloads one after the other. */
struct coded_frame {
	const uint8_t *tg[8];
	size_t tg_size[8];
	int n_tg;
};

static size_t read_leb128(const uint8_t *p, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 8 && i < n; i++) {
		*v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80))
			return i + 1;
	}
	return 0;
}

/* Splits temporal units into frames: a frame header OBU followed by its
 * tile group OBUs. Returns the number of frames, -1 on OBU_FRAME (the
 * stream must keep headers and tiles apart for this test). */
static int split_frames(const struct tu *tus, int n_tus, struct coded_frame *fr,
			int max)
{
	int n = 0, i;

	for (i = 0; i < n_tus; i++) {
		size_t pos = 0;

		while (pos < tus[i].size) {
			const uint8_t *p = tus[i].data + pos;
			int type = (p[0] >> 3) & 15, ext = (p[0] >> 2) & 1;
			size_t h = 1 + (size_t)ext, l;
			uint64_t sz;

			l = read_leb128(p + h, tus[i].size - pos - h, &sz);
			if (!l)
				return -1;
			h += l;
			if (type == 6)
				return -1;
			/* A frame header without tile groups is a
			 * show_existing_frame: no request, drop it. */
			if (type == 3 && n < max) {
				if (n > 0 && !fr[n - 1].n_tg)
					n--;
				memset(&fr[n], 0, sizeof(fr[n]));
				n++;
			}
			if (type == 4 && n > 0 && fr[n - 1].n_tg < 8) {
				fr[n - 1].tg[fr[n - 1].n_tg] = p + h;
				fr[n - 1].tg_size[fr[n - 1].n_tg++] = (size_t)sz;
			}
			pos += h + (size_t)sz;
		}
	}
	if (n > 0 && !fr[n - 1].n_tg)
		n--;
	return n;
}

/* 5.11.1 tile_group_obu(), reading where the tiles are. */
static int locate_tiles(const Dav1dFrameHeader *f, const struct coded_frame *cf,
			uint8_t *buf, size_t cap,
			struct v4l2_ctrl_av1_tile_group_entry *e, size_t *n_e,
			size_t *used)
{
	const int n_tiles = f->tiling.cols * f->tiling.rows;
	const int tile_bits = f->tiling.log2_cols + f->tiling.log2_rows;
	int g;

	*n_e = 0;
	*used = 0;
	for (g = 0; g < cf->n_tg; g++) {
		const uint8_t *p = cf->tg[g];
		size_t base = *used, pos;
		uint32_t bitpos = 0;
		int start = 0, end = n_tiles - 1, t, k;

		if (*used + cf->tg_size[g] > cap)
			return -1;
		memcpy(buf + *used, p, cf->tg_size[g]);
		*used += cf->tg_size[g];
		if (n_tiles > 1) {
			uint32_t flag;

			flag = (p[0] >> 7) & 1;
			bitpos = 1;
			if (flag) {
				start = 0;
				for (k = 0; k < tile_bits; k++, bitpos++)
					start = start << 1 | ((p[bitpos >> 3] >> (7 - (bitpos & 7))) & 1);
				end = 0;
				for (k = 0; k < tile_bits; k++, bitpos++)
					end = end << 1 | ((p[bitpos >> 3] >> (7 - (bitpos & 7))) & 1);
			}
		}
		pos = (bitpos + 7) >> 3;
		for (t = start; t <= end; t++) {
			size_t size;

			if (t == end) {
				size = cf->tg_size[g] - pos;
			} else {
				size = 0;
				for (k = 0; k < f->tiling.n_bytes; k++)
					size |= (size_t)p[pos + k] << (8 * k);
				size++;
				pos += f->tiling.n_bytes;
			}
			e[*n_e].tile_offset = (uint32_t)(base + pos);
			e[*n_e].tile_size = (uint32_t)size;
			e[*n_e].tile_row = (uint32_t)(t / f->tiling.cols);
			e[*n_e].tile_col = (uint32_t)(t % f->tiling.cols);
			(*n_e)++;
			pos += size;
		}
	}
	return 0;
}

static int same_pixels(const Dav1dPicture *a, const Dav1dPicture *b)
{
	int pl, y;

	if (a->p.w != b->p.w || a->p.h != b->p.h || a->p.bpc != b->p.bpc)
		return 0;
	for (pl = 0; pl < 3; pl++) {
		const int h = pl ? (a->p.h + 1) >> 1 : a->p.h;
		const int w = (pl ? (a->p.w + 1) >> 1 : a->p.w) * (a->p.bpc > 8 ? 2 : 1);
		const ptrdiff_t sa = a->stride[pl ? 1 : 0], sb = b->stride[pl ? 1 : 0];

		for (y = 0; y < h; y++)
			if (memcmp((const uint8_t *)a->data[pl] + y * sa,
				   (const uint8_t *)b->data[pl] + y * sb, (size_t)w))
				return 0;
	}
	return 1;
}

static Dav1dContext *open_dav1d_grain(int apply_grain)
{
	Dav1dSettings s;
	Dav1dContext *c = NULL;

	dav1d_default_settings(&s);
	s.n_threads = 1;
	s.max_frame_delay = 1;
	s.output_invisible_frames = 1;
	s.apply_grain = apply_grain;
	s.logger.callback = dav1d_log_cb;
	return dav1d_open(&c, &s) ? NULL : c;
}

static Dav1dContext *open_dav1d(void)
{
	return open_dav1d_grain(0);
}

static void to_seq(const Dav1dSequenceHeader *s, struct v4l2_ctrl_av1_sequence *v)
{
	memset(v, 0, sizeof(*v));
#define SF(cond, flag) if (cond) v->flags |= V4L2_AV1_SEQUENCE_FLAG_##flag
	SF(s->still_picture, STILL_PICTURE);
	SF(s->sb128, USE_128X128_SUPERBLOCK);
	SF(s->filter_intra, ENABLE_FILTER_INTRA);
	SF(s->intra_edge_filter, ENABLE_INTRA_EDGE_FILTER);
	SF(s->inter_intra, ENABLE_INTERINTRA_COMPOUND);
	SF(s->masked_compound, ENABLE_MASKED_COMPOUND);
	SF(s->warped_motion, ENABLE_WARPED_MOTION);
	SF(s->dual_filter, ENABLE_DUAL_FILTER);
	SF(s->order_hint, ENABLE_ORDER_HINT);
	SF(s->jnt_comp, ENABLE_JNT_COMP);
	SF(s->ref_frame_mvs, ENABLE_REF_FRAME_MVS);
	SF(s->super_res, ENABLE_SUPERRES);
	SF(s->cdef, ENABLE_CDEF);
	SF(s->restoration, ENABLE_RESTORATION);
	SF(s->layout == DAV1D_PIXEL_LAYOUT_I400, MONO_CHROME);
	SF(s->color_range, COLOR_RANGE);
	SF(s->ss_hor, SUBSAMPLING_X);
	SF(s->ss_ver, SUBSAMPLING_Y);
	SF(s->film_grain_present, FILM_GRAIN_PARAMS_PRESENT);
	SF(s->separate_uv_delta_q, SEPARATE_UV_DELTA_Q);
#undef SF
	v->seq_profile = s->profile;
	v->order_hint_bits = s->order_hint ? s->order_hint_n_bits : 0;
	v->bit_depth = s->hbd == 0 ? 8 : s->hbd == 1 ? 10 : 12;
	v->max_frame_width_minus_1 = (uint16_t)(s->max_width - 1);
	v->max_frame_height_minus_1 = (uint16_t)(s->max_height - 1);
}

/* Dav1dFrameHeader -> V4L2 controls, the values a parser would report. */
static void to_frame(const Dav1dSequenceHeader *s, const Dav1dFrameHeader *f,
		     struct v4l2_ctrl_av1_frame *v,
		     struct v4l2_ctrl_av1_film_grain *g)
{
	/* dav1d: NONE, SWITCHABLE, WIENER, SELFGUIDED; V4L2: NONE, WIENER,
	 * SGRPROJ, SWITCHABLE */
	static const uint8_t restore[4] = { 0, 3, 1, 2 };
	const int sb_shift = s->sb128 ? 5 : 4;
	int i, j;

	memset(v, 0, sizeof(*v));
	memset(g, 0, sizeof(*g));
#define FF(cond, flag) if (cond) v->flags |= V4L2_AV1_FRAME_FLAG_##flag
	FF(f->show_frame, SHOW_FRAME);
	FF(f->showable_frame, SHOWABLE_FRAME);
	FF(f->error_resilient_mode, ERROR_RESILIENT_MODE);
	FF(f->disable_cdf_update, DISABLE_CDF_UPDATE);
	FF(f->allow_screen_content_tools, ALLOW_SCREEN_CONTENT_TOOLS);
	FF(f->force_integer_mv, FORCE_INTEGER_MV);
	FF(f->allow_intrabc, ALLOW_INTRABC);
	FF(f->super_res.enabled, USE_SUPERRES);
	FF(f->hp, ALLOW_HIGH_PRECISION_MV);
	FF(f->switchable_motion_mode, IS_MOTION_MODE_SWITCHABLE);
	FF(f->use_ref_frame_mvs, USE_REF_FRAME_MVS);
	FF(!f->refresh_context, DISABLE_FRAME_END_UPDATE_CDF);
	FF(f->warp_motion, ALLOW_WARPED_MOTION);
	FF(f->switchable_comp_refs, REFERENCE_SELECT);
	FF(f->reduced_txtp_set, REDUCED_TX_SET);
	FF(f->skip_mode_allowed, SKIP_MODE_ALLOWED);
	FF(f->skip_mode_enabled, SKIP_MODE_PRESENT);
	FF(f->frame_size_override, FRAME_SIZE_OVERRIDE);
#undef FF
	v->frame_type = (enum v4l2_av1_frame_type)f->frame_type;
	v->order_hint = f->frame_offset;
	v->upscaled_width = (uint32_t)f->width[1];
	v->frame_width_minus_1 = (uint32_t)f->width[0] - 1;
	v->frame_height_minus_1 = (uint32_t)f->height - 1;
	v->render_width_minus_1 = (uint16_t)(f->render_width - 1);
	v->render_height_minus_1 = (uint16_t)(f->render_height - 1);
	v->superres_denom = f->super_res.width_scale_denominator;
	v->primary_ref_frame = f->primary_ref_frame;
	v->refresh_frame_flags = f->refresh_frame_flags;
	for (i = 0; i < 7; i++)
		v->ref_frame_idx[i] = f->refidx[i];
	v->interpolation_filter = (enum v4l2_av1_interpolation_filter)f->subpel_filter_mode;
	v->tx_mode = (enum v4l2_av1_tx_mode)f->txfm_mode;

	v->tile_info.tile_cols = f->tiling.cols;
	v->tile_info.tile_rows = f->tiling.rows;
	v->tile_info.context_update_tile_id = (uint8_t)f->tiling.update;
	v->tile_info.tile_size_bytes = f->tiling.n_bytes;
	for (i = 0; i <= f->tiling.cols; i++)
		v->tile_info.mi_col_starts[i] = (uint32_t)f->tiling.col_start_sb[i] << sb_shift;
	for (i = 0; i <= f->tiling.rows; i++)
		v->tile_info.mi_row_starts[i] = (uint32_t)f->tiling.row_start_sb[i] << sb_shift;

	v->quantization.base_q_idx = f->quant.yac;
	v->quantization.delta_q_y_dc = f->quant.ydc_delta;
	v->quantization.delta_q_u_dc = f->quant.udc_delta;
	v->quantization.delta_q_u_ac = f->quant.uac_delta;
	v->quantization.delta_q_v_dc = f->quant.vdc_delta;
	v->quantization.delta_q_v_ac = f->quant.vac_delta;
	if (f->quant.udc_delta != f->quant.vdc_delta || f->quant.uac_delta != f->quant.vac_delta)
		v->quantization.flags |= V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA;
	if (f->quant.qm)
		v->quantization.flags |= V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX;
	v->quantization.qm_y = f->quant.qm_y;
	v->quantization.qm_u = f->quant.qm_u;
	v->quantization.qm_v = f->quant.qm_v;
	if (f->delta.q.present)
		v->quantization.flags |= V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT;
	v->quantization.delta_q_res = f->delta.q.res_log2;

	if (f->segmentation.enabled)
		v->segmentation.flags |= V4L2_AV1_SEGMENTATION_FLAG_ENABLED;
	if (f->segmentation.update_map)
		v->segmentation.flags |= V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP;
	if (f->segmentation.temporal)
		v->segmentation.flags |= V4L2_AV1_SEGMENTATION_FLAG_TEMPORAL_UPDATE;
	if (f->segmentation.update_data)
		v->segmentation.flags |= V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA;
	for (i = 0; i < 8; i++) {
		const Dav1dSegmentationData *d = &f->segmentation.seg_data.d[i];
		const int vals[8] = { d->delta_q, d->delta_lf_y_v, d->delta_lf_y_h,
				      d->delta_lf_u, d->delta_lf_v, d->ref, d->skip,
				      d->globalmv };

		for (j = 0; j < 8; j++) {
			int on = j == 5 ? d->ref >= 0 : vals[j] != 0;

			if (on)
				v->segmentation.feature_enabled[i] |= 1u << j;
			v->segmentation.feature_data[i][j] = (int16_t)(j == 5 && d->ref < 0 ? 0 : vals[j]);
		}
	}

	v->loop_filter.level[0] = f->loopfilter.level_y[0];
	v->loop_filter.level[1] = f->loopfilter.level_y[1];
	v->loop_filter.level[2] = f->loopfilter.level_u;
	v->loop_filter.level[3] = f->loopfilter.level_v;
	v->loop_filter.sharpness = f->loopfilter.sharpness;
	if (f->loopfilter.mode_ref_delta_enabled)
		v->loop_filter.flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED;
	if (f->loopfilter.mode_ref_delta_update)
		v->loop_filter.flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE;
	if (f->delta.lf.present)
		v->loop_filter.flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT;
	if (f->delta.lf.multi)
		v->loop_filter.flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI;
	v->loop_filter.delta_lf_res = f->delta.lf.res_log2;
	for (i = 0; i < 8; i++)
		v->loop_filter.ref_deltas[i] = f->loopfilter.mode_ref_deltas.ref_delta[i];
	for (i = 0; i < 2; i++)
		v->loop_filter.mode_deltas[i] = f->loopfilter.mode_ref_deltas.mode_delta[i];

	v->cdef.damping_minus_3 = (uint8_t)(f->cdef.damping - 3);
	v->cdef.bits = f->cdef.n_bits;
	for (i = 0; i < 8; i++) {
		v->cdef.y_pri_strength[i] = f->cdef.y_strength[i] >> 2;
		v->cdef.y_sec_strength[i] = f->cdef.y_strength[i] & 3;
		v->cdef.uv_pri_strength[i] = f->cdef.uv_strength[i] >> 2;
		v->cdef.uv_sec_strength[i] = f->cdef.uv_strength[i] & 3;
	}
	for (i = 0; i < 3; i++)
		v->loop_restoration.frame_restoration_type[i] =
			(enum v4l2_av1_frame_restoration_type)restore[f->restoration.type[i] & 3];
	v->loop_restoration.loop_restoration_size[0] = 1u << f->restoration.unit_size[0];
	v->loop_restoration.loop_restoration_size[1] = 1u << f->restoration.unit_size[1];
	v->loop_restoration.loop_restoration_size[2] = 1u << f->restoration.unit_size[1];

	for (i = 0; i < 7; i++) {
		v->global_motion.type[i + 1] = (enum v4l2_av1_warp_model)f->gmv[i].type;
		memcpy(v->global_motion.params[i + 1], f->gmv[i].matrix, sizeof(f->gmv[i].matrix));
	}

	if (f->film_grain.present) {
		const Dav1dFilmGrainData *d = &f->film_grain.data;

		g->flags = V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN |
			   (f->film_grain.update ? V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN : 0) |
			   (d->chroma_scaling_from_luma ? V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA : 0) |
			   (d->overlap_flag ? V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP : 0) |
			   (d->clip_to_restricted_range ? V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE : 0);
		g->grain_seed = (uint16_t)d->seed;
		g->num_y_points = (uint8_t)d->num_y_points;
		for (i = 0; i < d->num_y_points; i++) {
			g->point_y_value[i] = d->y_points[i][0];
			g->point_y_scaling[i] = d->y_points[i][1];
		}
		g->num_cb_points = (uint8_t)d->num_uv_points[0];
		g->num_cr_points = (uint8_t)d->num_uv_points[1];
		for (i = 0; i < 10; i++) {
			g->point_cb_value[i] = d->uv_points[0][i][0];
			g->point_cb_scaling[i] = d->uv_points[0][i][1];
			g->point_cr_value[i] = d->uv_points[1][i][0];
			g->point_cr_scaling[i] = d->uv_points[1][i][1];
		}
		g->grain_scaling_minus_8 = (uint8_t)(d->scaling_shift - 8);
		g->ar_coeff_lag = (uint8_t)d->ar_coeff_lag;
		for (i = 0; i < 24; i++)
			g->ar_coeffs_y_plus_128[i] = (uint8_t)(d->ar_coeffs_y[i] + 128);
		for (i = 0; i < 25; i++) {
			g->ar_coeffs_cb_plus_128[i] = (uint8_t)(d->ar_coeffs_uv[0][i] + 128);
			g->ar_coeffs_cr_plus_128[i] = (uint8_t)(d->ar_coeffs_uv[1][i] + 128);
		}
		g->ar_coeff_shift_minus_6 = (uint8_t)(d->ar_coeff_shift - 6);
		g->grain_scale_shift = (uint8_t)d->grain_scale_shift;
		/* dav1d keeps these with their offsets removed */
		g->cb_mult = (uint8_t)(d->uv_mult[0] + 128);
		g->cb_luma_mult = (uint8_t)(d->uv_luma_mult[0] + 128);
		g->cb_offset = (uint16_t)(d->uv_offset[0] + 256);
		g->cr_mult = (uint8_t)(d->uv_mult[1] + 128);
		g->cr_luma_mult = (uint8_t)(d->uv_luma_mult[1] + 128);
		g->cr_offset = (uint16_t)(d->uv_offset[1] + 256);
	}
}

static void compare(int n, const Dav1dFrameHeader *a, const Dav1dFrameHeader *b)
{
#define SAME(field) CHECK(!memcmp(&a->field, &b->field, sizeof(a->field)), \
			  "frame %d: %s differs", n, #field)
	SAME(frame_type); SAME(width); SAME(height); SAME(frame_offset);
	SAME(show_frame); SAME(showable_frame); SAME(error_resilient_mode);
	SAME(disable_cdf_update); SAME(allow_screen_content_tools);
	SAME(force_integer_mv); SAME(primary_ref_frame);
	SAME(refresh_frame_flags); SAME(render_width); SAME(render_height);
	SAME(super_res); SAME(allow_intrabc); SAME(refidx); SAME(hp);
	SAME(subpel_filter_mode); SAME(switchable_motion_mode);
	SAME(use_ref_frame_mvs); SAME(refresh_context);
	SAME(tiling.cols); SAME(tiling.rows); SAME(tiling.col_start_sb);
	SAME(tiling.row_start_sb); SAME(tiling.update);
	SAME(quant); SAME(segmentation); SAME(delta); SAME(all_lossless);
	SAME(loopfilter); SAME(cdef); SAME(restoration); SAME(txfm_mode);
	SAME(switchable_comp_refs); SAME(skip_mode_allowed);
	SAME(skip_mode_enabled); SAME(skip_mode_refs); SAME(warp_motion);
	SAME(reduced_txtp_set); SAME(gmv); SAME(film_grain.present);
	SAME(film_grain.update);
	if (a->film_grain.present) {
		SAME(film_grain.data);
		if (memcmp(&a->film_grain.data, &b->film_grain.data, sizeof(a->film_grain.data))) {
			const uint8_t *x = (const void *)&a->film_grain.data, *y = (const void *)&b->film_grain.data;
			size_t k;
			for (k = 0; k < sizeof(a->film_grain.data); k++)
				if (x[k] != y[k])
					fprintf(stderr, "  grain byte %zu: %u vs %u\n", k, x[k], y[k]);
		}
	}
#undef SAME
}

static int run(const char *name, const char *params)
{
	static struct tu tus[FRAMES * 2];
	Dav1dPicture pics[MAX_PICS];
	const Dav1dFrameHeader *seen[MAX_PICS];
	static struct coded_frame coded[MAX_PICS];
	int n_tus = 0, n_pics = 0, n_seen = 0, n_coded, i, ret;
	Dav1dContext *ref, *test;
	struct dv_av1_refs refs;

	ret = encode(tus, &n_tus, params);
	if (ret)
		return ret;
	memset(seen, 0, sizeof(seen));
	ref = open_dav1d();
	test = open_dav1d();
	CHECK(ref && test, "dav1d_open");
	if (!ref || !test)
		return 1;
	/* Reference decode: every picture, hidden ones included, in order. */
	for (i = 0; i < n_tus; i++) {
		Dav1dData data;

		memcpy(dav1d_data_create(&data, tus[i].size), tus[i].data, tus[i].size);
		while (data.sz) {
			ret = dav1d_send_data(ref, &data);
			if (ret && ret != DAV1D_ERR(EAGAIN))
				break;
			while (n_pics < MAX_PICS &&
			       dav1d_get_picture(ref, &pics[n_pics]) == 0)
				n_pics++;
		}
		while (n_pics < MAX_PICS && dav1d_get_picture(ref, &pics[n_pics]) == 0)
			n_pics++;
	}
	fprintf(stderr, "%s: %d temporal units, %d pictures\n", name, n_tus, n_pics);
	CHECK(n_pics >= FRAMES, "%s: %d pictures", name, n_pics);

	n_coded = split_frames(tus, n_tus, coded, MAX_PICS);
	CHECK(n_coded > 0, "%s: the stream must have frame header and tile group OBUs apart", name);
	if (n_coded <= 0)
		return 1;
	dv_av1_refs_reset(&refs);
	for (i = 0; i < n_pics; i++) {
		const Dav1dFrameHeader *f = pics[i].frame_hdr;
		struct v4l2_ctrl_av1_sequence seq;
		struct v4l2_ctrl_av1_frame fr;
		struct v4l2_ctrl_av1_film_grain grain;
		static struct v4l2_ctrl_av1_tile_group_entry e[64];
		static uint8_t tiles[1 << 20], tu[(1 << 20) + 16384];
		size_t used = 0, n, t, nt;
		Dav1dData data;
		Dav1dPicture out;
		int k, dup = 0;

		for (k = 0; k < n_seen; k++)
			dup |= seen[k] == f;
		if (dup)
			continue;	/* show_existing_frame: no request */
		seen[n_seen++] = f;
		to_seq(pics[i].seq_hdr, &seq);
		to_frame(pics[i].seq_hdr, f, &fr, &grain);
		if (n_seen - 1 >= n_coded) {
			CHECK(0, "frame %d: more pictures than coded frames", i);
			break;
		}
		ret = locate_tiles(f, &coded[n_seen - 1], tiles, sizeof(tiles), e, &nt, &t);
		CHECK(ret == 0, "frame %d: tiles not found", i);
		if (ret)
			break;
		ret = dv_av1_write_sequence_header(&seq, tu, sizeof(tu), &n);
		CHECK(ret == 0, "frame %d: sequence header %d", i, ret);
		used = n;
		ret = dv_av1_write_frame_header(&seq, &fr, &grain, &refs, tu + used,
						sizeof(tu) - used, &n);
		CHECK(ret == 0, "frame %d: frame header %d", i, ret);
		if (ret)
			break;
		used += n;
		ret = dv_av1_write_tile_group(&fr, e, nt, tiles, t,
					      tu + used, sizeof(tu) - used, &n);
		CHECK(ret == 0, "frame %d: tile group %d", i, ret);
		used += n;
		memcpy(dav1d_data_create(&data, used), tu, used);
		ret = dav1d_send_data(test, &data);
		CHECK(ret == 0, "frame %d: send_data %d", i, ret);
		if (data.sz)
			dav1d_data_unref(&data);
		ret = dav1d_get_picture(test, &out);
		CHECK(ret == 0, "frame %d: no picture (%d)", i, ret);
		if (ret)
			break;
		compare(n_seen - 1, f, out.frame_hdr);
		CHECK(same_pixels(&pics[i], &out), "%s: picture %d differs from the reference decode", name, i);
		dav1d_picture_unref(&out);
		dv_av1_refs_update(&refs, &fr);
	}
	fprintf(stderr, "%s: %d frame headers compared\n", name, n_seen);
	for (i = 0; i < n_pics; i++)
		dav1d_picture_unref(&pics[i]);
	for (i = 0; i < n_tus; i++)
		free(tus[i].data);
	dav1d_close(&ref);
	dav1d_close(&test);
	return 0;
}

/* The CAPTURE buffer (NV12, tight) holds the 8-bit picture @p. */
static int same_nv12(const Dav1dPicture *p, const uint8_t *cap)
{
	const uint8_t *chroma = cap + W * H;
	const uint8_t *y = p->data[0], *u = p->data[1], *v = p->data[2];
	int r, x;

	if (p->p.w != W || p->p.h != H || p->p.bpc != 8)
		return 0;
	for (r = 0; r < H; r++)
		if (memcmp(cap + r * W, y + r * p->stride[0], W))
			return 0;
	for (r = 0; r < H / 2; r++)
		for (x = 0; x < W / 2; x++)
			if (chroma[r * W + 2 * x] != u[r * p->stride[1] + x] ||
			    chroma[r * W + 2 * x + 1] != v[r * p->stride[1] + x])
				return 0;
	return 1;
}

/*
 * A hidden key frame shown by show_existing_frame, through the real
 * backend (dv_backend_dav1d: controls in records, tiles in an OUTPUT
 * buffer, picture in an NV12 CAPTURE buffer) as GStreamer drives it: the
 * show_existing_frame is no request, but the client's DPB then has the
 * key frame in all eight slots and the next request's reference_frame_ts
 * say so. The stream's first mid-stream key frame is made hidden
 * (showable, refreshing one slot the next frame does not refer to) and
 * shown right after: the decoding of every later frame is then the one
 * of the original stream, where the key frame refreshed all slots.
 * @own_ts: the client names the shown key frame by the show_existing_frame's
 * own frame number (GStreamer before 1.24) instead of the key frame's.
 * @depth > 1: as a client that queued @depth requests ahead, through
 * submit/collect with frame threads (every picture still the request's).
 */
struct queued_job {
	struct dv_ctrl_builder blk;
	uint8_t *tiles, *cap;
	struct dv_decode_job job;
	int pic;		/* index in the reference decode */
	int submitted;		/* submit()'s result */
};

/* Collects the oldest queued job and checks its picture. */
static void collect_queued(struct dv_decoder *dec, struct queued_job *q,
			   const Dav1dPicture *pics, const char *name, int key)
{
	uint32_t bytesused = 0;
	int ret = q->submitted;

	if (!ret)
		ret = dv_backend_dav1d.collect(dec, &q->job, &bytesused);
	CHECK(ret == 0, "%s: frame %d: submit/collect %d", name, q->pic, ret);
	CHECK(ret || same_nv12(&pics[q->pic], q->cap),
	      "%s: picture %d (%s) differs from the reference decode (queued)", name,
	      q->pic, q->pic < key ? "before the key frame" :
	      q->pic == key ? "the hidden key frame" : "after it");
	free(q->tiles);
	free(q->cap);
	q->tiles = q->cap = NULL;
}

static int run_hidden_key(const char *name, const char *params, int own_ts,
			  unsigned int depth)
{
	static struct queued_job queue[8];
	unsigned int q_head = 0, q_n = 0;
	static struct tu tus[FRAMES * 2];
	static struct coded_frame coded[MAX_PICS];
	static struct v4l2_ctrl_av1_tile_group_entry e[64];
	static uint8_t tiles[1 << 20], cap[W * H * 3 / 2];
	static struct dv_ctrl_builder blk;
	Dav1dPicture pics[MAX_PICS];
	const Dav1dFrameHeader *seen[MAX_PICS];
	const struct dv_format fmt = {
		.codec = DV_CODEC_ID_AV1, .bit_depth = 8, .coded_width = W,
		.coded_height = H, .capture_fourcc = V4L2_PIX_FMT_NV12,
		.capture_width = W, .capture_height = H, .bytesperline = W,
		.sizeimage = W * H * 3 / 2,
	};
	uint64_t dpb_ts[8] = { 0 }, frame_no = 0;
	int n_tus = 0, n_pics = 0, n_seen = 0, n_coded, i, k, ret;
	int key = -1, hidden_slot = 0, shown = 0;
	struct dv_decoder *dec;
	Dav1dContext *ref;

	ret = encode(tus, &n_tus, params);
	if (ret)
		return ret;
	ref = open_dav1d();
	CHECK(ref != NULL, "dav1d_open");
	if (!ref)
		return 1;
	for (i = 0; i < n_tus; i++) {
		Dav1dData data;

		memcpy(dav1d_data_create(&data, tus[i].size), tus[i].data, tus[i].size);
		while (data.sz) {
			ret = dav1d_send_data(ref, &data);
			if (ret && ret != DAV1D_ERR(EAGAIN))
				break;
			while (n_pics < MAX_PICS &&
			       dav1d_get_picture(ref, &pics[n_pics]) == 0)
				n_pics++;
		}
		while (n_pics < MAX_PICS && dav1d_get_picture(ref, &pics[n_pics]) == 0)
			n_pics++;
	}
	n_coded = split_frames(tus, n_tus, coded, MAX_PICS);
	CHECK(n_coded > 0, "%s: no coded frames", name);
	/* The first key frame after the first picture, and a slot the
	 * next coded frame does not refer to. */
	for (i = 1; i < n_pics && key < 0; i++) {
		const Dav1dFrameHeader *f = pics[i].frame_hdr;

		if (f->frame_type != DAV1D_FRAME_TYPE_KEY || !f->show_frame ||
		    f == pics[i - 1].frame_hdr)
			continue;
		key = i;
		for (k = i + 1; k < n_pics; k++) {
			const Dav1dFrameHeader *next = pics[k].frame_hdr;
			int used = 0, r;

			if (next == f)
				continue;
			if (next->frame_type == DAV1D_FRAME_TYPE_INTER)
				for (r = 0; r < 7; r++)
					used |= 1 << next->refidx[r];
			while (used & (1 << hidden_slot))
				hidden_slot++;
			break;
		}
	}
	CHECK(key > 0 && hidden_slot < 8, "%s: no mid-stream key frame", name);
	if (key <= 0 || n_coded <= 0 || hidden_slot >= 8)
		return 1;
	CHECK(dv_backend_dav1d.load() == 0, "libdav1d");
	/* Frame threads need threads: as many as the budget gives. */
	dv_threads_configure(depth > 1 ? 8 : 0);
	dec = dv_backend_dav1d.create(DV_CODEC_ID_AV1);
	CHECK(dec != NULL, "%s: dv_backend_dav1d.create", name);
	if (!dec)
		return 1;
	if (depth > 1) {
		if (depth > dv_backend_dav1d.max_in_flight(dec))
			depth = dv_backend_dav1d.max_in_flight(dec);
		fprintf(stderr, "%s: %d threads, %u jobs in flight\n", name,
			dv_backend_dav1d.threads(dec), depth);
	}

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n_pics; i++) {
		const Dav1dFrameHeader *f = pics[i].frame_hdr;
		struct v4l2_ctrl_av1_sequence seq;
		struct v4l2_ctrl_av1_frame fr;
		struct v4l2_ctrl_av1_film_grain grain;
		struct dv_decode_job job;
		uint32_t bytesused = 0;
		size_t t, nt;
		int dup = 0;

		for (k = 0; k < n_seen; k++)
			dup |= seen[k] == f;
		if (dup) {
			/* A show_existing_frame: no request, a frame number. */
			frame_no++;
			continue;
		}
		seen[n_seen++] = f;
		to_seq(pics[i].seq_hdr, &seq);
		to_frame(pics[i].seq_hdr, f, &fr, &grain);
		memcpy(fr.reference_frame_ts, dpb_ts, sizeof(dpb_ts));
		if (i == key) {
			fr.flags &= ~(V4L2_AV1_FRAME_FLAG_SHOW_FRAME |
				      V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE);
			fr.flags |= V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME;
			fr.refresh_frame_flags = (uint8_t)(1u << hidden_slot);
		}
		ret = locate_tiles(f, &coded[n_seen - 1], tiles, sizeof(tiles), e, &nt, &t);
		CHECK(ret == 0, "%s: frame %d: tiles not found", name, i);
		if (ret)
			break;
		dv_ctrl_builder_init(&blk);
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_SEQUENCE, &seq, sizeof(seq));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_FRAME, &fr, sizeof(fr));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
				    e, (uint32_t)(nt * sizeof(e[0])));
		memset(cap, 0, sizeof(cap));
		job = (struct dv_decode_job){
			.fmt = &fmt, .ctrls = blk.buf, .ctrls_size = blk.size,
			.bitstream = tiles, .bitstream_size = t,
			.capture = cap, .capture_size = sizeof(cap),
			.timestamp = frame_no * 1000,
		};
		if (depth > 1) {
			struct queued_job *q = &queue[(q_head + q_n) % 8];

			if (q_n == depth) {
				collect_queued(dec, &queue[q_head], pics, name, key);
				q_head = (q_head + 1) % 8;
				q_n--;
			}
			q = &queue[(q_head + q_n) % 8];
			q->blk = blk;
			q->tiles = malloc(t ? t : 1);
			q->cap = calloc(1, sizeof(cap));
			memcpy(q->tiles, tiles, t);
			q->job = job;
			q->job.ctrls = q->blk.buf;
			q->job.bitstream = q->tiles;
			q->job.capture = q->cap;
			q->pic = i;
			q->submitted = dv_backend_dav1d.submit(dec, &q->job);
			q_n++;
		} else {
			ret = dv_backend_dav1d.decode(dec, &job, &bytesused);
			CHECK(ret == 0, "%s: frame %d: decode %d", name, i, ret);
			CHECK(ret || same_nv12(&pics[i], cap),
			      "%s: picture %d (%s) differs from the reference decode", name, i,
			      i < key ? "before the key frame" : i == key ? "the hidden key frame" :
			      "after it");
		}
		shown++;
		for (k = 0; k < 8; k++)
			if (fr.refresh_frame_flags & (1u << k))
				dpb_ts[k] = job.timestamp;
		frame_no++;
		if (i == key) {
			/* Its show_existing_frame, as the client sees it:
			 * the key frame in every slot (7.21). */
			const uint64_t ts = own_ts ? frame_no * 1000 : job.timestamp;

			for (k = 0; k < 8; k++)
				dpb_ts[k] = ts;
			frame_no++;
		}
	}
	while (q_n) {
		collect_queued(dec, &queue[q_head], pics, name, key);
		q_head = (q_head + 1) % 8;
		q_n--;
	}
	fprintf(stderr, "%s: %d requests, key frame %d hidden in slot %d and shown\n",
		name, shown, key, hidden_slot);
	dv_backend_dav1d.destroy(dec);
	dv_threads_configure(0);
	for (i = 0; i < n_pics; i++)
		dav1d_picture_unref(&pics[i]);
	for (i = 0; i < n_tus; i++)
		free(tus[i].data);
	dav1d_close(&ref);
	return 0;
}

/*
 * The same backend driven as libva-v4l2-request 1.2 under FFmpeg's
 * vaapi_av1 drives it. VA-API carries no refresh_frame_flags: the driver
 * learns them from the next frame's ref_frame_map, but FFmpeg reads each
 * shown picture before it sends the next frame, and the driver then
 * submits the frame with a guess (all slots for an intra frame, the slots
 * it does not refer to for an inter frame); only hidden frames get their
 * true flags. reference_frame_ts are true (FFmpeg's DPB), all 0 for a
 * shown key frame (FFmpeg names no reference there), and name frames by
 * CAPTURE buffer, {0, index + 1} as nanoseconds: an index comes back as
 * soon as no slot holds its frame. Film grain parameters come resolved,
 * flagged update_grain.
 */
static int run_libva(const char *name, const char *params, int guess)
{
	static struct tu tus[FRAMES * 2];
	static struct coded_frame coded[MAX_PICS];
	static struct v4l2_ctrl_av1_tile_group_entry e[64];
	static uint8_t tiles[1 << 20], cap[W * H * 3 / 2];
	static struct dv_ctrl_builder blk;
	Dav1dPicture pics[MAX_PICS];
	const Dav1dFrameHeader *seen[MAX_PICS];
	const struct dv_format fmt = {
		.codec = DV_CODEC_ID_AV1, .bit_depth = 8, .coded_width = W,
		.coded_height = H, .capture_fourcc = V4L2_PIX_FMT_NV12,
		.capture_width = W, .capture_height = H, .bytesperline = W,
		.sizeimage = W * H * 3 / 2,
	};
	uint64_t dpb_ts[8] = { 0 }, seen_ts[MAX_PICS];
	int n_tus = 0, n_pics = 0, n_seen = 0, n_coded, i, k, ret;
	int requests = 0, guessed = 0, wrong = 0, sframes = 0;
	struct dv_decoder *dec;
	Dav1dContext *ref;

	ret = encode(tus, &n_tus, params);
	if (ret)
		return ret;
	ref = open_dav1d_grain(1);	/* the backend applies grain */
	CHECK(ref != NULL, "dav1d_open");
	if (!ref)
		return 1;
	for (i = 0; i < n_tus; i++) {
		Dav1dData data;

		memcpy(dav1d_data_create(&data, tus[i].size), tus[i].data, tus[i].size);
		while (data.sz) {
			ret = dav1d_send_data(ref, &data);
			if (ret && ret != DAV1D_ERR(EAGAIN))
				break;
			while (n_pics < MAX_PICS &&
			       dav1d_get_picture(ref, &pics[n_pics]) == 0)
				n_pics++;
		}
		while (n_pics < MAX_PICS && dav1d_get_picture(ref, &pics[n_pics]) == 0)
			n_pics++;
	}
	n_coded = split_frames(tus, n_tus, coded, MAX_PICS);
	CHECK(n_coded > 0, "%s: no coded frames", name);
	CHECK(dv_backend_dav1d.load() == 0, "libdav1d");
	dec = dv_backend_dav1d.create(DV_CODEC_ID_AV1);
	CHECK(dec != NULL, "%s: dv_backend_dav1d.create", name);
	if (!dec || n_coded <= 0)
		return 1;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n_pics; i++) {
		const Dav1dFrameHeader *f = pics[i].frame_hdr;
		struct v4l2_ctrl_av1_sequence seq;
		struct v4l2_ctrl_av1_frame fr;
		struct v4l2_ctrl_av1_film_grain grain;
		struct dv_decode_job job;
		uint32_t bytesused = 0;
		uint64_t ts = 0;
		unsigned int truth, referenced = 0, index;
		size_t t, nt;
		int dup = 0, shown_key;

		for (k = 0; k < n_seen; k++)
			if (seen[k] == f)
				dup = k + 1;
		if (dup) {
			/* show_existing_frame: no request; a key frame
			 * refreshes every slot (FFmpeg's DPB too). */
			if (f->frame_type == DAV1D_FRAME_TYPE_KEY)
				for (k = 0; k < 8; k++)
					dpb_ts[k] = seen_ts[dup - 1];
			continue;
		}
		seen[n_seen++] = f;
		to_seq(pics[i].seq_hdr, &seq);
		to_frame(pics[i].seq_hdr, f, &fr, &grain);
		if (grain.flags & V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN)
			grain.flags |= V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN;
		shown_key = f->frame_type == DAV1D_FRAME_TYPE_KEY && f->show_frame;
		sframes += f->frame_type == DAV1D_FRAME_TYPE_SWITCH;
		truth = fr.refresh_frame_flags;
		/* The lowest CAPTURE index whose frame no slot holds. */
		for (index = 0; index < 32; index++) {
			ts = (uint64_t)(index + 1) * 1000;
			for (k = 0; k < 8 && (shown_key || dpb_ts[k] != ts); k++)
				;
			if (k == 8)
				break;
		}
		for (k = 0; k < 8; k++)
			fr.reference_frame_ts[k] = shown_key ? 0 : dpb_ts[k];
		if (f->show_frame && guess) {
			if (f->frame_type == DAV1D_FRAME_TYPE_KEY ||
			    f->frame_type == DAV1D_FRAME_TYPE_INTRA) {
				fr.refresh_frame_flags = 0xff;
			} else {
				for (k = 0; k < 7; k++)
					referenced |= 1u << (fr.ref_frame_idx[k] & 7);
				fr.refresh_frame_flags = (uint8_t)~referenced;
			}
			guessed++;
			wrong += fr.refresh_frame_flags != truth;
		}
		ret = locate_tiles(f, &coded[n_seen - 1], tiles, sizeof(tiles), e, &nt, &t);
		CHECK(ret == 0, "%s: frame %d: tiles not found", name, i);
		if (ret)
			break;
		dv_ctrl_builder_init(&blk);
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_SEQUENCE, &seq, sizeof(seq));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_FRAME, &fr, sizeof(fr));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
				    e, (uint32_t)(nt * sizeof(e[0])));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_FILM_GRAIN,
				    &grain, sizeof(grain));
		memset(cap, 0, sizeof(cap));
		job = (struct dv_decode_job){
			.fmt = &fmt, .ctrls = blk.buf, .ctrls_size = blk.size,
			.bitstream = tiles, .bitstream_size = t,
			.capture = cap, .capture_size = sizeof(cap),
			.timestamp = ts,
		};
		ret = dv_backend_dav1d.decode(dec, &job, &bytesused);
		CHECK(ret == 0, "%s: frame %d: decode %d", name, i, ret);
		CHECK(ret || same_nv12(&pics[i], cap),
		      "%s: picture %d (request %d) differs from the reference decode",
		      name, i, requests);
		requests++;
		seen_ts[n_seen - 1] = ts;
		for (k = 0; k < 8; k++)
			if (truth & (1u << k))
				dpb_ts[k] = ts;
	}
	fprintf(stderr, "%s: %d requests (%d switch frames), %d refresh_frame_flags guessed, %d of them wrong\n",
		name, requests, sframes, guessed, wrong);
	CHECK(!guess || wrong > 0, "%s: the stream does not exercise the guess", name);
	dv_backend_dav1d.destroy(dec);
	for (i = 0; i < n_pics; i++)
		dav1d_picture_unref(&pics[i]);
	for (i = 0; i < n_tus; i++)
		free(tus[i].data);
	dav1d_close(&ref);
	return 0;
}

int main(void)
{
	int ret;

	/* Two tile groups a frame: libaom then writes frame header and tile
	 * group OBUs apart, so the test can find the tiles. */
	ret = run("tiles2", "tile-columns=1:num-tile-groups=2");
	if (ret)
		return ret;
	run("tiles4_grain", "tile-columns=1:tile-rows=1:num-tile-groups=2:denoise-noise-level=25");
	run("error_resilient", "tile-columns=1:num-tile-groups=2:error-resilient=1");
	run("screen_content", "tile-columns=1:num-tile-groups=2:tune-content=screen:enable-intrabc=1");
	run_hidden_key("hidden_key", "tile-columns=1:num-tile-groups=2", 0, 1);
	run_hidden_key("hidden_key_own_ts", "tile-columns=1:num-tile-groups=2", 1, 1);
	/* Frame threads fed by queued requests: same pictures, in order. */
	run_hidden_key("hidden_key_queued", "tile-columns=1:num-tile-groups=2", 0, 4);
	/* As libva-v4l2-request drives the device; the corpus' encoder
	 * settings (make-corpus-av1.sh aom_altref, aom_rt_cyclic). The
	 * real-time stream fills all eight slots and has frames no slot
	 * keeps: a guessed refresh_frame_flags loses a reference there. */
	run_libva("libva", "tile-columns=1:num-tile-groups=2", 1);
	encoder_opts = "cpu-used=6:crf=32:lag-in-frames=35:auto-alt-ref=1:arnr-max-frames=7:arnr-strength=5";
	run_libva("libva_altref", "tile-columns=1:num-tile-groups=2", 1);
	encoder_opts = "usage=realtime:cpu-used=8:aq-mode=3";
	run_libva("libva_rt_cyclic", "tile-columns=1:num-tile-groups=2", 1);
	/* aom_1080p's settings, at this size: real-time, 128x128
	 * superblocks, tiles. */
	encoder_opts = "usage=realtime:cpu-used=8:crf=40";
	run_libva("libva_rt_tiles", "tile-columns=1:tile-rows=1:num-tile-groups=2:sb-size=128", 1);
	encoder_opts = NULL;
	run_libva("libva_grain", "tile-columns=1:tile-rows=1:num-tile-groups=2:denoise-noise-level=25", 1);
	run_libva("libva_error_resilient", "tile-columns=1:num-tile-groups=2:error-resilient=1", 1);
	return TEST_RESULT();
}
