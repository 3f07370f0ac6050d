/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which decoded picture sits in each of VP9's 8 reference slots, so that a
 * show_existing_frame request can be given the pixels of the picture it
 * shows. Pictures are opaque reference-counted items: the caller's ops take
 * and drop references (one per slot holding an item).
 */
#ifndef DV_VP9_SLOTS_H
#define DV_VP9_SLOTS_H

#include <stdint.h>

#include "rebuild/vp9/vp9_header.h"

struct dv_vp9_slot_ops {
	/* A new reference to @item, or NULL when out of memory. */
	void *(*ref)(void *opaque, void *item);
	void (*unref)(void *opaque, void *item);
	void *opaque;
};

struct dv_vp9_slots {
	void *item[DV_VP9_NUM_REF_FRAMES];
};

/* All slots empty. */
void dv_vp9_slots_init(struct dv_vp9_slots *slots);

/*
 * After a frame is decoded: every slot whose bit is set in @flags
 * (refresh_frame_flags, bit i = slot i) now holds @item, with a reference
 * of its own; what it held before is dropped. Returns 0 or -ENOMEM (then
 * the slots that could not take a reference are empty, never stale).
 */
int dv_vp9_slots_refresh(struct dv_vp9_slots *slots, uint8_t flags,
			 void *item, const struct dv_vp9_slot_ops *ops);

/* The item in slot @idx (no reference taken), NULL if empty or out of range. */
void *dv_vp9_slots_get(const struct dv_vp9_slots *slots, unsigned int idx);

/* Drops every slot's reference. */
void dv_vp9_slots_clear(struct dv_vp9_slots *slots,
			const struct dv_vp9_slot_ops *ops);

#endif
