// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include <linux/videodev2.h>

#include "util/log.h"
#include "output/pixel_out.h"

/*
 * The writes are the daemon's own work on every picture (1080p: 3 MB,
 * 6 MB in P010), so they are written for the compiler to vectorise:
 * one function per bit depth (no branch in the inner loop), restrict
 * pointers, and the line in chunks of a fixed number of samples -- GCC's
 * -O2 cost model only vectorises loops whose trip count it knows -- with a
 * scalar tail. Samples go through memcpy: nothing assumes the planes are
 * aligned. P010 keeps the 10 bits in the top of each little-endian 16-bit
 * word.
 */
#define DV_CHUNK 16

static inline uint16_t dv_p010(uint16_t v)
{
	v = (uint16_t)(v << 6);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

static void dv_luma_line_10(const uint8_t *restrict src, uint8_t *restrict dst,
			    uint32_t width)
{
	uint16_t in[DV_CHUNK], out[DV_CHUNK];
	uint32_t x = 0;
	int i;

	for (; x + DV_CHUNK <= width; x += DV_CHUNK) {
		memcpy(in, src + 2 * x, sizeof(in));
		for (i = 0; i < DV_CHUNK; i++)
			out[i] = dv_p010(in[i]);
		memcpy(dst + 2 * x, out, sizeof(out));
	}
	for (; x < width; x++) {
		memcpy(in, src + 2 * x, 2);
		out[0] = dv_p010(in[0]);
		memcpy(dst + 2 * x, out, 2);
	}
}

static void dv_chroma_line_8(const uint8_t *restrict cb, const uint8_t *restrict cr,
			     uint8_t *restrict dst, uint32_t width)
{
	uint8_t out[2 * DV_CHUNK];
	uint32_t x = 0;
	int i;

	for (; x + DV_CHUNK <= width; x += DV_CHUNK) {
		for (i = 0; i < DV_CHUNK; i++) {
			out[2 * i] = cb[x + i];
			out[2 * i + 1] = cr[x + i];
		}
		memcpy(dst + 2 * x, out, sizeof(out));
	}
	for (; x < width; x++) {
		dst[2 * x] = cb[x];
		dst[2 * x + 1] = cr[x];
	}
}

static void dv_chroma_line_10(const uint8_t *restrict cb, const uint8_t *restrict cr,
			      uint8_t *restrict dst, uint32_t width)
{
	uint16_t b[DV_CHUNK], r[DV_CHUNK], out[2 * DV_CHUNK];
	uint32_t x = 0;
	int i;

	for (; x + DV_CHUNK <= width; x += DV_CHUNK) {
		memcpy(b, cb + 2 * x, sizeof(b));
		memcpy(r, cr + 2 * x, sizeof(r));
		for (i = 0; i < DV_CHUNK; i++) {
			out[2 * i] = dv_p010(b[i]);
			out[2 * i + 1] = dv_p010(r[i]);
		}
		memcpy(dst + 4 * x, out, sizeof(out));
	}
	for (; x < width; x++) {
		memcpy(b, cb + 2 * x, 2);
		memcpy(r, cr + 2 * x, 2);
		out[0] = dv_p010(b[0]);
		out[1] = dv_p010(r[0]);
		memcpy(dst + 4 * x, out, 4);
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
	chroma = dst + luma_size;
	if (bps == 1) {
		for (y = 0; y < pic->height; y++)
			memcpy(dst + (size_t)y * fmt->bytesperline,
			       pic->plane[0] + (ptrdiff_t)y * pic->linesize[0], pic->width);
		for (y = 0; y < chroma_h; y++)
			dv_chroma_line_8(pic->plane[1] + (ptrdiff_t)y * pic->linesize[1],
					 pic->plane[2] + (ptrdiff_t)y * pic->linesize[2],
					 chroma + (size_t)y * fmt->bytesperline, chroma_w);
	} else {
		for (y = 0; y < pic->height; y++)
			dv_luma_line_10(pic->plane[0] + (ptrdiff_t)y * pic->linesize[0],
					dst + (size_t)y * fmt->bytesperline, pic->width);
		for (y = 0; y < chroma_h; y++)
			dv_chroma_line_10(pic->plane[1] + (ptrdiff_t)y * pic->linesize[1],
					  pic->plane[2] + (ptrdiff_t)y * pic->linesize[2],
					  chroma + (size_t)y * fmt->bytesperline, chroma_w);
	}
	*bytesused = (uint32_t)layout;
	return 0;
}
