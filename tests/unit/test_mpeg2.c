// SPDX-License-Identifier: BSD-2-Clause
/*
 * MPEG-2 rebuild: the headers written from the controls, read back by the
 * tests' own parser (every field, sizes past 12 bits, every flag); slices
 * taken from a buffer with other units in it; the sequence sent once and
 * again when it changes, never between two fields; the references the
 * decoder holds followed through I, P and B pictures; and what is refused.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ctrl_builder.h"
#include "mpeg2_test_parse.h"
#include "rebuild/mpeg2/mpeg2_rebuild.h"

DV_TEST_DEFINE_FAILURES;

static const struct v4l2_ctrl_mpeg2_sequence seq_576i = {
	.horizontal_size = 720, .vertical_size = 576,
	.vbv_buffer_size = 112 * 16 * 1024,
	.profile_and_level_indication = 0x48, .chroma_format = 1,
};

static void test_sequence_round_trip(void)
{
	const struct v4l2_ctrl_mpeg2_sequence cases[] = {
		seq_576i,
		{ 4095, 2304, 1000 * 16 * 1024, 0x44, 1, V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE },
		{ 8191, 4097, 1000 * 16 * 1024, 0x44, 1, V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE },
		{ 175, 99, 0, 0x58, 1, V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE },
		{ 1920, 1080, 0x3ffffu * 16 * 1024, 0x48, 1, 0 },
	};
	uint8_t buf[DV_MPEG2_HEADERS_MAX], slices[16];
	size_t i, size, slices_size;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct t_mpeg2 m;

		t_mpeg2_init(&m);
		CHECK_EQ(dv_mpeg2_write_sequence(&cases[i], buf, sizeof(buf), &size), 0);
		CHECK_EQ(t_mpeg2_parse(&m, buf, size, slices, sizeof(slices), &slices_size), 0);
		CHECK(m.have_sequence && m.have_sequence_ext, "case %zu", i);
		CHECK(!memcmp(&m.seq, &cases[i], sizeof(m.seq)),
		      "case %zu: %ux%u vbv %u pl %#x chroma %u flags %#x", i,
		      m.seq.horizontal_size, m.seq.vertical_size,
		      m.seq.vbv_buffer_size, m.seq.profile_and_level_indication,
		      m.seq.chroma_format, m.seq.flags);
		CHECK(!m.loaded_intra && !m.loaded_non_intra, "case %zu", i);
		CHECK(m.frame_rate_code >= 1 && m.frame_rate_code <= 8 &&
		      m.aspect_ratio >= 1 && m.aspect_ratio <= 4, "case %zu", i);
	}
	/* Profile 0 (a client that never set it) becomes Main at Main. */
	{
		struct v4l2_ctrl_mpeg2_sequence s = seq_576i;
		struct t_mpeg2 m;

		s.profile_and_level_indication = 0;
		t_mpeg2_init(&m);
		dv_mpeg2_write_sequence(&s, buf, sizeof(buf), &size);
		t_mpeg2_parse(&m, buf, size, slices, sizeof(slices), &slices_size);
		CHECK_EQ(m.seq.profile_and_level_indication, 0x48);
	}
	CHECK_EQ(dv_mpeg2_write_sequence(&seq_576i, buf, 10, &size), -ENOSPC);
}

static void fill_matrices(struct v4l2_ctrl_mpeg2_quantisation *q, unsigned int seed)
{
	unsigned int i;

	memset(q, 0, sizeof(*q));
	for (i = 0; i < 64; i++) {
		q->intra_quantiser_matrix[i] = (uint8_t)(1 + (i * 37 + seed) % 255);
		q->non_intra_quantiser_matrix[i] = (uint8_t)(1 + (i * 91 + seed * 3) % 255);
	}
}

static void test_picture_round_trip(void)
{
	static const uint32_t flags[] = {
		V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST, V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT,
		V4L2_MPEG2_PIC_FLAG_CONCEALMENT_MV, V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE,
		V4L2_MPEG2_PIC_FLAG_INTRA_VLC, V4L2_MPEG2_PIC_FLAG_ALT_SCAN,
		V4L2_MPEG2_PIC_FLAG_REPEAT_FIRST, V4L2_MPEG2_PIC_FLAG_PROGRESSIVE,
	};
	uint8_t buf[DV_MPEG2_HEADERS_MAX], slices[16];
	size_t size, slices_size;
	unsigned int type, structure, f, dc;

	for (type = 1; type <= 3; type++)
		for (structure = 1; structure <= 3; structure++)
			for (f = 0; f <= sizeof(flags) / sizeof(flags[0]); f++) {
				struct v4l2_ctrl_mpeg2_picture pic = {
					.backward_ref_ts = 77, .forward_ref_ts = 88,
					.f_code = { { (uint8_t)(1 + f), (uint8_t)(2 + type) },
						    { (uint8_t)(9 - f), 15 } },
					.picture_coding_type = (uint8_t)type,
					.picture_structure = (uint8_t)structure,
				};
				struct v4l2_ctrl_mpeg2_quantisation q;
				struct t_mpeg2 m;

				dc = (type + structure + f) % 4;
				pic.intra_dc_precision = (uint8_t)dc;
				/* One flag, or all of them at once. */
				pic.flags = f < sizeof(flags) / sizeof(flags[0]) ? flags[f] : 0xff;
				fill_matrices(&q, type * 16 + structure * 4 + f);
				t_mpeg2_init(&m);
				CHECK_EQ(dv_mpeg2_write_picture(&pic, &q, buf, sizeof(buf), &size), 0);
				CHECK_EQ(t_mpeg2_parse(&m, buf, size, slices, sizeof(slices),
						       &slices_size), 0);
				CHECK(m.have_picture && m.have_picture_ext, "type %u", type);
				/* The parser's view carries no timestamps. */
				pic.backward_ref_ts = pic.forward_ref_ts = 0;
				CHECK(!memcmp(&m.pic, &pic, sizeof(pic)),
				      "type %u structure %u flags %#x: got flags %#x type %u structure %u dc %u",
				      type, structure, pic.flags, m.pic.flags,
				      m.pic.picture_coding_type, m.pic.picture_structure,
				      m.pic.intra_dc_precision);
				CHECK(m.loaded_intra && m.loaded_non_intra, "type %u", type);
				CHECK(!memcmp(m.quant.intra_quantiser_matrix, q.intra_quantiser_matrix, 64) &&
				      !memcmp(m.quant.non_intra_quantiser_matrix,
					      q.non_intra_quantiser_matrix, 64),
				      "type %u: matrices", type);
			}
	/* Without a quantisation control: no quant matrix extension. */
	{
		struct v4l2_ctrl_mpeg2_picture pic = { .picture_coding_type = 1,
						       .picture_structure = 3 };
		struct t_mpeg2 m;

		t_mpeg2_init(&m);
		dv_mpeg2_write_picture(&pic, NULL, buf, sizeof(buf), &size);
		t_mpeg2_parse(&m, buf, size, slices, sizeof(slices), &slices_size);
		CHECK(!m.loaded_intra && !m.loaded_non_intra, "no quant");
		CHECK_EQ(m.pic.picture_coding_type, 1);
	}
}

static void test_slices(void)
{
	static const uint8_t with_others[] = {
		0, 0, 1, 0xb8, 0x12, 0x34, 0x56, 0x78,		/* GOP header */
		0, 0, 1, 0xb2, 'h', 'i',			/* user data */
		0, 0, 1, 0x01, 0x11, 0x22, 0x00, 0x00,		/* slice 1 + stuffing */
		0, 0, 1, 0xaf, 0x33,				/* slice 0xaf */
		0, 0, 1, 0xb0,					/* reserved */
		0, 0, 1, 0x02, 0x44, 0x55,			/* slice 2 */
		0, 0, 1,					/* cut short */
	};
	static const uint8_t want[] = {
		0, 0, 1, 0x01, 0x11, 0x22, 0x00, 0x00,
		0, 0, 1, 0xaf, 0x33,
		0, 0, 1, 0x02, 0x44, 0x55,	/* the cut start code dropped */
	};
	static const uint8_t no_slice[] = { 0, 0, 1, 0xb3, 1, 2, 3, 0, 0, 1, 0xb7 };
	static const uint8_t no_start_code[] = { 0x12, 0x34, 0x56, 0x01, 0x00 };
	struct dv_bytebuf out;
	unsigned int n;

	dv_bytebuf_init(&out, 8);
	CHECK_EQ(dv_mpeg2_append_slices(with_others, sizeof(with_others), &out, &n), 0);
	CHECK_EQ(n, 3);
	CHECK(out.size == sizeof(want) && !memcmp(out.data, want, sizeof(want)),
	      "%zu bytes", out.size);
	dv_bytebuf_clear(&out);
	CHECK_EQ(dv_mpeg2_append_slices(no_slice, sizeof(no_slice), &out, &n), -EINVAL);
	CHECK_EQ(dv_mpeg2_append_slices(no_start_code, sizeof(no_start_code), &out, &n),
		 -EINVAL);
	CHECK_EQ(dv_mpeg2_append_slices(NULL, 0, &out, &n), -EINVAL);
	dv_bytebuf_free(&out);
}

static const uint8_t one_slice[] = { 0, 0, 1, 0x01, 0x12, 0x34 };

static void add_picture(struct dv_ctrl_builder *b,
			const struct v4l2_ctrl_mpeg2_sequence *seq,
			unsigned int type, unsigned int structure,
			uint64_t fwd, uint64_t bwd)
{
	struct v4l2_ctrl_mpeg2_picture pic = {
		.backward_ref_ts = bwd, .forward_ref_ts = fwd,
		.f_code = { { 1, 1 }, { 15, 15 } },
		.picture_coding_type = (uint8_t)type,
		.picture_structure = (uint8_t)structure,
	};
	struct v4l2_ctrl_mpeg2_quantisation q;

	fill_matrices(&q, 3);
	dv_ctrl_builder_init(b);
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_MPEG2_SEQUENCE, seq, sizeof(*seq));
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_MPEG2_PICTURE, &pic, sizeof(pic));
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_MPEG2_QUANTISATION, &q, sizeof(q));
}

/* Whether @out starts with a sequence header. */
static int has_sequence(const struct dv_bytebuf *out)
{
	return out->size > 4 && out->data[3] == 0xb3;
}

static void test_build(void)
{
	struct dv_mpeg2_state st;
	struct dv_mpeg2_info info;
	struct dv_ctrl_builder b;
	struct dv_bytebuf out;
	struct v4l2_ctrl_mpeg2_sequence seq = seq_576i;
	const uint64_t none = UINT64_MAX;

	dv_bytebuf_init(&out, 8);
	dv_mpeg2_forget(&st);

	/* I P B B P: the sequence once, the references followed. */
	add_picture(&b, &seq, 1, 3, none, none);
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice),
				1000, &out, &info), 0);
	CHECK(has_sequence(&out) && info.refs_match && info.slices == 1 &&
	      !info.second_field, "I");
	CHECK(out.size > sizeof(one_slice) &&
	      !memcmp(out.data + out.size - sizeof(one_slice), one_slice, sizeof(one_slice)),
	      "the slice ends the picture");
	add_picture(&b, &seq, 2, 3, 1000, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 4000, &out, &info);
	CHECK(!has_sequence(&out) && info.refs_match, "P");
	add_picture(&b, &seq, 3, 3, 1000, 4000);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 2000, &out, &info);
	CHECK(info.refs_match && info.coding_type == 3, "B");
	add_picture(&b, &seq, 3, 3, 4000, 1000);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 3000, &out, &info);
	CHECK(!info.refs_match, "B with its references swapped");
	add_picture(&b, &seq, 2, 3, 1000, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 7000, &out, &info);
	CHECK(!info.refs_match, "P naming the older reference");
	CHECK(st.refs.ts[0] == 4000 && st.refs.ts[1] == 7000, "refs %llu %llu",
	      (unsigned long long)st.refs.ts[0], (unsigned long long)st.refs.ts[1]);

	/* A changed sequence is sent again. */
	seq.vertical_size = 480;
	add_picture(&b, &seq, 1, 3, none, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 8000, &out, &info);
	CHECK(has_sequence(&out), "new sequence");

	/* Field pictures: top then bottom of one frame (same timestamp); no
	 * sequence header between them; a P second field may predict from
	 * the first. Then a new frame's first field. */
	dv_mpeg2_forget(&st);
	add_picture(&b, &seq, 1, 1, none, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 9000, &out, &info);
	CHECK(has_sequence(&out) && !info.second_field, "first field");
	add_picture(&b, &seq, 2, 2, 9000, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 9000, &out, &info);
	CHECK(!has_sequence(&out) && info.second_field && info.refs_match, "second field");
	add_picture(&b, &seq, 2, 2, 9000, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 10000, &out, &info);
	CHECK(!info.second_field && info.refs_match, "next frame's first field");
	/* Two top fields in a row are no pair. */
	add_picture(&b, &seq, 2, 2, 10000, none);
	dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 10000, &out, &info);
	CHECK(!info.second_field, "same parity");

	/* Refused: no picture control, a zero quantiser, 4:2:2, no slice;
	 * a refusal leaves the state as it was. */
	dv_mpeg2_forget(&st);
	dv_ctrl_builder_init(&b);
	dv_ctrl_builder_add(&b, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &seq, sizeof(seq));
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 1, &out,
				&info), -EINVAL);
	{
		struct v4l2_ctrl_mpeg2_picture pic = { .picture_coding_type = 1,
						       .picture_structure = 3 };
		struct v4l2_ctrl_mpeg2_quantisation q;

		fill_matrices(&q, 1);
		q.non_intra_quantiser_matrix[17] = 0;
		dv_ctrl_builder_add(&b, V4L2_CID_STATELESS_MPEG2_PICTURE, &pic, sizeof(pic));
		dv_ctrl_builder_add(&b, V4L2_CID_STATELESS_MPEG2_QUANTISATION, &q, sizeof(q));
		CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 1,
					&out, &info), -EINVAL);
	}
	seq.chroma_format = 2;
	add_picture(&b, &seq, 1, 3, none, none);
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 1, &out,
				&info), -EINVAL);
	seq.chroma_format = 1;
	/* A width of 4096: horizontal_size_value 0 would emulate a start
	 * code (a fuzz_mpeg2_rebuild find). */
	seq.horizontal_size = 4096;
	add_picture(&b, &seq, 1, 3, none, none);
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 1, &out,
				&info), -EINVAL);
	seq.horizontal_size = 720;
	seq.vertical_size = 8192;
	add_picture(&b, &seq, 1, 3, none, none);
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 1, &out,
				&info), -EINVAL);
	seq.vertical_size = 576;
	add_picture(&b, &seq, 1, 3, none, none);
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, 3, 1, &out, &info), -EINVAL);
	CHECK(!st.seq_sent && !st.refs.count, "state unchanged by refusals");
	/* A picture control of the wrong size (another uAPI layout). */
	dv_ctrl_builder_init(&b);
	dv_ctrl_builder_add(&b, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &seq, sizeof(seq));
	dv_ctrl_builder_add(&b, V4L2_CID_STATELESS_MPEG2_PICTURE, one_slice, sizeof(one_slice));
	CHECK_EQ(dv_mpeg2_build(&st, b.buf, b.size, one_slice, sizeof(one_slice), 1, &out,
				&info), -EINVAL);
	dv_bytebuf_free(&out);
}

int main(void)
{
	test_sequence_round_trip();
	test_picture_round_trip();
	test_slices();
	test_build();
	return TEST_RESULT();
}
