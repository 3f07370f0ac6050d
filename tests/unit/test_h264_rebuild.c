// SPDX-License-Identifier: BSD-2-Clause
/*
 * SPS/PPS rebuilt from V4L2 controls, parsed back with the tests' own
 * parser: every field must come back as the controls said.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "rebuild/h264/h264_rebuild.h"
#include "h264_test_parse.h"

DV_TEST_DEFINE_FAILURES;

#define SAME(field) CHECK_EQ(got->field, want->field)

static void compare_sps(const char *name, const struct v4l2_ctrl_h264_sps *want,
			const struct v4l2_ctrl_h264_sps *got)
{
	unsigned int i;

	fprintf(stderr, "case %s: SPS\n", name);
	SAME(profile_idc);
	SAME(constraint_set_flags);
	SAME(level_idc);
	SAME(seq_parameter_set_id);
	SAME(chroma_format_idc);
	SAME(bit_depth_luma_minus8);
	SAME(bit_depth_chroma_minus8);
	SAME(log2_max_frame_num_minus4);
	SAME(pic_order_cnt_type);
	SAME(max_num_ref_frames);
	SAME(pic_width_in_mbs_minus1);
	SAME(pic_height_in_map_units_minus1);
	SAME(flags);
	if (want->pic_order_cnt_type == 0)
		SAME(log2_max_pic_order_cnt_lsb_minus4);
	if (want->pic_order_cnt_type == 1) {
		SAME(offset_for_non_ref_pic);
		SAME(offset_for_top_to_bottom_field);
		SAME(num_ref_frames_in_pic_order_cnt_cycle);
		for (i = 0; i < want->num_ref_frames_in_pic_order_cnt_cycle; i++)
			SAME(offset_for_ref_frame[i]);
	}
}

static void compare_pps(const char *name, const struct v4l2_ctrl_h264_pps *want,
			const struct v4l2_ctrl_h264_scaling_matrix *want_m,
			const struct t_pps *parsed)
{
	const struct v4l2_ctrl_h264_pps *got = &parsed->v4l2;
	unsigned int i;

	fprintf(stderr, "case %s: PPS\n", name);
	SAME(pic_parameter_set_id);
	SAME(seq_parameter_set_id);
	SAME(num_slice_groups_minus1);
	SAME(num_ref_idx_l0_default_active_minus1);
	SAME(num_ref_idx_l1_default_active_minus1);
	SAME(weighted_bipred_idc);
	SAME(pic_init_qp_minus26);
	SAME(pic_init_qs_minus26);
	SAME(chroma_qp_index_offset);
	SAME(second_chroma_qp_index_offset);
	SAME(flags);
	if (!(want->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT))
		return;
	for (i = 0; i < 6; i++)
		CHECK(!memcmp(parsed->matrix.scaling_list_4x4[i],
			      want_m->scaling_list_4x4[i], 16),
		      "4x4 list %u differs", i);
	if (want->flags & V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE)
		for (i = 0; i < 2; i++)
			CHECK(!memcmp(parsed->matrix.scaling_list_8x8[i],
				      want_m->scaling_list_8x8[i], 64),
			      "8x8 list %u differs", i);
}

static void round_trip(const char *name, const struct v4l2_ctrl_h264_sps *sps,
		       const struct v4l2_ctrl_h264_pps *pps,
		       const struct v4l2_ctrl_h264_scaling_matrix *matrix)
{
	uint8_t nal[DV_H264_PARAM_NAL_MAX];
	struct t_sps parsed_sps;
	struct t_pps parsed_pps;
	size_t size;
	int ret;

	ret = dv_h264_write_sps(sps, nal, sizeof(nal), &size);
	CHECK(ret == 0, "%s: write_sps: %d", name, ret);
	if (ret)
		return;
	CHECK(size > 5 && !memcmp(nal, "\0\0\0\1", 4) && nal[4] == 0x67,
	      "%s: SPS NAL header", name);
	CHECK(t_parse_sps_nal(nal + 4, size - 4, &parsed_sps) == 0,
	      "%s: SPS does not parse", name);
	compare_sps(name, sps, &parsed_sps.v4l2);
	CHECK(!parsed_sps.seq_scaling_matrix_present, "%s: SPS lists", name);
	CHECK(!parsed_sps.frame_cropping, "%s: SPS cropping", name);

	ret = dv_h264_write_pps(sps, pps, matrix, nal, sizeof(nal), &size);
	CHECK(ret == 0, "%s: write_pps: %d", name, ret);
	if (ret)
		return;
	CHECK(size > 5 && !memcmp(nal, "\0\0\0\1", 4) && nal[4] == 0x68,
	      "%s: PPS NAL header", name);
	CHECK(t_parse_pps_nal(nal + 4, size - 4, &parsed_sps, &parsed_pps) == 0,
	      "%s: PPS does not parse", name);
	compare_pps(name, pps, matrix, &parsed_pps);
	/* Baseline and Main decoders must not see the High profile tail. */
	if (sps->profile_idc != 100)
		CHECK(!parsed_pps.has_tail, "%s: PPS has a High tail", name);
}

static struct v4l2_ctrl_h264_sps base_sps(void)
{
	struct v4l2_ctrl_h264_sps sps;

	memset(&sps, 0, sizeof(sps));
	sps.profile_idc = 66;
	sps.constraint_set_flags = V4L2_H264_SPS_CONSTRAINT_SET0_FLAG |
				   V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
	sps.level_idc = 30;
	sps.chroma_format_idc = 1;
	sps.log2_max_frame_num_minus4 = 0;
	sps.pic_order_cnt_type = 2;
	sps.max_num_ref_frames = 1;
	sps.pic_width_in_mbs_minus1 = 19;
	sps.pic_height_in_map_units_minus1 = 14;
	sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY |
		    V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
	return sps;
}

static struct v4l2_ctrl_h264_pps base_pps(void)
{
	struct v4l2_ctrl_h264_pps pps;

	memset(&pps, 0, sizeof(pps));
	pps.flags = V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
	return pps;
}

/* Asymmetric, all different: a transposed or misordered list shows. */
static void fill_matrix(struct v4l2_ctrl_h264_scaling_matrix *m)
{
	unsigned int i, j;

	for (i = 0; i < 6; i++)
		for (j = 0; j < 16; j++)
			m->scaling_list_4x4[i][j] = (uint8_t)(4 + j * 11 + i * 7 + (j % 4) * 3);
	for (i = 0; i < 6; i++)
		for (j = 0; j < 64; j++)
			m->scaling_list_8x8[i][j] = (uint8_t)(1 + (j * 37 + i * 13) % 255);
}

static void test_cases(void)
{
	struct v4l2_ctrl_h264_scaling_matrix matrix;
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	unsigned int i;

	fill_matrix(&matrix);

	sps = base_sps();
	pps = base_pps();
	round_trip("baseline", &sps, &pps, NULL);

	sps = base_sps();
	sps.profile_idc = 77;
	sps.constraint_set_flags = V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
	sps.level_idc = 41;
	sps.seq_parameter_set_id = 3;
	sps.log2_max_frame_num_minus4 = 5;
	sps.pic_order_cnt_type = 0;
	sps.log2_max_pic_order_cnt_lsb_minus4 = 7;
	sps.max_num_ref_frames = 4;
	sps.pic_width_in_mbs_minus1 = 119;
	sps.pic_height_in_map_units_minus1 = 33;
	sps.flags = V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD |
		    V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE |
		    V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED;
	pps = base_pps();
	pps.pic_parameter_set_id = 200;
	pps.seq_parameter_set_id = 3;
	pps.num_ref_idx_l0_default_active_minus1 = 3;
	pps.num_ref_idx_l1_default_active_minus1 = 1;
	pps.weighted_bipred_idc = 1;
	pps.pic_init_qp_minus26 = -10;
	pps.pic_init_qs_minus26 = 5;
	pps.chroma_qp_index_offset = -2;
	pps.second_chroma_qp_index_offset = -2;
	pps.flags |= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE |
		     V4L2_H264_PPS_FLAG_WEIGHTED_PRED |
		     V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;
	round_trip("main MBAFF weighted", &sps, &pps, NULL);

	sps.flags &= ~V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
	round_trip("main field (PAFF)", &sps, &pps, NULL);

	sps = base_sps();
	sps.profile_idc = 100;
	sps.constraint_set_flags = 0;
	sps.level_idc = 51;
	sps.pic_order_cnt_type = 1;
	sps.offset_for_non_ref_pic = -3;
	sps.offset_for_top_to_bottom_field = 7;
	sps.num_ref_frames_in_pic_order_cnt_cycle = 5;
	sps.offset_for_ref_frame[0] = 2;
	sps.offset_for_ref_frame[1] = -4;
	sps.offset_for_ref_frame[2] = 0;
	sps.offset_for_ref_frame[3] = 100000;
	sps.offset_for_ref_frame[4] = -1;
	sps.max_num_ref_frames = 16;
	sps.flags |= V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO;
	pps = base_pps();
	pps.num_ref_idx_l0_default_active_minus1 = 31;
	pps.weighted_bipred_idc = 2;
	pps.pic_init_qp_minus26 = -26;
	pps.pic_init_qs_minus26 = 25;
	pps.chroma_qp_index_offset = 12;
	pps.second_chroma_qp_index_offset = -12;
	pps.flags |= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE |
		     V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT |
		     V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED |
		     V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT |
		     V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE;
	round_trip("high 8x8 matrices poc1", &sps, &pps, &matrix);

	pps.flags &= ~V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
	round_trip("high 4x4 matrices", &sps, &pps, &matrix);

	/* Without the flag the matrices are flat, whatever the control. */
	pps.flags &= ~V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
	pps.flags |= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
	round_trip("high 8x8 flat", &sps, &pps, &matrix);

	/* Only the second chroma offset calls for the tail. */
	pps.flags = 0;
	pps.chroma_qp_index_offset = 1;
	pps.second_chroma_qp_index_offset = 2;
	round_trip("high second chroma qp", &sps, &pps, NULL);

	/* The largest SPS: 255 POC cycle offsets of the largest magnitude. */
	sps.num_ref_frames_in_pic_order_cnt_cycle = 255;
	for (i = 0; i < 255; i++)
		sps.offset_for_ref_frame[i] = i % 2 ? INT32_MAX : -INT32_MAX;
	sps.offset_for_non_ref_pic = INT32_MAX;
	sps.offset_for_top_to_bottom_field = -INT32_MAX;
	sps.pic_width_in_mbs_minus1 = 65535;
	sps.pic_height_in_map_units_minus1 = 65535;
	round_trip("high largest SPS", &sps, &pps, NULL);
}

static void test_refusals(void)
{
	struct v4l2_ctrl_h264_scaling_matrix matrix;
	struct v4l2_ctrl_h264_sps sps = base_sps();
	struct v4l2_ctrl_h264_pps pps = base_pps();
	uint8_t nal[DV_H264_PARAM_NAL_MAX];
	size_t size;

	fill_matrix(&matrix);
	sps.profile_idc = 88;
	CHECK_EQ(dv_h264_write_sps(&sps, nal, sizeof(nal), &size), -EINVAL);
	sps = base_sps();
	sps.chroma_format_idc = 2;
	CHECK_EQ(dv_h264_write_sps(&sps, nal, sizeof(nal), &size), -EINVAL);
	sps = base_sps();
	sps.profile_idc = 100;
	sps.bit_depth_luma_minus8 = 2;
	CHECK_EQ(dv_h264_write_sps(&sps, nal, sizeof(nal), &size), -EINVAL);
	sps = base_sps();
	sps.pic_order_cnt_type = 3;
	CHECK_EQ(dv_h264_write_sps(&sps, nal, sizeof(nal), &size), -EINVAL);
	sps = base_sps();
	sps.offset_for_non_ref_pic = INT32_MIN;
	sps.pic_order_cnt_type = 1;
	CHECK_EQ(dv_h264_write_sps(&sps, nal, sizeof(nal), &size), -EINVAL);
	sps = base_sps();
	CHECK_EQ(dv_h264_write_sps(&sps, nal, 8, &size), -ENOSPC);

	pps.seq_parameter_set_id = 1;
	CHECK_EQ(dv_h264_write_pps(&sps, &pps, NULL, nal, sizeof(nal), &size), -EINVAL);
	pps = base_pps();
	pps.num_slice_groups_minus1 = 1;
	CHECK_EQ(dv_h264_write_pps(&sps, &pps, NULL, nal, sizeof(nal), &size), -EINVAL);
	pps = base_pps();
	pps.pic_init_qp_minus26 = 26;
	CHECK_EQ(dv_h264_write_pps(&sps, &pps, NULL, nal, sizeof(nal), &size), -EINVAL);
	pps = base_pps();
	pps.flags |= V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
	CHECK_EQ(dv_h264_write_pps(&sps, &pps, NULL, nal, sizeof(nal), &size), -EINVAL);
	matrix.scaling_list_4x4[2][5] = 0;
	CHECK_EQ(dv_h264_write_pps(&sps, &pps, &matrix, nal, sizeof(nal), &size), -EINVAL);
}

/* The scans, against a generator, and the convention they encode: raster
 * index = row * n + column, and the scan goes right before it goes down. */
static void test_zigzag(void)
{
	uint8_t scan[64];

	t_zigzag(4, scan);
	CHECK(!memcmp(scan, dv_h264_zigzag(4), 16), "4x4 zig-zag table");
	t_zigzag(8, scan);
	CHECK(!memcmp(scan, dv_h264_zigzag(8), 64), "8x8 zig-zag table");
	CHECK_EQ(dv_h264_zigzag(4)[1], 1);
	CHECK_EQ(dv_h264_zigzag(4)[2], 4);
	CHECK_EQ(dv_h264_zigzag(8)[2], 8);
	CHECK_EQ(dv_h264_zigzag(8)[63], 63);
}

int main(void)
{
	test_zigzag();
	test_cases();
	test_refusals();
	return TEST_RESULT();
}
