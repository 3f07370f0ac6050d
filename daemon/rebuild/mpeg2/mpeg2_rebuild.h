/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Turning one V4L2 MPEG-2 request (its sequence, picture and quantisation
 * controls and the slices in its OUTPUT buffer) into the bytes of one
 * picture an MPEG-2 video decoder can take (ISO/IEC 13818-2 6.2): the
 * sequence header and sequence extension when the sequence is new, then
 * the picture header, picture coding extension and quant matrix extension
 * rebuilt from the controls, then the request's slices.
 *
 * The decoder keeps its own two reference pictures (the past and the
 * future one); the request names them by the timestamps of the CAPTURE
 * buffers they were decoded into (forward_ref_ts, backward_ref_ts). The
 * state tracks which timestamps the decoder holds, so a request naming
 * others is noticed.
 */
#ifndef DV_MPEG2_REBUILD_H
#define DV_MPEG2_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include <linux/v4l2-controls.h>

#include "util/bytebuf.h"

/* Largest header block: sequence header with both matrices, sequence
 * extension, picture header, picture coding and quant matrix extensions. */
#define DV_MPEG2_HEADERS_MAX	512

/*
 * The reference pictures the decoder holds, by timestamp: ts[1] the most
 * recent I or P picture (a P picture's forward reference, a B picture's
 * backward one), ts[0] the one before it (a B picture's forward reference).
 */
struct dv_mpeg2_refs {
	uint64_t ts[2];
	unsigned int count;		/* 0, 1 or 2 of them valid */
};

struct dv_mpeg2_state {
	/* The sequence last handed to the decoder: sent again on change. */
	struct v4l2_ctrl_mpeg2_sequence seq;
	int seq_sent;
	/* The previous request was the first field of a frame. */
	int first_field_sent;
	uint8_t first_field_structure;
	uint64_t first_field_ts;
	struct dv_mpeg2_refs refs;
};

/* What the caller needs to know about the request beyond the bytes. */
struct dv_mpeg2_info {
	uint8_t coding_type;		/* V4L2_MPEG2_PIC_CODING_TYPE_* */
	uint8_t structure;		/* V4L2_MPEG2_PIC_* */
	int second_field;		/* completes the previous request's frame */
	int refs_match;			/* the named references are the held ones */
	unsigned int slices;
};

/* Forget the stream: next request sends the sequence, no reference held. */
void dv_mpeg2_forget(struct dv_mpeg2_state *st);

/*
 * sequence_header() and sequence_extension() of @seq, into @out (@cap
 * bytes). The matrices are the defaults: the picture's quant matrix
 * extension carries the request's. Returns 0 or -ENOSPC; *@size written.
 */
int dv_mpeg2_write_sequence(const struct v4l2_ctrl_mpeg2_sequence *seq,
			    uint8_t *out, size_t cap, size_t *size);

/*
 * picture_header(), picture_coding_extension() and, when @quant is not
 * NULL, quant_matrix_extension() loading its intra and non-intra matrices
 * (zigzag order, as the control and the bitstream have them).
 * Returns 0 or -ENOSPC.
 */
int dv_mpeg2_write_picture(const struct v4l2_ctrl_mpeg2_picture *pic,
			   const struct v4l2_ctrl_mpeg2_quantisation *quant,
			   uint8_t *out, size_t cap, size_t *size);

/*
 * Appends every slice of @bitstream (start code 00 00 01 01..AF and the
 * bytes up to the next start code) to @out; anything else (sequence,
 * picture, extension, user data, GOP headers a client may leave in) is
 * dropped, since those are rebuilt from the controls. *@slices gets the
 * number of slices. Returns 0, -EINVAL (no slice) or -ENOMEM.
 */
int dv_mpeg2_append_slices(const uint8_t *bitstream, size_t size,
			   struct dv_bytebuf *out, unsigned int *slices);

/*
 * Whether @pic's references are the ones @refs holds (for a P picture the
 * forward one, for a B picture both; an I picture has none). A second
 * field of a P frame may name its own frame (@own_ts). Returns 1 or 0.
 */
int dv_mpeg2_refs_match(const struct dv_mpeg2_refs *refs,
			const struct v4l2_ctrl_mpeg2_picture *pic,
			uint64_t own_ts);

/* After an I or P picture (not a B one) decoded into @ts. */
void dv_mpeg2_refs_push(struct dv_mpeg2_refs *refs, uint64_t ts);

/*
 * Builds the picture of one request into @out (emptied first); @timestamp
 * is the request's (its CAPTURE buffer's) in ns. Returns 0, -EINVAL
 * (missing or malformed controls, no slice) or -ENOMEM.
 */
int dv_mpeg2_build(struct dv_mpeg2_state *st, const uint8_t *ctrls,
		   size_t ctrls_size, const uint8_t *bitstream,
		   size_t bitstream_size, uint64_t timestamp,
		   struct dv_bytebuf *out, struct dv_mpeg2_info *info);

#endif
