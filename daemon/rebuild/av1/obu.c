// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 syntax elements and OBU framing shared by the AV1 writers (4.10,
 * 5.3). Section numbers are those of the AV1 bitstream specification
 * (v1.0.0 with errata 1).
 */
#include <errno.h>
#include <string.h>

#include "rebuild/av1/av1_internal.h"

unsigned int dv_av1_floor_log2(uint32_t v)
{
	unsigned int s = 0;

	while (v > 1) {
		v >>= 1;
		s++;
	}
	return s;
}

/* 4.10.7 ns(n): the inverse of the reader's non-symmetric code. */
void dv_av1_ns(struct dv_bitwriter *bw, uint32_t n, uint32_t v)
{
	unsigned int w;
	uint32_t m;

	if (n <= 1)
		return;
	w = dv_av1_floor_log2(n) + 1;
	m = (1u << w) - n;
	if (v < m) {
		dv_av1_f(bw, w - 1, v);
	} else {
		dv_av1_f(bw, w - 1, (v + m) >> 1);
		dv_av1_f(bw, 1, (v + m) & 1);
	}
}

size_t dv_av1_leb128(uint64_t v, uint8_t out[8])
{
	size_t n = 0;

	do {
		uint8_t b = v & 0x7f;

		v >>= 7;
		out[n++] = b | (v ? 0x80 : 0);
	} while (v && n < 8);
	return n;
}

/* OBU header (no extension, with a size field), leb128 size, payload. */
int dv_av1_wrap_obu(unsigned int type, const uint8_t *payload,
		    size_t payload_size, uint8_t *out, size_t cap,
		    size_t *size)
{
	uint8_t leb[8];
	size_t n = dv_av1_leb128(payload_size, leb);

	if (cap < 1 + n || cap - 1 - n < payload_size)
		return -ENOSPC;
	out[0] = (uint8_t)((type << 3) | 0x02);
	memcpy(out + 1, leb, n);
	memmove(out + 1 + n, payload, payload_size);
	*size = 1 + n + payload_size;
	return 0;
}

int dv_av1_finish_obu(struct dv_bitwriter *bw, unsigned int type,
		      const uint8_t *scratch, uint8_t *out, size_t cap,
		      size_t *size)
{
	size_t payload;
	int ret = dv_bw_finish(bw, &payload);

	if (ret)
		return ret;
	return dv_av1_wrap_obu(type, scratch, payload, out, cap, size);
}