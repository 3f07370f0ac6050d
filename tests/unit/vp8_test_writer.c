// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "vp8_test_writer.h"

struct vp8w_bool {
	uint8_t *start, *out, *end;
	uint32_t range, bottom;
	int bit_count;
	int overflow;
};

static void vp8w_put_byte(struct vp8w_bool *e, uint8_t v)
{
	if (e->out < e->end)
		*e->out++ = v;
	else
		e->overflow = 1;
}

/* Carry into the bytes already written. */
static void vp8w_carry(struct vp8w_bool *e)
{
	uint8_t *q = e->out;

	while (q > e->start) {
		if (*--q != 255) {
			++*q;
			return;
		}
		*q = 0;
	}
}

static void vp8w_bool(struct vp8w_bool *e, unsigned int prob, int value)
{
	uint32_t split = 1 + (((e->range - 1) * prob) >> 8);

	if (value) {
		e->bottom += split;
		e->range -= split;
	} else {
		e->range = split;
	}
	while (e->range < 128) {
		e->range <<= 1;
		if (e->bottom & (1u << 31))
			vp8w_carry(e);
		e->bottom <<= 1;
		if (!--e->bit_count) {
			vp8w_put_byte(e, (uint8_t)(e->bottom >> 24));
			e->bottom &= (1u << 24) - 1;
			e->bit_count = 8;
		}
	}
}

static void vp8w_flush(struct vp8w_bool *e)
{
	int c = e->bit_count;
	uint32_t v = e->bottom;

	if (v & (1u << (32 - c)))
		vp8w_carry(e);
	v <<= c & 7;
	c >>= 3;
	while (--c >= 0)
		v <<= 8;
	c = 4;
	while (--c >= 0) {
		vp8w_put_byte(e, (uint8_t)(v >> 24));
		v <<= 8;
	}
}

static void vp8w_lit(struct vp8w_bool *e, unsigned int n, unsigned int v)
{
	while (n--)
		vp8w_bool(e, 128, v >> n & 1);
}

/* flag, magnitude (n bits), sign */
static void vp8w_opt_signed(struct vp8w_bool *e, unsigned int n, int v)
{
	vp8w_lit(e, 1, v != 0);
	if (!v)
		return;
	vp8w_lit(e, n, (unsigned int)(v < 0 ? -v : v));
	vp8w_lit(e, 1, v < 0);
}

static void vp8w_header(struct vp8w_bool *e, const struct vp8w_frame *f)
{
	unsigned int i;

	if (f->key) {
		vp8w_lit(e, 1, 0);		/* color_space */
		vp8w_lit(e, 1, 0);		/* clamping_type */
	}
	vp8w_lit(e, 1, f->seg_enabled);
	if (f->seg_enabled) {
		vp8w_lit(e, 1, f->seg_update_map);
		vp8w_lit(e, 1, f->seg_update_data);
		if (f->seg_update_data) {
			vp8w_lit(e, 1, 1);	/* absolute values */
			for (i = 0; i < 4; i++)
				vp8w_opt_signed(e, 7, (int)i * 10 - 5);
			for (i = 0; i < 4; i++)
				vp8w_opt_signed(e, 6, (int)i - 2);
		}
		if (f->seg_update_map)
			for (i = 0; i < 3; i++) {
				vp8w_lit(e, 1, i != 1);
				if (i != 1)
					vp8w_lit(e, 8, 100 + i);
			}
	}
	vp8w_lit(e, 1, f->filter_type);
	vp8w_lit(e, 6, f->lf_level);
	vp8w_lit(e, 3, f->sharpness);
	vp8w_lit(e, 1, f->lf_adj);
	if (f->lf_adj) {
		vp8w_lit(e, 1, f->lf_delta_update);
		if (f->lf_delta_update)
			for (i = 0; i < 8; i++)
				vp8w_opt_signed(e, 6, (int)(i % 3) - 1);
	}
	vp8w_lit(e, 2, f->log2_parts);
	vp8w_lit(e, 7, f->y_ac_qi);
	vp8w_opt_signed(e, 4, f->y_dc_delta);
	for (i = 0; i < 4; i++)
		vp8w_opt_signed(e, 4, 0);
	if (f->key) {
		vp8w_lit(e, 1, f->refresh_probs);
		return;
	}
	vp8w_lit(e, 1, f->refresh_golden);
	vp8w_lit(e, 1, f->refresh_alt);
	if (!f->refresh_golden)
		vp8w_lit(e, 2, f->copy_golden);
	if (!f->refresh_alt)
		vp8w_lit(e, 2, f->copy_alt);
	vp8w_lit(e, 1, f->sign_golden);
	vp8w_lit(e, 1, f->sign_alt);
	vp8w_lit(e, 1, f->refresh_probs);
	vp8w_lit(e, 1, f->refresh_last);
}

size_t vp8w_write(const struct vp8w_frame *f, uint8_t *out, size_t cap,
		  uint32_t *first_part_size)
{
	const size_t tag_size = f->key ? 10 : 3;
	const unsigned int parts = 1u << f->log2_parts;
	struct vp8w_bool e;
	uint32_t fps, bits;
	size_t pos;
	unsigned int i, j;

	if (cap < tag_size)
		return 0;
	memset(out, 0, cap);
	e.start = e.out = out + tag_size;
	e.end = out + cap;
	e.range = 255;
	e.bottom = 0;
	e.bit_count = 24;
	e.overflow = 0;
	vp8w_header(&e, f);
	for (i = 0; i < f->filler_bools; i++)
		vp8w_bool(&e, 1 + (i * 37) % 255, (int)(i * 7 % 3 == 0));
	vp8w_flush(&e);
	if (e.overflow)
		return 0;
	fps = (uint32_t)(e.out - e.start);
	*first_part_size = fps;

	bits = (uint32_t)!f->key | (uint32_t)f->version << 1 |
	       (uint32_t)!!f->show << 4 | fps << 5;
	out[0] = (uint8_t)bits;
	out[1] = (uint8_t)(bits >> 8);
	out[2] = (uint8_t)(bits >> 16);
	if (f->key) {
		out[3] = 0x9d;
		out[4] = 0x01;
		out[5] = 0x2a;
		out[6] = (uint8_t)f->width;
		out[7] = (uint8_t)(f->width >> 8 | f->hscale << 6);
		out[8] = (uint8_t)f->height;
		out[9] = (uint8_t)(f->height >> 8 | f->vscale << 6);
	}
	pos = tag_size + fps;
	if (pos + 3 * (parts - 1) > cap)
		return 0;
	for (i = 0; i + 1 < parts; i++, pos += 3) {
		out[pos] = (uint8_t)f->part_size[i];
		out[pos + 1] = (uint8_t)(f->part_size[i] >> 8);
		out[pos + 2] = (uint8_t)(f->part_size[i] >> 16);
	}
	for (i = 0; i < parts; i++)
		for (j = 0; j < f->part_size[i]; j++) {
			if (pos >= cap)
				return 0;
			out[pos++] = (uint8_t)(0x5a ^ (i * 31 + j));
		}
	return pos;
}

void vp8w_control(const struct vp8w_frame *f, uint32_t first_part_size,
		  struct v4l2_ctrl_vp8_frame *ctrl)
{
	unsigned int i;

	memset(ctrl, 0, sizeof(*ctrl));
	ctrl->width = (uint16_t)f->width;
	ctrl->height = (uint16_t)f->height;
	ctrl->horizontal_scale = (uint8_t)f->hscale;
	ctrl->vertical_scale = (uint8_t)f->vscale;
	ctrl->version = (uint8_t)f->version;
	ctrl->num_dct_parts = (uint8_t)(1u << f->log2_parts);
	ctrl->first_part_size = first_part_size;
	for (i = 0; i < ctrl->num_dct_parts; i++)
		ctrl->dct_part_sizes[i] = f->part_size[i];
	ctrl->lf.level = (uint8_t)f->lf_level;
	ctrl->lf.sharpness_level = (uint8_t)f->sharpness;
	ctrl->lf.flags = (f->filter_type ? V4L2_VP8_LF_FILTER_TYPE_SIMPLE : 0) |
			 (f->lf_adj ? V4L2_VP8_LF_ADJ_ENABLE : 0) |
			 (f->lf_delta_update ? V4L2_VP8_LF_DELTA_UPDATE : 0);
	ctrl->quant.y_ac_qi = (uint8_t)f->y_ac_qi;
	ctrl->quant.y_dc_delta = (int8_t)f->y_dc_delta;
	ctrl->segment.flags =
		(f->seg_enabled ? V4L2_VP8_SEGMENT_FLAG_ENABLED : 0) |
		(f->seg_update_map ? V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP : 0) |
		(f->seg_update_data ? V4L2_VP8_SEGMENT_FLAG_UPDATE_FEATURE_DATA : 0);
	ctrl->flags = (f->key ? V4L2_VP8_FRAME_FLAG_KEY_FRAME : 0) |
		      (f->show ? V4L2_VP8_FRAME_FLAG_SHOW_FRAME : 0) |
		      (f->sign_golden ? V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN : 0) |
		      (f->sign_alt ? V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT : 0);
}
