// SPDX-License-Identifier: BSD-2-Clause
/*
 * bridge-client: speaks to /dev/daedalus-v4l2 the way a wrong or buggy
 * daemon would, and checks the module refuses it cleanly: calls before the
 * hello, a protocol version mismatch, a hello with garbage or said twice,
 * completions of jobs it never got, unknown ioctls. tests/clients/bridge-fuzz.c
 * does the same at random, by the hundred thousand.
 *
 * usage: bridge-client [NODE]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "daedalus_v4l2_bridge.h"

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : DV_BRIDGE_NODE;
	struct dv_hello hello = { .version = 999 };
	struct dv_complete c = { .job_id = 12345, .status = DV_STATUS_ERROR };
	uint8_t buf[256];
	struct dv_recv recv = { .buf = (uintptr_t)buf, .buf_size = sizeof(buf) };
	int fd, fd2, r;

	fd = open(node, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		perror(node);
		return 2;
	}
	fd2 = open(node, O_RDWR);
	check(fd2 < 0 && errno == EBUSY, "a second opener is refused with EBUSY");

	r = ioctl(fd, DV_IOC_RECV, &recv);
	check(r < 0 && errno == EPROTO, "RECV before the hello is refused with EPROTO");

	r = ioctl(fd, DV_IOC_HELLO, &hello);
	check(r < 0 && errno == EPROTO, "a mismatched protocol version is refused with EPROTO");
	check(hello.version == DV_BRIDGE_VERSION, "the refusal tells the module's version");

	hello = (struct dv_hello){ .version = DV_BRIDGE_VERSION, .reserved[5] = 1 };
	r = ioctl(fd, DV_IOC_HELLO, &hello);
	check(r < 0 && errno == EINVAL, "a hello with nonzero reserved fields is refused with EINVAL");

	hello = (struct dv_hello){ .version = DV_BRIDGE_VERSION };
	check(ioctl(fd, DV_IOC_HELLO, &hello) == 0, "the right version is accepted");
	r = ioctl(fd, DV_IOC_HELLO, &hello);
	check(r < 0 && errno == EALREADY, "a second hello is refused with EALREADY");

	r = ioctl(fd, DV_IOC_RECV, &recv);
	check(r < 0 && errno == EAGAIN, "RECV with nothing queued gives EAGAIN");

	r = ioctl(fd, DV_IOC_COMPLETE, &c);
	check(r < 0 && errno == ENOENT, "completing a job never received gives ENOENT");
	c.status = 77;
	r = ioctl(fd, DV_IOC_COMPLETE, &c);
	check(r < 0 && errno == ENOENT, "... whatever the status");

	r = ioctl(fd, _IO('D', 0x7f));
	check(r < 0 && errno == ENOTTY, "an unknown ioctl gives ENOTTY");

	close(fd);
	fd = open(node, O_RDWR);
	check(fd >= 0, "after the daemon closes, a new one can attach");
	close(fd);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
