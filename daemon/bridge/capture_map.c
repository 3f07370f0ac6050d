// SPDX-License-Identifier: BSD-2-Clause
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/dma-buf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bridge/capture_map.h"
#include "util/log.h"

/* Few buffers per context, few contexts: a list is enough. */
static struct dv_capture *captures;
static pthread_mutex_t captures_lock = PTHREAD_MUTEX_INITIALIZER;

static struct dv_capture **dv_capture_find(uint64_t cookie)
{
	struct dv_capture **p;

	for (p = &captures; *p; p = &(*p)->next)
		if ((*p)->cookie == cookie)
			return p;
	return NULL;
}

static void dv_capture_unref(struct dv_capture *cap)
{
	if (--cap->refs)
		return;
	munmap(cap->ptr, cap->size);
	close(cap->fd);
	free(cap);
}

struct dv_capture *dv_capture_get(uint64_t cookie, int fd, size_t size)
{
	struct dv_capture **p, *cap = NULL;
	void *ptr;

	pthread_mutex_lock(&captures_lock);
	p = dv_capture_find(cookie);
	if (fd < 0) {
		if (p) {
			cap = *p;
			cap->refs++;
		} else {
			dv_err("CAPTURE buffer %llu: never received", (unsigned long long)cookie);
		}
		goto out;
	}
	if (p) {
		/* The module exports a buffer once per session: a repeat is a bug. */
		dv_warn("CAPTURE buffer %llu: received twice", (unsigned long long)cookie);
		cap = *p;
		*p = cap->next;
		dv_capture_unref(cap);
		cap = NULL;
	}
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ptr == MAP_FAILED) {
		dv_err("CAPTURE buffer %llu: mapping %zu bytes failed: %s",
		       (unsigned long long)cookie, size, strerror(errno));
		close(fd);
		goto out;
	}
	cap = calloc(1, sizeof(*cap));
	if (!cap) {
		munmap(ptr, size);
		close(fd);
		goto out;
	}
	cap->cookie = cookie;
	cap->fd = fd;
	cap->ptr = ptr;
	cap->size = size;
	cap->refs = 2;
	cap->next = captures;
	captures = cap;
out:
	pthread_mutex_unlock(&captures_lock);
	return cap;
}

void dv_capture_put(struct dv_capture *cap)
{
	pthread_mutex_lock(&captures_lock);
	dv_capture_unref(cap);
	pthread_mutex_unlock(&captures_lock);
}

static void dv_capture_sync(struct dv_capture *cap, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags | DMA_BUF_SYNC_WRITE };
	int r;

	do
		r = ioctl(cap->fd, DMA_BUF_IOCTL_SYNC, &sync);
	while (r && (errno == EINTR || errno == EAGAIN));
	if (r)
		dv_dbg("CAPTURE buffer %llu: DMA_BUF_IOCTL_SYNC: %s",
		       (unsigned long long)cap->cookie, strerror(errno));
}

void dv_capture_begin_write(struct dv_capture *cap)
{
	dv_capture_sync(cap, DMA_BUF_SYNC_START);
}

void dv_capture_end_write(struct dv_capture *cap)
{
	dv_capture_sync(cap, DMA_BUF_SYNC_END);
}

void dv_capture_release(uint64_t cookie)
{
	struct dv_capture **p, *cap;

	pthread_mutex_lock(&captures_lock);
	p = dv_capture_find(cookie);
	if (p) {
		cap = *p;
		*p = cap->next;
		dv_capture_unref(cap);
	}
	pthread_mutex_unlock(&captures_lock);
}

void dv_capture_release_all(void)
{
	struct dv_capture *cap;

	pthread_mutex_lock(&captures_lock);
	while ((cap = captures)) {
		captures = cap->next;
		dv_capture_unref(cap);
	}
	pthread_mutex_unlock(&captures_lock);
}
