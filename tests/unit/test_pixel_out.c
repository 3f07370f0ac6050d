// SPDX-License-Identifier: BSD-2-Clause
/* NV12 and P010 layout, and refusal of buffers that are too small. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "check.h"
#include "output/pixel_out.h"

DV_TEST_DEFINE_FAILURES;

/* A planar picture whose every sample says where it comes from. */
#define SRC_STRIDE 256
struct src_picture {
	uint8_t y[SRC_STRIDE * 16], cb[SRC_STRIDE * 8], cr[SRC_STRIDE * 8];
	struct dv_yuv420_picture pic;
};

static unsigned int sample_value(unsigned int plane, unsigned int x,
				 unsigned int y, unsigned int depth)
{
	return (plane * 97 + x * 13 + y * 29 + 5) % (1u << depth);
}

static void make_source(struct src_picture *s, uint32_t w, uint32_t h,
			unsigned int depth)
{
	uint8_t *planes[3] = { s->y, s->cb, s->cr };
	const unsigned int bps = depth == 8 ? 1 : 2;
	unsigned int p, x, y;

	memset(s, 0xee, sizeof(*s));
	for (p = 0; p < 3; p++) {
		unsigned int pw = p ? (w + 1) / 2 : w;
		unsigned int ph = p ? (h + 1) / 2 : h;

		s->pic.plane[p] = planes[p];
		s->pic.linesize[p] = SRC_STRIDE;	/* wider than the picture */
		for (y = 0; y < ph; y++)
			for (x = 0; x < pw; x++) {
				uint16_t v = (uint16_t)sample_value(p, x, y, depth);

				if (bps == 1)
					planes[p][y * SRC_STRIDE + x] = (uint8_t)v;
				else
					memcpy(&planes[p][y * SRC_STRIDE + 2 * x], &v, 2);
			}
	}
	s->pic.width = w;
	s->pic.height = h;
	s->pic.bit_depth = depth;
}

static struct dv_format make_format(uint32_t fourcc, uint32_t w, uint32_t h,
				    uint32_t bpl)
{
	struct dv_format fmt;

	memset(&fmt, 0, sizeof(fmt));
	fmt.codec = DV_CODEC_ID_H264;
	fmt.capture_fourcc = fourcc;
	fmt.bit_depth = fourcc == V4L2_PIX_FMT_NV12 ? 8 : 10;
	fmt.capture_width = w;
	fmt.capture_height = h;
	fmt.bytesperline = bpl;
	fmt.sizeimage = bpl * (h + (h + 1) / 2);
	return fmt;
}

static unsigned int read_sample(const uint8_t *p, unsigned int bps)
{
	return bps == 1 ? p[0] : (unsigned int)(p[0] | p[1] << 8);
}

static void check_layout(uint32_t w, uint32_t h, unsigned int depth,
			 uint32_t cap_w, uint32_t cap_h, uint32_t bpl)
{
	const uint32_t fourcc = depth == 8 ? V4L2_PIX_FMT_NV12 : V4L2_PIX_FMT_P010;
	const unsigned int bps = depth == 8 ? 1 : 2;
	const unsigned int shift = depth == 8 ? 0 : 6;
	struct dv_format fmt = make_format(fourcc, cap_w, cap_h, bpl);
	struct src_picture src;
	uint8_t *dst;
	uint32_t used = 0;
	unsigned int x, y, bad = 0;

	make_source(&src, w, h, depth);
	dst = malloc(fmt.sizeimage);
	memset(dst, 0xa5, fmt.sizeimage);
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, fmt.sizeimage, &used), 0);
	CHECK_EQ(used, fmt.sizeimage);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			bad += read_sample(dst + y * bpl + x * bps, bps) !=
			       sample_value(0, x, y, depth) << shift;
	for (y = 0; y < (h + 1) / 2; y++)
		for (x = 0; x < (w + 1) / 2; x++) {
			const uint8_t *pair = dst + bpl * cap_h + y * bpl + 2 * x * bps;

			bad += read_sample(pair, bps) !=
			       sample_value(1, x, y, depth) << shift;
			bad += read_sample(pair + bps, bps) !=
			       sample_value(2, x, y, depth) << shift;
		}
	CHECK(!bad, "%ux%u %u-bit in %ux%u/%u: %u wrong samples", w, h, depth,
	      cap_w, cap_h, bpl, bad);
	/* Outside the picture nothing was touched (padding of each line). */
	if (w * bps < bpl)
		CHECK_EQ(dst[w * bps], 0xa5);
	free(dst);
}

static void test_layouts(void)
{
	check_layout(5, 3, 8, 5, 3, 10);	/* odd both ways, tight-ish */
	check_layout(5, 3, 8, 8, 4, 16);	/* picture smaller than CAPTURE */
	check_layout(16, 16, 8, 16, 16, 16);
	check_layout(7, 5, 10, 7, 5, 16);
	check_layout(16, 16, 10, 16, 16, 64);
	/* Whole chunks of the vectorised loops and a tail, both depths. */
	check_layout(100, 9, 8, 104, 10, 128);
	check_layout(100, 9, 10, 104, 10, 256);
	check_layout(64, 4, 10, 64, 4, 128);
}

static void test_refusals(void)
{
	struct dv_format fmt = make_format(V4L2_PIX_FMT_NV12, 6, 4, 8);
	struct src_picture src;
	uint8_t dst[256];
	uint32_t used;

	make_source(&src, 6, 4, 8);
	/* Buffer smaller than the layout: refused, nothing written. */
	memset(dst, 0x5a, sizeof(dst));
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, fmt.sizeimage - 1, &used),
		 -ENOSPC);
	CHECK_EQ(dst[0], 0x5a);
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, 0, &used), -ENOSPC);
	/* Picture larger than CAPTURE. */
	fmt = make_format(V4L2_PIX_FMT_NV12, 4, 4, 8);
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, sizeof(dst), &used), -EINVAL);
	/* Stride shorter than a line (odd width: chroma line is longer). */
	make_source(&src, 5, 4, 8);
	fmt = make_format(V4L2_PIX_FMT_NV12, 5, 4, 5);
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, sizeof(dst), &used), -EINVAL);
	/* Depth and fourcc disagree. */
	fmt = make_format(V4L2_PIX_FMT_P010, 5, 4, 16);
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, sizeof(dst), &used), -EINVAL);
	/* A huge format cannot wrap the size computation. */
	fmt = make_format(V4L2_PIX_FMT_NV12, 5, 0xffffffffu, 0xffffffffu);
	CHECK_EQ(dv_pixel_out_write(&src.pic, &fmt, dst, sizeof(dst), &used), -ENOSPC);
}

int main(void)
{
	test_layouts();
	test_refusals();
	return TEST_RESULT();
}
