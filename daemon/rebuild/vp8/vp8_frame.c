// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "rebuild/vp8/vp8_frame.h"

static int dv_vp8_is_key(const struct v4l2_ctrl_vp8_frame *frame)
{
	return !!(frame->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME);
}

size_t dv_vp8_tag_write(const struct v4l2_ctrl_vp8_frame *frame,
			uint8_t *tag)
{
	const int key = dv_vp8_is_key(frame);
	const int show = !!(frame->flags & V4L2_VP8_FRAME_FLAG_SHOW_FRAME);
	uint32_t bits = (uint32_t)!key | (uint32_t)(frame->version & 7) << 1 |
			(uint32_t)show << 4 |
			(frame->first_part_size & 0x7ffff) << 5;
	unsigned int w, h;

	tag[0] = (uint8_t)bits;
	tag[1] = (uint8_t)(bits >> 8);
	tag[2] = (uint8_t)(bits >> 16);
	if (!key)
		return DV_VP8_TAG_SIZE;
	tag[3] = 0x9d;
	tag[4] = 0x01;
	tag[5] = 0x2a;
	w = (frame->width & 0x3fffu) | (frame->horizontal_scale & 3u) << 14;
	h = (frame->height & 0x3fffu) | (frame->vertical_scale & 3u) << 14;
	tag[6] = (uint8_t)w;
	tag[7] = (uint8_t)(w >> 8);
	tag[8] = (uint8_t)h;
	tag[9] = (uint8_t)(h >> 8);
	return DV_VP8_KEY_TAG_SIZE;
}

/*
 * Whether @buf starts with the tag @frame describes: the same frame type
 * and first partition size (19 bits) and, for a key frame, the start code.
 */
static int dv_vp8_carries_tag(const struct v4l2_ctrl_vp8_frame *frame,
			      const uint8_t *buf, size_t size)
{
	const int key = dv_vp8_is_key(frame);
	uint32_t bits;

	if (size < (key ? DV_VP8_KEY_TAG_SIZE : DV_VP8_TAG_SIZE))
		return 0;
	bits = buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16;
	if ((int)!(bits & 1) != key || bits >> 5 != frame->first_part_size)
		return 0;
	return !key || (buf[3] == 0x9d && buf[4] == 0x01 && buf[5] == 0x2a);
}

/* The frame's size without its tag, as @frame describes it. */
static uint64_t dv_vp8_untagged_size(const struct v4l2_ctrl_vp8_frame *frame)
{
	uint64_t total = frame->first_part_size;
	unsigned int i, n = frame->num_dct_parts;

	/* 1, 2, 4 or 8, as the core checks; anything else describes no
	 * frame. */
	if (n > DV_VP8_MAX_PARTITIONS || !n || (n & (n - 1)))
		return 0;
	total += 3 * (uint64_t)(n - 1);
	for (i = 0; i < n; i++)
		total += frame->dct_part_sizes[i];
	return total;
}

static unsigned int dv_vp8_compare(const struct v4l2_ctrl_vp8_frame *frame,
				   const struct dv_vp8_header *hdr)
{
	unsigned int diff = 0;

	if (!(frame->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME) != !hdr->key_frame)
		diff |= DV_VP8_DIFF_KEY;
	if (frame->first_part_size != hdr->first_part_size)
		diff |= DV_VP8_DIFF_FIRST_PART;
	if (frame->version != hdr->version)
		diff |= DV_VP8_DIFF_VERSION;
	if (!(frame->flags & V4L2_VP8_FRAME_FLAG_SHOW_FRAME) != !hdr->show_frame)
		diff |= DV_VP8_DIFF_SHOW;
	if (hdr->key_frame && (frame->width != hdr->width ||
			       frame->height != hdr->height))
		diff |= DV_VP8_DIFF_SIZE;
	if (frame->num_dct_parts != hdr->num_dct_parts)
		diff |= DV_VP8_DIFF_PARTS;
	if (frame->lf.level != hdr->loop_filter_level ||
	    frame->lf.sharpness_level != hdr->sharpness_level ||
	    !(frame->lf.flags & V4L2_VP8_LF_FILTER_TYPE_SIMPLE) != !hdr->filter_type ||
	    !(frame->lf.flags & V4L2_VP8_LF_ADJ_ENABLE) != !hdr->loop_filter_adj_enable)
		diff |= DV_VP8_DIFF_FILTER;
	if (frame->quant.y_ac_qi != hdr->y_ac_qi)
		diff |= DV_VP8_DIFF_QUANT;
	if (!(frame->segment.flags & V4L2_VP8_SEGMENT_FLAG_ENABLED) !=
	    !hdr->segmentation_enabled)
		diff |= DV_VP8_DIFF_SEGMENT;
	if (!hdr->key_frame &&
	    (!(frame->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN) != !hdr->sign_bias_golden ||
	     !(frame->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT) != !hdr->sign_bias_alternate))
		diff |= DV_VP8_DIFF_SIGN_BIAS;
	return diff;
}

int dv_vp8_frame_build(const struct v4l2_ctrl_vp8_frame *frame,
		       const uint8_t *buf, size_t size, struct dv_bytebuf *out,
		       struct dv_vp8_header *hdr, int *rebuilt,
		       unsigned int *disagree)
{
	uint8_t tag[DV_VP8_KEY_TAG_SIZE];
	size_t tag_size;
	int ret;

	*rebuilt = 0;
	*disagree = 0;
	memset(hdr, 0, sizeof(*hdr));
	dv_bytebuf_clear(out);
	if (!buf || !size)
		return -EINVAL;
	/* Anything else is decoded as it is, if it is a frame: the control
	 * is informative, the bitstream is what libavcodec reads. */
	if (frame && !dv_vp8_carries_tag(frame, buf, size) &&
	    dv_vp8_untagged_size(frame) == size) {
		tag_size = dv_vp8_tag_write(frame, tag);
		ret = dv_bytebuf_append(out, tag, tag_size);
		*rebuilt = 1;
		if (ret)
			return ret;
	}
	ret = dv_bytebuf_append(out, buf, size);
	if (ret)
		return ret;
	ret = dv_vp8_header_parse(out->data, out->size, hdr);
	if (ret)
		return ret;
	if (frame)
		*disagree = dv_vp8_compare(frame, hdr);
	return 0;
}
