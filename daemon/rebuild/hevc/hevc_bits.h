/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HEVC NAL unit plumbing: reading the RBSP of a NAL unit bit by bit (u(n),
 * ue(v), se(v)), skipping its emulation prevention bytes on the way and
 * knowing where in the NAL unit it is; and wrapping an RBSP into an Annex-B
 * NAL unit behind a two-byte header, with emulation prevention.
 */
#ifndef DV_HEVC_BITS_H
#define DV_HEVC_BITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * An MSB-first reader of the RBSP carried by NAL unit bytes @data: the 03
 * of each 00 00 03 is skipped. Reading past the end gives zeros and sets
 * overrun.
 */
struct dv_hevc_bits {
	const uint8_t *data;
	size_t size;
	size_t next;		/* index in data of the next byte to load */
	unsigned int zeros;	/* zero bytes just before next */
	unsigned int cur;	/* the byte being read */
	unsigned int left;	/* its bits not read yet */
	uint64_t pos;		/* RBSP bits read */
	int overrun;		/* a read went past the end, or a code was too long */
};

/* @data must not start inside a 00 00 03 sequence (a NAL unit's payload
 * after its header never does: the header's second byte is not 0). */
void dv_hevc_bits_init(struct dv_hevc_bits *b, const uint8_t *data,
		       size_t size);
/* @n from 0 to 32. */
uint32_t dv_hevc_u(struct dv_hevc_bits *b, unsigned int n);
/* ue(v) up to 2^32 - 2; longer codes set overrun and give 0. */
uint32_t dv_hevc_ue(struct dv_hevc_bits *b);
int32_t dv_hevc_se(struct dv_hevc_bits *b);
/* Whether the reader is at a byte boundary of the RBSP. */
int dv_hevc_bits_aligned(const struct dv_hevc_bits *b);
/* At a byte boundary: the index in data of the next RBSP byte. */
size_t dv_hevc_bits_offset(const struct dv_hevc_bits *b);

/*
 * Appends to @out (@cap bytes, *@pos used) a 00 00 00 01 start code, the
 * two NAL header bytes and @rbsp with emulation prevention (and an 03
 * after a last zero byte, 7.4.2). Bytes appended after it continue the NAL
 * unit with an escaping of their own only if @rbsp ends with a non-zero
 * byte (a slice header's byte_alignment() does). Returns 0 or -ENOSPC.
 */
int dv_hevc_wrap(const uint8_t header[2], const uint8_t *rbsp,
		 size_t rbsp_size, uint8_t *out, size_t cap, size_t *pos);

#endif
