/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AV1 OBUs rebuilt from the V4L2 stateless AV1 controls, so that libdav1d
 * (which only takes a bitstream) can decode a request.
 *
 * What clients put in the OUTPUT buffer (V4L2_PIX_FMT_AV1_FRAME): GStreamer
 * 1.24+ (v4l2codecs, gstv4l2codecav1dec.c decode_tile()) copies, for each
 * tile group of the frame, the OBU *payload* only -- no OBU header, no size
 * field, no sequence header. For an OBU_TILE_GROUP that is the tile group
 * syntax; for an OBU_FRAME (what libaom, SVT-AV1 and rav1e emit for a frame
 * in one tile group) it is the frame header bits, byte alignment, then the
 * tile group. The frame header is therefore not reliably in the buffer and
 * never in a form a decoder can be handed: the daemon does not parse the
 * buffer at all. It takes the coded tiles where the TILE_GROUP_ENTRY
 * control says they are (tile_offset/tile_size, relative to the start of
 * the buffer) and builds, from the controls, a temporal unit of its own:
 *
 *   OBU_SEQUENCE_HEADER  from V4L2_CID_STATELESS_AV1_SEQUENCE
 *   OBU_FRAME_HEADER     from V4L2_CID_STATELESS_AV1_FRAME (+ FILM_GRAIN)
 *   OBU_TILE_GROUP       all tiles, in tile order, 4-byte tile sizes
 *
 * The sequence header carries what the control has (no operating points
 * but one, no timing/decoder model, no frame ids, no colour description:
 * none of them changes decoded pixels). Frame headers written against it
 * are therefore self-consistent, whatever the original stream signalled.
 * Syntax that is coded relative to reference state (global motion params,
 * ref_order_hint in error resilient mode, skip mode derivation) is written
 * against the reference slots the decoder holds, which this file tracks in
 * struct dv_av1_refs (updated with dv_av1_refs_update after each decode).
 */
#ifndef DV_AV1_REBUILD_H
#define DV_AV1_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

#define DV_AV1_OBU_SEQUENCE_HEADER	1
#define DV_AV1_OBU_TEMPORAL_DELIMITER	2
#define DV_AV1_OBU_FRAME_HEADER		3
#define DV_AV1_OBU_TILE_GROUP		4

/* The state of the decoder's eight reference slots that frame header
 * syntax is coded against, and what the client calls the frame in each
 * slot (its request's timestamp, as reference_frame_ts names it). */
struct dv_av1_refs {
	int valid[8];
	uint32_t order_hint[8];
	int32_t gm_params[8][8][6];	/* [slot][ref frame 0..7][param] */
	uint64_t ts[8];
	/* A hidden key frame that may still be shown (showable_frame): its
	 * show_existing_frame refreshes every slot (7.21). */
	int showable_key[8];
	/* ts[] names the slot's frame (no later request had that timestamp). */
	int named[8];
	/*
	 * The client's own slots, as its refresh_frame_flags said: the
	 * timestamp of the request that last refreshed each one. When a
	 * request's reference_frame_ts contradict them, the client's
	 * refresh_frame_flags are not to be trusted (libva-v4l2-request
	 * guesses them for every shown frame) and client slots are mapped to
	 * the decoder's by timestamp from then on (dv_av1_refs_map).
	 */
	uint64_t client_ts[8];
	int client_known[8];
	int mapped;
};

void dv_av1_refs_reset(struct dv_av1_refs *refs);
/* Records @frame as decoded: the slots of its refresh_frame_flags. */
void dv_av1_refs_update(struct dv_av1_refs *refs,
			const struct v4l2_ctrl_av1_frame *frame);
/* The same, for the request of timestamp @ts. */
void dv_av1_refs_update_ts(struct dv_av1_refs *refs,
			   const struct v4l2_ctrl_av1_frame *frame, uint64_t ts);

/*
 * The frame control to write for the decoder, @dec, from the client's
 * @client: the same, with ref_frame_idx, refresh_frame_flags and
 * film_grain_params_ref_idx (in @grain, may be NULL) in decoder slots.
 *
 * While the client's refresh_frame_flags agree with the reference_frame_ts
 * of its later requests (GStreamer), client slot i is decoder slot i and
 * @dec is @client. VA-API has no refresh_frame_flags: libva-v4l2-request
 * learns them from the next frame's references, but submits a shown frame
 * as soon as the client reads it, with a guess (all slots for an intra
 * frame, those it does not refer to otherwise). Once a request's
 * reference_frame_ts contradict what the earlier ones refreshed, each
 * client slot is the decoder slot holding the frame its reference_frame_ts
 * names, and a new frame goes into a decoder slot that holds no frame the
 * client still names (when there is none, see DV_AV1_MAP_DEFER).
 */
#define DV_AV1_MAP_DEFER	1
int dv_av1_refs_map(struct dv_av1_refs *refs,
		    const struct v4l2_ctrl_av1_frame *client,
		    struct v4l2_ctrl_av1_frame *dec,
		    struct v4l2_ctrl_av1_film_grain *grain);
/*
 * dv_av1_refs_map returns DV_AV1_MAP_DEFER when every decoder slot holds a
 * frame the client still names: @dec then refreshes nothing, and the frame
 * (request @ts) is to be decoded again before the next request @next,
 * refreshing the decoder slot this returns (-1: nothing to do, no client
 * slot holds the frame).
 */
int dv_av1_refs_deferred_slot(const struct dv_av1_refs *refs, uint64_t ts,
			      const struct v4l2_ctrl_av1_frame *next);
/* Records @dec, mapped from @client by dv_av1_refs_map, as decoded for
 * the request of timestamp @ts. */
void dv_av1_refs_decoded(struct dv_av1_refs *refs,
			 const struct v4l2_ctrl_av1_frame *client,
			 const struct v4l2_ctrl_av1_frame *dec, uint64_t ts);

/*
 * A show_existing_frame of a key frame refreshes all eight slots with it,
 * but is no request: GStreamer (gstav1decoder.c) re-outputs the earlier
 * buffer and only its own DPB changes. The next request shows it: every
 * reference_frame_ts names one frame while the slots here hold others.
 * Returns the slot of the key frame to show, or -1 (nothing was missed).
 * The key frame is the slot with that timestamp; or, for a client that
 * names the shown copy by the show_existing_frame's own timestamp (which
 * no request had), the one showable key frame held.
 */
int dv_av1_refs_missed_show_existing(const struct dv_av1_refs *refs,
				     const struct v4l2_ctrl_av1_frame *frame);
/* Records the show_existing_frame of the key frame in @slot: every slot
 * gets its state, named @ts by the client. */
void dv_av1_refs_show_existing(struct dv_av1_refs *refs, unsigned int slot,
			       uint64_t ts);

/*
 * Writes a whole frame header OBU with show_existing_frame = 1 showing
 * @slot (for a sequence header as dv_av1_write_sequence_header writes it:
 * no decoder model, no frame ids). Returns 0 with *@size, -EINVAL or
 * -ENOSPC.
 */
int dv_av1_write_show_existing_frame(unsigned int slot, uint8_t *out,
				     size_t cap, size_t *size);

/*
 * Writes a whole sequence header OBU (header, leb128 size, payload) for
 * @seq into @out. Returns 0 with *@size, -EINVAL (values the syntax cannot
 * carry) or -ENOSPC.
 */
int dv_av1_write_sequence_header(const struct v4l2_ctrl_av1_sequence *seq,
				 uint8_t *out, size_t cap, size_t *size);

/*
 * Writes a whole frame header OBU for @frame (with @grain, which may be
 * NULL when the sequence has no film grain) under @seq, as written by
 * dv_av1_write_sequence_header, against @refs. Same returns.
 */
int dv_av1_write_frame_header(const struct v4l2_ctrl_av1_sequence *seq,
			      const struct v4l2_ctrl_av1_frame *frame,
			      const struct v4l2_ctrl_av1_film_grain *grain,
			      const struct dv_av1_refs *refs,
			      uint8_t *out, size_t cap, size_t *size);

/*
 * Writes one tile group OBU holding every tile of @frame, taken from
 * @data (@data_size bytes) where @entries (@n_entries of them, any order,
 * each tile exactly once) say. Checks every offset and size against the
 * buffer. Same returns.
 */
int dv_av1_write_tile_group(const struct v4l2_ctrl_av1_frame *frame,
			    const struct v4l2_ctrl_av1_tile_group_entry *entries,
			    size_t n_entries, const uint8_t *data,
			    size_t data_size, uint8_t *out, size_t cap,
			    size_t *size);

/* Bytes dv_av1_write_tile_group needs at most for @tile_bytes of tiles. */
size_t dv_av1_tile_group_bound(size_t n_entries, size_t tile_bytes);

#endif
