// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "rebuild/vp8/vp8_header.h"

/* The boolean entropy decoder of RFC 6386 section 7, MSB first. */
struct dv_vp8_bool {
	const uint8_t *p;
	const uint8_t *end;
	unsigned int value;		/* 2-byte window */
	unsigned int range;		/* 128..255 between calls */
	unsigned int bit_count;
	unsigned int made_up;		/* zero bytes read past the end */
};

static unsigned int dv_vp8_next_byte(struct dv_vp8_bool *d)
{
	if (d->p < d->end)
		return *d->p++;
	d->made_up++;
	return 0;
}

static void dv_vp8_bool_init(struct dv_vp8_bool *d, const uint8_t *p,
			     size_t size)
{
	d->p = p;
	d->end = p + size;
	d->made_up = 0;
	d->value = dv_vp8_next_byte(d) << 8;
	d->value |= dv_vp8_next_byte(d);
	d->range = 255;
	d->bit_count = 0;
}

static unsigned int dv_vp8_bool(struct dv_vp8_bool *d, unsigned int prob)
{
	unsigned int split = 1 + (((d->range - 1) * prob) >> 8);
	unsigned int bigsplit = split << 8;
	unsigned int bit;

	if (d->value >= bigsplit) {
		bit = 1;
		d->range -= split;
		d->value -= bigsplit;
	} else {
		bit = 0;
		d->range = split;
	}
	while (d->range < 128) {
		d->value <<= 1;
		d->range <<= 1;
		if (++d->bit_count == 8) {
			d->bit_count = 0;
			d->value |= dv_vp8_next_byte(d);
		}
	}
	return bit;
}

/* L(n): an n-bit unsigned literal, each bit at probability 1/2. */
static unsigned int dv_vp8_lit(struct dv_vp8_bool *d, unsigned int n)
{
	unsigned int v = 0;

	while (n--)
		v = v << 1 | dv_vp8_bool(d, 128);
	return v;
}

/* A flag, then if set an n-bit magnitude and a sign (the value unused). */
static void dv_vp8_skip_opt_signed(struct dv_vp8_bool *d, unsigned int n)
{
	if (dv_vp8_lit(d, 1))
		dv_vp8_lit(d, n + 1);
}

static void dv_vp8_parse_segmentation(struct dv_vp8_bool *d,
				      struct dv_vp8_header *h)
{
	unsigned int i;

	h->segmentation_enabled = (uint8_t)dv_vp8_lit(d, 1);
	if (!h->segmentation_enabled)
		return;
	h->update_mb_segmentation_map = (uint8_t)dv_vp8_lit(d, 1);
	h->update_segment_feature_data = (uint8_t)dv_vp8_lit(d, 1);
	if (h->update_segment_feature_data) {
		dv_vp8_lit(d, 1);			/* segment_feature_mode */
		for (i = 0; i < 4; i++)
			dv_vp8_skip_opt_signed(d, 7);	/* quantizer */
		for (i = 0; i < 4; i++)
			dv_vp8_skip_opt_signed(d, 6);	/* loop filter level */
	}
	if (h->update_mb_segmentation_map)
		for (i = 0; i < 3; i++)
			if (dv_vp8_lit(d, 1))
				dv_vp8_lit(d, 8);	/* segment_prob */
}

static void dv_vp8_parse_filter(struct dv_vp8_bool *d, struct dv_vp8_header *h)
{
	unsigned int i;

	h->filter_type = (uint8_t)dv_vp8_lit(d, 1);
	h->loop_filter_level = (uint8_t)dv_vp8_lit(d, 6);
	h->sharpness_level = (uint8_t)dv_vp8_lit(d, 3);
	h->loop_filter_adj_enable = (uint8_t)dv_vp8_lit(d, 1);
	if (!h->loop_filter_adj_enable)
		return;
	h->mode_ref_lf_delta_update = (uint8_t)dv_vp8_lit(d, 1);
	if (h->mode_ref_lf_delta_update)
		for (i = 0; i < 8; i++)		/* 4 ref_frame, 4 mb_mode */
			dv_vp8_skip_opt_signed(d, 6);
}

/* The first partition header, up to refresh_last. */
static void dv_vp8_parse_first_part(struct dv_vp8_bool *d,
				    struct dv_vp8_header *h)
{
	unsigned int i;

	if (h->key_frame) {
		h->color_space = (uint8_t)dv_vp8_lit(d, 1);
		h->clamping_type = (uint8_t)dv_vp8_lit(d, 1);
	}
	dv_vp8_parse_segmentation(d, h);
	dv_vp8_parse_filter(d, h);
	h->num_dct_parts = (uint8_t)(1u << dv_vp8_lit(d, 2));
	h->y_ac_qi = (uint8_t)dv_vp8_lit(d, 7);
	for (i = 0; i < 5; i++)		/* y_dc, y2_dc, y2_ac, uv_dc, uv_ac */
		dv_vp8_skip_opt_signed(d, 4);
	if (h->key_frame) {
		h->refresh_golden_frame = 1;
		h->refresh_alternate_frame = 1;
		h->refresh_entropy_probs = (uint8_t)dv_vp8_lit(d, 1);
		h->refresh_last = 1;
		return;
	}
	h->refresh_golden_frame = (uint8_t)dv_vp8_lit(d, 1);
	h->refresh_alternate_frame = (uint8_t)dv_vp8_lit(d, 1);
	if (!h->refresh_golden_frame)
		h->copy_buffer_to_golden = (uint8_t)dv_vp8_lit(d, 2);
	if (!h->refresh_alternate_frame)
		h->copy_buffer_to_alternate = (uint8_t)dv_vp8_lit(d, 2);
	h->sign_bias_golden = (uint8_t)dv_vp8_lit(d, 1);
	h->sign_bias_alternate = (uint8_t)dv_vp8_lit(d, 1);
	h->refresh_entropy_probs = (uint8_t)dv_vp8_lit(d, 1);
	h->refresh_last = (uint8_t)dv_vp8_lit(d, 1);
}

int dv_vp8_header_parse(const uint8_t *data, size_t size,
			struct dv_vp8_header *hdr)
{
	struct dv_vp8_bool d;
	uint32_t tag;
	size_t pos, sizes_end, parts;
	unsigned int i;

	memset(hdr, 0, sizeof(*hdr));
	if (!data || size < DV_VP8_TAG_SIZE)
		return -EINVAL;
	tag = data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16;
	hdr->key_frame = !(tag & 1);
	hdr->version = (uint8_t)(tag >> 1 & 7);
	hdr->show_frame = (uint8_t)(tag >> 4 & 1);
	hdr->first_part_size = tag >> 5;
	hdr->tag_size = DV_VP8_TAG_SIZE;
	if (hdr->key_frame) {
		if (size < DV_VP8_KEY_TAG_SIZE || data[3] != 0x9d ||
		    data[4] != 0x01 || data[5] != 0x2a)
			return -EINVAL;
		hdr->width = (uint16_t)((data[6] | data[7] << 8) & 0x3fff);
		hdr->horizontal_scale = (uint8_t)(data[7] >> 6);
		hdr->height = (uint16_t)((data[8] | data[9] << 8) & 0x3fff);
		hdr->vertical_scale = (uint8_t)(data[9] >> 6);
		hdr->tag_size = DV_VP8_KEY_TAG_SIZE;
		if (!hdr->width || !hdr->height)
			return -EINVAL;
	}
	pos = hdr->tag_size;
	if (!hdr->first_part_size || hdr->first_part_size > size - pos)
		return -EINVAL;

	dv_vp8_bool_init(&d, data + pos, hdr->first_part_size);
	dv_vp8_parse_first_part(&d, hdr);
	/* The decoder looks 2 bytes ahead: more made up is a header that
	 * does not fit its partition. */
	if (d.made_up > 2)
		return -EINVAL;

	/* The partition sizes (3 bytes each but the last's) must fit. */
	pos += hdr->first_part_size;
	sizes_end = pos + 3 * (size_t)(hdr->num_dct_parts - 1);
	if (sizes_end > size)
		return -EINVAL;
	parts = 0;
	for (i = 0; i + 1 < hdr->num_dct_parts; i++, pos += 3)
		parts += data[pos] | (size_t)data[pos + 1] << 8 |
			 (size_t)data[pos + 2] << 16;
	if (parts > size - sizes_end)
		return -EINVAL;
	return 0;
}
