// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include <linux/videodev2.h>

#include "util/log.h"
#include "output/pixel_out.h"

/*
 * The writes are the daemon's own work on every picture (1080p: 3 MB,
 * 6 MB in P010), so they run on 32-byte vectors (GCC and clang vector
 * extensions: AVX2 or SSE2 on x86-64, NEON on arm64, no intrinsics), a
 * line in chunks of 32 bytes of input and a scalar tail; loads and stores through
 * memcpy assume no alignment. One function per bit depth: no branch in the
 * inner loops. P010 keeps the 10 bits in the top of each little-endian
 * 16-bit word.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
	(defined(__GNUC__) || defined(__clang__))
#define DV_VECTORS 1
/* 32 bytes: one AVX2 register, two SSE2 or NEON ones. */
typedef uint8_t dv_v32u8 __attribute__((vector_size(32)));
typedef uint16_t dv_v16u16 __attribute__((vector_size(32)));
#endif
/* On x86-64, an AVX2 build of the line writers beside the baseline one,
 * picked at load time (ifunc). */
#if defined(DV_VECTORS) && defined(__x86_64__) && defined(__ELF__) && \
	!defined(__clang__)
#define DV_LINE_WRITER __attribute__((target_clones("avx2", "default")))
#else
#define DV_LINE_WRITER
#endif

/* A native-endian 10-bit sample at @p, as P010 holds it. */
static inline uint16_t dv_p010(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return (uint16_t)(v << 6);
}

static inline void dv_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

DV_LINE_WRITER
static void dv_luma_line_10(const uint8_t *restrict src, uint8_t *restrict dst,
			    uint32_t width)
{
	uint32_t x = 0;

#ifdef DV_VECTORS
	for (; x + 16 <= width; x += 16) {
		dv_v16u16 v;

		memcpy(&v, src + 2 * x, sizeof(v));
		v <<= 6;
		memcpy(dst + 2 * x, &v, sizeof(v));
	}
#endif
	for (; x < width; x++)
		dv_put_le16(dst + 2 * x, dv_p010(src + 2 * x));
}

DV_LINE_WRITER
static void dv_chroma_line_8(const uint8_t *restrict cb, const uint8_t *restrict cr,
			     uint8_t *restrict dst, uint32_t width)
{
	uint32_t x = 0;

#ifdef DV_VECTORS
	for (; x + 32 <= width; x += 32) {
		dv_v32u8 b, r, lo, hi;

		memcpy(&b, cb + x, sizeof(b));
		memcpy(&r, cr + x, sizeof(r));
		lo = __builtin_shufflevector(b, r, 0, 32, 1, 33, 2, 34, 3, 35,
					     4, 36, 5, 37, 6, 38, 7, 39,
					     8, 40, 9, 41, 10, 42, 11, 43,
					     12, 44, 13, 45, 14, 46, 15, 47);
		hi = __builtin_shufflevector(b, r, 16, 48, 17, 49, 18, 50, 19, 51,
					     20, 52, 21, 53, 22, 54, 23, 55,
					     24, 56, 25, 57, 26, 58, 27, 59,
					     28, 60, 29, 61, 30, 62, 31, 63);
		memcpy(dst + 2 * x, &lo, sizeof(lo));
		memcpy(dst + 2 * x + 32, &hi, sizeof(hi));
	}
#endif
	for (; x < width; x++) {
		dst[2 * x] = cb[x];
		dst[2 * x + 1] = cr[x];
	}
}

DV_LINE_WRITER
static void dv_chroma_line_10(const uint8_t *restrict cb, const uint8_t *restrict cr,
			      uint8_t *restrict dst, uint32_t width)
{
	uint32_t x = 0;

#ifdef DV_VECTORS
	for (; x + 16 <= width; x += 16) {
		dv_v16u16 b, r, lo, hi;

		memcpy(&b, cb + 2 * x, sizeof(b));
		memcpy(&r, cr + 2 * x, sizeof(r));
		b <<= 6;
		r <<= 6;
		lo = __builtin_shufflevector(b, r, 0, 16, 1, 17, 2, 18, 3, 19,
					     4, 20, 5, 21, 6, 22, 7, 23);
		hi = __builtin_shufflevector(b, r, 8, 24, 9, 25, 10, 26, 11, 27,
					     12, 28, 13, 29, 14, 30, 15, 31);
		memcpy(dst + 4 * x, &lo, sizeof(lo));
		memcpy(dst + 4 * x + 32, &hi, sizeof(hi));
	}
#endif
	for (; x < width; x++) {
		dv_put_le16(dst + 4 * x, dv_p010(cb + 2 * x));
		dv_put_le16(dst + 4 * x + 2, dv_p010(cr + 2 * x));
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
