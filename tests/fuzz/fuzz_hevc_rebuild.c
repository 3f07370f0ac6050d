// SPDX-License-Identifier: BSD-2-Clause
/*
 * An HEVC request through dv_hevc_au_build()
 * (daemon/rebuild/hevc/hevc_access_unit.c), the function the libavcodec
 * backend builds its packet with: the SPS, PPS, decode parameters and
 * scaling matrix records and the OUTPUT buffer come from the fuzzer; no
 * libavcodec is involved.
 *
 * What is checked when a request is accepted: the access unit is VPS, SPS
 * and PPS (each behind 00 00 00 01, NAL types 32, 33, 34), then as many
 * slice NAL units as the buffer has slice segments of the base layer
 * (counted here independently), each behind 00 00 00 01; the same request
 * again omits the parameter sets; and the rewrite is idempotent: each
 * slice of the access unit, rewritten once more against the SPS the
 * daemon built (no short-term sets, no long-term candidates), comes out
 * byte for byte the same.
 *
 * Input: u8 flags (bit 0: a scaling matrix record), then the SPS (40
 * bytes), PPS (64 bytes) and decode parameters (328 bytes) as the uAPI
 * lays them out, the matrix (1000 bytes) if flagged, then the OUTPUT
 * buffer. The SPS is nudged towards what can be decoded (4:2:0, 8-bit,
 * sizes that fit) unless flags bit 1 is set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "fuzz_common.h"
#include "rebuild/hevc/hevc_access_unit.h"
#include "rebuild/hevc/hevc_bits.h"
#include "rebuild/hevc/hevc_slice.h"
#include "util/bitwriter.h"
#include "util/bytebuf.h"

enum {
	F_MATRIX = 1,
	F_RAW_SPS = 2,
};

struct request {
	struct v4l2_ctrl_hevc_sps sps;
	struct v4l2_ctrl_hevc_pps pps;
	struct v4l2_ctrl_hevc_decode_params dp;
	struct v4l2_ctrl_hevc_scaling_matrix matrix;
	int have_matrix;
};

/*
 * The NAL units of an Annex-B buffer, found independently of the daemon.
 * A NAL unit runs to the next 00 00 01, as FFmpeg splits it: 00 00 00
 * inside one (which emulation prevention rules out, but a client may
 * send) does not end it.
 */
static int next_nal(const uint8_t *buf, size_t size, size_t *pos,
		    const uint8_t **nal, size_t *nal_size)
{
	size_t i = *pos, start;

	for (;;) {
		while (i + 3 <= size && !(buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1))
			i++;
		if (i + 3 > size)
			return 0;
		start = i + 3;
		for (i = start; i + 3 <= size; i++)
			if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1)
				break;
		if (i + 3 > size)
			i = size;
		*pos = i;
		*nal = buf + start;
		*nal_size = i - start;
		/* trailing zero bytes belong to no NAL unit */
		while (*nal_size && !(*nal)[*nal_size - 1])
			--*nal_size;
		if (*nal_size)
			return 1;
	}
}

static int is_slice(const uint8_t *nal, size_t size)
{
	unsigned int type, layer;

	if (size < 3 || (nal[0] & 0x80) || !(nal[1] & 7))
		return 0;
	type = nal[0] >> 1 & 0x3f;
	layer = (nal[0] & 1) << 5 | nal[1] >> 3;
	return !layer && (type <= 9 || (type >= 16 && type <= 21));
}

static void build_records(const struct request *r, struct dv_fuzz_blk *blk)
{
	fz_blk_add(blk, V4L2_CID_STATELESS_HEVC_SPS, &r->sps, sizeof(r->sps));
	fz_blk_add(blk, V4L2_CID_STATELESS_HEVC_PPS, &r->pps, sizeof(r->pps));
	fz_blk_add(blk, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, &r->dp, sizeof(r->dp));
	if (r->have_matrix)
		fz_blk_add(blk, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX, &r->matrix,
			   sizeof(r->matrix));
}

/* Each slice of @au, rewritten against the rebuilt SPS, is itself. */
static void check_idempotent(const struct request *r, const struct dv_bytebuf *au)
{
	struct v4l2_ctrl_hevc_sps rebuilt = r->sps;
	const struct dv_hevc_slice_ctrls c = { &rebuilt, &r->pps, &r->dp, 0 };
	const uint8_t *nal;
	size_t pos = 0, size;
	struct dv_bytebuf again;

	rebuilt.num_short_term_ref_pic_sets = 0;
	rebuilt.num_long_term_ref_pics_sps = 0;
	dv_bytebuf_init(&again, 0);
	while (next_nal(au->data, au->size, &pos, &nal, &size)) {
		struct dv_hevc_slice_info info;
		int ret;

		if (!is_slice(nal, size))
			continue;
		dv_bytebuf_clear(&again);
		ret = dv_hevc_slice_rewrite(&c, nal, size, &again, &info);
		FZ_ASSERT(ret == 0, "a rewritten slice is refused (%d)", ret);
		FZ_ASSERT(again.size == size + 4 && !memcmp(again.data + 4, nal, size),
			  "rewriting a rewritten slice changes it (%zu -> %zu bytes)", size,
			  again.size);
	}
	dv_bytebuf_free(&again);
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	uint8_t flags = fz_u8(&in);
	struct dv_hevc_au_state st = { 0 };
	struct dv_hevc_au_info info;
	struct dv_fuzz_blk blk = { 0 };
	struct dv_bytebuf au;
	struct request r;
	const uint8_t *nal;
	uint8_t *bitstream;
	size_t bs_size, pos = 0, nal_size, slices = 0, params = 0;
	int ret, accepted = 0;

	memset(&r, 0, sizeof(r));
	fz_take(&in, &r.sps, sizeof(r.sps));
	fz_take(&in, &r.pps, sizeof(r.pps));
	fz_take(&in, &r.dp, sizeof(r.dp));
	if (flags & F_MATRIX) {
		fz_take(&in, &r.matrix, sizeof(r.matrix));
		r.have_matrix = 1;
	}
	if (!(flags & F_RAW_SPS)) {
		r.sps.chroma_format_idc = 1;
		r.sps.bit_depth_luma_minus8 = r.sps.bit_depth_chroma_minus8 =
			r.sps.bit_depth_luma_minus8 & 2;
		r.sps.pic_width_in_luma_samples = (uint16_t)(8 + (r.sps.pic_width_in_luma_samples & 0x3f8));
		r.sps.pic_height_in_luma_samples = (uint16_t)(8 + (r.sps.pic_height_in_luma_samples & 0x3f8));
		r.sps.log2_min_luma_coding_block_size_minus3 = 0;
		r.sps.log2_diff_max_min_luma_coding_block_size &= 3;
		if (r.sps.log2_diff_max_min_luma_coding_block_size < 1)
			r.sps.log2_diff_max_min_luma_coding_block_size = 1;
		r.sps.log2_min_luma_transform_block_size_minus2 = 0;
		r.sps.log2_diff_max_min_luma_transform_block_size &= 1;
		r.sps.log2_max_pic_order_cnt_lsb_minus4 &= 7;
		r.sps.num_short_term_ref_pic_sets &= 15;
		r.sps.num_long_term_ref_pics_sps &= 7;
	}
	bitstream = fz_bytes(&in, SIZE_MAX, &bs_size);
	build_records(&r, &blk);
	dv_bytebuf_init(&au, 0);

	ret = dv_hevc_au_build(&st, blk.buf, blk.size, bitstream, bs_size, &au, &info);
	FZ_ASSERT(ret == 0 || ret == -EINVAL || ret == -ENOMEM, "result %d", ret);
	if (ret)
		goto out;
	accepted = 1;
	while (next_nal(bitstream, bs_size, &pos, &nal, &nal_size))
		slices += is_slice(nal, nal_size);
	FZ_ASSERT(info.slices == slices, "%u slices in the access unit, %zu in the buffer",
		  info.slices, slices);
	pos = 0;
	while (next_nal(au.data, au.size, &pos, &nal, &nal_size)) {
		unsigned int type = nal[0] >> 1 & 0x3f;

		FZ_ASSERT(pos - nal_size >= 4 && !memcmp(nal - 4, "\0\0\0\1", 4),
			  "a NAL unit without a 4-byte start code");
		if (params < 3) {
			FZ_ASSERT(type == 32 + params, "parameter set %zu has type %u", params,
				  type);
			params++;
		} else {
			FZ_ASSERT(is_slice(nal, nal_size), "NAL type %u in the access unit", type);
		}
	}
	FZ_ASSERT(params == 3, "%zu parameter sets", params);
	check_idempotent(&r, &au);

	/* The same request again: the slices only. */
	ret = dv_hevc_au_build(&st, blk.buf, blk.size, bitstream, bs_size, &au, &info);
	FZ_ASSERT(ret == 0, "the same request again: %d", ret);
	FZ_ASSERT(au.size >= 6 && (au.data[4] >> 1 & 0x3f) < 32,
		  "the parameter sets were sent again");
out:
	dv_bytebuf_free(&au);
	fz_blk_free(&blk);
	free(bitstream);
	return accepted;
}

/* A P slice naming SPS set 1 of 2, with slice data holding 00 00 03. */
static size_t seed_slice(uint8_t *out, size_t cap, int idr)
{
	const uint8_t header[2] = { (uint8_t)((idr ? 20 : 1) << 1), 1 };
	static const uint8_t tail[] = { 0x12, 0x00, 0x00, 0x03, 0x01, 0x55 };
	uint8_t rbsp[64];
	struct dv_bitwriter bw;
	size_t size, pos = 0;

	dv_bw_init(&bw, rbsp, sizeof(rbsp));
	dv_bw_u(&bw, 1, 1);		/* first_slice_segment_in_pic_flag */
	if (idr)
		dv_bw_u(&bw, 1, 0);	/* no_output_of_prior_pics_flag */
	dv_bw_ue(&bw, 0);		/* slice_pic_parameter_set_id */
	dv_bw_ue(&bw, idr ? 2 : 1);	/* slice_type */
	if (!idr) {
		dv_bw_u(&bw, 8, 2);	/* slice_pic_order_cnt_lsb */
		dv_bw_u(&bw, 1, 1);	/* short_term_ref_pic_set_sps_flag */
		dv_bw_u(&bw, 1, 1);	/* short_term_ref_pic_set_idx */
		dv_bw_u(&bw, 1, 0);	/* num_ref_idx_active_override_flag */
		dv_bw_ue(&bw, 0);	/* five_minus_max_num_merge_cand */
	}
	dv_bw_se(&bw, 0);		/* slice_qp_delta */
	dv_bw_u(&bw, 1, 1);		/* byte_alignment() */
	while (bw.bits & 7)
		dv_bw_u(&bw, 1, 0);
	dv_bw_finish(&bw, &size);
	dv_hevc_wrap(header, rbsp, size, out, cap, &pos);
	memcpy(out + pos, tail, sizeof(tail));
	return pos + sizeof(tail);
}

/*
 * An IDR slice whose header holds 00 00 00 (found by this target): PPS id
 * 63, then a 16-bit slice_segment_address (4096x2304 in 16x16 CTBs), seven
 * slice_reserved_flags and slice_type I, all zero bits but the ones of
 * ue(63) and ue(2). The NAL unit is kept whole, so the rewrite check must
 * see it whole too.
 */
static const uint8_t idr_zeros[] = { 0, 0, 1, 20 << 1, 1, 0x00, 0x80, 0x00, 0x00, 0x00, 0xc0 };

static void idr_zeros_pps(struct v4l2_ctrl_hevc_pps *pps)
{
	pps->pic_parameter_set_id = 63;
	pps->num_extra_slice_header_bits = 7;
	pps->flags = V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED;
}

void dv_fuzz_seeds(void)
{
	struct request r;
	struct dv_fuzz_out o = { 0 };
	uint8_t slice[128];
	size_t n;

	memset(&r, 0, sizeof(r));
	r.sps.pic_width_in_luma_samples = 64;
	r.sps.pic_height_in_luma_samples = 64;
	r.sps.chroma_format_idc = 1;
	r.sps.log2_diff_max_min_luma_coding_block_size = 3;
	r.sps.log2_diff_max_min_luma_transform_block_size = 0;
	r.sps.log2_max_pic_order_cnt_lsb_minus4 = 4;
	r.sps.num_short_term_ref_pic_sets = 2;
	r.dp.pic_order_cnt_val = 2;
	r.dp.num_active_dpb_entries = 1;
	r.dp.num_poc_st_curr_before = 1;
	r.dp.poc_st_curr_before[0] = 0;

	fz_put_u8(&o, 0);
	fz_put(&o, &r.sps, sizeof(r.sps));
	fz_put(&o, &r.pps, sizeof(r.pps));
	fz_put(&o, &r.dp, sizeof(r.dp));
	n = seed_slice(slice, sizeof(slice), 1);
	fz_put(&o, slice, n);
	fz_out_seed(&o, "idr", 1);

	fz_put_u8(&o, 0);
	fz_put(&o, &r.sps, sizeof(r.sps));
	fz_put(&o, &r.pps, sizeof(r.pps));
	fz_put(&o, &r.dp, sizeof(r.dp));
	n = seed_slice(slice, sizeof(slice), 0);
	fz_put(&o, slice, n);
	fz_put(&o, slice, n);	/* two slices (the second one is the first again) */
	fz_out_seed(&o, "p_sps_set", 1);

	r.sps.flags = V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED;
	fz_put_u8(&o, F_MATRIX);
	fz_put(&o, &r.sps, sizeof(r.sps));
	fz_put(&o, &r.pps, sizeof(r.pps));
	fz_put(&o, &r.dp, sizeof(r.dp));
	memset(&r.matrix, 16, sizeof(r.matrix));
	fz_put(&o, &r.matrix, sizeof(r.matrix));
	n = seed_slice(slice, sizeof(slice), 0);
	fz_put(&o, slice, n);
	fz_out_seed(&o, "p_scaling", 1);

	r.sps.flags = 0;
	r.sps.pic_width_in_luma_samples = 4096;
	r.sps.pic_height_in_luma_samples = 2304;
	r.sps.log2_diff_max_min_luma_coding_block_size = 1;
	fz_put_u8(&o, F_RAW_SPS);
	fz_put(&o, &r.sps, sizeof(r.sps));
	idr_zeros_pps(&r.pps);
	fz_put(&o, &r.pps, sizeof(r.pps));
	fz_put(&o, &r.dp, sizeof(r.dp));
	fz_put(&o, idr_zeros, sizeof(idr_zeros));
	fz_out_seed(&o, "idr_zeros_in_header", 1);
}
