// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: formats, ioctls and the two vb2 queues.
 *
 * OUTPUT carries one coded picture per buffer (and per request); CAPTURE
 * gets its pixels. The CAPTURE format is never chosen freely: it follows the
 * OUTPUT format (size, colorimetry) and the stream's bit depth.
 */

#include <linux/slab.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-vmalloc.h>

#include "dv-compat.h"
#include "dv.h"

/*
 * Every codec the device decodes, in the order VIDIOC_ENUM_FMT lists their
 * OUTPUT formats; the first one is the default. NULL-terminated.
 */
const struct dv_codec *const dv_codecs[] = {
	&dv_h264_codec,
	&dv_vp9_codec,
	&dv_av1_codec,
	&dv_vp8_codec,
	&dv_mpeg2_codec,
	&dv_hevc_codec,
	NULL
};

const struct dv_codec *dv_find_codec(u32 fourcc)
{
	unsigned int i;

	for (i = 0; dv_codecs[i]; i++)
		if (dv_codecs[i]->fourcc == fourcc)
			return dv_codecs[i];
	return NULL;
}

static u32 dv_decoded_fourcc(unsigned int bit_depth)
{
	return bit_depth > 8 ? V4L2_PIX_FMT_P010 : V4L2_PIX_FMT_NV12;
}

/* Clamp an OUTPUT format to what @desc accepts and size its buffers. */
static void dv_fill_coded(const struct dv_codec *desc,
			  struct v4l2_pix_format_mplane *pix)
{
	const struct v4l2_frmsize_stepwise *fs = &desc->frmsize;
	u32 sizeimage = pix->plane_fmt[0].sizeimage;
	u32 min_size;

	pix->pixelformat = desc->fourcc;
	v4l2_apply_frmsize_constraints(&pix->width, &pix->height, fs);
	pix->num_planes = 1;
	pix->field = V4L2_FIELD_NONE;
	pix->plane_fmt[0].bytesperline = 0;
	/* A compressed picture rarely exceeds 3/4 of its raw 4:2:0 size. */
	min_size = max_t(u32, pix->width * pix->height * 3 / 4,
			 DV_OUTPUT_MIN_SIZE);
	pix->plane_fmt[0].sizeimage = clamp_t(u32, sizeimage, min_size,
					      DV_OUTPUT_MAX_SIZE);
	memset(pix->plane_fmt[0].reserved, 0,
	       sizeof(pix->plane_fmt[0].reserved));
	memset(pix->reserved, 0, sizeof(pix->reserved));
	pix->flags = 0;
}

/* The CAPTURE format that goes with @coded at @bit_depth. */
static void dv_fill_decoded(const struct dv_codec *desc,
			    const struct v4l2_pix_format_mplane *coded,
			    unsigned int bit_depth,
			    struct v4l2_pix_format_mplane *pix)
{
	u32 cpp = bit_depth > 8 ? 2 : 1;
	u32 stride;

	memset(pix, 0, sizeof(*pix));
	pix->pixelformat = dv_decoded_fourcc(bit_depth);
	pix->width = ALIGN(coded->width, desc->block);
	pix->height = ALIGN(coded->height, desc->block);
	pix->field = V4L2_FIELD_NONE;
	pix->colorspace = coded->colorspace;
	pix->xfer_func = coded->xfer_func;
	pix->ycbcr_enc = coded->ycbcr_enc;
	pix->quantization = coded->quantization;
	pix->num_planes = 1;
	stride = ALIGN(pix->width * cpp, DV_STRIDE_ALIGN);
	pix->plane_fmt[0].bytesperline = stride;
	/* One memory plane: luma, then interleaved chroma at half height. */
	pix->plane_fmt[0].sizeimage = stride * pix->height * 3 / 2;
}

void dv_update_decoded_format(struct dv_ctx *ctx)
{
	ctx->decoded.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	dv_fill_decoded(ctx->codec, &ctx->coded.fmt.pix_mp,
			ctx->bit_depth, &ctx->decoded.fmt.pix_mp);
}

/* The context's formats as the daemon sees them. */
void dv_fill_bridge_format(struct dv_ctx *ctx, struct dv_format *fmt)
{
	const struct v4l2_pix_format_mplane *out = &ctx->coded.fmt.pix_mp;
	const struct v4l2_pix_format_mplane *cap = &ctx->decoded.fmt.pix_mp;

	memset(fmt, 0, sizeof(*fmt));
	fmt->codec = ctx->codec->bridge_codec;
	fmt->bit_depth = ctx->bit_depth;
	fmt->coded_width = out->width;
	fmt->coded_height = out->height;
	fmt->capture_fourcc = cap->pixelformat;
	fmt->capture_width = cap->width;
	fmt->capture_height = cap->height;
	fmt->bytesperline = cap->plane_fmt[0].bytesperline;
	fmt->sizeimage = cap->plane_fmt[0].sizeimage;
	fmt->colorspace = out->colorspace;
	fmt->xfer_func = out->xfer_func;
	fmt->ycbcr_enc = out->ycbcr_enc;
	fmt->quantization = out->quantization;
}

int dv_set_default_formats(struct dv_ctx *ctx)
{
	struct v4l2_pix_format_mplane *pix = &ctx->coded.fmt.pix_mp;

	ctx->codec = dv_codecs[0];
	ctx->bit_depth = 8;
	memset(&ctx->coded, 0, sizeof(ctx->coded));
	ctx->coded.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	pix->width = 1920;
	pix->height = 1088;
	pix->colorspace = V4L2_COLORSPACE_REC709;
	pix->xfer_func = V4L2_XFER_FUNC_DEFAULT;
	pix->ycbcr_enc = V4L2_YCBCR_ENC_DEFAULT;
	pix->quantization = V4L2_QUANTIZATION_DEFAULT;
	dv_fill_coded(ctx->codec, pix);
	dv_update_decoded_format(ctx);
	return 0;
}

static int dv_querycap(struct file *file, void *priv,
		       struct v4l2_capability *cap)
{
	strscpy(cap->driver, DV_NAME, sizeof(cap->driver));
	strscpy(cap->card, DV_NAME, sizeof(cap->card));
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:%s",
		 DV_NAME);
	return 0;
}

static int dv_enum_fmt_out(struct file *file, void *priv,
			   struct v4l2_fmtdesc *f)
{
	unsigned int i;

	for (i = 0; dv_codecs[i]; i++) {
		if (i == f->index) {
			f->pixelformat = dv_codecs[i]->fourcc;
			return 0;
		}
	}
	return -EINVAL;
}

static int dv_enum_fmt_cap(struct file *file, void *priv,
			   struct v4l2_fmtdesc *f)
{
	struct dv_ctx *ctx = dv_file_to_ctx(file);

	/* Only the format the current stream decodes to can be chosen. */
	if (f->index)
		return -EINVAL;
	f->pixelformat = dv_decoded_fourcc(ctx->bit_depth);
	return 0;
}

static int dv_enum_framesizes(struct file *file, void *priv,
			      struct v4l2_frmsizeenum *fsize)
{
	const struct dv_codec *desc;

	if (fsize->index)
		return -EINVAL;
	desc = dv_find_codec(fsize->pixel_format);
	if (!desc)
		return -EINVAL;
	fsize->type = V4L2_FRMSIZE_TYPE_STEPWISE;
	fsize->stepwise = desc->frmsize;
	return 0;
}

static int dv_g_fmt_out(struct file *file, void *priv, struct v4l2_format *f)
{
	f->fmt.pix_mp = dv_file_to_ctx(file)->coded.fmt.pix_mp;
	return 0;
}

static int dv_g_fmt_cap(struct file *file, void *priv, struct v4l2_format *f)
{
	f->fmt.pix_mp = dv_file_to_ctx(file)->decoded.fmt.pix_mp;
	return 0;
}

static int dv_try_fmt_out(struct file *file, void *priv,
			  struct v4l2_format *f)
{
	struct v4l2_pix_format_mplane *pix = &f->fmt.pix_mp;
	const struct dv_codec *desc;

	desc = dv_find_codec(pix->pixelformat);
	if (!desc)
		desc = dv_codecs[0];
	dv_fill_coded(desc, pix);
	return 0;
}

/*
 * The bit depth a CAPTURE format asks for: P010 or NV12 where the codec
 * decodes both (a client may choose before it sets the stream's controls:
 * libva backs a 10-bit surface so), else the stream's.
 */
static unsigned int dv_cap_bit_depth(struct dv_ctx *ctx, u32 fourcc)
{
	if (!ctx->codec->depth_ctrl)
		return ctx->bit_depth;
	if (fourcc == V4L2_PIX_FMT_P010)
		return 10;
	if (fourcc == V4L2_PIX_FMT_NV12)
		return 8;
	return ctx->bit_depth;
}

static int dv_try_fmt_cap(struct file *file, void *priv,
			  struct v4l2_format *f)
{
	struct dv_ctx *ctx = dv_file_to_ctx(file);

	dv_fill_decoded(ctx->codec, &ctx->coded.fmt.pix_mp,
			dv_cap_bit_depth(ctx, f->fmt.pix_mp.pixelformat),
			&f->fmt.pix_mp);
	return 0;
}

static int dv_s_fmt_out(struct file *file, void *priv, struct v4l2_format *f)
{
	struct dv_ctx *ctx = dv_file_to_ctx(file);
	struct v4l2_m2m_ctx *m2m_ctx = ctx->fh.m2m_ctx;
	const struct v4l2_pix_format_mplane *cur = &ctx->coded.fmt.pix_mp;
	struct v4l2_pix_format_mplane *pix = &f->fmt.pix_mp;
	struct vb2_queue *out_vq, *cap_vq;
	int ret;

	/*
	 * As hantro and cedrus: a new size while OUTPUT is not streaming,
	 * even with buffers (the stateless resolution change); not another
	 * codec for buffers that exist.
	 */
	out_vq = v4l2_m2m_get_src_vq(m2m_ctx);
	if (vb2_is_streaming(out_vq)) {
		dv_ctx_dbg(ctx, "OUTPUT format change refused: OUTPUT is streaming\n");
		return -EBUSY;
	}
	ret = dv_try_fmt_out(file, priv, f);
	if (ret)
		return ret;
	if (vb2_is_busy(out_vq) && pix->pixelformat != cur->pixelformat) {
		dv_ctx_dbg(ctx, "OUTPUT pixelformat change refused: OUTPUT buffers are allocated\n");
		return -EBUSY;
	}

	/* The CAPTURE buffers were sized for the current stream. */
	cap_vq = v4l2_m2m_get_dst_vq(m2m_ctx);
	if (vb2_is_busy(cap_vq) &&
	    (pix->pixelformat != cur->pixelformat ||
	     pix->width != cur->width || pix->height != cur->height)) {
		dv_ctx_dbg(ctx, "OUTPUT format change refused: CAPTURE buffers are allocated\n");
		return -EBUSY;
	}

	ctx->coded = *f;
	ctx->codec = dv_find_codec(pix->pixelformat);
	if (!vb2_is_busy(cap_vq))
		ctx->bit_depth = dv_ctrls_bit_depth(ctx, ctx->codec);
	dv_update_decoded_format(ctx);
	/*
	 * Not sent from the control path (the handler lock is held there);
	 * every job carries the formats anyway.
	 */
	dv_bridge_ctx_event(ctx, DV_MSG_FORMAT);
	return 0;
}

static int dv_s_fmt_cap(struct file *file, void *priv, struct v4l2_format *f)
{
	struct dv_ctx *ctx = dv_file_to_ctx(file);

	if (vb2_is_busy(v4l2_m2m_get_dst_vq(ctx->fh.m2m_ctx))) {
		dv_ctx_dbg(ctx, "CAPTURE format change refused: CAPTURE buffers are allocated\n");
		return -EBUSY;
	}
	ctx->bit_depth = dv_cap_bit_depth(ctx, f->fmt.pix_mp.pixelformat);
	dv_update_decoded_format(ctx);
	f->fmt.pix_mp = ctx->decoded.fmt.pix_mp;
	return 0;
}

static int dv_subscribe_event(struct v4l2_fh *fh,
			      const struct v4l2_event_subscription *sub)
{
	return v4l2_ctrl_subscribe_event(fh, sub);
}

const struct v4l2_ioctl_ops dv_ioctl_ops = {
	.vidioc_querycap		= dv_querycap,

	.vidioc_enum_fmt_vid_out	= dv_enum_fmt_out,
	.vidioc_enum_fmt_vid_cap	= dv_enum_fmt_cap,
	.vidioc_enum_framesizes		= dv_enum_framesizes,

	.vidioc_g_fmt_vid_out_mplane	= dv_g_fmt_out,
	.vidioc_try_fmt_vid_out_mplane	= dv_try_fmt_out,
	.vidioc_s_fmt_vid_out_mplane	= dv_s_fmt_out,
	.vidioc_g_fmt_vid_cap_mplane	= dv_g_fmt_cap,
	.vidioc_try_fmt_vid_cap_mplane	= dv_try_fmt_cap,
	.vidioc_s_fmt_vid_cap_mplane	= dv_s_fmt_cap,

	.vidioc_reqbufs			= v4l2_m2m_ioctl_reqbufs,
	.vidioc_querybuf		= v4l2_m2m_ioctl_querybuf,
	.vidioc_qbuf			= v4l2_m2m_ioctl_qbuf,
	.vidioc_dqbuf			= v4l2_m2m_ioctl_dqbuf,
	.vidioc_prepare_buf		= v4l2_m2m_ioctl_prepare_buf,
	.vidioc_create_bufs		= v4l2_m2m_ioctl_create_bufs,
	.vidioc_expbuf			= v4l2_m2m_ioctl_expbuf,

	.vidioc_streamon		= v4l2_m2m_ioctl_streamon,
	.vidioc_streamoff		= v4l2_m2m_ioctl_streamoff,

	.vidioc_subscribe_event		= dv_subscribe_event,
	.vidioc_unsubscribe_event	= v4l2_event_unsubscribe,
};

static int dv_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			  unsigned int *nplanes, unsigned int sizes[],
			  struct device *alloc_devs[])
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vq);
	const struct v4l2_format *f = V4L2_TYPE_IS_OUTPUT(vq->type) ?
				      &ctx->coded : &ctx->decoded;
	u32 size = f->fmt.pix_mp.plane_fmt[0].sizeimage;
	u32 max = V4L2_TYPE_IS_OUTPUT(vq->type) ? DV_OUTPUT_MAX_SIZE :
						  DV_CAPTURE_MAX_SIZE;

	if (!*nplanes) {
		*nplanes = 1;
		sizes[0] = size;
		return 0;
	}
	/* CREATE_BUFS: the client's size, within what the format needs and the queue's maximum. */
	if (*nplanes != 1 || sizes[0] < size || sizes[0] > max) {
		dv_ctx_dbg(ctx, "CREATE_BUFS(%s): %u planes of %u bytes refused: one plane of %u to %u bytes\n",
			   V4L2_TYPE_IS_OUTPUT(vq->type) ? "OUTPUT" : "CAPTURE",
			   *nplanes, sizes[0], size, max);
		return -EINVAL;
	}
	return 0;
}

static int dv_buf_out_validate(struct vb2_buffer *vb)
{
	struct vb2_v4l2_buffer *vbuf = to_vb2_v4l2_buffer(vb);

	vbuf->field = V4L2_FIELD_NONE;
	return 0;
}

static int dv_buf_prepare(struct vb2_buffer *vb)
{
	struct vb2_queue *vq = vb->vb2_queue;
	struct dv_ctx *ctx = vb2_get_drv_priv(vq);
	const struct v4l2_format *f = V4L2_TYPE_IS_OUTPUT(vq->type) ?
				      &ctx->coded : &ctx->decoded;
	u32 size = f->fmt.pix_mp.plane_fmt[0].sizeimage;

	if (vb2_plane_size(vb, 0) < size) {
		dv_ctx_dbg(ctx, "%s buffer %u: plane of %lu bytes, %u needed\n",
			   V4L2_TYPE_IS_OUTPUT(vq->type) ? "OUTPUT" : "CAPTURE",
			   vb->index, vb2_plane_size(vb, 0), size);
		return -EINVAL;
	}
	if (V4L2_TYPE_IS_CAPTURE(vq->type)) {
		vb2_set_plane_payload(vb, 0, size);
		return 0;
	}
	/* The bitstream is [data_offset, bytesused) of the plane. */
	if (vb2_get_plane_payload(vb, 0) > vb2_plane_size(vb, 0) ||
	    vb->planes[0].data_offset >= vb2_get_plane_payload(vb, 0)) {
		dv_ctx_dbg(ctx, "OUTPUT buffer %u: bytesused %lu with data_offset %u does not fit the %lu-byte plane\n",
			   vb->index, vb2_get_plane_payload(vb, 0),
			   vb->planes[0].data_offset, vb2_plane_size(vb, 0));
		return -EINVAL;
	}
	return 0;
}

static int dv_buf_init(struct vb2_buffer *vb)
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vb->vb2_queue);
	struct dv_buffer *buf = dv_to_buffer(to_vb2_v4l2_buffer(vb));

	/*
	 * New memory gets a new name, so the daemon never reuses a mapping.
	 * No job_lock here: vb2 may hold its mmap_lock (see dv_bridge).
	 */
	buf->cookie = atomic64_inc_return(&ctx->dev->next_cookie);
	WRITE_ONCE(buf->exported_session, 0);
	if (V4L2_TYPE_IS_CAPTURE(vb->vb2_queue->type))
		return dv_bridge_buf_init(buf);
	return 0;
}

static void dv_buf_cleanup(struct vb2_buffer *vb)
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vb->vb2_queue);

	if (V4L2_TYPE_IS_CAPTURE(vb->vb2_queue->type))
		dv_bridge_buf_release(ctx, dv_to_buffer(to_vb2_v4l2_buffer(vb)));
}

static void dv_buf_queue(struct vb2_buffer *vb)
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vb->vb2_queue);

	v4l2_m2m_buf_queue(ctx->fh.m2m_ctx, to_vb2_v4l2_buffer(vb));
}

static void dv_buf_request_complete(struct vb2_buffer *vb)
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vb->vb2_queue);

	v4l2_ctrl_request_complete(vb->req_obj.req, &ctx->hdl);
}

/* Return every buffer still waiting on @vq's ready queue with ERROR. */
static void dv_return_ready_buffers(struct dv_ctx *ctx, struct vb2_queue *vq)
{
	struct vb2_v4l2_buffer *vbuf;

	for (;;) {
		if (V4L2_TYPE_IS_OUTPUT(vq->type))
			vbuf = v4l2_m2m_src_buf_remove(ctx->fh.m2m_ctx);
		else
			vbuf = v4l2_m2m_dst_buf_remove(ctx->fh.m2m_ctx);
		if (!vbuf)
			break;
		v4l2_ctrl_request_complete(vbuf->vb2_buf.req_obj.req,
					   &ctx->hdl);
		v4l2_m2m_buf_done(vbuf, VB2_BUF_STATE_ERROR);
	}
}

static int dv_start_streaming(struct vb2_queue *vq, unsigned int count)
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vq);

	if (V4L2_TYPE_IS_OUTPUT(vq->type)) {
		ctx->sequence_out = 0;
		dv_bridge_ctx_event(ctx, DV_MSG_STREAM_ON);
	} else {
		ctx->sequence_cap = 0;
	}
	return 0;
}

static void dv_stop_streaming(struct vb2_queue *vq)
{
	struct dv_ctx *ctx = vb2_get_drv_priv(vq);

	/*
	 * Jobs own buffers of both queues: stopping either ends them all,
	 * and tells the daemon its decoder starts afresh (a stop or a seek).
	 */
	dv_ctx_cancel_jobs(ctx);
	dv_return_ready_buffers(ctx, vq);
}

static const struct vb2_ops dv_qops = {
	.queue_setup		= dv_queue_setup,
	.buf_out_validate	= dv_buf_out_validate,
	.buf_init		= dv_buf_init,
	.buf_cleanup		= dv_buf_cleanup,
	.buf_prepare		= dv_buf_prepare,
	.buf_queue		= dv_buf_queue,
	.buf_request_complete	= dv_buf_request_complete,
	.start_streaming	= dv_start_streaming,
	.stop_streaming		= dv_stop_streaming,
	DV_VB2_WAIT_OPS
};

int dv_queue_init(void *priv, struct vb2_queue *src_vq,
		  struct vb2_queue *dst_vq)
{
	struct dv_ctx *ctx = priv;
	int ret;

	src_vq->type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	src_vq->io_modes = VB2_MMAP | VB2_DMABUF;
	src_vq->drv_priv = ctx;
	src_vq->buf_struct_size = sizeof(struct dv_buffer);
	src_vq->ops = &dv_qops;
	src_vq->mem_ops = &vb2_vmalloc_memops;
	src_vq->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_COPY;
	src_vq->lock = &ctx->vb_mutex;
	src_vq->supports_requests = true;
	src_vq->requires_requests = true;
	src_vq->dev = ctx->dev->v4l2_dev.dev;

	ret = vb2_queue_init(src_vq);
	if (ret)
		return ret;

	dst_vq->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	dst_vq->io_modes = VB2_MMAP | VB2_DMABUF;
	dst_vq->drv_priv = ctx;
	dst_vq->buf_struct_size = sizeof(struct dv_buffer);
	dst_vq->ops = &dv_qops;
	dst_vq->mem_ops = &vb2_vmalloc_memops;
	dst_vq->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_COPY;
	dst_vq->lock = &ctx->vb_mutex;
	dst_vq->dev = ctx->dev->v4l2_dev.dev;

	return vb2_queue_init(dst_vq);
}

/*
 * A request carries exactly one OUTPUT buffer and the control that
 * describes its picture; anything else is refused before it is queued.
 */
int dv_request_validate(struct media_request *req)
{
	struct media_request_object *obj;
	struct v4l2_ctrl_handler *hdl;
	struct dv_ctx *ctx = NULL;
	unsigned int count;
	int ret;

	list_for_each_entry(obj, &req->objects, list) {
		if (vb2_request_object_is_buffer(obj)) {
			struct vb2_buffer *vb = container_of(obj,
							     struct vb2_buffer,
							     req_obj);

			ctx = vb2_get_drv_priv(vb->vb2_queue);
			break;
		}
	}
	if (!ctx) {
		pr_err_ratelimited(DV_NAME ": request has no OUTPUT buffer\n");
		return -ENOENT;
	}

	count = vb2_request_buffer_cnt(req);
	if (count != 1) {
		dv_ctx_dbg(ctx, "request has %u OUTPUT buffers, 1 is allowed\n", count);
		return -EINVAL;
	}

	hdl = v4l2_ctrl_request_hdl_find(req, &ctx->hdl);
	if (!hdl) {
		dv_ctx_dbg(ctx, "request has no controls\n");
		return -ENOENT;
	}
	ret = v4l2_ctrl_request_hdl_ctrl_find(hdl, ctx->codec->picture_ctrl) ?
	      0 : -ENOENT;
	if (ret)
		dv_ctx_dbg(ctx, "request lacks control %#x, which describes the picture\n",
			   ctx->codec->picture_ctrl);
	v4l2_ctrl_request_hdl_put(hdl);
	if (ret)
		return ret;

	return vb2_request_validate(req);
}
