// SPDX-License-Identifier: BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "daedalus_v4l2_bridge.h"
#include "ctrl_builder.h"

void dv_ctrl_builder_init(struct dv_ctrl_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void dv_ctrl_builder_add(struct dv_ctrl_builder *b, uint32_t id,
			 const void *payload, uint32_t size)
{
	struct dv_ctrl_record rec = { .id = id, .size = size };
	size_t padded = (size + DV_CTRL_RECORD_ALIGN - 1) &
			~(size_t)(DV_CTRL_RECORD_ALIGN - 1);

	if (b->size + sizeof(rec) + padded > sizeof(b->buf))
		abort();
	memcpy(b->buf + b->size, &rec, sizeof(rec));
	memcpy(b->buf + b->size + sizeof(rec), payload, size);
	b->size += sizeof(rec) + padded;
}
