// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bugs the libFuzzer targets of tests/fuzz found, each reproduced with a
 * hand-made input (the fuzzers are not needed to run them: this builds
 * and runs under the usual ASan + UBSan unit test build).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ctrl_builder.h"
#include "rebuild/h264/h264_access_unit.h"
#include "rebuild/h264/h264_bitstream.h"
#ifdef DV_HAVE_AV1
#include "rebuild/av1/av1_rebuild.h"
#endif

DV_TEST_DEFINE_FAILURES;

/* ---- H.264 ------------------------------------------------------------ */

static void h264_ctrls(struct dv_ctrl_builder *b, int32_t start_code)
{
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;

	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	sps.profile_idc = 66;
	sps.chroma_format_idc = 1;
	sps.pic_order_cnt_type = 2;
	sps.pic_width_in_mbs_minus1 = 3;
	sps.pic_height_in_map_units_minus1 = 3;
	sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
	dv_ctrl_builder_init(b);
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_H264_SPS, &sps, sizeof(sps));
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_H264_PPS, &pps, sizeof(pps));
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_H264_START_CODE, &start_code,
			    sizeof(start_code));
}

static unsigned int count_nals(const struct dv_bytebuf *au, unsigned int type)
{
	struct dv_h264_nal_reader r;
	const uint8_t *nal;
	unsigned int n = 0;
	size_t size;

	dv_h264_nal_reader_init(&r, au->data, au->size, 1);
	while (dv_h264_next_nal(&r, &nal, &size))
		n += (nal[0] & 0x1f) == type;
	return n;
}

/*
 * fuzz_h264_rebuild: with START_CODE_NONE the buffer is the slice NAL
 * unit, copied behind a start code; a 00 00 01 inside it (which no NAL
 * unit has) started NAL units of the client's choosing in the access unit
 * libavcodec got: here an SPS and an end of stream, which the daemon
 * otherwise never lets through. Now such a buffer is refused.
 */
static void test_h264_start_code_in_bare_nal(void)
{
	static const uint8_t smuggler[] = {
		0x65, 0x88, 0x84, 0x21,
		0x00, 0x00, 0x01, 0x67, 0x64, 0x00, 0x33, 0xac,	/* SPS */
		0x00, 0x00, 0x01, 0x0b,				/* end of stream */
	};
	/* Escaped zeros are fine: 00 00 03 01 is no start code. */
	static const uint8_t escaped[] = { 0x65, 0x88, 0x00, 0x00, 0x03, 0x01, 0x80 };
	struct dv_h264_au_state st;
	struct dv_h264_au_info info;
	struct dv_ctrl_builder ctrls;
	struct dv_bytebuf au;

	dv_bytebuf_init(&au, 64);
	dv_h264_au_forget(&st);
	h264_ctrls(&ctrls, V4L2_STATELESS_H264_START_CODE_NONE);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, smuggler,
				  sizeof(smuggler), &au, &info), -EINVAL);
	CHECK(count_nals(&au, 7) <= 1 && !count_nals(&au, 11),
	      "the client's NAL units reached the access unit");
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, escaped,
				  sizeof(escaped), &au, &info), 0);
	CHECK_EQ(info.slices, 1);
	CHECK_EQ(count_nals(&au, 5), 1);
	/* Annex-B: the same bytes are split, and only the slice is kept. */
	h264_ctrls(&ctrls, V4L2_STATELESS_H264_START_CODE_ANNEX_B);
	dv_h264_au_forget(&st);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, smuggler,
				  sizeof(smuggler), &au, &info), -EINVAL);
	dv_bytebuf_free(&au);
}

/* ---- AV1 -------------------------------------------------------------- */

#ifdef DV_HAVE_AV1
static void av1_seq(struct v4l2_ctrl_av1_sequence *seq)
{
	memset(seq, 0, sizeof(*seq));
	seq->flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
		     V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y |
		     V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT;
	seq->order_hint_bits = 7;
	seq->bit_depth = 8;
	seq->max_frame_width_minus_1 = 175;
	seq->max_frame_height_minus_1 = 143;
}

/* A 176x144 inter frame in one tile, compound references allowed. */
static void av1_inter(struct v4l2_ctrl_av1_frame *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->frame_type = V4L2_AV1_INTER_FRAME;
	f->flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME | V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT;
	f->primary_ref_frame = 7;
	f->refresh_frame_flags = 0x01;
	f->frame_width_minus_1 = 175;
	f->frame_height_minus_1 = 143;
	f->render_width_minus_1 = 175;
	f->render_height_minus_1 = 143;
	f->tile_info.tile_cols = 1;
	f->tile_info.tile_rows = 1;
	f->quantization.base_q_idx = 60;
	f->tx_mode = V4L2_AV1_TX_MODE_SELECT;
	for (i = 0; i < 7; i++)
		f->ref_frame_idx[i] = (int8_t)i;
}

static int av1_header(const struct v4l2_ctrl_av1_frame *f,
		      const struct dv_av1_refs *refs, uint8_t *out, size_t *size)
{
	struct v4l2_ctrl_av1_sequence seq;

	av1_seq(&seq);
	return dv_av1_write_frame_header(&seq, f, NULL, refs, out, 256, size);
}

/*
 * fuzz_av1_rebuild: the skip mode derivation compared order hints as
 * (int32_t)a - (int32_t)b, which overflows (undefined behaviour) for the
 * 32-bit hints a client may put in the controls; only their low
 * order_hint_bits are coded. The header must be the one the low bits give.
 */
static void test_av1_order_hint_overflow(void)
{
	struct v4l2_ctrl_av1_frame f, low;
	struct dv_av1_refs refs, low_refs;
	uint8_t a[256], b[256];
	size_t a_size = 0, b_size = 0;

	av1_inter(&f);
	low = f;
	dv_av1_refs_reset(&refs);
	low_refs = refs;
	f.order_hint = 0x80000000u;	/* 0 - INT32_MIN */
	low.order_hint = 0;
	CHECK_EQ(av1_header(&f, &refs, a, &a_size), 0);
	CHECK_EQ(av1_header(&low, &low_refs, b, &b_size), 0);
	CHECK(a_size == b_size && !memcmp(a, b, a_size),
	      "order hint 0x80000000 is not coded as 0");

	/* What the fuzzer had: a slot holding INT32_MIN, hint 1. */
	refs.order_hint[0] = 0x80000000u;
	low_refs.order_hint[0] = 0;
	f.order_hint = low.order_hint = 1;
	CHECK_EQ(av1_header(&f, &refs, a, &a_size), 0);
	CHECK_EQ(av1_header(&low, &low_refs, b, &b_size), 0);
	CHECK(a_size == b_size && !memcmp(a, b, a_size),
	      "slot hint 0x80000000 is not taken as 0");
}

/*
 * fuzz_av1_rebuild: tile_info() worked from the FRAME control's frame
 * width, which nothing tied to the upscaled width the header carries; a
 * frame width near 2^32 with a tall frame overflowed the tile count
 * arithmetic (a shift by 32, then a loop of up to 2^32 turns). The frame
 * width must now be the one the decoder derives from the upscaled width.
 */
static void test_av1_frame_width(void)
{
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_frame f;
	struct dv_av1_refs refs;
	uint8_t out[256];
	size_t size;

	av1_seq(&seq);
	seq.flags |= V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES;
	seq.max_frame_height_minus_1 = 2559;
	dv_av1_refs_reset(&refs);
	av1_inter(&f);
	f.frame_type = V4L2_AV1_KEY_FRAME;
	f.refresh_frame_flags = 0xff;
	f.frame_height_minus_1 = 2559;
	f.upscaled_width = 176;
	CHECK_EQ(dv_av1_write_frame_header(&seq, &f, NULL, &refs, out,
					   sizeof(out), &size), 0);
	/* What the fuzzer had. */
	f.frame_width_minus_1 = 0xfffffff0u;
	CHECK_EQ(dv_av1_write_frame_header(&seq, &f, NULL, &refs, out,
					   sizeof(out), &size), -EINVAL);
	f.frame_width_minus_1 = 99;
	CHECK_EQ(dv_av1_write_frame_header(&seq, &f, NULL, &refs, out,
					   sizeof(out), &size), -EINVAL);
	/* Superres 8/16: (176 * 8 + 8) / 16 = 88 wide, not 89. */
	f.flags |= V4L2_AV1_FRAME_FLAG_USE_SUPERRES;
	f.superres_denom = 16;
	f.frame_width_minus_1 = 87;
	CHECK_EQ(dv_av1_write_frame_header(&seq, &f, NULL, &refs, out,
					   sizeof(out), &size), 0);
	f.frame_width_minus_1 = 88;
	CHECK_EQ(dv_av1_write_frame_header(&seq, &f, NULL, &refs, out,
					   sizeof(out), &size), -EINVAL);
}

/*
 * fuzz_av1_rebuild: a global motion parameter near INT32_MIN overflowed
 * value - round (int32_t) when checked for being representable.
 */
static void test_av1_global_motion_overflow(void)
{
	struct v4l2_ctrl_av1_frame f;
	struct dv_av1_refs refs;
	uint8_t out[256];
	size_t size;

	dv_av1_refs_reset(&refs);
	av1_inter(&f);
	f.global_motion.type[1] = V4L2_AV1_WARP_MODEL_ROTZOOM;
	f.global_motion.params[1][2] = (1 << 16) + 64;
	f.global_motion.params[1][3] = -32;
	CHECK_EQ(av1_header(&f, &refs, out, &size), 0);
	f.global_motion.params[1][2] = INT32_MIN;	/* what the fuzzer had */
	CHECK_EQ(av1_header(&f, &refs, out, &size), -EINVAL);
	f.global_motion.params[1][2] = INT32_MIN + 65534;
	CHECK_EQ(av1_header(&f, &refs, out, &size), -EINVAL);
	f.global_motion.params[1][2] = INT32_MAX;
	CHECK_EQ(av1_header(&f, &refs, out, &size), -EINVAL);
}
#endif

int main(void)
{
	test_h264_start_code_in_bare_nal();
#ifdef DV_HAVE_AV1
	test_av1_order_hint_overflow();
	test_av1_frame_width();
	test_av1_global_motion_overflow();
#endif
	return TEST_RESULT();
}
