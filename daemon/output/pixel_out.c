// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include <linux/videodev2.h>

#include "util/log.h"
#include "output/pixel_out.h"

static void dv_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t dv_get_ne16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* One luma line. P010 keeps the 10 bits in the top of each 16-bit word. */
static void dv_write_luma_line(const uint8_t *src, uint8_t *dst,
			       uint32_t width, unsigned int bps)
{
	uint32_t x;

	if (bps == 1) {
		memcpy(dst, src, width);
		return;
	}
	for (x = 0; x < width; x++)
		dv_put_le16(dst + 2 * x, (uint16_t)(dv_get_ne16(src + 2 * x) << 6));
}

static void dv_write_chroma_line(const uint8_t *cb, const uint8_t *cr,
				 uint8_t *dst, uint32_t width, unsigned int bps)
{
	uint32_t x;

	for (x = 0; x < width; x++) {
		if (bps == 1) {
			dst[2 * x] = cb[x];
			dst[2 * x + 1] = cr[x];
		} else {
			dv_put_le16(dst + 4 * x,
				    (uint16_t)(dv_get_ne16(cb + 2 * x) << 6));
			dv_put_le16(dst + 4 * x + 2,
				    (uint16_t)(dv_get_ne16(cr + 2 * x) << 6));
		}
	}
}

int dv_pixel_out_write(const struct dv_yuv420_picture *pic,
		       const struct dv_format *fmt, uint8_t *dst,
		       size_t dst_size, uint32_t *bytesused)
{
	const uint32_t want_fourcc = pic->bit_depth == 8 ? V4L2_PIX_FMT_NV12 :
							   V4L2_PIX_FMT_P010;
	const unsigned int bps = pic->bit_depth == 8 ? 1 : 2;
	const uint32_t chroma_w = (pic->width + 1) / 2;
	const uint32_t chroma_h = (pic->height + 1) / 2;
	uint64_t luma_size, layout;
	uint8_t *chroma;
	uint32_t y;

	if ((pic->bit_depth != 8 && pic->bit_depth != 10) ||
	    fmt->capture_fourcc != want_fourcc) {
		dv_err("pixel out: a %u-bit picture cannot go to CAPTURE format 0x%08x",
		       pic->bit_depth, fmt->capture_fourcc);
		return -EINVAL;
	}
	if (pic->width > fmt->capture_width || pic->height > fmt->capture_height) {
		dv_err("pixel out: picture %ux%u is larger than CAPTURE %ux%u",
		       pic->width, pic->height, fmt->capture_width,
		       fmt->capture_height);
		return -EINVAL;
	}
	/* A chroma line holds 2 samples per pair, and an odd width rounds up,
	 * so it can be longer than a luma line: check both. */
	if ((uint64_t)fmt->capture_width * bps > fmt->bytesperline ||
	    (uint64_t)(fmt->capture_width + 1) / 2 * 2 * bps > fmt->bytesperline) {
		dv_err("pixel out: bytesperline %u is too small for width %u",
		       fmt->bytesperline, fmt->capture_width);
		return -EINVAL;
	}
	luma_size = (uint64_t)fmt->bytesperline * fmt->capture_height;
	layout = luma_size + (uint64_t)fmt->bytesperline *
			     ((fmt->capture_height + 1) / 2);
	if (layout > dst_size || layout > UINT32_MAX) {
		dv_err("pixel out: CAPTURE layout needs %llu bytes, the buffer has %zu",
		       (unsigned long long)layout, dst_size);
		return -ENOSPC;
	}
	for (y = 0; y < pic->height; y++)
		dv_write_luma_line(pic->plane[0] + (ptrdiff_t)y * pic->linesize[0],
				   dst + (size_t)y * fmt->bytesperline,
				   pic->width, bps);
	chroma = dst + luma_size;
	for (y = 0; y < chroma_h; y++)
		dv_write_chroma_line(pic->plane[1] + (ptrdiff_t)y * pic->linesize[1],
				     pic->plane[2] + (ptrdiff_t)y * pic->linesize[2],
				     chroma + (size_t)y * fmt->bytesperline,
				     chroma_w, bps);
	*bytesused = (uint32_t)layout;
	return 0;
}
