// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 sequence header OBU (5.5) from V4L2_CID_STATELESS_AV1_SEQUENCE, and
 * the facts of it that frame headers are written against.
 *
 * The header is canonical: the same bytes for every frame of a stream,
 * whatever per-frame variation a client puts in the control. libdav1d
 * takes a sequence header that differs from the last one as a new sequence
 * and drops every reference slot, and libva-v4l2-request rebuilds the
 * control from each frame's VA parameters: the maximum frame size is that
 * frame's size, and superres, loop restoration, warped motion, reference
 * frame MVs and separate UV delta Q are set only when that frame uses them.
 * Those only allow syntax in frame headers, which are written from the
 * FRAME control (a frame that does not use a tool says so there), so they
 * are always enabled here, and the maximum frame size is the largest the
 * syntax can carry (every frame header carries its own size:
 * frame_size_override_flag is always 1). Everything that changes how
 * tiles are coded stays as the client sent it.
 */
#include <errno.h>
#include <string.h>

#include "rebuild/av1/av1_internal.h"
#include "rebuild/av1/av1_rebuild.h"

int dv_av1_seq_info(const struct v4l2_ctrl_av1_sequence *seq,
		    struct dv_av1_seq_info *si)
{
	const uint32_t fl = seq->flags;

	memset(si, 0, sizeof(*si));
	si->frame_width_bits = DV_AV1_FRAME_SIZE_BITS;
	si->frame_height_bits = DV_AV1_FRAME_SIZE_BITS;
	si->enable_order_hint = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT);
	si->order_hint_bits = si->enable_order_hint ? seq->order_hint_bits : 0;
	if (si->enable_order_hint &&
	    (seq->order_hint_bits < 1 || seq->order_hint_bits > 8))
		return -EINVAL;
	si->use_128 = !!(fl & V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK);
	si->enable_cdef = !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF);
	si->mono = !!(fl & V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME);
	si->ss_x = !!(fl & V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X);
	si->ss_y = !!(fl & V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y);
	/* Tools that only allow frame header syntax: always on (see above). */
	si->enable_superres = 1;
	si->enable_restoration = 1;
	si->enable_warped_motion = 1;
	si->enable_ref_frame_mvs = si->enable_order_hint;
	si->separate_uv_delta_q = !si->mono;
	si->film_grain = !!(fl & V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT);
	si->num_planes = si->mono ? 1 : 3;
	if (seq->seq_profile > 2 || (seq->seq_profile == 1 && si->mono))
		return -EINVAL;
	if (seq->bit_depth != 8 && seq->bit_depth != 10 &&
	    !(seq->bit_depth == 12 && seq->seq_profile == 2))
		return -EINVAL;
	return 0;
}

/* 5.5.2 color_config() */
static int dv_av1_color_config(struct dv_bitwriter *bw,
			       const struct v4l2_ctrl_av1_sequence *seq,
			       const struct dv_av1_seq_info *si)
{
	const int color_range = !!(seq->flags & V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE);

	dv_av1_f(bw, 1, seq->bit_depth > 8);		/* high_bitdepth */
	if (seq->seq_profile == 2 && seq->bit_depth > 8)
		dv_av1_f(bw, 1, seq->bit_depth == 12);	/* twelve_bit */
	if (seq->seq_profile != 1)
		dv_av1_f(bw, 1, si->mono);		/* mono_chrome */
	dv_av1_f(bw, 1, 0);	/* color_description_present_flag */
	if (si->mono) {
		dv_av1_f(bw, 1, color_range);
		return 0;
	}
	dv_av1_f(bw, 1, color_range);
	if (seq->seq_profile == 0) {
		if (!si->ss_x || !si->ss_y)
			return -EINVAL;
	} else if (seq->seq_profile == 1) {
		if (si->ss_x || si->ss_y)
			return -EINVAL;
	} else if (seq->bit_depth == 12) {
		dv_av1_f(bw, 1, si->ss_x);
		if (si->ss_x)
			dv_av1_f(bw, 1, si->ss_y);
		else if (si->ss_y)
			return -EINVAL;
	} else if (!si->ss_x || si->ss_y) {
		return -EINVAL;		/* profile 2, 8/10-bit: 4:2:2 */
	}
	if (si->ss_x && si->ss_y)
		dv_av1_f(bw, 2, 0);	/* chroma_sample_position: unknown */
	dv_av1_f(bw, 1, si->separate_uv_delta_q);
	return 0;
}

int dv_av1_write_sequence_header(const struct v4l2_ctrl_av1_sequence *seq,
				 uint8_t *out, size_t cap, size_t *size)
{
	const uint32_t fl = seq->flags;
	uint8_t scratch[64];
	struct dv_bitwriter bw;
	struct dv_av1_seq_info si;
	int ret = dv_av1_seq_info(seq, &si);

	if (ret)
		return ret;
	dv_bw_init(&bw, scratch, sizeof(scratch));
	dv_av1_f(&bw, 3, seq->seq_profile);
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE));
	dv_av1_f(&bw, 1, 0);	/* reduced_still_picture_header */
	dv_av1_f(&bw, 1, 0);	/* timing_info_present_flag */
	dv_av1_f(&bw, 1, 0);	/* initial_display_delay_present_flag */
	dv_av1_f(&bw, 5, 0);	/* operating_points_cnt_minus_1 */
	dv_av1_f(&bw, 12, 0);	/* operating_point_idc[0]: all layers */
	dv_av1_f(&bw, 5, 31);	/* seq_level_idx[0]: no level constraint */
	dv_av1_f(&bw, 1, 0);	/* seq_tier[0] */
	dv_av1_f(&bw, 4, si.frame_width_bits - 1);
	dv_av1_f(&bw, 4, si.frame_height_bits - 1);
	dv_av1_f(&bw, si.frame_width_bits, (1u << si.frame_width_bits) - 1);
	dv_av1_f(&bw, si.frame_height_bits, (1u << si.frame_height_bits) - 1);
	dv_av1_f(&bw, 1, 0);	/* frame_id_numbers_present_flag */
	dv_av1_f(&bw, 1, si.use_128);
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA));
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER));
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND));
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND));
	dv_av1_f(&bw, 1, si.enable_warped_motion);
	dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER));
	dv_av1_f(&bw, 1, si.enable_order_hint);
	if (si.enable_order_hint) {
		dv_av1_f(&bw, 1, !!(fl & V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP));
		dv_av1_f(&bw, 1, si.enable_ref_frame_mvs);
	}
	/* Screen content tools and integer MVs chosen per frame: every frame
	 * header then says what the frame uses. */
	dv_av1_f(&bw, 1, 1);	/* seq_choose_screen_content_tools */
	dv_av1_f(&bw, 1, 1);	/* seq_choose_integer_mv */
	if (si.enable_order_hint)
		dv_av1_f(&bw, 3, si.order_hint_bits - 1);
	dv_av1_f(&bw, 1, si.enable_superres);
	dv_av1_f(&bw, 1, si.enable_cdef);
	dv_av1_f(&bw, 1, si.enable_restoration);
	ret = dv_av1_color_config(&bw, seq, &si);
	if (ret)
		return ret;
	dv_av1_f(&bw, 1, si.film_grain);
	dv_bw_trailing_bits(&bw);
	return dv_av1_finish_obu(&bw, DV_AV1_OBU_SEQUENCE_HEADER, scratch,
				 out, cap, size);
}