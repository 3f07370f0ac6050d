// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "rebuild/vp8/vp8_refs.h"

void dv_vp8_refs_init(struct dv_vp8_refs *refs)
{
	memset(refs, 0, sizeof(*refs));
}

unsigned int dv_vp8_refs_check(const struct dv_vp8_refs *refs,
			       const struct dv_vp8_header *hdr,
			       const struct v4l2_ctrl_vp8_frame *frame)
{
	const uint64_t named[DV_VP8_NUM_REFS] = {
		frame->last_frame_ts, frame->golden_frame_ts,
		frame->alt_frame_ts,
	};
	unsigned int i, diff = 0;

	if (hdr->key_frame)
		return 0;
	if (!refs->filled)
		return (1u << DV_VP8_NUM_REFS) - 1;
	for (i = 0; i < DV_VP8_NUM_REFS; i++)
		if (named[i] != refs->ts[i])
			diff |= 1u << i;
	return diff;
}

void dv_vp8_refs_update(struct dv_vp8_refs *refs,
			const struct dv_vp8_header *hdr, uint64_t ts)
{
	const struct dv_vp8_refs before = *refs;

	if (hdr->key_frame) {
		refs->ts[DV_VP8_REF_LAST] = ts;
		refs->ts[DV_VP8_REF_GOLDEN] = ts;
		refs->ts[DV_VP8_REF_ALTREF] = ts;
		refs->filled = 1;
		return;
	}
	if (!refs->filled)
		return;
	if (hdr->refresh_golden_frame)
		refs->ts[DV_VP8_REF_GOLDEN] = ts;
	else if (hdr->copy_buffer_to_golden == 1)
		refs->ts[DV_VP8_REF_GOLDEN] = before.ts[DV_VP8_REF_LAST];
	else if (hdr->copy_buffer_to_golden == 2)
		refs->ts[DV_VP8_REF_GOLDEN] = before.ts[DV_VP8_REF_ALTREF];
	if (hdr->refresh_alternate_frame)
		refs->ts[DV_VP8_REF_ALTREF] = ts;
	else if (hdr->copy_buffer_to_alternate == 1)
		refs->ts[DV_VP8_REF_ALTREF] = before.ts[DV_VP8_REF_LAST];
	else if (hdr->copy_buffer_to_alternate == 2)
		refs->ts[DV_VP8_REF_ALTREF] = before.ts[DV_VP8_REF_GOLDEN];
	if (hdr->refresh_last)
		refs->ts[DV_VP8_REF_LAST] = ts;
}

const char *dv_vp8_ref_name(enum dv_vp8_ref ref)
{
	static const char *const names[DV_VP8_NUM_REFS] = {
		"last", "golden", "alt-ref",
	};

	return (unsigned int)ref < DV_VP8_NUM_REFS ? names[ref] : "?";
}
