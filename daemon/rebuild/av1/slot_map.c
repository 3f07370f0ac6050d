// SPDX-License-Identifier: BSD-2-Clause
/*
 * The client's eight AV1 reference slots mapped onto the decoder's (see
 * dv_av1_refs_map in av1_rebuild.h).
 *
 * Why: a request's refresh_frame_flags decide which decoder slots its frame
 * overwrites, and the decoder keeps no frame twice. libva-v4l2-request
 * cannot know them for a shown frame (VA-API does not carry them; it
 * guesses when FFmpeg reads the picture before sending the next frame), so
 * a frame the client still refers to was overwritten, and every later
 * picture referring to it came out wrong. What the client does say right
 * is, in every request, which frame each of its slots holds
 * (reference_frame_ts, the timestamps of the requests that decoded them).
 */
#include <string.h>

#include "rebuild/av1/av1_internal.h"
#include "rebuild/av1/av1_rebuild.h"

/* All slots refreshed whatever refresh_frame_flags says (5.9.2). */
static int dv_av1_refresh_all(const struct v4l2_ctrl_av1_frame *f)
{
	return f->frame_type == V4L2_AV1_SWITCH_FRAME ||
	       (f->frame_type == V4L2_AV1_KEY_FRAME &&
		(f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME));
}

/* Do the request's reference_frame_ts say what the earlier ones refreshed? */
static int dv_av1_claims_hold(const struct dv_av1_refs *refs,
			      const struct v4l2_ctrl_av1_frame *f)
{
	int i;

	for (i = 0; i < 8; i++)
		if (refs->client_known[i] &&
		    f->reference_frame_ts[i] != refs->client_ts[i])
			return 0;
	return 1;
}

/* The decoder slot holding the frame named @ts, preferring @prefer; -1. */
static int dv_av1_slot_of(const struct dv_av1_refs *refs, uint64_t ts,
			  int prefer)
{
	int d;

	if (refs->valid[prefer] && refs->named[prefer] && refs->ts[prefer] == ts)
		return prefer;
	for (d = 0; d < 8; d++)
		if (refs->valid[d] && refs->named[d] && refs->ts[d] == ts)
			return d;
	return -1;
}

int dv_av1_refs_map(struct dv_av1_refs *refs,
		    const struct v4l2_ctrl_av1_frame *client,
		    struct v4l2_ctrl_av1_frame *dec,
		    struct v4l2_ctrl_av1_film_grain *grain)
{
	int map[8], i, d;
	unsigned int held = 0, refresh = 0;

	*dec = *client;
	/* What the syntax says, whatever a client that guesses sent (libva:
	 * the slots a switch frame does not refer to). */
	if (dv_av1_refresh_all(client))
		dec->refresh_frame_flags = 0xff;
	if (dv_av1_refresh_all(client) && client->frame_type == V4L2_AV1_KEY_FRAME)
		return 0;	/* refers to nothing, replaces everything */
	/*
	 * FFmpeg names no reference of a shown key frame (skipped above);
	 * every other request names them all.
	 */
	if (!refs->mapped && (!dv_av1_claims_hold(refs, client) ||
			      dec->refresh_frame_flags != client->refresh_frame_flags ||
			      (client->frame_type == V4L2_AV1_INTRA_ONLY_FRAME &&
			       client->refresh_frame_flags == 0xff)))
		refs->mapped = 1;	/* a guess: one the syntax forbids */
	if (!refs->mapped)
		return 0;

	for (i = 0; i < 8; i++) {
		map[i] = dv_av1_slot_of(refs, client->reference_frame_ts[i], i);
		/* One copy of each named frame is enough: the first. */
		d = dv_av1_slot_of(refs, client->reference_frame_ts[i], 0);
		if (d >= 0)
			held |= 1u << d;
	}
	if (!dv_av1_frame_is_intra(client)) {
		for (i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++) {
			int s = client->ref_frame_idx[i];

			/* A frame no decoder slot holds: the client's own
			 * slot is the best there is (its decode will show). */
			if (s >= 0 && s < 8 && map[s] >= 0)
				dec->ref_frame_idx[i] = (int8_t)map[s];
		}
	}
	if (grain && (grain->flags & V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN) &&
	    !(grain->flags & V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN) &&
	    grain->film_grain_params_ref_idx < 8 &&
	    map[grain->film_grain_params_ref_idx] >= 0)
		grain->film_grain_params_ref_idx =
			(uint8_t)map[grain->film_grain_params_ref_idx];

	if (dv_av1_refresh_all(client))
		return 0;	/* a switch frame: 0xff stays */
	/* Into a decoder slot no named frame needs, if there is one. */
	for (d = 0; d < 8; d++) {
		if (!(held & (1u << d))) {
			refresh = 1u << d;
			break;
		}
	}
	dec->refresh_frame_flags = (uint8_t)refresh;
	/*
	 * Eight frames named: which one this frame replaces (if any) only
	 * the next request says. Decoded now without storing it, which
	 * leaves every slot as it is; stored by decoding it again then.
	 */
	return refresh ? 0 : DV_AV1_MAP_DEFER;
}

int dv_av1_refs_deferred_slot(const struct dv_av1_refs *refs, uint64_t ts,
			      const struct v4l2_ctrl_av1_frame *next)
{
	unsigned int named = 0;
	int i, d, wanted = 0;

	if (dv_av1_refresh_all(next) && next->frame_type == V4L2_AV1_KEY_FRAME)
		return -1;	/* every slot replaced anyway */
	for (i = 0; i < 8; i++) {
		if (next->reference_frame_ts[i] == ts) {
			wanted = 1;
			continue;
		}
		d = dv_av1_slot_of(refs, next->reference_frame_ts[i], 0);
		if (d >= 0)
			named |= 1u << d;
	}
	if (!wanted)
		return -1;	/* no client slot took it */
	for (d = 0; d < 8; d++)
		if (!(named & (1u << d)))
			return d;
	return -1;		/* nothing left the client's slots: cannot be */
}

void dv_av1_refs_decoded(struct dv_av1_refs *refs,
			 const struct v4l2_ctrl_av1_frame *client,
			 const struct v4l2_ctrl_av1_frame *dec, uint64_t ts)
{
	unsigned int claimed = dv_av1_refresh_all(client) ?
		0xffu : client->refresh_frame_flags;
	int i;

	dv_av1_refs_update_ts(refs, dec, ts);
	for (i = 0; i < 8; i++) {
		if (!(claimed & (1u << i)))
			continue;
		refs->client_ts[i] = ts;
		refs->client_known[i] = 1;
	}
}
