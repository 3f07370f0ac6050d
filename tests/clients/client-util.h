/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the V4L2 test clients share. Each client is one .c file built with
 * one cc command in the guest (tests/vm/lib.sh build_client), so these are
 * static inline rather than a library.
 */
#ifndef DV_CLIENT_UTIL_H
#define DV_CLIENT_UTIL_H

#include <errno.h>
#include <linux/videodev2.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <time.h>

/* ioctl, retried when a signal (the clients' SIGTERM/SIGALRM) cuts it short. */
static inline int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Monotonic seconds: for deadlines and the waits the clients report. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Set one compound control, in the request @request_fd if it is >= 0, else
 * on the device. Returns errno or 0.
 */
static inline int set_ctrl(int fd, int request_fd, unsigned int id, void *p, size_t size)
{
	struct v4l2_ext_control c = { .id = id, .size = size, .ptr = p };
	struct v4l2_ext_controls cs = { .count = 1, .controls = &c };

	if (request_fd >= 0) {
		cs.which = V4L2_CTRL_WHICH_REQUEST_VAL;
		cs.request_fd = request_fd;
	}
	return xioctl(fd, VIDIOC_S_EXT_CTRLS, &cs) ? errno : 0;
}

#endif
