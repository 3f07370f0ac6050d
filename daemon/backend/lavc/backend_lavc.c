// SPDX-License-Identifier: BSD-2-Clause
/*
 * The libavcodec backend.
 *
 * Pictures are completed in decode order by owning the frame buffers: while
 * avcodec_send_packet() consumes the packet of request N, libavcodec gets
 * the picture of that access unit from our get_buffer2(). The last buffer
 * allocated during the call (concealment pictures for a frame_num gap come
 * first) is request N's picture, whatever order avcodec_receive_frame()
 * later returns frames in. With slice threading (never frame threading,
 * which returns before the picture is decoded) the picture is complete when
 * send_packet returns, so it is written to CAPTURE at once; the frames that
 * receive_frame hands out are only released.
 *
 * A codec is an entry of dv_lavc_codecs: the libavcodec decoder to open and
 * how a request becomes a packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixfmt.h>
#include <linux/v4l2-controls.h>

#include "backend/backend.h"
#include "util/bytebuf.h"
#include "rebuild/ctrl_records.h"
#include "rebuild/h264/h264_access_unit.h"
#include "rebuild/mpeg2/mpeg2_rebuild.h"
#include "rebuild/hevc/hevc_access_unit.h"
#include "backend/lavc/lavc_loader.h"
#include "util/log.h"
#include "output/pixel_out.h"
#include "rebuild/vp9/vp9_header.h"
#include "rebuild/vp9/vp9_slots.h"
#include "rebuild/vp8/vp8_frame.h"
#include "rebuild/vp8/vp8_refs.h"

/* Picture memory alignment and line alignment: enough for any SIMD
 * libavcodec uses (its STRIDE_ALIGN is at most 64). */
#define DV_LAVC_ALIGN		64
/* Slack after the last plane: libavcodec's own pool keeps some too. */
#define DV_LAVC_TAIL		256

struct dv_decoder;
struct dv_lavc_picture;

struct dv_lavc_codec {
	uint32_t codec;			/* DV_CODEC_ID_* */
	const char *decoder;		/* libavcodec decoder name */
	/*
	 * Builds @job's packet into dec->packet. *@may_continue tells that
	 * the request may complete the picture of the previous one (the
	 * second field of a field pair) rather than allocate its own.
	 */
	int (*build_packet)(struct dv_decoder *dec,
			    const struct dv_decode_job *job, int *may_continue);
	/* Forgets the codec's stream state (reset, or after an error). */
	void (*forget)(struct dv_decoder *dec);
	/*
	 * Optional, after the packet was consumed: turns *@pic, the picture
	 * allocated for it (NULL if none), into the request's picture.
	 * Returns 0 or a negative errno.
	 */
	int (*picture)(struct dv_decoder *dec, struct dv_lavc_picture **pic);
};

/*
 * A picture buffer we gave libavcodec, from the decoder's pool: this
 * header at the start of the pool buffer, the planes after it. It goes
 * back to the pool with its last reference.
 */
struct dv_lavc_picture {
	uint64_t seq;			/* packet it was allocated for */
	struct dv_yuv420_picture yuv;
};

struct dv_decoder {
	const struct dv_lavc *lavc;
	const struct dv_lavc_codec *codec;
	AVCodecContext *avctx;
	AVPacket *pkt;
	AVFrame *frame;
	struct dv_bytebuf packet;
	uint64_t packet_seq;		/* packets sent so far */
	/*
	 * Picture buffers of pool_size bytes, zeroed once when made: a
	 * broken stream never shows what this process's heap held before
	 * (another client's pictures), only this decoder's own earlier ones.
	 * A new size makes a new pool; the old one goes with its last buffer.
	 */
	AVBufferPool *pool;
	size_t pool_size;
	/* The last picture allocated, and our reference keeping it alive. */
	AVBufferRef *last_ref;
	struct dv_lavc_picture *last_pic;
	/* The first picture the current packet allocated (HEVC: its own;
	 * what follows are stand-ins for missing references). */
	AVBufferRef *first_ref;
	struct dv_lavc_picture *first_pic;
	unsigned int allocs;		/* pictures allocated by this packet */
	int threads;			/* taken from the budget (threads.c) */
	union {
		struct dv_h264_au_state h264;
		struct {
			struct dv_vp9_header hdr;	/* of the current job */
			struct dv_vp9_slots slots;	/* dv_lavc_held items */
		} vp9;
		struct {
			struct dv_vp8_header hdr;	/* of the current job */
			uint64_t ts;			/* its timestamp */
			struct dv_vp8_refs refs;
			int warned;		/* of references, this stream */
		} vp8;
		struct dv_mpeg2_state mpeg2;
		struct {
			struct dv_hevc_au_state au;
			struct dv_hevc_au_info info;	/* of the current job */
			/* a mid-grey picture for skipped RASL requests */
			struct dv_lavc_picture grey;
			uint8_t *grey_mem;	/* its planes */
		} hevc;
	} state;
};

/* A reference of ours to a picture, as VP9's reference slots hold them. */
struct dv_lavc_held {
	AVBufferRef *buf;
	struct dv_lavc_picture *pic;
};

void (*dv_lavc_packet_tap)(const uint8_t *data, size_t size);

static int dv_lavc_h264_packet(struct dv_decoder *dec,
			       const struct dv_decode_job *job,
			       int *may_continue)
{
	struct dv_h264_au_info info;
	int ret;

	ret = dv_h264_au_build(&dec->state.h264, job->ctrls, job->ctrls_size,
			       job->bitstream, job->bitstream_size,
			       &dec->packet, &info);
	*may_continue = info.field_pic;
	return ret;
}

static void dv_lavc_h264_forget(struct dv_decoder *dec)
{
	dv_h264_au_forget(&dec->state.h264);
}

/*
 * VP9: the OUTPUT buffer is one whole frame, which is the packet. Hidden
 * frames are decoded into a picture of their own like any other;
 * show_existing_frame allocates nothing: its picture is the one in the
 * reference slot it names, which only we can tell (vp9_slots.c).
 */
static void *dv_lavc_held_ref(void *opaque, void *item)
{
	struct dv_decoder *dec = opaque;
	struct dv_lavc_held *from = item, *held = malloc(sizeof(*held));

	if (!held)
		return NULL;
	held->buf = dec->lavc->av_buffer_ref(from->buf);
	held->pic = from->pic;
	if (!held->buf) {
		free(held);
		return NULL;
	}
	return held;
}

static void dv_lavc_held_unref(void *opaque, void *item)
{
	struct dv_decoder *dec = opaque;
	struct dv_lavc_held *held = item;

	dec->lavc->av_buffer_unref(&held->buf);
	free(held);
}

static void dv_lavc_vp9_forget(struct dv_decoder *dec)
{
	const struct dv_vp9_slot_ops ops = {
		dv_lavc_held_ref, dv_lavc_held_unref, dec,
	};

	dv_vp9_slots_clear(&dec->state.vp9.slots, &ops);
}

static int dv_lavc_vp9_packet(struct dv_decoder *dec,
			      const struct dv_decode_job *job,
			      int *may_continue)
{
	struct dv_vp9_header *hdr = &dec->state.vp9.hdr;
	struct v4l2_ctrl_vp9_frame frame;
	int ret;

	*may_continue = 0;
	ret = dv_vp9_header_parse(job->bitstream, job->bitstream_size, hdr);
	if (ret) {
		dv_err("vp9: the OUTPUT buffer does not start with a VP9 frame header");
		return ret;
	}
	/* The frame control is informative here: libavcodec reads the
	 * bitstream. Say so when the two disagree. */
	if (!dv_ctrl_records_get(job->ctrls, job->ctrls_size,
				 V4L2_CID_STATELESS_VP9_FRAME, &frame,
				 sizeof(frame)) &&
	    !hdr->show_existing_frame &&
	    (frame.profile != hdr->profile ||
	     !(frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME) != !hdr->key_frame ||
	     !(frame.flags & V4L2_VP9_FRAME_FLAG_SHOW_FRAME) != !hdr->show_frame))
		dv_dbg("vp9: the frame control disagrees with the bitstream (profile %u/%u, flags %#x)",
		       frame.profile, hdr->profile, frame.flags);
	dv_bytebuf_clear(&dec->packet);
	return dv_bytebuf_append(&dec->packet, job->bitstream,
				 job->bitstream_size);
}

static int dv_lavc_vp9_picture(struct dv_decoder *dec,
			       struct dv_lavc_picture **pic)
{
	const struct dv_vp9_header *hdr = &dec->state.vp9.hdr;
	const struct dv_vp9_slot_ops ops = {
		dv_lavc_held_ref, dv_lavc_held_unref, dec,
	};
	struct dv_lavc_held *shown, now;

	if (hdr->show_existing_frame) {
		shown = dv_vp9_slots_get(&dec->state.vp9.slots,
					 hdr->frame_to_show_map_idx);
		if (*pic || !shown) {
			dv_err("vp9: show_existing_frame of slot %u: %s",
			       hdr->frame_to_show_map_idx,
			       *pic ? "the decoder allocated a picture" :
				      "the slot is empty");
			return -EIO;
		}
		*pic = shown->pic;
		return 0;
	}
	if (!*pic)
		return -EIO;
	now.buf = dec->last_ref;
	now.pic = *pic;
	return dv_vp9_slots_refresh(&dec->state.vp9.slots,
				    hdr->refresh_frame_flags, &now, &ops);
}

/*
 * VP8: the OUTPUT buffer is the whole frame (vp8_frame.h), decoded as it
 * is or with its tag written from the control. Every frame, hidden
 * alt-ref frames too, is decoded into a picture of its own. The reference
 * slots follow the headers so that the references the client names can
 * be checked against those libavcodec predicts from (vp8_refs.h).
 */
static void dv_lavc_vp8_forget(struct dv_decoder *dec)
{
	dv_vp8_refs_init(&dec->state.vp8.refs);
	dec->state.vp8.warned = 0;
}

static int dv_lavc_vp8_packet(struct dv_decoder *dec,
			      const struct dv_decode_job *job,
			      int *may_continue)
{
	struct dv_vp8_header *hdr = &dec->state.vp8.hdr;
	struct v4l2_ctrl_vp8_frame frame;
	const struct v4l2_ctrl_vp8_frame *control = &frame;
	unsigned int disagree, wrong, i;
	int rebuilt, ret;

	*may_continue = 0;
	if (dv_ctrl_records_get(job->ctrls, job->ctrls_size,
				V4L2_CID_STATELESS_VP8_FRAME, &frame,
				sizeof(frame)))
		control = NULL;
	ret = dv_vp8_frame_build(control, job->bitstream, job->bitstream_size,
				 &dec->packet, hdr, &rebuilt, &disagree);
	if (ret) {
		dv_err("vp8: the %zu-byte OUTPUT buffer is neither a VP8 frame nor one without its frame tag%s",
		       job->bitstream_size,
		       control ? " as the frame control describes it" : "");
		return ret;
	}
	if (rebuilt)
		dv_dbg("vp8: the OUTPUT buffer has no frame tag: written from the frame control");
	/* The frame control is informative here: libavcodec reads the
	 * bitstream. Say so when the two disagree. */
	if (disagree)
		dv_dbg("vp8: the frame control disagrees with the bitstream (fields %#x, see vp8_frame.h)",
		       disagree);
	dec->state.vp8.ts = job->timestamp;
	if (!control)
		return 0;
	wrong = dv_vp8_refs_check(&dec->state.vp8.refs, hdr, control);
	/* A warning once a stream: the client may do it on every frame. */
	for (i = 0; i < DV_VP8_NUM_REFS; i++)
		if (wrong & (1u << i))
			dv_log(dec->state.vp8.warned++ ? DV_LOG_DEBUG : DV_LOG_WARN,
			       "vp8: the request at %llu ns names a %s reference the decoder does not hold (%s): predicted from the decoder's",
			       (unsigned long long)job->timestamp,
			       dv_vp8_ref_name((enum dv_vp8_ref)i),
			       dec->state.vp8.refs.filled ?
			       "another timestamp" : "no key frame yet");
	return 0;
}

static int dv_lavc_vp8_picture(struct dv_decoder *dec,
			       struct dv_lavc_picture **pic)
{
	if (!*pic)
		return -EIO;
	dv_vp8_refs_update(&dec->state.vp8.refs, &dec->state.vp8.hdr,
			   dec->state.vp8.ts);
	return 0;
}

/*
 * MPEG-2: the headers rebuilt from the controls before the request's
 * slices. A frame picture allocates its own picture; the second field of
 * a field pair completes the previous request's.
 */
static int dv_lavc_mpeg2_packet(struct dv_decoder *dec,
				const struct dv_decode_job *job,
				int *may_continue)
{
	struct dv_mpeg2_info info;
	int ret;

	ret = dv_mpeg2_build(&dec->state.mpeg2, job->ctrls, job->ctrls_size,
			     job->bitstream, job->bitstream_size,
			     job->timestamp, &dec->packet, &info);
	*may_continue = info.second_field;
	if (!ret && !info.refs_match)
		dv_dbg("mpeg2: the request's references are not the pictures the decoder holds (%s picture)",
		       info.coding_type == V4L2_MPEG2_PIC_CODING_TYPE_B ? "B" : "P");
	return ret;
}

static void dv_lavc_mpeg2_forget(struct dv_decoder *dec)
{
	dv_mpeg2_forget(&dec->state.mpeg2);
}

/*
 * HEVC: the access unit is rebuilt (rebuild/hevc/). libavcodec allocates
 * the current picture first (ff_hevc_set_new_ref), then any stand-in for a
 * reference it lacks: the packet's first allocation is its picture. A RASL
 * picture libavcodec skips (it follows a CRA that starts decoding, and the
 * client sent it all the same) allocates nothing; its request still gets a
 * CAPTURE buffer, mid-grey, as libavcodec fills a missing reference.
 */
static int dv_lavc_hevc_packet(struct dv_decoder *dec,
			       const struct dv_decode_job *job,
			       int *may_continue)
{
	*may_continue = 0;
	return dv_hevc_au_build(&dec->state.hevc.au, job->ctrls, job->ctrls_size,
				job->bitstream, job->bitstream_size,
				&dec->packet, &dec->state.hevc.info);
}

static void dv_lavc_hevc_forget(struct dv_decoder *dec)
{
	dv_hevc_au_forget(&dec->state.hevc.au);
	free(dec->state.hevc.grey_mem);
	dec->state.hevc.grey_mem = NULL;
	memset(&dec->state.hevc.grey, 0, sizeof(dec->state.hevc.grey));
}

static int dv_lavc_hevc_grey(struct dv_decoder *dec, struct dv_lavc_picture **pic)
{
	const struct dv_hevc_au_info *info = &dec->state.hevc.info;
	struct dv_lavc_picture *grey = &dec->state.hevc.grey;
	const size_t bps = info->bit_depth > 8 ? 2 : 1;
	const size_t luma = (size_t)info->width * info->height;
	const size_t chroma = (size_t)((info->width + 1) / 2) * ((info->height + 1) / 2);
	size_t i;

	if (!dec->state.hevc.grey_mem || grey->yuv.width != info->width ||
	    grey->yuv.height != info->height ||
	    grey->yuv.bit_depth != info->bit_depth) {
		uint8_t *mem = malloc((luma + 2 * chroma) * bps);

		if (!mem)
			return -ENOMEM;
		free(dec->state.hevc.grey_mem);
		dec->state.hevc.grey_mem = mem;
		for (i = 0; i < luma + 2 * chroma; i++) {
			if (bps == 1) {
				mem[i] = 128;
			} else {
				uint16_t v = 512;

				memcpy(mem + 2 * i, &v, sizeof(v));
			}
		}
		grey->yuv.plane[0] = mem;
		grey->yuv.plane[1] = mem + luma * bps;
		grey->yuv.plane[2] = mem + (luma + chroma) * bps;
		grey->yuv.linesize[0] = (ptrdiff_t)(info->width * bps);
		grey->yuv.linesize[1] = (ptrdiff_t)((info->width + 1) / 2 * bps);
		grey->yuv.linesize[2] = grey->yuv.linesize[1];
		grey->yuv.width = info->width;
		grey->yuv.height = info->height;
		grey->yuv.bit_depth = info->bit_depth;
	}
	*pic = grey;
	return 0;
}

static int dv_lavc_hevc_picture(struct dv_decoder *dec,
				struct dv_lavc_picture **pic)
{
	if (dec->first_pic && dec->first_pic->seq == dec->packet_seq) {
		if (dec->allocs > 1)
			dv_dbg("lavc: HEVC packet %llu allocated %u pictures (stand-ins for missing references); the first is its own",
			       (unsigned long long)dec->packet_seq, dec->allocs);
		*pic = dec->first_pic;
		return 0;
	}
	if (dec->state.hevc.info.rasl) {
		dv_dbg("lavc: HEVC packet %llu is a RASL picture the decoder skips",
		       (unsigned long long)dec->packet_seq);
		return dv_lavc_hevc_grey(dec, pic);
	}
	return -EIO;
}

static const struct dv_lavc_codec dv_lavc_codecs[] = {
	{ DV_CODEC_ID_H264, "h264", dv_lavc_h264_packet, dv_lavc_h264_forget,
	  NULL },
	{ DV_CODEC_ID_VP9, "vp9", dv_lavc_vp9_packet, dv_lavc_vp9_forget,
	  dv_lavc_vp9_picture },
	{ DV_CODEC_ID_VP8, "vp8", dv_lavc_vp8_packet, dv_lavc_vp8_forget,
	  dv_lavc_vp8_picture },
	{ DV_CODEC_ID_MPEG2, "mpeg2video", dv_lavc_mpeg2_packet,
	  dv_lavc_mpeg2_forget, NULL },
	{ DV_CODEC_ID_HEVC, "hevc", dv_lavc_hevc_packet, dv_lavc_hevc_forget,
	  dv_lavc_hevc_picture },
};

static const struct dv_lavc_codec *dv_lavc_codec_find(uint32_t codec)
{
	size_t i;

	for (i = 0; i < sizeof(dv_lavc_codecs) / sizeof(dv_lavc_codecs[0]); i++)
		if (dv_lavc_codecs[i].codec == codec)
			return &dv_lavc_codecs[i];
	return NULL;
}

static size_t dv_align(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/* The header's room at the start of a pool buffer, planes aligned after it. */
#define DV_LAVC_HEADER dv_align(sizeof(struct dv_lavc_picture), DV_LAVC_ALIGN)

static void dv_lavc_pool_buffer_free(void *opaque, uint8_t *data)
{
	(void)opaque;
	free(data);
}

/* A new buffer of the pool: the only time its memory is cleared. */
static AVBufferRef *dv_lavc_pool_alloc(void *opaque, size_t size)
{
	const struct dv_lavc *lavc = opaque;
	AVBufferRef *ref;
	uint8_t *mem = aligned_alloc(DV_LAVC_ALIGN, size);

	if (!mem)
		return NULL;
	memset(mem, 0, size);
	/* Runs whenever the pool lets a buffer go, possibly after the
	 * decoder is gone: it must not touch the decoder. */
	ref = lavc->av_buffer_create(mem, size, dv_lavc_pool_buffer_free, NULL, 0);
	if (!ref)
		free(mem);
	return ref;
}

static int dv_lavc_get_buffer2(AVCodecContext *avctx, AVFrame *frame,
			       int flags)
{
	struct dv_decoder *dec = avctx->opaque;
	const struct dv_lavc *lavc = dec->lavc;
	int linesize_align[AV_NUM_DATA_POINTERS];
	int w = frame->width, h = frame->height;
	size_t luma_stride, chroma_stride, luma_size, chroma_size, total;
	struct dv_lavc_picture *pic;
	unsigned int bps;
	uint8_t *mem;
	int i;

	(void)flags;
	switch (frame->format) {
	case AV_PIX_FMT_YUV420P:
	case AV_PIX_FMT_YUVJ420P:
		bps = 1;
		break;
	case AV_PIX_FMT_YUV420P10:
		bps = 2;
		break;
	default:
		dv_err("lavc: the decoder wants pixel format %d; only 4:2:0 8/10-bit is supported",
		       frame->format);
		return AVERROR(EINVAL);
	}
	if (w <= 0 || h <= 0)
		return AVERROR(EINVAL);
	/* The decoder may write past the visible size (macroblock rows,
	 * edge emulation): give it the dimensions it asks for. */
	lavc->avcodec_align_dimensions2(avctx, &w, &h, linesize_align);
	for (i = 0; i < 3; i++)
		if (linesize_align[i] > DV_LAVC_ALIGN)
			return AVERROR(EINVAL);
	luma_stride = dv_align((size_t)w * bps, DV_LAVC_ALIGN);
	chroma_stride = dv_align((size_t)(w + 1) / 2 * bps, DV_LAVC_ALIGN);
	luma_size = luma_stride * (size_t)h;
	chroma_size = chroma_stride * (size_t)((h + 1) / 2);
	total = dv_align(luma_size + 2 * chroma_size + DV_LAVC_TAIL,
			 DV_LAVC_ALIGN);

	total += DV_LAVC_HEADER;
	if (total != dec->pool_size) {
		lavc->av_buffer_pool_uninit(&dec->pool);
		dec->pool = lavc->av_buffer_pool_init2(total, (void *)lavc,
						       dv_lavc_pool_alloc, NULL);
		dec->pool_size = dec->pool ? total : 0;
		if (!dec->pool)
			return AVERROR(ENOMEM);
	}
	frame->buf[0] = lavc->av_buffer_pool_get(dec->pool);
	if (!frame->buf[0])
		return AVERROR(ENOMEM);
	pic = (struct dv_lavc_picture *)frame->buf[0]->data;
	mem = frame->buf[0]->data + DV_LAVC_HEADER;
	pic->seq = dec->packet_seq;
	pic->yuv.plane[0] = mem;
	pic->yuv.plane[1] = mem + luma_size;
	pic->yuv.plane[2] = mem + luma_size + chroma_size;
	pic->yuv.linesize[0] = (ptrdiff_t)luma_stride;
	pic->yuv.linesize[1] = (ptrdiff_t)chroma_stride;
	pic->yuv.linesize[2] = (ptrdiff_t)chroma_stride;
	/* The picture's own size (the coded size: apply_cropping is off). */
	pic->yuv.width = (uint32_t)frame->width;
	pic->yuv.height = (uint32_t)frame->height;
	pic->yuv.bit_depth = bps == 1 ? 8 : 10;

	for (i = 0; i < 3; i++) {
		frame->data[i] = (uint8_t *)pic->yuv.plane[i];
		frame->linesize[i] = (int)pic->yuv.linesize[i];
	}
	frame->extended_data = frame->data;

	/* The newest allocation is the packet's picture: keep it alive. */
	lavc->av_buffer_unref(&dec->last_ref);
	dec->last_ref = lavc->av_buffer_ref(frame->buf[0]);
	dec->last_pic = dec->last_ref ? pic : NULL;
	if (!dec->allocs) {
		lavc->av_buffer_unref(&dec->first_ref);
		dec->first_ref = lavc->av_buffer_ref(frame->buf[0]);
		dec->first_pic = dec->first_ref ? pic : NULL;
	}
	dec->allocs++;
	return dec->last_ref ? 0 : AVERROR(ENOMEM);
}

static void dv_lavc_drop_last(struct dv_decoder *dec)
{
	dec->lavc->av_buffer_unref(&dec->last_ref);
	dec->last_pic = NULL;
	dec->lavc->av_buffer_unref(&dec->first_ref);
	dec->first_pic = NULL;
}

static int dv_lavc_backend_load(void)
{
	const struct dv_lavc *lavc;

	return dv_lavc_load(&lavc);
}

static int dv_lavc_supports(uint32_t codec)
{
	return dv_lavc_codec_find(codec) != NULL;
}

static void dv_lavc_destroy(struct dv_decoder *dec)
{
	const struct dv_lavc *lavc;

	if (!dec)
		return;
	lavc = dec->lavc;
	/* Frees every picture libavcodec holds; ours last. */
	lavc->avcodec_free_context(&dec->avctx);
	dv_lavc_drop_last(dec);
	if (dec->codec)
		dec->codec->forget(dec);
	/* Freed once the last picture is back (all are, by now). */
	lavc->av_buffer_pool_uninit(&dec->pool);
	lavc->av_frame_free(&dec->frame);
	lavc->av_packet_free(&dec->pkt);
	dv_bytebuf_free(&dec->packet);
	if (dec->threads)
		dv_threads_give(dec->threads);
	free(dec);
}

static struct dv_decoder *dv_lavc_create(uint32_t codec)
{
	const struct dv_lavc_codec *entry = dv_lavc_codec_find(codec);
	const AVCodec *avcodec;
	struct dv_decoder *dec;
	const struct dv_lavc *lavc;
	int ret;

	if (!entry || dv_lavc_load(&lavc))
		return NULL;
	avcodec = lavc->avcodec_find_decoder_by_name(entry->decoder);
	if (!avcodec) {
		dv_err("lavc: this libavcodec has no '%s' decoder", entry->decoder);
		return NULL;
	}
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return NULL;
	dec->lavc = lavc;
	dec->codec = entry;
	dv_bytebuf_init(&dec->packet, AV_INPUT_BUFFER_PADDING_SIZE);
	dec->avctx = lavc->avcodec_alloc_context3(avcodec);
	dec->pkt = lavc->av_packet_alloc();
	dec->frame = lavc->av_frame_alloc();
	if (!dec->avctx || !dec->pkt || !dec->frame)
		goto fail;
	dec->avctx->opaque = dec;
	dec->avctx->get_buffer2 = dv_lavc_get_buffer2;
	/* Slice threads finish the picture inside send_packet; frame threads
	 * would not. As many as the budget gives (a thread per CPU for a
	 * stream alone): 0 would be CPUs + 1 for every context. */
	dec->threads = dv_threads_take();
	dec->avctx->thread_type = FF_THREAD_SLICE;
	dec->avctx->thread_count = dec->threads;
	/* CAPTURE holds the full coded picture, like a hardware decoder's. */
	dec->avctx->apply_cropping = 0;
	ret = lavc->avcodec_open2(dec->avctx, avcodec, NULL);
	if (ret < 0) {
		dv_err("lavc: opening the '%s' decoder failed (%d)",
		       entry->decoder, ret);
		goto fail;
	}
	return dec;
fail:
	dv_lavc_destroy(dec);
	return NULL;
}

static void dv_lavc_reset(struct dv_decoder *dec)
{
	dec->lavc->avcodec_flush_buffers(dec->avctx);
	dv_lavc_drop_last(dec);
	dec->codec->forget(dec);
}

/* Releases whatever libavcodec outputs: pictures were written already. */
static void dv_lavc_drain(struct dv_decoder *dec)
{
	while (dec->lavc->avcodec_receive_frame(dec->avctx, dec->frame) >= 0)
		dec->lavc->av_frame_unref(dec->frame);
}

/*
 * The release of dec->packet's memory lent to libavcodec as a reference
 * counted packet (so that it keeps a reference instead of a copy): a
 * no-op while the decoder still owns the memory, free() once it handed
 * the memory over (*@owner_gone set).
 */
static void dv_lavc_packet_release(void *opaque, uint8_t *data)
{
	int *owner_gone = opaque;

	if (*owner_gone)
		free(data);
	free(owner_gone);
}

/* Sends dec->packet; returns avcodec_send_packet()'s result. */
static int dv_lavc_send(struct dv_decoder *dec)
{
	const struct dv_lavc *lavc = dec->lavc;
	int *owner_gone = calloc(1, sizeof(*owner_gone));
	AVBufferRef *buf = NULL;
	int ret;

	if (owner_gone)
		buf = lavc->av_buffer_create(dec->packet.data,
					     dec->packet.size + dec->packet.padding,
					     dv_lavc_packet_release, owner_gone, 0);
	if (!buf)
		free(owner_gone);
	dec->pkt->buf = buf;		/* NULL: libavcodec copies it */
	dec->pkt->data = dec->packet.data;
	dec->pkt->size = (int)dec->packet.size;
	ret = lavc->avcodec_send_packet(dec->avctx, dec->pkt);
	dec->pkt->buf = NULL;
	dec->pkt->data = NULL;
	dec->pkt->size = 0;
	dv_lavc_drain(dec);
	if (buf && lavc->av_buffer_get_ref_count(buf) > 1) {
		/* libavcodec keeps the packet (no decoder of ours does once
		 * its pictures are out, but the API allows it): the memory
		 * is its own now, the next packet gets new memory. */
		*owner_gone = 1;
		dv_bytebuf_init(&dec->packet, dec->packet.padding);
	}
	lavc->av_buffer_unref(&buf);
	return ret;
}

static int dv_lavc_decode(struct dv_decoder *dec,
			  const struct dv_decode_job *job, uint32_t *bytesused)
{
	const uint64_t prev_seq = dec->packet_seq;
	struct dv_lavc_picture *pic;
	int may_continue = 0;
	int ret;

	if (job->fmt->codec != dec->codec->codec) {
		dv_err("lavc: a codec %u job for a codec %u decoder",
		       job->fmt->codec, dec->codec->codec);
		return -EINVAL;
	}
	ret = dec->codec->build_packet(dec, job, &may_continue);
	if (ret)
		return ret;

	if (dec->packet.size > INT32_MAX)
		return -EINVAL;
	dec->packet_seq++;
	dec->allocs = 0;
	if (dv_lavc_packet_tap)
		dv_lavc_packet_tap(dec->packet.data, dec->packet.size);
	ret = dv_lavc_send(dec);
	if (ret < 0) {
		dv_err("lavc: decoding a %zu-byte packet failed (%d)",
		       dec->packet.size, ret);
		/* Maybe the parameter sets were refused: send them again. */
		dec->codec->forget(dec);
		return -EIO;
	}

	pic = dec->last_pic;
	if (dec->codec->picture) {
		if (pic && pic->seq != dec->packet_seq)
			pic = NULL;
		ret = dec->codec->picture(dec, &pic);
		if (ret) {
			dv_err("lavc: packet %llu produced no picture",
			       (unsigned long long)dec->packet_seq);
			return ret;
		}
	} else if (pic && pic->seq == dec->packet_seq) {
		if (dec->allocs > 1)
			dv_dbg("lavc: packet %llu allocated %u pictures (frame_num gap concealment); the last is its own",
			       (unsigned long long)dec->packet_seq, dec->allocs);
	} else if (pic && may_continue && pic->seq == prev_seq) {
		/* The second field of the previous request's picture: the
		 * decoder wrote it into that picture's buffer. */
		dv_dbg("lavc: packet %llu completes the picture of the previous one",
		       (unsigned long long)dec->packet_seq);
		pic->seq = dec->packet_seq;
	} else {
		dv_err("lavc: packet %llu produced no picture",
		       (unsigned long long)dec->packet_seq);
		return -EIO;
	}
	return dv_pixel_out_write(&pic->yuv, job->fmt, job->capture,
				  job->capture_size, bytesused);
}

/* The slice threads avcodec_open2() runs (what it made of thread_count). */
static int dv_lavc_threads(const struct dv_decoder *dec)
{
	return dec->avctx->thread_count;
}

const struct dv_backend dv_backend_lavc = {
	.name = "libavcodec",
	.load = dv_lavc_backend_load,
	.supports = dv_lavc_supports,
	.create = dv_lavc_create,
	.decode = dv_lavc_decode,
	.reset = dv_lavc_reset,
	.destroy = dv_lavc_destroy,
	.threads = dv_lavc_threads,
};
