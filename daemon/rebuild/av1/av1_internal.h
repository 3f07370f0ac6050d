/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the AV1 writers of this folder share: syntax element writers and OBU
 * framing (obu.c), the sequence facts frame headers are coded against
 * (sequence.c) and reference slot helpers (refs.c). Not for other layers:
 * they use av1_rebuild.h.
 */
#ifndef DV_AV1_INTERNAL_H
#define DV_AV1_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

#include "util/bitwriter.h"

#define DV_AV1_PRIMARY_REF_NONE		7
#define DV_AV1_WARPEDMODEL_PREC_BITS	16
#define DV_AV1_TILE_SIZE_BYTES		4
#define DV_AV1_MAX_TILE_WIDTH		4096
#define DV_AV1_MAX_TILE_AREA		(4096 * 2304)
/* frame_width_bits and frame_height_bits of the canonical sequence header. */
#define DV_AV1_FRAME_SIZE_BITS		16
/* Scratch for an uncompressed header: far more than the syntax can use. */
#define DV_AV1_HDR_SCRATCH		4096

/* f(n) for n up to 32 and su(n). */
static inline void dv_av1_f(struct dv_bitwriter *bw, unsigned int n,
			    uint32_t v)
{
	dv_bw_u(bw, n, v);
}

static inline void dv_av1_su(struct dv_bitwriter *bw, unsigned int n,
			     int32_t v)
{
	dv_bw_u(bw, n, (uint32_t)v & ((n < 32 ? (1u << n) : 0u) - 1u));
}

unsigned int dv_av1_floor_log2(uint32_t v);
/* 4.10.7 ns(n): the inverse of the reader's non-symmetric code. */
void dv_av1_ns(struct dv_bitwriter *bw, uint32_t n, uint32_t v);
/* leb128() of @v into @out; returns its length. */
size_t dv_av1_leb128(uint64_t v, uint8_t out[8]);
/* OBU header (no extension, with a size field), leb128 size, payload. */
int dv_av1_wrap_obu(unsigned int type, const uint8_t *payload,
		    size_t payload_size, uint8_t *out, size_t cap, size_t *size);
/* Finishes @bw, written into @scratch, as an OBU of @type in @out. */
int dv_av1_finish_obu(struct dv_bitwriter *bw, unsigned int type,
		      const uint8_t *scratch, uint8_t *out, size_t cap,
		      size_t *size);

/* What frame header syntax needs of the sequence header. */
struct dv_av1_seq_info {
	unsigned int frame_width_bits, frame_height_bits;
	unsigned int order_hint_bits;	/* 0 without order hints */
	int enable_order_hint, use_128, enable_superres, enable_cdef;
	int enable_restoration, enable_ref_frame_mvs, enable_warped_motion;
	int mono, ss_x, ss_y, separate_uv_delta_q, film_grain;
	unsigned int num_planes;
};

/* Derives @si from @seq; -EINVAL for values the syntax cannot carry. */
int dv_av1_seq_info(const struct v4l2_ctrl_av1_sequence *seq,
		    struct dv_av1_seq_info *si);

/* The default global motion parameters of every reference (7.20). */
void dv_av1_gm_default(int32_t params[8][6]);
int dv_av1_frame_is_intra(const struct v4l2_ctrl_av1_frame *f);

#endif
