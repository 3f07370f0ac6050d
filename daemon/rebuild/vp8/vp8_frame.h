/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame libavcodec's VP8 decoder gets for one request.
 *
 * The uAPI's V4L2_PIX_FMT_VP8_FRAME buffer is the whole frame as the
 * container holds it, frame tag included: GStreamer's v4l2slvp8dec copies
 * the whole frame, FFmpeg's v4l2request hands over the whole packet, and
 * the drivers read the first partition at 10 (key frame) or 3 bytes
 * (hantro's first_part_offset; first_part_header_bits counts from there).
 * Such a buffer is decoded as it is. A buffer that holds the frame minus
 * its tag (it does not start with the tag the control describes, and its
 * size is exactly the partitions the control describes) gets the tag
 * written from the control: frame type, version, show_frame,
 * first_part_size and, for key frames, the start code and the size. Any
 * other buffer is decoded as it is if it is a VP8 frame, whatever the
 * control says (the bitstream is what libavcodec reads). The
 * first partition header cannot be missing: it is the start of the first
 * partition's bool-coded data, which the macroblock headers continue.
 */
#ifndef DV_VP8_FRAME_H
#define DV_VP8_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

#include "rebuild/vp8/vp8_header.h"
#include "util/bytebuf.h"

/*
 * Writes the frame tag @frame describes into @tag (at least
 * DV_VP8_KEY_TAG_SIZE bytes). Returns its size, 3 or 10.
 */
size_t dv_vp8_tag_write(const struct v4l2_ctrl_vp8_frame *frame,
			uint8_t *tag);

/* Bits of dv_vp8_frame_build()'s *@disagree: control fields that differ
 * from the bitstream (which is what gets decoded). */
#define DV_VP8_DIFF_VERSION	(1u << 0)
#define DV_VP8_DIFF_SHOW	(1u << 1)
#define DV_VP8_DIFF_SIZE	(1u << 2)
#define DV_VP8_DIFF_PARTS	(1u << 3)
#define DV_VP8_DIFF_FILTER	(1u << 4)
#define DV_VP8_DIFF_QUANT	(1u << 5)
#define DV_VP8_DIFF_SEGMENT	(1u << 6)
#define DV_VP8_DIFF_SIGN_BIAS	(1u << 7)
#define DV_VP8_DIFF_KEY		(1u << 8)
#define DV_VP8_DIFF_FIRST_PART	(1u << 9)

/*
 * Puts into @out the frame to decode for the OUTPUT buffer @buf (@size
 * bytes) and @frame, the request's frame control (NULL if it has none:
 * then the buffer must carry its tag), and parses it into @hdr.
 * *@rebuilt tells whether the tag was written from the control,
 * *@disagree which control fields differ from the bitstream.
 * Returns 0, -EINVAL (neither a frame nor a frame without its tag), or
 * -ENOMEM.
 */
int dv_vp8_frame_build(const struct v4l2_ctrl_vp8_frame *frame,
		       const uint8_t *buf, size_t size, struct dv_bytebuf *out,
		       struct dv_vp8_header *hdr, int *rebuilt,
		       unsigned int *disagree);

#endif
