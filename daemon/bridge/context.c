// SPDX-License-Identifier: BSD-2-Clause
/*
 * Context and job handling. The main thread dispatches messages; each
 * context's worker thread takes its items in order: jobs to decode, resets
 * (stream stopped or seek) and the final stop.
 *
 * A backend with frame threads (backend.h, submit/collect) gets the next
 * job of the context while the current one decodes, but only when the
 * client queued it already: the worker never waits for a job to fill the
 * pipeline, and jobs complete in the order they came, each with its own
 * picture.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backend/backend.h"
#include "bridge/bridge.h"
#include "bridge/capture_map.h"
#include "bridge/context.h"
#include "status/status.h"
#include "util/log.h"

enum dv_item_kind { DV_ITEM_JOB, DV_ITEM_PREPARE, DV_ITEM_RESET, DV_ITEM_STOP };

struct dv_item {
	enum dv_item_kind kind;
	uint32_t codec;		/* for DV_ITEM_PREPARE */
	struct dv_item *next;
	size_t size;
	uint8_t *msg;		/* the DV_MSG_JOB message, for jobs: the
				 * buffer it was received into, malloc'd */
};

static void dv_item_free(struct dv_item *item)
{
	free(item->msg);
	free(item);
}

/* Jobs a context has in its decoder at most (frame threads). */
#define DV_CONTEXT_MAX_IN_FLIGHT	16

/* A job taken off the FIFO and not completed yet. */
struct dv_job_run {
	struct dv_item *item;
	struct dv_msg_job job;
	struct dv_capture *cap;
	struct dv_decode_job dj;
	int64_t start;
	int failed;		/* ended with this error before its turn */
};

struct dv_context {
	uint32_t id;
	int bridge_fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct dv_item *head, **tail;	/* FIFO of items, under @lock */
	struct dv_context *next;	/* in the table, main thread only */

	/* Worker thread only: */
	const struct dv_backend *backend;
	struct dv_decoder *decoder;
	uint32_t codec;
	struct dv_job_run runs[DV_CONTEXT_MAX_IN_FLIGHT];	/* a ring */
	unsigned int run_head, n_runs;
};

static struct dv_context *contexts;
static const char *dump_dir;
static unsigned int job_delay_ms;

void dv_contexts_dump_jobs(const char *dir)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		dv_warn("cannot make %s: %s", dir, strerror(errno));
	dump_dir = dir;
}

void dv_contexts_delay_jobs(unsigned int ms)
{
	job_delay_ms = ms;
}

/* The job message as the module sent it, for replaying a failure offline. */
static void dv_context_dump(const struct dv_context *ctx, const struct dv_item *item,
			    uint64_t job_id)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ctx%u-job%06llu.msg", dump_dir, ctx->id,
		 (unsigned long long)job_id);
	f = fopen(path, "wb");
	if (!f || fwrite(item->msg, 1, item->size, f) != item->size)
		dv_warn("ctx %u: cannot dump job %llu to %s", ctx->id,
			(unsigned long long)job_id, path);
	if (f)
		fclose(f);
}

static const struct dv_backend *const backends[] = { &dv_backend_lavc,
#ifdef DV_HAVE_AV1
	&dv_backend_dav1d,
#endif
};

static const struct dv_backend *dv_backend_for(uint32_t codec)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->supports(codec))
			return backends[i];
	return NULL;
}

void dv_backends_warm_up(void)
{
	static const uint32_t codecs[] = { DV_CODEC_ID_H264, DV_CODEC_ID_VP9, DV_CODEC_ID_AV1,
					   DV_CODEC_ID_VP8, DV_CODEC_ID_HEVC,
					   DV_CODEC_ID_MPEG2 };

	/*
	 * A library's first decoder pays its one-time set-up (static tables,
	 * code paged in): pay it before the first client's deadline runs.
	 */
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		const struct dv_backend *backend = dv_backend_for(codecs[i]);
		struct dv_decoder *dec = backend ? backend->create(codecs[i]) : NULL;

		if (dec)
			backend->destroy(dec);
	}
}

static void dv_context_drop_decoder(struct dv_context *ctx)
{
	if (ctx->decoder)
		ctx->backend->destroy(ctx->decoder);
	ctx->decoder = NULL;
	ctx->backend = NULL;
}

/* Makes sure the context has a decoder for @codec; 0 or -1 (logged). */
static int dv_context_prepare(struct dv_context *ctx, uint32_t codec)
{
	if (ctx->decoder && ctx->codec == codec)
		return 0;
	dv_context_drop_decoder(ctx);
	ctx->backend = dv_backend_for(codec);
	if (!ctx->backend) {
		dv_err("ctx %u: no backend decodes codec %u", ctx->id, codec);
		return -1;
	}
	ctx->decoder = ctx->backend->create(codec);
	if (!ctx->decoder) {
		dv_err("ctx %u: creating a %s decoder failed", ctx->id, ctx->backend->name);
		ctx->backend = NULL;
		return -1;
	}
	ctx->codec = codec;
	return 0;
}

static int64_t dv_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Reports @run's end to the module and lets its item go. */
static void dv_context_end_job(struct dv_context *ctx, struct dv_job_run *run,
			       int ret, uint32_t bytesused)
{
	if (run->cap)
		dv_capture_put(run->cap);
	run->cap = NULL;
	if (!ret)
		dv_bridge_complete(ctx->bridge_fd, run->job.job_id, DV_STATUS_HAS_PIXELS, bytesused);
	else
		dv_bridge_complete(ctx->bridge_fd, run->job.job_id, DV_STATUS_ERROR, 0);
	dv_status_job_done(ctx->id, &run->job.fmt, ctx->backend, ctx->decoder,
			   dv_now_us() - run->start, !ret);
	/* Clients give a request a deadline (GStreamer: 1 s); show how close we come. */
	dv_dbg("ctx %u job %llu: %s in %lld ms", ctx->id, (unsigned long long)run->job.job_id,
	       ret ? "failed" : "decoded", (long long)(dv_now_us() - run->start) / 1000);
	dv_item_free(run->item);
	run->item = NULL;
}

/*
 * Starts @item's job in @run: maps its CAPTURE buffer and decodes it
 * (decode()), or submits it (submit()). Returns 1 if the job is in flight
 * (to be collected), 0 if it has ended. With @defer, a job that fails is
 * not ended yet but marked (run->failed) to be ended in its turn: jobs
 * end in the order they came.
 */
static int dv_context_start_job(struct dv_context *ctx, struct dv_item *item,
				struct dv_job_run *run, int defer)
{
	uint32_t bytesused = 0;
	int ret = -EINVAL;

	run->item = item;
	run->failed = 0;
	run->start = dv_now_us();
	memcpy(&run->job, item->msg, sizeof(run->job));
	if (dump_dir)
		dv_context_dump(ctx, item, run->job.job_id);
	if (job_delay_ms) {
		struct timespec delay = { .tv_sec = job_delay_ms / 1000,
					  .tv_nsec = (long)(job_delay_ms % 1000) * 1000000 };

		while (nanosleep(&delay, &delay) && errno == EINTR)
			;
	}
	/* Map the CAPTURE buffer first: a new fd must never leak. */
	run->cap = dv_capture_get(run->job.capture_cookie, run->job.capture_fd,
				  run->job.capture_size);
	if (!run->cap)
		goto done;
	if (run->job.fmt.sizeimage > run->cap->size) {
		dv_err("ctx %u job %llu: CAPTURE buffer of %zu bytes for a %u-byte picture",
		       ctx->id, (unsigned long long)run->job.job_id, run->cap->size,
		       run->job.fmt.sizeimage);
		goto done;
	}
	/* Never with jobs in flight: the worker drains them before a job of
	 * another codec (dv_context_next_job). */
	if (dv_context_prepare(ctx, run->job.fmt.codec))
		goto done;

	run->dj = (struct dv_decode_job){
		.fmt = &run->job.fmt,
		.ctrls = item->msg + run->job.ctrls_offset,
		.ctrls_size = run->job.ctrls_size,
		.bitstream = item->msg + run->job.bitstream_offset,
		.bitstream_size = run->job.bitstream_size,
		.capture = run->cap->ptr,
		.capture_size = run->cap->size,
		.timestamp = run->job.timestamp,
	};
	if (ctx->backend->submit) {
		ret = ctx->backend->submit(ctx->decoder, &run->dj);
		if (!ret)
			return 1;
	} else {
		dv_capture_begin_write(run->cap);
		ret = ctx->backend->decode(ctx->decoder, &run->dj, &bytesused);
		dv_capture_end_write(run->cap);
	}
	if (ret)
		dv_warn("ctx %u job %llu: decoding failed: %s", ctx->id,
			(unsigned long long)run->job.job_id, strerror(-ret));
done:
	if (defer) {
		run->failed = ret;
		return 1;
	}
	dv_context_end_job(ctx, run, ret, bytesused);
	return 0;
}

/* Waits for the oldest job in flight's picture and ends the job. */
static void dv_context_collect_job(struct dv_context *ctx)
{
	struct dv_job_run *run = &ctx->runs[ctx->run_head];
	uint32_t bytesused = 0;
	int ret;

	if (run->failed) {
		dv_context_end_job(ctx, run, run->failed, 0);
		goto next;
	}
	dv_capture_begin_write(run->cap);
	ret = ctx->backend->collect(ctx->decoder, &run->dj, &bytesused);
	dv_capture_end_write(run->cap);
	if (ret)
		dv_warn("ctx %u job %llu: decoding failed: %s", ctx->id,
			(unsigned long long)run->job.job_id, strerror(-ret));
	dv_context_end_job(ctx, run, ret, bytesused);
next:
	ctx->run_head = (ctx->run_head + 1) % DV_CONTEXT_MAX_IN_FLIGHT;
	ctx->n_runs--;
}

/*
 * The next item if it is a job the decoder can take while others are in
 * flight (same codec), taken off the FIFO; else NULL.
 */
static struct dv_item *dv_context_next_job(struct dv_context *ctx)
{
	struct dv_msg_job job;
	struct dv_item *item;

	pthread_mutex_lock(&ctx->lock);
	item = ctx->head;
	if (item && item->kind == DV_ITEM_JOB) {
		memcpy(&job, item->msg, sizeof(job));
		if (job.fmt.codec == ctx->codec) {
			ctx->head = item->next;
			if (!ctx->head)
				ctx->tail = &ctx->head;
		} else {
			item = NULL;
		}
	} else {
		item = NULL;
	}
	pthread_mutex_unlock(&ctx->lock);
	return item;
}

/*
 * Runs @item's job and, while the decoder has others in flight, every job
 * the client has queued behind it; returns once none is in flight.
 */
static void dv_context_run_jobs(struct dv_context *ctx, struct dv_item *item)
{
	unsigned int max;

	if (!dv_context_start_job(ctx, item, &ctx->runs[ctx->run_head], 0))
		return;
	ctx->n_runs = 1;
	while (ctx->n_runs) {
		max = ctx->backend->max_in_flight(ctx->decoder);
		if (max > DV_CONTEXT_MAX_IN_FLIGHT)
			max = DV_CONTEXT_MAX_IN_FLIGHT;
		item = ctx->n_runs < max ? dv_context_next_job(ctx) : NULL;
		if (!item) {
			dv_context_collect_job(ctx);
			continue;
		}
		if (dv_context_start_job(ctx, item, &ctx->runs[(ctx->run_head + ctx->n_runs) %
							    DV_CONTEXT_MAX_IN_FLIGHT], 1))
			ctx->n_runs++;
	}
}

static void *dv_context_worker(void *arg)
{
	struct dv_context *ctx = arg;
	struct dv_item *item;
	bool stop = false;

	while (!stop) {
		pthread_mutex_lock(&ctx->lock);
		while (!ctx->head)
			pthread_cond_wait(&ctx->cond, &ctx->lock);
		item = ctx->head;
		ctx->head = item->next;
		if (!ctx->head)
			ctx->tail = &ctx->head;
		pthread_mutex_unlock(&ctx->lock);

		switch (item->kind) {
		case DV_ITEM_JOB:
			/* Frees the items of the jobs it runs. */
			dv_context_run_jobs(ctx, item);
			continue;
		case DV_ITEM_PREPARE: {
			int64_t start = dv_now_us();

			dv_context_prepare(ctx, item->codec);
			dv_dbg("ctx %u: decoder ready in %lld ms", ctx->id,
			       (long long)(dv_now_us() - start) / 1000);
			break;
		}
		case DV_ITEM_RESET:
			if (ctx->decoder)
				ctx->backend->reset(ctx->decoder);
			break;
		case DV_ITEM_STOP:
			stop = true;
			break;
		}
		dv_item_free(item);
	}
	dv_context_drop_decoder(ctx);
	pthread_mutex_destroy(&ctx->lock);
	pthread_cond_destroy(&ctx->cond);
	dv_dbg("ctx %u: closed", ctx->id);
	free(ctx);
	return NULL;
}

static void dv_context_push(struct dv_context *ctx, struct dv_item *item)
{
	item->next = NULL;
	pthread_mutex_lock(&ctx->lock);
	*ctx->tail = item;
	ctx->tail = &item->next;
	pthread_cond_signal(&ctx->cond);
	pthread_mutex_unlock(&ctx->lock);
}

static int dv_context_push_kind(struct dv_context *ctx, enum dv_item_kind kind)
{
	struct dv_item *item = calloc(1, sizeof(*item));

	if (!item)
		return -1;
	item->kind = kind;
	dv_context_push(ctx, item);
	return 0;
}

static struct dv_context *dv_context_find(uint32_t id)
{
	for (struct dv_context *ctx = contexts; ctx; ctx = ctx->next)
		if (ctx->id == id)
			return ctx;
	return NULL;
}

/* The context @id, created (with its worker) on first use. */
static struct dv_context *dv_context_get(int bridge_fd, uint32_t id)
{
	struct dv_context *ctx = dv_context_find(id);
	pthread_attr_t attr;
	int err;

	if (ctx)
		return ctx;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->id = id;
	ctx->bridge_fd = bridge_fd;
	ctx->tail = &ctx->head;
	pthread_mutex_init(&ctx->lock, NULL);
	pthread_cond_init(&ctx->cond, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&ctx->thread, &attr, dv_context_worker, ctx);
	pthread_attr_destroy(&attr);
	if (err) {
		dv_err("ctx %u: starting its worker failed: %s", id, strerror(err));
		pthread_mutex_destroy(&ctx->lock);
		pthread_cond_destroy(&ctx->cond);
		free(ctx);
		return NULL;
	}
	ctx->next = contexts;
	contexts = ctx;
	dv_status_context_open(id);
	dv_dbg("ctx %u: opened", id);
	return ctx;
}

static void dv_context_close(uint32_t id)
{
	struct dv_context **p, *ctx;

	for (p = &contexts; *p; p = &(*p)->next) {
		if ((*p)->id != id)
			continue;
		ctx = *p;
		*p = ctx->next;
		dv_status_context_closed(id);
		/* The worker frees the context once it gets here. */
		if (dv_context_push_kind(ctx, DV_ITEM_STOP))
			dv_err("ctx %u: no memory to stop its worker", id);
		return;
	}
}

/* Ends a job we cannot queue, so the client gets an ERROR buffer now. */
static void dv_fail_job_msg(int bridge_fd, const uint8_t *msg)
{
	struct dv_msg_job job;

	memcpy(&job, msg, sizeof(job));
	/* Keep a new buffer mapped: the module will not send its fd again. */
	if (job.capture_fd >= 0) {
		struct dv_capture *cap = dv_capture_get(job.capture_cookie, job.capture_fd,
							 job.capture_size);

		if (cap)
			dv_capture_put(cap);
	}
	dv_bridge_complete(bridge_fd, job.job_id, DV_STATUS_ERROR, 0);
}

/*
 * The stream stopped: the module waits for every job of it that we hold
 * before it gives the client its buffers back. Jobs not started end now,
 * with ERROR and without a write to their CAPTURE buffers; the one being
 * decoded ends when it is done.
 */
static void dv_context_cancel_jobs(struct dv_context *ctx)
{
	struct dv_item *item, **p, *cancelled = NULL, **tail = &cancelled;

	pthread_mutex_lock(&ctx->lock);
	for (p = &ctx->head; (item = *p);) {
		if (item->kind != DV_ITEM_JOB) {
			p = &item->next;
			continue;
		}
		*p = item->next;
		item->next = NULL;
		*tail = item;
		tail = &item->next;
	}
	ctx->tail = p;
	pthread_mutex_unlock(&ctx->lock);
	while ((item = cancelled)) {
		cancelled = item->next;
		dv_fail_job_msg(ctx->bridge_fd, item->msg);
		dv_status_job_cancelled(ctx->id);
		dv_item_free(item);
	}
}

void dv_contexts_dispatch(int bridge_fd, struct dv_msgbuf *buf)
{
	const uint8_t *msg = buf->data;
	const size_t size = buf->used;
	struct dv_msg_header hdr;
	struct dv_msg_buf_release rel;
	struct dv_msg_ctx ctxmsg;
	struct dv_context *ctx;
	struct dv_item *item;

	memcpy(&hdr, msg, sizeof(hdr));
	switch (hdr.type) {
	case DV_MSG_CTX_OPEN:
	case DV_MSG_FORMAT:
		dv_context_get(bridge_fd, hdr.ctx_id);
		break;
	case DV_MSG_STREAM_ON:
		/*
		 * Make the decoder now, not on the first job: clients give a
		 * request a deadline (GStreamer 1 s) that a decoder's start-up
		 * should not eat into. A job still checks its own codec.
		 */
		memcpy(&ctxmsg, msg, sizeof(ctxmsg));
		ctx = dv_context_get(bridge_fd, hdr.ctx_id);
		item = ctx ? calloc(1, sizeof(*item)) : NULL;
		if (item) {
			item->kind = DV_ITEM_PREPARE;
			item->codec = ctxmsg.fmt.codec;
			dv_context_push(ctx, item);
		}
		break;
	case DV_MSG_STREAM_OFF:
		ctx = dv_context_find(hdr.ctx_id);
		if (ctx) {
			dv_context_cancel_jobs(ctx);
			dv_context_push_kind(ctx, DV_ITEM_RESET);
		}
		break;
	case DV_MSG_CTX_CLOSE:
		dv_context_close(hdr.ctx_id);
		break;
	case DV_MSG_BUF_RELEASE:
		memcpy(&rel, msg, sizeof(rel));
		dv_capture_release(rel.capture_cookie);
		break;
	case DV_MSG_JOB:
		ctx = dv_context_get(bridge_fd, hdr.ctx_id);
		item = ctx ? calloc(1, sizeof(*item)) : NULL;
		if (!item) {
			dv_err("ctx %u: cannot queue a job: out of memory", hdr.ctx_id);
			dv_fail_job_msg(bridge_fd, msg);
			break;
		}
		/*
		 * The job keeps the buffer it was received into (no copy);
		 * what it does not use goes back to the heap, and the next
		 * message gets a new buffer.
		 */
		item->kind = DV_ITEM_JOB;
		item->size = size;
		item->msg = realloc(buf->data, size);
		if (!item->msg)
			item->msg = buf->data;
		buf->data = NULL;
		buf->size = 0;
		buf->used = 0;
		dv_context_push(ctx, item);
		break;
	}
}

void dv_contexts_shutdown(void)
{
	while (contexts)
		dv_context_close(contexts->id);
}
