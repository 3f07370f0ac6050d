// SPDX-License-Identifier: BSD-2-Clause
/*
 * replay-client: replays a clip's requests through the device the way a
 * real client other than GStreamer drives a stateless decoder, and writes
 * the pictures it gets back in display order, so that they can be hashed
 * against the clip's reference (tests/conformance/framemd5.py --layout
 * tight).
 *
 * The requests are the jobs a daemon dumped (--dump-jobs) while GStreamer
 * decoded the clip: each holds the request's control values and bitstream.
 * What is the replaying client's own is everything around them:
 *
 *  --mode ffmpeg   FFmpeg's v4l2request hwaccel (brief.md, "Client
 *      contracts"): the video node opened O_NONBLOCK; CREATE_BUFS(count=0)
 *      to learn SUPPORTS_REQUESTS; OUTPUT sizeimage max(w*h*3/2, 256 KiB);
 *      the codec's sequence control set outside a request before CAPTURE's
 *      G_FMT is taken (for VP9 a frame control of a header not sized yet,
 *      frame_width_minus_1 = 65535, as FFmpeg sets it when it opens);
 *      OUTPUT sizeimage FFmpeg's constant (4 MiB H.264, 3 MiB VP9); four
 *      OUTPUT buffers, each tied to one request fd reused with
 *      MEDIA_REQUEST_IOC_REINIT; CAPTURE buffers created one at a time with
 *      CREATE_BUFS(count=1), its initial pool before STREAMON (14 for H.264,
 *      12 for VP9, as measured), more after STREAMON as it runs dry; OUTPUT
 *      timestamps {0, CAPTURE index + 1} (which repeat as CAPTURE buffers
 *      are reused) and references named by them; the OUTPUT buffer queued,
 *      then its CAPTURE buffer, then the request; up to four requests in
 *      flight; every wait a 2 s poll (POLLPRI on the request, POLLIN on the
 *      video node); pictures read through EXPBUF(O_RDONLY) with
 *      DMA_BUF_IOCTL_SYNC around the reads.
 *  --mode chromium  Chromium's V4L2 stateless decoder: exactly refs + 2
 *      CAPTURE buffers (REQBUFS before streaming, never more; refs is the
 *      most references the clip holds at once), one OUTPUT buffer, so one
 *      request at a time, multi-planar API.
 *
 * Checked on every request: it completes within the deadline, its CAPTURE
 * buffer is the one queued with it (the dequeued buffer carries the
 * request's timestamp, which names that buffer) and is not ERROR.
 * Display order: H.264 pictures by POC between IDRs (no MMCO 5 in the
 * corpora), VP9 the shown frames in decode order.
 *
 * usage: replay-client [--mode ffmpeg|chromium] [--deadline S] [--width W
 *                      --height H] --out FILE DUMP_DIR /dev/videoN /dev/mediaN
 *   --width/--height  the display size to write (default: the coded size)
 *   --stop-daemon PID --stop-after N
 *                     the no-write-after-return check instead of a decode:
 *                     after N requests, once the daemon holds jobs, SIGSTOP
 *                     it, STREAMOFF, note every CAPTURE buffer's contents,
 *                     SIGCONT it; the buffers must not change after that
 *   --die-after ctrls|output|capture|queue --stop-after N
 *                     a client that dies: exit at request N right after
 *                     that step (controls set, OUTPUT queued, CAPTURE
 *                     queued, request queued), leaving everything behind
 * Prints "requests: N pictures: P capture-buffers: C max-wait: W s max-gap:
 * G s max-latency: L s" (G: the longest the device went without completing
 * a request while one was in flight; L: the longest a request took from
 * being queued to completing, the first requests in flight left out) and
 * exits 1 if a check failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
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
#include <sys/stat.h>
#include <unistd.h>

#include "daedalus_v4l2_bridge.h"
#include "client-util.h"

#define MAX_CAPTURE	31	/* FFmpeg tracks CAPTURE buffers in a 32-bit mask */
#define MAX_SLOTS	4	/* FFmpeg's OUTPUT buffers and requests */
#define MAX_CTRLS	16

static unsigned int out_t = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
static unsigned int cap_t = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;

static int failures;
static double deadline = 2.0, max_wait;
/*
 * The longest the device went without completing a request while some were
 * in flight (from the first request queued), and the longest a request took
 * from being queued to completing, the first requests in flight left out
 * (they include the decoder's set-up): what a progress watchdog and a
 * per-job one would each time.
 */
static double max_gap, max_latency, last_progress;
static int stop_pid, stop_after = -1;
static const char *die_after;

/* A client dying at request @i, right after @step: exit, no clean-up. */
static void maybe_die(int i, const char *step)
{
	if (die_after && i == stop_after && !strcmp(step, die_after)) {
		printf("dying at request %d after %s\n", i, step);
		fflush(stdout);
		_exit(0);
	}
}

#define FAIL(...) do { printf("FAIL: " __VA_ARGS__); printf("\n"); failures++; } while (0)

/* One dumped job: a request of the clip. */
struct job {
	uint8_t *msg;
	size_t size;
	struct dv_msg_job hdr;
	int last_use;		/* last job naming this one as a reference */
	int capture;		/* CAPTURE index it was decoded into */
	uint64_t ts;		/* our OUTPUT timestamp for it, ns */
	int poc, idr, shown;	/* display order */
	uint8_t *picture;	/* its pixels, tight, once decoded */
	double queued_at;	/* when its request was queued */
};

static struct job *jobs;
static int n_jobs;

struct capture {
	void *map;
	size_t size;
	int busy;		/* queued, or holding a picture still referenced */
};

static struct {
	int fd, media;
	int chromium;
	uint32_t codec, fourcc;
	unsigned int coded_w, coded_h, out_w, out_h;
	struct v4l2_format cap_fmt;
	unsigned int n_capture, n_slots;
	struct capture cap[MAX_CAPTURE];
	void *out_map[MAX_SLOTS];
	size_t out_size[MAX_SLOTS];
	int req_fd[MAX_SLOTS];
	int slot_job[MAX_SLOTS];	/* job in flight on the slot, or -1 */
	int next_slot;
} dev;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The jobs of the context that has the most, by job id (file names sort
 * so: ctx<C>-job<J>.msg with J zero-padded).
 */
static void load_jobs(const char *dir)
{
	char **names = NULL, best_ctx[64] = "";
	size_t n = 0, cap = 0, best = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "ctx", 3) || !strstr(e->d_name, ".msg"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(names[i], "-"), count = 0;

		for (size_t j = 0; j < n; j++)
			count += !strncmp(names[i], names[j], len + 1);
		if (count > best && len < sizeof(best_ctx)) {
			best = count;
			memcpy(best_ctx, names[i], len + 1);
			best_ctx[len + 1] = 0;
		}
	}
	jobs = calloc(best ? best : 1, sizeof(*jobs));
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		FILE *f;
		struct job *j;

		if (strncmp(names[i], best_ctx, strlen(best_ctx)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		j = &jobs[n_jobs];
		if (stat(path, &st) || !(f = fopen(path, "rb"))) {
			perror(path);
			exit(2);
		}
		j->size = st.st_size;
		j->msg = malloc(j->size);
		if (fread(j->msg, 1, j->size, f) != j->size || j->size < sizeof(j->hdr)) {
			fprintf(stderr, "%s: short dump\n", path);
			exit(2);
		}
		fclose(f);
		memcpy(&j->hdr, j->msg, sizeof(j->hdr));
		if (j->hdr.ctrls_offset + (size_t)j->hdr.ctrls_size > j->size ||
		    j->hdr.bitstream_offset + (size_t)j->hdr.bitstream_size > j->size) {
			fprintf(stderr, "%s: bad dump\n", path);
			exit(2);
		}
		n_jobs++;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!n_jobs) {
		fprintf(stderr, "%s: no dumped jobs\n", dir);
		exit(2);
	}
}

/* The payload of control @id in job @j, or NULL; *@size gets its size. */
static void *job_ctrl(struct job *j, uint32_t id, uint32_t *size)
{
	size_t pos = 0, end = j->hdr.ctrls_size;
	uint8_t *recs = j->msg + j->hdr.ctrls_offset;

	while (pos + sizeof(struct dv_ctrl_record) <= end) {
		struct dv_ctrl_record r;

		memcpy(&r, recs + pos, sizeof(r));
		if (r.id == id) {
			if (size)
				*size = r.size;
			return recs + pos + sizeof(r);
		}
		pos += sizeof(r) + ((r.size + DV_CTRL_RECORD_ALIGN - 1) &
				    ~(size_t)(DV_CTRL_RECORD_ALIGN - 1));
	}
	return NULL;
}

/* The job whose (dumped) timestamp is @ts, before job @before; or -1. */
static int job_by_ts(uint64_t ts, int before)
{
	for (int i = before - 1; i >= 0; i--)
		if (jobs[i].hdr.timestamp == ts)
			return i;
	return -1;
}

/*
 * Calls @fn(ref, user) for each reference timestamp field of job @i (the
 * dumped values; the replay rewrites them in place to its own names).
 */
static void for_each_ref(int i, void (*fn)(__u64 *ref, int job, void *user), void *user)
{
	struct job *j = &jobs[i];

	if (dev.codec == DV_CODEC_ID_H264) {
		struct v4l2_ctrl_h264_decode_params *dp =
			job_ctrl(j, V4L2_CID_STATELESS_H264_DECODE_PARAMS, NULL);

		for (int k = 0; dp && k < V4L2_H264_NUM_DPB_ENTRIES; k++)
			if (dp->dpb[k].flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE)
				fn(&dp->dpb[k].reference_ts, i, user);
	} else if (dev.codec == DV_CODEC_ID_VP9) {
		struct v4l2_ctrl_vp9_frame *f =
			job_ctrl(j, V4L2_CID_STATELESS_VP9_FRAME, NULL);

		if (f && !(f->flags & (V4L2_VP9_FRAME_FLAG_KEY_FRAME |
				       V4L2_VP9_FRAME_FLAG_INTRA_ONLY))) {
			fn(&f->last_frame_ts, i, user);
			fn(&f->golden_frame_ts, i, user);
			fn(&f->alt_frame_ts, i, user);
		}
	}
}

static void note_use(__u64 *ref, int job, void *user)
{
	int r = job_by_ts(*ref, job);

	(void)user;
	if (r >= 0 && jobs[r].last_use < job)
		jobs[r].last_use = job;
}

static void rename_ref(__u64 *ref, int job, void *user)
{
	int r = job_by_ts(*ref, job);

	(void)user;
	if (r >= 0)
		*ref = jobs[r].ts;
}

/* Display order facts and reference lifetimes, from the dumped controls. */
static void analyse_jobs(void)
{
	for (int i = 0; i < n_jobs; i++) {
		struct job *j = &jobs[i];

		j->last_use = i;
		j->shown = 1;
		if (dev.codec == DV_CODEC_ID_H264) {
			struct v4l2_ctrl_h264_decode_params *dp =
				job_ctrl(j, V4L2_CID_STATELESS_H264_DECODE_PARAMS, NULL);

			if (dp) {
				j->poc = dp->top_field_order_cnt < dp->bottom_field_order_cnt ?
					 dp->top_field_order_cnt : dp->bottom_field_order_cnt;
				j->idr = !!(dp->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC);
			}
		} else if (dev.codec == DV_CODEC_ID_VP9) {
			struct v4l2_ctrl_vp9_frame *f =
				job_ctrl(j, V4L2_CID_STATELESS_VP9_FRAME, NULL);

			j->shown = !f || (f->flags & V4L2_VP9_FRAME_FLAG_SHOW_FRAME);
		}
	}
	for (int i = 0; i < n_jobs; i++)
		for_each_ref(i, note_use, NULL);
}

/* The most CAPTURE buffers the clip holds at once as references, plus the one decoding. */
static unsigned int refs_held(void)
{
	unsigned int most = 1;

	for (int i = 0; i < n_jobs; i++) {
		unsigned int live = 1;

		for (int k = 0; k < i; k++)
			live += jobs[k].last_use >= i;
		if (live > most)
			most = live;
	}
	return most;
}

static int map_output(unsigned int index)
{
	struct v4l2_plane planes[1] = {};
	struct v4l2_buffer b = { .type = out_t, .memory = V4L2_MEMORY_MMAP,
				 .index = index, .length = 1, .m.planes = planes };

	if (xioctl(dev.fd, VIDIOC_QUERYBUF, &b))
		return -errno;
	dev.out_size[index] = planes[0].length;
	dev.out_map[index] = mmap(NULL, planes[0].length, PROT_READ | PROT_WRITE,
				  MAP_SHARED, dev.fd, planes[0].m.mem_offset);
	return dev.out_map[index] == MAP_FAILED ? -errno : 0;
}

/* EXPBUF(O_RDONLY) and map, as FFmpeg reads a picture back. */
static int map_capture(unsigned int index)
{
	struct v4l2_exportbuffer e = { .type = cap_t, .index = index, .flags = O_RDONLY };
	struct capture *c = &dev.cap[index];

	if (xioctl(dev.fd, VIDIOC_EXPBUF, &e))
		return -errno;
	c->size = dev.cap_fmt.fmt.pix_mp.plane_fmt[0].sizeimage;
	c->map = mmap(NULL, c->size, PROT_READ, MAP_SHARED, e.fd, 0);
	close(e.fd);
	return c->map == MAP_FAILED ? -errno : 0;
}

/* One more CAPTURE buffer while streaming: CREATE_BUFS(count=1). */
static int grow_capture(void)
{
	struct v4l2_create_buffers cb = { .count = 1, .memory = V4L2_MEMORY_MMAP };

	cb.format = dev.cap_fmt;
	if (dev.n_capture >= MAX_CAPTURE)
		return -ENOSPC;
	if (xioctl(dev.fd, VIDIOC_CREATE_BUFS, &cb))
		return -errno;
	if (cb.count != 1 || cb.index != dev.n_capture) {
		FAIL("CREATE_BUFS(count=1) gave %u buffers at %u, wanted index %u",
		     cb.count, cb.index, dev.n_capture);
		return -EINVAL;
	}
	dev.n_capture++;
	return map_capture(cb.index);
}

static int set_fmt_output(void)
{
	struct v4l2_format f = { .type = out_t };

	f.fmt.pix_mp.pixelformat = dev.fourcc;
	f.fmt.pix_mp.width = dev.coded_w;
	f.fmt.pix_mp.height = dev.coded_h;
	f.fmt.pix_mp.num_planes = 1;
	/* FFmpeg's buffersize constants (v4l2_request_h264.c, _vp9.c). */
	f.fmt.pix_mp.plane_fmt[0].sizeimage = dev.codec == DV_CODEC_ID_VP9 ?
					       3 << 20 : 4 << 20;
	return xioctl(dev.fd, VIDIOC_S_FMT, &f) ? -errno : 0;
}

/* What a client sets before it knows a frame: FFmpeg's init. */
static void set_initial_ctrls(void)
{
	struct job *j = &jobs[0];
	uint32_t size;
	void *p;

	if (dev.codec == DV_CODEC_ID_H264) {
		struct v4l2_ext_control c[2] = {
			{ .id = V4L2_CID_STATELESS_H264_DECODE_MODE,
			  .value = V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED },
			{ .id = V4L2_CID_STATELESS_H264_START_CODE,
			  .value = V4L2_STATELESS_H264_START_CODE_ANNEX_B },
		};
		struct v4l2_ext_controls cs = { .count = 2, .controls = c };
		int32_t *sc = job_ctrl(j, V4L2_CID_STATELESS_H264_START_CODE, NULL);

		if (sc)
			c[1].value = *sc;
		if (xioctl(dev.fd, VIDIOC_S_EXT_CTRLS, &cs))
			FAIL("setting DECODE_MODE/START_CODE: %s", strerror(errno));
		p = job_ctrl(j, V4L2_CID_STATELESS_H264_SPS, &size);
		if (p && set_ctrl(dev.fd, -1, V4L2_CID_STATELESS_H264_SPS, p, size))
			FAIL("setting the SPS outside a request: %s", strerror(errno));
	} else if (dev.codec == DV_CODEC_ID_VP9) {
		/* The header FFmpeg has when it opens the decoder: not sized. */
		struct v4l2_ctrl_vp9_frame f = {
			.frame_width_minus_1 = 65535, .frame_height_minus_1 = 65535,
			.bit_depth = 8,
			.flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
				 V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING,
		};
		struct v4l2_ctrl_vp9_frame *first =
			job_ctrl(j, V4L2_CID_STATELESS_VP9_FRAME, NULL);

		if (first) {
			f.profile = first->profile;
			f.bit_depth = first->bit_depth;
			f.flags = first->flags & (V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
						  V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING);
		}
		if (set_ctrl(dev.fd, -1, V4L2_CID_STATELESS_VP9_FRAME, &f, sizeof(f)))
			FAIL("setting an unsized VP9 frame outside a request: %s",
			     strerror(errno));
	} else if (dev.codec == DV_CODEC_ID_AV1) {
		p = job_ctrl(j, V4L2_CID_STATELESS_AV1_SEQUENCE, &size);
		if (p && set_ctrl(dev.fd, -1, V4L2_CID_STATELESS_AV1_SEQUENCE, p, size))
			FAIL("setting the AV1 sequence outside a request: %s", strerror(errno));
	}
}

static int open_device(const char *video, const char *media, int want_slots)
{
	struct v4l2_capability caps = {};
	struct v4l2_create_buffers cb = { .count = 0, .memory = V4L2_MEMORY_MMAP };
	struct v4l2_requestbuffers rb = { .type = out_t, .memory = V4L2_MEMORY_MMAP };

	dev.fd = open(video, O_RDWR | O_NONBLOCK);
	dev.media = open(media, O_RDWR | O_NONBLOCK);
	if (dev.fd < 0 || dev.media < 0) {
		perror("open");
		return -1;
	}
	if (xioctl(dev.fd, VIDIOC_QUERYCAP, &caps) ||
	    !(caps.device_caps & V4L2_CAP_STREAMING) ||
	    !(caps.device_caps & V4L2_CAP_VIDEO_M2M_MPLANE)) {
		FAIL("%s: no streaming multi-planar m2m device", video);
		return -1;
	}
	if (set_fmt_output()) {
		FAIL("S_FMT(OUTPUT %ux%u): %s", dev.coded_w, dev.coded_h, strerror(errno));
		return -1;
	}
	cb.format.type = out_t;
	if (xioctl(dev.fd, VIDIOC_G_FMT, &cb.format) ||
	    xioctl(dev.fd, VIDIOC_CREATE_BUFS, &cb) ||
	    !(cb.capabilities & V4L2_BUF_CAP_SUPPORTS_REQUESTS)) {
		FAIL("CREATE_BUFS(count=0) on OUTPUT: no SUPPORTS_REQUESTS");
		return -1;
	}
	set_initial_ctrls();
	dev.cap_fmt.type = cap_t;
	if (xioctl(dev.fd, VIDIOC_G_FMT, &dev.cap_fmt)) {
		FAIL("G_FMT(CAPTURE): %s", strerror(errno));
		return -1;
	}
	if (dev.cap_fmt.fmt.pix_mp.num_planes != 1 ||
	    (dev.cap_fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_NV12 &&
	     dev.cap_fmt.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_P010)) {
		FAIL("CAPTURE format is not one-plane NV12 or P010");
		return -1;
	}
	rb.count = want_slots;
	if (xioctl(dev.fd, VIDIOC_REQBUFS, &rb) || rb.count < (unsigned int)want_slots) {
		FAIL("REQBUFS(OUTPUT, %d): %s", want_slots, strerror(errno));
		return -1;
	}
	dev.n_slots = want_slots;
	for (int i = 0; i < want_slots; i++) {
		if (map_output(i) ||
		    xioctl(dev.media, MEDIA_IOC_REQUEST_ALLOC, &dev.req_fd[i])) {
			FAIL("OUTPUT buffer or request %d: %s", i, strerror(errno));
			return -1;
		}
		dev.slot_job[i] = -1;
	}
	return 0;
}

/* Chromium: refs + 2 CAPTURE buffers, all of them before streaming. */
static int alloc_capture_fixed(unsigned int count)
{
	struct v4l2_requestbuffers rb = { .type = cap_t, .memory = V4L2_MEMORY_MMAP,
					  .count = count };

	if (count > MAX_CAPTURE)
		count = rb.count = MAX_CAPTURE;
	if (xioctl(dev.fd, VIDIOC_REQBUFS, &rb) || rb.count != count) {
		FAIL("REQBUFS(CAPTURE, %u): got %u (%s)", count, rb.count, strerror(errno));
		return -1;
	}
	dev.n_capture = count;
	for (unsigned int i = 0; i < count; i++)
		if (map_capture(i))
			return -1;
	return 0;
}

static int wait_fd(int fd, short events, const char *what, int job)
{
	struct pollfd p = { .fd = fd, .events = events };
	double t0 = now(), waited;
	int r;

	do
		r = poll(&p, 1, (int)(deadline * 1000));
	while (r < 0 && errno == EINTR);
	waited = now() - t0;
	if (waited > max_wait)
		max_wait = waited;
	if (r <= 0) {
		FAIL("job %d: no %s within %.1f s", job, what, deadline);
		return -1;
	}
	return 0;
}

/* Copy the visible picture out of CAPTURE @index into job @i, tight. */
static void read_picture(int i, unsigned int index)
{
	const struct v4l2_pix_format_mplane *pf = &dev.cap_fmt.fmt.pix_mp;
	unsigned int bps = pf->pixelformat == V4L2_PIX_FMT_P010 ? 2 : 1;
	unsigned int w = dev.out_w, h = dev.out_h, cw = 2 * ((w + 1) / 2), ch = (h + 1) / 2;
	unsigned int stride = pf->plane_fmt[0].bytesperline;
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	struct v4l2_exportbuffer e = { .type = cap_t, .index = index, .flags = O_RDONLY };
	const uint8_t *src = dev.cap[index].map, *chroma;
	uint8_t *dst;

	dst = jobs[i].picture = malloc((size_t)(w * h + cw * ch) * bps);
	/* The sync goes through a dmabuf fd: export once more for it. */
	if (xioctl(dev.fd, VIDIOC_EXPBUF, &e) == 0) {
		if (ioctl(e.fd, DMA_BUF_IOCTL_SYNC, &sync))
			FAIL("DMA_BUF_IOCTL_SYNC(START|READ): %s", strerror(errno));
	} else {
		e.fd = -1;
		FAIL("EXPBUF(O_RDONLY) of CAPTURE %u: %s", index, strerror(errno));
	}
	for (unsigned int y = 0; y < h; y++, dst += w * bps)
		memcpy(dst, src + (size_t)y * stride, w * bps);
	chroma = src + (size_t)stride * pf->height;
	for (unsigned int y = 0; y < ch; y++, dst += cw * bps)
		memcpy(dst, chroma + (size_t)y * stride, cw * bps);
	if (e.fd >= 0) {
		sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
		if (ioctl(e.fd, DMA_BUF_IOCTL_SYNC, &sync))
			FAIL("DMA_BUF_IOCTL_SYNC(END|READ): %s", strerror(errno));
		close(e.fd);
	}
}

/* A CAPTURE buffer may be reused once no later job names its picture. */
static void release_unreferenced(int decoded_up_to)
{
	for (int k = 0; k <= decoded_up_to; k++)
		if (jobs[k].capture >= 0 && jobs[k].last_use <= decoded_up_to &&
		    jobs[k].picture) {
			dev.cap[jobs[k].capture].busy = 0;
			jobs[k].capture = -1;
		}
}

static void note_completion(int i)
{
	double t = now();

	if (t - last_progress > max_gap)
		max_gap = t - last_progress;
	if (i >= (int)dev.n_slots && t - jobs[i].queued_at > max_latency)
		max_latency = t - jobs[i].queued_at;
	last_progress = t;
}

/* Wait for the request on @slot, take its buffers back, check them. */
static int reap(unsigned int slot)
{
	struct v4l2_plane planes[1] = {};
	struct v4l2_buffer b = { .type = out_t, .memory = V4L2_MEMORY_MMAP,
				 .length = 1, .m.planes = planes };
	int i = dev.slot_job[slot];
	unsigned int want;

	if (i < 0)
		return 0;
	dev.slot_job[slot] = -1;
	want = jobs[i].capture;
	if (wait_fd(dev.req_fd[slot], POLLPRI, "request completion", i))
		return -1;
	note_completion(i);
	if (xioctl(dev.fd, VIDIOC_DQBUF, &b)) {
		FAIL("job %d: DQBUF(OUTPUT): %s", i, strerror(errno));
		return -1;
	}
	if (b.index != slot)
		FAIL("job %d: OUTPUT buffer %u back, %u queued", i, b.index, slot);
	memset(&b, 0, sizeof(b));
	memset(planes, 0, sizeof(planes));
	b.type = cap_t;
	b.memory = V4L2_MEMORY_MMAP;
	b.length = 1;
	b.m.planes = planes;
	if (wait_fd(dev.fd, POLLIN, "CAPTURE buffer", i))
		return -1;
	if (xioctl(dev.fd, VIDIOC_DQBUF, &b)) {
		FAIL("job %d: DQBUF(CAPTURE) after its request completed: %s", i,
		     strerror(errno));
		return -1;
	}
	if (b.index != want || b.timestamp.tv_usec != (long)want + 1)
		FAIL("job %d: CAPTURE buffer %u (timestamp %ld us) back, buffer %u queued with it",
		     i, b.index, (long)b.timestamp.tv_usec, want);
	if (b.flags & V4L2_BUF_FLAG_ERROR)
		FAIL("job %d: CAPTURE buffer %u has ERROR", i, b.index);
	if (b.index < dev.n_capture)
		read_picture(i, b.index);
	if (ioctl(dev.req_fd[slot], MEDIA_REQUEST_IOC_REINIT, NULL))
		FAIL("job %d: MEDIA_REQUEST_IOC_REINIT: %s", i, strerror(errno));
	release_unreferenced(i);
	return 0;
}

static int free_capture(void)
{
	for (unsigned int k = 0; k < dev.n_capture; k++)
		if (!dev.cap[k].busy)
			return k;
	return -1;
}

/* The oldest request in flight, or -1. */
static int oldest_slot(void)
{
	int best = -1;

	for (unsigned int s = 0; s < dev.n_slots; s++)
		if (dev.slot_job[s] >= 0 &&
		    (best < 0 || dev.slot_job[s] < dev.slot_job[best]))
			best = s;
	return best;
}

/* Job @i's controls, in its request, with references renamed. */
static int set_request_ctrls(int i, int req_fd)
{
	struct v4l2_ext_control c[MAX_CTRLS] = {};
	struct v4l2_ext_controls cs = { .which = V4L2_CTRL_WHICH_REQUEST_VAL,
					.request_fd = req_fd, .controls = c };
	size_t pos = 0, end = jobs[i].hdr.ctrls_size;
	uint8_t *recs = jobs[i].msg + jobs[i].hdr.ctrls_offset;

	for_each_ref(i, rename_ref, NULL);
	while (pos + sizeof(struct dv_ctrl_record) <= end && cs.count < MAX_CTRLS) {
		struct dv_ctrl_record r;

		memcpy(&r, recs + pos, sizeof(r));
		/* Menus are the client's choice, made once: FFmpeg sets them at init. */
		if (r.id != V4L2_CID_STATELESS_H264_START_CODE &&
		    r.id != V4L2_CID_STATELESS_H264_DECODE_MODE && r.size) {
			c[cs.count].id = r.id;
			c[cs.count].size = r.size;
			c[cs.count].ptr = recs + pos + sizeof(r);
			cs.count++;
		}
		pos += sizeof(r) + ((r.size + DV_CTRL_RECORD_ALIGN - 1) &
				    ~(size_t)(DV_CTRL_RECORD_ALIGN - 1));
	}
	if (xioctl(dev.fd, VIDIOC_S_EXT_CTRLS, &cs)) {
		FAIL("job %d: S_EXT_CTRLS in its request: %s (control %u)", i,
		     strerror(errno), cs.error_idx < cs.count ? c[cs.error_idx].id : 0);
		return -1;
	}
	return 0;
}

static int submit(int i)
{
	unsigned int slot = dev.next_slot;
	struct v4l2_plane planes[1] = {};
	struct v4l2_buffer b = { .type = out_t, .memory = V4L2_MEMORY_MMAP,
				 .length = 1, .m.planes = planes };
	struct job *j = &jobs[i];
	int c;

	/* Its OUTPUT buffer and request are the oldest in flight: wait for them. */
	if (dev.slot_job[slot] >= 0 && reap(slot))
		return -1;
	while ((c = free_capture()) < 0) {
		if (!dev.chromium && grow_capture() == 0)
			continue;
		if (oldest_slot() < 0) {
			FAIL("job %d: no CAPTURE buffer free, none in flight", i);
			return -1;
		}
		if (reap(oldest_slot()))
			return -1;
	}
	if (j->hdr.bitstream_size > dev.out_size[slot]) {
		FAIL("job %d: %u bytes of bitstream, OUTPUT buffer of %zu", i,
		     j->hdr.bitstream_size, dev.out_size[slot]);
		return -1;
	}
	dev.cap[c].busy = 1;
	j->capture = c;
	j->ts = (uint64_t)(c + 1) * 1000;
	memcpy(dev.out_map[slot], j->msg + j->hdr.bitstream_offset, j->hdr.bitstream_size);
	if (set_request_ctrls(i, dev.req_fd[slot]))
		return -1;
	maybe_die(i, "ctrls");

	b.index = slot;
	b.flags = V4L2_BUF_FLAG_REQUEST_FD;
	b.request_fd = dev.req_fd[slot];
	b.timestamp.tv_sec = 0;
	b.timestamp.tv_usec = c + 1;
	planes[0].bytesused = j->hdr.bitstream_size;
	if (xioctl(dev.fd, VIDIOC_QBUF, &b)) {
		FAIL("job %d: QBUF(OUTPUT %u, request): %s", i, slot, strerror(errno));
		return -1;
	}
	maybe_die(i, "output");
	memset(&b, 0, sizeof(b));
	memset(planes, 0, sizeof(planes));
	b.type = cap_t;
	b.memory = V4L2_MEMORY_MMAP;
	b.index = c;
	b.length = 1;
	b.m.planes = planes;
	if (xioctl(dev.fd, VIDIOC_QBUF, &b)) {
		FAIL("job %d: QBUF(CAPTURE %d): %s", i, c, strerror(errno));
		return -1;
	}
	maybe_die(i, "capture");
	if (ioctl(dev.req_fd[slot], MEDIA_REQUEST_IOC_QUEUE, NULL)) {
		FAIL("job %d: MEDIA_REQUEST_IOC_QUEUE: %s", i, strerror(errno));
		return -1;
	}
	j->queued_at = now();
	/* Nothing was in flight: the device's progress is timed from here. */
	if (oldest_slot() < 0)
		last_progress = j->queued_at;
	dev.slot_job[slot] = i;
	dev.next_slot = (slot + 1) % dev.n_slots;
	maybe_die(i, "queue");
	return 0;
}

static int cmp_poc(const void *a, const void *b)
{
	const struct job *x = *(struct job *const *)a, *y = *(struct job *const *)b;

	return (x->poc > y->poc) - (x->poc < y->poc);
}

/* The pictures in display order: POC order between H.264 IDRs. */
static int write_pictures(const char *path)
{
	const struct v4l2_pix_format_mplane *pf = &dev.cap_fmt.fmt.pix_mp;
	unsigned int bps = pf->pixelformat == V4L2_PIX_FMT_P010 ? 2 : 1;
	size_t size = ((size_t)dev.out_w * dev.out_h +
		       (size_t)2 * ((dev.out_w + 1) / 2) * ((dev.out_h + 1) / 2)) * bps;
	struct job **order = calloc(n_jobs, sizeof(*order));
	int n = 0, written = 0;
	FILE *f = fopen(path, "wb");

	if (!f || !order) {
		perror(path);
		return -1;
	}
	for (int i = 0; i <= n_jobs; i++) {
		if (i == n_jobs || jobs[i].idr) {
			qsort(order, n, sizeof(*order), cmp_poc);
			for (int k = 0; k < n; k++) {
				if (fwrite(order[k]->picture, 1, size, f) != size)
					return -1;
				written++;
			}
			n = 0;
		}
		if (i < n_jobs && jobs[i].shown && jobs[i].picture)
			order[n++] = &jobs[i];
	}
	fclose(f);
	free(order);
	return written;
}

/* The module's count of jobs the daemon holds (debugfs). */
static int jobs_with_daemon(void)
{
	FILE *f = fopen("/sys/kernel/debug/daedalus-v4l2/stats", "r");
	char key[64];
	long v;
	int n = -1;

	while (f && fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, "jobs_with_daemon:"))
			n = v;
	if (f)
		fclose(f);
	return n;
}

static uint64_t capture_hash(unsigned int index)
{
	const uint8_t *p = dev.cap[index].map;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < dev.cap[index].size; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/*
 * A daemon stopped while it holds jobs, then the client's STREAMOFF: once
 * STREAMOFF returns the buffers are the client's, and must stay as they
 * are when the daemon runs again.
 */
static int check_no_write_after_streamoff(void)
{
	uint64_t before[MAX_CAPTURE];
	double t0, took;
	int changed = 0;

	for (t0 = now(); jobs_with_daemon() < 1; usleep(5000))
		if (now() - t0 > 10) {
			FAIL("the daemon took no job within 10 s");
			return -1;
		}
	if (kill(stop_pid, SIGSTOP)) {
		FAIL("SIGSTOP %d: %s", stop_pid, strerror(errno));
		return -1;
	}
	printf("daemon %d stopped holding %d jobs\n", stop_pid, jobs_with_daemon());
	t0 = now();
	if (xioctl(dev.fd, VIDIOC_STREAMOFF, &out_t) || xioctl(dev.fd, VIDIOC_STREAMOFF, &cap_t))
		FAIL("STREAMOFF: %s", strerror(errno));
	took = now() - t0;
	for (unsigned int i = 0; i < dev.n_capture; i++)
		before[i] = capture_hash(i);
	kill(stop_pid, SIGCONT);
	usleep(1500 * 1000);
	for (unsigned int i = 0; i < dev.n_capture; i++)
		changed += capture_hash(i) != before[i];
	if (changed)
		FAIL("%d CAPTURE buffers were written after STREAMOFF returned them", changed);
	printf("STREAMOFF returned in %.2f s; %u CAPTURE buffers, %d changed after\n",
	       took, dev.n_capture, changed);
	return changed ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *mode = "ffmpeg";
	unsigned int w = 0, h = 0;
	int a = 1, written;

	for (; a < argc && !strncmp(argv[a], "--", 2); a += 2) {
		if (a + 1 >= argc)
			break;
		if (!strcmp(argv[a], "--mode"))
			mode = argv[a + 1];
		else if (!strcmp(argv[a], "--deadline"))
			deadline = atof(argv[a + 1]);
		else if (!strcmp(argv[a], "--width"))
			w = atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--height"))
			h = atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--out"))
			out = argv[a + 1];
		else if (!strcmp(argv[a], "--stop-daemon"))
			stop_pid = atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--stop-after"))
			stop_after = atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--die-after"))
			die_after = argv[a + 1];
		else
			break;
	}
	if (argc - a != 3 || !out || (strcmp(mode, "ffmpeg") && strcmp(mode, "chromium"))) {
		fprintf(stderr, "usage: replay-client [--mode ffmpeg|chromium] [--deadline S] "
			"[--width W --height H] [--stop-daemon PID | --die-after STEP] [--stop-after N] --out FILE "
			"DUMP_DIR /dev/videoN /dev/mediaN\n");
		return 2;
	}
	dev.chromium = !strcmp(mode, "chromium");
	load_jobs(argv[a]);
	dev.codec = jobs[0].hdr.fmt.codec;
	dev.fourcc = dev.codec == DV_CODEC_ID_H264 ? V4L2_PIX_FMT_H264_SLICE :
		     dev.codec == DV_CODEC_ID_VP9 ? V4L2_PIX_FMT_VP9_FRAME :
		     V4L2_PIX_FMT_AV1_FRAME;
	dev.coded_w = jobs[0].hdr.fmt.coded_width;
	dev.coded_h = jobs[0].hdr.fmt.coded_height;
	dev.out_w = w ? w : dev.coded_w;
	dev.out_h = h ? h : dev.coded_h;
	for (int i = 0; i < n_jobs; i++)
		jobs[i].capture = -1;
	analyse_jobs();

	if (open_device(argv[a + 1], argv[a + 2], dev.chromium ? 1 : MAX_SLOTS))
		return 1;
	if (dev.chromium && alloc_capture_fixed(refs_held() + 2))
		return 1;
	/* FFmpeg's initial pool, before streaming. */
	for (int k = dev.codec == DV_CODEC_ID_VP9 ? 12 : 14; !dev.chromium && k > 0; k--)
		if (grow_capture())
			return 1;
	if (xioctl(dev.fd, VIDIOC_STREAMON, &out_t) || xioctl(dev.fd, VIDIOC_STREAMON, &cap_t)) {
		FAIL("STREAMON: %s", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n_jobs && !failures; i++) {
		if (stop_pid && i == stop_after)
			return check_no_write_after_streamoff() ? 1 : 0;
		if (submit(i))
			break;
	}
	for (int s; !failures && (s = oldest_slot()) >= 0;)
		if (reap(s))
			break;
	if (xioctl(dev.fd, VIDIOC_STREAMOFF, &out_t) || xioctl(dev.fd, VIDIOC_STREAMOFF, &cap_t))
		FAIL("STREAMOFF: %s", strerror(errno));
	written = write_pictures(out);
	printf("requests: %d pictures: %d capture-buffers: %u max-wait: %.2f s max-gap: %.2f s max-latency: %.2f s\n",
	       n_jobs, written, dev.n_capture, max_wait, max_gap, max_latency);
	return failures ? 1 : 0;
}
