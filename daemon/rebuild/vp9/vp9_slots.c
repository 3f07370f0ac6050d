// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stddef.h>

#include "rebuild/vp9/vp9_slots.h"

void dv_vp9_slots_init(struct dv_vp9_slots *slots)
{
	unsigned int i;

	for (i = 0; i < DV_VP9_NUM_REF_FRAMES; i++)
		slots->item[i] = NULL;
}

int dv_vp9_slots_refresh(struct dv_vp9_slots *slots, uint8_t flags,
			 void *item, const struct dv_vp9_slot_ops *ops)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < DV_VP9_NUM_REF_FRAMES; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (slots->item[i])
			ops->unref(ops->opaque, slots->item[i]);
		slots->item[i] = item ? ops->ref(ops->opaque, item) : NULL;
		if (item && !slots->item[i])
			ret = -ENOMEM;
	}
	return ret;
}

void *dv_vp9_slots_get(const struct dv_vp9_slots *slots, unsigned int idx)
{
	return idx < DV_VP9_NUM_REF_FRAMES ? slots->item[idx] : NULL;
}

void dv_vp9_slots_clear(struct dv_vp9_slots *slots,
			const struct dv_vp9_slot_ops *ops)
{
	dv_vp9_slots_refresh(slots, 0xff, NULL, ops);
}
