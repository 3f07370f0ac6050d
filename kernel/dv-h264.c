// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: H.264. The V4L2_PIX_FMT_H264_SLICE format, the stateless
 * H.264 controls and menus, and the SPS checks that keep streams we cannot
 * decode away from the daemon. H.264 is decoded at 8 bits only.
 */

#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

/* The controls whose values a job carries to the daemon. */
static const u32 dv_h264_ctrl_ids[] = {
	V4L2_CID_STATELESS_H264_SPS,
	V4L2_CID_STATELESS_H264_PPS,
	V4L2_CID_STATELESS_H264_SCALING_MATRIX,
	V4L2_CID_STATELESS_H264_DECODE_PARAMS,
	V4L2_CID_STATELESS_H264_START_CODE,
};

static_assert(ARRAY_SIZE(dv_h264_ctrl_ids) <= DV_MAX_JOB_CTRLS);

static const struct v4l2_ctrl_h264_sps dv_h264_sps_default = {
	.profile_idc = 100,
	.level_idc = 40,
	.chroma_format_idc = 1,
	.max_num_ref_frames = 1,
};

static const struct v4l2_ctrl_config dv_h264_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_H264_SPS,
	  .p_def.p_const = &dv_h264_sps_default, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_H264_PPS },
	{ .id = V4L2_CID_STATELESS_H264_SCALING_MATRIX },
	{ .id = V4L2_CID_STATELESS_H264_PRED_WEIGHTS },
	{ .id = V4L2_CID_STATELESS_H264_SLICE_PARAMS },
	{ .id = V4L2_CID_STATELESS_H264_DECODE_PARAMS },
};

static const struct dv_menu_ctrl dv_h264_menus[] = {
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
};

static int dv_try_h264_sps(struct dv_ctx *ctx,
			   const struct v4l2_ctrl_h264_sps *sps)
{
	switch (sps->profile_idc) {
	case 66:	/* Baseline, Constrained Baseline */
	case 77:	/* Main */
	case 100:	/* High */
		break;
	default:
		dv_ctx_dbg(ctx, "H.264 SPS profile_idc %u is not supported (66, 77, 100 are)\n",
			   sps->profile_idc);
		return -EINVAL;
	}
	if (sps->chroma_format_idc != 1) {
		dv_ctx_dbg(ctx, "H.264 SPS chroma_format_idc %u is not supported (4:2:0 only)\n",
			   sps->chroma_format_idc);
		return -EINVAL;
	}
	if (sps->bit_depth_luma_minus8 || sps->bit_depth_chroma_minus8) {
		dv_ctx_dbg(ctx, "H.264 SPS bit_depth_luma_minus8 %u / bit_depth_chroma_minus8 %u: only 8-bit is supported\n",
			   sps->bit_depth_luma_minus8,
			   sps->bit_depth_chroma_minus8);
		return -EINVAL;
	}
	return dv_ctrls_check_bit_depth(ctx, "H.264 SPS bit depth", 8);
}

static int dv_h264_check_run(struct dv_ctx *ctx, const struct dv_job *job)
{
	const struct v4l2_ctrl_h264_sps *sps = dv_job_ctrl(job, V4L2_CID_STATELESS_H264_SPS,
							 sizeof(*sps));

	if (!sps)
		return 0;

	if (!dv_ctrls_size_fits(ctx, "H.264 SPS picture size",
				(sps->pic_width_in_mbs_minus1 + 1) * 16,
				(sps->pic_height_in_map_units_minus1 + 1) * 16 *
				(sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY ? 1 : 2)))
		return -EINVAL;
	return 0;
}

static int dv_h264_try_ctrl(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	if (ctrl->id == V4L2_CID_STATELESS_H264_SPS)
		return dv_try_h264_sps(ctx, ctrl->p_new.p_h264_sps);
	return 0;
}

static const struct dv_codec_ops dv_h264_ops = {
	.try_ctrl = dv_h264_try_ctrl,
	.check_run = dv_h264_check_run,
};

const struct dv_codec dv_h264_codec = {
	.fourcc = V4L2_PIX_FMT_H264_SLICE,
	.bridge_codec = DV_CODEC_ID_H264,
	.frmsize = { 16, DV_MAX_WIDTH, 16, 16, DV_MAX_HEIGHT, 16 },
	.block = 16,
	.ctrl_ids = dv_h264_ctrl_ids,
	.num_ctrl_ids = ARRAY_SIZE(dv_h264_ctrl_ids),
	.picture_ctrl = V4L2_CID_STATELESS_H264_DECODE_PARAMS,
	.ctrls = dv_h264_ctrls,
	.num_ctrls = ARRAY_SIZE(dv_h264_ctrls),
	.menus = dv_h264_menus,
	.num_menus = ARRAY_SIZE(dv_h264_menus),
	.ops = &dv_h264_ops,
};
