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
 * request tells is decoded again then (dv_dav1d_store_deferred).
 *
 * Settings for a stateless decoder: max_frame_delay = 1 (the picture is
 * decoded before dav1d_get_picture() returns), output_invisible_frames = 1
 * (a hidden frame's request also gets its picture), film grain applied
 * (the uAPI passes the film grain parameters to be applied by the decoder,
 * and FFmpeg's libdav1d wrapper, which makes the corpus references,
 * applies them too).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "rebuild/av1/av1_rebuild.h"
#include "backend/backend.h"
#include "util/bytebuf.h"
#include "rebuild/ctrl_records.h"
#include "backend/dav1d/dav1d_loader.h"
#include "util/log.h"
#include "output/pixel_out.h"

/* Threads per decoder: contexts run in parallel, keep each one modest. */
#define DV_DAV1D_THREADS	2
#define DV_DAV1D_HDR_MAX	4096

/* A frame decoded without being stored (DV_AV1_MAP_DEFER), to be decoded
 * again into the decoder slot the next request's references say. */
struct dv_dav1d_deferred {
	int active;
	uint64_t ts;
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_frame frame;	/* in decoder slots */
	struct v4l2_ctrl_av1_film_grain grain;
	int has_grain;
	struct dv_bytebuf tu;	/* headers written again, then the tile group */
};

struct dv_decoder {
	const struct dv_dav1d *d;
	Dav1dContext *c;
	struct dv_av1_refs refs;
	struct dv_bytebuf tu;
	size_t tile_group_offset;	/* in tu */
	struct dv_dav1d_deferred deferred;
	uint64_t seq;		/* requests decoded */
	struct v4l2_ctrl_av1_tile_group_entry entries[V4L2_AV1_MAX_TILE_COUNT];
};

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

static void dv_dav1d_destroy(struct dv_decoder *dec)
{
	if (!dec)
		return;
	if (dec->c)
		dec->d->dav1d_close(&dec->c);
	dv_bytebuf_free(&dec->tu);
	dv_bytebuf_free(&dec->deferred.tu);
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
	dv_bytebuf_init(&dec->tu, 0);
	dv_bytebuf_init(&dec->deferred.tu, 0);
	dv_av1_refs_reset(&dec->refs);
	d->dav1d_default_settings(&s);
	s.n_threads = DV_DAV1D_THREADS;
	s.max_frame_delay = 1;
	s.output_invisible_frames = 1;
	s.apply_grain = 1;
	s.all_layers = 0;
	ret = d->dav1d_open(&dec->c, &s);
	if (ret < 0) {
		dv_err("dav1d: dav1d_open failed (%d)", ret);
		dec->c = NULL;
		dv_dav1d_destroy(dec);
		return NULL;
	}
	return dec;
}

static void dv_dav1d_reset(struct dv_decoder *dec)
{
	dec->d->dav1d_flush(dec->c);
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

/* Builds the request's temporal unit into dec->tu. */
static int dv_dav1d_build(struct dv_decoder *dec,
			  const struct dv_decode_job *job,
			  const struct dv_dav1d_ctrls *c)
{
	size_t tiles = 0, used, n, i;
	uint8_t *out;
	int ret;

	for (i = 0; i < c->n_entries; i++)
		tiles += dec->entries[i].tile_size;

	dv_bytebuf_clear(&dec->tu);
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
	dec->tile_group_offset = used;
	ret = dv_av1_write_tile_group(&c->frame, dec->entries, c->n_entries,
				      job->bitstream, job->bitstream_size,
				      out + used, n - used, &i);
	if (ret) {
		dv_err("dav1d: the tile group entries do not describe the frame's tiles in the buffer (%d)", ret);
		goto out;
	}
	used += i;
	ret = dv_bytebuf_append(&dec->tu, out, used);
out:
	free(out);
	return ret;
}

/*
 * Feeds libdav1d one temporal unit and takes the picture it makes. Returns
 * 0 with *@pic (to unref), or libdav1d's error.
 */
static int dv_dav1d_run(struct dv_decoder *dec, const uint8_t *tu, size_t size,
			Dav1dPicture *pic)
{
	const struct dv_dav1d *d = dec->d;
	Dav1dData data;
	uint8_t *buf;
	int ret = 0, have_pic = 0;

	if (dv_dav1d_tu_tap)
		dv_dav1d_tu_tap(tu, size);
	memset(&data, 0, sizeof(data));
	memset(pic, 0, sizeof(*pic));
	buf = d->dav1d_data_create(&data, size);
	if (!buf)
		return DAV1D_ERR(ENOMEM);
	memcpy(buf, tu, size);
	while (data.sz) {
		ret = d->dav1d_send_data(dec->c, &data);
		if (ret == DAV1D_ERR(EAGAIN)) {
			/* Only if a picture is waiting to be taken. */
			if (have_pic)
				break;
			ret = d->dav1d_get_picture(dec->c, pic);
			if (ret < 0)
				break;
			have_pic = 1;
			continue;
		}
		if (ret < 0)
			break;
	}
	if (data.sz)
		d->dav1d_data_unref(&data);
	if (ret < 0 && ret != DAV1D_ERR(EAGAIN)) {
		if (have_pic)
			d->dav1d_picture_unref(pic);
		return ret;
	}
	if (!have_pic)
		return d->dav1d_get_picture(dec->c, pic);
	return 0;
}

/*
 * The client showed the hidden key frame in @slot with show_existing_frame
 * since the last request (no request of its own): do it here too, so that
 * libdav1d refreshes every slot with it as the client's DPB did (7.21),
 * and drop the picture.
 */
static int dv_dav1d_show_existing_key(struct dv_decoder *dec,
				      const struct dv_dav1d_ctrls *c,
				      unsigned int slot)
{
	uint8_t tu[128];
	size_t used, n;
	Dav1dPicture pic;
	int ret;

	ret = dv_av1_write_sequence_header(&c->seq, tu, sizeof(tu), &used);
	if (!ret)
		ret = dv_av1_write_show_existing_frame(slot, tu + used,
						       sizeof(tu) - used, &n);
	if (ret)
		return ret;
	used += n;
	ret = dv_dav1d_run(dec, tu, used, &pic);
	if (ret < 0) {
		dv_err("dav1d: request %llu: showing the key frame of slot %u failed (%d)",
		       (unsigned long long)dec->seq, slot, ret);
		return -EIO;
	}
	dec->d->dav1d_picture_unref(&pic);
	dv_av1_refs_show_existing(&dec->refs, slot, c->frame.reference_frame_ts[0]);
	dv_dbg("dav1d: request %llu: the key frame of slot %u was shown by show_existing_frame: every slot refreshed with it",
	       (unsigned long long)dec->seq, slot);
	return 0;
}

/*
 * The deferred frame, decoded again now that @next's references say
 * whether the client kept it: into the decoder slot of a frame the client
 * no longer names, and its picture dropped.
 */
static int dv_dav1d_store_deferred(struct dv_decoder *dec,
				   const struct v4l2_ctrl_av1_frame *next)
{
	struct dv_dav1d_deferred *df = &dec->deferred;
	const struct v4l2_ctrl_av1_film_grain *grain = df->has_grain ? &df->grain : NULL;
	size_t tg_size = df->tu.size, used, n, cap;
	Dav1dPicture pic;
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
	if (!ret) {
		used += n;
		memcpy(out + used, df->tu.data, tg_size);
		used += tg_size;
		ret = dv_dav1d_run(dec, out, used, &pic);
		if (ret >= 0) {
			dec->d->dav1d_picture_unref(&pic);
			dv_av1_refs_update_ts(&dec->refs, &df->frame, df->ts);
		} else {
			dv_err("dav1d: storing the frame of request %llu in slot %d failed (%d)",
			       (unsigned long long)dec->seq, slot, ret);
		}
	}
	free(out);
	return ret < 0 ? -EIO : 0;
}

static int dv_dav1d_decode(struct dv_decoder *dec,
			   const struct dv_decode_job *job, uint32_t *bytesused)
{
	const struct dv_dav1d *d = dec->d;
	struct dv_dav1d_ctrls c;
	struct dv_yuv420_picture yuv;
	Dav1dPicture pic;
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
	ret = dv_dav1d_build(dec, job, &c);
	if (ret)
		return ret;
	if (defer) {
		struct dv_dav1d_deferred *df = &dec->deferred;

		dv_bytebuf_clear(&df->tu);
		if (dv_bytebuf_append(&df->tu, dec->tu.data + dec->tile_group_offset,
				      dec->tu.size - dec->tile_group_offset))
			return -ENOMEM;
		df->ts = job->timestamp;
		df->seq = c.seq;
		df->frame = c.frame;
		df->has_grain = c.grainp != NULL;
		if (c.grainp)
			df->grain = c.grain;
	}

	ret = dv_dav1d_run(dec, dec->tu.data, dec->tu.size, &pic);
	if (ret < 0) {
		dv_err("dav1d: decoding request %llu failed or produced no picture (%d)",
		       (unsigned long long)dec->seq, ret);
		goto fail;
	}
	dv_av1_refs_decoded(&dec->refs, &c.client, &c.frame, job->timestamp);
	dec->deferred.active = defer;
	dec->seq++;

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
	d->dav1d_picture_unref(&pic);
	/* Exactly one picture a request: a second one means we are off. */
	if (!ret && d->dav1d_get_picture(dec->c, &pic) == 0) {
		dv_err("dav1d: request %llu produced more than one picture",
		       (unsigned long long)dec->seq);
		d->dav1d_picture_unref(&pic);
		ret = -EIO;
	}
	return ret;
fail:
	/* The decoder's reference state is unknown now: start afresh. */
	dv_dav1d_reset(dec);
	return -EIO;
}

static int dv_dav1d_threads(const struct dv_decoder *dec)
{
	(void)dec;
	return DV_DAV1D_THREADS;
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
};
