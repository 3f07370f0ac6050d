// SPDX-License-Identifier: BSD-2-Clause
/* NAL unit splitting, and the access unit built from a request. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ctrl_builder.h"
#include "rebuild/h264/h264_access_unit.h"
#include "rebuild/h264/h264_bitstream.h"
#include "h264_test_parse.h"

DV_TEST_DEFINE_FAILURES;

struct nal_ref {
	size_t offset;
	size_t size;
};

static void expect_nals(const char *name, const uint8_t *buf, size_t size,
			int annex_b, const struct nal_ref *want, size_t count)
{
	struct dv_h264_nal_reader r;
	const uint8_t *nal;
	size_t nal_size, n = 0;

	dv_h264_nal_reader_init(&r, buf, size, annex_b);
	while (dv_h264_next_nal(&r, &nal, &nal_size)) {
		CHECK(n < count, "%s: extra NAL at %td", name, nal - buf);
		if (n < count) {
			CHECK(nal == buf + want[n].offset && nal_size == want[n].size,
			      "%s: NAL %zu at %td size %zu, want %zu size %zu",
			      name, n, nal - buf, nal_size, want[n].offset,
			      want[n].size);
		}
		n++;
	}
	CHECK(n == count, "%s: %zu NALs, want %zu", name, n, count);
	/* The end stays the end. */
	CHECK(!dv_h264_next_nal(&r, &nal, &nal_size), "%s: NAL after end", name);
}

static void test_split(void)
{
	/* 4-byte and 3-byte start codes, a zero byte inside a NAL (00 00 03
	 * escaping kept), trailing zeros, an empty NAL. */
	static const uint8_t annexb[] = {
		0x00, 0x00, 0x00, 0x01, 0x65, 0x88, 0x00, 0x00, 0x03, 0x01, 0x7f,
		0x00, 0x00, 0x01, 0x41, 0x9a, 0x00, 0x00,
		0x00, 0x00, 0x01,			/* empty: skipped */
		0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00,
	};
	static const struct nal_ref annexb_nals[] = {
		{ 4, 7 }, { 14, 2 }, { 24, 2 },
	};
	static const uint8_t garbage_first[] = {
		0xff, 0x12, 0x00, 0x00, 0x01, 0x06, 0x05,
	};
	static const struct nal_ref garbage_nals[] = { { 5, 2 } };
	static const uint8_t truncated[] = { 0x00, 0x00 };
	static const uint8_t only_start[] = { 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t no_start[] = { 0x65, 0x88, 0x84, 0x00 };
	static const struct nal_ref no_start_nals[] = { { 0, 3 } };
	static const struct nal_ref whole_nals[] = { { 0, 3 } };

	expect_nals("annex-b", annexb, sizeof(annexb), 1, annexb_nals, 3);
	expect_nals("garbage first", garbage_first, sizeof(garbage_first), 1,
		    garbage_nals, 1);
	expect_nals("truncated", truncated, sizeof(truncated), 1, NULL, 0);
	expect_nals("start code only", only_start, sizeof(only_start), 1, NULL, 0);
	expect_nals("empty", annexb, 0, 1, NULL, 0);
	expect_nals("null", NULL, 0, 1, NULL, 0);
	expect_nals("no start code in annex-b mode", no_start, sizeof(no_start),
		    1, NULL, 0);
	/* Without start codes the buffer is one NAL unit (trailing zero
	 * bytes are not part of it). */
	expect_nals("no start code mode", no_start, sizeof(no_start), 0,
		    no_start_nals, 1);
	expect_nals("no start code mode, empty", no_start, 0, 0, NULL, 0);
	expect_nals("no start code mode, zeros", truncated, sizeof(truncated),
		    0, NULL, 0);
	expect_nals("no start code mode, whole", no_start, 3, 0, whole_nals, 1);
}

static void test_nal_choice(void)
{
	static const uint8_t types[] = { 1, 5, 6, 7, 8, 9, 10, 11, 12, 14, 20 };
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		uint8_t header = (uint8_t)(0x60 | types[i]);

		CHECK_EQ(dv_h264_nal_is_decoded(&header, 1),
			 types[i] == 1 || types[i] == 5);
	}
	CHECK_EQ(dv_h264_nal_is_decoded(NULL, 0), 0);
}

static void make_ctrls(struct dv_ctrl_builder *b, int32_t start_code)
{
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;

	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	sps.profile_idc = 66;
	sps.level_idc = 30;
	sps.chroma_format_idc = 1;
	sps.pic_order_cnt_type = 2;
	sps.max_num_ref_frames = 1;
	sps.pic_width_in_mbs_minus1 = 3;
	sps.pic_height_in_map_units_minus1 = 3;
	sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
	dv_ctrl_builder_init(b);
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_H264_SPS, &sps, sizeof(sps));
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_H264_PPS, &pps, sizeof(pps));
	dv_ctrl_builder_add(b, V4L2_CID_STATELESS_H264_START_CODE, &start_code,
			    sizeof(start_code));
}

/* memmem() is a GNU extension: a portable one for the checks. */
static int contains(const uint8_t *hay, size_t size, const char *needle,
		    size_t len)
{
	size_t i;

	for (i = 0; i + len <= size; i++)
		if (!memcmp(hay + i, needle, len))
			return 1;
	return 0;
}

/* Counts the NAL units of each type in an Annex-B buffer. */
static void count_types(const struct dv_bytebuf *au, unsigned int count[32])
{
	struct dv_h264_nal_reader r;
	const uint8_t *nal;
	size_t size;

	memset(count, 0, 32 * sizeof(count[0]));
	dv_h264_nal_reader_init(&r, au->data, au->size, 1);
	while (dv_h264_next_nal(&r, &nal, &size))
		count[nal[0] & 0x1f]++;
}

static void test_access_unit(void)
{
	/* SPS, PPS, SEI, AUD from the client: dropped; two slices kept. */
	static const uint8_t buf[] = {
		0x00, 0x00, 0x00, 0x01, 0x09, 0xf0,
		0x00, 0x00, 0x00, 0x01, 0x67, 0x42, 0x00, 0x1e, 0xab,
		0x00, 0x00, 0x01, 0x68, 0xce, 0x38, 0x80,
		0x00, 0x00, 0x01, 0x06, 0x05, 0x01, 0x80,
		0x00, 0x00, 0x01, 0x65, 0x88, 0x80, 0x10,
		0x00, 0x00, 0x01, 0x65, 0x00, 0x00, 0x03, 0x01, 0x80,
	};
	static const uint8_t sei_only[] = { 0x00, 0x00, 0x01, 0x06, 0x05, 0x80 };
	static const uint8_t one_slice[] = { 0x41, 0x9a, 0x02, 0x80 };
	struct dv_h264_au_state st;
	struct dv_h264_au_info info;
	struct dv_ctrl_builder ctrls;
	struct dv_bytebuf au;
	unsigned int count[32];
	int32_t bad_mode = 7;

	dv_bytebuf_init(&au, 64);
	dv_h264_au_forget(&st);
	make_ctrls(&ctrls, V4L2_STATELESS_H264_START_CODE_ANNEX_B);

	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, buf, sizeof(buf),
				  &au, &info), 0);
	count_types(&au, count);
	CHECK_EQ(count[7], 1);
	CHECK_EQ(count[8], 1);
	CHECK_EQ(count[5], 2);
	CHECK_EQ(count[6] + count[9], 0);
	CHECK_EQ(info.slices, 2);
	CHECK_EQ(info.field_pic, 0);
	/* The client's SPS is not the one sent: ours has no 0xab byte. */
	CHECK(!contains(au.data, au.size, "\x67\x42\x00\x1e\xab", 5),
	      "the client's SPS went through");
	/* The escaped slice bytes are passed as they are. */
	CHECK(contains(au.data, au.size, "\x65\x00\x00\x03\x01\x80", 6),
	      "slice bytes changed");

	/* Same parameters next time: not sent again. */
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, buf, sizeof(buf),
				  &au, &info), 0);
	count_types(&au, count);
	CHECK_EQ(count[7] + count[8], 0);
	CHECK_EQ(count[5], 2);
	/* ... until forgotten. */
	dv_h264_au_forget(&st);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, buf, sizeof(buf),
				  &au, &info), 0);
	count_types(&au, count);
	CHECK_EQ(count[7] + count[8], 2);

	/* No slice: an error, and the parameter sets count as not sent. */
	dv_h264_au_forget(&st);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, sei_only,
				  sizeof(sei_only), &au, &info), -EINVAL);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, buf, sizeof(buf),
				  &au, &info), 0);
	count_types(&au, count);
	CHECK_EQ(count[7] + count[8], 2);

	/* No start code: the buffer is the slice. */
	make_ctrls(&ctrls, V4L2_STATELESS_H264_START_CODE_NONE);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, one_slice,
				  sizeof(one_slice), &au, &info), 0);
	count_types(&au, count);
	CHECK_EQ(count[1], 1);
	CHECK(au.size >= sizeof(one_slice) &&
	      !memcmp(au.data + au.size - sizeof(one_slice), one_slice,
		      sizeof(one_slice)), "slice bytes changed");

	/* Unknown start code mode, missing SPS: errors. */
	make_ctrls(&ctrls, bad_mode);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, buf, sizeof(buf),
				  &au, &info), -EINVAL);
	dv_ctrl_builder_init(&ctrls);
	CHECK_EQ(dv_h264_au_build(&st, ctrls.buf, ctrls.size, buf, sizeof(buf),
				  &au, &info), -EINVAL);
	dv_bytebuf_free(&au);
}

int main(void)
{
	test_split();
	test_nal_choice();
	test_access_unit();
	return TEST_RESULT();
}
