/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * VP8's three reference slots (last, golden, alt-ref), as the timestamps
 * of the requests whose pictures they hold.
 *
 * libavcodec decodes with the references it keeps itself; a stateless
 * client names them by timestamp (the frame control's last_frame_ts,
 * golden_frame_ts, alt_frame_ts: the OUTPUT timestamps of the requests that
 * decoded them). These slots follow the frame headers the way libavcodec
 * does, so each request can be checked: a client naming other pictures
 * than the decoder holds (a frame dropped, references of its own making)
 * gets pictures predicted from the decoder's, and the log says so.
 *
 * The updates after a frame, as libavcodec makes them: a key frame fills
 * every slot; an inter frame's copies (copy_buffer_to_golden: 1 last, 2
 * alt-ref; copy_buffer_to_alternate: 1 last, 2 golden) all read the slots
 * as they were before the frame, then the frame goes where refreshed.
 * (libvpx and GStreamer copy to alt-ref first and then to golden from the
 * new alt-ref: different only when a frame copies both ways at once,
 * which libvpx's encoder never signals.)
 */
#ifndef DV_VP8_REFS_H
#define DV_VP8_REFS_H

#include <stdint.h>

#include <linux/v4l2-controls.h>

#include "rebuild/vp8/vp8_header.h"

struct dv_vp8_refs {
	uint64_t ts[DV_VP8_NUM_REFS];	/* in enum dv_vp8_ref order */
	uint8_t filled;			/* a key frame was decoded */
};

/* No reference: the state before a key frame. */
void dv_vp8_refs_init(struct dv_vp8_refs *refs);

/*
 * Before an inter frame is decoded: the slots whose timestamp differs
 * from the one @frame names, as a mask of 1 << enum dv_vp8_ref; every slot
 * when no key frame was decoded; 0 for a key frame (it uses none).
 */
unsigned int dv_vp8_refs_check(const struct dv_vp8_refs *refs,
			       const struct dv_vp8_header *hdr,
			       const struct v4l2_ctrl_vp8_frame *frame);

/* After the frame @hdr of the request with timestamp @ts was decoded. */
void dv_vp8_refs_update(struct dv_vp8_refs *refs,
			const struct dv_vp8_header *hdr, uint64_t ts);

/* "last", "golden", "alt-ref". */
const char *dv_vp8_ref_name(enum dv_vp8_ref ref);

#endif
