/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Splitting a V4L2 H.264 OUTPUT buffer into NAL units, and choosing the ones
 * the decoder gets.
 *
 * With V4L2_STATELESS_H264_START_CODE_ANNEX_B the buffer holds NAL units
 * each behind a 00 00 01 or 00 00 00 01 start code; with _NONE it holds a
 * single NAL unit without one (the uAPI gives no way to delimit several).
 */
#ifndef DV_H264_BITSTREAM_H
#define DV_H264_BITSTREAM_H

#include <stddef.h>
#include <stdint.h>

/* nal_unit_type values (H.264 table 7-1) this code cares about. */
enum dv_h264_nal_type {
	DV_H264_NAL_SLICE = 1,		/* coded slice of a non-IDR picture */
	DV_H264_NAL_SLICE_IDR = 5,
	DV_H264_NAL_SPS = 7,
	DV_H264_NAL_PPS = 8,
};

struct dv_h264_nal_reader {
	const uint8_t *buf;
	size_t size;
	size_t pos;
	int annex_b;	/* 0: the whole buffer is one NAL unit */
};

void dv_h264_nal_reader_init(struct dv_h264_nal_reader *r, const uint8_t *buf,
			     size_t size, int annex_b);

/*
 * Finds the next non-empty NAL unit: *@nal points at its header byte and
 * *@size excludes start codes and the zero bytes that may trail a NAL unit.
 * Bytes before the first start code are skipped. Returns 1 if a NAL unit
 * was found, 0 at the end of the buffer.
 */
int dv_h264_next_nal(struct dv_h264_nal_reader *r, const uint8_t **nal,
		     size_t *size);

/*
 * Whether a NAL unit goes to the decoder. Only coded slices (types 1 and 5)
 * do. Parameter sets in the buffer are dropped because the decoder gets the
 * ones rebuilt from the request's controls, which are what the uAPI says
 * applies. Everything else (SEI, delimiters, end of sequence or stream,
 * filler, data partitions, SVC/MVC extensions) is dropped too: a hardware
 * stateless decoder never sees them either, so a client cannot rely on
 * them, and some (end of sequence, recovery point SEI) would change
 * libavcodec's state behind the controls' back.
 */
int dv_h264_nal_is_decoded(const uint8_t *nal, size_t size);

#endif
