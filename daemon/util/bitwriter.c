// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "util/bitwriter.h"

void dv_bw_init(struct dv_bitwriter *bw, uint8_t *buf, size_t cap)
{
	bw->buf = buf;
	bw->cap = cap;
	bw->bits = 0;
	bw->overflow = 0;
	if (cap)
		memset(buf, 0, cap);
}

static void dv_bw_bit(struct dv_bitwriter *bw, unsigned int bit)
{
	uint64_t byte = bw->bits >> 3;

	if (byte >= bw->cap) {
		bw->overflow = 1;
		return;
	}
	/* The buffer was zeroed by dv_bw_init(): only one bits are set. */
	if (bit)
		bw->buf[byte] |= (uint8_t)(0x80u >> (bw->bits & 7));
	bw->bits++;
}

void dv_bw_u(struct dv_bitwriter *bw, unsigned int n, uint32_t value)
{
	while (n--)
		dv_bw_bit(bw, (value >> n) & 1);
}

void dv_bw_ue(struct dv_bitwriter *bw, uint32_t value)
{
	/* codeNum + 1 written in binary, preceded by as many zeros as it has
	 * bits after its leading one. 64-bit so UINT32_MAX - 1 fits. */
	uint64_t code = (uint64_t)value + 1;
	int len = 0;
	int i;

	while ((code >> len) > 1)
		len++;
	dv_bw_u(bw, (unsigned int)len, 0);
	for (i = len; i >= 0; i--)
		dv_bw_bit(bw, (unsigned int)(code >> i) & 1);
}

void dv_bw_se(struct dv_bitwriter *bw, int32_t value)
{
	/* 9.1.1: k > 0 maps to 2k - 1, k <= 0 to -2k. */
	int64_t k = value;

	dv_bw_ue(bw, (uint32_t)(k > 0 ? 2 * k - 1 : -2 * k));
}

void dv_bw_trailing_bits(struct dv_bitwriter *bw)
{
	dv_bw_bit(bw, 1);
	while (bw->bits & 7)
		dv_bw_bit(bw, 0);
}

int dv_bw_finish(const struct dv_bitwriter *bw, size_t *size)
{
	if (bw->overflow)
		return -ENOSPC;
	*size = (size_t)((bw->bits + 7) >> 3);
	return 0;
}

int dv_nal_wrap_annexb(uint8_t nal_header, const uint8_t *rbsp,
		       size_t rbsp_size, uint8_t *out, size_t cap,
		       size_t *out_size)
{
	static const uint8_t start_code[4] = { 0, 0, 0, 1 };
	unsigned int zeros = 0;
	size_t pos = 0;
	size_t i;

	if (cap < sizeof(start_code) + 1)
		return -ENOSPC;
	memcpy(out, start_code, sizeof(start_code));
	pos = sizeof(start_code);
	out[pos++] = nal_header;
	for (i = 0; i < rbsp_size; i++) {
		if (zeros >= 2 && rbsp[i] <= 3) {
			if (pos >= cap)
				return -ENOSPC;
			out[pos++] = 3;
			zeros = 0;
		}
		if (pos >= cap)
			return -ENOSPC;
		out[pos++] = rbsp[i];
		zeros = rbsp[i] ? 0 : zeros + 1;
	}
	/* 7.4.1: a NAL never ends with a zero byte (it would read as part of
	 * the next start code); only RBSPs ending in cabac_zero_words do. */
	if (rbsp_size && !rbsp[rbsp_size - 1]) {
		if (pos >= cap)
			return -ENOSPC;
		out[pos++] = 3;
	}
	*out_size = pos;
	return 0;
}
