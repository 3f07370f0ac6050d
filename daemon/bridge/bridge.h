/* SPDX-License-Identifier: BSD-2-Clause */
/* Talking to the kernel module over /dev/daedalus-v4l2. */
#ifndef DV_BRIDGE_H
#define DV_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "daedalus_v4l2_bridge.h"

/* A growing buffer that holds the last message received. */
struct dv_msgbuf {
	uint8_t *data;
	size_t size;
	size_t used;
};

/*
 * Opens the bridge node and says hello. Returns the fd, or -1 with the
 * reason logged (no module, another daemon attached, protocol mismatch).
 */
int dv_bridge_open(const char *node);

/*
 * Takes the next message into @buf without blocking. Returns 1 if one was
 * taken, 0 if none is waiting, -1 on error (logged).
 */
int dv_bridge_recv(int fd, struct dv_msgbuf *buf);

/*
 * Reports a job's end. Returns 0, or -1 if the module no longer knows the
 * job (it was cancelled: stream stopped, watchdog) or refused the report.
 */
int dv_bridge_complete(int fd, uint64_t job_id, uint32_t status,
		       uint32_t bytesused);

/* Checks a received message's header and size against its type. */
int dv_msg_validate(const uint8_t *msg, size_t size);

#endif
