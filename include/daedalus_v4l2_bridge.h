/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * daedalus-v4l2 bridge protocol: what the kernel module and the daemon
 * exchange over /dev/daedalus-v4l2. Shared, unchanged, by both sides.
 *
 * All integers are in the host's byte order; both peers run on one machine.
 */
#ifndef _DAEDALUS_V4L2_BRIDGE_H_
#define _DAEDALUS_V4L2_BRIDGE_H_

#include <linux/types.h>

#define DV_BRIDGE_VERSION	1

/*
 * A job's control values: a sequence of records, each a header followed by
 * @size bytes of the control's payload (struct v4l2_ctrl_h264_sps, ...), then
 * padding up to the next multiple of 8 bytes.
 */
struct dv_ctrl_record {
	__u32 id;	/* V4L2_CID_STATELESS_* */
	__u32 size;	/* payload bytes, padding excluded */
};

#define DV_CTRL_RECORD_ALIGN	8

#endif /* _DAEDALUS_V4L2_BRIDGE_H_ */
