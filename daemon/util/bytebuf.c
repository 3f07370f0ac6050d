// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytebuf.h"

void dv_bytebuf_init(struct dv_bytebuf *b, size_t padding)
{
	b->data = NULL;
	b->size = 0;
	b->cap = 0;
	b->padding = padding;
}

void dv_bytebuf_free(struct dv_bytebuf *b)
{
	free(b->data);
	dv_bytebuf_init(b, b->padding);
}

void dv_bytebuf_clear(struct dv_bytebuf *b)
{
	b->size = 0;
	if (b->data)
		memset(b->data, 0, b->padding);
}

int dv_bytebuf_append(struct dv_bytebuf *b, const void *data, size_t size)
{
	if (size > SIZE_MAX / 2 - b->padding - b->size)
		return -ENOMEM;
	if (b->size + size > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->size + size)
			cap *= 2;
		p = realloc(b->data, cap + b->padding);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->size, data, size);
	b->size += size;
	memset(b->data + b->size, 0, b->padding);
	return 0;
}
