/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hand-made VP8 frames for the tests (unit tests, fuzz seeds): a frame tag,
 * a first partition whose bool-coded header (RFC 6386 9.2-9.7, 19.2) has
 * the fields asked for, filler standing in for the macroblock headers, the
 * partition size table and filler token partitions; and the V4L2 frame
 * control a client would send with it. The boolean encoder is the one of
 * RFC 6386 section 7.3, written independently of the daemon's decoder.
 */
#ifndef DV_VP8_TEST_WRITER_H
#define DV_VP8_TEST_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

struct vp8w_frame {
	int key, version, show;
	unsigned int width, height, hscale, vscale;	/* key frames */
	int seg_enabled, seg_update_map, seg_update_data;
	int filter_type;
	unsigned int lf_level, sharpness;
	int lf_adj, lf_delta_update;
	unsigned int log2_parts;
	unsigned int y_ac_qi;
	int y_dc_delta;					/* -15..15 */
	int refresh_golden, refresh_alt;		/* inter frames */
	unsigned int copy_golden, copy_alt;
	int sign_golden, sign_alt;
	int refresh_probs, refresh_last;
	unsigned int filler_bools;	/* bools after the header, in part 1 */
	unsigned int part_size[8];	/* token partitions' sizes */
};

/* Frame tag + partitions into @out (@cap bytes). Returns the frame's size
 * (0 if @cap is too small); *@first_part_size gets the first partition's. */
size_t vp8w_write(const struct vp8w_frame *f, uint8_t *out, size_t cap,
		  uint32_t *first_part_size);

/* The frame control for @f, as GStreamer fills it. */
void vp8w_control(const struct vp8w_frame *f, uint32_t first_part_size,
		  struct v4l2_ctrl_vp8_frame *ctrl);

#endif
