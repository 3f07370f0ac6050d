/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An MSB-first bit writer for H.264 RBSPs (u(n), ue(v), se(v), trailing
 * bits), and the wrapping of an RBSP into an Annex-B NAL unit with
 * emulation prevention. Used to rebuild parameter sets from V4L2 controls.
 */
#ifndef DV_BITWRITER_H
#define DV_BITWRITER_H

#include <stddef.h>
#include <stdint.h>

struct dv_bitwriter {
	uint8_t *buf;
	size_t cap;		/* bytes of buf */
	uint64_t bits;		/* bits written so far */
	int overflow;		/* a write did not fit: the result is unusable */
};

void dv_bw_init(struct dv_bitwriter *bw, uint8_t *buf, size_t cap);
/* Writes the @n (0..32) low bits of @value, most significant first. */
void dv_bw_u(struct dv_bitwriter *bw, unsigned int n, uint32_t value);
/* Exp-Golomb codes; ue() takes 0 .. UINT32_MAX - 1. */
void dv_bw_ue(struct dv_bitwriter *bw, uint32_t value);
void dv_bw_se(struct dv_bitwriter *bw, int32_t value);
/* rbsp_trailing_bits(): a one bit, then zero bits up to a byte boundary. */
void dv_bw_trailing_bits(struct dv_bitwriter *bw);
/* Whole bytes written (a partial last byte counts); -ENOSPC on overflow. */
int dv_bw_finish(const struct dv_bitwriter *bw, size_t *size);

/*
 * Writes 00 00 00 01, @nal_header and @rbsp into @out, inserting an
 * emulation prevention byte (03) wherever two zero bytes would be followed
 * by a byte <= 03, so no start code can appear inside the NAL.
 * Returns 0 or -ENOSPC; *@out_size gets the bytes written.
 */
int dv_nal_wrap_annexb(uint8_t nal_header, const uint8_t *rbsp,
		       size_t rbsp_size, uint8_t *out, size_t cap,
		       size_t *out_size);

#endif
