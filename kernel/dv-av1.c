// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: AV1. The V4L2_PIX_FMT_AV1_FRAME format, the stateless AV1
 * controls and menus, the sequence checks that keep streams we cannot decode
 * away from the daemon, and the bit depth, which the sequence control gives.
 */

#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

/* The controls whose values a job carries to the daemon. */
static const u32 dv_av1_ctrl_ids[] = {
	V4L2_CID_STATELESS_AV1_SEQUENCE,
	V4L2_CID_STATELESS_AV1_FRAME,
	V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
	V4L2_CID_STATELESS_AV1_FILM_GRAIN,
};

static_assert(ARRAY_SIZE(dv_av1_ctrl_ids) <= DV_MAX_JOB_CTRLS);

static const struct v4l2_ctrl_av1_sequence dv_av1_sequence_default = {
	.flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
		 V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y,
	.bit_depth = 8,
};

static const struct v4l2_ctrl_config dv_av1_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_AV1_SEQUENCE,
	  .p_def.p_const = &dv_av1_sequence_default, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
	  .dims = { V4L2_AV1_MAX_TILE_COUNT } },
	{ .id = V4L2_CID_STATELESS_AV1_FRAME },
	{ .id = V4L2_CID_STATELESS_AV1_FILM_GRAIN },
};

static const struct dv_menu_ctrl dv_av1_menus[] = {
	{ V4L2_CID_MPEG_VIDEO_AV1_PROFILE, V4L2_MPEG_VIDEO_AV1_PROFILE_MAIN, 0,
	  V4L2_MPEG_VIDEO_AV1_PROFILE_MAIN },
	{ V4L2_CID_MPEG_VIDEO_AV1_LEVEL, V4L2_MPEG_VIDEO_AV1_LEVEL_5_3, 0,
	  V4L2_MPEG_VIDEO_AV1_LEVEL_4_0 },
};

static int dv_try_av1_sequence(struct dv_ctx *ctx,
			       const struct v4l2_ctrl_av1_sequence *seq)
{
	const u32 subsampling = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
				V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y;

	if (seq->seq_profile != 0) {
		dv_ctx_dbg(ctx, "AV1 sequence seq_profile %u is not supported (Main only)\n",
			   seq->seq_profile);
		return -EINVAL;
	}
	if ((seq->flags & V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME) ||
	    (seq->flags & subsampling) != subsampling) {
		dv_ctx_dbg(ctx, "AV1 sequence flags: only 4:2:0 colour is supported\n");
		return -EINVAL;
	}
	return dv_ctrls_check_bit_depth(ctx, "AV1 sequence bit_depth",
					seq->bit_depth);
}

/* The frame's own size: a client may give the sequence's maximum as that. */
static int dv_av1_check_run(struct dv_ctx *ctx, const struct dv_job *job)
{
	const struct v4l2_ctrl_av1_frame *frame = dv_job_ctrl(job, V4L2_CID_STATELESS_AV1_FRAME,
							 sizeof(*frame));

	if (!frame)
		return 0;

	if (!dv_ctrls_size_fits(ctx, "AV1 frame size",
				frame->upscaled_width,
				frame->frame_height_minus_1 + 1) ||
	    !dv_ctrls_size_fits(ctx, "AV1 frame size",
				frame->frame_width_minus_1 + 1,
				frame->frame_height_minus_1 + 1))
		return -EINVAL;
	return 0;
}

static int dv_av1_try_ctrl(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	if (ctrl->id == V4L2_CID_STATELESS_AV1_SEQUENCE)
		return dv_try_av1_sequence(ctx, ctrl->p_new.p_av1_sequence);
	return 0;
}

static unsigned int dv_av1_bit_depth(union v4l2_ctrl_ptr val)
{
	return val.p_av1_sequence->bit_depth;
}

static const struct dv_codec_ops dv_av1_ops = {
	.try_ctrl = dv_av1_try_ctrl,
	.check_run = dv_av1_check_run,
	.bit_depth = dv_av1_bit_depth,
};

const struct dv_codec dv_av1_codec = {
	.fourcc = V4L2_PIX_FMT_AV1_FRAME,
	.bridge_codec = DV_CODEC_ID_AV1,
	.frmsize = { 8, DV_MAX_WIDTH, 1, 8, DV_MAX_HEIGHT, 1 },
	.block = 8,
	.ctrl_ids = dv_av1_ctrl_ids,
	.num_ctrl_ids = ARRAY_SIZE(dv_av1_ctrl_ids),
	.picture_ctrl = V4L2_CID_STATELESS_AV1_FRAME,
	.depth_ctrl = V4L2_CID_STATELESS_AV1_SEQUENCE,
	.ctrls = dv_av1_ctrls,
	.num_ctrls = ARRAY_SIZE(dv_av1_ctrls),
	.menus = dv_av1_menus,
	.num_menus = ARRAY_SIZE(dv_av1_menus),
	.ops = &dv_av1_ops,
};
