/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing a decoded planar 4:2:0 picture into a CAPTURE buffer: NV12 for
 * 8-bit pictures, P010 for 10-bit ones. The CAPTURE layout is the one of
 * struct dv_format: luma lines of bytesperline bytes, then the interleaved
 * CbCr plane at bytesperline * capture_height with the same stride.
 */
#ifndef DV_PIXEL_OUT_H
#define DV_PIXEL_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "daedalus_v4l2_bridge.h"

/* A decoded picture in three planes (Y, Cb, Cr), chroma halved both ways. */
struct dv_yuv420_picture {
	const uint8_t *plane[3];
	ptrdiff_t linesize[3];		/* bytes from one line to the next */
	uint32_t width;			/* luma samples */
	uint32_t height;		/* luma lines */
	uint32_t bit_depth;		/* 8: 1 byte a sample; 10: 2 bytes,
					 * native order, value in the low bits */
};

/*
 * Writes @pic into @dst (@dst_size bytes) in @fmt's CAPTURE layout, from the
 * top-left corner. The picture and the CAPTURE format must have the same
 * bit depth and fourcc (NV12 for 8, P010 for 10); a picture larger than the
 * CAPTURE size is an error. Returns 0 with *@bytesused the size of the
 * CAPTURE layout, or -EINVAL (mismatch, inconsistent format) or -ENOSPC
 * (buffer too small for the layout): nothing is ever written out of bounds.
 */
int dv_pixel_out_write(const struct dv_yuv420_picture *pic,
		       const struct dv_format *fmt, uint8_t *dst,
		       size_t dst_size, uint32_t *bytesused);

#endif
