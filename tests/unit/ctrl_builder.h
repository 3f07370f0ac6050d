/* SPDX-License-Identifier: BSD-2-Clause */
/* Builds a block of struct dv_ctrl_record records, as the kernel sends. */
#ifndef DV_TEST_CTRL_BUILDER_H
#define DV_TEST_CTRL_BUILDER_H

#include <stddef.h>
#include <stdint.h>

struct dv_ctrl_builder {
	uint8_t buf[8192];
	size_t size;
};

void dv_ctrl_builder_init(struct dv_ctrl_builder *b);
/* Appends one record (header, payload, zero padding); aborts if full. */
void dv_ctrl_builder_add(struct dv_ctrl_builder *b, uint32_t id,
			 const void *payload, uint32_t size);

#endif
