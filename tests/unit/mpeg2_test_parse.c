// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "h264_test_parse.h"
#include "mpeg2_test_parse.h"

/* The default intra_quantiser_matrix (13818-2 6.3.11), raster order. */
static const uint8_t t_default_intra_raster[64] = {
	8, 16, 19, 22, 26, 27, 29, 34,
	16, 16, 22, 24, 27, 29, 34, 37,
	19, 22, 26, 27, 29, 34, 34, 38,
	22, 22, 26, 27, 29, 34, 37, 40,
	22, 26, 27, 29, 32, 35, 40, 48,
	26, 27, 29, 32, 35, 40, 48, 58,
	26, 27, 29, 34, 38, 46, 56, 69,
	27, 29, 35, 38, 46, 56, 69, 83,
};

static void t_mpeg2_default_matrices(struct t_mpeg2 *m)
{
	uint8_t scan[64];
	unsigned int i;

	/* The controls are in zigzag scan order. */
	t_zigzag(8, scan);
	for (i = 0; i < 64; i++) {
		m->quant.intra_quantiser_matrix[i] = t_default_intra_raster[scan[i]];
		m->quant.non_intra_quantiser_matrix[i] = 16;
	}
}

void t_mpeg2_init(struct t_mpeg2 *m)
{
	memset(m, 0, sizeof(*m));
	t_mpeg2_default_matrices(m);
}

static int t_marker(struct t_bitreader *br)
{
	return t_br_u(br, 1) == 1;
}

static void t_matrix(struct t_bitreader *br, uint8_t out[64])
{
	unsigned int i;

	for (i = 0; i < 64; i++)
		out[i] = (uint8_t)t_br_u(br, 8);
}

static int t_sequence_header(struct t_mpeg2 *m, struct t_bitreader *br)
{
	m->seq.horizontal_size = (uint16_t)t_br_u(br, 12);
	m->seq.vertical_size = (uint16_t)t_br_u(br, 12);
	m->aspect_ratio = t_br_u(br, 4);
	m->frame_rate_code = t_br_u(br, 4);
	t_br_u(br, 18);				/* bit_rate_value */
	if (!t_marker(br))
		return -1;
	m->vbv_buffer_size_value = t_br_u(br, 10);
	t_br_u(br, 1);				/* constrained_parameters_flag */
	/* A sequence header resets the matrices (6.3.11). */
	t_mpeg2_default_matrices(m);
	m->loaded_intra = t_br_u(br, 1);
	if (m->loaded_intra)
		t_matrix(br, m->quant.intra_quantiser_matrix);
	m->loaded_non_intra = t_br_u(br, 1);
	if (m->loaded_non_intra)
		t_matrix(br, m->quant.non_intra_quantiser_matrix);
	m->have_sequence = 1;
	m->have_sequence_ext = 0;
	return br->error ? -1 : 0;
}

static int t_sequence_extension(struct t_mpeg2 *m, struct t_bitreader *br)
{
	m->seq.profile_and_level_indication = (uint16_t)t_br_u(br, 8);
	m->seq.flags = t_br_u(br, 1) ? V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE : 0;
	m->seq.chroma_format = (uint8_t)t_br_u(br, 2);
	m->seq.horizontal_size |= (uint16_t)(t_br_u(br, 2) << 12);
	m->seq.vertical_size |= (uint16_t)(t_br_u(br, 2) << 12);
	t_br_u(br, 12);				/* bit_rate_extension */
	if (!t_marker(br))
		return -1;
	m->vbv_buffer_size_value |= t_br_u(br, 8) << 10;
	m->low_delay = (int)t_br_u(br, 1);
	t_br_u(br, 7);				/* frame_rate_extension_n, _d */
	/* As GStreamer gives it: in bits. */
	m->seq.vbv_buffer_size = m->vbv_buffer_size_value * 16 * 1024;
	m->have_sequence_ext = 1;
	return br->error ? -1 : 0;
}

static int t_picture_header(struct t_mpeg2 *m, struct t_bitreader *br)
{
	unsigned int type;

	memset(&m->pic, 0, sizeof(m->pic));
	m->temporal_reference = t_br_u(br, 10);
	type = t_br_u(br, 3);
	t_br_u(br, 16);				/* vbv_delay */
	if (type == 2 || type == 3)
		t_br_u(br, 4);			/* full_pel_forward_vector, forward_f_code */
	if (type == 3)
		t_br_u(br, 4);
	m->pic.picture_coding_type = (uint8_t)type;
	m->have_picture = 1;
	m->have_picture_ext = 0;
	return br->error || type < 1 || type > 3 ? -1 : 0;
}

static int t_picture_coding_extension(struct t_mpeg2 *m, struct t_bitreader *br)
{
	struct v4l2_ctrl_mpeg2_picture *p = &m->pic;
	static const uint32_t flag_order[] = {
		V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST,
		V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT,
		V4L2_MPEG2_PIC_FLAG_CONCEALMENT_MV,
		V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE,
		V4L2_MPEG2_PIC_FLAG_INTRA_VLC,
		V4L2_MPEG2_PIC_FLAG_ALT_SCAN,
		V4L2_MPEG2_PIC_FLAG_REPEAT_FIRST,
	};
	unsigned int i, chroma_420_type;

	p->f_code[0][0] = (uint8_t)t_br_u(br, 4);
	p->f_code[0][1] = (uint8_t)t_br_u(br, 4);
	p->f_code[1][0] = (uint8_t)t_br_u(br, 4);
	p->f_code[1][1] = (uint8_t)t_br_u(br, 4);
	p->intra_dc_precision = (uint8_t)t_br_u(br, 2);
	p->picture_structure = (uint8_t)t_br_u(br, 2);
	for (i = 0; i < sizeof(flag_order) / sizeof(flag_order[0]); i++)
		if (t_br_u(br, 1))
			p->flags |= flag_order[i];
	chroma_420_type = t_br_u(br, 1);
	if (t_br_u(br, 1))
		p->flags |= V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	if (t_br_u(br, 1))			/* composite_display_flag */
		t_br_u(br, 20);
	m->have_picture_ext = 1;
	/* chroma_420_type equals progressive_frame for 4:2:0 (6.3.10). */
	return br->error || chroma_420_type != !!(p->flags & V4L2_MPEG2_PIC_FLAG_PROGRESSIVE) ? -1 : 0;
}

static int t_quant_matrix_extension(struct t_mpeg2 *m, struct t_bitreader *br)
{
	uint8_t ignored[64];

	if (t_br_u(br, 1)) {
		t_matrix(br, m->quant.intra_quantiser_matrix);
		m->loaded_intra = 1;
	}
	if (t_br_u(br, 1)) {
		t_matrix(br, m->quant.non_intra_quantiser_matrix);
		m->loaded_non_intra = 1;
	}
	if (t_br_u(br, 1))
		t_matrix(br, ignored);
	if (t_br_u(br, 1))
		t_matrix(br, ignored);
	return br->error ? -1 : 0;
}

static size_t t_next_start_code(const uint8_t *buf, size_t size, size_t pos)
{
	for (; pos + 3 <= size; pos++)
		if (!buf[pos] && !buf[pos + 1] && buf[pos + 2] == 1)
			return pos;
	return size;
}

int t_mpeg2_parse(struct t_mpeg2 *m, const uint8_t *buf, size_t size,
		  uint8_t *slices, size_t cap, size_t *slices_size)
{
	size_t pos = t_next_start_code(buf, size, 0);
	int n = 0, ret = 0;

	*slices_size = 0;
	m->loaded_intra = m->loaded_non_intra = 0;
	while (pos + 4 <= size) {
		size_t end = t_next_start_code(buf, size, pos + 3);
		uint8_t code = buf[pos + 3];
		struct t_bitreader br;

		t_br_init(&br, buf + pos + 4, end - pos - 4);
		if (code >= 0x01 && code <= 0xaf) {
			if (*slices_size + (end - pos) > cap)
				return -1;
			memcpy(slices + *slices_size, buf + pos, end - pos);
			*slices_size += end - pos;
			n++;
		} else if (code == 0xb3) {
			ret = t_sequence_header(m, &br);
		} else if (code == 0x00) {
			ret = t_picture_header(m, &br);
		} else if (code == 0xb5) {
			switch (t_br_u(&br, 4)) {
			case 1:
				ret = t_sequence_extension(m, &br);
				break;
			case 3:
				ret = t_quant_matrix_extension(m, &br);
				break;
			case 8:
				ret = t_picture_coding_extension(m, &br);
				break;
			default:
				break;
			}
		}
		if (ret)
			return -1;
		pos = end;
	}
	return n;
}
