// SPDX-License-Identifier: BSD-2-Clause
/*
 * VP9 requests as the libavcodec backend handles them, without
 * libavcodec: each OUTPUT buffer's uncompressed header is parsed with
 * dv_vp9_header_parse() (daemon/rebuild/vp9/vp9_header.c), compared with a second
 * parser written here from the specification (6.2), and the reference
 * slots (daemon/rebuild/vp9/vp9_slots.c) are refreshed and read exactly as
 * backend_lavc.c's dv_lavc_vp9_picture() does, with reference-counted
 * stand-ins for libavcodec's pictures. After every request each picture's
 * count must equal the slots (plus the decoder's "last picture") holding
 * it, and a show_existing_frame picture must still be alive.
 *
 * Input: a sequence of requests, each:
 *   u8 ctl   bit 0: a V4L2 VP9 FRAME control follows (u8 profile, u32
 *                   flags); bit 1: stream stop (reset) before the
 *                   request; bit 2: the decoder refuses the packet;
 *                   bit 3: it allocates no picture; bit 4: it allocates
 *                   one for a show_existing_frame too
 *   u8 fail  the request's i-th attempt to take a reference (slots are
 *            refreshed in order) fails if bit i is set
 *   u16 len, [the control's fields], len bytes of frame
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "rebuild/ctrl_records.h"
#include "fuzz_common.h"
#include "rebuild/vp9/vp9_header.h"
#include "rebuild/vp9/vp9_slots.h"

enum {
	C_CONTROL = 1,
	C_RESET = 2,
	C_SEND_FAILS = 4,
	C_NO_ALLOC = 8,
	C_ALLOC_EXISTING = 16,
};

#define MAX_JOBS	64

/* ---- a second parser ------------------------------------------------- */

struct model_bits {
	const uint8_t *p;
	size_t size;
	uint64_t pos;
	int past_end;
};

static unsigned int mb_f(struct model_bits *b, unsigned int n)
{
	unsigned int v = 0;

	for (; n; n--, b->pos++) {
		uint64_t byte = b->pos >> 3;

		v <<= 1;
		if (byte >= b->size)
			b->past_end = 1;
		else
			v |= (b->p[byte] >> (7 - (b->pos & 7))) & 1;
	}
	return v;
}

/* Spec 6.2 uncompressed_header(), up to refresh_frame_flags. */
static int model_parse(const uint8_t *p, size_t size, struct dv_vp9_header *h)
{
	struct model_bits b = { p, size, 0, 0 };
	unsigned int profile_low, profile_high, frame_type;

	memset(h, 0, sizeof(*h));
	if (!size || mb_f(&b, 2) != 2)
		return -EINVAL;
	profile_low = mb_f(&b, 1);
	profile_high = mb_f(&b, 1);
	h->profile = (uint8_t)(profile_high * 2 + profile_low);
	if (h->profile == 3 && mb_f(&b, 1))
		return -EINVAL;
	h->show_existing_frame = (uint8_t)mb_f(&b, 1);
	if (h->show_existing_frame) {
		h->frame_to_show_map_idx = (uint8_t)mb_f(&b, 3);
		h->show_frame = 1;
		return b.past_end ? -EINVAL : 0;
	}
	frame_type = mb_f(&b, 1);
	h->show_frame = (uint8_t)mb_f(&b, 1);
	h->error_resilient_mode = (uint8_t)mb_f(&b, 1);
	if (frame_type == 0) {		/* KEY_FRAME */
		h->key_frame = 1;
		if (mb_f(&b, 24) != 0x498342)
			return -EINVAL;
		h->refresh_frame_flags = 0xff;
		return b.past_end ? -EINVAL : 0;
	}
	if (!h->show_frame)
		h->intra_only = (uint8_t)mb_f(&b, 1);
	if (!h->error_resilient_mode)
		mb_f(&b, 2);
	if (h->intra_only) {
		if (mb_f(&b, 24) != 0x498342)
			return -EINVAL;
		if (h->profile > 0) {
			if (h->profile >= 2)
				mb_f(&b, 1);
			if (mb_f(&b, 3) != 7)		/* CS_RGB */
				mb_f(&b, (h->profile & 1) ? 4 : 1);
			else if (h->profile & 1)
				mb_f(&b, 1);
		}
	}
	h->refresh_frame_flags = (uint8_t)mb_f(&b, 8);
	return b.past_end ? -EINVAL : 0;
}

/* ---- libavcodec's pictures, stood in for --------------------------- */

struct picture {
	int refs;
	uint8_t pixels[32];
};

/* dv_lavc_held: one reference of a slot. */
struct held {
	struct picture *pic;
};

struct sim {
	struct dv_vp9_slots slots;
	struct dv_vp9_header hdr;
	struct picture *last;		/* dec->last_ref / last_pic */
	struct picture *live[MAX_JOBS];
	size_t n_live;
	uint8_t fail_mask;
	unsigned int ref_calls;
};

static void pic_unref(struct sim *s, struct picture *pic)
{
	FZ_ASSERT(pic->refs > 0, "picture unreferenced once too often");
	if (--pic->refs)
		return;
	for (size_t i = 0; i < s->n_live; i++)
		if (s->live[i] == pic) {
			s->live[i] = s->live[--s->n_live];
			break;
		}
	free(pic);
}

static void *held_ref(void *opaque, void *item)
{
	struct sim *s = opaque;
	const struct held *from = item;
	struct held *h;

	/* Calls come in slot order: fail the ones the input says. */
	if (s->fail_mask & (1u << (s->ref_calls++ & 7)))
		return NULL;
	h = malloc(sizeof(*h));
	if (!h)
		abort();
	h->pic = from->pic;
	h->pic->refs++;
	return h;
}

static void held_unref(void *opaque, void *item)
{
	struct held *h = item;

	pic_unref(opaque, h->pic);
	free(h);
}

static void drop_last(struct sim *s)
{
	if (s->last)
		pic_unref(s, s->last);
	s->last = NULL;
}

/* Every picture is referenced exactly by those that hold it. */
static void check_refs(const struct sim *s)
{
	for (size_t i = 0; i < s->n_live; i++) {
		const struct picture *pic = s->live[i];
		int holders = pic == s->last;

		for (unsigned int j = 0; j < DV_VP9_NUM_REF_FRAMES; j++) {
			const struct held *h = dv_vp9_slots_get(&s->slots, j);

			holders += h && h->pic == pic;
		}
		FZ_ASSERT(pic->refs == holders, "%d references, %d holders",
			  pic->refs, holders);
	}
	FZ_ASSERT(dv_vp9_slots_get(&s->slots, DV_VP9_NUM_REF_FRAMES) == NULL &&
		  dv_vp9_slots_get(&s->slots, ~0u) == NULL, "slot out of range");
}

/* dv_lavc_vp9_picture(), on the stand-ins. */
static int vp9_picture(struct sim *s, struct picture **pic)
{
	const struct dv_vp9_slot_ops ops = { held_ref, held_unref, s };
	struct held *shown, now;

	if (s->hdr.show_existing_frame) {
		shown = dv_vp9_slots_get(&s->slots, s->hdr.frame_to_show_map_idx);
		if (*pic || !shown)
			return -EIO;
		*pic = shown->pic;
		return 0;
	}
	if (!*pic)
		return -EIO;
	now.pic = *pic;
	return dv_vp9_slots_refresh(&s->slots, s->hdr.refresh_frame_flags, &now,
				    &ops);
}

static int one_job(struct sim *s, uint8_t ctl, const uint8_t *frame,
		   size_t size, const struct dv_fuzz_blk *ctrls)
{
	const struct dv_vp9_slot_ops ops = { held_ref, held_unref, s };
	struct v4l2_ctrl_vp9_frame fc;
	struct dv_vp9_header model;
	struct picture *pic = NULL;
	int ret, want;

	if (ctl & C_RESET) {		/* dv_lavc_reset() */
		drop_last(s);
		dv_vp9_slots_clear(&s->slots, &ops);
	}
	/* dv_lavc_vp9_packet() */
	ret = dv_vp9_header_parse(frame, size, &s->hdr);
	want = model_parse(frame, size, &model);
	FZ_ASSERT(ret == want, "parse %d, model %d", ret, want);
	if (ret)
		return 0;
	FZ_ASSERT(!memcmp(&s->hdr, &model, sizeof(model)),
		  "header differs from the model's (profile %u/%u, refresh %#x/%#x)",
		  s->hdr.profile, model.profile, s->hdr.refresh_frame_flags,
		  model.refresh_frame_flags);
	FZ_ASSERT(!s->hdr.show_existing_frame || s->hdr.frame_to_show_map_idx < 8,
		  "slot index");
	ret = dv_ctrl_records_get(ctrls->buf, ctrls->size,
				  V4L2_CID_STATELESS_VP9_FRAME, &fc, sizeof(fc));
	FZ_ASSERT(ret == ((ctl & C_CONTROL) ? 0 : -ENOENT), "frame control: %d", ret);

	/* dv_lavc_decode() */
	if (ctl & C_SEND_FAILS) {
		dv_vp9_slots_clear(&s->slots, &ops);	/* codec->forget() */
		return 0;
	}
	if (s->hdr.show_existing_frame ? (ctl & C_ALLOC_EXISTING) : !(ctl & C_NO_ALLOC)) {
		/* get_buffer2(): the decoder's reference and last_ref. */
		pic = calloc(1, sizeof(*pic));
		if (!pic)
			abort();
		FZ_ASSERT(s->n_live < MAX_JOBS, "pictures leak");
		s->live[s->n_live++] = pic;
		pic->refs = 2;
		drop_last(s);
		s->last = pic;
		/* The decoder drops its own at once: the worst case. */
		pic_unref(s, pic);
	}
	s->ref_calls = 0;
	ret = vp9_picture(s, &pic);
	FZ_ASSERT(ret == 0 || ret == -EIO || ret == -ENOMEM, "picture: %d", ret);
	check_refs(s);
	if (ret)
		return 0;
	/* dv_pixel_out_write() reads the picture: it must be alive (ASan
	 * reports a use after free here otherwise). */
	FZ_ASSERT(pic->refs > 0 && !pic->pixels[0], "the picture is gone");
	return 1;
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	struct sim *s = calloc(1, sizeof(*s));
	const struct dv_vp9_slot_ops ops = { held_ref, held_unref, s };
	int accepted = 0, jobs;

	if (!s)
		abort();
	dv_vp9_slots_init(&s->slots);
	for (jobs = 0; in.n && jobs < MAX_JOBS; jobs++) {
		struct dv_fuzz_blk ctrls = { 0 };
		uint8_t ctl = fz_u8(&in);
		size_t len = fz_u16(&in), got;
		uint8_t *frame;

		s->fail_mask = fz_u8(&in);
		if (ctl & C_CONTROL) {
			struct v4l2_ctrl_vp9_frame fc;

			memset(&fc, 0, sizeof(fc));
			fc.profile = fz_u8(&in);
			fc.flags = fz_u32(&in);
			fz_blk_add(&ctrls, V4L2_CID_STATELESS_VP9_FRAME, &fc, sizeof(fc));
		}
		frame = fz_bytes(&in, len, &got);
		accepted |= one_job(s, ctl, frame, got, &ctrls);
		free(frame);
		fz_blk_free(&ctrls);
	}
	/* dv_lavc_destroy(): everything goes. */
	drop_last(s);
	dv_vp9_slots_clear(&s->slots, &ops);
	FZ_ASSERT(!s->n_live, "%zu pictures left", s->n_live);
	free(s);
	return accepted;
}

/* ---- seeds ------------------------------------------------------------- */

/* A tiny MSB-first bit writer for headers. */
struct bits {
	uint8_t buf[16];
	unsigned int pos;
};

static void put(struct bits *b, unsigned int n, unsigned int v)
{
	while (n--) {
		if (v >> n & 1)
			b->buf[b->pos / 8] |= (uint8_t)(0x80 >> b->pos % 8);
		b->pos++;
	}
}

static void job(struct dv_fuzz_out *o, uint8_t ctl, uint8_t fail,
		const struct bits *b, unsigned int profile, unsigned int flags)
{
	/* A few bytes of "compressed data" after the header bits. */
	unsigned int len = (b->pos + 7) / 8 + 4;

	fz_put_u8(o, ctl);
	fz_put_u16(o, (uint16_t)len);
	fz_put_u8(o, fail);
	if (ctl & C_CONTROL) {
		fz_put_u8(o, (uint8_t)profile);
		fz_put_u32(o, flags);
	}
	fz_put(o, b->buf, len);
}

static void header(struct bits *b, unsigned int profile, int key, int show)
{
	memset(b, 0, sizeof(*b));
	put(b, 2, 2);
	put(b, 1, profile & 1);
	put(b, 1, profile >> 1);
	if (profile == 3)
		put(b, 1, 0);
	put(b, 1, 0);			/* show_existing_frame */
	put(b, 1, !key);
	put(b, 1, show);
	put(b, 1, 0);			/* error_resilient_mode */
	if (key)
		put(b, 24, 0x498342);
}

static void show_existing(struct bits *b, unsigned int slot)
{
	memset(b, 0, sizeof(*b));
	put(b, 2, 2);
	put(b, 2, 0);
	put(b, 1, 1);
	put(b, 3, slot);
}

void dv_fuzz_seeds(void)
{
	struct dv_fuzz_out o = { 0 };
	struct bits b;

	/* Key frame, an inter frame into slot 1, a hidden one into slot 2,
	 * which is then shown, then slot 1 shown. */
	header(&b, 0, 1, 1);
	job(&o, C_CONTROL, 0, &b, 0, V4L2_VP9_FRAME_FLAG_KEY_FRAME |
	    V4L2_VP9_FRAME_FLAG_SHOW_FRAME);
	header(&b, 0, 0, 1);
	put(&b, 2, 0);			/* reset_frame_context */
	put(&b, 8, 0x02);
	job(&o, 0, 0, &b, 0, 0);
	header(&b, 0, 0, 0);
	put(&b, 1, 0);			/* intra_only */
	put(&b, 2, 0);
	put(&b, 8, 0x04);
	job(&o, C_CONTROL, 0, &b, 0, 0);
	show_existing(&b, 2);
	job(&o, 0, 0, &b, 0, 0);
	show_existing(&b, 1);
	job(&o, 0, 0, &b, 0, 0);
	fz_out_seed(&o, "key-inter-hidden-shown", 1);

	/* Profile 1 intra-only frame with a colour config, then profile 2
	 * and 3 key frames, the last with a failing reference. */
	header(&b, 1, 0, 0);
	put(&b, 1, 1);			/* intra_only */
	put(&b, 2, 0);
	put(&b, 24, 0x498342);
	put(&b, 3, 1);			/* color_space */
	put(&b, 1, 0);
	put(&b, 3, 0);			/* subsampling, reserved */
	put(&b, 8, 0x81);
	job(&o, C_CONTROL, 0, &b, 1, 0);
	header(&b, 2, 1, 1);
	job(&o, 0, 0, &b, 0, 0);
	header(&b, 3, 1, 1);
	job(&o, C_CONTROL, 0x10, &b, 3, V4L2_VP9_FRAME_FLAG_KEY_FRAME);
	fz_out_seed(&o, "profiles", 1);

	/* A key frame, a stream stop, then showing a slot: refused. */
	header(&b, 0, 1, 1);
	job(&o, 0, 0, &b, 0, 0);
	show_existing(&b, 0);
	job(&o, C_RESET, 0, &b, 0, 0);
	fz_out_seed(&o, "reset", 1);

	/* Refused: not a frame marker; a bad sync code. */
	memset(&b, 0, sizeof(b));
	put(&b, 8, 0x12);
	job(&o, 0, 0, &b, 0, 0);
	fz_out_seed(&o, "bad-marker", 0);
	header(&b, 0, 0, 0);
	put(&b, 1, 1);
	put(&b, 2, 0);
	put(&b, 24, 0x498343);
	job(&o, 0, 0, &b, 0, 0);
	fz_out_seed(&o, "bad-sync", 0);
}
