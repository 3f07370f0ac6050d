/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tests' own HEVC parameter set and slice header parser: it fills the
 * V4L2 controls from a stream as a client (GStreamer's h265 parser) does,
 * independently of the daemon's rebuild code (it shares only the bit
 * reader).
 */
#ifndef DV_TEST_HEVC_PARSE_H
#define DV_TEST_HEVC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

struct t_hevc_rps {
	unsigned int num_negative, num_positive;
	int32_t delta[32];
	uint8_t used[32];
};

struct t_hevc_sps {
	struct v4l2_ctrl_hevc_sps v4l2;
	unsigned int conf_left, conf_right, conf_top, conf_bottom;	/* luma samples */
	int have_lists;
	struct v4l2_ctrl_hevc_scaling_matrix lists;
	struct t_hevc_rps st[65];
};

struct t_hevc_pps {
	struct v4l2_ctrl_hevc_pps v4l2;
	/* the lists that apply: the PPS's, the SPS's or the defaults */
	struct v4l2_ctrl_hevc_scaling_matrix matrix;
};

struct t_hevc_slice {
	unsigned int nal_type;
	unsigned int first_slice_segment_in_pic;
	unsigned int slice_type;
	unsigned int dependent;
	uint32_t poc_lsb;
	int sps_rps;		/* short_term_ref_pic_set_sps_flag */
	struct t_hevc_rps rps;	/* the short-term set in use */
};

int t_hevc_parse_sps(const uint8_t *nal, size_t size, struct t_hevc_sps *sps);
int t_hevc_parse_pps(const uint8_t *nal, size_t size, const struct t_hevc_sps *sps,
		     struct t_hevc_pps *pps);
/* Up to the short-term reference picture set. */
int t_hevc_parse_slice(const uint8_t *nal, size_t size, const struct t_hevc_sps *sps,
		       const struct t_hevc_pps *pps, struct t_hevc_slice *sl);

#endif
