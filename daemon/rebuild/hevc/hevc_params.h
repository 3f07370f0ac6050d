/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rebuilding the HEVC parameter sets (VPS, SPS, PPS) from the V4L2 stateless
 * controls, as Annex-B NAL units a bitstream decoder takes.
 *
 * What the controls do not carry is written so that it cannot matter:
 * - the SPS's short-term reference picture sets and long-term candidates:
 *   the SPS has none (num_short_term_ref_pic_sets = 0,
 *   num_long_term_ref_pics_sps = 0) and every slice header is rewritten
 *   with its sets explicit (hevc_slice.h);
 * - the conformance window: none, the picture is the full coded size and
 *   the client crops, as with a hardware decoder;
 * - VUI, profile and level: none / Main or Main 10 / level 6.2: they
 *   concern display and conformance, not the decoding process;
 * - scaling lists: V4L2_CID_STATELESS_HEVC_SCALING_MATRIX carries the lists
 *   that apply to the picture (SPS or PPS lists, or the defaults), in raster
 *   order; the SPS says only scaling_list_enabled_flag and the PPS carries
 *   all of them explicitly, in up-right diagonal order.
 */
#ifndef DV_HEVC_PARAMS_H
#define DV_HEVC_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

/* Room for any of the three: the PPS's explicit lists take up to ~17k
 * bits, and emulation prevention adds up to half again. */
#define DV_HEVC_PARAM_NAL_MAX	6144

/* nal_unit_type values (H.265 table 7-1) this code cares about. */
enum dv_hevc_nal_type {
	DV_HEVC_NAL_RADL_N = 6,
	DV_HEVC_NAL_RASL_N = 8,
	DV_HEVC_NAL_RASL_R = 9,
	DV_HEVC_NAL_BLA_W_LP = 16,
	DV_HEVC_NAL_IDR_W_RADL = 19,
	DV_HEVC_NAL_IDR_N_LP = 20,
	DV_HEVC_NAL_CRA = 21,
	DV_HEVC_NAL_RSV_IRAP_23 = 23,
	DV_HEVC_NAL_VPS = 32,
	DV_HEVC_NAL_SPS = 33,
	DV_HEVC_NAL_PPS = 34,
};

/*
 * Up-right diagonal scan of an n x n block (n = 4 or 8, H.265 6.5.3):
 * scan position -> raster index (y * n + x).
 */
const uint8_t *dv_hevc_diag_scan(unsigned int n);

/*
 * Checks what the decoder needs of the SPS (4:2:0, 8 or 10 bits, sizes and
 * block sizes in range). Returns 0 or -EINVAL, with a log line naming the
 * field.
 */
int dv_hevc_sps_check(const struct v4l2_ctrl_hevc_sps *sps);

/* Each writes one Annex-B NAL unit into @out; 0, -EINVAL or -ENOSPC. */
int dv_hevc_write_vps(const struct v4l2_ctrl_hevc_sps *sps,
		      uint8_t *out, size_t cap, size_t *size);
int dv_hevc_write_sps(const struct v4l2_ctrl_hevc_sps *sps,
		      uint8_t *out, size_t cap, size_t *size);
/* @matrix may be NULL: then the default lists apply. */
int dv_hevc_write_pps(const struct v4l2_ctrl_hevc_sps *sps,
		      const struct v4l2_ctrl_hevc_pps *pps,
		      const struct v4l2_ctrl_hevc_scaling_matrix *matrix,
		      uint8_t *out, size_t cap, size_t *size);

#endif
