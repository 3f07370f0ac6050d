/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A VP8 frame's headers (RFC 6386 9.1-9.7, 19.1-19.2): the uncompressed
 * frame tag (3 bytes; 10 for key frames, with the start code and the
 * size), then the start of the first partition's bool-coded header up to
 * refresh_last. That is what the backend needs: which reference slots the
 * frame updates, which the V4L2 frame control does not say, and what the
 * control can be checked against. The token probability updates and what
 * follows are libavcodec's to read.
 */
#ifndef DV_VP8_HEADER_H
#define DV_VP8_HEADER_H

#include <stddef.h>
#include <stdint.h>

#define DV_VP8_TAG_SIZE		3	/* frame tag of an inter frame */
#define DV_VP8_KEY_TAG_SIZE	10	/* ... of a key frame */
#define DV_VP8_MAX_PARTITIONS	8

/* The reference slots, in the order of the control's *_frame_ts. */
enum dv_vp8_ref {
	DV_VP8_REF_LAST,
	DV_VP8_REF_GOLDEN,
	DV_VP8_REF_ALTREF,
	DV_VP8_NUM_REFS,
};

struct dv_vp8_header {
	/* Frame tag. */
	uint8_t key_frame;
	uint8_t version;		/* 0..7; 0..3 are the profiles */
	uint8_t show_frame;
	uint32_t first_part_size;	/* bytes */
	uint8_t tag_size;		/* 3 or 10 */
	/* Key frames only: 14-bit size and 2-bit upscaling. */
	uint16_t width;
	uint16_t height;
	uint8_t horizontal_scale;
	uint8_t vertical_scale;

	/* First partition header. */
	uint8_t color_space;		/* key frames */
	uint8_t clamping_type;		/* key frames */
	uint8_t segmentation_enabled;
	uint8_t update_mb_segmentation_map;
	uint8_t update_segment_feature_data;
	uint8_t filter_type;		/* 1: simple */
	uint8_t loop_filter_level;
	uint8_t sharpness_level;
	uint8_t loop_filter_adj_enable;
	uint8_t mode_ref_lf_delta_update;
	uint8_t num_dct_parts;		/* 1, 2, 4 or 8 */
	uint8_t y_ac_qi;
	/* Reference updates (inter frames; a key frame refreshes all). */
	uint8_t refresh_golden_frame;
	uint8_t refresh_alternate_frame;
	uint8_t copy_buffer_to_golden;	/* 0 none, 1 last, 2 alt-ref */
	uint8_t copy_buffer_to_alternate; /* 0 none, 1 last, 2 golden */
	uint8_t sign_bias_golden;
	uint8_t sign_bias_alternate;
	uint8_t refresh_entropy_probs;
	uint8_t refresh_last;
};

/*
 * Parses the frame in @data (@size bytes, frame tag first). Returns 0, or
 * -EINVAL when the bytes are no VP8 frame: too short for the tag, a key
 * frame without the start code or with a zero size, a first partition
 * that does not fit, a header that runs past its partition, or partition
 * sizes that do not fit the frame.
 */
int dv_vp8_header_parse(const uint8_t *data, size_t size,
			struct dv_vp8_header *hdr);

#endif
