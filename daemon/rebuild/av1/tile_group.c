// SPDX-License-Identifier: BSD-2-Clause
/*
 * AV1 tile group OBU (5.11.1) gathered from where the client's
 * TILE_GROUP_ENTRY control says the tiles are.
 */
#include <errno.h>
#include <string.h>

#include "rebuild/av1/av1_internal.h"
#include "rebuild/av1/av1_rebuild.h"
#include "util/log.h"

size_t dv_av1_tile_group_bound(size_t n_entries, size_t tile_bytes)
{
	return 1 + 8 + 1 + n_entries * DV_AV1_TILE_SIZE_BYTES + tile_bytes;
}

int dv_av1_write_tile_group(const struct v4l2_ctrl_av1_frame *frame,
			    const struct v4l2_ctrl_av1_tile_group_entry *entries,
			    size_t n_entries, const uint8_t *data,
			    size_t data_size, uint8_t *out, size_t cap,
			    size_t *size)
{
	const unsigned int cols = frame->tile_info.tile_cols;
	const unsigned int rows = frame->tile_info.tile_rows;
	const size_t n_tiles = (size_t)cols * rows;
	int16_t order[V4L2_AV1_MAX_TILE_COUNT];
	uint64_t payload = n_tiles > 1 ? 1 : 0;
	uint8_t leb[8];
	size_t i, pos, n;

	if (!cols || !rows || n_tiles > V4L2_AV1_MAX_TILE_COUNT ||
	    n_entries != n_tiles)
		return -EINVAL;
	for (i = 0; i < n_tiles; i++)
		order[i] = -1;
	for (i = 0; i < n_entries; i++) {
		const struct v4l2_ctrl_av1_tile_group_entry *e = &entries[i];
		size_t idx;

		if (e->tile_row >= rows || e->tile_col >= cols || !e->tile_size ||
		    e->tile_offset > data_size ||
		    e->tile_size > data_size - e->tile_offset)
			return -EINVAL;
		idx = (size_t)e->tile_row * cols + e->tile_col;
		if (order[idx] >= 0)
			return -EINVAL;
		order[idx] = (int16_t)i;
		payload += e->tile_size;
		if (idx + 1 < n_tiles)
			payload += DV_AV1_TILE_SIZE_BYTES;
	}
	n = dv_av1_leb128(payload, leb);
	if (cap < 1 + n || cap - 1 - n < payload)
		return -ENOSPC;
	out[0] = (uint8_t)((DV_AV1_OBU_TILE_GROUP << 3) | 0x02);
	memcpy(out + 1, leb, n);
	pos = 1 + n;
	/* tile_start_and_end_present_flag = 0, then byte alignment */
	if (n_tiles > 1)
		out[pos++] = 0;
	for (i = 0; i < n_tiles; i++) {
		const struct v4l2_ctrl_av1_tile_group_entry *e = &entries[order[i]];

		if (i + 1 < n_tiles) {
			uint32_t sz = e->tile_size - 1;
			int b;

			for (b = 0; b < DV_AV1_TILE_SIZE_BYTES; b++)
				out[pos++] = (uint8_t)(sz >> (8 * b));
		}
		memcpy(out + pos, data + e->tile_offset, e->tile_size);
		pos += e->tile_size;
	}
	*size = pos;
	return 0;
}
