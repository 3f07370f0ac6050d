// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: HEVC. The V4L2_PIX_FMT_HEVC_SLICE format, the stateless
 * HEVC controls and menus, and the checks that keep streams we cannot decode
 * away from the daemon: Main and Main 10, 4:2:0, frame-based requests with
 * Annex-B start codes. The daemon reads the slice headers from the bitstream
 * itself, so the slice parameters and entry point offsets are checked but
 * not carried to it.
 */

#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

/*
 * Slice segments a request may describe: MaxSliceSegmentsPerPicture of
 * level 6.2 (H.265 table A.8), the most any stream has.
 */
#define DV_HEVC_MAX_SLICES		600
/*
 * Entry points a request may describe, all its slices together: one per
 * tile (at most 20 x 22) or per CTB row (at most 2304 / 16), or, with both,
 * one per CTB row of each tile.
 */
#define DV_HEVC_MAX_ENTRY_POINTS	4096

/* The controls whose values a job carries to the daemon. */
static const u32 dv_hevc_ctrl_ids[] = {
	V4L2_CID_STATELESS_HEVC_SPS,
	V4L2_CID_STATELESS_HEVC_PPS,
	V4L2_CID_STATELESS_HEVC_SCALING_MATRIX,
	V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
};

static_assert(ARRAY_SIZE(dv_hevc_ctrl_ids) <= DV_MAX_JOB_CTRLS);

/* A 4:2:0 8-bit stream with 64x64 CTBs: a default that passes the checks. */
static const struct v4l2_ctrl_hevc_sps dv_hevc_sps_default = {
	.pic_width_in_luma_samples = 64,
	.pic_height_in_luma_samples = 64,
	.log2_diff_max_min_luma_coding_block_size = 3,
	.log2_diff_max_min_luma_transform_block_size = 3,
	.chroma_format_idc = 1,
};

static const struct v4l2_ctrl_config dv_hevc_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_HEVC_SPS,
	  .p_def.p_const = &dv_hevc_sps_default, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_HEVC_PPS },
	{ .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, .ops = &dv_ctrl_ops,
	  .flags = V4L2_CTRL_FLAG_DYNAMIC_ARRAY,
	  .dims = { DV_HEVC_MAX_SLICES } },
	{ .id = V4L2_CID_STATELESS_HEVC_SCALING_MATRIX },
	{ .id = V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, .ops = &dv_ctrl_ops },
	/*
	 * A U32 array: its range is ours to give (v4l2_ctrl_fill() leaves
	 * it), or every offset but 0 would be out of range.
	 */
	{ .id = V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS,
	  .flags = V4L2_CTRL_FLAG_DYNAMIC_ARRAY,
	  .dims = { DV_HEVC_MAX_ENTRY_POINTS }, .max = U32_MAX, .step = 1 },
};

static const struct dv_menu_ctrl dv_hevc_menus[] = {
	/*
	 * The daemon gives libavcodec whole pictures with their slice
	 * headers: frame-based requests, slices behind Annex-B start codes.
	 */
	{ V4L2_CID_STATELESS_HEVC_DECODE_MODE,
	  V4L2_STATELESS_HEVC_DECODE_MODE_FRAME_BASED,
	  BIT(V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED),
	  V4L2_STATELESS_HEVC_DECODE_MODE_FRAME_BASED },
	{ V4L2_CID_STATELESS_HEVC_START_CODE,
	  V4L2_STATELESS_HEVC_START_CODE_ANNEX_B,
	  BIT(V4L2_STATELESS_HEVC_START_CODE_NONE),
	  V4L2_STATELESS_HEVC_START_CODE_ANNEX_B },
	{ V4L2_CID_MPEG_VIDEO_HEVC_PROFILE, V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_10,
	  0, V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN },
	{ V4L2_CID_MPEG_VIDEO_HEVC_LEVEL, V4L2_MPEG_VIDEO_HEVC_LEVEL_5_1, 0,
	  V4L2_MPEG_VIDEO_HEVC_LEVEL_4_1 },
};

static int dv_try_hevc_sps(struct dv_ctx *ctx,
			   const struct v4l2_ctrl_hevc_sps *sps)
{
	unsigned int log2_ctb = sps->log2_min_luma_coding_block_size_minus3 + 3 +
				sps->log2_diff_max_min_luma_coding_block_size;

	if (sps->chroma_format_idc != 1) {
		dv_ctx_dbg(ctx, "HEVC SPS chroma_format_idc %u is not supported (4:2:0 only: no Range extensions)\n",
			   sps->chroma_format_idc);
		return -EINVAL;
	}
	if (sps->flags & V4L2_HEVC_SPS_FLAG_SEPARATE_COLOUR_PLANE) {
		dv_ctx_dbg(ctx, "HEVC SPS separate_colour_plane_flag is not supported\n");
		return -EINVAL;
	}
	if (sps->bit_depth_luma_minus8 != sps->bit_depth_chroma_minus8 ||
	    (sps->bit_depth_luma_minus8 != 0 && sps->bit_depth_luma_minus8 != 2)) {
		dv_ctx_dbg(ctx, "HEVC SPS bit_depth_luma_minus8 %u / bit_depth_chroma_minus8 %u: only Main (8-bit) and Main 10 are supported\n",
			   sps->bit_depth_luma_minus8,
			   sps->bit_depth_chroma_minus8);
		return -EINVAL;
	}
	if (log2_ctb < 4 || log2_ctb > 6) {
		dv_ctx_dbg(ctx, "HEVC SPS log2_min_luma_coding_block_size_minus3 %u + log2_diff_max_min_luma_coding_block_size %u: CTBs are 16x16 to 64x64\n",
			   sps->log2_min_luma_coding_block_size_minus3,
			   sps->log2_diff_max_min_luma_coding_block_size);
		return -EINVAL;
	}
	if (!sps->pic_width_in_luma_samples || !sps->pic_height_in_luma_samples ||
	    sps->pic_width_in_luma_samples > DV_MAX_WIDTH ||
	    sps->pic_height_in_luma_samples > DV_MAX_HEIGHT) {
		dv_ctx_dbg(ctx, "HEVC SPS pic_width_in_luma_samples x pic_height_in_luma_samples %ux%u is not supported (up to %ux%u)\n",
			   sps->pic_width_in_luma_samples,
			   sps->pic_height_in_luma_samples, DV_MAX_WIDTH,
			   DV_MAX_HEIGHT);
		return -EINVAL;
	}
	return dv_ctrls_check_bit_depth(ctx, "HEVC SPS bit depth",
					sps->bit_depth_luma_minus8 + 8);
}

/* The screen content coding tools have fields of their own: refuse them. */
static int dv_try_hevc_slice_params(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	const struct v4l2_ctrl_hevc_slice_params *slices =
		ctrl->p_new.p_hevc_slice_params;
	unsigned int i;

	for (i = 0; i < ctrl->new_elems; i++) {
		const struct v4l2_ctrl_hevc_slice_params *s = &slices[i];

		if (s->slice_act_y_qp_offset || s->slice_act_cb_qp_offset ||
		    s->slice_act_cr_qp_offset) {
			dv_ctx_dbg(ctx, "HEVC slice %u slice_act_y/cb/cr_qp_offset: screen content coding is not supported\n",
				   i);
			return -EINVAL;
		}
		if (s->flags & V4L2_HEVC_SLICE_PARAMS_FLAG_USE_INTEGER_MV) {
			dv_ctx_dbg(ctx, "HEVC slice %u use_integer_mv_flag: screen content coding is not supported\n",
				   i);
			return -EINVAL;
		}
		if (s->colour_plane_id) {
			dv_ctx_dbg(ctx, "HEVC slice %u colour_plane_id %u: separate colour planes are not supported\n",
				   i, s->colour_plane_id);
			return -EINVAL;
		}
	}
	return 0;
}

static int dv_try_hevc_decode_params(struct dv_ctx *ctx,
				     const struct v4l2_ctrl_hevc_decode_params *dp)
{
	if (dp->num_poc_st_curr_before > V4L2_HEVC_DPB_ENTRIES_NUM_MAX ||
	    dp->num_poc_st_curr_after > V4L2_HEVC_DPB_ENTRIES_NUM_MAX ||
	    dp->num_poc_lt_curr > V4L2_HEVC_DPB_ENTRIES_NUM_MAX) {
		dv_ctx_dbg(ctx, "HEVC decode params num_poc_st_curr_before %u / num_poc_st_curr_after %u / num_poc_lt_curr %u: at most %u each\n",
			   dp->num_poc_st_curr_before, dp->num_poc_st_curr_after,
			   dp->num_poc_lt_curr, V4L2_HEVC_DPB_ENTRIES_NUM_MAX);
		return -EINVAL;
	}
	return 0;
}

static int dv_hevc_check_run(struct dv_ctx *ctx, const struct dv_job *job)
{
	const struct v4l2_ctrl_hevc_sps *sps = dv_job_ctrl(job, V4L2_CID_STATELESS_HEVC_SPS,
							 sizeof(*sps));

	if (!sps)
		return 0;

	if (!dv_ctrls_size_fits(ctx, "HEVC SPS picture size",
				sps->pic_width_in_luma_samples,
				sps->pic_height_in_luma_samples))
		return -EINVAL;
	return 0;
}

static int dv_hevc_try_ctrl(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	switch (ctrl->id) {
	case V4L2_CID_STATELESS_HEVC_SPS:
		return dv_try_hevc_sps(ctx, ctrl->p_new.p_hevc_sps);
	case V4L2_CID_STATELESS_HEVC_SLICE_PARAMS:
		return dv_try_hevc_slice_params(ctx, ctrl);
	case V4L2_CID_STATELESS_HEVC_DECODE_PARAMS:
		/* union v4l2_ctrl_ptr has no HEVC decode params member */
		return dv_try_hevc_decode_params(ctx, ctrl->p_new.p);
	}
	return 0;
}

static unsigned int dv_hevc_bit_depth(union v4l2_ctrl_ptr val)
{
	return val.p_hevc_sps->bit_depth_luma_minus8 + 8;
}

static const struct dv_codec_ops dv_hevc_ops = {
	.try_ctrl = dv_hevc_try_ctrl,
	.check_run = dv_hevc_check_run,
	.bit_depth = dv_hevc_bit_depth,
};

const struct dv_codec dv_hevc_codec = {
	.fourcc = V4L2_PIX_FMT_HEVC_SLICE,
	.bridge_codec = DV_CODEC_ID_HEVC,
	.frmsize = { 8, DV_MAX_WIDTH, 8, 8, DV_MAX_HEIGHT, 8 },
	.block = 8,
	.ctrl_ids = dv_hevc_ctrl_ids,
	.num_ctrl_ids = ARRAY_SIZE(dv_hevc_ctrl_ids),
	.picture_ctrl = V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
	.depth_ctrl = V4L2_CID_STATELESS_HEVC_SPS,
	.ctrls = dv_hevc_ctrls,
	.num_ctrls = ARRAY_SIZE(dv_hevc_ctrls),
	.menus = dv_hevc_menus,
	.num_menus = ARRAY_SIZE(dv_hevc_menus),
	.ops = &dv_hevc_ops,
};
