// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "rebuild/vp9/vp9_header.h"

struct dv_vp9_bits {
	const uint8_t *data;
	size_t size;
	size_t pos;		/* in bits */
	int overrun;
};

static unsigned int dv_vp9_f(struct dv_vp9_bits *b, unsigned int n)
{
	unsigned int v = 0;

	while (n--) {
		unsigned int bit = 0;

		if (b->pos / 8 < b->size)
			bit = b->data[b->pos / 8] >> (7 - b->pos % 8) & 1;
		else
			b->overrun = 1;
		b->pos++;
		v = v << 1 | bit;
	}
	return v;
}

static int dv_vp9_sync_code(struct dv_vp9_bits *b)
{
	return dv_vp9_f(b, 8) == 0x49 && dv_vp9_f(b, 8) == 0x83 &&
	       dv_vp9_f(b, 8) == 0x42;
}

int dv_vp9_header_parse(const uint8_t *data, size_t size,
			struct dv_vp9_header *hdr)
{
	struct dv_vp9_bits b = { data, size, 0, 0 };
	unsigned int low, high;

	memset(hdr, 0, sizeof(*hdr));
	if (!data || !size || dv_vp9_f(&b, 2) != 2)	/* frame_marker */
		return -EINVAL;
	low = dv_vp9_f(&b, 1);
	high = dv_vp9_f(&b, 1);
	hdr->profile = (uint8_t)(high << 1 | low);
	if (hdr->profile == 3 && dv_vp9_f(&b, 1))	/* reserved_zero */
		return -EINVAL;
	hdr->show_existing_frame = (uint8_t)dv_vp9_f(&b, 1);
	if (hdr->show_existing_frame) {
		hdr->frame_to_show_map_idx = (uint8_t)dv_vp9_f(&b, 3);
		hdr->show_frame = 1;
		return b.overrun ? -EINVAL : 0;
	}
	hdr->key_frame = dv_vp9_f(&b, 1) == 0;		/* frame_type */
	hdr->show_frame = (uint8_t)dv_vp9_f(&b, 1);
	hdr->error_resilient_mode = (uint8_t)dv_vp9_f(&b, 1);
	if (hdr->key_frame) {
		if (!dv_vp9_sync_code(&b))
			return -EINVAL;
		hdr->refresh_frame_flags = 0xff;
		return b.overrun ? -EINVAL : 0;
	}
	hdr->intra_only = hdr->show_frame ? 0 : (uint8_t)dv_vp9_f(&b, 1);
	if (!hdr->error_resilient_mode)
		dv_vp9_f(&b, 2);			/* reset_frame_context */
	if (hdr->intra_only) {
		if (!dv_vp9_sync_code(&b))
			return -EINVAL;
		if (hdr->profile > 0) {
			/* color_config: bit depth (profile >= 2),
			 * color_space, then range and subsampling */
			unsigned int cs;

			if (hdr->profile >= 2)
				dv_vp9_f(&b, 1);	/* ten_or_twelve_bit */
			cs = dv_vp9_f(&b, 3);
			if (cs != 7) {			/* != CS_RGB */
				dv_vp9_f(&b, 1);	/* color_range */
				if (hdr->profile == 1 || hdr->profile == 3)
					dv_vp9_f(&b, 3);
			} else if (hdr->profile == 1 || hdr->profile == 3) {
				dv_vp9_f(&b, 1);
			}
		}
	}
	hdr->refresh_frame_flags = (uint8_t)dv_vp9_f(&b, 8);
	return b.overrun ? -EINVAL : 0;
}
