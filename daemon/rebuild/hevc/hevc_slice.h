/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rewriting an HEVC slice segment NAL unit so that it parses against the
 * parameter sets rebuilt from the controls (hevc_params.h), which have no
 * short-term reference picture sets and no long-term candidates: the
 * V4L2 SPS control carries neither (only their numbers).
 *
 * The slice segment header is read with the controls' SPS and PPS. Its
 * reference picture set is written again explicitly:
 * - the short-term set as it was when the header spells it out (without
 *   inter RPS prediction); else, when it names a set of the SPS or predicts
 *   from one, from the decode parameters: the DPB entries that are not
 *   long-term, before or after the current picture by their POC, "used by
 *   the current picture" when poc_st_curr_before/after list them (the DPB
 *   holds exactly the picture's RPS: H.265 8.3.2 marks every other picture
 *   unused for reference);
 * - the long-term part as it was when it has no entry taken from the SPS
 *   (lt_idx_sps); else from the DPB's long-term entries, those of
 *   poc_lt_curr first in their order, with their POC LSBs and, where it can
 *   be said, their MSB cycles.
 * Every other header bit is copied; byte_alignment() is written again; the
 * slice data is copied as it was, emulation prevention included, so the
 * entry point offsets (which count slice data bytes) stay valid.
 *
 * IDR slices and dependent slice segments have no reference picture set:
 * they are copied whole.
 */
#ifndef DV_HEVC_SLICE_H
#define DV_HEVC_SLICE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

#include "util/bytebuf.h"

/* The request's controls the slice headers are read with. */
struct dv_hevc_slice_ctrls {
	const struct v4l2_ctrl_hevc_sps *sps;
	const struct v4l2_ctrl_hevc_pps *pps;
	const struct v4l2_ctrl_hevc_decode_params *decode;
	int rps_from_decode_params;	/* tests: always from the DPB */
};

/* What the caller learns about the slice segment. */
struct dv_hevc_slice_info {
	unsigned int nal_type;
	unsigned int first_slice_segment_in_pic;
	unsigned int dependent;
	unsigned int slice_type;	/* 0 B, 1 P, 2 I; dependent: unknown */
	unsigned int rewritten;		/* the header was written again */
};

/*
 * Appends the slice segment NAL unit @nal (@size bytes from its two-byte
 * header on, no start code) to @out behind a 00 00 00 01 start code,
 * rewritten as the header above says. Returns 0, -EINVAL (a header that
 * does not parse with the controls, or references the DPB cannot give) or
 * -ENOMEM.
 */
int dv_hevc_slice_rewrite(const struct dv_hevc_slice_ctrls *c,
			  const uint8_t *nal, size_t size,
			  struct dv_bytebuf *out,
			  struct dv_hevc_slice_info *info);

#endif
