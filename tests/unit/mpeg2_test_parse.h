/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An MPEG-2 video header parser for the tests, written from ISO/IEC
 * 13818-2 (6.2.2.1, 6.2.2.3, 6.2.3, 6.2.3.1, 6.2.3.2) independently of the
 * daemon's writer. It turns a coded picture into what a V4L2 client sends:
 * the sequence, picture and quantisation controls, as GStreamer's
 * v4l2slmpeg2dec fills them, and the slices with their start codes.
 */
#ifndef DV_TEST_MPEG2_PARSE_H
#define DV_TEST_MPEG2_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

/* The stream state a client keeps across pictures. */
struct t_mpeg2 {
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_quantisation quant;	/* in force */
	int have_sequence;
	int have_sequence_ext;
	/* Of the last parsed unit set. */
	struct v4l2_ctrl_mpeg2_picture pic;
	int have_picture;
	int have_picture_ext;
	unsigned int temporal_reference;
	/* What the last buffer loaded (the stream's own quant loads). */
	int loaded_intra, loaded_non_intra;
	unsigned int vbv_buffer_size_value;	/* 18 bits, units of 16 kbit */
	unsigned int aspect_ratio, frame_rate_code;
	int low_delay;
};

/* Resets @m as before a stream (default matrices, nothing seen). */
void t_mpeg2_init(struct t_mpeg2 *m);

/*
 * Parses every header in @buf (start-code delimited units) into @m and
 * copies the slices (start code included) into @slices (capacity @cap),
 * *@slices_size bytes. Returns the number of slices, or -1 on a malformed
 * header (a marker bit wrong, a unit cut short) or no room.
 */
int t_mpeg2_parse(struct t_mpeg2 *m, const uint8_t *buf, size_t size,
		  uint8_t *slices, size_t cap, size_t *slices_size);

#endif
