// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: controls. Registers the controls of every codec, runs the
 * codec's checks on the values a client sets, follows the stream's bit depth
 * and takes the copy of a job's control values. What the controls of a codec
 * are and how they are checked is in the codec's file (dv-h264.c, ...).
 */

#include <linux/slab.h>
#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

static struct dv_ctx *dv_ctrl_to_ctx(struct v4l2_ctrl *ctrl)
{
	return container_of(ctrl->handler, struct dv_ctx, hdl);
}

/**
 * dv_ctrls_size_fits() - check a request's picture size against CAPTURE
 * @ctx:	context the request belongs to
 * @what:	the field(s), for the log
 * @w:		width in pixels
 * @h:		height in pixels
 *
 * Sizes are checked for the controls of a request only, when it runs: a
 * control set outside a request may come from a header not sized yet
 * (FFmpeg sets VP9's frame with 65536x65536 when it opens the decoder).
 *
 * Return: true if a @w x @h picture fits the CAPTURE format; false, with a
 * line in the log, if not.
 */
bool dv_ctrls_size_fits(struct dv_ctx *ctx, const char *what, u32 w, u32 h)
{
	const struct v4l2_pix_format_mplane *cap = &ctx->decoded.fmt.pix_mp;

	if (w <= cap->width && h <= cap->height)
		return true;
	dv_ctx_dbg(ctx, "%s %ux%u does not fit the %ux%u CAPTURE format\n",
		   what, w, h, cap->width, cap->height);
	return false;
}

/**
 * dv_ctrls_check_bit_depth() - check the bit depth a control asks for
 * @ctx:	context the control belongs to
 * @field:	the field, for the log
 * @depth:	luma bit depth
 *
 * The CAPTURE format follows the stream's bit depth. Once CAPTURE buffers
 * exist they cannot change format, so a control asking for another depth
 * is refused then instead of producing pictures nobody can read.
 *
 * Return: 0, or -EINVAL with a line in the log.
 */
int dv_ctrls_check_bit_depth(struct dv_ctx *ctx, const char *field,
			     unsigned int depth)
{
	struct vb2_queue *vq;

	if (depth != 8 && depth != 10) {
		dv_ctx_dbg(ctx, "%s: %u-bit streams are not supported\n",
			   field, depth);
		return -EINVAL;
	}
	vq = v4l2_m2m_get_vq(ctx->fh.m2m_ctx,
			     V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
	if (depth != ctx->bit_depth && vb2_is_busy(vq)) {
		dv_ctx_dbg(ctx, "%s: %u bits does not match the allocated %u-bit CAPTURE buffers\n",
			   field, depth, ctx->bit_depth);
		return -EINVAL;
	}
	return 0;
}

static int dv_try_ctrl(struct v4l2_ctrl *ctrl)
{
	struct dv_ctx *ctx = dv_ctrl_to_ctx(ctrl);

	return ctx->codec->ops->try_ctrl(ctx, ctrl);
}

/* Bit depth asked for by the current values of @ctx's controls. */
unsigned int dv_ctrls_bit_depth(struct dv_ctx *ctx,
				const struct dv_codec *codec)
{
	struct v4l2_ctrl *ctrl;

	if (!codec->depth_ctrl)
		return 8;
	ctrl = v4l2_ctrl_find(&ctx->hdl, codec->depth_ctrl);
	return codec->ops->bit_depth(ctrl->p_cur);
}

static int dv_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct dv_ctx *ctx = dv_ctrl_to_ctx(ctrl);
	unsigned int depth;
	struct vb2_queue *vq;

	if (!ctx->codec->depth_ctrl || ctrl->id != ctx->codec->depth_ctrl)
		return 0;
	depth = ctx->codec->ops->bit_depth(ctrl->p_new);

	/*
	 * Clients set the sequence-level control before they choose the
	 * CAPTURE format: that is when the CAPTURE format follows the depth.
	 */
	vq = v4l2_m2m_get_vq(ctx->fh.m2m_ctx,
			     V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
	if (depth != ctx->bit_depth && !vb2_is_busy(vq)) {
		ctx->bit_depth = depth;
		dv_update_decoded_format(ctx);
	}
	return 0;
}

/*
 * The ops of the controls a codec checks or takes the bit depth from
 * (dv_codec.ctrls).
 */
const struct v4l2_ctrl_ops dv_ctrl_ops = {
	.try_ctrl = dv_try_ctrl,
	.s_ctrl = dv_s_ctrl,
};

int dv_ctrls_init(struct dv_ctx *ctx)
{
	struct v4l2_ctrl_handler *hdl = &ctx->hdl;
	const struct dv_codec *codec;
	unsigned int nr_ctrls = 0;
	unsigned int i, j;

	for (i = 0; dv_codecs[i]; i++)
		nr_ctrls += dv_codecs[i]->num_ctrls + dv_codecs[i]->num_menus;
	v4l2_ctrl_handler_init(hdl, nr_ctrls);

	/* Every codec's compound controls, then every codec's menus. */
	for (i = 0; dv_codecs[i]; i++) {
		codec = dv_codecs[i];
		for (j = 0; j < codec->num_ctrls; j++)
			v4l2_ctrl_new_custom(hdl, &codec->ctrls[j], NULL);
	}
	for (i = 0; dv_codecs[i]; i++) {
		codec = dv_codecs[i];
		for (j = 0; j < codec->num_menus; j++) {
			const struct dv_menu_ctrl *m = &codec->menus[j];

			v4l2_ctrl_new_std_menu(hdl, NULL, m->id, m->max,
					       m->skip, m->def);
		}
	}

	if (hdl->error) {
		int err = hdl->error;

		v4l2_err(&ctx->dev->v4l2_dev, "registering controls failed: %d\n",
			 err);
		v4l2_ctrl_handler_free(hdl);
		return err;
	}
	ctx->fh.ctrl_handler = hdl;
	return 0;
}

/* Largest payload @ctrl can hold: dynamic arrays vary per request. */
static size_t dv_ctrl_max_payload(struct v4l2_ctrl *ctrl)
{
	u32 elems = ctrl->flags & V4L2_CTRL_FLAG_DYNAMIC_ARRAY ?
		    ctrl->dims[0] : ctrl->elems;

	return (size_t)elems * ctrl->elem_size;
}

/* Bytes dv_ctrls_snapshot() needs at most for @ctx's OUTPUT format. */
size_t dv_ctrls_snapshot_size(struct dv_ctx *ctx)
{
	const struct dv_codec *codec = ctx->codec;
	size_t size = 0;
	unsigned int i;

	for (i = 0; i < codec->num_ctrl_ids; i++) {
		struct v4l2_ctrl *ctrl = v4l2_ctrl_find(&ctx->hdl,
							codec->ctrl_ids[i]);

		size += sizeof(struct dv_ctrl_record) +
			ALIGN(dv_ctrl_max_payload(ctrl), DV_CTRL_RECORD_ALIGN);
	}
	return size;
}

/*
 * Copy the current values of the codec's controls into @buf, so the job
 * keeps the values of its own request while later requests are applied.
 * Returns the bytes written.
 */
size_t dv_ctrls_snapshot(struct dv_ctx *ctx, u8 *buf, size_t size)
{
	const struct dv_codec *codec = ctx->codec;
	struct v4l2_ctrl *ctrls[DV_MAX_JOB_CTRLS];
	size_t pos = 0;
	unsigned int i;

	/* v4l2_ctrl_find() takes the handler lock: look up first. */
	for (i = 0; i < codec->num_ctrl_ids; i++)
		ctrls[i] = v4l2_ctrl_find(&ctx->hdl, codec->ctrl_ids[i]);

	mutex_lock(ctx->hdl.lock);
	for (i = 0; i < codec->num_ctrl_ids; i++) {
		struct v4l2_ctrl *ctrl = ctrls[i];
		struct dv_ctrl_record rec = {
			.id = ctrl->id,
			.size = ctrl->elems * ctrl->elem_size,
		};
		size_t need = sizeof(rec) + ALIGN(rec.size,
						  DV_CTRL_RECORD_ALIGN);

		if (WARN_ON(pos + need > size))
			break;
		memcpy(buf + pos, &rec, sizeof(rec));
		memcpy(buf + pos + sizeof(rec), ctrl->p_cur.p, rec.size);
		memset(buf + pos + sizeof(rec) + rec.size, 0,
		       need - sizeof(rec) - rec.size);
		pos += need;
	}
	mutex_unlock(ctx->hdl.lock);
	return pos;
}
