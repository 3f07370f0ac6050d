/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Turning one V4L2 H.264 request (its controls and OUTPUT buffer) into an
 * Annex-B access unit a bitstream decoder can take: the SPS and PPS rebuilt
 * from the controls, then the request's slice NAL units.
 */
#ifndef DV_H264_ACCESS_UNIT_H
#define DV_H264_ACCESS_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "util/bytebuf.h"
#include "rebuild/h264/h264_rebuild.h"

/*
 * The parameter sets last handed to the decoder: they are sent again only
 * when they change, so the decoder does not re-parse them every picture.
 */
struct dv_h264_au_state {
	uint8_t sps[DV_H264_PARAM_NAL_MAX];
	size_t sps_size;
	uint8_t pps[DV_H264_PARAM_NAL_MAX];
	size_t pps_size;
};

/* What the caller needs to know about the request beyond the bytes. */
struct dv_h264_au_info {
	int field_pic;		/* the request decodes one field */
	unsigned int slices;	/* slice NAL units in the access unit */
};

/* Forget the parameter sets sent: the next access unit carries them. */
void dv_h264_au_forget(struct dv_h264_au_state *st);

/*
 * Builds the access unit of a request into @out (emptied first). Returns 0,
 * -EINVAL (missing or malformed controls, parameters that cannot be
 * decoded, no slice in the buffer) or -ENOMEM.
 */
int dv_h264_au_build(struct dv_h264_au_state *st, const uint8_t *ctrls,
		     size_t ctrls_size, const uint8_t *bitstream,
		     size_t bitstream_size, struct dv_bytebuf *out,
		     struct dv_h264_au_info *info);

#endif
