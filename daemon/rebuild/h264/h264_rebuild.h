/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rebuilding H.264 parameter set NAL units from the V4L2 stateless controls,
 * so a bitstream decoder that wants SPS and PPS NAL units decodes exactly
 * with the parameters the client set for the request.
 *
 * Scaling matrices: the uAPI carries the matrices that apply to the picture
 * (sequence and picture lists already merged, fall-back rules applied) in
 * V4L2_CID_STATELESS_H264_SCALING_MATRIX, each list in raster order, and
 * signals them with V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT; without that
 * flag the matrices are flat. So the SPS never carries lists, and the PPS
 * carries every list explicitly (in zig-zag order, as the syntax wants)
 * when the flag is set.
 */
#ifndef DV_H264_REBUILD_H
#define DV_H264_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

/* Room enough for either NAL unit: the SPS's 255 offset_for_ref_frame
 * values take at most 255 * 65 bits, the PPS's lists 8 * 64 * 9 bits. */
#define DV_H264_PARAM_NAL_MAX	4096

/*
 * Zig-zag scan of an n x n block (n = 4 or 8): scan position -> raster
 * index (row * n + column), as table 8-12/8-13 of H.264 for frame blocks.
 */
const uint8_t *dv_h264_zigzag(unsigned int n);

/*
 * Writes the SPS as an Annex-B NAL unit (00 00 00 01 start code) into @out.
 * Returns 0, -EINVAL for values the uAPI allows but the decoder cannot
 * use (unsupported profile, chroma format, bit depth; out-of-range fields),
 * or -ENOSPC.
 */
int dv_h264_write_sps(const struct v4l2_ctrl_h264_sps *sps,
		      uint8_t *out, size_t cap, size_t *size);

/*
 * Writes the PPS as an Annex-B NAL unit. @sps is the SPS the PPS refers to;
 * @matrix is used (and required) only if @pps has
 * V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT. Returns 0, -EINVAL or -ENOSPC.
 */
int dv_h264_write_pps(const struct v4l2_ctrl_h264_sps *sps,
		      const struct v4l2_ctrl_h264_pps *pps,
		      const struct v4l2_ctrl_h264_scaling_matrix *matrix,
		      uint8_t *out, size_t cap, size_t *size);

#endif
