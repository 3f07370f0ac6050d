// SPDX-License-Identifier: BSD-2-Clause
/*
 * The decoder's eight AV1 reference slots, as frame header syntax coded
 * against them needs them (see struct dv_av1_refs).
 */
#include <errno.h>
#include <string.h>

#include "rebuild/av1/av1_internal.h"
#include "rebuild/av1/av1_rebuild.h"

void dv_av1_gm_default(int32_t params[8][6])
{
	int r;

	memset(params, 0, sizeof(int32_t) * 8 * 6);
	for (r = 0; r < 8; r++)
		params[r][2] = params[r][5] = 1 << DV_AV1_WARPEDMODEL_PREC_BITS;
}

void dv_av1_refs_reset(struct dv_av1_refs *refs)
{
	int i;

	memset(refs, 0, sizeof(*refs));
	for (i = 0; i < 8; i++)
		dv_av1_gm_default(refs->gm_params[i]);
}

int dv_av1_frame_is_intra(const struct v4l2_ctrl_av1_frame *f)
{
	return f->frame_type == V4L2_AV1_KEY_FRAME ||
	       f->frame_type == V4L2_AV1_INTRA_ONLY_FRAME;
}

/*
 * The parameters the decoder holds for one reference after
 * global_motion_params() (5.9.24): only those the frame header carries for
 * the warp type, the rest at their defaults or, for ROTZOOM, derived. The
 * client's other values are not in the bitstream, so they must not become
 * the next frame's PrevGmParams either.
 */
static void dv_av1_gm_decoded(int type, const int32_t in[6], int32_t out[6])
{
	if (type >= V4L2_AV1_WARP_MODEL_ROTZOOM) {
		out[2] = in[2];
		out[3] = in[3];
		if (type == V4L2_AV1_WARP_MODEL_AFFINE) {
			out[4] = in[4];
			out[5] = in[5];
		} else {
			/* Written as 0 - x: in[3] may be INT32_MIN. */
			out[4] = (int32_t)(0u - (uint32_t)in[3]);
			out[5] = in[2];
		}
	}
	if (type >= V4L2_AV1_WARP_MODEL_TRANSLATION) {
		out[0] = in[0];
		out[1] = in[1];
	}
}

void dv_av1_refs_update(struct dv_av1_refs *refs,
			const struct v4l2_ctrl_av1_frame *f)
{
	int32_t gm[8][6];
	int i;

	dv_av1_gm_default(gm);
	if (!dv_av1_frame_is_intra(f))
		for (i = 1; i < 8; i++)
			dv_av1_gm_decoded(f->global_motion.type[i],
					  f->global_motion.params[i], gm[i]);
	for (i = 0; i < 8; i++) {
		if (!(f->refresh_frame_flags & (1u << i)))
			continue;
		refs->valid[i] = 1;
		refs->order_hint[i] = f->order_hint;
		memcpy(refs->gm_params[i], gm, sizeof(gm));
		refs->ts[i] = 0;
		refs->named[i] = 0;
		refs->showable_key[i] = f->frame_type == V4L2_AV1_KEY_FRAME &&
			!(f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME) &&
			(f->flags & V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME);
	}
}

void dv_av1_refs_update_ts(struct dv_av1_refs *refs,
			   const struct v4l2_ctrl_av1_frame *f, uint64_t ts)
{
	int i;

	dv_av1_refs_update(refs, f);
	for (i = 0; i < 8; i++) {
		if (f->refresh_frame_flags & (1u << i)) {
			refs->ts[i] = ts;
			refs->named[i] = 1;
		} else if (refs->ts[i] == ts) {
			/* The client reuses timestamps (libva-v4l2-request
			 * names frames by CAPTURE buffer): the frame left
			 * here is not the one the client now calls @ts. */
			refs->named[i] = 0;
		}
	}
}

int dv_av1_refs_missed_show_existing(const struct dv_av1_refs *refs,
				     const struct v4l2_ctrl_av1_frame *f)
{
	const uint64_t t = f->reference_frame_ts[0];
	int i, j, key = -1, unknown = 1, differs = 0;

	for (i = 1; i < 8; i++)
		if (f->reference_frame_ts[i] != t)
			return -1;	/* not one frame everywhere */
	for (i = 0; i < 8; i++) {
		if (refs->valid[i]) {
			if (refs->ts[i] != t) {
				differs = 1;
				continue;
			}
			unknown = 0;
			if (refs->showable_key[i])
				key = i;
			continue;
		}
		/*
		 * An empty slot here. GStreamer names empty slots 0, which
		 * is also its first request's timestamp: with t == 0 it is
		 * only known to be filled when the frame refers to it (a
		 * valid stream never refers to an empty slot).
		 */
		if (t)
			differs = 1;
		else if (!dv_av1_frame_is_intra(f))
			for (j = 0; j < V4L2_AV1_REFS_PER_FRAME; j++)
				if (f->ref_frame_idx[j] == i)
					differs = 1;
	}
	if (!differs)
		return -1;	/* the slots hold that frame already */
	if (key >= 0 || !unknown || !t)
		return key;
	/* A timestamp no slot has: the one showable key frame, if one. */
	for (i = 0; i < 8; i++) {
		if (!refs->valid[i] || !refs->showable_key[i])
			continue;
		if (key >= 0 && refs->ts[key] != refs->ts[i])
			return -1;	/* two candidates: do not guess */
		key = i;
	}
	return key;
}

void dv_av1_refs_show_existing(struct dv_av1_refs *refs, unsigned int slot,
			       uint64_t ts)
{
	unsigned int i;

	slot &= 7;
	for (i = 0; i < 8; i++) {
		if (i == slot)
			continue;
		refs->valid[i] = refs->valid[slot];
		refs->order_hint[i] = refs->order_hint[slot];
		memcpy(refs->gm_params[i], refs->gm_params[slot],
		       sizeof(refs->gm_params[i]));
	}
	/* A key frame is shown by show_existing_frame at most once (7.21). */
	for (i = 0; i < 8; i++) {
		refs->ts[i] = ts;
		refs->named[i] = 1;
		refs->showable_key[i] = 0;
		refs->client_ts[i] = ts;
		refs->client_known[i] = 1;
	}
}