// SPDX-License-Identifier: BSD-2-Clause
#include "rebuild/h264/h264_bitstream.h"

void dv_h264_nal_reader_init(struct dv_h264_nal_reader *r, const uint8_t *buf,
			     size_t size, int annex_b)
{
	r->buf = buf;
	r->size = buf ? size : 0;
	r->pos = 0;
	r->annex_b = annex_b;
}

/* Offset of the first 00 00 01 at or after @from, or @size if none. */
static size_t dv_find_start_code(const uint8_t *buf, size_t size, size_t from)
{
	size_t i;

	for (i = from; i + 3 <= size; i++) {
		if (buf[i + 2] > 1) {
			/* No start code can begin at i, i + 1 or i + 2. */
			i += 2;
			continue;
		}
		if (!buf[i] && !buf[i + 1] && buf[i + 2] == 1)
			return i;
	}
	return size;
}

int dv_h264_next_nal(struct dv_h264_nal_reader *r, const uint8_t **nal,
		     size_t *size)
{
	while (r->pos < r->size) {
		size_t start, end;

		if (!r->annex_b) {
			start = 0;
			end = r->size;
			r->pos = r->size;
		} else {
			start = dv_find_start_code(r->buf, r->size, r->pos);
			if (start == r->size) {
				r->pos = r->size;
				return 0;
			}
			start += 3;
			end = dv_find_start_code(r->buf, r->size, start);
			r->pos = end;
		}
		/* The zero of a 4-byte start code, and trailing_zero_8bits,
		 * are not part of the NAL unit, which never ends in 00. */
		while (end > start && !r->buf[end - 1])
			end--;
		if (end > start) {
			*nal = r->buf + start;
			*size = end - start;
			return 1;
		}
	}
	return 0;
}

int dv_h264_nal_is_decoded(const uint8_t *nal, size_t size)
{
	unsigned int type;

	if (!size)
		return 0;
	type = nal[0] & 0x1f;
	return type == DV_H264_NAL_SLICE || type == DV_H264_NAL_SLICE_IDR;
}
