/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Turning one V4L2 HEVC request (its controls and OUTPUT buffer, frame-based
 * with Annex-B start codes) into an access unit a bitstream decoder takes:
 * VPS, SPS and PPS rebuilt from the controls (hevc_params.h) when they
 * change, then the picture's slice segments with their headers rewritten
 * (hevc_slice.h).
 */
#ifndef DV_HEVC_ACCESS_UNIT_H
#define DV_HEVC_ACCESS_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "util/bytebuf.h"
#include "rebuild/hevc/hevc_params.h"

/* The parameter sets last handed to the decoder. */
struct dv_hevc_au_state {
	uint8_t params[3 * DV_HEVC_PARAM_NAL_MAX];
	size_t params_size;
	/* Tests: the short-term sets from the decode parameters even where
	 * the slice header spells them out (hevc_slice.h). */
	int rps_from_decode_params;
};

/* What the caller needs to know about the request beyond the bytes. */
struct dv_hevc_au_info {
	unsigned int slices;		/* slice segments in the access unit */
	unsigned int rasl;		/* they are RASL pictures' */
	uint32_t width, height;		/* the coded picture size */
	unsigned int bit_depth;
};

/* Forget the parameter sets sent: the next access unit carries them. */
void dv_hevc_au_forget(struct dv_hevc_au_state *st);

/*
 * Builds the access unit of a request into @out (emptied first). Returns 0,
 * -EINVAL (missing or malformed controls, parameters that cannot be
 * decoded, no slice in the buffer, a slice header that does not parse) or
 * -ENOMEM.
 */
int dv_hevc_au_build(struct dv_hevc_au_state *st, const uint8_t *ctrls,
		     size_t ctrls_size, const uint8_t *bitstream,
		     size_t bitstream_size, struct dv_bytebuf *out,
		     struct dv_hevc_au_info *info);

#endif
