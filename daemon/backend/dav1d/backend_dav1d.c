// SPDX-License-Identifier: BSD-2-Clause
/*
 * The libdav1d backend: AV1.
 *
 * The OUTPUT buffer of a V4L2_PIX_FMT_AV1_FRAME request is not a bitstream
 * libdav1d can take: GStreamer puts there only OBU payloads, without OBU
 * headers, and a frame header only when the stream used OBU_FRAME (see
 * av1_rebuild.h). So each request becomes a temporal unit of our own:
 * sequence header from the SEQUENCE control, frame header from the FRAME
 * (and FILM_GRAIN) controls, and one tile group with the coded tiles the
 * TILE_GROUP_ENTRY control locates in the buffer.
 *
 * A show_existing_frame is no request (the client outputs the earlier
 * buffer again), but showing a hidden key frame refreshes every reference
 * slot with it (AV1 7.21): the next request's reference_frame_ts say so,
 * and the daemon then shows that key frame to libdav1d itself, dropping
 * the picture, before the request's own temporal unit
 * (dv_av1_refs_missed_show_existing).
 *
 * Which libdav1d slot holds which frame follows the requests'
 * reference_frame_ts once a client's refresh_frame_flags prove a guess
 * (libva-v4l2-request: dv_av1_refs_map); a frame whose slot only the next
 * request tells is decoded again then, as a unit of our own whose picture
 * is dropped (dv_dav1d_store_deferred).
 *
 * Settings for a stateless decoder: output_invisible_frames = 1 (a hidden
 * frame's request also gets its picture), film grain applied (the uAPI
 * passes the film grain parameters to be applied by the decoder, and
 * FFmpeg's libdav1d wrapper, which makes the corpus references, applies
 * them too), a thread per CPU within the process's budget (threads.c) and
 * dav1d's own frame delay for them.
 *
 * Frame threads without holding a request back: the context submits a job
 * while the one before is still decoding only when the client had already
 * queued it (backend.h, submit/collect). dav1d returns pictures in decode
 * order (every frame is output), so the oldest job in flight gets the next
 * picture; each picture carries the number of the unit it came from
 * (Dav1dDataProps.offset), checked when it is collected. A job whose
 * picture is not out when it is collected is drained -- dav1d_get_picture()
 * until every frame in flight is out (dv_dav1d_next_picture() says why all)
 * -- never flushed, so the references stay.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "rebuild/av1/av1_rebuild.h"
#include "backend/backend.h"
#include "rebuild/ctrl_records.h"
#include "backend/dav1d/dav1d_loader.h"
#include "util/log.h"
#include "output/pixel_out.h"
#include "util/bytebuf.h"

#define DV_DAV1D_HDR_MAX	4096
/* Frame contexts dav1d runs at most (its own cap is 8 for 50+ threads). */
#define DV_DAV1D_MAX_IN_FLIGHT	16

/* A temporal unit in the decoder, oldest first: a request's or one we
 * made ourselves (show_existing_frame of a hidden key frame) and drop. */
struct dv_dav1d_unit {
	uint64_t tag;		/* Dav1dDataProps.offset of its data */
	int drop;		/* our own: its picture is dropped */
	int failed;		/* the decoder was reset since it was sent */
};

/* A frame decoded without being stored (DV_AV1_MAP_DEFER), to be decoded
 * again into the decoder slot the next request's references say. */
struct dv_dav1d_deferred {
	int active;
	uint64_t ts;
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_frame frame;	/* in decoder slots */
	struct v4l2_ctrl_av1_film_grain grain;
	int has_grain;
	struct dv_bytebuf tile_group;	/* its tile group, as it was sent */
};

struct dv_decoder {
	const struct dv_dav1d *d;
	Dav1dContext *c;
	int threads;			/* taken from the budget */
	unsigned int max_in_flight;	/* dav1d's frame delay */
	struct dv_av1_refs refs;
	uint64_t seq;		/* requests submitted */
	uint64_t next_tag;	/* units sent */
	/* Units sent and not collected: a ring. */
	struct dv_dav1d_unit units[2 * DV_DAV1D_MAX_IN_FLIGHT + 2];
	unsigned int unit_head, n_units;
	/* Pictures dav1d gave before their unit was collected (it gives one
	 * back whenever it needs room for the next), oldest first. */
	Dav1dPicture ready[2 * DV_DAV1D_MAX_IN_FLIGHT + 2];
	unsigned int ready_head, n_ready;
	struct dv_dav1d_deferred deferred;
	struct v4l2_ctrl_av1_tile_group_entry entries[V4L2_AV1_MAX_TILE_COUNT];
};

#define DV_DAV1D_RING(a) (sizeof(a) / sizeof((a)[0]))

void (*dv_dav1d_tu_tap)(const uint8_t *tu, size_t size);

static int dv_dav1d_backend_load(void)
{
	const struct dv_dav1d *d;

	return dv_dav1d_load(&d);
}

static int dv_dav1d_supports(uint32_t codec)
{
	return codec == DV_CODEC_ID_AV1;
}

static void dv_dav1d_drop_ready(struct dv_decoder *dec)
{
	while (dec->n_ready) {
		dec->d->dav1d_picture_unref(&dec->ready[dec->ready_head]);
		dec->ready_head = (dec->ready_head + 1) % DV_DAV1D_RING(dec->ready);
		dec->n_ready--;
	}
}

static void dv_dav1d_destroy(struct dv_decoder *dec)
{
	if (!dec)
		return;
	dv_dav1d_drop_ready(dec);
	if (dec->c)
		dec->d->dav1d_close(&dec->c);
	if (dec->threads)
		dv_threads_give(dec->threads);
	dv_bytebuf_free(&dec->deferred.tile_group);
	free(dec);
}

static struct dv_decoder *dv_dav1d_create(uint32_t codec)
{
	struct dv_decoder *dec;
	const struct dv_dav1d *d;
	Dav1dSettings s;
	int ret;

	if (codec != DV_CODEC_ID_AV1 || dv_dav1d_load(&d))
		return NULL;
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return NULL;
	dec->d = d;
	dv_av1_refs_reset(&dec->refs);
	dv_bytebuf_init(&dec->deferred.tile_group, 0);
	d->dav1d_default_settings(&s);
	dec->threads = dv_threads_take();
	s.n_threads = dec->threads;
	s.max_frame_delay = 0;		/* dav1d's choice for n_threads */
	s.output_invisible_frames = 1;
	s.apply_grain = 1;
	s.all_layers = 0;
	ret = d->dav1d_get_frame_delay(&s);
	dec->max_in_flight = ret < 1 ? 1 : ret > DV_DAV1D_MAX_IN_FLIGHT ?
			     DV_DAV1D_MAX_IN_FLIGHT : (unsigned int)ret;
	s.max_frame_delay = dec->max_in_flight;
	ret = d->dav1d_open(&dec->c, &s);
	if (ret < 0) {
		dv_err("dav1d: dav1d_open failed (%d)", ret);
		dec->c = NULL;
		dv_dav1d_destroy(dec);
		return NULL;
	}
	return dec;
}

/* Forgets the stream; units still in flight fail when collected. */
static void dv_dav1d_reset(struct dv_decoder *dec)
{
	unsigned int i;

	dec->d->dav1d_flush(dec->c);
	dv_dav1d_drop_ready(dec);
	for (i = 0; i < dec->n_units; i++)
		dec->units[(dec->unit_head + i) % DV_DAV1D_RING(dec->units)].failed = 1;
	dv_av1_refs_reset(&dec->refs);
	dec->deferred.active = 0;
}

/* A request's controls. */
struct dv_dav1d_ctrls {
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_frame client;	/* as the client sent it */
	struct v4l2_ctrl_av1_frame frame;	/* in decoder slots */
	struct v4l2_ctrl_av1_film_grain grain;
	const struct v4l2_ctrl_av1_film_grain *grainp;	/* NULL: none sent */
	size_t n_entries;		/* in dec->entries */
};

static int dv_dav1d_read_ctrls(struct dv_decoder *dec,
			       const struct dv_decode_job *job,
			       struct dv_dav1d_ctrls *c)
{
	int ret;

	c->n_entries = 0;
	c->grainp = &c->grain;
	ret = dv_ctrl_records_get(job->ctrls, job->ctrls_size,
				  V4L2_CID_STATELESS_AV1_SEQUENCE, &c->seq,
				  sizeof(c->seq));
	if (!ret)
		ret = dv_ctrl_records_get(job->ctrls, job->ctrls_size,
					  V4L2_CID_STATELESS_AV1_FRAME, &c->frame,
					  sizeof(c->frame));
	if (!ret)
		ret = dv_ctrl_records_get_array(job->ctrls, job->ctrls_size,
						V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
						sizeof(dec->entries[0]), dec->entries,
						V4L2_AV1_MAX_TILE_COUNT, &c->n_entries);
	if (ret) {
		dv_err("dav1d: the request lacks an AV1 control (%d)", ret);
		return -EINVAL;
	}
	ret = dv_ctrl_records_get(job->ctrls, job->ctrls_size,
				  V4L2_CID_STATELESS_AV1_FILM_GRAIN, &c->grain,
				  sizeof(c->grain));
	if (ret == -ENOENT)
		c->grainp = NULL;
	else if (ret)
		return ret;
	return 0;
}

/*
 * Builds the request's temporal unit into *@tu (malloc'd, *@size bytes):
 * the one copy of the tiles the daemon makes; libdav1d then takes the
 * buffer itself (dav1d_data_wrap).
 */
static int dv_dav1d_build(struct dv_decoder *dec,
			  const struct dv_decode_job *job,
			  const struct dv_dav1d_ctrls *c, uint8_t **tu,
			  size_t *size, size_t *tile_group_offset)
{
	size_t tiles = 0, used, n, i;
	uint8_t *out;
	int ret;

	for (i = 0; i < c->n_entries; i++)
		tiles += dec->entries[i].tile_size;

	n = 2 * DV_DAV1D_HDR_MAX + dv_av1_tile_group_bound(c->n_entries, tiles);
	if (tiles > job->bitstream_size)
		return -EINVAL;
	out = malloc(n);
	if (!out)
		return -ENOMEM;
	ret = dv_av1_write_sequence_header(&c->seq, out, n, &used);
	if (ret) {
		dv_err("dav1d: the AV1 sequence control cannot be written as a sequence header (%d)", ret);
		goto out;
	}
	ret = dv_av1_write_frame_header(&c->seq, &c->frame, c->grainp, &dec->refs,
					out + used, n - used, &i);
	if (ret) {
		dv_err("dav1d: the AV1 frame control cannot be written as a frame header (%d)", ret);
		goto out;
	}
	used += i;
	*tile_group_offset = used;
	ret = dv_av1_write_tile_group(&c->frame, dec->entries, c->n_entries,
				      job->bitstream, job->bitstream_size,
				      out + used, n - used, &i);
	if (ret) {
		dv_err("dav1d: the tile group entries do not describe the frame's tiles in the buffer (%d)", ret);
		goto out;
	}
	used += i;
	*tu = out;
	*size = used;
	return 0;
out:
	free(out);
	return ret;
}

static void dv_dav1d_free_tu(const uint8_t *data, void *cookie)
{
	(void)cookie;
	free((void *)data);
}

/* Keeps a picture dav1d gave before its unit was collected. */
static int dv_dav1d_stash(struct dv_decoder *dec, Dav1dPicture *pic)
{
	if (dec->n_ready == DV_DAV1D_RING(dec->ready)) {
		dec->d->dav1d_picture_unref(pic);
		return DAV1D_ERR(EIO);
	}
	dec->ready[(dec->ready_head + dec->n_ready) % DV_DAV1D_RING(dec->ready)] = *pic;
	dec->n_ready++;
	return 0;
}

/*
 * Sends one temporal unit (@tu, malloc'd: libdav1d frees it, also on an
 * error) and records it in flight. When dav1d wants a picture taken before
 * it takes more data, the picture (an older unit's) is stashed. Returns 0
 * or libdav1d's error.
 */
static int dv_dav1d_send(struct dv_decoder *dec, uint8_t *tu, size_t size, int drop)
{
	const struct dv_dav1d *d = dec->d;
	struct dv_dav1d_unit *unit;
	Dav1dPicture pic;
	Dav1dData data;
	int ret = 0;

	if (dv_dav1d_tu_tap)
		dv_dav1d_tu_tap(tu, size);
	if (dec->n_units == DV_DAV1D_RING(dec->units)) {
		free(tu);
		return DAV1D_ERR(EBUSY);
	}
	memset(&data, 0, sizeof(data));
	ret = d->dav1d_data_wrap(&data, tu, size, dv_dav1d_free_tu, NULL);
	if (ret < 0) {
		free(tu);
		return ret;
	}
	data.m.offset = (int64_t)dec->next_tag;
	while (data.sz) {
		ret = d->dav1d_send_data(dec->c, &data);
		if (ret != DAV1D_ERR(EAGAIN))
			break;
		memset(&pic, 0, sizeof(pic));
		ret = d->dav1d_get_picture(dec->c, &pic);
		if (ret == DAV1D_ERR(EAGAIN))
			continue;
		if (ret < 0 || (ret = dv_dav1d_stash(dec, &pic)) < 0)
			break;
	}
	if (data.sz)
		d->dav1d_data_unref(&data);
	if (ret < 0 && ret != DAV1D_ERR(EAGAIN))
		return ret;
	unit = &dec->units[(dec->unit_head + dec->n_units) % DV_DAV1D_RING(dec->units)];
	unit->tag = dec->next_tag++;
	unit->drop = drop;
	unit->failed = 0;
	dec->n_units++;
	return 0;
}

/*
 * The picture of the oldest unit in flight, which leaves it: stashed, or
 * drained from dav1d (without a flush: it waits for the frame threads).
 * Returns 0 with *@pic (to unref) and *@unit, or a negative errno / dav1d
 * error (then *@unit is still the unit, and it had no picture).
 */
static int dv_dav1d_next_picture(struct dv_decoder *dec, Dav1dPicture *pic,
				 struct dv_dav1d_unit *unit)
{
	int ret, eagain;

	if (!dec->n_units) {
		unit->drop = 0;
		unit->failed = 1;
		return -EIO;
	}
	*unit = dec->units[dec->unit_head];
	dec->unit_head = (dec->unit_head + 1) % DV_DAV1D_RING(dec->units);
	dec->n_units--;
	if (unit->failed)
		return -EIO;
	if (!dec->n_ready) {
		/*
		 * Not out yet: drain -- every picture dav1d holds, not just
		 * this one. A drain that stops at the first picture leaves
		 * dav1d's next frame slot (frame_thread.next) past the
		 * oldest frame still decoding (task_thread.first), and the
		 * next unit sent then waits for ever in the frame threads.
		 * The first call after dav1d_send_data() only returns a
		 * picture that is done; the next ones drain; two EAGAIN in a
		 * row mean nothing is left.
		 */
		for (eagain = 0; eagain < 2;) {
			memset(pic, 0, sizeof(*pic));
			ret = dec->d->dav1d_get_picture(dec->c, pic);
			if (ret == DAV1D_ERR(EAGAIN)) {
				eagain++;
				continue;
			}
			if (ret < 0 || (ret = dv_dav1d_stash(dec, pic)) < 0)
				return ret;
			eagain = 0;
		}
		if (!dec->n_ready)
			return -EIO;
	}
	*pic = dec->ready[dec->ready_head];
	dec->ready_head = (dec->ready_head + 1) % DV_DAV1D_RING(dec->ready);
	dec->n_ready--;
	if ((uint64_t)pic->m.offset != unit->tag) {
		dv_err("dav1d: unit %llu got the picture of unit %lld",
		       (unsigned long long)unit->tag, (long long)pic->m.offset);
		dec->d->dav1d_picture_unref(pic);
		return -EIO;
	}
	return 0;
}

/*
 * The client showed the hidden key frame in @slot with show_existing_frame
 * since the last request (no request of its own): do it here too, so that
 * libdav1d refreshes every slot with it as the client's DPB did (7.21);
 * its picture is dropped when it comes.
 */
static int dv_dav1d_show_existing_key(struct dv_decoder *dec,
				      const struct dv_dav1d_ctrls *c,
				      unsigned int slot)
{
	uint8_t *tu = malloc(128);
	size_t used, n;
	int ret;

	if (!tu)
		return -ENOMEM;
	ret = dv_av1_write_sequence_header(&c->seq, tu, 128, &used);
	if (!ret)
		ret = dv_av1_write_show_existing_frame(slot, tu + used,
						       128 - used, &n);
	if (ret) {
		free(tu);
		return ret;
	}
	used += n;
	ret = dv_dav1d_send(dec, tu, used, 1);
	if (ret < 0) {
		dv_err("dav1d: request %llu: showing the key frame of slot %u failed (%d)",
		       (unsigned long long)dec->seq, slot, ret);
		return -EIO;
	}
	dv_av1_refs_show_existing(&dec->refs, slot, c->frame.reference_frame_ts[0]);
	dv_dbg("dav1d: request %llu: the key frame of slot %u was shown by show_existing_frame: every slot refreshed with it",
	       (unsigned long long)dec->seq, slot);
	return 0;
}

/*
 * The deferred frame, decoded again now that @next's references say
 * whether the client kept it: into the decoder slot of a frame the client
 * no longer names, as a unit of our own (its picture dropped).
 */
static int dv_dav1d_store_deferred(struct dv_decoder *dec,
				   const struct v4l2_ctrl_av1_frame *next)
{
	struct dv_dav1d_deferred *df = &dec->deferred;
	const struct v4l2_ctrl_av1_film_grain *grain = df->has_grain ? &df->grain : NULL;
	size_t tg_size = df->tile_group.size, used, n, cap;
	uint8_t *out;
	int ret, slot;

	df->active = 0;
	slot = dv_av1_refs_deferred_slot(&dec->refs, df->ts, next);
	if (slot < 0)
		return 0;
	df->frame.refresh_frame_flags = (uint8_t)(1u << slot);
	cap = 2 * DV_DAV1D_HDR_MAX + tg_size;
	out = malloc(cap);
	if (!out)
		return -ENOMEM;
	ret = dv_av1_write_sequence_header(&df->seq, out, cap, &used);
	if (!ret)
		ret = dv_av1_write_frame_header(&df->seq, &df->frame, grain,
						&dec->refs, out + used,
						cap - used, &n);
	if (ret) {
		free(out);
		return ret;
	}
	used += n;
	memcpy(out + used, df->tile_group.data, tg_size);
	used += tg_size;
	ret = dv_dav1d_send(dec, out, used, 1);
	if (ret < 0) {
		dv_err("dav1d: storing the frame of request %llu in slot %d failed (%d)",
		       (unsigned long long)dec->seq, slot, ret);
		return -EIO;
	}
	dv_av1_refs_update_ts(&dec->refs, &df->frame, df->ts);
	return 0;
}

static int dv_dav1d_submit(struct dv_decoder *dec, const struct dv_decode_job *job)
{
	struct dv_dav1d_ctrls c;
	uint8_t *tu;
	size_t size, tg_offset;
	int ret, slot, defer;

	if (job->fmt->codec != DV_CODEC_ID_AV1)
		return -EINVAL;
	ret = dv_dav1d_read_ctrls(dec, job, &c);
	if (ret)
		return ret;
	if (dec->deferred.active && dv_dav1d_store_deferred(dec, &c.frame))
		goto fail;
	slot = dv_av1_refs_missed_show_existing(&dec->refs, &c.frame);
	if (slot >= 0 && dv_dav1d_show_existing_key(dec, &c, (unsigned int)slot))
		goto fail;
	c.client = c.frame;
	defer = dv_av1_refs_map(&dec->refs, &c.client, &c.frame,
				c.grainp ? &c.grain : NULL) == DV_AV1_MAP_DEFER;
	ret = dv_dav1d_build(dec, job, &c, &tu, &size, &tg_offset);
	if (ret)
		return ret;
	if (defer) {
		struct dv_dav1d_deferred *df = &dec->deferred;

		dv_bytebuf_clear(&df->tile_group);
		if (dv_bytebuf_append(&df->tile_group, tu + tg_offset, size - tg_offset)) {
			free(tu);
			return -ENOMEM;
		}
		df->ts = job->timestamp;
		df->seq = c.seq;
		df->frame = c.frame;
		df->has_grain = c.grainp != NULL;
		if (c.grainp)
			df->grain = c.grain;
	}
	ret = dv_dav1d_send(dec, tu, size, 0);
	if (ret < 0) {
		dv_err("dav1d: decoding request %llu failed (%d)",
		       (unsigned long long)dec->seq, ret);
		goto fail;
	}
	/* The next request's frame header refers to this one's slots. */
	dv_av1_refs_decoded(&dec->refs, &c.client, &c.frame, job->timestamp);
	dec->deferred.active = defer;
	dec->seq++;
	return 0;
fail:
	/* The decoder's reference state is unknown now: start afresh. */
	dv_dav1d_reset(dec);
	return -EIO;
}

static int dv_dav1d_collect(struct dv_decoder *dec, const struct dv_decode_job *job,
			    uint32_t *bytesused)
{
	struct dv_yuv420_picture yuv;
	struct dv_dav1d_unit unit;
	Dav1dPicture pic;
	int ret;

	/* Our own units first (their pictures dropped), then the request's. */
	for (;;) {
		ret = dv_dav1d_next_picture(dec, &pic, &unit);
		if (ret < 0 && !unit.failed) {
			dv_err("dav1d: unit %llu failed or produced no picture (%d)",
			       (unsigned long long)unit.tag, ret);
			/* Fails the units after it, the request's too. */
			dv_dav1d_reset(dec);
		}
		if (!unit.drop)
			break;
		if (!ret)
			dec->d->dav1d_picture_unref(&pic);
		/* One of ours left from before a reset is just gone. */
	}
	if (ret < 0)
		return -EIO;

	memset(&yuv, 0, sizeof(yuv));
	yuv.plane[0] = pic.data[0];
	yuv.plane[1] = pic.data[1];
	yuv.plane[2] = pic.data[2];
	yuv.linesize[0] = pic.stride[0];
	yuv.linesize[1] = pic.stride[1];
	yuv.linesize[2] = pic.stride[1];
	yuv.width = (uint32_t)pic.p.w;
	yuv.height = (uint32_t)pic.p.h;
	yuv.bit_depth = (uint32_t)pic.p.bpc;
	if (pic.p.layout != DAV1D_PIXEL_LAYOUT_I420) {
		dv_err("dav1d: picture layout %d is not 4:2:0", pic.p.layout);
		ret = -EINVAL;
	} else {
		ret = dv_pixel_out_write(&yuv, job->fmt, job->capture,
					 job->capture_size, bytesused);
	}
	dec->d->dav1d_picture_unref(&pic);
	return ret;
}

static int dv_dav1d_decode(struct dv_decoder *dec,
			   const struct dv_decode_job *job, uint32_t *bytesused)
{
	int ret = dv_dav1d_submit(dec, job);

	return ret ? ret : dv_dav1d_collect(dec, job, bytesused);
}

static unsigned int dv_dav1d_max_in_flight(const struct dv_decoder *dec)
{
	return dec->max_in_flight;
}

static int dv_dav1d_threads(const struct dv_decoder *dec)
{
	return dec->threads;
}

const struct dv_backend dv_backend_dav1d = {
	.name = "libdav1d",
	.load = dv_dav1d_backend_load,
	.supports = dv_dav1d_supports,
	.create = dv_dav1d_create,
	.decode = dv_dav1d_decode,
	.reset = dv_dav1d_reset,
	.destroy = dv_dav1d_destroy,
	.threads = dv_dav1d_threads,
	.submit = dv_dav1d_submit,
	.collect = dv_dav1d_collect,
	.max_in_flight = dv_dav1d_max_in_flight,
};
