// SPDX-License-Identifier: BSD-2-Clause
/*
 * VP8 requests as the libavcodec backend handles them, without
 * libavcodec: each OUTPUT buffer and optional frame control go through
 * dv_vp8_frame_build() (daemon/rebuild/vp8/vp8_frame.c, which parses with
 * vp8_header.c), then the reference slots (vp8_refs.c) are checked and
 * updated as backend_lavc.c's dv_lavc_vp8_packet()/_picture() do.
 *
 * Checks: the frame built is the buffer itself, or the tag written from
 * the control followed by the buffer, and then only when the buffer is
 * exactly the partitions the control describes; a control whose frame
 * type differs from the frame's is reported; the tag fields match a
 * decode of the tag written here; the header parse reads nothing past the
 * frame (it is parsed again from an exactly sized copy: ASan) and gives the
 * same answer; partitions fit; the slots match a model kept here.
 *
 * Input: a sequence of requests, each:
 *   u8 ctl   bit 0: a VP8 FRAME control follows; bit 1: stream stop
 *            (reset) before the request; bit 2: the decoder refuses the
 *            packet; bit 3: give the buffer without its first 3 or 10
 *            bytes (a client that strips the tag)
 *   u16 len
 *   [control: u32 flags, u8 version, u16 width, u16 height,
 *    u32 first_part_size, u8 num_dct_parts, 8 x u32 dct_part_sizes,
 *    3 x u8 reference (index of an earlier request, 255: 0 ns)]
 *   len bytes of frame
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "fuzz_common.h"
#include "rebuild/vp8/vp8_frame.h"
#include "rebuild/vp8/vp8_header.h"
#include "rebuild/vp8/vp8_refs.h"
#include "vp8_test_writer.h"

enum {
	C_CONTROL = 1,
	C_RESET = 2,
	C_SEND_FAILS = 4,
	C_STRIP_TAG = 8,
};

#define MAX_JOBS	64

/* The slots as a plain model: -1 empty, else the timestamp. */
struct model {
	int64_t ts[3];
};

static void model_update(struct model *m, const struct dv_vp8_header *h,
			 int64_t ts)
{
	int64_t last = m->ts[0], golden = m->ts[1], alt = m->ts[2];

	if (h->key_frame) {
		m->ts[0] = m->ts[1] = m->ts[2] = ts;
		return;
	}
	if (last < 0)
		return;
	if (h->refresh_golden_frame)
		m->ts[1] = ts;
	else if (h->copy_buffer_to_golden)
		m->ts[1] = h->copy_buffer_to_golden == 1 ? last :
			   h->copy_buffer_to_golden == 2 ? alt : golden;
	if (h->refresh_alternate_frame)
		m->ts[2] = ts;
	else if (h->copy_buffer_to_alternate)
		m->ts[2] = h->copy_buffer_to_alternate == 1 ? last :
			   h->copy_buffer_to_alternate == 2 ? golden : alt;
	if (h->refresh_last)
		m->ts[0] = ts;
}

static void check_tag(const uint8_t *f, size_t size,
		      const struct dv_vp8_header *h)
{
	FZ_ASSERT(size >= 3, "frame of %zu bytes accepted", size);
	FZ_ASSERT(h->key_frame == !(f[0] & 1), "frame type");
	FZ_ASSERT(h->version == (f[0] >> 1 & 7), "version");
	FZ_ASSERT(h->show_frame == (f[0] >> 4 & 1), "show_frame");
	FZ_ASSERT(h->first_part_size ==
		  ((f[0] | (uint32_t)f[1] << 8 | (uint32_t)f[2] << 16) >> 5),
		  "first_part_size");
	FZ_ASSERT(h->tag_size == (h->key_frame ? 10 : 3), "tag size");
	FZ_ASSERT(h->tag_size + (size_t)h->first_part_size +
		  3 * (size_t)(h->num_dct_parts - 1) <= size,
		  "partitions past the frame");
	FZ_ASSERT(h->num_dct_parts == 1 || h->num_dct_parts == 2 ||
		  h->num_dct_parts == 4 || h->num_dct_parts == 8, "parts");
	if (h->key_frame)
		FZ_ASSERT(h->width == ((f[6] | f[7] << 8) & 0x3fff) &&
			  h->height == ((f[8] | f[9] << 8) & 0x3fff) &&
			  h->width && h->height, "size");
}

/* The frame without its tag as @c describes it: the partitions. */
static uint64_t untagged_size(const struct v4l2_ctrl_vp8_frame *c)
{
	uint64_t n = c->first_part_size;
	unsigned int i;

	if (c->num_dct_parts != 1 && c->num_dct_parts != 2 &&
	    c->num_dct_parts != 4 && c->num_dct_parts != 8)
		return 0;
	for (i = 0; i < c->num_dct_parts; i++)
		n += c->dct_part_sizes[i] + (i ? 3 : 0);
	return n;
}

static int one_job(struct dv_vp8_refs *refs, struct model *m, uint8_t ctl,
		   const struct v4l2_ctrl_vp8_frame *ctrl,
		   const uint8_t *buf, size_t size, int64_t ts,
		   struct dv_bytebuf *out)
{
	struct dv_vp8_header h, again;
	unsigned int disagree, wrong, want = 0, i;
	int rebuilt, ret;
	uint8_t *exact;

	if (ctl & C_RESET) {		/* dv_lavc_reset() */
		dv_vp8_refs_init(refs);
		m->ts[0] = m->ts[1] = m->ts[2] = -1;
	}
	ret = dv_vp8_frame_build(ctrl, buf, size, out, &h, &rebuilt, &disagree);
	FZ_ASSERT(ret == 0 || ret == -EINVAL, "build: %d", ret);
	if (ret)
		return 0;
	FZ_ASSERT(!rebuilt || ctrl, "a tag written without a control");
	if (rebuilt) {
		uint8_t tag[10];
		size_t n = dv_vp8_tag_write(ctrl, tag);

		FZ_ASSERT(out->size == n + size &&
			  !memcmp(out->data, tag, n) &&
			  !memcmp(out->data + n, buf, size),
			  "not the tag then the buffer");
	} else {
		FZ_ASSERT(out->size == size && !memcmp(out->data, buf, size),
			  "the buffer was changed");
	}
	check_tag(out->data, out->size, &h);
	if (rebuilt)
		FZ_ASSERT(!(ctrl->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME) ==
			  !h.key_frame && untagged_size(ctrl) == size,
			  "a tag written for a buffer that is not the partitions");
	if (ctrl)
		FZ_ASSERT(!(disagree & DV_VP8_DIFF_KEY) ==
			  (!(ctrl->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME) ==
			   !h.key_frame), "frame type disagreement");
	exact = malloc(out->size);
	if (!exact)
		abort();
	memcpy(exact, out->data, out->size);
	FZ_ASSERT(dv_vp8_header_parse(exact, out->size, &again) == 0 &&
		  !memcmp(&again, &h, sizeof(h)), "parse differs");
	free(exact);

	if (ctrl) {			/* dv_lavc_vp8_packet() */
		const uint64_t named[3] = { ctrl->last_frame_ts,
			ctrl->golden_frame_ts, ctrl->alt_frame_ts };

		wrong = dv_vp8_refs_check(refs, &h, ctrl);
		if (!h.key_frame)
			for (i = 0; i < 3; i++)
				if (m->ts[i] < 0 || (uint64_t)m->ts[i] != named[i])
					want |= 1u << i;
		if (!h.key_frame && m->ts[0] < 0)
			want = 7;
		FZ_ASSERT(wrong == want, "refs check %#x, model %#x", wrong, want);
	}
	if (ctl & C_SEND_FAILS) {	/* codec->forget() */
		dv_vp8_refs_init(refs);
		m->ts[0] = m->ts[1] = m->ts[2] = -1;
		return 0;
	}
	dv_vp8_refs_update(refs, &h, (uint64_t)ts);
	model_update(m, &h, ts);
	for (i = 0; i < 3; i++)
		FZ_ASSERT(m->ts[i] < 0 ? !refs->filled :
			  refs->filled && refs->ts[i] == (uint64_t)m->ts[i],
			  "slot %u", i);
	return 1;
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	struct dv_vp8_refs refs;
	struct model m = { { -1, -1, -1 } };
	struct dv_bytebuf out;
	int accepted = 0, jobs;

	dv_vp8_refs_init(&refs);
	dv_bytebuf_init(&out, 64);
	for (jobs = 0; in.n && jobs < MAX_JOBS; jobs++) {
		struct v4l2_ctrl_vp8_frame c;
		uint8_t ctl = fz_u8(&in);
		size_t len = fz_u16(&in), got, skip = 0;
		uint8_t *frame;
		unsigned int i;

		memset(&c, 0, sizeof(c));
		if (ctl & C_CONTROL) {
			c.flags = fz_u32(&in);
			c.version = fz_u8(&in);
			c.width = fz_u16(&in);
			c.height = fz_u16(&in);
			c.first_part_size = fz_u32(&in);
			c.num_dct_parts = fz_u8(&in);
			for (i = 0; i < 8; i++)
				c.dct_part_sizes[i] = fz_u32(&in);
			/* References: the timestamps of earlier requests. */
			c.last_frame_ts = fz_u8(&in) * 1000ull;
			c.golden_frame_ts = fz_u8(&in) * 1000ull;
			c.alt_frame_ts = fz_u8(&in) * 1000ull;
		}
		frame = fz_bytes(&in, len, &got);
		if (ctl & C_STRIP_TAG)
			skip = got >= 10 && !(frame[0] & 1) ? 10 : got >= 3 ? 3 : 0;
		{
			/* The stripped buffer in an exactly sized copy. */
			uint8_t *b = malloc(got - skip + 1);

			if (!b)
				abort();
			memcpy(b, frame + skip, got - skip);
			accepted |= one_job(&refs, &m, ctl,
					    (ctl & C_CONTROL) ? &c : NULL, b,
					    got - skip, jobs * 1000, &out);
			free(b);
		}
		free(frame);
	}
	dv_bytebuf_free(&out);
	return accepted;
}

/* ---- seeds ------------------------------------------------------------- */

static void job(struct dv_fuzz_out *o, uint8_t ctl, const struct vp8w_frame *f,
		const uint8_t refs[3])
{
	uint8_t buf[2048];
	struct v4l2_ctrl_vp8_frame c;
	uint32_t fps;
	size_t n = vp8w_write(f, buf, sizeof(buf), &fps);
	unsigned int i;

	if (!n)
		abort();
	vp8w_control(f, fps, &c);
	fz_put_u8(o, ctl);
	fz_put_u16(o, (uint16_t)n);
	if (ctl & C_CONTROL) {
		fz_put_u32(o, c.flags);
		fz_put_u8(o, c.version);
		fz_put_u16(o, c.width);
		fz_put_u16(o, c.height);
		fz_put_u32(o, c.first_part_size);
		fz_put_u8(o, c.num_dct_parts);
		for (i = 0; i < 8; i++)
			fz_put_u32(o, c.dct_part_sizes[i]);
		for (i = 0; i < 3; i++)
			fz_put_u8(o, refs[i]);
	}
	fz_put(o, buf, n);
}

void dv_fuzz_seeds(void)
{
	struct dv_fuzz_out o = { 0 };
	const uint8_t k0[3] = { 0, 0, 0 }, r1[3] = { 1, 0, 0 };
	struct vp8w_frame key, inter, arf;

	memset(&key, 0, sizeof(key));
	key.key = key.show = 1;
	key.width = 33;
	key.height = 17;
	key.lf_level = 10;
	key.lf_adj = key.lf_delta_update = 1;
	key.y_ac_qi = 40;
	key.filler_bools = 64;
	key.part_size[0] = 20;
	inter = key;
	inter.key = 0;
	inter.refresh_last = 1;
	arf = inter;
	arf.show = 0;
	arf.refresh_alt = 1;
	arf.copy_golden = 1;
	arf.refresh_last = 0;

	/* Key frame, inter, hidden alt-ref: references as GStreamer names
	 * them. */
	job(&o, C_CONTROL, &key, k0);
	job(&o, C_CONTROL, &inter, k0);
	job(&o, C_CONTROL, &arf, r1);
	fz_out_seed(&o, "key-inter-altref", 1);

	/* Segmentation, 8 partitions, tags stripped by the client. */
	key.seg_enabled = key.seg_update_map = key.seg_update_data = 1;
	key.log2_parts = 3;
	for (unsigned int i = 0; i < 8; i++)
		key.part_size[i] = 3 + i;
	job(&o, C_CONTROL | C_STRIP_TAG, &key, k0);
	inter.log2_parts = 1;
	inter.part_size[1] = 4;
	job(&o, C_CONTROL | C_STRIP_TAG, &inter, k0);
	fz_out_seed(&o, "segments-partitions-no-tag", 1);

	/* No control, a reset, a refused packet, wrong references. */
	job(&o, 0, &key, k0);
	job(&o, C_RESET | C_CONTROL, &inter, r1);
	job(&o, C_SEND_FAILS, &key, k0);
	fz_out_seed(&o, "reset-refused", 1);
}
