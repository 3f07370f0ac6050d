// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bridge I/O: the handshake, taking messages, reporting completions. The
 * kernel validates what we send; we validate what it sends too, so a
 * mismatched or corrupted message costs one job, never the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bridge/bridge.h"
#include "util/log.h"

int dv_bridge_open(const char *node)
{
	struct dv_hello hello = { .version = DV_BRIDGE_VERSION };
	int fd;

	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EBUSY)
			dv_err("%s: another daemon is attached", node);
		else if (errno == ENOENT)
			dv_err("%s: no such node: is daedalus_v4l2.ko loaded?", node);
		else
			dv_err("%s: %s", node, strerror(errno));
		return -1;
	}
	if (ioctl(fd, DV_IOC_HELLO, &hello)) {
		if (errno == EPROTO)
			dv_err("%s: the module speaks bridge protocol %u, this daemon speaks %u: install matching versions",
			       node, hello.version, DV_BRIDGE_VERSION);
		else
			dv_err("%s: hello failed: %s", node, strerror(errno));
		close(fd);
		return -1;
	}
	dv_info("attached to %s (bridge protocol %u, up to %u jobs per context)", node,
		hello.version, hello.max_jobs);
	return fd;
}

int dv_bridge_recv(int fd, struct dv_msgbuf *buf)
{
	struct dv_recv recv;

	if (!buf->data) {
		buf->size = 1 << 20;
		buf->data = malloc(buf->size);
		if (!buf->data)
			return -1;
	}
	for (;;) {
		memset(&recv, 0, sizeof(recv));
		recv.buf = (uintptr_t)buf->data;
		recv.buf_size = buf->size;
		if (!ioctl(fd, DV_IOC_RECV, &recv)) {
			buf->used = recv.msg_size;
			/* A malformed message is dropped; the watchdog ends its job. */
			if (dv_msg_validate(buf->data, buf->used))
				continue;
			return 1;
		}
		if (errno == EAGAIN)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != ENOSPC) {
			dv_err("bridge: receiving failed: %s", strerror(errno));
			return -1;
		}
		/* The message stays queued: grow and take it again. */
		uint8_t *bigger = realloc(buf->data, recv.msg_size);

		if (!bigger) {
			dv_err("bridge: no memory for a %u-byte message", recv.msg_size);
			return -1;
		}
		buf->data = bigger;
		buf->size = recv.msg_size;
	}
}

int dv_bridge_complete(int fd, uint64_t job_id, uint32_t status,
		       uint32_t bytesused)
{
	struct dv_complete c = {
		.job_id = job_id, .status = status, .bytesused = bytesused,
	};

	if (!ioctl(fd, DV_IOC_COMPLETE, &c))
		return 0;
	if (errno == ENOENT)
		dv_dbg("job %llu: cancelled before it was done",
		       (unsigned long long)job_id);
	else
		dv_err("job %llu: completion refused: %s",
		       (unsigned long long)job_id, strerror(errno));
	return -1;
}

int dv_msg_validate(const uint8_t *msg, size_t size)
{
	struct dv_msg_header hdr;
	struct dv_msg_job job;
	size_t need;

	if (size < sizeof(hdr))
		goto bad;
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.size != size)
		goto bad;
	switch (hdr.type) {
	case DV_MSG_CTX_OPEN:
	case DV_MSG_CTX_CLOSE:
	case DV_MSG_STREAM_ON:
	case DV_MSG_STREAM_OFF:
	case DV_MSG_FORMAT:
		need = sizeof(struct dv_msg_ctx);
		break;
	case DV_MSG_BUF_RELEASE:
		need = sizeof(struct dv_msg_buf_release);
		break;
	case DV_MSG_JOB:
		if (size < sizeof(job))
			goto bad;
		memcpy(&job, msg, sizeof(job));
		if (job.ctrls_offset < sizeof(job) ||
		    job.ctrls_offset > size ||
		    job.ctrls_size > size - job.ctrls_offset ||
		    job.bitstream_offset > size ||
		    job.bitstream_size > size - job.bitstream_offset)
			goto bad;
		return 0;
	default:
		goto bad;
	}
	if (size != need)
		goto bad;
	return 0;
bad:
	dv_err("bridge: malformed message of %zu bytes", size);
	return -1;
}
