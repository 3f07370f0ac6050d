// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: VP9. The V4L2_PIX_FMT_VP9_FRAME format, the stateless VP9
 * controls and menus, the frame checks that keep streams we cannot decode
 * away from the daemon, and the bit depth, which the frame control gives.
 */

#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

/* The controls whose values a job carries to the daemon. */
static const u32 dv_vp9_ctrl_ids[] = {
	V4L2_CID_STATELESS_VP9_FRAME,
	V4L2_CID_STATELESS_VP9_COMPRESSED_HDR,
};

static_assert(ARRAY_SIZE(dv_vp9_ctrl_ids) <= DV_MAX_JOB_CTRLS);

static const struct v4l2_ctrl_config dv_vp9_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_VP9_FRAME, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR },
};

static const struct dv_menu_ctrl dv_vp9_menus[] = {
	{ V4L2_CID_MPEG_VIDEO_VP9_PROFILE, V4L2_MPEG_VIDEO_VP9_PROFILE_2,
	  BIT(V4L2_MPEG_VIDEO_VP9_PROFILE_1),
	  V4L2_MPEG_VIDEO_VP9_PROFILE_0 },
	{ V4L2_CID_MPEG_VIDEO_VP9_LEVEL, V4L2_MPEG_VIDEO_VP9_LEVEL_5_2, 0,
	  V4L2_MPEG_VIDEO_VP9_LEVEL_4_0 },
};

static int dv_try_vp9_frame(struct dv_ctx *ctx,
			    const struct v4l2_ctrl_vp9_frame *frame)
{
	const u32 subsampling = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
				V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;

	if (frame->profile != 0 && frame->profile != 2) {
		dv_ctx_dbg(ctx, "VP9 frame profile %u is not supported (0 and 2 are)\n",
			   frame->profile);
		return -EINVAL;
	}
	if ((frame->flags & subsampling) != subsampling) {
		dv_ctx_dbg(ctx, "VP9 frame flags: only 4:2:0 subsampling is supported\n");
		return -EINVAL;
	}
	if (frame->bit_depth != (frame->profile ? 10 : 8)) {
		dv_ctx_dbg(ctx, "VP9 frame bit_depth %u is not supported with profile %u\n",
			   frame->bit_depth, frame->profile);
		return -EINVAL;
	}
	return dv_ctrls_check_bit_depth(ctx, "VP9 frame bit_depth",
					frame->bit_depth);
}

static int dv_vp9_check_run(struct dv_ctx *ctx, const struct dv_job *job)
{
	const struct v4l2_ctrl_vp9_frame *frame = dv_job_ctrl(job, V4L2_CID_STATELESS_VP9_FRAME,
							 sizeof(*frame));

	if (!frame)
		return 0;

	if (!dv_ctrls_size_fits(ctx, "VP9 frame size",
				frame->frame_width_minus_1 + 1,
				frame->frame_height_minus_1 + 1))
		return -EINVAL;
	return 0;
}

static int dv_vp9_try_ctrl(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	if (ctrl->id == V4L2_CID_STATELESS_VP9_FRAME)
		return dv_try_vp9_frame(ctx, ctrl->p_new.p_vp9_frame);
	return 0;
}

static unsigned int dv_vp9_bit_depth(union v4l2_ctrl_ptr val)
{
	return val.p_vp9_frame->bit_depth;
}

static const struct dv_codec_ops dv_vp9_ops = {
	.try_ctrl = dv_vp9_try_ctrl,
	.check_run = dv_vp9_check_run,
	.bit_depth = dv_vp9_bit_depth,
};

const struct dv_codec dv_vp9_codec = {
	.fourcc = V4L2_PIX_FMT_VP9_FRAME,
	.bridge_codec = DV_CODEC_ID_VP9,
	.frmsize = { 8, DV_MAX_WIDTH, 1, 8, DV_MAX_HEIGHT, 1 },
	.block = 8,
	.ctrl_ids = dv_vp9_ctrl_ids,
	.num_ctrl_ids = ARRAY_SIZE(dv_vp9_ctrl_ids),
	.picture_ctrl = V4L2_CID_STATELESS_VP9_FRAME,
	.depth_ctrl = V4L2_CID_STATELESS_VP9_FRAME,
	.ctrls = dv_vp9_ctrls,
	.num_ctrls = ARRAY_SIZE(dv_vp9_ctrls),
	.menus = dv_vp9_menus,
	.num_menus = ARRAY_SIZE(dv_vp9_menus),
	.ops = &dv_vp9_ops,
};
