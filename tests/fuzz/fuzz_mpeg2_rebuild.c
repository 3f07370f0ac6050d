// SPDX-License-Identifier: BSD-2-Clause
/*
 * MPEG-2 requests through dv_mpeg2_build() (daemon/rebuild/mpeg2/), the
 * function the libavcodec backend builds its packet with, up to 8 of them
 * on one stream state; no libavcodec is involved.
 *
 * What is checked when a request is accepted: the picture parses back
 * (tests/unit/mpeg2_test_parse.c, written from the specification) to the
 * controls' values: the sequence when it is new or changed (and never
 * before a second field), the picture, the matrices; its slices are
 * exactly the buffer's slice units, split here independently; the
 * references the state holds are the last two I/P timestamps accepted.
 *
 * Input: up to 8 requests, each
 *   u8 flags: bit 0 a quantisation record, bit 1 dv_mpeg2_forget() first,
 *     bit 2 the records in reverse order, bit 3 no sequence record;
 *   u8 timestamp (x 1000);
 *   12 bytes of sequence control, 32 of picture control (as is: the
 *   daemon sees what a kernel of another version, or a bug, would send);
 *   a quantisation seed byte (matrices made from it, zeros possible);
 *   u16 bitstream length, then that many bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "fuzz_common.h"
#include "mpeg2_test_parse.h"
#include "rebuild/mpeg2/mpeg2_rebuild.h"
#include "util/bytebuf.h"

enum {
	R_QUANT = 1,
	R_FORGET = 2,
	R_REVERSE = 4,
	R_NO_SEQUENCE = 8,
};

#define MAX_REQUESTS	8

static size_t next_sc(const uint8_t *p, size_t n, size_t i)
{
	for (; i + 3 <= n; i++)
		if (!p[i] && !p[i + 1] && p[i + 2] == 1)
			return i;
	return n;
}

/* The slice units of @p, concatenated, by a splitter of our own. */
static void split_slices(const uint8_t *p, size_t n, struct dv_bytebuf *out,
			 unsigned int *count)
{
	size_t i = next_sc(p, n, 0);

	*count = 0;
	while (i + 4 <= n) {
		size_t end = next_sc(p, n, i + 3);

		if (p[i + 3] >= 1 && p[i + 3] <= 0xaf) {
			FZ_ASSERT(dv_bytebuf_append(out, p + i, end - i) == 0, "oom");
			(*count)++;
		}
		i = end;
	}
}

static void make_quant(struct v4l2_ctrl_mpeg2_quantisation *q, uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < 64; i++) {
		q->intra_quantiser_matrix[i] = (uint8_t)(seed * (i + 1) + 1);
		q->non_intra_quantiser_matrix[i] = (uint8_t)(seed ^ (i * 29));
		q->chroma_intra_quantiser_matrix[i] = (uint8_t)i;
		q->chroma_non_intra_quantiser_matrix[i] = 0;
	}
}

static void check_accepted(const struct dv_mpeg2_state *before,
			   const struct dv_mpeg2_state *st,
			   const struct v4l2_ctrl_mpeg2_sequence *seq,
			   const struct v4l2_ctrl_mpeg2_picture *pic,
			   const struct v4l2_ctrl_mpeg2_quantisation *quant,
			   const struct dv_mpeg2_info *info, uint64_t ts,
			   const uint8_t *bs, size_t bs_size,
			   const struct dv_bytebuf *out)
{
	struct dv_bytebuf want;
	struct t_mpeg2 m;
	uint8_t *slices = malloc(out->size + 1);
	size_t slices_size;
	unsigned int count;
	int n, seq_expected;

	dv_bytebuf_init(&want, 0);
	split_slices(bs, bs_size, &want, &count);
	FZ_ASSERT(count && count == info->slices, "%u slices, %u said", count,
		  info->slices);

	t_mpeg2_init(&m);
	n = t_mpeg2_parse(&m, out->data, out->size, slices, out->size, &slices_size);
	FZ_ASSERT(n == (int)count, "the picture parses back with %d slices, %u expected",
		  n, count);
	FZ_ASSERT(slices_size == want.size && !memcmp(slices, want.data, want.size),
		  "slices differ");
	seq_expected = !info->second_field &&
		       (!before->seq_sent || memcmp(seq, &before->seq, sizeof(*seq)));
	FZ_ASSERT(m.have_sequence == seq_expected && m.have_sequence_ext == seq_expected,
		  "sequence header %d, expected %d", m.have_sequence, seq_expected);
	if (seq_expected) {
		uint32_t vbv = seq->vbv_buffer_size / (16 * 1024);

		FZ_ASSERT(m.seq.horizontal_size == seq->horizontal_size &&
			  m.seq.vertical_size == seq->vertical_size &&
			  m.seq.chroma_format == seq->chroma_format &&
			  m.seq.flags == (seq->flags & V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE),
			  "sequence fields");
		FZ_ASSERT(m.vbv_buffer_size_value == (vbv > 0x3ffff ? 0x3ffff : vbv), "vbv");
		FZ_ASSERT(m.seq.profile_and_level_indication ==
			  (seq->profile_and_level_indication ?
			   (seq->profile_and_level_indication & 0xff) : 0x48), "profile");
	}
	FZ_ASSERT(m.have_picture && m.have_picture_ext, "no picture header");
	FZ_ASSERT(m.pic.picture_coding_type == pic->picture_coding_type &&
		  m.pic.picture_structure == pic->picture_structure &&
		  m.pic.intra_dc_precision == pic->intra_dc_precision &&
		  m.pic.flags == (pic->flags & 0xff) &&
		  m.pic.f_code[0][0] == (pic->f_code[0][0] & 15) &&
		  m.pic.f_code[0][1] == (pic->f_code[0][1] & 15) &&
		  m.pic.f_code[1][0] == (pic->f_code[1][0] & 15) &&
		  m.pic.f_code[1][1] == (pic->f_code[1][1] & 15), "picture fields");
	FZ_ASSERT(!quant || (m.loaded_intra && m.loaded_non_intra &&
			     !memcmp(m.quant.intra_quantiser_matrix,
				     quant->intra_quantiser_matrix, 64) &&
			     !memcmp(m.quant.non_intra_quantiser_matrix,
				     quant->non_intra_quantiser_matrix, 64)),
		  "matrices");
	/* The references: pushed for the first field or frame of I and P. */
	if (!info->second_field && pic->picture_coding_type != V4L2_MPEG2_PIC_CODING_TYPE_B)
		FZ_ASSERT(st->refs.ts[1] == ts && st->refs.ts[0] == before->refs.ts[1] &&
			  st->refs.count == (before->refs.count < 2 ? before->refs.count + 1 : 2),
			  "references after an I/P picture");
	else
		FZ_ASSERT(!memcmp(&st->refs, &before->refs, sizeof(st->refs)),
			  "a B picture or second field moved the references");
	free(slices);
	dv_bytebuf_free(&want);
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	struct dv_mpeg2_state st;
	struct dv_bytebuf out;
	int accepted = 0, r;

	dv_mpeg2_forget(&st);
	dv_bytebuf_init(&out, 16);
	for (r = 0; r < MAX_REQUESTS && in.n; r++) {
		struct v4l2_ctrl_mpeg2_sequence seq;
		struct v4l2_ctrl_mpeg2_picture pic;
		struct v4l2_ctrl_mpeg2_quantisation quant;
		struct dv_fuzz_blk blk = { 0 };
		struct dv_mpeg2_state before;
		struct dv_mpeg2_info info;
		uint8_t flags = fz_u8(&in), *bs;
		uint64_t ts = (uint64_t)fz_u8(&in) * 1000;
		size_t bs_size;
		int ret;

		fz_take(&in, &seq, sizeof(seq));
		fz_take(&in, &pic, sizeof(pic));
		make_quant(&quant, fz_u8(&in));
		bs = fz_bytes(&in, fz_u16(&in), &bs_size);
		if (flags & R_FORGET)
			dv_mpeg2_forget(&st);
		if (flags & R_REVERSE) {
			if (flags & R_QUANT)
				fz_blk_add(&blk, V4L2_CID_STATELESS_MPEG2_QUANTISATION,
					   &quant, sizeof(quant));
			fz_blk_add(&blk, V4L2_CID_STATELESS_MPEG2_PICTURE, &pic, sizeof(pic));
			if (!(flags & R_NO_SEQUENCE))
				fz_blk_add(&blk, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &seq,
					   sizeof(seq));
		} else {
			if (!(flags & R_NO_SEQUENCE))
				fz_blk_add(&blk, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &seq,
					   sizeof(seq));
			fz_blk_add(&blk, V4L2_CID_STATELESS_MPEG2_PICTURE, &pic, sizeof(pic));
			if (flags & R_QUANT)
				fz_blk_add(&blk, V4L2_CID_STATELESS_MPEG2_QUANTISATION,
					   &quant, sizeof(quant));
		}
		before = st;
		ret = dv_mpeg2_build(&st, blk.buf, blk.size, bs, bs_size, ts, &out, &info);
		if (!ret) {
			FZ_ASSERT(!(flags & R_NO_SEQUENCE), "accepted without a sequence");
			check_accepted(&before, &st, &seq, &pic,
				       flags & R_QUANT ? &quant : NULL, &info, ts, bs,
				       bs_size, &out);
			accepted = 1;
		} else {
			FZ_ASSERT(ret == -EINVAL, "unexpected error %d", ret);
			FZ_ASSERT(!memcmp(&st, &before, sizeof(st)),
				  "a refused request changed the state");
		}
		fz_blk_free(&blk);
		free(bs);
	}
	dv_bytebuf_free(&out);
	return accepted;
}

static void put_request(struct dv_fuzz_out *o, uint8_t flags, uint8_t ts,
			uint16_t width, uint16_t height, uint8_t seq_flags,
			uint8_t type, uint8_t structure, uint32_t pic_flags,
			uint8_t quant_seed, const uint8_t *bs, uint16_t bs_size)
{
	struct v4l2_ctrl_mpeg2_sequence seq = {
		.horizontal_size = width, .vertical_size = height,
		.vbv_buffer_size = 112 * 16 * 1024,
		.profile_and_level_indication = 0x48, .chroma_format = 1,
		.flags = seq_flags,
	};
	struct v4l2_ctrl_mpeg2_picture pic = {
		.flags = pic_flags, .f_code = { { 1, 2 }, { 3, 15 } },
		.picture_coding_type = type, .picture_structure = structure,
		.intra_dc_precision = 1,
	};

	fz_put_u8(o, flags);
	fz_put_u8(o, ts);
	fz_put(o, &seq, sizeof(seq));
	fz_put(o, &pic, sizeof(pic));
	fz_put_u8(o, quant_seed);
	fz_put_u16(o, bs_size);
	fz_put(o, bs, bs_size);
}

void dv_fuzz_seeds(void)
{
	static const uint8_t slices[] = {
		0, 0, 1, 0xb8, 0x12, 0x34,		/* GOP header: dropped */
		0, 0, 1, 0x01, 0x11, 0x22, 0x33,
		0, 0, 1, 0x02, 0x44, 0x55, 0x00, 0x00,
	};
	struct dv_fuzz_out o = { 0 };

	/* I, P, B, B with matrices, progressive. */
	put_request(&o, R_QUANT, 1, 176, 144, 1, 1, 3, 0x82, 3, slices, sizeof(slices));
	put_request(&o, R_QUANT, 4, 176, 144, 1, 2, 3, 0x82, 3, slices, sizeof(slices));
	put_request(&o, R_QUANT | R_REVERSE, 2, 176, 144, 1, 3, 3, 0x82, 3, slices,
		    sizeof(slices));
	put_request(&o, 0, 3, 176, 144, 1, 3, 3, 0x82, 0, slices, sizeof(slices));
	fz_out_seed(&o, "ipbb-progressive", 1);

	/* Interlaced: frame pictures with alternate scan, top field first,
	 * then a field pair, then a new size. */
	put_request(&o, R_QUANT, 10, 720, 576, 0, 1, 3, 0x21, 7, slices, sizeof(slices));
	put_request(&o, R_QUANT, 11, 720, 576, 0, 1, 1, 0x21, 7, slices, sizeof(slices));
	put_request(&o, R_QUANT, 11, 720, 576, 0, 2, 2, 0x21, 7, slices, sizeof(slices));
	put_request(&o, R_QUANT | R_FORGET, 12, 4096, 2304, 0, 1, 3, 0x3c, 9, slices,
		    sizeof(slices));
	fz_out_seed(&o, "interlaced-fields-resize", 1);

	/* Refused: no slices, no sequence, 4:2:2 (chroma written below),
	 * zero matrices. */
	put_request(&o, R_QUANT, 1, 176, 144, 1, 1, 3, 0, 3, slices, 6);
	put_request(&o, R_NO_SEQUENCE, 1, 176, 144, 1, 1, 3, 0, 3, slices, sizeof(slices));
	put_request(&o, R_QUANT, 1, 176, 144, 1, 1, 3, 0, 0, slices, sizeof(slices));
	fz_out_seed(&o, "refused", 0);
}
