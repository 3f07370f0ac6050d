// SPDX-License-Identifier: BSD-2-Clause
/*
 * The daemon's side of the status report: per-context statistics, kept as
 * the workers finish jobs, and the thread that writes them to the status
 * file about once a second. The format is in status.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "status/status.h"
#include "util/log.h"

struct dv_status_ctx {
	uint32_t id;
	bool open;
	int64_t closed_us;		/* monotonic, when it closed */
	bool have_fmt;
	struct dv_format fmt;		/* of its last job */
	char backend[32];
	int threads;
	uint64_t done, failed, cancelled;
	int64_t first_start_us;		/* when its first job started */
	int64_t last_end_us;		/* when its last job ended */
	/* The last DV_STATUS_WINDOW_JOBS jobs: when each ended, how long it took. */
	unsigned int ring_len, ring_next;
	int64_t end_us[DV_STATUS_WINDOW_JOBS];
	int64_t decode_us[DV_STATUS_WINDOW_JOBS];
	struct dv_status_ctx *next;
};

/* Everything below is under this lock: workers add, the writer reads. */
static pthread_mutex_t dv_status_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dv_status_ctx *dv_status_contexts;	/* newest first */
static char dv_status_node[256];
static unsigned int dv_status_protocol;
static double dv_status_started;

/* The writer thread's state. */
static char *dv_status_path;
static pthread_t dv_status_thread;
static bool dv_status_thread_running;
static pthread_mutex_t dv_status_writer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dv_status_writer_cond;
static bool dv_status_writer_stop;
static bool dv_status_write_warned;

static int64_t dv_status_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double dv_status_real_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct dv_status_ctx *dv_status_find(uint32_t id)
{
	for (struct dv_status_ctx *c = dv_status_contexts; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

/* The entry of context @id, made (at the front, as the newest) if missing. */
static struct dv_status_ctx *dv_status_get(uint32_t id)
{
	struct dv_status_ctx *c = dv_status_find(id);

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;	/* the context just goes unreported */
	c->id = id;
	c->open = true;
	c->next = dv_status_contexts;
	dv_status_contexts = c;
	return c;
}

/*
 * Closed contexts are kept so that the status of a decode that just ended
 * can still be read: those that decoded something, the newest
 * DV_STATUS_KEEP_CLOSED, for DV_STATUS_KEEP_CLOSED_SECONDS.
 */
static void dv_status_prune(int64_t now_us)
{
	struct dv_status_ctx **p = &dv_status_contexts, *c;
	unsigned int closed = 0;

	while ((c = *p)) {
		bool drop = false;

		if (!c->open) {
			closed++;
			drop = closed > DV_STATUS_KEEP_CLOSED ||
			       c->done + c->failed + c->cancelled == 0 ||
			       now_us - c->closed_us > (int64_t)DV_STATUS_KEEP_CLOSED_SECONDS * 1000000;
		}
		if (drop) {
			*p = c->next;
			free(c);
		} else {
			p = &c->next;
		}
	}
}

void dv_status_context_open_at(uint32_t ctx_id, int64_t now_us)
{
	struct dv_status_ctx *c;

	pthread_mutex_lock(&dv_status_lock);
	c = dv_status_find(ctx_id);
	if (c && !c->open) {
		/* An id used again: a new context, not the old one reopened. */
		struct dv_status_ctx *next = c->next;

		memset(c, 0, sizeof(*c));
		c->id = ctx_id;
		c->next = next;
		c->open = true;
	} else if (!c) {
		dv_status_get(ctx_id);
	}
	dv_status_prune(now_us);
	pthread_mutex_unlock(&dv_status_lock);
}

void dv_status_context_closed_at(uint32_t ctx_id, int64_t now_us)
{
	struct dv_status_ctx *c;

	pthread_mutex_lock(&dv_status_lock);
	c = dv_status_find(ctx_id);
	if (c && c->open) {
		c->open = false;
		c->closed_us = now_us;
	}
	dv_status_prune(now_us);
	pthread_mutex_unlock(&dv_status_lock);
}

void dv_status_job_done_at(uint32_t ctx_id, const struct dv_format *fmt,
			   const char *backend_name, int threads,
			   int64_t decode_us, bool ok, int64_t now_us)
{
	struct dv_status_ctx *c;

	pthread_mutex_lock(&dv_status_lock);
	c = dv_status_get(ctx_id);
	if (c) {
		if (fmt) {
			c->fmt = *fmt;
			c->have_fmt = true;
		}
		if (backend_name) {
			snprintf(c->backend, sizeof(c->backend), "%s", backend_name);
			c->threads = threads;
		}
		if (!c->done && !c->failed)
			c->first_start_us = now_us - decode_us;
		if (ok)
			c->done++;
		else
			c->failed++;
		c->last_end_us = now_us;
		c->end_us[c->ring_next] = now_us;
		c->decode_us[c->ring_next] = decode_us;
		c->ring_next = (c->ring_next + 1) % DV_STATUS_WINDOW_JOBS;
		if (c->ring_len < DV_STATUS_WINDOW_JOBS)
			c->ring_len++;
	}
	pthread_mutex_unlock(&dv_status_lock);
}

void dv_status_context_open(uint32_t ctx_id)
{
	dv_status_context_open_at(ctx_id, dv_status_mono_us());
}

void dv_status_context_closed(uint32_t ctx_id)
{
	dv_status_context_closed_at(ctx_id, dv_status_mono_us());
}

void dv_status_job_done(uint32_t ctx_id, const struct dv_format *fmt,
			const struct dv_backend *backend,
			const struct dv_decoder *decoder, int64_t decode_us,
			bool ok)
{
	int threads = 0;

	if (backend && decoder && backend->threads)
		threads = backend->threads(decoder);
	dv_status_job_done_at(ctx_id, fmt, backend ? backend->name : NULL, threads,
			      decode_us, ok, dv_status_mono_us());
}

void dv_status_job_cancelled(uint32_t ctx_id)
{
	struct dv_status_ctx *c;

	pthread_mutex_lock(&dv_status_lock);
	c = dv_status_get(ctx_id);
	if (c)
		c->cancelled++;
	pthread_mutex_unlock(&dv_status_lock);
}

void dv_status_reset(void)
{
	struct dv_status_ctx *c;

	pthread_mutex_lock(&dv_status_lock);
	while ((c = dv_status_contexts)) {
		dv_status_contexts = c->next;
		free(c);
	}
	pthread_mutex_unlock(&dv_status_lock);
}

static int dv_status_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile @pct of @n sorted values. */
static int64_t dv_status_percentile(const int64_t *sorted, unsigned int n, unsigned int pct)
{
	unsigned int rank = (pct * n + 99) / 100;

	return sorted[rank ? rank - 1 : 0];
}

/*
 * Jobs per second over the DV_STATUS_FPS_SECONDS before @end_us, counted
 * from the first job's start if that is later (a clip shorter than the
 * window is not diluted by the time before it began).
 */
static double dv_status_fps(const struct dv_status_ctx *c, int64_t end_us)
{
	int64_t from = end_us - (int64_t)DV_STATUS_FPS_SECONDS * 1000000;
	unsigned int n = 0;

	if (!c->ring_len)
		return 0;
	for (unsigned int i = 0; i < c->ring_len; i++)
		if (c->end_us[i] > from && c->end_us[i] <= end_us)
			n++;
	if (c->first_start_us > from)
		from = c->first_start_us;
	return end_us > from ? n * 1e6 / (double)(end_us - from) : 0;
}

static const char *dv_status_codec_name(uint32_t codec)
{
	switch (codec) {
	case DV_CODEC_ID_H264:
		return "h264";
	case DV_CODEC_ID_VP9:
		return "vp9";
	case DV_CODEC_ID_AV1:
		return "av1";
	case DV_CODEC_ID_VP8:
		return "vp8";
	case DV_CODEC_ID_MPEG2:
		return "mpeg2";
	case DV_CODEC_ID_HEVC:
		return "hevc";
	}
	return "unknown";
}

static void dv_status_write_ctx(FILE *out, const struct dv_status_ctx *c, int64_t now_us)
{
	int64_t sorted[DV_STATUS_WINDOW_JOBS];
	int64_t p50 = -1, p99 = -1;
	char fourcc[5];

	fprintf(out, "ctx %u state %s age %.1f", c->id, c->open ? "open" : "closed",
		c->open ? 0.0 : (now_us - c->closed_us) / 1e6);
	if (c->have_fmt) {
		for (int i = 0; i < 4; i++) {
			char ch = (char)(c->fmt.capture_fourcc >> (8 * i));

			fourcc[i] = ch > ' ' && ch < 127 ? ch : '?';
		}
		fourcc[4] = '\0';
		fprintf(out, " codec %s bit_depth %u coded %ux%u capture %s capture_size %ux%u",
			dv_status_codec_name(c->fmt.codec), c->fmt.bit_depth,
			c->fmt.coded_width, c->fmt.coded_height, fourcc,
			c->fmt.capture_width, c->fmt.capture_height);
	}
	if (c->ring_len) {
		memcpy(sorted, c->decode_us, c->ring_len * sizeof(sorted[0]));
		qsort(sorted, c->ring_len, sizeof(sorted[0]), dv_status_cmp_i64);
		p50 = dv_status_percentile(sorted, c->ring_len, 50);
		p99 = dv_status_percentile(sorted, c->ring_len, 99);
	}
	fprintf(out, " done %llu failed %llu cancelled %llu fps %.2f p50_us %lld p99_us %lld",
		(unsigned long long)c->done, (unsigned long long)c->failed,
		(unsigned long long)c->cancelled,
		dv_status_fps(c, c->open ? now_us : c->last_end_us),
		(long long)p50, (long long)p99);
	if (c->backend[0])
		fprintf(out, " backend %s threads %d", c->backend, c->threads);
	fputc('\n', out);
}

void dv_status_snapshot_write(FILE *out, int64_t now_us, bool running)
{
	const struct dv_status_ctx *c;

	pthread_mutex_lock(&dv_status_lock);
	dv_status_prune(now_us);
	fprintf(out, "daedalus-v4l2-status %d\n", DV_STATUS_FORMAT);
	fprintf(out, "pid %ld\n", (long)getpid());
	fprintf(out, "running %d\n", running ? 1 : 0);
	fprintf(out, "updated %.3f\n", dv_status_real_s());
	fprintf(out, "started %.3f\n", dv_status_started);
	if (dv_status_node[0])
		fprintf(out, "node %s\n", dv_status_node);
	if (dv_status_protocol)
		fprintf(out, "protocol %u\n", dv_status_protocol);
	for (c = dv_status_contexts; c; c = c->next)
		dv_status_write_ctx(out, c, now_us);
	pthread_mutex_unlock(&dv_status_lock);
}

/* One snapshot to the status file: a temporary file, renamed over the old. */
static void dv_status_write_file(bool running)
{
	char *buf = NULL, tmp[4096];
	size_t len = 0, off = 0;
	FILE *mem;
	int fd, err = 0;

	mem = open_memstream(&buf, &len);
	if (!mem)
		return;
	dv_status_snapshot_write(mem, dv_status_mono_us(), running);
	if (fclose(mem)) {
		free(buf);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", dv_status_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		err = errno;
	while (!err && off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno != EINTR)
			err = errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (fd >= 0 && close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, dv_status_path))
		err = errno;
	free(buf);
	if (err) {
		if (fd >= 0)
			unlink(tmp);
		/* Once: a daemon that cannot report still decodes. */
		if (!dv_status_write_warned)
			dv_warn("status: cannot write %s: %s (the status command will not see this daemon)",
				dv_status_path, strerror(err));
		dv_status_write_warned = true;
	}
}

/* mkdir -p of the directory of @path. */
static int dv_status_make_dir(const char *path, long owner_uid, long owner_gid)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0755)) {
		if (errno != EEXIST)
			return -1;
		/*
		 * An existing directory is given away only if it is the
		 * daemon's own (/run/daedalus-v4l2, left by an earlier run as
		 * another user), never one that --status-file named.
		 */
		if (strncmp(path, DV_STATUS_FILE_DEFAULT, sizeof(DV_STATUS_FILE_DEFAULT)) ||
		    owner_uid < 0)
			return 0;
	} else if (owner_uid < 0) {
		return 0;
	}
	return chown(dir, (uid_t)owner_uid, (gid_t)owner_gid) ? -1 : 0;
}

void dv_status_init(const char *path, long owner_uid, long owner_gid)
{
	free(dv_status_path);
	dv_status_path = strdup(path);
	dv_status_started = dv_status_real_s();
	if (dv_status_path && dv_status_make_dir(path, owner_uid, owner_gid)) {
		dv_warn("status: cannot make the directory of %s: %s (the status command will not see this daemon)",
			path, strerror(errno));
		dv_status_write_warned = true;
	}
}

void dv_status_attached(const char *node, unsigned int protocol)
{
	pthread_mutex_lock(&dv_status_lock);
	snprintf(dv_status_node, sizeof(dv_status_node), "%s", node);
	dv_status_protocol = protocol;
	pthread_mutex_unlock(&dv_status_lock);
}

static void *dv_status_writer(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec until;
		bool stop;

		dv_status_write_file(true);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&dv_status_writer_lock);
		while (!dv_status_writer_stop &&
		       pthread_cond_timedwait(&dv_status_writer_cond, &dv_status_writer_lock,
					      &until) != ETIMEDOUT)
			;
		stop = dv_status_writer_stop;
		pthread_mutex_unlock(&dv_status_writer_lock);
		if (stop)
			return NULL;
	}
}

void dv_status_start(void)
{
	pthread_condattr_t attr;
	int err;

	if (!dv_status_path || dv_status_thread_running)
		return;
	/* Waits on the monotonic clock: a clock step must not stall the report. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&dv_status_writer_cond, &attr);
	pthread_condattr_destroy(&attr);
	err = pthread_create(&dv_status_thread, NULL, dv_status_writer, NULL);
	if (err) {
		dv_warn("status: cannot start the status writer: %s", strerror(err));
		return;
	}
	dv_status_thread_running = true;
}

void dv_status_stop(void)
{
	if (!dv_status_thread_running)
		return;
	pthread_mutex_lock(&dv_status_writer_lock);
	dv_status_writer_stop = true;
	pthread_cond_signal(&dv_status_writer_cond);
	pthread_mutex_unlock(&dv_status_writer_lock);
	pthread_join(dv_status_thread, NULL);
	dv_status_thread_running = false;
	dv_status_write_file(false);
}
