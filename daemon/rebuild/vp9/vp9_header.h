/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The first fields of a VP9 frame's uncompressed header (VP9 bitstream
 * specification 6.2), up to refresh_frame_flags: what the backend needs to
 * know which reference slots a frame refreshes and, for a
 * show_existing_frame packet (which decodes nothing), which slot it shows.
 */
#ifndef DV_VP9_HEADER_H
#define DV_VP9_HEADER_H

#include <stddef.h>
#include <stdint.h>

#define DV_VP9_NUM_REF_FRAMES	8

struct dv_vp9_header {
	uint8_t profile;		/* 0..3 */
	uint8_t show_existing_frame;
	uint8_t frame_to_show_map_idx;	/* if show_existing_frame */
	uint8_t key_frame;		/* frame_type == KEY_FRAME */
	uint8_t show_frame;
	uint8_t error_resilient_mode;
	uint8_t intra_only;
	/* Slots this frame refreshes: 0xff for key frames, 0 for
	 * show_existing_frame, the coded value otherwise. */
	uint8_t refresh_frame_flags;
};

/*
 * Parses the start of the frame in @data (@size bytes: one frame, not a
 * superframe). Returns 0, or -EINVAL when the bytes are not a VP9 frame
 * header (bad frame marker or sync code, reserved bit set, too short).
 */
int dv_vp9_header_parse(const uint8_t *data, size_t size,
			struct dv_vp9_header *hdr);

#endif
