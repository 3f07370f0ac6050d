// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: MPEG-2. The V4L2_PIX_FMT_MPEG2_SLICE format, the stateless
 * MPEG-2 controls and menus, and the checks that keep streams we cannot
 * decode away from the daemon: 4:2:0 only, Simple and Main profile, frame
 * pictures. MPEG-2 is decoded at 8 bits only.
 */

#include <media/v4l2-ctrls.h>

#include "daedalus_v4l2_bridge.h"
#include "dv.h"

/* profile_and_level_indication: escape bit, profile (3 bits), level. */
#define DV_MPEG2_PL_ESCAPE		0x80
#define DV_MPEG2_PL_PROFILE(pl)		(((pl) >> 4) & 7)
#define DV_MPEG2_PROFILE_MAIN		4
#define DV_MPEG2_PROFILE_SIMPLE		5

/* The controls whose values a job carries to the daemon. */
static const u32 dv_mpeg2_ctrl_ids[] = {
	V4L2_CID_STATELESS_MPEG2_SEQUENCE,
	V4L2_CID_STATELESS_MPEG2_PICTURE,
	V4L2_CID_STATELESS_MPEG2_QUANTISATION,
};

static_assert(ARRAY_SIZE(dv_mpeg2_ctrl_ids) <= DV_MAX_JOB_CTRLS);

static const struct v4l2_ctrl_config dv_mpeg2_ctrls[] = {
	{ .id = V4L2_CID_STATELESS_MPEG2_SEQUENCE, .ops = &dv_ctrl_ops },
	{ .id = V4L2_CID_STATELESS_MPEG2_PICTURE },
	{ .id = V4L2_CID_STATELESS_MPEG2_QUANTISATION, .ops = &dv_ctrl_ops },
};

static const struct dv_menu_ctrl dv_mpeg2_menus[] = {
	{ V4L2_CID_MPEG_VIDEO_MPEG2_PROFILE, V4L2_MPEG_VIDEO_MPEG2_PROFILE_MAIN,
	  0, V4L2_MPEG_VIDEO_MPEG2_PROFILE_MAIN },
	{ V4L2_CID_MPEG_VIDEO_MPEG2_LEVEL, V4L2_MPEG_VIDEO_MPEG2_LEVEL_HIGH, 0,
	  V4L2_MPEG_VIDEO_MPEG2_LEVEL_MAIN },
};

/*
 * The core has checked chroma_format (1 to 3). Profile 0 is what a client
 * that never set the control (the default) or an MPEG-1 style sequence
 * without extension gives: taken as Main.
 */
static int dv_try_mpeg2_sequence(struct dv_ctx *ctx,
				 const struct v4l2_ctrl_mpeg2_sequence *seq)
{
	u16 pl = seq->profile_and_level_indication;

	if (seq->chroma_format != 1) {
		dv_ctx_dbg(ctx, "MPEG-2 sequence chroma_format %u is not supported (4:2:0 only)\n",
			   seq->chroma_format);
		return -EINVAL;
	}
	if (pl > 0xff || (pl & DV_MPEG2_PL_ESCAPE) ||
	    (pl && DV_MPEG2_PL_PROFILE(pl) != DV_MPEG2_PROFILE_MAIN &&
	     DV_MPEG2_PL_PROFILE(pl) != DV_MPEG2_PROFILE_SIMPLE)) {
		dv_ctx_dbg(ctx, "MPEG-2 sequence profile_and_level_indication %#x is not supported (Simple and Main profile)\n",
			   pl);
		return -EINVAL;
	}
	return dv_ctrls_check_bit_depth(ctx, "MPEG-2 sequence bit depth", 8);
}

/*
 * A zero quantiser is forbidden (ISO/IEC 13818-2 6.3.11). The chroma
 * matrices are not used for 4:2:0 and stay zero in the default value.
 */
static int dv_try_mpeg2_quantisation(struct dv_ctx *ctx,
				     const struct v4l2_ctrl_mpeg2_quantisation *q)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q->intra_quantiser_matrix); i++) {
		if (!q->intra_quantiser_matrix[i]) {
			dv_ctx_dbg(ctx, "MPEG-2 quantisation intra_quantiser_matrix[%u] is 0\n",
				   i);
			return -EINVAL;
		}
		if (!q->non_intra_quantiser_matrix[i]) {
			dv_ctx_dbg(ctx, "MPEG-2 quantisation non_intra_quantiser_matrix[%u] is 0\n",
				   i);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Sizes, and field pictures: two requests per frame whose CAPTURE buffer
 * would have to be held across both (V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF),
 * which the device does not offer. The picture control's default is a
 * top field, so it is refused here, per request, not when set.
 */
static int dv_mpeg2_check_run(struct dv_ctx *ctx, const struct dv_job *job)
{
	const struct v4l2_ctrl_mpeg2_sequence *seq;
	const struct v4l2_ctrl_mpeg2_picture *pic;

	seq = dv_job_ctrl(job, V4L2_CID_STATELESS_MPEG2_SEQUENCE, sizeof(*seq));
	pic = dv_job_ctrl(job, V4L2_CID_STATELESS_MPEG2_PICTURE, sizeof(*pic));
	if (!seq || !pic)
		return 0;

	/* Zero, and multiples of 4096, which would emulate a start code. */
	if (!(seq->horizontal_size % 4096) || !(seq->vertical_size % 4096)) {
		dv_ctx_dbg(ctx, "MPEG-2 sequence horizontal_size %u / vertical_size %u: zero or a multiple of 4096\n",
			   seq->horizontal_size, seq->vertical_size);
		return -EINVAL;
	}
	if (!dv_ctrls_size_fits(ctx, "MPEG-2 sequence horizontal_size x vertical_size",
				seq->horizontal_size, seq->vertical_size))
		return -EINVAL;
	if (pic->picture_structure != V4L2_MPEG2_PIC_FRAME) {
		dv_ctx_dbg(ctx, "MPEG-2 picture picture_structure %u: field pictures are not supported\n",
			   pic->picture_structure);
		return -EINVAL;
	}
	return 0;
}

static int dv_mpeg2_try_ctrl(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl)
{
	switch (ctrl->id) {
	case V4L2_CID_STATELESS_MPEG2_SEQUENCE:
		return dv_try_mpeg2_sequence(ctx, ctrl->p_new.p_mpeg2_sequence);
	case V4L2_CID_STATELESS_MPEG2_QUANTISATION:
		return dv_try_mpeg2_quantisation(ctx,
						 ctrl->p_new.p_mpeg2_quantisation);
	}
	return 0;
}

static const struct dv_codec_ops dv_mpeg2_ops = {
	.try_ctrl = dv_mpeg2_try_ctrl,
	.check_run = dv_mpeg2_check_run,
};

const struct dv_codec dv_mpeg2_codec = {
	.fourcc = V4L2_PIX_FMT_MPEG2_SLICE,
	.bridge_codec = DV_CODEC_ID_MPEG2,
	.frmsize = { 16, DV_MAX_WIDTH, 1, 16, DV_MAX_HEIGHT, 1 },
	.block = 16,
	.ctrl_ids = dv_mpeg2_ctrl_ids,
	.num_ctrl_ids = ARRAY_SIZE(dv_mpeg2_ctrl_ids),
	.picture_ctrl = V4L2_CID_STATELESS_MPEG2_PICTURE,
	.ctrls = dv_mpeg2_ctrls,
	.num_ctrls = ARRAY_SIZE(dv_mpeg2_ctrls),
	.menus = dv_mpeg2_menus,
	.num_menus = ARRAY_SIZE(dv_mpeg2_menus),
	.ops = &dv_mpeg2_ops,
};
