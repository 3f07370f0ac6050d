/* SPDX-License-Identifier: BSD-2-Clause */
/* A growable byte buffer that keeps zeroed padding after its content. */
#ifndef DV_BYTEBUF_H
#define DV_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

struct dv_bytebuf {
	uint8_t *data;
	size_t size;		/* bytes of content */
	size_t cap;		/* bytes allocated, padding excluded */
	size_t padding;		/* zero bytes kept after the content */
};

void dv_bytebuf_init(struct dv_bytebuf *b, size_t padding);
void dv_bytebuf_free(struct dv_bytebuf *b);
/* Empties @b, keeping its memory. */
void dv_bytebuf_clear(struct dv_bytebuf *b);
/* Appends @size bytes; 0 or -ENOMEM (then @b is unchanged). */
int dv_bytebuf_append(struct dv_bytebuf *b, const void *data, size_t size);

#endif
