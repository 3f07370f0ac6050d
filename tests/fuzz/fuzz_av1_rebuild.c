// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 requests rebuilt into temporal units (daemon/rebuild/av1/), the way
 * backend_dav1d.c's dv_dav1d_build() does it (which is static there, so
 * its steps are repeated in rebuild() below, call for call), without
 * libdav1d: the SEQUENCE, FRAME, TILE_GROUP_ENTRY and FILM_GRAIN control
 * records and the OUTPUT buffer come from the fuzzer, for up to 4
 * requests in a row, the reference slot state (struct dv_av1_refs)
 * carried from one to the next as after a successful decode, client slots
 * mapped onto the decoder's (dv_av1_refs_map) and deferred frames stored
 * as the backend does.
 *
 * What is checked when a request is rebuilt: the temporal unit is exactly
 * a sequence header, a frame header and a tile group OBU, each with a
 * well-formed header and leb128 size, filling the unit; the sequence
 * header reads back (its fixed part) to the control's values; the frame
 * header starts with the control's frame type and show flag and ends in
 * its trailing bit; the tile group holds every tile, in raster order, byte
 * for byte from where its entry said, behind correct size fields.
 *
 * Input: byte 0 unused (kept for future modes), the SEQUENCE control
 * (raw), then per request:
 *   u8 flags   bit 0: a FILM_GRAIN record; bit 1: tile_info made here,
 *              uniform, from the frame size (only u8 cols, rows and
 *              context_update_tile_id are read) instead of raw; bit 2:
 *              tile group entries made here (the buffer cut in equal
 *              tiles; bit 5: listed in reverse) instead of u16 count and
 *              raw entries; bit 3: stream stop before the request; bit 4:
 *              the decode "fails" (refs reset instead of updated); bit 6:
 *              u8 n, then n times u16 offset, u8 index: the 32-bit word at
 *              that (4-aligned) offset of the FRAME control is set to an
 *              extreme value (extremes[index % 16])
 *   the FRAME control without tile_info (raw), [tile_info raw],
 *   [FILM_GRAIN raw], [u16 count, entries raw], u16 len, len bytes of
 *   OUTPUT buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "rebuild/av1/av1_rebuild.h"
#include "rebuild/ctrl_records.h"
#include "fuzz_common.h"

#define DV_DAV1D_HDR_MAX	4096	/* as in backend_dav1d.c */
#define MAX_REQUESTS		4

enum {
	R_GRAIN = 1,
	R_DERIVE_TILES = 2,
	R_DERIVE_ENTRIES = 4,
	R_RESET = 8,
	R_DECODE_FAILS = 16,
	R_REVERSE = 32,
	R_POKE = 64,
};

/*
 * Values that break integer arithmetic, for R_POKE: random bytes seldom
 * land on them, and a 32-bit control field takes any of them.
 */
static const uint32_t extremes[16] = {
	0, 1, 0xffffffffu, 0x80000000u, 0x7fffffffu, 0x80000001u, 0x7ffffffeu,
	0xfffffffeu, 0xffff0000u, 0x00010000u, 0x0000ffffu, 0x00008000u,
	0x00007fffu, 0x000000ffu, 0x00000080u, 0x8000ffffu,
};

/* What backend_dav1d.c's decoder keeps between requests. */
struct decoder {
	struct dv_av1_refs refs;
	struct v4l2_ctrl_av1_tile_group_entry entries[V4L2_AV1_MAX_TILE_COUNT];
};

/*
 * The frame written is the client's but for ref_frame_idx and
 * refresh_frame_flags, which name decoder slots; in trust mode it is the
 * client's (but for a shown key frame's or switch frame's flags, which are
 * 0xff as the syntax has them); a deferred frame refreshes nothing.
 */
static void check_map(const struct dv_av1_refs *refs,
		      const struct v4l2_ctrl_av1_frame *client,
		      const struct v4l2_ctrl_av1_frame *frame, int defer)
{
	struct v4l2_ctrl_av1_frame a = *client, b = *frame;
	int i;

	FZ_ASSERT(defer == 0 || defer == DV_AV1_MAP_DEFER, "map returned %d", defer);
	FZ_ASSERT(!defer || frame->refresh_frame_flags == 0, "a deferred frame refreshes");
	if (!refs->mapped) {
		/* but a refresh every slot gets as the syntax has it */
		a.refresh_frame_flags = b.refresh_frame_flags;
		FZ_ASSERT(!memcmp(&a, frame, sizeof(*frame)), "unmapped frame changed");
		FZ_ASSERT(frame->refresh_frame_flags == client->refresh_frame_flags ||
			  frame->refresh_frame_flags == 0xff, "unmapped refresh changed");
	}
	for (i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++)
		if (client->ref_frame_idx[i] >= 0 && client->ref_frame_idx[i] < 8)
			FZ_ASSERT(frame->ref_frame_idx[i] >= 0 && frame->ref_frame_idx[i] < 8,
				  "ref_frame_idx %d mapped to %d", client->ref_frame_idx[i],
				  frame->ref_frame_idx[i]);
	memset(a.ref_frame_idx, 0, sizeof(a.ref_frame_idx));
	memset(b.ref_frame_idx, 0, sizeof(b.ref_frame_idx));
	a.refresh_frame_flags = b.refresh_frame_flags = 0;
	FZ_ASSERT(!memcmp(&a, &b, sizeof(a)), "map changed more than slots");
}

/*
 * dv_dav1d_decode()'s dv_av1_refs_map() and dv_dav1d_build(), step for
 * step, into a heap unit *@tu of *@tu_size: *@client is the FRAME control
 * as sent, *@frame the one written (in decoder slots), *@defer what
 * dv_av1_refs_map returned.
 */
static int rebuild(struct decoder *dec, const uint8_t *ctrls, size_t ctrls_size,
		   const uint8_t *bitstream, size_t bitstream_size,
		   struct v4l2_ctrl_av1_frame *client,
		   struct v4l2_ctrl_av1_frame *frame, int *defer,
		   size_t *n_entries_out, uint8_t **tu, size_t *tu_size)
{
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_film_grain grain;
	const struct v4l2_ctrl_av1_film_grain *grainp = &grain;
	size_t n_entries = 0, tiles = 0, used, n, i;
	uint8_t *out;
	int ret;

	*tu = NULL;
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_AV1_SEQUENCE, &seq, sizeof(seq));
	if (!ret)
		ret = dv_ctrl_records_get(ctrls, ctrls_size,
					  V4L2_CID_STATELESS_AV1_FRAME, client,
					  sizeof(*client));
	if (!ret)
		ret = dv_ctrl_records_get_array(ctrls, ctrls_size,
						V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
						sizeof(dec->entries[0]), dec->entries,
						V4L2_AV1_MAX_TILE_COUNT, &n_entries);
	if (ret)
		return -EINVAL;
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_AV1_FILM_GRAIN, &grain,
				  sizeof(grain));
	if (ret == -ENOENT)
		grainp = NULL;
	else if (ret)
		return ret;
	*defer = dv_av1_refs_map(&dec->refs, client, frame, grainp ? &grain : NULL);
	check_map(&dec->refs, client, frame, *defer);
	for (i = 0; i < n_entries; i++)
		tiles += dec->entries[i].tile_size;
	*n_entries_out = n_entries;

	n = 2 * DV_DAV1D_HDR_MAX + dv_av1_tile_group_bound(n_entries, tiles);
	if (tiles > bitstream_size)
		return -EINVAL;
	out = malloc(n);
	if (!out)
		return -ENOMEM;
	ret = dv_av1_write_sequence_header(&seq, out, n, &used);
	if (ret)
		goto out;
	FZ_ASSERT(used <= n, "sequence header overflows");
	ret = dv_av1_write_frame_header(&seq, frame, grainp, &dec->refs,
					out + used, n - used, &i);
	if (ret)
		goto out;
	FZ_ASSERT(i <= n - used, "frame header overflows");
	used += i;
	ret = dv_av1_write_tile_group(frame, dec->entries, n_entries,
				      bitstream, bitstream_size,
				      out + used, n - used, &i);
	if (ret)
		goto out;
	FZ_ASSERT(i <= n - used, "tile group overflows");
	used += i;
	/* Exactly sized, for the checks: ASan sees reads past the unit. */
	*tu = malloc(used);
	if (!*tu)
		abort();
	memcpy(*tu, out, used);
	*tu_size = used;
out:
	free(out);
	return ret;
}

/* ---- the checks --------------------------------------------------------- */

struct rd {
	const uint8_t *p;
	size_t size;
	size_t bit;
};

static uint32_t rd_f(struct rd *r, unsigned int n)
{
	uint32_t v = 0;

	while (n--) {
		FZ_ASSERT(r->bit < r->size * 8, "OBU payload too short");
		v = v << 1 | ((r->p[r->bit / 8] >> (7 - r->bit % 8)) & 1);
		r->bit++;
	}
	return v;
}

struct obu {
	unsigned int type;
	const uint8_t *payload;
	size_t size;
};

/* The unit's OBUs: header (no extension, has_size_field), leb128 size. */
static size_t split_obus(const uint8_t *tu, size_t size, struct obu *obus,
			 size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < size) {
		uint64_t len = 0;
		unsigned int i;

		FZ_ASSERT(n < max, "more than %zu OBUs", max);
		FZ_ASSERT((tu[pos] & 0x87) == 0x02, "OBU header %#x", tu[pos]);
		obus[n].type = tu[pos] >> 3;
		pos++;
		for (i = 0; ; i++) {
			FZ_ASSERT(i < 8 && pos < size, "leb128 cut or too long");
			len |= (uint64_t)(tu[pos] & 0x7f) << (7 * i);
			if (!(tu[pos++] & 0x80))
				break;
		}
		FZ_ASSERT(len <= size - pos, "OBU of %llu bytes, %zu left",
			  (unsigned long long)len, size - pos);
		obus[n].payload = tu + pos;
		obus[n].size = (size_t)len;
		pos += (size_t)len;
		n++;
	}
	return n;
}

static void check_tu(const struct v4l2_ctrl_av1_sequence *seq,
		     const struct v4l2_ctrl_av1_frame *frame,
		     const struct v4l2_ctrl_av1_tile_group_entry *entries,
		     size_t n_entries, const uint8_t *bs,
		     const uint8_t *tu, size_t size)
{
	const size_t n_tiles = (size_t)frame->tile_info.tile_cols * frame->tile_info.tile_rows;
	struct obu obus[4];
	unsigned int fwb, fhb;
	size_t pos, t, e;
	struct rd r;

	FZ_ASSERT(split_obus(tu, size, obus, 4) == 3 &&
		  obus[0].type == DV_AV1_OBU_SEQUENCE_HEADER &&
		  obus[1].type == DV_AV1_OBU_FRAME_HEADER &&
		  obus[2].type == DV_AV1_OBU_TILE_GROUP, "not seq, frame, tiles");

	/* 5.5.1, the fixed part the rebuild writes. */
	r = (struct rd){ obus[0].payload, obus[0].size, 0 };
	FZ_ASSERT(rd_f(&r, 3) == seq->seq_profile, "seq_profile");
	FZ_ASSERT(rd_f(&r, 1) == !!(seq->flags & V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE),
		  "still_picture");
	FZ_ASSERT(rd_f(&r, 1) == 0 && rd_f(&r, 1) == 0 && rd_f(&r, 1) == 0 &&
		  rd_f(&r, 5) == 0 && rd_f(&r, 12) == 0 && rd_f(&r, 5) == 31 &&
		  rd_f(&r, 1) == 0, "operating point");
	/* Canonical (rebuild/av1/sequence.c): the largest size the syntax carries. */
	fwb = rd_f(&r, 4) + 1;
	fhb = rd_f(&r, 4) + 1;
	FZ_ASSERT(fwb == 16 && fhb == 16 && rd_f(&r, fwb) == 65535 &&
		  rd_f(&r, fhb) == 65535, "max frame size");
	FZ_ASSERT(obus[0].payload[obus[0].size - 1], "no trailing bit");

	/* 5.9.2, first fields. */
	r = (struct rd){ obus[1].payload, obus[1].size, 0 };
	FZ_ASSERT(rd_f(&r, 1) == 0, "show_existing_frame");
	FZ_ASSERT(rd_f(&r, 2) == (uint32_t)frame->frame_type, "frame_type");
	FZ_ASSERT(rd_f(&r, 1) == !!(frame->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME),
		  "show_frame");
	FZ_ASSERT(obus[1].payload[obus[1].size - 1], "no trailing bit");

	/* 5.11.1: flag byte if several tiles, then size-1 (4 bytes LE) and
	 * data of each tile, the last without a size. */
	FZ_ASSERT(n_entries == n_tiles && n_tiles >= 1, "%zu entries for %zu tiles",
		  n_entries, n_tiles);
	pos = 0;
	if (n_tiles > 1)
		FZ_ASSERT(obus[2].size > 0 && obus[2].payload[pos++] == 0,
			  "tile_start_and_end_present_flag");
	for (t = 0; t < n_tiles; t++) {
		const unsigned int row = (unsigned int)(t / frame->tile_info.tile_cols);
		const unsigned int col = (unsigned int)(t % frame->tile_info.tile_cols);
		size_t tile_size;

		for (e = 0; e < n_entries; e++)
			if (entries[e].tile_row == row && entries[e].tile_col == col)
				break;
		FZ_ASSERT(e < n_entries, "tile %zu has no entry", t);
		tile_size = entries[e].tile_size;
		if (t + 1 < n_tiles) {
			const uint8_t *p = obus[2].payload + pos;

			FZ_ASSERT(obus[2].size - pos >= 4, "tile size field cut");
			FZ_ASSERT(((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				   (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) + 1 ==
				  tile_size, "tile %zu size field", t);
			pos += 4;
		}
		FZ_ASSERT(obus[2].size - pos >= tile_size &&
			  !memcmp(obus[2].payload + pos, bs + entries[e].tile_offset,
				  tile_size), "tile %zu data", t);
		pos += tile_size;
	}
	FZ_ASSERT(pos == obus[2].size, "tile group has %zu bytes more",
		  obus[2].size - pos);
}

/* ---- one input ------------------------------------------------------- */

/* Uniform tile starts over the frame's superblocks, as a client sets them. */
static void derive_tiles(const struct v4l2_ctrl_av1_sequence *seq,
			 struct v4l2_ctrl_av1_frame *f, uint8_t cols,
			 uint8_t rows, uint8_t context_id)
{
	struct v4l2_av1_tile_info *ti = &f->tile_info;
	const int sb128 = !!(seq->flags & V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK);
	const unsigned int shift = sb128 ? 5 : 4;
	const uint64_t mi_cols = 2 * (((uint64_t)f->frame_width_minus_1 + 8) >> 3);
	const uint64_t mi_rows = 2 * (((uint64_t)f->frame_height_minus_1 + 8) >> 3);
	const uint64_t sb_cols = (mi_cols + (1u << shift) - 1) >> shift;
	const uint64_t sb_rows = (mi_rows + (1u << shift) - 1) >> shift;
	unsigned int i;

	memset(ti, 0, sizeof(*ti));
	ti->tile_cols = (uint8_t)(1 + cols % V4L2_AV1_MAX_TILE_COLS);
	ti->tile_rows = (uint8_t)(1 + rows % V4L2_AV1_MAX_TILE_ROWS);
	if (ti->tile_cols > sb_cols)
		ti->tile_cols = (uint8_t)sb_cols;
	if (ti->tile_rows > sb_rows)
		ti->tile_rows = (uint8_t)sb_rows;
	for (i = 0; i <= ti->tile_cols; i++)
		ti->mi_col_starts[i] = (uint32_t)((i * sb_cols / ti->tile_cols) << shift);
	for (i = 0; i <= ti->tile_rows; i++)
		ti->mi_row_starts[i] = (uint32_t)((i * sb_rows / ti->tile_rows) << shift);
	for (i = 0; i < ti->tile_cols; i++)
		ti->width_in_sbs_minus_1[i] = ((ti->mi_col_starts[i + 1] -
						ti->mi_col_starts[i]) >> shift) - 1;
	for (i = 0; i < ti->tile_rows; i++)
		ti->height_in_sbs_minus_1[i] = ((ti->mi_row_starts[i + 1] -
						 ti->mi_row_starts[i]) >> shift) - 1;
	ti->context_update_tile_id = context_id;
	ti->tile_size_bytes = 4;
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	struct decoder *dec = calloc(1, sizeof(*dec));
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_frame pending_frame;
	uint64_t pending_ts = 0;
	int accepted = 0, req, pending = 0;

	if (!dec)
		abort();
	dv_av1_refs_reset(&dec->refs);
	fz_u8(&in);
	fz_take(&in, &seq, sizeof(seq));
	for (req = 0; req < MAX_REQUESTS && in.n; req++) {
		struct v4l2_ctrl_av1_tile_group_entry *entries;
		struct v4l2_ctrl_av1_frame frame, got, written;
		uint64_t ts;
		int defer = 0;
		struct v4l2_ctrl_av1_film_grain grain;
		struct dv_fuzz_blk blk = { 0 };
		uint8_t flags = fz_u8(&in);
		size_t n_entries, bs_size, got_entries = 0, tu_size = 0, i;
		uint8_t *bs, *tu;
		int ret;

		memset(&frame, 0, sizeof(frame));
		fz_take(&in, (uint8_t *)&frame + sizeof(frame.tile_info),
			sizeof(frame) - sizeof(frame.tile_info));
		if (flags & R_DERIVE_TILES) {
			uint8_t cols = fz_u8(&in), rows = fz_u8(&in);

			derive_tiles(&seq, &frame, cols, rows, fz_u8(&in));
		} else {
			fz_take(&in, &frame.tile_info, sizeof(frame.tile_info));
		}
		if (flags & R_POKE) {
			unsigned int n = fz_u8(&in) % 9;

			while (n--) {
				size_t at = fz_u16(&in) % (sizeof(frame) / 4) * 4;

				memcpy((uint8_t *)&frame + at, &extremes[fz_u8(&in) % 16], 4);
			}
		}
		/* Timestamps that repeat, as libva's do (CAPTURE buffers). */
		ts = (req & 1) ? frame.reference_frame_ts[req & 7] : (uint64_t)req * 1000 + 1000;
		if (flags & R_GRAIN)
			fz_take(&in, &grain, sizeof(grain));
		if (flags & R_DERIVE_ENTRIES) {
			n_entries = 0;
			entries = NULL;
		} else {
			n_entries = fz_u16(&in) & 0x3ff;
			entries = (void *)fz_bytes(&in, n_entries * sizeof(*entries), &i);
			n_entries = i / sizeof(*entries);
		}
		bs = fz_bytes(&in, fz_u16(&in), &bs_size);
		if (flags & R_DERIVE_ENTRIES) {
			/* The buffer in tile_cols * tile_rows pieces. */
			const size_t cols = frame.tile_info.tile_cols ? frame.tile_info.tile_cols : 1;
			const size_t tiles = cols * (frame.tile_info.tile_rows ? frame.tile_info.tile_rows : 1);

			n_entries = tiles;
			entries = calloc(tiles, sizeof(*entries));
			if (!entries)
				abort();
			for (i = 0; i < tiles; i++) {
				size_t k = (flags & R_REVERSE) ? tiles - 1 - i : i;

				entries[k].tile_offset = (uint32_t)(i * bs_size / tiles);
				entries[k].tile_size = (uint32_t)((i + 1) * bs_size / tiles -
								 i * bs_size / tiles);
				entries[k].tile_row = (uint32_t)(i / cols);
				entries[k].tile_col = (uint32_t)(i % cols);
			}
		}
		fz_blk_add(&blk, V4L2_CID_STATELESS_AV1_SEQUENCE, &seq, sizeof(seq));
		fz_blk_add(&blk, V4L2_CID_STATELESS_AV1_FRAME, &frame, sizeof(frame));
		fz_blk_add(&blk, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, entries,
			   (uint32_t)(n_entries * sizeof(*entries)));
		if (flags & R_GRAIN)
			fz_blk_add(&blk, V4L2_CID_STATELESS_AV1_FILM_GRAIN, &grain,
				   sizeof(grain));

		if (flags & R_RESET) {		/* dv_dav1d_reset() */
			dv_av1_refs_reset(&dec->refs);
			pending = 0;
		}
		if (pending) {			/* dv_dav1d_store_deferred() */
			int slot = dv_av1_refs_deferred_slot(&dec->refs, pending_ts, &frame);

			FZ_ASSERT(slot >= -1 && slot < 8, "deferred slot %d", slot);
			if (slot >= 0) {
				pending_frame.refresh_frame_flags = (uint8_t)(1u << slot);
				dv_av1_refs_update_ts(&dec->refs, &pending_frame, pending_ts);
			}
			pending = 0;
		}
		ret = rebuild(dec, blk.buf, blk.size, bs, bs_size, &got, &written,
			      &defer, &got_entries, &tu, &tu_size);
		FZ_ASSERT(ret == 0 || ret == -EINVAL || ret == -ENOSPC ||
			  ret == -ENOMEM, "returned %d", ret);
		if (!ret) {
			FZ_ASSERT(!memcmp(&got, &frame, sizeof(frame)), "frame control");
			check_tu(&seq, &frame, dec->entries, got_entries, bs, tu, tu_size);
			accepted = 1;
			/* As after dav1d decoded it, or failed to. */
			if (flags & R_DECODE_FAILS) {
				dv_av1_refs_reset(&dec->refs);
			} else {
				dv_av1_refs_decoded(&dec->refs, &frame, &written, ts);
				pending = defer;
				pending_ts = ts;
				pending_frame = written;
			}
		}
		free(tu);
		free(entries);
		free(bs);
		fz_blk_free(&blk);
	}
	free(dec);
	return accepted;
}

/* ---- seeds ------------------------------------------------------------- */

#define SEQ_F(x)	V4L2_AV1_SEQUENCE_FLAG_##x
#define FRAME_F(x)	V4L2_AV1_FRAME_FLAG_##x

static void put_frame(struct dv_fuzz_out *o, uint8_t flags,
		      const struct v4l2_ctrl_av1_frame *f, const uint8_t tiles[3],
		      const struct v4l2_ctrl_av1_film_grain *g,
		      const uint8_t *bs, uint16_t bs_size)
{
	fz_put_u8(o, flags);
	fz_put(o, (const uint8_t *)f + sizeof(f->tile_info),
	       sizeof(*f) - sizeof(f->tile_info));
	if (flags & R_DERIVE_TILES)
		fz_put(o, tiles, 3);
	else
		fz_put(o, &f->tile_info, sizeof(f->tile_info));
	if (flags & R_POKE) {
		/* order_hint = 1, an extreme that is fine */
		fz_put_u8(o, 1);
		fz_put_u16(o, offsetof(struct v4l2_ctrl_av1_frame, order_hint) / 4);
		fz_put_u8(o, 1);
	}
	if (flags & R_GRAIN)
		fz_put(o, g, sizeof(*g));
	fz_put_u16(o, bs_size);
	fz_put(o, bs, bs_size);
}

static void key_frame(struct v4l2_ctrl_av1_frame *f, unsigned int w, unsigned int h)
{
	memset(f, 0, sizeof(*f));
	f->frame_type = V4L2_AV1_KEY_FRAME;
	f->flags = FRAME_F(SHOW_FRAME);
	f->primary_ref_frame = 7;
	f->refresh_frame_flags = 0xff;
	f->frame_width_minus_1 = w - 1;
	f->frame_height_minus_1 = h - 1;
	f->render_width_minus_1 = (uint16_t)(w - 1);
	f->render_height_minus_1 = (uint16_t)(h - 1);
	f->quantization.base_q_idx = 100;
	f->loop_filter.level[0] = 10;
	f->loop_filter.level[1] = 8;
	f->loop_filter.level[2] = 4;
	f->loop_filter.level[3] = 4;
	f->loop_filter.sharpness = 2;
	f->cdef.damping_minus_3 = 2;
	f->cdef.bits = 1;
	f->cdef.y_pri_strength[1] = 5;
	f->cdef.y_sec_strength[1] = 4;
	f->tx_mode = V4L2_AV1_TX_MODE_SELECT;
	f->loop_restoration.loop_restoration_size[0] = 64;
	f->loop_restoration.loop_restoration_size[1] = 32;
	f->loop_restoration.loop_restoration_size[2] = 32;
}

void dv_fuzz_seeds(void)
{
	static const uint8_t tiles_1x1[3] = { 0, 0, 0 }, tiles_2x2[3] = { 1, 1, 3 };
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_frame f;
	struct v4l2_ctrl_av1_film_grain g;
	struct dv_fuzz_out o = { 0 };
	uint8_t bs[96];
	unsigned int i;

	for (i = 0; i < sizeof(bs); i++)
		bs[i] = (uint8_t)(i * 37 + 11);
	memset(&seq, 0, sizeof(seq));
	memset(&g, 0, sizeof(g));

	/* 8-bit 4:2:0 QCIF: a key frame, one tile; an inter frame in 2x2
	 * tiles with global motion and segmentation; a hidden frame. */
	seq.flags = SEQ_F(SUBSAMPLING_X) | SEQ_F(SUBSAMPLING_Y) | SEQ_F(ENABLE_ORDER_HINT) |
		    SEQ_F(ENABLE_CDEF) | SEQ_F(ENABLE_RESTORATION) |
		    SEQ_F(ENABLE_WARPED_MOTION) | SEQ_F(ENABLE_REF_FRAME_MVS);
	seq.order_hint_bits = 7;
	seq.bit_depth = 8;
	seq.max_frame_width_minus_1 = 175;
	seq.max_frame_height_minus_1 = 143;
	fz_put_u8(&o, 0);
	fz_put(&o, &seq, sizeof(seq));
	key_frame(&f, 176, 144);
	f.loop_restoration.frame_restoration_type[0] = V4L2_AV1_FRAME_RESTORE_WIENER;
	put_frame(&o, R_DERIVE_TILES | R_DERIVE_ENTRIES, &f, tiles_1x1, NULL, bs, 40);

	key_frame(&f, 176, 144);
	f.frame_type = V4L2_AV1_INTER_FRAME;
	f.primary_ref_frame = 0;
	f.refresh_frame_flags = 0x01;
	f.order_hint = 1;
	f.interpolation_filter = V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE;
	f.flags |= FRAME_F(ALLOW_HIGH_PRECISION_MV) | FRAME_F(REFERENCE_SELECT) |
		   FRAME_F(ALLOW_WARPED_MOTION) | FRAME_F(USE_REF_FRAME_MVS);
	for (i = 0; i < 7; i++)
		f.ref_frame_idx[i] = (int8_t)i;
	f.global_motion.type[1] = V4L2_AV1_WARP_MODEL_ROTZOOM;
	f.global_motion.params[1][0] = 2048;
	f.global_motion.params[1][1] = -1024;
	f.global_motion.params[1][2] = (1 << 16) + 64;
	f.global_motion.params[1][3] = -32;
	f.global_motion.type[2] = V4L2_AV1_WARP_MODEL_TRANSLATION;
	f.global_motion.params[2][0] = 16384;
	f.segmentation.flags = V4L2_AV1_SEGMENTATION_FLAG_ENABLED |
			       V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP |
			       V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA;
	f.segmentation.feature_enabled[1] = 0x03;
	f.segmentation.feature_data[1][0] = -20;
	f.segmentation.feature_data[1][1] = 5;
	put_frame(&o, R_DERIVE_TILES | R_DERIVE_ENTRIES | R_REVERSE, &f, tiles_2x2,
		  NULL, bs, 64);

	f.flags &= ~(uint32_t)FRAME_F(SHOW_FRAME);
	f.flags |= FRAME_F(SHOWABLE_FRAME);
	f.refresh_frame_flags = 0x04;
	f.order_hint = 4;
	f.primary_ref_frame = 1;
	put_frame(&o, R_DERIVE_TILES | R_DERIVE_ENTRIES, &f, tiles_1x1, NULL, bs, 17);
	fz_out_seed(&o, "key-inter-hidden", 1);

	/* Superres: 176 upscaled from (176 * 8 + 8) / 16 = 88. */
	seq.flags |= SEQ_F(ENABLE_SUPERRES);
	fz_put_u8(&o, 0);
	fz_put(&o, &seq, sizeof(seq));
	key_frame(&f, 88, 144);
	f.flags |= FRAME_F(USE_SUPERRES);
	f.superres_denom = 16;
	f.upscaled_width = 176;
	put_frame(&o, R_DERIVE_TILES | R_DERIVE_ENTRIES | R_POKE, &f, tiles_1x1,
		  NULL, bs, 20);
	fz_out_seed(&o, "superres", 1);

	/* 10-bit, 128x128 superblocks, film grain, explicit tile info and
	 * entries (two columns, listed backwards). */
	seq.flags = SEQ_F(SUBSAMPLING_X) | SEQ_F(SUBSAMPLING_Y) |
		    SEQ_F(USE_128X128_SUPERBLOCK) | SEQ_F(FILM_GRAIN_PARAMS_PRESENT) |
		    SEQ_F(SEPARATE_UV_DELTA_Q) | SEQ_F(ENABLE_SUPERRES);
	seq.bit_depth = 10;
	seq.order_hint_bits = 0;
	seq.max_frame_width_minus_1 = 639;
	seq.max_frame_height_minus_1 = 359;
	fz_put_u8(&o, 0);
	fz_put(&o, &seq, sizeof(seq));
	key_frame(&f, 640, 360);
	f.quantization.flags = V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA |
			       V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX |
			       V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT;
	f.quantization.delta_q_v_ac = -3;
	f.quantization.qm_y = 5;
	f.quantization.qm_v = 9;
	f.loop_filter.flags = V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED |
			      V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE |
			      V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT;
	f.loop_filter.ref_deltas[0] = 1;
	f.loop_filter.ref_deltas[4] = -1;
	f.tile_info.tile_cols = 2;
	f.tile_info.tile_rows = 1;
	/* 5 x 3 superblocks of 128: columns of 2 and 3 */
	f.tile_info.mi_col_starts[1] = 64;
	f.tile_info.mi_col_starts[2] = 160;
	f.tile_info.mi_row_starts[1] = 90;
	f.tile_info.context_update_tile_id = 1;
	g.flags = V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN | V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP;
	g.grain_seed = 1234;
	g.num_y_points = 2;
	g.point_y_value[1] = 128;
	g.point_y_scaling[0] = 20;
	g.point_y_scaling[1] = 40;
	g.num_cb_points = 1;
	g.point_cb_scaling[0] = 10;
	g.ar_coeff_lag = 1;
	g.cb_offset = 300;
	fz_put_u8(&o, R_GRAIN);
	fz_put(&o, (const uint8_t *)&f + sizeof(f.tile_info),
	       sizeof(f) - sizeof(f.tile_info));
	fz_put(&o, &f.tile_info, sizeof(f.tile_info));
	fz_put(&o, &g, sizeof(g));
	{
		struct v4l2_ctrl_av1_tile_group_entry e[2] = {
			{ .tile_offset = 30, .tile_size = 20, .tile_row = 0, .tile_col = 1 },
			{ .tile_offset = 0, .tile_size = 30, .tile_row = 0, .tile_col = 0 },
		};

		fz_put_u16(&o, 2);
		fz_put(&o, e, sizeof(e));
	}
	fz_put_u16(&o, 50);
	fz_put(&o, bs, 50);
	fz_out_seed(&o, "10bit-grain-2tiles", 1);

	/* Refused: a tile beyond the buffer; an inter frame whose reference
	 * index is out of range. */
	seq.flags = SEQ_F(SUBSAMPLING_X) | SEQ_F(SUBSAMPLING_Y);
	seq.bit_depth = 8;
	seq.max_frame_width_minus_1 = 63;
	seq.max_frame_height_minus_1 = 63;
	fz_put_u8(&o, 0);
	fz_put(&o, &seq, sizeof(seq));
	key_frame(&f, 64, 64);
	f.tile_info.tile_cols = 1;
	f.tile_info.tile_rows = 1;
	f.tile_info.mi_col_starts[1] = 16;
	f.tile_info.mi_row_starts[1] = 16;
	fz_put_u8(&o, 0);
	fz_put(&o, (const uint8_t *)&f + sizeof(f.tile_info),
	       sizeof(f) - sizeof(f.tile_info));
	fz_put(&o, &f.tile_info, sizeof(f.tile_info));
	{
		struct v4l2_ctrl_av1_tile_group_entry e = { .tile_offset = 8, .tile_size = 9 };

		fz_put_u16(&o, 1);
		fz_put(&o, &e, sizeof(e));
	}
	fz_put_u16(&o, 16);
	fz_put(&o, bs, 16);
	key_frame(&f, 64, 64);
	f.frame_type = V4L2_AV1_INTER_FRAME;
	f.primary_ref_frame = 7;
	f.refresh_frame_flags = 1;
	f.ref_frame_idx[3] = 9;
	put_frame(&o, R_DERIVE_TILES | R_DERIVE_ENTRIES, &f, tiles_1x1, NULL, bs, 16);
	fz_out_seed(&o, "bad-tile-bad-ref", 0);
}
