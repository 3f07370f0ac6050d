// SPDX-License-Identifier: BSD-2-Clause
/*
 * The AV1 sequence header rebuilt from V4L2_CID_STATELESS_AV1_SEQUENCE,
 * parsed back by libdav1d itself (dav1d_parse_sequence_header, linked
 * directly here), field by field, for several configurations; and the tile
 * group rebuilt from TILE_GROUP_ENTRY records: tile order, size fields and
 * bounds checks.
 */
#include <errno.h>
#include <string.h>

#include <dav1d/dav1d.h>

#include "rebuild/av1/av1_rebuild.h"
#include "check.h"

DV_TEST_DEFINE_FAILURES;

struct seq_case {
	const char *name;
	struct v4l2_ctrl_av1_sequence seq;
};

#define SS (V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X | V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y)
#define F(x) V4L2_AV1_SEQUENCE_FLAG_##x

static const struct seq_case seq_cases[] = {
	{ "8bit_qcif", { .flags = SS | F(ENABLE_ORDER_HINT) | F(ENABLE_CDEF) |
			 F(ENABLE_RESTORATION) | F(ENABLE_INTRA_EDGE_FILTER) |
			 F(ENABLE_FILTER_INTRA),
			 .seq_profile = 0, .order_hint_bits = 7, .bit_depth = 8,
			 .max_frame_width_minus_1 = 175, .max_frame_height_minus_1 = 143 } },
	{ "10bit_1080p_sb128_grain", { .flags = SS | F(USE_128X128_SUPERBLOCK) |
			 F(ENABLE_ORDER_HINT) | F(ENABLE_JNT_COMP) |
			 F(ENABLE_REF_FRAME_MVS) | F(ENABLE_SUPERRES) |
			 F(FILM_GRAIN_PARAMS_PRESENT) | F(SEPARATE_UV_DELTA_Q) |
			 F(COLOR_RANGE) | F(ENABLE_WARPED_MOTION) |
			 F(ENABLE_DUAL_FILTER) | F(ENABLE_MASKED_COMPOUND) |
			 F(ENABLE_INTERINTRA_COMPOUND),
			 .seq_profile = 0, .order_hint_bits = 8, .bit_depth = 10,
			 .max_frame_width_minus_1 = 1919, .max_frame_height_minus_1 = 1079 } },
	{ "odd_175x97_no_order_hint", { .flags = SS, .seq_profile = 0,
			 .bit_depth = 8, .max_frame_width_minus_1 = 174,
			 .max_frame_height_minus_1 = 96 } },
	{ "1x1", { .flags = SS | F(ENABLE_ORDER_HINT), .order_hint_bits = 1,
		   .bit_depth = 8 } },
	{ "65536_square_10bit", { .flags = SS | F(ENABLE_ORDER_HINT) |
			 F(ENABLE_CDEF), .order_hint_bits = 3, .bit_depth = 10,
			 .max_frame_width_minus_1 = 65535,
			 .max_frame_height_minus_1 = 65535 } },
	{ "still_mono", { .flags = F(STILL_PICTURE) | F(MONO_CHROME) | SS,
			  .bit_depth = 8, .max_frame_width_minus_1 = 63,
			  .max_frame_height_minus_1 = 47 } },
	{ "profile1_444_10bit", { .flags = F(ENABLE_ORDER_HINT) |
			 F(SEPARATE_UV_DELTA_Q), .seq_profile = 1,
			 .order_hint_bits = 5, .bit_depth = 10,
			 .max_frame_width_minus_1 = 351,
			 .max_frame_height_minus_1 = 287 } },
	{ "profile2_12bit_422", { .flags = F(SUBSAMPLING_X) |
			 F(FILM_GRAIN_PARAMS_PRESENT), .seq_profile = 2,
			 .bit_depth = 12, .max_frame_width_minus_1 = 639,
			 .max_frame_height_minus_1 = 359 } },
};

static void check_seq(const struct seq_case *c)
{
	const struct v4l2_ctrl_av1_sequence *s = &c->seq;
	const uint32_t fl = s->flags;
	Dav1dSequenceHeader out;
	uint8_t buf[64];
	size_t size = 0;
	int ret, layout;

	ret = dv_av1_write_sequence_header(s, buf, sizeof(buf), &size);
	CHECK(ret == 0, "%s: write: %d", c->name, ret);
	if (ret)
		return;
	CHECK_EQ(buf[0], 0x0a);		/* OBU_SEQUENCE_HEADER, has_size */
	CHECK_EQ(buf[1] + 2u, size);	/* one-byte leb128 */
	memset(&out, 0, sizeof(out));
	ret = dav1d_parse_sequence_header(&out, buf, size);
	CHECK(ret == 0, "%s: dav1d_parse_sequence_header: %d", c->name, ret);
	if (ret)
		return;
	fprintf(stderr, "%s: %zu bytes, parsed back\n", c->name, size);
	CHECK_EQ(out.profile, s->seq_profile);
	CHECK_EQ(out.still_picture, !!(fl & F(STILL_PICTURE)));
	CHECK_EQ(out.reduced_still_picture_header, 0);
	/* Canonical (sequence.c): the largest size the syntax carries. */
	CHECK_EQ(out.max_width, 65536);
	CHECK_EQ(out.max_height, 65536);
	CHECK_EQ(out.hbd, s->bit_depth == 8 ? 0 : s->bit_depth == 10 ? 1 : 2);
	if (fl & F(MONO_CHROME))
		layout = DAV1D_PIXEL_LAYOUT_I400;
	else if ((fl & SS) == SS)
		layout = DAV1D_PIXEL_LAYOUT_I420;
	else if (fl & F(SUBSAMPLING_X))
		layout = DAV1D_PIXEL_LAYOUT_I422;
	else
		layout = DAV1D_PIXEL_LAYOUT_I444;
	CHECK_EQ(out.layout, layout);
	CHECK_EQ(out.color_range, !!(fl & F(COLOR_RANGE)));
	CHECK_EQ(out.sb128, !!(fl & F(USE_128X128_SUPERBLOCK)));
	CHECK_EQ(out.filter_intra, !!(fl & F(ENABLE_FILTER_INTRA)));
	CHECK_EQ(out.intra_edge_filter, !!(fl & F(ENABLE_INTRA_EDGE_FILTER)));
	CHECK_EQ(out.inter_intra, !!(fl & F(ENABLE_INTERINTRA_COMPOUND)));
	CHECK_EQ(out.masked_compound, !!(fl & F(ENABLE_MASKED_COMPOUND)));
	/* Tools that only allow frame header syntax are always on. */
	CHECK_EQ(out.warped_motion, 1);
	CHECK_EQ(out.dual_filter, !!(fl & F(ENABLE_DUAL_FILTER)));
	CHECK_EQ(out.order_hint, !!(fl & F(ENABLE_ORDER_HINT)));
	if (fl & F(ENABLE_ORDER_HINT)) {
		CHECK_EQ(out.order_hint_n_bits, s->order_hint_bits);
		CHECK_EQ(out.jnt_comp, !!(fl & F(ENABLE_JNT_COMP)));
		CHECK_EQ(out.ref_frame_mvs, 1);
	}
	CHECK_EQ(out.super_res, 1);
	CHECK_EQ(out.cdef, !!(fl & F(ENABLE_CDEF)));
	CHECK_EQ(out.restoration, 1);
	if (!(fl & F(MONO_CHROME)))
		CHECK_EQ(out.separate_uv_delta_q, 1);
	CHECK_EQ(out.film_grain_present, !!(fl & F(FILM_GRAIN_PARAMS_PRESENT)));
	/* Chosen per frame, so frame headers say what each frame uses. */
	CHECK_EQ(out.screen_content_tools, DAV1D_ADAPTIVE);
	CHECK_EQ(out.force_integer_mv, DAV1D_ADAPTIVE);
	CHECK_EQ(out.frame_id_numbers_present, 0);
	CHECK_EQ(out.num_operating_points, 1);
}

/*
 * libva-v4l2-request rebuilds SEQUENCE from each frame's VA parameters: the
 * maximum size is the frame's, and five tools are set only when the frame
 * uses them. libdav1d drops every reference on a sequence header that
 * differs, so such variation must not change the bytes (every inter frame
 * of a libva AV1 stream failed before).
 */
static void check_seq_canonical(void)
{
	struct v4l2_ctrl_av1_sequence key = {
		.flags = SS | F(ENABLE_ORDER_HINT) | F(ENABLE_CDEF) |
			 F(ENABLE_FILTER_INTRA),
		.bit_depth = 8, .order_hint_bits = 7,
		.max_frame_width_minus_1 = 175, .max_frame_height_minus_1 = 143,
	}, inter = key;
	uint8_t a[64], b[64];
	size_t na = 0, nb = 0;

	inter.flags |= F(ENABLE_WARPED_MOTION) | F(ENABLE_REF_FRAME_MVS) |
		       F(ENABLE_SUPERRES) | F(ENABLE_RESTORATION) |
		       F(SEPARATE_UV_DELTA_Q);
	inter.max_frame_width_minus_1 = 351;
	inter.max_frame_height_minus_1 = 287;
	CHECK_EQ(dv_av1_write_sequence_header(&key, a, sizeof(a), &na), 0);
	CHECK_EQ(dv_av1_write_sequence_header(&inter, b, sizeof(b), &nb), 0);
	CHECK(na == nb && !memcmp(a, b, na),
	      "per-frame tool flags and sizes change the sequence header");
	/* What changes how tiles are coded still does. */
	inter.flags &= ~F(ENABLE_FILTER_INTRA);
	CHECK_EQ(dv_av1_write_sequence_header(&inter, b, sizeof(b), &nb), 0);
	CHECK(na != nb || memcmp(a, b, na), "filter intra lost");
}

static void check_seq_refused(void)
{
	struct v4l2_ctrl_av1_sequence s = { .flags = 0, .bit_depth = 8,
		.max_frame_width_minus_1 = 15, .max_frame_height_minus_1 = 15 };
	uint8_t buf[64];
	size_t size;

	/* Profile 0 is 4:2:0 or mono, never 4:4:4. */
	CHECK_EQ(dv_av1_write_sequence_header(&s, buf, sizeof(buf), &size), -EINVAL);
	s.flags = SS | F(ENABLE_ORDER_HINT);
	s.order_hint_bits = 0;
	CHECK_EQ(dv_av1_write_sequence_header(&s, buf, sizeof(buf), &size), -EINVAL);
	s.order_hint_bits = 9;
	CHECK_EQ(dv_av1_write_sequence_header(&s, buf, sizeof(buf), &size), -EINVAL);
	s.order_hint_bits = 7;
	s.bit_depth = 9;
	CHECK_EQ(dv_av1_write_sequence_header(&s, buf, sizeof(buf), &size), -EINVAL);
	s.bit_depth = 8;
	CHECK_EQ(dv_av1_write_sequence_header(&s, buf, 4, &size), -ENOSPC);
	CHECK_EQ(dv_av1_write_sequence_header(&s, buf, sizeof(buf), &size), 0);
}

static void check_tile_group(void)
{
	static const uint8_t data[] = "..AAAA.BB.CCC.D";
	struct v4l2_ctrl_av1_frame f = { .tile_info = { .tile_cols = 2, .tile_rows = 2 } };
	/* Out of order, as a client may list them. */
	struct v4l2_ctrl_av1_tile_group_entry e[4] = {
		{ .tile_offset = 10, .tile_size = 3, .tile_row = 1, .tile_col = 0 },
		{ .tile_offset = 2, .tile_size = 4, .tile_row = 0, .tile_col = 0 },
		{ .tile_offset = 14, .tile_size = 1, .tile_row = 1, .tile_col = 1 },
		{ .tile_offset = 7, .tile_size = 2, .tile_row = 0, .tile_col = 1 },
	};
	static const uint8_t want[] = {
		0x22, 23, 0x00,
		3, 0, 0, 0, 'A', 'A', 'A', 'A',
		1, 0, 0, 0, 'B', 'B',
		2, 0, 0, 0, 'C', 'C', 'C',
		'D',
	};
	uint8_t out[64];
	size_t size = 0;

	CHECK_EQ(dv_av1_write_tile_group(&f, e, 4, data, sizeof(data) - 1,
					 out, sizeof(out), &size), 0);
	CHECK_EQ(size, sizeof(want));
	CHECK(!memcmp(out, want, sizeof(want)), "tile group bytes differ");
	CHECK(dv_av1_tile_group_bound(4, 10) >= sizeof(want), "bound too small");

	/* A single tile: no flag byte, no size field. */
	f.tile_info.tile_cols = f.tile_info.tile_rows = 1;
	e[1].tile_row = e[1].tile_col = 0;
	CHECK_EQ(dv_av1_write_tile_group(&f, &e[1], 1, data, sizeof(data) - 1,
					 out, sizeof(out), &size), 0);
	CHECK_EQ(size, 6);
	CHECK(!memcmp(out, "\x22\x04" "AAAA", 6), "single tile bytes differ");

	/* Past the buffer, a tile twice, a tile missing, no room. */
	e[1].tile_offset = 12;
	CHECK_EQ(dv_av1_write_tile_group(&f, &e[1], 1, data, sizeof(data) - 1,
					 out, sizeof(out), &size), -EINVAL);
	e[1].tile_offset = 2;
	f.tile_info.tile_cols = 2;
	e[0].tile_row = 0;
	e[0].tile_col = 1;
	e[1].tile_col = 1;
	CHECK_EQ(dv_av1_write_tile_group(&f, e, 2, data, sizeof(data) - 1,
					 out, sizeof(out), &size), -EINVAL);
	CHECK_EQ(dv_av1_write_tile_group(&f, e, 1, data, sizeof(data) - 1,
					 out, sizeof(out), &size), -EINVAL);
	e[1].tile_col = 0;
	CHECK_EQ(dv_av1_write_tile_group(&f, e, 2, data, sizeof(data) - 1,
					 out, 5, &size), -ENOSPC);
}

/* The show_existing_frame header of a hidden key frame. */
static void check_show_existing_frame(void)
{
	/* OBU_FRAME_HEADER with a size; show_existing_frame 1,
	 * frame_to_show_map_idx 5 (101), trailing one bit, zeros. */
	static const uint8_t want[] = { 0x1a, 0x01, 0xd8 };
	uint8_t out[8];
	size_t size = 0;

	CHECK_EQ(dv_av1_write_show_existing_frame(5, out, sizeof(out), &size), 0);
	CHECK_EQ(size, sizeof(want));
	CHECK(!memcmp(out, want, sizeof(want)), "show_existing_frame bytes differ");
	CHECK_EQ(dv_av1_write_show_existing_frame(8, out, sizeof(out), &size), -EINVAL);
	CHECK_EQ(dv_av1_write_show_existing_frame(0, out, 2, &size), -ENOSPC);
}

static void set_ts(struct v4l2_ctrl_av1_frame *f, const uint64_t ts[8])
{
	memcpy(f->reference_frame_ts, ts, sizeof(f->reference_frame_ts));
}

/*
 * When a request says that the client showed a hidden key frame with
 * show_existing_frame (no request of its own): every reference_frame_ts
 * names one frame, the slots here hold others.
 */
static void check_missed_show_existing(void)
{
	struct v4l2_ctrl_av1_frame key = { .frame_type = V4L2_AV1_KEY_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME, .refresh_frame_flags = 0xff };
	struct v4l2_ctrl_av1_frame hidden_key = { .frame_type = V4L2_AV1_KEY_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME, .refresh_frame_flags = 0x04 };
	struct v4l2_ctrl_av1_frame inter = { .frame_type = V4L2_AV1_INTER_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME, .refresh_frame_flags = 0x01 };
	struct v4l2_ctrl_av1_frame next = { .frame_type = V4L2_AV1_INTER_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME,
		.ref_frame_idx = { 0, 1, 2, 3, 4, 5, 6 } };
	const uint64_t all0[8] = { 0 };
	const uint64_t all5[8] = { 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000 };
	const uint64_t all6[8] = { 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000 };
	const uint64_t before[8] = { 1000, 0, 5000, 0, 0, 0, 0, 0 };
	struct dv_av1_refs refs;
	int i;

	/* A stream: key frame (ts 0, all slots), inter (ts 1000, slot 0). */
	dv_av1_refs_reset(&refs);
	set_ts(&next, all0);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);
	dv_av1_refs_update_ts(&refs, &key, 0);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);
	dv_av1_refs_update_ts(&refs, &inter, 1000);
	/* A hidden key frame (ts 5000) in slot 2: the slots as the client
	 * has them, before and after its show_existing_frame. */
	dv_av1_refs_update_ts(&refs, &hidden_key, 5000);
	CHECK_EQ(refs.showable_key[2], 1);
	set_ts(&next, before);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);
	set_ts(&next, all5);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), 2);
	/* A client naming the shown copy by its own timestamp. */
	set_ts(&next, all6);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), 2);
	/* Shown: every slot is the key frame's now, at most once. */
	dv_av1_refs_show_existing(&refs, 2, 5000);
	for (i = 0; i < 8; i++) {
		CHECK_EQ(refs.valid[i], 1);
		CHECK_EQ(refs.ts[i], 5000);
		CHECK_EQ(refs.showable_key[i], 0);
		CHECK_EQ(refs.order_hint[i], hidden_key.order_hint);
	}
	set_ts(&next, all5);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);
	set_ts(&next, all6);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);

	/* Every slot naming a frame that is no showable key frame. */
	dv_av1_refs_reset(&refs);
	dv_av1_refs_update_ts(&refs, &key, 0);
	dv_av1_refs_update_ts(&refs, &inter, 5000);
	set_ts(&next, all5);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);
	/* Two showable key frames, and a timestamp naming neither. */
	hidden_key.refresh_frame_flags = 0x02;
	dv_av1_refs_update_ts(&refs, &hidden_key, 2000);
	hidden_key.refresh_frame_flags = 0x04;
	dv_av1_refs_update_ts(&refs, &hidden_key, 3000);
	set_ts(&next, all6);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);

	/*
	 * A stream starting with a hidden key frame (ts 0, slot 0).
	 * GStreamer names empty slots 0 too: only a frame referring to a
	 * slot that is empty here says the key frame was shown.
	 */
	dv_av1_refs_reset(&refs);
	hidden_key.refresh_frame_flags = 0x01;
	dv_av1_refs_update_ts(&refs, &hidden_key, 0);
	memset(next.ref_frame_idx, 0, sizeof(next.ref_frame_idx));
	set_ts(&next, all0);
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), -1);
	next.ref_frame_idx[3] = 4;
	CHECK_EQ(dv_av1_refs_missed_show_existing(&refs, &next), 0);
}

/*
 * Client slots onto decoder slots (dv_av1_refs_map): the identity while the
 * client's refresh_frame_flags hold; by reference_frame_ts once they are
 * contradicted (libva-v4l2-request's guess for a shown frame); a frame
 * decoded without being stored when all eight decoder slots hold frames
 * the client names, and its slot once the next request says it was kept.
 */
static void check_refs_map(void)
{
	struct v4l2_ctrl_av1_frame key = { .frame_type = V4L2_AV1_KEY_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME, .refresh_frame_flags = 0xff };
	struct v4l2_ctrl_av1_frame f = { .frame_type = V4L2_AV1_INTER_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME, .primary_ref_frame = 7,
		.ref_frame_idx = { 0, 1, 2, 3, 4, 5, 6 } };
	struct v4l2_ctrl_av1_frame dec;
	struct dv_av1_refs refs;
	uint64_t ts[8];
	int i;

	dv_av1_refs_reset(&refs);
	CHECK_EQ(dv_av1_refs_map(&refs, &key, &dec, NULL), 0);
	CHECK(!memcmp(&key, &dec, sizeof(dec)), "a key frame is the client's");
	dv_av1_refs_decoded(&refs, &key, &dec, 1000);
	/* Frame 2000: the client says slot 7 (the slot it does not refer
	 * to); in truth it refreshed slot 0. */
	for (i = 0; i < 8; i++)
		ts[i] = 1000;
	set_ts(&f, ts);
	f.refresh_frame_flags = 0x80;
	CHECK_EQ(dv_av1_refs_map(&refs, &f, &dec, NULL), 0);
	CHECK(!memcmp(&f, &dec, sizeof(dec)), "trusted while not contradicted");
	dv_av1_refs_decoded(&refs, &f, &dec, 2000);
	CHECK_EQ(refs.mapped, 0);
	/* Frame 3000 says slot 0 holds 2000: mapped from now on. Its LAST
	 * is decoder slot 7, where 2000 went; it goes into a slot no named
	 * frame needs (one copy of 1000 is kept). */
	ts[0] = 2000;
	set_ts(&f, ts);
	f.refresh_frame_flags = 0x80;
	CHECK_EQ(dv_av1_refs_map(&refs, &f, &dec, NULL), 0);
	CHECK_EQ(refs.mapped, 1);
	CHECK_EQ(dec.ref_frame_idx[0], 7);
	for (i = 1; i < 7; i++)
		CHECK_EQ(refs.ts[dec.ref_frame_idx[i]], 1000);
	CHECK(dec.refresh_frame_flags && !(dec.refresh_frame_flags & 0x80) &&
	      (dec.refresh_frame_flags & (dec.refresh_frame_flags - 1)) == 0,
	      "one free slot refreshed (%02x)", dec.refresh_frame_flags);
	dv_av1_refs_decoded(&refs, &f, &dec, 3000);

	/* Eight different frames named: deferred. */
	dv_av1_refs_reset(&refs);
	refs.mapped = 1;
	for (i = 0; i < 8; i++) {
		refs.valid[i] = refs.named[i] = 1;
		refs.ts[i] = ts[i] = 1000 * (i + 1);
	}
	set_ts(&f, ts);
	f.refresh_frame_flags = 0x80;
	CHECK_EQ(dv_av1_refs_map(&refs, &f, &dec, NULL), DV_AV1_MAP_DEFER);
	CHECK_EQ(dec.refresh_frame_flags, 0);
	dv_av1_refs_decoded(&refs, &f, &dec, 9000);
	/* The next request: the client put 9000 in its slot 2 (not 7). */
	ts[2] = 9000;
	set_ts(&f, ts);
	CHECK_EQ(dv_av1_refs_deferred_slot(&refs, 9000, &f), 2);
	/* Kept nowhere, or replaced by a key frame: nothing to store. */
	ts[2] = 3000;
	set_ts(&f, ts);
	CHECK_EQ(dv_av1_refs_deferred_slot(&refs, 9000, &f), -1);
	CHECK_EQ(dv_av1_refs_deferred_slot(&refs, 9000, &key), -1);

	/* A switch frame refreshes every slot whatever the client guessed;
	 * its references are mapped. */
	dv_av1_refs_reset(&refs);
	dv_av1_refs_decoded(&refs, &key, &key, 1000);
	f.frame_type = V4L2_AV1_SWITCH_FRAME;
	f.refresh_frame_flags = 0x80;
	for (i = 0; i < 8; i++)
		ts[i] = 1000;
	set_ts(&f, ts);
	CHECK_EQ(dv_av1_refs_map(&refs, &f, &dec, NULL), 0);
	CHECK_EQ(dec.refresh_frame_flags, 0xff);
	CHECK_EQ(refs.mapped, 1);
	f.frame_type = V4L2_AV1_INTER_FRAME;

	/* A reused timestamp no longer names the frame left elsewhere. */
	dv_av1_refs_reset(&refs);
	dv_av1_refs_update_ts(&refs, &key, 1000);
	f.refresh_frame_flags = 0x01;
	dv_av1_refs_update_ts(&refs, &f, 1000);
	CHECK_EQ(refs.named[0], 1);
	for (i = 1; i < 8; i++)
		CHECK_EQ(refs.named[i], 0);
}

/*
 * The slots keep the global motion parameters the decoder holds (5.9.24),
 * which are the next frame's PrevGmParams: what the frame header carries
 * for each warp type, never the client's other values, which no bitstream
 * carries.
 */
static void check_refs_global_motion(void)
{
	enum { ONE = 1 << 16 };		/* 1 << WARPEDMODEL_PREC_BITS */
	static const int32_t junk[6] = { 11, 22, 33, 44, 55, 66 };
	static const int32_t identity[6] = { 0, 0, ONE, 0, 0, ONE };
	/* What slot 1 must hold for refs 1-4, whose types are below. */
	static const struct {
		int type;
		int32_t held[6];
	} refs_want[5] = {
		[1] = { V4L2_AV1_WARP_MODEL_IDENTITY, { 0, 0, ONE, 0, 0, ONE } },
		/* The translation, the rest default. */
		[2] = { V4L2_AV1_WARP_MODEL_TRANSLATION, { 11, 22, ONE, 0, 0, ONE } },
		/* [4] = -[3], [5] = [2]. */
		[3] = { V4L2_AV1_WARP_MODEL_ROTZOOM, { 11, 22, 33, 44, -44, 33 } },
		[4] = { V4L2_AV1_WARP_MODEL_AFFINE, { 11, 22, 33, 44, 55, 66 } },
	};
	struct v4l2_ctrl_av1_frame f = { .frame_type = V4L2_AV1_INTER_FRAME,
		.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME, .refresh_frame_flags = 0x02 };
	struct dv_av1_refs refs;
	int ref, j;

	for (ref = 1; ref <= 4; ref++) {
		f.global_motion.type[ref] = refs_want[ref].type;
		memcpy(f.global_motion.params[ref], junk, sizeof(junk));
	}
	dv_av1_refs_reset(&refs);
	dv_av1_refs_update(&refs, &f);
	for (ref = 1; ref <= 4; ref++)
		for (j = 0; j < 6; j++) {
			CHECK_EQ(refs.gm_params[1][ref][j], refs_want[ref].held[j]);
			/* Slot 0, not refreshed, keeps the defaults. */
			CHECK_EQ(refs.gm_params[0][ref][j], identity[j]);
		}
	/* An intra frame carries no global motion. */
	f.frame_type = V4L2_AV1_INTRA_ONLY_FRAME;
	dv_av1_refs_update(&refs, &f);
	for (j = 0; j < 6; j++)
		CHECK_EQ(refs.gm_params[1][4][j], identity[j]);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++)
		check_seq(&seq_cases[i]);
	check_seq_canonical();
	check_seq_refused();
	check_tile_group();
	check_show_existing_frame();
	check_missed_show_existing();
	check_refs_global_motion();
	check_refs_map();
	return TEST_RESULT();
}
