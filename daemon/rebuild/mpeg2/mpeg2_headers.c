// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MPEG-2 headers rebuilt from the controls (ISO/IEC 13818-2 6.2.2.1,
 * 6.2.2.3, 6.2.3, 6.2.3.1, 6.2.3.2). What the controls do not carry does
 * not change the pixels: aspect ratio, frame rate, bit rate, temporal
 * reference, VBV delay get fixed valid values.
 */
#include <errno.h>

#include "rebuild/mpeg2/mpeg2_rebuild.h"
#include "util/bitwriter.h"

#define DV_MPEG2_SEQUENCE_HEADER_CODE	0xb3
#define DV_MPEG2_EXTENSION_START_CODE	0xb5
#define DV_MPEG2_PICTURE_START_CODE	0x00
#define DV_MPEG2_EXT_SEQUENCE		1
#define DV_MPEG2_EXT_QUANT_MATRIX	3
#define DV_MPEG2_EXT_PICTURE_CODING	8
/* Main profile at Main level, for a client that leaves the field 0. */
#define DV_MPEG2_MAIN_AT_MAIN		0x48

static void dv_mpeg2_start_code(struct dv_bitwriter *bw, uint8_t code)
{
	dv_bw_u(bw, 24, 1);
	dv_bw_u(bw, 8, code);
}

/* next_start_code(): zero bits up to the byte boundary. */
static void dv_mpeg2_align(struct dv_bitwriter *bw)
{
	while (bw->bits % 8)
		dv_bw_u(bw, 1, 0);
}

int dv_mpeg2_write_sequence(const struct v4l2_ctrl_mpeg2_sequence *seq,
			    uint8_t *out, size_t cap, size_t *size)
{
	/* The control is in bits; the syntax in units of 16 kbit, 18 bits. */
	uint32_t vbv = seq->vbv_buffer_size / (16 * 1024);
	uint16_t pl = seq->profile_and_level_indication;
	struct dv_bitwriter bw;

	if (vbv > 0x3ffff)
		vbv = 0x3ffff;
	dv_bw_init(&bw, out, cap);
	dv_mpeg2_start_code(&bw, DV_MPEG2_SEQUENCE_HEADER_CODE);
	dv_bw_u(&bw, 12, seq->horizontal_size & 0xfff);
	dv_bw_u(&bw, 12, seq->vertical_size & 0xfff);
	dv_bw_u(&bw, 4, 1);			/* aspect_ratio_information: 1:1 */
	dv_bw_u(&bw, 4, 3);			/* frame_rate_code: 25 */
	dv_bw_u(&bw, 18, 0x3ffff);		/* bit_rate_value */
	dv_bw_u(&bw, 1, 1);			/* marker_bit */
	dv_bw_u(&bw, 10, vbv & 0x3ff);		/* vbv_buffer_size_value */
	dv_bw_u(&bw, 1, 0);			/* constrained_parameters_flag */
	dv_bw_u(&bw, 1, 0);			/* load_intra_quantiser_matrix */
	dv_bw_u(&bw, 1, 0);			/* load_non_intra_quantiser_matrix */
	dv_mpeg2_align(&bw);

	dv_mpeg2_start_code(&bw, DV_MPEG2_EXTENSION_START_CODE);
	dv_bw_u(&bw, 4, DV_MPEG2_EXT_SEQUENCE);
	dv_bw_u(&bw, 8, pl ? pl & 0xff : DV_MPEG2_MAIN_AT_MAIN);
	dv_bw_u(&bw, 1, !!(seq->flags & V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE));
	dv_bw_u(&bw, 2, seq->chroma_format);
	dv_bw_u(&bw, 2, seq->horizontal_size >> 12);
	dv_bw_u(&bw, 2, seq->vertical_size >> 12);
	dv_bw_u(&bw, 12, 0);			/* bit_rate_extension */
	dv_bw_u(&bw, 1, 1);			/* marker_bit */
	dv_bw_u(&bw, 8, vbv >> 10);		/* vbv_buffer_size_extension */
	/* low_delay 0: B pictures may come (the controls do not say). */
	dv_bw_u(&bw, 1, 0);
	dv_bw_u(&bw, 2, 0);			/* frame_rate_extension_n */
	dv_bw_u(&bw, 5, 0);			/* frame_rate_extension_d */
	dv_mpeg2_align(&bw);
	return dv_bw_finish(&bw, size);
}

static void dv_mpeg2_matrix(struct dv_bitwriter *bw, const uint8_t m[64])
{
	unsigned int i;

	for (i = 0; i < 64; i++)
		dv_bw_u(bw, 8, m[i]);
}

int dv_mpeg2_write_picture(const struct v4l2_ctrl_mpeg2_picture *pic,
			   const struct v4l2_ctrl_mpeg2_quantisation *quant,
			   uint8_t *out, size_t cap, size_t *size)
{
	const uint32_t f = pic->flags;
	struct dv_bitwriter bw;

	dv_bw_init(&bw, out, cap);
	dv_mpeg2_start_code(&bw, DV_MPEG2_PICTURE_START_CODE);
	dv_bw_u(&bw, 10, 0);			/* temporal_reference */
	dv_bw_u(&bw, 3, pic->picture_coding_type);
	dv_bw_u(&bw, 16, 0xffff);		/* vbv_delay: not given */
	/* MPEG-2 puts the vector ranges in the picture coding extension:
	 * these fields are fixed (6.3.9). */
	if (pic->picture_coding_type == V4L2_MPEG2_PIC_CODING_TYPE_P ||
	    pic->picture_coding_type == V4L2_MPEG2_PIC_CODING_TYPE_B) {
		dv_bw_u(&bw, 1, 0);		/* full_pel_forward_vector */
		dv_bw_u(&bw, 3, 7);		/* forward_f_code */
	}
	if (pic->picture_coding_type == V4L2_MPEG2_PIC_CODING_TYPE_B) {
		dv_bw_u(&bw, 1, 0);		/* full_pel_backward_vector */
		dv_bw_u(&bw, 3, 7);		/* backward_f_code */
	}
	dv_bw_u(&bw, 1, 0);			/* extra_bit_picture */
	dv_mpeg2_align(&bw);

	dv_mpeg2_start_code(&bw, DV_MPEG2_EXTENSION_START_CODE);
	dv_bw_u(&bw, 4, DV_MPEG2_EXT_PICTURE_CODING);
	dv_bw_u(&bw, 4, pic->f_code[0][0]);
	dv_bw_u(&bw, 4, pic->f_code[0][1]);
	dv_bw_u(&bw, 4, pic->f_code[1][0]);
	dv_bw_u(&bw, 4, pic->f_code[1][1]);
	dv_bw_u(&bw, 2, pic->intra_dc_precision);
	dv_bw_u(&bw, 2, pic->picture_structure);
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_CONCEALMENT_MV));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_INTRA_VLC));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_ALT_SCAN));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_REPEAT_FIRST));
	/* chroma_420_type: progressive_frame for 4:2:0 (6.3.10) */
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_PROGRESSIVE));
	dv_bw_u(&bw, 1, !!(f & V4L2_MPEG2_PIC_FLAG_PROGRESSIVE));
	dv_bw_u(&bw, 1, 0);			/* composite_display_flag */
	dv_mpeg2_align(&bw);

	if (quant) {
		/* Both matrices each picture: the request's are the ones in
		 * force, whatever the stream loaded when. 4:2:0 has no
		 * chroma matrices of its own. */
		dv_mpeg2_start_code(&bw, DV_MPEG2_EXTENSION_START_CODE);
		dv_bw_u(&bw, 4, DV_MPEG2_EXT_QUANT_MATRIX);
		dv_bw_u(&bw, 1, 1);		/* load_intra_quantiser_matrix */
		dv_mpeg2_matrix(&bw, quant->intra_quantiser_matrix);
		dv_bw_u(&bw, 1, 1);		/* load_non_intra_quantiser_matrix */
		dv_mpeg2_matrix(&bw, quant->non_intra_quantiser_matrix);
		dv_bw_u(&bw, 1, 0);		/* load_chroma_intra_quantiser_matrix */
		dv_bw_u(&bw, 1, 0);		/* load_chroma_non_intra_quantiser_matrix */
		dv_mpeg2_align(&bw);
	}
	return dv_bw_finish(&bw, size);
}
