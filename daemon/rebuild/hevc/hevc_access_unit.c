// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "rebuild/ctrl_records.h"
#include "rebuild/h264/h264_bitstream.h"
#include "rebuild/hevc/hevc_access_unit.h"
#include "rebuild/hevc/hevc_slice.h"
#include "util/log.h"

void dv_hevc_au_forget(struct dv_hevc_au_state *st)
{
	st->params_size = 0;
}

/* The request's controls the access unit depends on. */
struct dv_hevc_request_ctrls {
	struct v4l2_ctrl_hevc_sps sps;
	struct v4l2_ctrl_hevc_pps pps;
	struct v4l2_ctrl_hevc_scaling_matrix matrix;
	struct v4l2_ctrl_hevc_decode_params decode;
	int have_matrix;
};

static int dv_hevc_get_ctrls(const uint8_t *ctrls, size_t ctrls_size,
			     struct dv_hevc_request_ctrls *c)
{
	int ret;

	ret = dv_ctrl_records_get(ctrls, ctrls_size, V4L2_CID_STATELESS_HEVC_SPS,
				  &c->sps, sizeof(c->sps));
	if (!ret)
		ret = dv_ctrl_records_get(ctrls, ctrls_size,
					  V4L2_CID_STATELESS_HEVC_PPS,
					  &c->pps, sizeof(c->pps));
	if (!ret)
		ret = dv_ctrl_records_get(ctrls, ctrls_size,
					  V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
					  &c->decode, sizeof(c->decode));
	if (ret) {
		dv_err("HEVC request: no usable SPS, PPS and decode parameters controls (%d)",
		       ret);
		return -EINVAL;
	}
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_HEVC_SCALING_MATRIX,
				  &c->matrix, sizeof(c->matrix));
	if (ret && ret != -ENOENT)
		return ret;
	c->have_matrix = !ret;
	if (c->decode.num_active_dpb_entries > V4L2_HEVC_DPB_ENTRIES_NUM_MAX) {
		dv_err("HEVC decode params: num_active_dpb_entries %u",
		       c->decode.num_active_dpb_entries);
		return -EINVAL;
	}
	return 0;
}

/*
 * Whether a NAL unit goes to the decoder: the coded slice segments of the
 * base layer (types 0-9 and the IRAP types 16-21). Parameter sets are the
 * rebuilt ones; SEI, delimiters, end of sequence or bitstream and filler
 * never reach a hardware stateless decoder either, and some would change
 * libavcodec's state behind the controls' back.
 */
static int dv_hevc_nal_is_decoded(const uint8_t *nal, size_t size)
{
	unsigned int type, layer;

	if (size < 3 || (nal[0] & 0x80) || !(nal[1] & 7))
		return 0;
	type = nal[0] >> 1 & 0x3f;
	layer = (nal[0] & 1) << 5 | nal[1] >> 3;
	return layer == 0 && (type <= DV_HEVC_NAL_RASL_R ||
			      (type >= DV_HEVC_NAL_BLA_W_LP && type <= DV_HEVC_NAL_CRA));
}

int dv_hevc_au_build(struct dv_hevc_au_state *st, const uint8_t *ctrls,
		     size_t ctrls_size, const uint8_t *bitstream,
		     size_t bitstream_size, struct dv_bytebuf *out,
		     struct dv_hevc_au_info *info)
{
	uint8_t params[3 * DV_HEVC_PARAM_NAL_MAX];
	struct dv_hevc_request_ctrls c;
	struct dv_hevc_slice_ctrls sc;
	struct dv_hevc_slice_info si;
	struct dv_h264_nal_reader reader;
	size_t vps_size, sps_size, pps_size, params_size, nal_size;
	unsigned int rasl = 0;
	const uint8_t *nal;
	int ret;

	dv_bytebuf_clear(out);
	memset(info, 0, sizeof(*info));
	memset(&c, 0, sizeof(c));
	ret = dv_hevc_get_ctrls(ctrls, ctrls_size, &c);
	if (ret)
		return ret;
	ret = dv_hevc_write_vps(&c.sps, params, DV_HEVC_PARAM_NAL_MAX, &vps_size);
	if (!ret)
		ret = dv_hevc_write_sps(&c.sps, params + vps_size,
					DV_HEVC_PARAM_NAL_MAX, &sps_size);
	if (!ret)
		ret = dv_hevc_write_pps(&c.sps, &c.pps,
					c.have_matrix ? &c.matrix : NULL,
					params + vps_size + sps_size,
					DV_HEVC_PARAM_NAL_MAX, &pps_size);
	if (ret)
		return ret;
	params_size = vps_size + sps_size + pps_size;
	/*
	 * All three again when any changed (libavcodec drops the PPSs of an
	 * SPS it replaces), else none: a decoder re-activating a changed SPS
	 * drops its references.
	 */
	if (params_size != st->params_size ||
	    memcmp(params, st->params, params_size)) {
		ret = dv_bytebuf_append(out, params, params_size);
		if (ret)
			return ret;
	}

	sc.sps = &c.sps;
	sc.pps = &c.pps;
	sc.decode = &c.decode;
	sc.rps_from_decode_params = st->rps_from_decode_params;
	dv_h264_nal_reader_init(&reader, bitstream, bitstream_size, 1);
	while (dv_h264_next_nal(&reader, &nal, &nal_size)) {
		if (!dv_hevc_nal_is_decoded(nal, nal_size))
			continue;
		ret = dv_hevc_slice_rewrite(&sc, nal, nal_size, out, &si);
		if (ret)
			return ret;
		rasl += si.nal_type == DV_HEVC_NAL_RASL_N ||
			si.nal_type == DV_HEVC_NAL_RASL_R;
		info->slices++;
	}
	if (!info->slices) {
		dv_err("HEVC request: no slice in the %zu-byte OUTPUT buffer",
		       bitstream_size);
		return -EINVAL;
	}
	/* Remembered only now: a request that fails here sends nothing. */
	memcpy(st->params, params, params_size);
	st->params_size = params_size;
	info->rasl = rasl == info->slices;
	info->width = c.sps.pic_width_in_luma_samples;
	info->height = c.sps.pic_height_in_luma_samples;
	info->bit_depth = c.sps.bit_depth_luma_minus8 + 8;
	return 0;
}
