// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: VP8. The V4L2_PIX_FMT_VP8_FRAME format (each OUTPUT buffer
 * one whole frame, frame tag included, as GStreamer and FFmpeg queue it),
 * the stateless VP8 frame control, the profile menu, and the checks that
 * keep frames we cannot decode away from the daemon. VP8 is 8-bit 4:2:0
 * only: there is no bit depth to follow.
 */

#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

/* Largest frame size a VP8 frame tag can carry (14 bits each). */
#define DV_VP8_MAX_DIM		16383

/* The controls whose values a job carries to the daemon. */
static const u32 dv_vp8_ctrl_ids[] = {
	V4L2_CID_STATELESS_VP8_FRAME,
};

static_assert(ARRAY_SIZE(dv_vp8_ctrl_ids) <= DV_MAX_JOB_CTRLS);

static const struct v4l2_ctrl_config dv_vp8_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_VP8_FRAME, .ops = &dv_ctrl_ops },
};

/* Versions 0 to 3 of the frame tag are the four profiles; all decode. */
static const struct dv_menu_ctrl dv_vp8_menus[] = {
	{ V4L2_CID_MPEG_VIDEO_VP8_PROFILE, V4L2_MPEG_VIDEO_VP8_PROFILE_3, 0,
	  V4L2_MPEG_VIDEO_VP8_PROFILE_0 },
};

/*
 * What can never be decoded, in or outside a request. The core has checked
 * num_dct_parts (1, 2, 4 or 8) and zeroed the padding. Sizes are left to
 * dv_vp8_check_run(): the control's default (and a control set before the
 * first key frame is parsed) has none.
 */
static int dv_try_vp8_frame(struct dv_ctx *ctx,
			    const struct v4l2_ctrl_vp8_frame *frame)
{
	if (frame->version > 3) {
		dv_ctx_dbg(ctx, "VP8 frame version %u is not supported (0 to 3 are)\n",
			   frame->version);
		return -EINVAL;
	}
	if (frame->flags & V4L2_VP8_FRAME_FLAG_EXPERIMENTAL) {
		dv_ctx_dbg(ctx, "VP8 frame flags: experimental streams are not supported\n");
		return -EINVAL;
	}
	if (frame->horizontal_scale > 3 || frame->vertical_scale > 3) {
		dv_ctx_dbg(ctx, "VP8 frame horizontal_scale %u / vertical_scale %u: at most 3\n",
			   frame->horizontal_scale, frame->vertical_scale);
		return -EINVAL;
	}
	if (frame->width > DV_VP8_MAX_DIM || frame->height > DV_VP8_MAX_DIM) {
		dv_ctx_dbg(ctx, "VP8 frame width %u / height %u: at most %u\n",
			   frame->width, frame->height, DV_VP8_MAX_DIM);
		return -EINVAL;
	}
	return 0;
}

static int dv_vp8_check_run(struct dv_ctx *ctx, const struct dv_job *job)
{
	const struct v4l2_ctrl_vp8_frame *frame =
		dv_job_ctrl(job, V4L2_CID_STATELESS_VP8_FRAME, sizeof(*frame));

	if (!frame)
		return 0;

	if (!frame->width || !frame->height) {
		dv_ctx_dbg(ctx, "VP8 frame size %ux%u: a request's frame needs its size\n",
			   frame->width, frame->height);
		return -EINVAL;
	}
	if (!frame->first_part_size) {
		dv_ctx_dbg(ctx, "VP8 frame first_part_size 0: the first partition is missing\n");
		return -EINVAL;
	}
	if (!dv_ctrls_size_fits(ctx, "VP8 frame width/height", frame->width,
				frame->height))
		return -EINVAL;
	return 0;
}

static int dv_vp8_try_ctrl(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	if (ctrl->id == V4L2_CID_STATELESS_VP8_FRAME)
		return dv_try_vp8_frame(ctx, ctrl->p_new.p_vp8_frame);
	return 0;
}

static const struct dv_codec_ops dv_vp8_ops = {
	.try_ctrl = dv_vp8_try_ctrl,
	.check_run = dv_vp8_check_run,
};

const struct dv_codec dv_vp8_codec = {
	.fourcc = V4L2_PIX_FMT_VP8_FRAME,
	.bridge_codec = DV_CODEC_ID_VP8,
	.frmsize = { 16, DV_MAX_WIDTH, 1, 16, DV_MAX_HEIGHT, 1 },
	.block = 16,
	.ctrl_ids = dv_vp8_ctrl_ids,
	.num_ctrl_ids = ARRAY_SIZE(dv_vp8_ctrl_ids),
	.picture_ctrl = V4L2_CID_STATELESS_VP8_FRAME,
	.depth_ctrl = 0,
	.ctrls = dv_vp8_ctrls,
	.num_ctrls = ARRAY_SIZE(dv_vp8_ctrls),
	.menus = dv_vp8_menus,
	.num_menus = ARRAY_SIZE(dv_vp8_menus),
	.ops = &dv_vp8_ops,
};
