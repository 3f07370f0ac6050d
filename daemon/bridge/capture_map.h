/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CAPTURE buffers the module gave us as dmabufs, mapped once and found again
 * by their cookie for every later job that decodes into them.
 */
#ifndef DV_CAPTURE_MAP_H
#define DV_CAPTURE_MAP_H

#include <stddef.h>
#include <stdint.h>

struct dv_capture {
	uint64_t cookie;
	int fd;
	uint8_t *ptr;
	size_t size;
	unsigned int refs;	/* the table's, plus one per job using it */
	struct dv_capture *next;
};

/*
 * The mapping for a job: maps @fd (>= 0, first use of @cookie) or looks up
 * @cookie. Returns a referenced entry, or NULL (logged).
 */
struct dv_capture *dv_capture_get(uint64_t cookie, int fd, size_t size);
void dv_capture_put(struct dv_capture *cap);
/*
 * Brackets the CPU's writes of one picture (DMA_BUF_IOCTL_SYNC START/END,
 * WRITE): a buffer a client imported from a GPU or another non-coherent
 * device is then flushed to it, as the Raspberry Pi's needs.
 */
void dv_capture_begin_write(struct dv_capture *cap);
void dv_capture_end_write(struct dv_capture *cap);
/* The module freed the buffer: drop the table's reference. */
void dv_capture_release(uint64_t cookie);
/* Unmap everything (shutdown). */
void dv_capture_release_all(void);

#endif
