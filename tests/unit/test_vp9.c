// SPDX-License-Identifier: BSD-2-Clause
/*
 * VP9: the start of the uncompressed header (every path up to
 * refresh_frame_flags, and what is refused), and the tracking of the 8
 * reference slots with reference counts.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "rebuild/vp9/vp9_header.h"
#include "rebuild/vp9/vp9_slots.h"

DV_TEST_DEFINE_FAILURES;

/* A tiny MSB-first bit writer for hand-made headers. */
struct bits {
	uint8_t buf[32];
	size_t pos;
};

static void put(struct bits *b, unsigned int n, unsigned int v)
{
	while (n--) {
		if (v >> n & 1)
			b->buf[b->pos / 8] |= (uint8_t)(0x80 >> b->pos % 8);
		b->pos++;
	}
}

static size_t bytes(const struct bits *b)
{
	return (b->pos + 7) / 8;
}

static void start(struct bits *b, unsigned int profile)
{
	memset(b, 0, sizeof(*b));
	put(b, 2, 2);				/* frame_marker */
	put(b, 1, profile & 1);
	put(b, 1, profile >> 1);
	if (profile == 3)
		put(b, 1, 0);
}

static void sync_code(struct bits *b)
{
	put(b, 8, 0x49);
	put(b, 8, 0x83);
	put(b, 8, 0x42);
}

static void test_key_frame(void)
{
	struct dv_vp9_header h;
	struct bits b;
	unsigned int profile;

	for (profile = 0; profile < 4; profile++) {
		start(&b, profile);
		put(&b, 1, 0);			/* show_existing_frame */
		put(&b, 1, 0);			/* frame_type: KEY_FRAME */
		put(&b, 1, 1);			/* show_frame */
		put(&b, 1, profile == 2);	/* error_resilient_mode */
		sync_code(&b);
		put(&b, 8, 0x55);		/* whatever follows */
		CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
		CHECK_EQ(h.profile, profile);
		CHECK_EQ(h.key_frame, 1);
		CHECK_EQ(h.show_frame, 1);
		CHECK_EQ(h.show_existing_frame, 0);
		CHECK_EQ(h.intra_only, 0);
		CHECK_EQ(h.error_resilient_mode, profile == 2);
		CHECK_EQ(h.refresh_frame_flags, 0xff);
	}
	/* A wrong sync code is not a frame. */
	start(&b, 0);
	put(&b, 3, 1);
	put(&b, 8, 0x49);
	put(&b, 8, 0x83);
	put(&b, 8, 0x43);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), -EINVAL);
}

static void test_inter_frames(void)
{
	struct dv_vp9_header h;
	struct bits b;

	/* Shown inter frame: no intra_only bit, reset_frame_context. */
	start(&b, 0);
	put(&b, 1, 0);
	put(&b, 1, 1);				/* NON_KEY_FRAME */
	put(&b, 1, 1);				/* show_frame */
	put(&b, 1, 0);				/* error_resilient_mode */
	put(&b, 2, 3);				/* reset_frame_context */
	put(&b, 8, 0x21);			/* refresh_frame_flags */
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.key_frame, 0);
	CHECK_EQ(h.intra_only, 0);
	CHECK_EQ(h.refresh_frame_flags, 0x21);

	/* Hidden inter frame (alt-ref): intra_only = 0 is coded. */
	start(&b, 2);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 1, 0);				/* hidden */
	put(&b, 1, 0);
	put(&b, 1, 0);				/* intra_only */
	put(&b, 2, 0);
	put(&b, 8, 0x04);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.show_frame, 0);
	CHECK_EQ(h.intra_only, 0);
	CHECK_EQ(h.refresh_frame_flags, 0x04);

	/* Error resilient: no reset_frame_context bits. */
	start(&b, 0);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 1, 1);
	put(&b, 1, 1);				/* error_resilient_mode */
	put(&b, 8, 0x80);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.error_resilient_mode, 1);
	CHECK_EQ(h.refresh_frame_flags, 0x80);

	/* Cut before refresh_frame_flags. */
	CHECK_EQ(dv_vp9_header_parse(b.buf, 1, &h), -EINVAL);
}

static void test_intra_only(void)
{
	struct dv_vp9_header h;
	struct bits b;

	/* Profile 0: no color_config. */
	start(&b, 0);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 1, 0);				/* hidden */
	put(&b, 1, 0);
	put(&b, 1, 1);				/* intra_only */
	put(&b, 2, 1);
	sync_code(&b);
	put(&b, 8, 0x12);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.intra_only, 1);
	CHECK_EQ(h.key_frame, 0);
	CHECK_EQ(h.refresh_frame_flags, 0x12);

	/* Profile 2: ten_or_twelve_bit, color_space, color_range. */
	start(&b, 2);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 1, 0);
	put(&b, 1, 1);				/* error resilient */
	put(&b, 1, 1);				/* intra_only */
	sync_code(&b);
	put(&b, 1, 0);				/* ten_or_twelve_bit */
	put(&b, 3, 2);				/* CS_BT_709 */
	put(&b, 1, 1);				/* color_range */
	put(&b, 8, 0xc3);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.refresh_frame_flags, 0xc3);

	/* Profile 1, RGB: a reserved bit after color_space. */
	start(&b, 1);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 1, 0);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 2, 0);
	sync_code(&b);
	put(&b, 3, 7);				/* CS_RGB */
	put(&b, 1, 0);				/* reserved_zero */
	put(&b, 8, 0x3c);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.refresh_frame_flags, 0x3c);

	/* Profile 3, YUV: subsampling and a reserved bit. */
	start(&b, 3);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 1, 0);
	put(&b, 1, 0);
	put(&b, 1, 1);
	put(&b, 2, 0);
	sync_code(&b);
	put(&b, 1, 1);
	put(&b, 3, 1);
	put(&b, 1, 0);
	put(&b, 3, 0);				/* ss_x, ss_y, reserved */
	put(&b, 8, 0x81);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.refresh_frame_flags, 0x81);
}

static void test_show_existing_and_refusals(void)
{
	struct dv_vp9_header h;
	struct bits b;
	const uint8_t zero = 0;

	start(&b, 0);
	put(&b, 1, 1);				/* show_existing_frame */
	put(&b, 3, 5);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), 0);
	CHECK_EQ(h.show_existing_frame, 1);
	CHECK_EQ(h.frame_to_show_map_idx, 5);
	CHECK_EQ(h.refresh_frame_flags, 0);
	CHECK_EQ(h.show_frame, 1);

	/* Profile 3 with its reserved bit set. */
	memset(&b, 0, sizeof(b));
	put(&b, 2, 2);
	put(&b, 2, 3);
	put(&b, 1, 1);
	CHECK_EQ(dv_vp9_header_parse(b.buf, bytes(&b), &h), -EINVAL);
	/* Bad frame marker, empty buffer, NULL. */
	CHECK_EQ(dv_vp9_header_parse(&zero, 1, &h), -EINVAL);
	CHECK_EQ(dv_vp9_header_parse(&zero, 0, &h), -EINVAL);
	CHECK_EQ(dv_vp9_header_parse(NULL, 4, &h), -EINVAL);
	/* show_existing_frame with slot 0 fits in one byte. */
	memset(&b, 0, sizeof(b));
	put(&b, 8, 0x88);			/* 10 0 0 1 + 3 bits ... */
	CHECK_EQ(dv_vp9_header_parse(b.buf, 1, &h), 0);
	CHECK_EQ(h.frame_to_show_map_idx, 0);
}

/* Items are counters of the references the slots hold. */
struct item {
	int refs;
};

static int fail_refs;

static void *item_ref(void *opaque, void *it)
{
	(void)opaque;
	if (fail_refs) {
		fail_refs--;
		return NULL;
	}
	((struct item *)it)->refs++;
	return it;
}

static void item_unref(void *opaque, void *it)
{
	int *unrefs = opaque;

	((struct item *)it)->refs--;
	(*unrefs)++;
}

static void test_slots(void)
{
	struct item a = { 0 }, b = { 0 }, c = { 0 };
	int unrefs = 0;
	const struct dv_vp9_slot_ops ops = { item_ref, item_unref, &unrefs };
	struct dv_vp9_slots s;
	unsigned int i;

	dv_vp9_slots_init(&s);
	for (i = 0; i < DV_VP9_NUM_REF_FRAMES; i++)
		CHECK(dv_vp9_slots_get(&s, i) == NULL, "slot %u not empty", i);
	CHECK(dv_vp9_slots_get(&s, 8) == NULL, "slot 8 exists");

	/* A key frame fills every slot. */
	CHECK_EQ(dv_vp9_slots_refresh(&s, 0xff, &a, &ops), 0);
	CHECK_EQ(a.refs, 8);
	/* An inter frame refreshing LAST (slot 0) and slot 6. */
	CHECK_EQ(dv_vp9_slots_refresh(&s, 0x41, &b, &ops), 0);
	CHECK_EQ(a.refs, 6);
	CHECK_EQ(b.refs, 2);
	CHECK(dv_vp9_slots_get(&s, 0) == &b, "slot 0");
	CHECK(dv_vp9_slots_get(&s, 6) == &b, "slot 6");
	CHECK(dv_vp9_slots_get(&s, 5) == &a, "slot 5");
	/* A frame refreshing nothing changes nothing. */
	CHECK_EQ(dv_vp9_slots_refresh(&s, 0, &c, &ops), 0);
	CHECK_EQ(c.refs, 0);
	/* The same item again into its own slot: still one reference. */
	CHECK_EQ(dv_vp9_slots_refresh(&s, 0x01, &b, &ops), 0);
	CHECK_EQ(b.refs, 2);
	/* Out of memory: the slot is emptied, never stale. */
	fail_refs = 1;
	CHECK_EQ(dv_vp9_slots_refresh(&s, 0x02, &c, &ops), -ENOMEM);
	CHECK(dv_vp9_slots_get(&s, 1) == NULL, "slot 1 stale after ENOMEM");
	CHECK_EQ(a.refs, 5);
	/* Clearing drops every reference. */
	unrefs = 0;
	dv_vp9_slots_clear(&s, &ops);
	CHECK_EQ(a.refs, 0);
	CHECK_EQ(b.refs, 0);
	CHECK_EQ(c.refs, 0);
	CHECK_EQ(unrefs, 7);
	for (i = 0; i < DV_VP9_NUM_REF_FRAMES; i++)
		CHECK(dv_vp9_slots_get(&s, i) == NULL, "slot %u after clear", i);
}

int main(void)
{
	test_key_frame();
	test_inter_frames();
	test_intra_only();
	test_show_existing_and_refusals();
	test_slots();
	return TEST_RESULT();
}
