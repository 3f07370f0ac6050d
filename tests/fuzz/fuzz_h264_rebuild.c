// SPDX-License-Identifier: BSD-2-Clause
/*
 * An H.264 request through dv_h264_au_build() (daemon/rebuild/h264/h264_access_unit.c),
 * the function the libavcodec backend builds its packet with: control
 * records (SPS, PPS, scaling matrix, decode params, start code mode) and
 * the OUTPUT buffer come from the fuzzer; no libavcodec is involved.
 *
 * What is checked when a request is accepted: the access unit is the
 * rebuilt SPS and PPS, then exactly the buffer's slice NAL units (split
 * here independently of h264_bitstream.c), each behind 00 00 00 01; the
 * SPS and PPS parse back (tests/unit/h264_test_parse.c, written from the
 * specification) to the controls' values; the same request again sends
 * the slices without the parameter sets, and after dv_h264_au_forget()
 * the whole access unit again.
 *
 * Input, byte 0 = flags:
 *   bit 0 set ("raw"): u16 block length, the record block as is, then
 *     the OUTPUT buffer: the records' framing is fuzzed too;
 *   bit 0 clear: the records are made here from the fields that follow
 *     (see take_sps/take_pps), so they are always well framed: bit 1 adds
 *     a scaling matrix record (480 bytes), bit 2 decode params (u32
 *     flags), bit 3 a start code mode record (s32), bit 4 lays the
 *     records out in reverse order; the rest is the OUTPUT buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "util/bytebuf.h"
#include "fuzz_common.h"
#include "rebuild/h264/h264_access_unit.h"
#include "h264_test_parse.h"

enum {
	F_RAW = 1,
	F_MATRIX = 2,
	F_DECODE = 4,
	F_START_CODE = 8,
	F_REVERSE = 16,
};

/* What the request's records said, to check the result against. */
struct request {
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	struct v4l2_ctrl_h264_scaling_matrix matrix;
	uint32_t decode_flags;
	int32_t start_code;
	int known;		/* structured input: the fields above are set */
	int have_matrix, have_decode, have_start_code;
};

static void take_sps(struct dv_fuzz_in *in, struct v4l2_ctrl_h264_sps *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->profile_idc = fz_u8(in);
	s->constraint_set_flags = fz_u8(in);
	s->level_idc = fz_u8(in);
	s->seq_parameter_set_id = fz_u8(in);
	s->chroma_format_idc = fz_u8(in);
	s->bit_depth_luma_minus8 = fz_u8(in);
	s->bit_depth_chroma_minus8 = fz_u8(in);
	s->log2_max_frame_num_minus4 = fz_u8(in);
	s->pic_order_cnt_type = fz_u8(in);
	s->log2_max_pic_order_cnt_lsb_minus4 = fz_u8(in);
	s->max_num_ref_frames = fz_u8(in);
	s->num_ref_frames_in_pic_order_cnt_cycle = fz_u8(in);
	s->offset_for_non_ref_pic = (int32_t)fz_u32(in);
	s->offset_for_top_to_bottom_field = (int32_t)fz_u32(in);
	s->pic_width_in_mbs_minus1 = fz_u16(in);
	s->pic_height_in_map_units_minus1 = fz_u16(in);
	s->flags = fz_u32(in);
	/* Only read with pic_order_cnt_type 1: do not spend input on them
	 * otherwise. */
	if (s->pic_order_cnt_type == 1)
		for (i = 0; i < s->num_ref_frames_in_pic_order_cnt_cycle; i++)
			s->offset_for_ref_frame[i] = (int32_t)fz_u32(in);
}

static void take_pps(struct dv_fuzz_in *in, struct v4l2_ctrl_h264_pps *p)
{
	memset(p, 0, sizeof(*p));
	p->pic_parameter_set_id = fz_u8(in);
	p->seq_parameter_set_id = fz_u8(in);
	p->num_slice_groups_minus1 = fz_u8(in);
	p->num_ref_idx_l0_default_active_minus1 = fz_u8(in);
	p->num_ref_idx_l1_default_active_minus1 = fz_u8(in);
	p->weighted_bipred_idc = fz_u8(in);
	p->pic_init_qp_minus26 = (int8_t)fz_u8(in);
	p->pic_init_qs_minus26 = (int8_t)fz_u8(in);
	p->chroma_qp_index_offset = (int8_t)fz_u8(in);
	p->second_chroma_qp_index_offset = (int8_t)fz_u8(in);
	p->flags = fz_u16(in);
}

/* ---- the checks --------------------------------------------------------- */

struct nal {
	const uint8_t *p;
	size_t size;
};

/* The slices the decoder must get, found without h264_bitstream.c. */
static size_t model_slices(const uint8_t *buf, size_t size, int annex_b,
			   struct nal *out, size_t max)
{
	size_t n = 0, i = 0, start, end;

	while (i < size) {
		if (annex_b) {
			while (i + 3 <= size && !(!buf[i] && !buf[i + 1] && buf[i + 2] == 1))
				i++;
			if (i + 3 > size)
				break;
			start = i + 3;
			i = start;
			while (i + 3 <= size && !(!buf[i] && !buf[i + 1] && buf[i + 2] == 1))
				i++;
			end = i + 3 <= size ? i : size;
			i = end;
		} else {
			start = 0;
			end = size;
			i = size;
		}
		while (end > start && !buf[end - 1])
			end--;
		if (end > start && ((buf[start] & 0x1f) == 1 || (buf[start] & 0x1f) == 5)) {
			FZ_ASSERT(n < max, "too many slices");
			out[n].p = buf + start;
			out[n].size = end - start;
			n++;
		}
	}
	return n;
}

/* The access unit's NAL units: each behind a 4-byte start code. */
static size_t split_au(const uint8_t *au, size_t size, struct nal *out,
		       size_t max)
{
	static const uint8_t sc[4] = { 0, 0, 0, 1 };
	size_t n = 0, i = 0;

	FZ_ASSERT(size >= 4 && !memcmp(au, sc, 4), "no start code first");
	while (i < size) {
		size_t start = i + 4, end = start;

		while (end < size && !(end + 4 <= size && !memcmp(au + end, sc, 4)))
			end++;
		FZ_ASSERT(n < max, "too many NAL units");
		FZ_ASSERT(end > start && au[end - 1], "empty NAL, or one ending in 00");
		out[n].p = au + start;
		out[n].size = end - start;
		n++;
		i = end;
	}
	return n;
}

#define SAME(a, b, what) FZ_ASSERT((a) == (b), "%s: %lld, control %lld", what, \
				   (long long)(a), (long long)(b))

static void check_sps(const struct v4l2_ctrl_h264_sps *want,
		      const struct t_sps *parsed)
{
	const struct v4l2_ctrl_h264_sps *got = &parsed->v4l2;
	uint32_t flags = want->flags & (V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED |
					V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY |
					V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE |
					V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS);
	unsigned int i;

	/* Flags the syntax only carries in some cases. */
	if (want->pic_order_cnt_type == 1)
		flags |= want->flags & V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO;
	if (!(want->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY))
		flags |= want->flags & V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
	SAME(got->profile_idc, want->profile_idc, "profile_idc");
	SAME(got->constraint_set_flags, want->constraint_set_flags & 0x3f,
	     "constraint_set_flags");
	SAME(got->level_idc, want->level_idc, "level_idc");
	SAME(got->seq_parameter_set_id, want->seq_parameter_set_id, "sps id");
	SAME(got->chroma_format_idc, want->chroma_format_idc, "chroma_format_idc");
	SAME(got->bit_depth_luma_minus8, want->bit_depth_luma_minus8, "bit depth");
	SAME(got->log2_max_frame_num_minus4, want->log2_max_frame_num_minus4,
	     "log2_max_frame_num_minus4");
	SAME(got->pic_order_cnt_type, want->pic_order_cnt_type, "pic_order_cnt_type");
	if (want->pic_order_cnt_type == 0)
		SAME(got->log2_max_pic_order_cnt_lsb_minus4,
		     want->log2_max_pic_order_cnt_lsb_minus4, "log2_max_poc_lsb");
	if (want->pic_order_cnt_type == 1) {
		SAME(got->offset_for_non_ref_pic, want->offset_for_non_ref_pic,
		     "offset_for_non_ref_pic");
		SAME(got->offset_for_top_to_bottom_field,
		     want->offset_for_top_to_bottom_field, "offset_for_top_to_bottom_field");
		SAME(got->num_ref_frames_in_pic_order_cnt_cycle,
		     want->num_ref_frames_in_pic_order_cnt_cycle, "poc cycle");
		for (i = 0; i < want->num_ref_frames_in_pic_order_cnt_cycle; i++)
			SAME(got->offset_for_ref_frame[i], want->offset_for_ref_frame[i],
			     "offset_for_ref_frame");
	}
	SAME(got->max_num_ref_frames, want->max_num_ref_frames, "max_num_ref_frames");
	SAME(got->pic_width_in_mbs_minus1, want->pic_width_in_mbs_minus1, "width");
	SAME(got->pic_height_in_map_units_minus1, want->pic_height_in_map_units_minus1,
	     "height");
	SAME(got->flags, flags, "sps flags");
	FZ_ASSERT(!parsed->seq_scaling_matrix_present && !parsed->frame_cropping,
		  "SPS lists or cropping");
}

static void check_pps(const struct request *r, const struct t_pps *parsed)
{
	const struct v4l2_ctrl_h264_pps *want = &r->pps, *got = &parsed->v4l2;
	unsigned int i;

	SAME(got->pic_parameter_set_id, want->pic_parameter_set_id, "pps id");
	SAME(got->seq_parameter_set_id, want->seq_parameter_set_id, "pps sps id");
	SAME(got->num_slice_groups_minus1, want->num_slice_groups_minus1, "slice groups");
	SAME(got->num_ref_idx_l0_default_active_minus1,
	     want->num_ref_idx_l0_default_active_minus1, "num_ref_idx_l0");
	SAME(got->num_ref_idx_l1_default_active_minus1,
	     want->num_ref_idx_l1_default_active_minus1, "num_ref_idx_l1");
	SAME(got->weighted_bipred_idc, want->weighted_bipred_idc, "weighted_bipred_idc");
	SAME(got->pic_init_qp_minus26, want->pic_init_qp_minus26, "pic_init_qp");
	SAME(got->pic_init_qs_minus26, want->pic_init_qs_minus26, "pic_init_qs");
	SAME(got->chroma_qp_index_offset, want->chroma_qp_index_offset, "chroma_qp");
	SAME(got->second_chroma_qp_index_offset, want->second_chroma_qp_index_offset,
	     "second_chroma_qp");
	SAME(got->flags, want->flags & 0xff, "pps flags");
	if (!(want->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT))
		return;
	for (i = 0; i < 6; i++)
		FZ_ASSERT(!memcmp(parsed->matrix.scaling_list_4x4[i],
				  r->matrix.scaling_list_4x4[i], 16), "4x4 list %u", i);
	if (want->flags & V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE)
		for (i = 0; i < 2; i++)
			FZ_ASSERT(!memcmp(parsed->matrix.scaling_list_8x8[i],
					  r->matrix.scaling_list_8x8[i], 64),
				  "8x8 list %u", i);
}

#define MAX_NALS	4096

static void check_au(const struct request *r, const struct dv_bytebuf *au,
		     const struct dv_h264_au_info *info, int with_params,
		     const uint8_t *bs, size_t bs_size)
{
	struct nal *nals = malloc(2 * MAX_NALS * sizeof(*nals)), *want = nals + MAX_NALS;
	size_t n, n_want, first = with_params ? 2 : 0, i;
	struct t_sps sps;
	struct t_pps pps;

	if (!nals)
		abort();
	n = split_au(au->data, au->size, nals, MAX_NALS);
	FZ_ASSERT(n >= first + 1, "%zu NAL units", n);
	SAME(info->slices, n - first, "slices");
	if (with_params) {
		FZ_ASSERT((nals[0].p[0] & 0x1f) == 7 && (nals[1].p[0] & 0x1f) == 8,
			  "no SPS and PPS first");
		FZ_ASSERT(!t_parse_sps_nal(nals[0].p, nals[0].size, &sps),
			  "the rebuilt SPS does not parse");
		FZ_ASSERT(!t_parse_pps_nal(nals[1].p, nals[1].size, &sps, &pps),
			  "the rebuilt PPS does not parse");
		if (r->known) {
			check_sps(&r->sps, &sps);
			check_pps(r, &pps);
		}
	}
	if (r->known) {
		int annex_b = !r->have_start_code ||
			      r->start_code == V4L2_STATELESS_H264_START_CODE_ANNEX_B;

		n_want = model_slices(bs, bs_size, annex_b, want, MAX_NALS);
		SAME(n - first, n_want, "slices in the buffer");
		for (i = 0; i < n_want; i++)
			FZ_ASSERT(nals[first + i].size == want[i].size &&
				  !memcmp(nals[first + i].p, want[i].p, want[i].size),
				  "slice %zu differs from the buffer's", i);
		SAME(info->field_pic, r->have_decode &&
		     (r->decode_flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC), "field_pic");
	}
	free(nals);
}

/* ---- one input ------------------------------------------------------- */

static void build_records(struct dv_fuzz_blk *blk, struct request *r, int reverse)
{
	struct v4l2_ctrl_h264_decode_params decode;
	struct rec_desc {
		uint32_t id;
		const void *p;
		uint32_t size;
	} rec[5];
	int n = 0, i;

	memset(&decode, 0, sizeof(decode));
	decode.flags = r->decode_flags;
	rec[n++] = (struct rec_desc){ V4L2_CID_STATELESS_H264_SPS, &r->sps, sizeof(r->sps) };
	rec[n++] = (struct rec_desc){ V4L2_CID_STATELESS_H264_PPS, &r->pps, sizeof(r->pps) };
	if (r->have_matrix)
		rec[n++] = (struct rec_desc){ V4L2_CID_STATELESS_H264_SCALING_MATRIX,
					    &r->matrix, sizeof(r->matrix) };
	if (r->have_decode)
		rec[n++] = (struct rec_desc){ V4L2_CID_STATELESS_H264_DECODE_PARAMS,
					    &decode, sizeof(decode) };
	if (r->have_start_code)
		rec[n++] = (struct rec_desc){ V4L2_CID_STATELESS_H264_START_CODE,
					    &r->start_code, sizeof(r->start_code) };
	for (i = 0; i < n; i++) {
		int k = reverse ? n - 1 - i : i;

		fz_blk_add(blk, rec[k].id, rec[k].p, rec[k].size);
	}
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	uint8_t flags = fz_u8(&in);
	struct dv_fuzz_blk blk = { 0 };
	struct dv_h264_au_state *st = calloc(1, sizeof(*st));
	struct request *r = calloc(1, sizeof(*r));
	struct dv_h264_au_info info, info2;
	struct dv_bytebuf au, au2;
	size_t bs_size, params;
	uint8_t *bs;
	int ret, ret2;

	if (!st || !r)
		abort();
	if (flags & F_RAW) {
		size_t n;

		blk.buf = fz_bytes(&in, fz_u16(&in), &n);
		blk.size = n;
	} else {
		r->known = 1;
		take_sps(&in, &r->sps);
		take_pps(&in, &r->pps);
		r->have_matrix = !!(flags & F_MATRIX);
		if (r->have_matrix)
			fz_take(&in, &r->matrix, sizeof(r->matrix));
		r->have_decode = !!(flags & F_DECODE);
		if (r->have_decode)
			r->decode_flags = fz_u32(&in);
		r->have_start_code = !!(flags & F_START_CODE);
		if (r->have_start_code)
			r->start_code = (int32_t)fz_u32(&in);
		build_records(&blk, r, flags & F_REVERSE);
	}
	bs = fz_bytes(&in, SIZE_MAX, &bs_size);

	/* The backend's decoder: padding as libavcodec wants it. */
	dv_bytebuf_init(&au, 64);
	dv_bytebuf_init(&au2, 64);
	ret = dv_h264_au_build(st, blk.buf, blk.size, bs, bs_size, &au, &info);
	FZ_ASSERT(ret == 0 || ret == -EINVAL || ret == -ENOMEM, "returned %d", ret);
	if (!ret)
		check_au(r, &au, &info, 1, bs, bs_size);

	/* Again: the parameter sets are not sent twice. */
	ret2 = dv_h264_au_build(st, blk.buf, blk.size, bs, bs_size, &au2, &info2);
	SAME(ret2, ret, "second build");
	if (!ret) {
		check_au(r, &au2, &info2, 0, bs, bs_size);
		params = au.size - au2.size;
		FZ_ASSERT(au.size > au2.size &&
			  !memcmp(au.data + params, au2.data, au2.size),
			  "second access unit is not the first's slices");
		/* Forgotten: all of it again. */
		dv_h264_au_forget(st);
		ret2 = dv_h264_au_build(st, blk.buf, blk.size, bs, bs_size, &au2, &info2);
		FZ_ASSERT(!ret2 && au2.size == au.size &&
			  !memcmp(au.data, au2.data, au.size),
			  "after forget: %d", ret2);
	}

	dv_bytebuf_free(&au);
	dv_bytebuf_free(&au2);
	free(bs);
	fz_blk_free(&blk);
	free(st);
	free(r);
	return ret == 0;
}

/* ---- seeds ------------------------------------------------------------- */

static void put_sps(struct dv_fuzz_out *o, const struct v4l2_ctrl_h264_sps *s)
{
	unsigned int i;

	fz_put(o, s, 12);	/* the u8 fields, in order */
	fz_put_u32(o, (uint32_t)s->offset_for_non_ref_pic);
	fz_put_u32(o, (uint32_t)s->offset_for_top_to_bottom_field);
	fz_put_u16(o, s->pic_width_in_mbs_minus1);
	fz_put_u16(o, s->pic_height_in_map_units_minus1);
	fz_put_u32(o, s->flags);
	if (s->pic_order_cnt_type == 1)
		for (i = 0; i < s->num_ref_frames_in_pic_order_cnt_cycle; i++)
			fz_put_u32(o, (uint32_t)s->offset_for_ref_frame[i]);
}

static void put_pps(struct dv_fuzz_out *o, const struct v4l2_ctrl_h264_pps *p)
{
	fz_put(o, p, 10);
	fz_put_u16(o, p->flags);
}

/* A buffer as clients send it: delimiter, parameter sets, SEI, slices. */
static const uint8_t bitstream_idr[] = {
	0, 0, 0, 1, 0x09, 0xf0,				/* AUD */
	0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00,	/* SPS (dropped) */
	0, 0, 1, 0x68, 0xce, 0x3c, 0x80,		/* PPS (dropped) */
	0, 0, 1, 0x06, 0x05, 0x01, 0xaa, 0x80,		/* SEI */
	0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0x03, 0x01, 0x21, 0xff, 0x80,
	0, 0, 1, 0x65, 0x00, 0x11, 0x00, 0x00, 0x03, 0x00, 0x7c, 0x00, 0x00,
};

static const uint8_t bitstream_p[] = {
	0, 0, 1, 0x41, 0x9a, 0x02, 0x00, 0x00, 0x03, 0x02, 0x10,
	0, 0, 1, 0x0c, 0xff, 0xff,				/* filler */
	0, 0, 1, 0x01, 0xfe, 0x77, 0x00,			/* nal_ref_idc 0 */
};

static const uint8_t bitstream_bare[] = { 0x25, 0xb8, 0x20, 0x00, 0x03, 0x01, 0x00, 0x00 };

static void base(struct v4l2_ctrl_h264_sps *s, struct v4l2_ctrl_h264_pps *p)
{
	memset(s, 0, sizeof(*s));
	memset(p, 0, sizeof(*p));
	s->profile_idc = 66;
	s->constraint_set_flags = 0x03;
	s->level_idc = 30;
	s->chroma_format_idc = 1;
	s->pic_order_cnt_type = 2;
	s->max_num_ref_frames = 1;
	s->pic_width_in_mbs_minus1 = 19;
	s->pic_height_in_map_units_minus1 = 14;
	s->flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
}

void dv_fuzz_seeds(void)
{
	struct v4l2_ctrl_h264_scaling_matrix m;
	struct v4l2_ctrl_h264_sps s;
	struct v4l2_ctrl_h264_pps p;
	struct dv_fuzz_blk blk = { 0 };
	struct dv_fuzz_out o = { 0 };
	int32_t mode;
	unsigned int i;

	/* Baseline CIF-ish, IDR with two slices among other NAL units. */
	base(&s, &p);
	fz_put_u8(&o, 0);
	put_sps(&o, &s);
	put_pps(&o, &p);
	fz_put(&o, bitstream_idr, sizeof(bitstream_idr));
	fz_out_seed(&o, "baseline-idr", 1);

	/* Main, interlaced (a field of an MBAFF-capable stream), CABAC,
	 * picture order count type 0, decode params, reversed records. */
	base(&s, &p);
	s.profile_idc = 77;
	s.pic_order_cnt_type = 0;
	s.log2_max_pic_order_cnt_lsb_minus4 = 2;
	s.log2_max_frame_num_minus4 = 1;
	s.max_num_ref_frames = 4;
	s.pic_height_in_map_units_minus1 = 7;
	s.flags = V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD |
		  V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
	p.flags = V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE |
		  V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT |
		  V4L2_H264_PPS_FLAG_WEIGHTED_PRED;
	p.weighted_bipred_idc = 1;
	p.num_ref_idx_l0_default_active_minus1 = 2;
	p.pic_init_qp_minus26 = -3;
	fz_put_u8(&o, F_DECODE | F_REVERSE);
	put_sps(&o, &s);
	put_pps(&o, &p);
	fz_put_u32(&o, V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC |
		       V4L2_H264_DECODE_PARAM_FLAG_PFRAME);
	fz_put(&o, bitstream_p, sizeof(bitstream_p));
	fz_out_seed(&o, "main-field", 1);

	/* High with every scaling list, 8x8 transforms, a second chroma
	 * offset, picture order count type 1, explicit Annex-B mode. */
	base(&s, &p);
	s.profile_idc = 100;
	s.level_idc = 40;
	s.pic_order_cnt_type = 1;
	s.offset_for_non_ref_pic = -2;
	s.offset_for_top_to_bottom_field = 1;
	s.num_ref_frames_in_pic_order_cnt_cycle = 3;
	s.offset_for_ref_frame[0] = 2;
	s.offset_for_ref_frame[1] = -7;
	s.offset_for_ref_frame[2] = 100000;
	s.flags |= V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS |
		   V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO;
	p.flags = V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE |
		  V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
	p.chroma_qp_index_offset = -2;
	p.second_chroma_qp_index_offset = 3;
	for (i = 0; i < 6 * 16; i++)
		m.scaling_list_4x4[i / 16][i % 16] = (uint8_t)(6 + i % 37);
	for (i = 0; i < 6 * 64; i++)
		m.scaling_list_8x8[i / 64][i % 64] = (uint8_t)(255 - i % 200);
	mode = V4L2_STATELESS_H264_START_CODE_ANNEX_B;
	fz_put_u8(&o, F_MATRIX | F_START_CODE);
	put_sps(&o, &s);
	put_pps(&o, &p);
	fz_put(&o, &m, sizeof(m));
	fz_put_u32(&o, (uint32_t)mode);
	fz_put(&o, bitstream_idr, sizeof(bitstream_idr));
	fz_out_seed(&o, "high-matrix", 1);

	/* No start codes: the buffer is one slice. */
	base(&s, &p);
	fz_put_u8(&o, F_START_CODE);
	put_sps(&o, &s);
	put_pps(&o, &p);
	fz_put_u32(&o, V4L2_STATELESS_H264_START_CODE_NONE);
	fz_put(&o, bitstream_bare, sizeof(bitstream_bare));
	fz_out_seed(&o, "no-start-code", 1);

	/* The baseline request as a raw record block. */
	base(&s, &p);
	fz_blk_add(&blk, V4L2_CID_STATELESS_H264_SPS, &s, sizeof(s));
	fz_blk_add(&blk, V4L2_CID_STATELESS_H264_PPS, &p, sizeof(p));
	fz_put_u8(&o, F_RAW);
	fz_put_u16(&o, (uint16_t)blk.size);
	fz_put(&o, blk.buf, blk.size);
	fz_put(&o, bitstream_idr, sizeof(bitstream_idr));
	fz_out_seed(&o, "raw-block", 1);
	fz_blk_free(&blk);

	/* Refused: no slice in the buffer; a profile the device lacks. */
	base(&s, &p);
	fz_put_u8(&o, 0);
	put_sps(&o, &s);
	put_pps(&o, &p);
	fz_put(&o, bitstream_idr, 30);
	fz_out_seed(&o, "no-slice", 0);

	base(&s, &p);
	s.profile_idc = 244;
	fz_put_u8(&o, 0);
	put_sps(&o, &s);
	put_pps(&o, &p);
	fz_put(&o, bitstream_idr, sizeof(bitstream_idr));
	fz_out_seed(&o, "profile-444", 0);
}
