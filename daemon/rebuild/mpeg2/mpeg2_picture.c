// SPDX-License-Identifier: BSD-2-Clause
/*
 * One request into one picture's bytes (mpeg2_rebuild.h): the headers
 * rebuilt from the controls, the slices taken from the OUTPUT buffer, and
 * the reference pictures the decoder holds followed by timestamp.
 */
#include <errno.h>
#include <string.h>

#include "rebuild/ctrl_records.h"
#include "rebuild/mpeg2/mpeg2_rebuild.h"
#include "util/log.h"

/* Slice start codes: 00 00 01 followed by slice_vertical_position. */
#define DV_MPEG2_SLICE_MIN	0x01
#define DV_MPEG2_SLICE_MAX	0xaf

void dv_mpeg2_forget(struct dv_mpeg2_state *st)
{
	memset(st, 0, sizeof(*st));
}

/* Offset of the next 00 00 01 at or after @pos, or @size. */
static size_t dv_mpeg2_next_start_code(const uint8_t *data, size_t size,
				       size_t pos)
{
	for (; pos + 3 <= size; pos++)
		if (!data[pos] && !data[pos + 1] && data[pos + 2] == 1)
			return pos;
	return size;
}

int dv_mpeg2_append_slices(const uint8_t *bitstream, size_t size,
			   struct dv_bytebuf *out, unsigned int *slices)
{
	size_t pos = dv_mpeg2_next_start_code(bitstream, size, 0);
	int ret;

	*slices = 0;
	while (pos + 4 <= size) {
		size_t end = dv_mpeg2_next_start_code(bitstream, size, pos + 3);
		uint8_t code = bitstream[pos + 3];

		if (code >= DV_MPEG2_SLICE_MIN && code <= DV_MPEG2_SLICE_MAX) {
			ret = dv_bytebuf_append(out, bitstream + pos, end - pos);
			if (ret)
				return ret;
			(*slices)++;
		}
		pos = end;
	}
	return *slices ? 0 : -EINVAL;
}

int dv_mpeg2_refs_match(const struct dv_mpeg2_refs *refs,
			const struct v4l2_ctrl_mpeg2_picture *pic,
			uint64_t own_ts)
{
	switch (pic->picture_coding_type) {
	case V4L2_MPEG2_PIC_CODING_TYPE_P:
		if (refs->count >= 1 && pic->forward_ref_ts == refs->ts[1])
			return 1;
		/* The second field of a frame may predict from the first. */
		return pic->picture_structure != V4L2_MPEG2_PIC_FRAME &&
		       pic->forward_ref_ts == own_ts;
	case V4L2_MPEG2_PIC_CODING_TYPE_B:
		return refs->count == 2 && pic->forward_ref_ts == refs->ts[0] &&
		       pic->backward_ref_ts == refs->ts[1];
	default:
		return 1;
	}
}

void dv_mpeg2_refs_push(struct dv_mpeg2_refs *refs, uint64_t ts)
{
	refs->ts[0] = refs->ts[1];
	refs->ts[1] = ts;
	if (refs->count < 2)
		refs->count++;
}

static int dv_mpeg2_matrix_valid(const uint8_t m[64])
{
	unsigned int i;

	/* A zero quantiser is forbidden, and a matrix of them could
	 * emulate a start code inside the extension. */
	for (i = 0; i < 64; i++)
		if (!m[i])
			return 0;
	return 1;
}

/* Whether @pic is the second field of the frame the previous request began. */
static int dv_mpeg2_is_second_field(const struct dv_mpeg2_state *st,
				    const struct v4l2_ctrl_mpeg2_picture *pic,
				    uint64_t timestamp)
{
	return pic->picture_structure != V4L2_MPEG2_PIC_FRAME &&
	       st->first_field_sent && st->first_field_ts == timestamp &&
	       st->first_field_structure != pic->picture_structure;
}

int dv_mpeg2_build(struct dv_mpeg2_state *st, const uint8_t *ctrls,
		   size_t ctrls_size, const uint8_t *bitstream,
		   size_t bitstream_size, uint64_t timestamp,
		   struct dv_bytebuf *out, struct dv_mpeg2_info *info)
{
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture pic;
	struct v4l2_ctrl_mpeg2_quantisation quant;
	uint8_t hdr[DV_MPEG2_HEADERS_MAX];
	size_t hdr_size;
	int have_quant, ret;

	memset(info, 0, sizeof(*info));
	dv_bytebuf_clear(out);
	if (dv_ctrl_records_get(ctrls, ctrls_size,
				V4L2_CID_STATELESS_MPEG2_SEQUENCE, &seq,
				sizeof(seq)) ||
	    dv_ctrl_records_get(ctrls, ctrls_size,
				V4L2_CID_STATELESS_MPEG2_PICTURE, &pic,
				sizeof(pic))) {
		dv_err("mpeg2: the request has no usable sequence and picture controls");
		return -EINVAL;
	}
	ret = dv_ctrl_records_get(ctrls, ctrls_size,
				  V4L2_CID_STATELESS_MPEG2_QUANTISATION,
				  &quant, sizeof(quant));
	if (ret && ret != -ENOENT)
		return -EINVAL;
	have_quant = !ret;
	if (have_quant && (!dv_mpeg2_matrix_valid(quant.intra_quantiser_matrix) ||
			   !dv_mpeg2_matrix_valid(quant.non_intra_quantiser_matrix))) {
		dv_err("mpeg2: a quantiser matrix has a zero entry");
		return -EINVAL;
	}
	/* The kernel refuses the rest; what the daemon cannot write is
	 * refused here too, since the records are untrusted. */
	/* A size's 12 low bits of zero would emulate a start code in the
	 * sequence header: such sizes are forbidden (13818-2 6.3.3). */
	if (seq.chroma_format != 1 || !(seq.horizontal_size & 0xfff) ||
	    !(seq.vertical_size & 0xfff) || seq.horizontal_size > 0x3fff ||
	    seq.vertical_size > 0x3fff ||
	    pic.picture_coding_type < V4L2_MPEG2_PIC_CODING_TYPE_I ||
	    pic.picture_coding_type > V4L2_MPEG2_PIC_CODING_TYPE_B ||
	    pic.picture_structure < V4L2_MPEG2_PIC_TOP_FIELD ||
	    pic.picture_structure > V4L2_MPEG2_PIC_FRAME ||
	    pic.intra_dc_precision > 3) {
		dv_err("mpeg2: controls out of range (chroma_format %u, %ux%u, coding type %u, structure %u)",
		       seq.chroma_format, seq.horizontal_size, seq.vertical_size,
		       pic.picture_coding_type, pic.picture_structure);
		return -EINVAL;
	}

	info->coding_type = pic.picture_coding_type;
	info->structure = pic.picture_structure;
	info->second_field = dv_mpeg2_is_second_field(st, &pic, timestamp);
	info->refs_match = info->second_field ||
			   dv_mpeg2_refs_match(&st->refs, &pic, timestamp);

	/* A sequence header between two fields would make the decoder
	 * start a new frame: it is sent before a frame or a first field. */
	if (!info->second_field &&
	    (!st->seq_sent || memcmp(&seq, &st->seq, sizeof(seq)))) {
		ret = dv_mpeg2_write_sequence(&seq, hdr, sizeof(hdr), &hdr_size);
		if (!ret)
			ret = dv_bytebuf_append(out, hdr, hdr_size);
		if (ret)
			return ret == -ENOSPC ? -EINVAL : ret;
	}
	ret = dv_mpeg2_write_picture(&pic, have_quant ? &quant : NULL, hdr,
				     sizeof(hdr), &hdr_size);
	if (!ret)
		ret = dv_bytebuf_append(out, hdr, hdr_size);
	if (ret)
		return ret == -ENOSPC ? -EINVAL : ret;
	ret = dv_mpeg2_append_slices(bitstream, bitstream_size, out,
				     &info->slices);
	if (ret) {
		if (ret == -EINVAL)
			dv_err("mpeg2: the OUTPUT buffer holds no slice (00 00 01 01..af)");
		return ret;
	}

	/* The picture is built: the decoder's state follows it. */
	st->seq = seq;
	st->seq_sent = 1;
	if (info->second_field) {
		st->first_field_sent = 0;
	} else {
		st->first_field_sent = pic.picture_structure != V4L2_MPEG2_PIC_FRAME;
		st->first_field_structure = pic.picture_structure;
		st->first_field_ts = timestamp;
		if (pic.picture_coding_type != V4L2_MPEG2_PIC_CODING_TYPE_B)
			dv_mpeg2_refs_push(&st->refs, timestamp);
	}
	return 0;
}
