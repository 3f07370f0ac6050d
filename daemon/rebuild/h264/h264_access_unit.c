// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "rebuild/ctrl_records.h"
#include "rebuild/h264/h264_access_unit.h"
#include "rebuild/h264/h264_bitstream.h"
#include "util/log.h"

void dv_h264_au_forget(struct dv_h264_au_state *st)
{
	st->sps_size = 0;
	st->pps_size = 0;
}

/* The request's controls the access unit depends on. */
struct dv_h264_request_ctrls {
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	struct v4l2_ctrl_h264_scaling_matrix matrix;
	struct v4l2_ctrl_h264_decode_params decode;
	int have_matrix;
	int have_decode;
	int annex_b;
};

static int dv_h264_get_ctrls(const uint8_t *ctrls, size_t ctrls_size,
			     struct dv_h264_request_ctrls *c)
{
	int32_t start_code;
	int ret;

	ret = dv_ctrl_records_get(ctrls, ctrls_size, V4L2_CID_STATELESS_H264_SPS,
				  &c->sps, sizeof(c->sps));
	if (!ret)
		ret = dv_ctrl_records_get(ctrls, ctrls_size,
					  V4L2_CID_STATELESS_H264_PPS,
					  &c->pps, sizeof(c->pps));
	if (ret) {
		dv_err("H.264 request: no usable SPS and PPS controls (%d)", ret);
		return -EINVAL;
	}
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_H264_SCALING_MATRIX,
				  &c->matrix, sizeof(c->matrix));
	if (ret && ret != -ENOENT)
		return ret;
	c->have_matrix = !ret;
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_H264_DECODE_PARAMS,
				  &c->decode, sizeof(c->decode));
	if (ret && ret != -ENOENT)
		return ret;
	c->have_decode = !ret;
	/* A menu control: its payload is an s32. Annex-B is the default. */
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_H264_START_CODE,
				  &start_code, sizeof(start_code));
	if (ret == -ENOENT)
		start_code = V4L2_STATELESS_H264_START_CODE_ANNEX_B;
	else if (ret)
		return ret;
	if (start_code != V4L2_STATELESS_H264_START_CODE_ANNEX_B &&
	    start_code != V4L2_STATELESS_H264_START_CODE_NONE) {
		dv_err("H.264 request: start code mode %d is unknown", start_code);
		return -EINVAL;
	}
	c->annex_b = start_code == V4L2_STATELESS_H264_START_CODE_ANNEX_B;
	return 0;
}

/*
 * Whether 00 00 01 occurs in @nal. A NAL unit never holds one (7.4.1:
 * emulation prevention), and one read between start codes cannot; but
 * with START_CODE_NONE the whole buffer is taken as the NAL unit, and a
 * 00 00 01 inside would start, behind our start code, NAL units the
 * decoder then takes from the client: parameter sets, end of stream.
 */
static int dv_h264_has_start_code(const uint8_t *nal, size_t size)
{
	size_t i;

	for (i = 0; i + 3 <= size; i++)
		if (!nal[i] && !nal[i + 1] && nal[i + 2] == 1)
			return 1;
	return 0;
}

/* Appends a parameter set NAL unit unless it is the one last sent. */
static int dv_h264_au_add_param(struct dv_bytebuf *out, const uint8_t *last,
				size_t last_size, const uint8_t *nal,
				size_t size)
{
	if (size == last_size && !memcmp(nal, last, size))
		return 0;
	return dv_bytebuf_append(out, nal, size);
}

int dv_h264_au_build(struct dv_h264_au_state *st, const uint8_t *ctrls,
		     size_t ctrls_size, const uint8_t *bitstream,
		     size_t bitstream_size, struct dv_bytebuf *out,
		     struct dv_h264_au_info *info)
{
	static const uint8_t start_code[4] = { 0, 0, 0, 1 };
	uint8_t sps[DV_H264_PARAM_NAL_MAX], pps[DV_H264_PARAM_NAL_MAX];
	struct dv_h264_request_ctrls c;
	struct dv_h264_nal_reader reader;
	size_t sps_size, pps_size, nal_size;
	const uint8_t *nal;
	int ret;

	dv_bytebuf_clear(out);
	memset(info, 0, sizeof(*info));
	memset(&c, 0, sizeof(c));
	ret = dv_h264_get_ctrls(ctrls, ctrls_size, &c);
	if (ret)
		return ret;
	/* Without the flag the matrices are flat whatever the control says. */
	ret = dv_h264_write_sps(&c.sps, sps, sizeof(sps), &sps_size);
	if (!ret)
		ret = dv_h264_write_pps(&c.sps, &c.pps,
					c.have_matrix ? &c.matrix : NULL,
					pps, sizeof(pps), &pps_size);
	if (ret)
		return ret;
	ret = dv_h264_au_add_param(out, st->sps, st->sps_size, sps, sps_size);
	if (!ret)
		ret = dv_h264_au_add_param(out, st->pps, st->pps_size, pps,
					   pps_size);
	if (ret)
		return ret;

	dv_h264_nal_reader_init(&reader, bitstream, bitstream_size, c.annex_b);
	while (dv_h264_next_nal(&reader, &nal, &nal_size)) {
		if (!dv_h264_nal_is_decoded(nal, nal_size))
			continue;
		if (dv_h264_has_start_code(nal, nal_size)) {
			dv_err("H.264 request: a start code inside the %zu-byte slice NAL unit (%s)",
			       nal_size, c.annex_b ? "Annex-B" : "no start code");
			return -EINVAL;
		}
		/* A start code is safe in front of any NAL unit: emulation
		 * prevention keeps 00 00 0x out of its payload. */
		ret = dv_bytebuf_append(out, start_code, sizeof(start_code));
		if (!ret)
			ret = dv_bytebuf_append(out, nal, nal_size);
		if (ret)
			return ret;
		info->slices++;
	}
	if (!info->slices) {
		dv_err("H.264 request: no slice in the %zu-byte OUTPUT buffer (%s)",
		       bitstream_size, c.annex_b ? "Annex-B" : "no start code");
		return -EINVAL;
	}
	/* Remembered only now: a request that fails here sends nothing. */
	memcpy(st->sps, sps, sps_size);
	st->sps_size = sps_size;
	memcpy(st->pps, pps, pps_size);
	st->pps_size = pps_size;
	info->field_pic = c.have_decode &&
			  (c.decode.flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC);
	return 0;
}
