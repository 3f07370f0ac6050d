/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contexts: one per open file of the video node. Each has its own decoder
 * and its own worker thread, so contexts decode in parallel while the jobs
 * of one context are decoded, and completed, in the order they came.
 */
#ifndef DV_CONTEXT_H
#define DV_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

struct dv_msgbuf;

/*
 * Called by the main loop for every message it takes from the bridge
 * (@buf->data, @buf->used bytes). A job keeps the buffer: then @buf->data
 * is NULL, and dv_bridge_recv() makes a new one.
 */
void dv_contexts_dispatch(int bridge_fd, struct dv_msgbuf *buf);

/* Stops every worker after its current job and drops all contexts. */
void dv_contexts_shutdown(void);

/* Write each job message as received to @dir/ctx<C>-job<J>.msg (debugging). */
void dv_contexts_dump_jobs(const char *dir);

/*
 * Hold every job @ms milliseconds before decoding it: a decoder as slow on
 * any machine as the tests of the module's job watchdog need.
 */
void dv_contexts_delay_jobs(unsigned int ms);

/* Makes and drops one decoder per codec, so that the first stream starts fast. */
void dv_backends_warm_up(void);

#endif
