// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: controls. Every stateless control of H.264, VP9 and AV1,
 * the menus clients query before they stream, and the validation that keeps
 * streams we cannot decode away from the daemon.
 */

#include <linux/slab.h>
#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

static const struct v4l2_ctrl_h264_sps dv_h264_sps_default = {
	.profile_idc = 100,
	.level_idc = 40,
	.chroma_format_idc = 1,
	.max_num_ref_frames = 1,
};

static const struct v4l2_ctrl_av1_sequence dv_av1_sequence_default = {
	.flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
		 V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y,
	.bit_depth = 8,
};

static struct dv_ctx *dv_ctrl_to_ctx(struct v4l2_ctrl *ctrl)
{
	return container_of(ctrl->handler, struct dv_ctx, hdl);
}

static bool dv_size_ok(struct dv_ctx *ctx, const char *what, u32 w, u32 h)
{
	if (w <= DV_MAX_WIDTH && h <= DV_MAX_HEIGHT)
		return true;
	dv_ctx_err(ctx, "%s %ux%u exceeds %ux%u\n",
		   what, w, h, DV_MAX_WIDTH, DV_MAX_HEIGHT);
	return false;
}

/*
 * The CAPTURE format follows the stream's bit depth. Once CAPTURE buffers
 * exist they cannot change format, so a control asking for another depth
 * is refused then instead of producing pictures nobody can read.
 */
static int dv_check_bit_depth(struct dv_ctx *ctx, const char *field,
			      unsigned int depth)
{
	struct vb2_queue *vq;

	if (depth != 8 && depth != 10) {
		dv_ctx_err(ctx, "%s: %u-bit streams are not supported\n",
			   field, depth);
		return -EINVAL;
	}
	vq = v4l2_m2m_get_vq(ctx->fh.m2m_ctx,
			     V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
	if (depth != ctx->bit_depth && vb2_is_busy(vq)) {
		dv_ctx_err(ctx, "%s: %u bits does not match the allocated %u-bit CAPTURE buffers\n",
			   field, depth, ctx->bit_depth);
		return -EINVAL;
	}
	return 0;
}

static int dv_try_h264_sps(struct dv_ctx *ctx,
			   const struct v4l2_ctrl_h264_sps *sps)
{
	switch (sps->profile_idc) {
	case 66:	/* Baseline, Constrained Baseline */
	case 77:	/* Main */
	case 100:	/* High */
		break;
	default:
		dv_ctx_err(ctx, "H.264 SPS profile_idc %u is not supported (66, 77, 100 are)\n",
			   sps->profile_idc);
		return -EINVAL;
	}
	if (sps->chroma_format_idc != 1) {
		dv_ctx_err(ctx, "H.264 SPS chroma_format_idc %u is not supported (4:2:0 only)\n",
			   sps->chroma_format_idc);
		return -EINVAL;
	}
	if (sps->bit_depth_luma_minus8 || sps->bit_depth_chroma_minus8) {
		dv_ctx_err(ctx, "H.264 SPS bit_depth_luma_minus8 %u / bit_depth_chroma_minus8 %u: only 8-bit is supported\n",
			   sps->bit_depth_luma_minus8,
			   sps->bit_depth_chroma_minus8);
		return -EINVAL;
	}
	if (!dv_size_ok(ctx, "H.264 SPS picture size",
			(sps->pic_width_in_mbs_minus1 + 1) * 16,
			(sps->pic_height_in_map_units_minus1 + 1) * 16 *
			(sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY ? 1 : 2)))
		return -EINVAL;
	return dv_check_bit_depth(ctx, "H.264 SPS bit depth", 8);
}

static int dv_try_vp9_frame(struct dv_ctx *ctx,
			    const struct v4l2_ctrl_vp9_frame *frame)
{
	const u32 subsampling = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
				V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;

	if (frame->profile != 0 && frame->profile != 2) {
		dv_ctx_err(ctx, "VP9 frame profile %u is not supported (0 and 2 are)\n",
			   frame->profile);
		return -EINVAL;
	}
	if ((frame->flags & subsampling) != subsampling) {
		dv_ctx_err(ctx, "VP9 frame flags: only 4:2:0 subsampling is supported\n");
		return -EINVAL;
	}
	if (frame->bit_depth != (frame->profile ? 10 : 8)) {
		dv_ctx_err(ctx, "VP9 frame bit_depth %u is not supported with profile %u\n",
			   frame->bit_depth, frame->profile);
		return -EINVAL;
	}
	if (!dv_size_ok(ctx, "VP9 frame size",
			frame->frame_width_minus_1 + 1,
			frame->frame_height_minus_1 + 1))
		return -EINVAL;
	return dv_check_bit_depth(ctx, "VP9 frame bit_depth",
				  frame->bit_depth);
}

static int dv_try_av1_sequence(struct dv_ctx *ctx,
			       const struct v4l2_ctrl_av1_sequence *seq)
{
	const u32 subsampling = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
				V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y;

	if (seq->seq_profile != 0) {
		dv_ctx_err(ctx, "AV1 sequence seq_profile %u is not supported (Main only)\n",
			   seq->seq_profile);
		return -EINVAL;
	}
	if ((seq->flags & V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME) ||
	    (seq->flags & subsampling) != subsampling) {
		dv_ctx_err(ctx, "AV1 sequence flags: only 4:2:0 colour is supported\n");
		return -EINVAL;
	}
	if (!dv_size_ok(ctx, "AV1 sequence max frame size",
			seq->max_frame_width_minus_1 + 1,
			seq->max_frame_height_minus_1 + 1))
		return -EINVAL;
	return dv_check_bit_depth(ctx, "AV1 sequence bit_depth",
				  seq->bit_depth);
}

static int dv_try_ctrl(struct v4l2_ctrl *ctrl)
{
	struct dv_ctx *ctx = dv_ctrl_to_ctx(ctrl);

	switch (ctrl->id) {
	case V4L2_CID_STATELESS_H264_SPS:
		if (ctx->coded_fmt->codec != DV_CODEC_H264)
			return 0;
		return dv_try_h264_sps(ctx, ctrl->p_new.p_h264_sps);
	case V4L2_CID_STATELESS_VP9_FRAME:
		if (ctx->coded_fmt->codec != DV_CODEC_VP9)
			return 0;
		return dv_try_vp9_frame(ctx, ctrl->p_new.p_vp9_frame);
	case V4L2_CID_STATELESS_AV1_SEQUENCE:
		if (ctx->coded_fmt->codec != DV_CODEC_AV1)
			return 0;
		return dv_try_av1_sequence(ctx, ctrl->p_new.p_av1_sequence);
	}
	return 0;
}

/* Bit depth asked for by the current values of @ctx's controls. */
unsigned int dv_ctrls_bit_depth(struct dv_ctx *ctx,
				const struct dv_coded_format *fmt)
{
	struct v4l2_ctrl *ctrl;

	switch (fmt->codec) {
	case DV_CODEC_VP9:
		ctrl = v4l2_ctrl_find(&ctx->hdl, V4L2_CID_STATELESS_VP9_FRAME);
		return ctrl->p_cur.p_vp9_frame->bit_depth;
	case DV_CODEC_AV1:
		ctrl = v4l2_ctrl_find(&ctx->hdl,
				      V4L2_CID_STATELESS_AV1_SEQUENCE);
		return ctrl->p_cur.p_av1_sequence->bit_depth;
	case DV_CODEC_H264:
		break;
	}
	return 8;
}

static int dv_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct dv_ctx *ctx = dv_ctrl_to_ctx(ctrl);
	unsigned int depth;
	struct vb2_queue *vq;

	switch (ctrl->id) {
	case V4L2_CID_STATELESS_VP9_FRAME:
		if (ctx->coded_fmt->codec != DV_CODEC_VP9)
			return 0;
		depth = ctrl->p_new.p_vp9_frame->bit_depth;
		break;
	case V4L2_CID_STATELESS_AV1_SEQUENCE:
		if (ctx->coded_fmt->codec != DV_CODEC_AV1)
			return 0;
		depth = ctrl->p_new.p_av1_sequence->bit_depth;
		break;
	default:
		return 0;
	}

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

static const struct v4l2_ctrl_ops dv_ctrl_ops = {
	.try_ctrl = dv_try_ctrl,
	.s_ctrl = dv_s_ctrl,
};

static const struct v4l2_ctrl_config dv_compound_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_H264_SPS,
	  .p_def.p_const = &dv_h264_sps_default, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_H264_PPS },
	{ .id = V4L2_CID_STATELESS_H264_SCALING_MATRIX },
	{ .id = V4L2_CID_STATELESS_H264_PRED_WEIGHTS },
	{ .id = V4L2_CID_STATELESS_H264_SLICE_PARAMS },
	{ .id = V4L2_CID_STATELESS_H264_DECODE_PARAMS },
	{ .id = V4L2_CID_STATELESS_VP9_FRAME, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR },
	{ .id = V4L2_CID_STATELESS_AV1_SEQUENCE,
	  .p_def.p_const = &dv_av1_sequence_default, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
	  .dims = { V4L2_AV1_MAX_TILE_COUNT } },
	{ .id = V4L2_CID_STATELESS_AV1_FRAME },
	{ .id = V4L2_CID_STATELESS_AV1_FILM_GRAIN },
};

/**
 * struct dv_menu_ctrl - a standard menu control and the entries we offer
 * @id:		control id
 * @max:	last menu entry
 * @skip:	entries we cannot decode, as a bit mask
 * @def:	default entry
 */
struct dv_menu_ctrl {
	u32 id;
	u8 max;
	u64 skip;
	u8 def;
};

static const struct dv_menu_ctrl dv_menu_ctrls[] = {
	/*
	 * libavcodec parses the slice headers itself, so whole frames in one
	 * request is the natural mode; both start code forms are accepted.
	 */
	{ V4L2_CID_STATELESS_H264_DECODE_MODE,
	  V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED,
	  BIT(V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED),
	  V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED },
	{ V4L2_CID_STATELESS_H264_START_CODE,
	  V4L2_STATELESS_H264_START_CODE_ANNEX_B, 0,
	  V4L2_STATELESS_H264_START_CODE_ANNEX_B },
	{ V4L2_CID_MPEG_VIDEO_H264_PROFILE, V4L2_MPEG_VIDEO_H264_PROFILE_HIGH,
	  BIT(V4L2_MPEG_VIDEO_H264_PROFILE_EXTENDED),
	  V4L2_MPEG_VIDEO_H264_PROFILE_HIGH },
	{ V4L2_CID_MPEG_VIDEO_H264_LEVEL, V4L2_MPEG_VIDEO_H264_LEVEL_5_2, 0,
	  V4L2_MPEG_VIDEO_H264_LEVEL_4_1 },
	{ V4L2_CID_MPEG_VIDEO_VP9_PROFILE, V4L2_MPEG_VIDEO_VP9_PROFILE_2,
	  BIT(V4L2_MPEG_VIDEO_VP9_PROFILE_1),
	  V4L2_MPEG_VIDEO_VP9_PROFILE_0 },
	{ V4L2_CID_MPEG_VIDEO_VP9_LEVEL, V4L2_MPEG_VIDEO_VP9_LEVEL_5_2, 0,
	  V4L2_MPEG_VIDEO_VP9_LEVEL_4_0 },
	{ V4L2_CID_MPEG_VIDEO_AV1_PROFILE, V4L2_MPEG_VIDEO_AV1_PROFILE_MAIN, 0,
	  V4L2_MPEG_VIDEO_AV1_PROFILE_MAIN },
	{ V4L2_CID_MPEG_VIDEO_AV1_LEVEL, V4L2_MPEG_VIDEO_AV1_LEVEL_5_3, 0,
	  V4L2_MPEG_VIDEO_AV1_LEVEL_4_0 },
};

int dv_ctrls_init(struct dv_ctx *ctx)
{
	struct v4l2_ctrl_handler *hdl = &ctx->hdl;
	unsigned int i;

	v4l2_ctrl_handler_init(hdl, ARRAY_SIZE(dv_compound_ctrls) +
			       ARRAY_SIZE(dv_menu_ctrls));

	for (i = 0; i < ARRAY_SIZE(dv_compound_ctrls); i++)
		v4l2_ctrl_new_custom(hdl, &dv_compound_ctrls[i], NULL);
	for (i = 0; i < ARRAY_SIZE(dv_menu_ctrls); i++) {
		const struct dv_menu_ctrl *m = &dv_menu_ctrls[i];

		v4l2_ctrl_new_std_menu(hdl, NULL, m->id, m->max, m->skip,
				       m->def);
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
	const struct dv_coded_format *fmt = ctx->coded_fmt;
	size_t size = 0;
	unsigned int i;

	for (i = 0; i < fmt->num_ctrl_ids; i++) {
		struct v4l2_ctrl *ctrl = v4l2_ctrl_find(&ctx->hdl,
							fmt->ctrl_ids[i]);

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
	const struct dv_coded_format *fmt = ctx->coded_fmt;
	struct v4l2_ctrl *ctrls[DV_MAX_JOB_CTRLS];
	size_t pos = 0;
	unsigned int i;

	/* v4l2_ctrl_find() takes the handler lock: look up first. */
	for (i = 0; i < fmt->num_ctrl_ids; i++)
		ctrls[i] = v4l2_ctrl_find(&ctx->hdl, fmt->ctrl_ids[i]);

	mutex_lock(ctx->hdl.lock);
	for (i = 0; i < fmt->num_ctrl_ids; i++) {
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
