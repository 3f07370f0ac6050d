// SPDX-License-Identifier: BSD-2-Clause
/*
 * VP8: the frame tag and first partition header read back from frames
 * written by an independent bool encoder (vp8_test_writer.c), frames
 * refused, the frame tag written from the control for a buffer without
 * it, the control checked against the bitstream, and the reference slots
 * following the headers the way libavcodec does, checked against the
 * timestamps a client names.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "rebuild/vp8/vp8_frame.h"
#include "rebuild/vp8/vp8_header.h"
#include "rebuild/vp8/vp8_refs.h"
#include "vp8_test_writer.h"

DV_TEST_DEFINE_FAILURES;

static uint8_t frame_buf[4096];

static struct vp8w_frame key_frame(void)
{
	struct vp8w_frame f;

	memset(&f, 0, sizeof(f));
	f.key = 1;
	f.show = 1;
	f.width = 175;
	f.height = 99;
	f.lf_level = 20;
	f.sharpness = 3;
	f.lf_adj = 1;
	f.lf_delta_update = 1;
	f.y_ac_qi = 60;
	f.refresh_probs = 1;
	f.filler_bools = 200;
	f.part_size[0] = 40;
	return f;
}

static struct vp8w_frame inter_frame(void)
{
	struct vp8w_frame f = key_frame();

	f.key = 0;
	f.width = f.height = 0;
	f.refresh_last = 1;
	return f;
}

static size_t write_frame(const struct vp8w_frame *f, uint32_t *fps)
{
	size_t n = vp8w_write(f, frame_buf, sizeof(frame_buf), fps);

	CHECK(n > 0, "the test frame does not fit");
	return n;
}

static void test_key_frame(void)
{
	struct vp8w_frame f = key_frame();
	struct dv_vp8_header h;
	uint32_t fps;
	size_t n;

	f.version = 2;
	f.hscale = 1;
	f.vscale = 3;
	f.seg_enabled = f.seg_update_map = f.seg_update_data = 1;
	f.log2_parts = 3;
	f.y_dc_delta = -7;
	for (unsigned int i = 0; i < 8; i++)
		f.part_size[i] = 10 + i;
	n = write_frame(&f, &fps);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), 0);
	CHECK_EQ(h.key_frame, 1);
	CHECK_EQ(h.version, 2);
	CHECK_EQ(h.show_frame, 1);
	CHECK_EQ(h.tag_size, 10);
	CHECK_EQ(h.first_part_size, fps);
	CHECK_EQ(h.width, 175);
	CHECK_EQ(h.height, 99);
	CHECK_EQ(h.horizontal_scale, 1);
	CHECK_EQ(h.vertical_scale, 3);
	CHECK_EQ(h.segmentation_enabled, 1);
	CHECK_EQ(h.update_mb_segmentation_map, 1);
	CHECK_EQ(h.update_segment_feature_data, 1);
	CHECK_EQ(h.loop_filter_level, 20);
	CHECK_EQ(h.sharpness_level, 3);
	CHECK_EQ(h.loop_filter_adj_enable, 1);
	CHECK_EQ(h.mode_ref_lf_delta_update, 1);
	CHECK_EQ(h.num_dct_parts, 8);
	CHECK_EQ(h.y_ac_qi, 60);
	CHECK_EQ(h.refresh_golden_frame, 1);
	CHECK_EQ(h.refresh_alternate_frame, 1);
	CHECK_EQ(h.refresh_last, 1);
	CHECK_EQ(h.refresh_entropy_probs, 1);
}

static void test_inter_frames(void)
{
	struct vp8w_frame f = inter_frame();
	struct dv_vp8_header h;
	uint32_t fps;
	size_t n;

	/* A hidden alt-ref frame: alt-ref refreshed, golden copied from
	 * last, last kept, sign biases, simple filter, 2 partitions. */
	f.show = 0;
	f.refresh_alt = 1;
	f.copy_golden = 1;
	f.refresh_last = 0;
	f.sign_golden = 1;
	f.sign_alt = 1;
	f.filter_type = 1;
	f.log2_parts = 1;
	f.part_size[1] = 3;
	f.refresh_probs = 0;
	n = write_frame(&f, &fps);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), 0);
	CHECK_EQ(h.key_frame, 0);
	CHECK_EQ(h.tag_size, 3);
	CHECK_EQ(h.show_frame, 0);
	CHECK_EQ(h.refresh_golden_frame, 0);
	CHECK_EQ(h.refresh_alternate_frame, 1);
	CHECK_EQ(h.copy_buffer_to_golden, 1);
	CHECK_EQ(h.copy_buffer_to_alternate, 0);
	CHECK_EQ(h.sign_bias_golden, 1);
	CHECK_EQ(h.sign_bias_alternate, 1);
	CHECK_EQ(h.refresh_entropy_probs, 0);
	CHECK_EQ(h.refresh_last, 0);
	CHECK_EQ(h.filter_type, 1);
	CHECK_EQ(h.num_dct_parts, 2);

	/* Golden refreshed, alt-ref from golden, last refreshed. */
	f = inter_frame();
	f.refresh_golden = 1;
	f.copy_alt = 2;
	f.lf_adj = 0;
	n = write_frame(&f, &fps);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), 0);
	CHECK_EQ(h.refresh_golden_frame, 1);
	CHECK_EQ(h.copy_buffer_to_golden, 0);
	CHECK_EQ(h.copy_buffer_to_alternate, 2);
	CHECK_EQ(h.refresh_last, 1);
	CHECK_EQ(h.loop_filter_adj_enable, 0);
}

static void test_refused(void)
{
	struct vp8w_frame f = key_frame();
	struct dv_vp8_header h;
	uint32_t fps;
	size_t n;

	CHECK_EQ(dv_vp8_header_parse(NULL, 10, &h), -EINVAL);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, 2, &h), -EINVAL);
	n = write_frame(&f, &fps);
	/* Cut inside the key frame's tag, inside the first partition. */
	CHECK_EQ(dv_vp8_header_parse(frame_buf, 9, &h), -EINVAL);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, 10 + fps - 1, &h), -EINVAL);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), 0);
	/* Bad start code; zero width. */
	frame_buf[5] = 0x2b;
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), -EINVAL);
	frame_buf[5] = 0x2a;
	frame_buf[6] = frame_buf[7] = 0;
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), -EINVAL);

	/* A zero first partition size. */
	f = inter_frame();
	n = write_frame(&f, &fps);
	frame_buf[0] &= 0x1f;
	frame_buf[1] = frame_buf[2] = 0;
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), -EINVAL);

	/* Partition sizes past the end of the frame. */
	f = inter_frame();
	f.log2_parts = 2;
	f.part_size[0] = f.part_size[1] = f.part_size[2] = 5;
	f.part_size[3] = 0;
	n = write_frame(&f, &fps);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), 0);
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n - 1, &h), -EINVAL);
	/* ... or a partition size table cut short. */
	CHECK_EQ(dv_vp8_header_parse(frame_buf, 3 + fps + 4, &h), -EINVAL);

	/* A header that does not fit its first partition: the tag says a
	 * 1-byte partition. */
	f = key_frame();
	n = write_frame(&f, &fps);
	frame_buf[0] = (uint8_t)((frame_buf[0] & 0x1f) | 1 << 5);
	frame_buf[1] = frame_buf[2] = 0;
	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, &h), -EINVAL);
}

/* A whole frame is decoded as it is; the same frame without its tag gets
 * the tag the control describes, byte for byte. */
static void test_frame_build(void)
{
	static uint8_t copy[4096];
	struct vp8w_frame cases[3];
	struct v4l2_ctrl_vp8_frame ctrl;
	struct dv_vp8_header h;
	struct dv_bytebuf out;
	unsigned int disagree;
	int rebuilt;
	uint32_t fps;
	size_t n;

	cases[0] = key_frame();
	cases[0].hscale = 2;
	cases[0].version = 1;
	cases[1] = inter_frame();
	cases[1].show = 0;
	cases[1].log2_parts = 2;
	for (unsigned int i = 0; i < 4; i++)
		cases[1].part_size[i] = 7 * i + 1;
	cases[2] = inter_frame();
	cases[2].sign_golden = 1;
	dv_bytebuf_init(&out, 64);
	for (unsigned int c = 0; c < 3; c++) {
		const size_t tag = cases[c].key ? 10 : 3;

		n = write_frame(&cases[c], &fps);
		vp8w_control(&cases[c], fps, &ctrl);
		CHECK_EQ(dv_vp8_frame_build(&ctrl, frame_buf, n, &out, &h,
					    &rebuilt, &disagree), 0);
		CHECK_EQ(rebuilt, 0);
		CHECK_EQ(disagree, 0);
		CHECK(out.size == n && !memcmp(out.data, frame_buf, n),
		      "case %u: the frame was changed", c);
		/* No control: the buffer must carry the tag. */
		CHECK_EQ(dv_vp8_frame_build(NULL, frame_buf, n, &out, &h,
					    &rebuilt, &disagree), 0);

		memcpy(copy, frame_buf + tag, n - tag);
		CHECK_EQ(dv_vp8_frame_build(&ctrl, copy, n - tag, &out, &h,
					    &rebuilt, &disagree), 0);
		CHECK_EQ(rebuilt, 1);
		CHECK_EQ(disagree, 0);
		CHECK(out.size == n && !memcmp(out.data, frame_buf, n),
		      "case %u: the rebuilt tag differs", c);
		CHECK_EQ(dv_vp8_frame_build(NULL, copy, n - tag, &out, &h,
					    &rebuilt, &disagree), -EINVAL);
		/* Without its tag and one byte short: neither. */
		CHECK_EQ(dv_vp8_frame_build(&ctrl, copy, n - tag - 1, &out, &h,
					    &rebuilt, &disagree), -EINVAL);
	}

	/* The control's fields that differ from the bitstream are named. */
	n = write_frame(&cases[0], &fps);
	vp8w_control(&cases[0], fps, &ctrl);
	ctrl.width = 176;
	ctrl.flags &= ~V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
	ctrl.quant.y_ac_qi = 1;
	CHECK_EQ(dv_vp8_frame_build(&ctrl, frame_buf, n, &out, &h, &rebuilt,
				    &disagree), 0);
	CHECK_EQ(disagree, DV_VP8_DIFF_SIZE | DV_VP8_DIFF_SHOW |
		 DV_VP8_DIFF_QUANT);
	/* A control saying inter frame, with another first partition size,
	 * for a whole key frame: decoded as it is, the disagreement named. */
	vp8w_control(&cases[0], fps, &ctrl);
	ctrl.flags &= ~V4L2_VP8_FRAME_FLAG_KEY_FRAME;
	ctrl.first_part_size++;
	CHECK_EQ(dv_vp8_frame_build(&ctrl, frame_buf, n, &out, &h, &rebuilt,
				    &disagree), 0);
	CHECK_EQ(rebuilt, 0);
	CHECK_EQ(h.key_frame, 1);
	CHECK_EQ(disagree, DV_VP8_DIFF_KEY | DV_VP8_DIFF_FIRST_PART);
	/* ... but not the same frame without its tag. */
	CHECK_EQ(dv_vp8_frame_build(&ctrl, frame_buf + 10, n - 10, &out, &h,
				    &rebuilt, &disagree), -EINVAL);
	/* 3 token partitions describe no frame: no tag is written for a
	 * buffer whose size would match them (found by fuzz_vp8_frame). */
	n = write_frame(&cases[1], &fps);
	vp8w_control(&cases[1], fps, &ctrl);
	ctrl.num_dct_parts = 3;
	ctrl.dct_part_sizes[2] += ctrl.dct_part_sizes[3] + 3;
	ctrl.dct_part_sizes[3] = 0;
	CHECK_EQ(dv_vp8_frame_build(&ctrl, frame_buf + 3, n - 3, &out, &h,
				    &rebuilt, &disagree), -EINVAL);
	CHECK_EQ(rebuilt, 0);
	/* An empty buffer is refused before anything is appended (found by
	 * fuzz_vp8_frame: appending nothing to an empty buffer was undefined
	 * behaviour). */
	dv_bytebuf_free(&out);
	dv_bytebuf_init(&out, 64);
	CHECK_EQ(dv_vp8_frame_build(NULL, frame_buf, 0, &out, &h, &rebuilt,
				    &disagree), -EINVAL);
	CHECK(out.data == NULL, "something was appended");
	dv_bytebuf_free(&out);
}

static void header_of(const struct vp8w_frame *f, struct dv_vp8_header *h)
{
	uint32_t fps;
	size_t n = write_frame(f, &fps);

	CHECK_EQ(dv_vp8_header_parse(frame_buf, n, h), 0);
}

static void name(struct v4l2_ctrl_vp8_frame *c, uint64_t last,
		 uint64_t golden, uint64_t alt)
{
	memset(c, 0, sizeof(*c));
	c->last_frame_ts = last;
	c->golden_frame_ts = golden;
	c->alt_frame_ts = alt;
}

static void test_refs(void)
{
	struct dv_vp8_refs refs;
	struct dv_vp8_header h;
	struct v4l2_ctrl_vp8_frame c;
	struct vp8w_frame f;

	dv_vp8_refs_init(&refs);
	/* An inter frame before any key frame: nothing is held. */
	f = inter_frame();
	header_of(&f, &h);
	name(&c, 0, 0, 0);
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c), 7);
	dv_vp8_refs_update(&refs, &h, 1000);
	CHECK_EQ(refs.filled, 0);

	/* Key frame at 0 ns (GStreamer's first frame): every slot. */
	f = key_frame();
	header_of(&f, &h);
	name(&c, 5, 6, 7);		/* ignored for a key frame */
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c), 0);
	dv_vp8_refs_update(&refs, &h, 0);
	name(&c, 0, 0, 0);

	/* 1000: last only. */
	f = inter_frame();
	header_of(&f, &h);
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c), 0);
	dv_vp8_refs_update(&refs, &h, 1000);
	CHECK_EQ(refs.ts[DV_VP8_REF_LAST], 1000);
	CHECK_EQ(refs.ts[DV_VP8_REF_GOLDEN], 0);

	/* 2000: hidden alt-ref, golden copied from last, last kept. */
	f = inter_frame();
	f.show = 0;
	f.refresh_alt = 1;
	f.copy_golden = 1;
	f.refresh_last = 0;
	header_of(&f, &h);
	name(&c, 1000, 0, 0);
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c), 0);
	/* A client naming the wrong golden and alt-ref is told. */
	name(&c, 1000, 2000, 5);
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c),
		 1u << DV_VP8_REF_GOLDEN | 1u << DV_VP8_REF_ALTREF);
	dv_vp8_refs_update(&refs, &h, 2000);
	CHECK_EQ(refs.ts[DV_VP8_REF_LAST], 1000);
	CHECK_EQ(refs.ts[DV_VP8_REF_GOLDEN], 1000);
	CHECK_EQ(refs.ts[DV_VP8_REF_ALTREF], 2000);

	/* 3000: golden refreshed, old golden copied to alt-ref. */
	f = inter_frame();
	f.refresh_golden = 1;
	f.copy_alt = 2;
	header_of(&f, &h);
	dv_vp8_refs_update(&refs, &h, 3000);
	CHECK_EQ(refs.ts[DV_VP8_REF_LAST], 3000);
	CHECK_EQ(refs.ts[DV_VP8_REF_GOLDEN], 3000);
	CHECK_EQ(refs.ts[DV_VP8_REF_ALTREF], 1000);

	/* 4000, 5000: last refreshed; then both copies at once read the
	 * slots as they were (libavcodec's order): golden <- alt-ref (1000),
	 * alt-ref <- golden (3000). */
	f = inter_frame();
	header_of(&f, &h);
	dv_vp8_refs_update(&refs, &h, 4000);
	f.refresh_last = 0;
	f.copy_golden = 2;
	f.copy_alt = 2;
	header_of(&f, &h);
	name(&c, 4000, 3000, 1000);
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c), 0);
	dv_vp8_refs_update(&refs, &h, 5000);
	CHECK_EQ(refs.ts[DV_VP8_REF_LAST], 4000);
	CHECK_EQ(refs.ts[DV_VP8_REF_GOLDEN], 1000);
	CHECK_EQ(refs.ts[DV_VP8_REF_ALTREF], 3000);
	/* Copies from last: both take the old last. */
	f.copy_golden = 1;
	f.copy_alt = 1;
	f.refresh_last = 1;
	header_of(&f, &h);
	dv_vp8_refs_update(&refs, &h, 6000);
	CHECK_EQ(refs.ts[DV_VP8_REF_LAST], 6000);
	CHECK_EQ(refs.ts[DV_VP8_REF_GOLDEN], 4000);
	CHECK_EQ(refs.ts[DV_VP8_REF_ALTREF], 4000);

	/* A reset forgets everything. */
	dv_vp8_refs_init(&refs);
	name(&c, 6000, 4000, 4000);
	CHECK_EQ(dv_vp8_refs_check(&refs, &h, &c), 7);
	CHECK(!strcmp(dv_vp8_ref_name(DV_VP8_REF_ALTREF), "alt-ref"), "name");
}

int main(void)
{
	test_key_frame();
	test_inter_frames();
	test_refused();
	test_frame_build();
	test_refs();
	return TEST_RESULT();
}
