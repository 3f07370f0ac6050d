// SPDX-License-Identifier: BSD-2-Clause
/*
 * Context and job handling. The main thread dispatches messages; each
 * context's worker thread takes its items in order: jobs to decode, resets
 * (stream stopped or seek) and the final stop.
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
	uint8_t msg[];		/* the DV_MSG_JOB message, for jobs */
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
};

static struct dv_context *contexts;
static const char *dump_dir;

void dv_contexts_dump_jobs(const char *dir)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		dv_warn("cannot make %s: %s", dir, strerror(errno));
	dump_dir = dir;
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
					       DV_CODEC_ID_HEVC };

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

/* Decodes one job and reports its end to the module. */
static void dv_context_run_job(struct dv_context *ctx, const struct dv_item *item)
{
	int64_t start = dv_now_us();
	struct dv_msg_job job;
	struct dv_capture *cap;
	struct dv_decode_job dj;
	uint32_t bytesused = 0;
	int ret = -EINVAL;

	memcpy(&job, item->msg, sizeof(job));
	if (dump_dir)
		dv_context_dump(ctx, item, job.job_id);
	/* Map the CAPTURE buffer first: a new fd must never leak. */
	cap = dv_capture_get(job.capture_cookie, job.capture_fd, job.capture_size);
	if (!cap)
		goto done;
	if (job.fmt.sizeimage > cap->size) {
		dv_err("ctx %u job %llu: CAPTURE buffer of %zu bytes for a %u-byte picture",
		       ctx->id, (unsigned long long)job.job_id, cap->size, job.fmt.sizeimage);
		goto put;
	}
	if (dv_context_prepare(ctx, job.fmt.codec))
		goto put;

	dj = (struct dv_decode_job){
		.fmt = &job.fmt,
		.ctrls = item->msg + job.ctrls_offset,
		.ctrls_size = job.ctrls_size,
		.bitstream = item->msg + job.bitstream_offset,
		.bitstream_size = job.bitstream_size,
		.capture = cap->ptr,
		.capture_size = cap->size,
		.timestamp = job.timestamp,
	};
	dv_capture_begin_write(cap);
	ret = ctx->backend->decode(ctx->decoder, &dj, &bytesused);
	dv_capture_end_write(cap);
	if (ret)
		dv_warn("ctx %u job %llu: decoding failed: %s", ctx->id,
			(unsigned long long)job.job_id, strerror(-ret));
put:
	dv_capture_put(cap);
done:
	if (!ret)
		dv_bridge_complete(ctx->bridge_fd, job.job_id, DV_STATUS_HAS_PIXELS, bytesused);
	else
		dv_bridge_complete(ctx->bridge_fd, job.job_id, DV_STATUS_ERROR, 0);
	dv_status_job_done(ctx->id, &job.fmt, ctx->backend, ctx->decoder,
			   dv_now_us() - start, !ret);
	/* Clients give a request a deadline (GStreamer: 1 s); show how close we come. */
	dv_dbg("ctx %u job %llu: %s in %lld ms", ctx->id, (unsigned long long)job.job_id,
	       ret ? "failed" : "decoded", (long long)(dv_now_us() - start) / 1000);
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
			dv_context_run_job(ctx, item);
			break;
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
		free(item);
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
		free(item);
	}
}

void dv_contexts_dispatch(int bridge_fd, const uint8_t *msg, size_t size)
{
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
		item = ctx ? malloc(sizeof(*item) + size) : NULL;
		if (!item) {
			dv_err("ctx %u: cannot queue a job: out of memory", hdr.ctx_id);
			dv_fail_job_msg(bridge_fd, msg);
			break;
		}
		item->kind = DV_ITEM_JOB;
		item->size = size;
		memcpy(item->msg, msg, size);
		dv_context_push(ctx, item);
		break;
	}
}

void dv_contexts_shutdown(void)
{
	while (contexts)
		dv_context_close(contexts->id);
}
