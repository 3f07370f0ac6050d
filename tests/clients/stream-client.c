// SPDX-License-Identifier: BSD-2-Clause
/*
 * stream-client: a client that keeps requests flowing, for the fault tests.
 * It decodes nothing meaningful (the bitstream is seeded noise behind valid
 * controls); what it checks is the device's promise to a client whatever
 * happens behind it: every request completes, with DONE or ERROR buffers,
 * within the deadline; CAPTURE is ready when its request completes; fresh
 * CAPTURE memory holds no stale data; STREAMOFF in the middle of a stream
 * returns every buffer; CAPTURE follows a new coded size.
 *
 * usage: stream-client [options] /dev/videoN /dev/mediaN
 *   --codec h264|vp9     OUTPUT format and controls (default h264)
 *   --seconds S          keep going for S seconds (default 10)
 *   --deadline D         a request must complete within D s (default 3)
 *   --streamoff-every N  STREAMOFF/STREAMON with requests in flight, every
 *                        N requests (default never)
 *   --resize-every N     every N requests, switch between 320x240 and
 *                        176x144 the way a client follows a resolution
 *                        change: STREAMOFF, free both queues' buffers,
 *                        S_FMT, new buffers (CAPTURE reallocation)
 *   --abandon N          exit without cleaning up after N requests, two
 *                        in flight (a client dying mid-request)
 *   --seed N             bitstream noise seed (default 1)
 * SIGTERM ends the run early, cleanly (in-flight requests still reaped).
 * Prints "requests: N done: D error: E max-wait: W s" and exits 1 if any
 * check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/media.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "client-util.h"

#define SLOTS		4	/* OUTPUT and CAPTURE buffers, requests */
#define IN_FLIGHT	2	/* what GStreamer keeps queued */

static const unsigned int out_t = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
static const unsigned int cap_t = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;

static int failures;
static uint64_t rng = 1;
static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void fail(const char *fmt, const char *what, int err)
{
	printf("FAIL: ");
	printf(fmt, what);
	printf(" (%s)\n", strerror(err));
	failures++;
}

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

struct stream {
	int fd, media;
	int vp9;
	unsigned int w, h;	/* coded size */
	void *out_map[SLOTS];
	size_t out_size;
	int req[SLOTS];
	double queued_at[SLOTS];
	int busy[SLOTS];
	unsigned long long queued, done, errors, resizes;
	double max_wait;
};

static int set_controls(struct stream *s, int req, int key)
{
	if (s->vp9) {
		struct v4l2_ctrl_vp9_frame f = {
			.flags = V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
				 V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
				 V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING |
				 (key ? V4L2_VP9_FRAME_FLAG_KEY_FRAME : 0),
			.frame_width_minus_1 = s->w - 1, .frame_height_minus_1 = s->h - 1,
			.render_width_minus_1 = s->w - 1, .render_height_minus_1 = s->h - 1,
			.bit_depth = 8,
		};

		return set_ctrl(s->fd, req, V4L2_CID_STATELESS_VP9_FRAME, &f, sizeof(f));
	} else {
		struct v4l2_ctrl_h264_sps sps = {
			.profile_idc = 66, .chroma_format_idc = 1,
			.pic_width_in_mbs_minus1 = s->w / 16 - 1,
			.pic_height_in_map_units_minus1 = s->h / 16 - 1,
			.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY,
		};
		struct v4l2_ctrl_h264_pps pps = { 0 };
		struct v4l2_ctrl_h264_decode_params dp = {
			.flags = key ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC : 0,
		};

		return set_ctrl(s->fd, req, V4L2_CID_STATELESS_H264_SPS, &sps, sizeof(sps)) ?:
		       set_ctrl(s->fd, req, V4L2_CID_STATELESS_H264_PPS, &pps, sizeof(pps)) ?:
		       set_ctrl(s->fd, req, V4L2_CID_STATELESS_H264_DECODE_PARAMS, &dp, sizeof(dp));
	}
}

static int qbuf(struct stream *s, unsigned int type, unsigned int index, unsigned int bytesused,
		int req, unsigned long long ts_us)
{
	struct v4l2_plane plane = { .bytesused = bytesused };
	struct v4l2_buffer b = {
		.type = type, .memory = V4L2_MEMORY_MMAP, .index = index,
		.m.planes = &plane, .length = 1,
		.timestamp = { .tv_sec = ts_us / 1000000, .tv_usec = ts_us % 1000000 },
	};

	if (req >= 0) {
		b.flags = V4L2_BUF_FLAG_REQUEST_FD;
		b.request_fd = req;
	}
	return xioctl(s->fd, VIDIOC_QBUF, &b) ? errno : 0;
}

static int dqbuf(struct stream *s, unsigned int type, struct v4l2_buffer *b)
{
	static struct v4l2_plane plane;

	memset(b, 0, sizeof(*b));
	b->type = type;
	b->memory = V4L2_MEMORY_MMAP;
	b->m.planes = &plane;
	b->length = 1;
	return xioctl(s->fd, VIDIOC_DQBUF, b) ? errno : 0;
}

static int stream_on(struct stream *s, int on)
{
	unsigned int types[] = { out_t, cap_t };
	int r = 0;

	for (int i = 0; i < 2; i++)
		if (xioctl(s->fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &types[i]))
			r = errno;
	return r;
}

/* Queues request @slot: controls, noise, both buffers. */
static void submit(struct stream *s, int slot)
{
	unsigned int bytes = 16 + next_rand() % 2000;
	uint8_t *p = s->out_map[slot];
	int r;

	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)next_rand();
	if (!s->vp9) {	/* an Annex-B IDR slice start, then noise */
		memcpy(p, "\0\0\1\x65", 4);
	}
	xioctl(s->req[slot], MEDIA_REQUEST_IOC_REINIT, NULL);
	r = set_controls(s, s->req[slot], s->queued == 0);
	if (r)
		fail("%s", "controls refused", r);
	r = qbuf(s, out_t, slot, bytes, s->req[slot], s->queued + 1);
	if (!r)
		r = qbuf(s, cap_t, slot, 0, -1, 0);
	if (!r && xioctl(s->req[slot], MEDIA_REQUEST_IOC_QUEUE, NULL))
		r = errno;
	if (r) {
		fail("%s", "queueing a request", r);
		return;
	}
	s->busy[slot] = 1;
	s->queued_at[slot] = now();
	s->queued++;
}

/* Waits for request @slot and takes its buffers back. */
static void reap(struct stream *s, int slot, double deadline)
{
	struct pollfd pfd = { .fd = s->req[slot], .events = POLLPRI };
	struct v4l2_buffer b;
	double wait;
	int r;

	do {
		double left = s->queued_at[slot] + deadline - now();

		r = poll(&pfd, 1, left > 0 ? (int)(left * 1000) : 0);
	} while (r < 0 && errno == EINTR);
	wait = now() - s->queued_at[slot];
	if (wait > s->max_wait)
		s->max_wait = wait;
	if (r != 1) {
		printf("FAIL: request %llu not completed within %.1f s\n", s->queued, deadline);
		failures++;
		exit(1);
	}
	/* Both buffers are ready the moment the request completes. */
	r = dqbuf(s, cap_t, &b);
	if (r)
		fail("%s", "CAPTURE not ready when its request completed", r);
	else if (b.flags & V4L2_BUF_FLAG_ERROR)
		s->errors++;
	else
		s->done++;
	r = dqbuf(s, out_t, &b);
	if (r)
		fail("%s", "OUTPUT not ready when its request completed", r);
	s->busy[slot] = 0;
}

/* STREAMOFF with requests in flight: every one must end, buffers back. */
static void stream_restart(struct stream *s)
{
	struct v4l2_buffer b;

	stream_on(s, 0);
	for (int i = 0; i < SLOTS; i++) {
		struct pollfd pfd = { .fd = s->req[i], .events = POLLPRI };

		if (!s->busy[i])
			continue;
		if (poll(&pfd, 1, 1000) != 1)
			fail("%s", "a request still pending after STREAMOFF", ETIMEDOUT);
		s->busy[i] = 0;
		s->errors++;
	}
	if (!dqbuf(s, cap_t, &b) || !dqbuf(s, out_t, &b))
		fail("%s", "a buffer was still queued after STREAMOFF", EINVAL);
	if (stream_on(s, 1))
		fail("%s", "STREAMON after STREAMOFF", errno);
}

/* S_FMT OUTPUT at s->w x s->h, buffers on both queues, mapped. */
static int setup(struct stream *s)
{
	struct v4l2_format f = { .type = out_t };
	struct v4l2_requestbuffers rb;

	f.fmt.pix_mp.pixelformat = s->vp9 ? V4L2_PIX_FMT_VP9_FRAME : V4L2_PIX_FMT_H264_SLICE;
	f.fmt.pix_mp.width = s->w;
	f.fmt.pix_mp.height = s->h;
	f.fmt.pix_mp.num_planes = 1;
	if (xioctl(s->fd, VIDIOC_S_FMT, &f))
		fail("%s", "S_FMT OUTPUT", errno);
	f = (struct v4l2_format){ .type = cap_t };
	if (xioctl(s->fd, VIDIOC_G_FMT, &f) || f.fmt.pix_mp.width < s->w ||
	    f.fmt.pix_mp.height < s->h || f.fmt.pix_mp.width > s->w + 64)
		fail("%s", "CAPTURE format does not follow the OUTPUT size", EINVAL);
	rb = (struct v4l2_requestbuffers){ .count = SLOTS, .type = out_t, .memory = V4L2_MEMORY_MMAP };
	if (xioctl(s->fd, VIDIOC_REQBUFS, &rb) || rb.count < SLOTS)
		fail("%s", "REQBUFS OUTPUT", errno);
	rb = (struct v4l2_requestbuffers){ .count = SLOTS, .type = cap_t, .memory = V4L2_MEMORY_MMAP };
	if (xioctl(s->fd, VIDIOC_REQBUFS, &rb) || rb.count < SLOTS)
		fail("%s", "REQBUFS CAPTURE", errno);
	if (failures)
		return -1;

	for (int i = 0; i < SLOTS; i++) {
		struct v4l2_plane plane;
		struct v4l2_buffer b = {
			.type = out_t, .memory = V4L2_MEMORY_MMAP, .index = i,
			.m.planes = &plane, .length = 1,
		};
		uint8_t *cap;

		xioctl(s->fd, VIDIOC_QUERYBUF, &b);
		s->out_size = plane.length;
		s->out_map[i] = mmap(NULL, plane.length, PROT_READ | PROT_WRITE, MAP_SHARED,
				     s->fd, plane.m.mem_offset);
		b.type = cap_t;
		xioctl(s->fd, VIDIOC_QUERYBUF, &b);
		/* New CAPTURE memory must not show anyone's old pixels. */
		cap = mmap(NULL, plane.length, PROT_READ, MAP_SHARED, s->fd, plane.m.mem_offset);
		if (s->out_map[i] == MAP_FAILED || cap == MAP_FAILED) {
			fail("%s", "mmap", errno);
			return -1;
		}
		for (size_t k = 0; k < plane.length; k++)
			if (cap[k]) {
				fail("%s", "a new CAPTURE buffer holds stale data", EINVAL);
				break;
			}
		munmap(cap, plane.length);
	}
	return 0;
}

/*
 * What a client does on a resolution change: the requests in flight
 * reaped within @deadline, everything freed, then setup().
 */
static void resize(struct stream *s, double deadline)
{
	struct v4l2_requestbuffers rb;

	for (int i = 0; i < SLOTS; i++)
		if (s->busy[i])
			reap(s, i, deadline);
	stream_on(s, 0);
	for (int i = 0; i < SLOTS; i++)
		munmap(s->out_map[i], s->out_size);
	rb = (struct v4l2_requestbuffers){ .count = 0, .type = out_t, .memory = V4L2_MEMORY_MMAP };
	if (xioctl(s->fd, VIDIOC_REQBUFS, &rb))
		fail("%s", "freeing the OUTPUT buffers", errno);
	rb = (struct v4l2_requestbuffers){ .count = 0, .type = cap_t, .memory = V4L2_MEMORY_MMAP };
	if (xioctl(s->fd, VIDIOC_REQBUFS, &rb))
		fail("%s", "freeing the CAPTURE buffers", errno);
	s->w = s->w == 320 ? 176 : 320;
	s->h = s->h == 240 ? 144 : 240;
	s->resizes++;
	if (!setup(s) && stream_on(s, 1))
		fail("%s", "STREAMON after a resolution change", errno);
}

int main(int argc, char **argv)
{
	double seconds = 10, deadline = 3, end;
	unsigned long long streamoff_every = 0, abandon = 0;
	unsigned long long resize_every = 0;
	struct stream s = { 0 };
	int i = 1, slot = 0;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--codec"))
			s.vp9 = !strcmp(argv[i + 1], "vp9");
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--deadline"))
			deadline = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--streamoff-every"))
			streamoff_every = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--resize-every"))
			resize_every = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--abandon"))
			abandon = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			rng = strtoull(argv[i + 1], NULL, 0) * 2654435761u + 1;
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: %s [--codec h264|vp9] [--seconds S] [--deadline D] "
			"[--streamoff-every N] [--resize-every N] [--abandon N] [--seed N] VIDEO MEDIA\n", argv[0]);
		return 2;
	}
	s.fd = open(argv[i], O_RDWR | O_NONBLOCK);
	s.media = open(argv[i + 1], O_RDWR);
	if (s.fd < 0 || s.media < 0) {
		perror("open");
		return 2;
	}

	s.w = 320;
	s.h = 240;
	if (setup(&s))
		return 1;
	for (i = 0; i < SLOTS; i++)
		if (xioctl(s.media, MEDIA_IOC_REQUEST_ALLOC, &s.req[i]))
			fail("%s", "MEDIA_IOC_REQUEST_ALLOC", errno);
	if (stream_on(&s, 1))
		fail("%s", "STREAMON", errno);

	signal(SIGTERM, on_term);
	end = now() + seconds;
	while (now() < end && !failures && !stopping) {
		if (s.busy[slot])
			reap(&s, slot, deadline);
		submit(&s, slot);
		/* Keep IN_FLIGHT queued: reap the one before. */
		if (s.busy[(slot + SLOTS - IN_FLIGHT + 1) % SLOTS])
			reap(&s, (slot + SLOTS - IN_FLIGHT + 1) % SLOTS, deadline);
		slot = (slot + 1) % SLOTS;
		if (abandon && s.queued >= abandon) {
			printf("abandoning with requests in flight\n");
			_exit(0);
		}
		if (streamoff_every && s.queued % streamoff_every == 0)
			stream_restart(&s);
		if (resize_every && s.queued % resize_every == 0) {
			resize(&s, deadline);
			slot = 0;
		}
	}
	for (i = 0; i < SLOTS; i++)
		if (s.busy[i])
			reap(&s, i, deadline);
	stream_on(&s, 0);
	printf("requests: %llu done: %llu error: %llu resizes: %llu max-wait: %.3f s\n",
	       s.queued, s.done, s.errors, s.resizes, s.max_wait);
	return failures ? 1 : 0;
}
