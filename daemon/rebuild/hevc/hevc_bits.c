// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "rebuild/hevc/hevc_bits.h"

void dv_hevc_bits_init(struct dv_hevc_bits *b, const uint8_t *data,
		       size_t size)
{
	memset(b, 0, sizeof(*b));
	b->data = data;
	b->size = size;
}

static void dv_hevc_bits_load(struct dv_hevc_bits *b)
{
	/* 7.4.2: the 03 after two zero bytes is no RBSP byte. */
	if (b->zeros >= 2 && b->next < b->size && b->data[b->next] == 3) {
		b->next++;
		b->zeros = 0;
	}
	b->left = 8;
	if (b->next >= b->size) {
		b->overrun = 1;
		b->cur = 0;
		return;
	}
	b->cur = b->data[b->next++];
	b->zeros = b->cur ? 0 : b->zeros + 1;
}

uint32_t dv_hevc_u(struct dv_hevc_bits *b, unsigned int n)
{
	uint32_t v = 0;

	while (n--) {
		if (!b->left)
			dv_hevc_bits_load(b);
		b->left--;
		b->pos++;
		v = v << 1 | ((b->cur >> b->left) & 1);
	}
	return v;
}

uint32_t dv_hevc_ue(struct dv_hevc_bits *b)
{
	unsigned int zeros = 0;

	while (!dv_hevc_u(b, 1)) {
		if (b->overrun || ++zeros > 31) {
			b->overrun = 1;
			return 0;
		}
	}
	return (uint32_t)((1ull << zeros) - 1 + dv_hevc_u(b, zeros));
}

int32_t dv_hevc_se(struct dv_hevc_bits *b)
{
	uint32_t k = dv_hevc_ue(b);

	/* 9.2.2: odd codes are positive. */
	return k & 1 ? (int32_t)((k >> 1) + 1) : -(int32_t)(k >> 1);
}

int dv_hevc_bits_aligned(const struct dv_hevc_bits *b)
{
	return b->left == 0;
}

size_t dv_hevc_bits_offset(const struct dv_hevc_bits *b)
{
	size_t next = b->next;

	/* An emulation prevention byte the next load would skip. */
	if (b->zeros >= 2 && next < b->size && b->data[next] == 3)
		next++;
	return next;
}

int dv_hevc_wrap(const uint8_t header[2], const uint8_t *rbsp,
		 size_t rbsp_size, uint8_t *out, size_t cap, size_t *pos)
{
	static const uint8_t start_code[4] = { 0, 0, 0, 1 };
	unsigned int zeros = 0;
	size_t p = *pos, i;

	if (p > cap || cap - p < sizeof(start_code) + 2)
		return -ENOSPC;
	memcpy(out + p, start_code, sizeof(start_code));
	p += sizeof(start_code);
	/* The second header byte (nuh_temporal_id_plus1 > 0) is never 0. */
	out[p++] = header[0];
	out[p++] = header[1];
	for (i = 0; i < rbsp_size; i++) {
		if (zeros >= 2 && rbsp[i] <= 3) {
			if (p >= cap)
				return -ENOSPC;
			out[p++] = 3;
			zeros = 0;
		}
		if (p >= cap)
			return -ENOSPC;
		out[p++] = rbsp[i];
		zeros = rbsp[i] ? 0 : zeros + 1;
	}
	/* A NAL unit never ends with a zero byte (7.4.2). */
	if (rbsp_size && !rbsp[rbsp_size - 1]) {
		if (p >= cap)
			return -ENOSPC;
		out[p++] = 3;
	}
	*pos = p;
	return 0;
}
