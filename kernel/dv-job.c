// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: the job path.
 *
 * device_run() turns the next request into a job: it claims the OUTPUT and
 * CAPTURE buffers off the m2m ready queues at once (so the m2m scheduler can
 * never hand them out a second time), applies the request's controls, takes
 * a copy of their values, completes the request's control object (the
 * request now reports exactly the values it was decoded with) and queues the
 * job on its context. The m2m context is then free to run its next request
 * while this one is decoded, so several jobs of one context can be in
 * flight.
 *
 * This file owns the job lists, all under dev->job_lock: a context's queued
 * jobs (waiting for the daemon to take them), its sent jobs (the daemon has
 * them, or the bridge is copying one to it), and the device's list of sent
 * jobs by which completions find theirs. The bridge takes, returns and looks
 * up jobs through the functions below only.
 *
 * A job ends exactly once, in dv_job_finish(): both buffers are returned,
 * CAPTURE first. A job the daemon has is never ended behind its back while
 * the daemon may still write its CAPTURE buffer: a stopping queue asks the
 * daemon to give the context's jobs back (DV_MSG_STREAM_OFF) and waits, and
 * a daemon that does not answer is killed before its jobs end (see
 * dv_bridge_declare_dead()).
 */

#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <media/v4l2-ctrls.h>

#include "dv-compat.h"
#include "dv.h"

static bool dv_ctx_busy(struct dv_ctx *ctx)
{
	return !list_empty(&ctx->queued) || !list_empty(&ctx->sent);
}

/*
 * End @job: return both buffers and free it. @bytesused is the CAPTURE
 * payload when @state is DONE. dev->job_lock held.
 */
void dv_job_finish(struct dv_job *job, enum vb2_buffer_state state,
		   u32 bytesused)
{
	struct dv_ctx *ctx = job->ctx;
	struct dv_dev *dev = ctx->dev;

	lockdep_assert_held(&dev->job_lock);
	list_del(&job->ctx_node);
	if (job->state != DV_JOB_QUEUED)
		list_del(&job->dev_node);
	if (job->state == DV_JOB_SENT)
		atomic_dec(&dev->stats.jobs_with_daemon);
	/* Progress: the watchdog times the context's next job from now. */
	ctx->progress_at = jiffies;
	if (list_empty(&ctx->sent))
		wake_up_all(&ctx->drained);
	/*
	 * CAPTURE first: clients dequeue the CAPTURE buffer as soon as the
	 * request completes, and the request completes with the OUTPUT
	 * buffer (GStreamer fails a frame whose CAPTURE is not ready then).
	 */
	vb2_set_plane_payload(&job->dst->vb2_buf, 0,
			      state == VB2_BUF_STATE_DONE ? bytesused : 0);
	v4l2_m2m_buf_done(job->dst, state);
	v4l2_m2m_buf_done(job->src, state);

	atomic_dec(&dev->stats.jobs_pending);
	if (state == VB2_BUF_STATE_DONE)
		atomic64_inc(&dev->stats.jobs_done);
	else
		atomic64_inc(&dev->stats.jobs_error);
	kfree(job);
}

/**
 * dv_job_ctrl() - the value of one of a job's controls
 * @job: the job
 * @id: control id
 * @size: the control's payload size
 *
 * Return: the payload in the job's copy, or NULL if the job has no record
 * of @id with that size.
 */
const void *dv_job_ctrl(const struct dv_job *job, u32 id, size_t size)
{
	size_t pos = 0;

	while (pos + sizeof(struct dv_ctrl_record) <= job->ctrls_size) {
		const struct dv_ctrl_record *rec = (const void *)(job->ctrls + pos);

		if (rec->id == id)
			return rec->size == size ? rec + 1 : NULL;
		pos += sizeof(*rec) + ALIGN(rec->size, DV_CTRL_RECORD_ALIGN);
	}
	return NULL;
}

/* Fail a request before it became a job. */
static void dv_fail_request(struct dv_ctx *ctx, struct vb2_v4l2_buffer *src,
			    struct vb2_v4l2_buffer *dst)
{
	/* CAPTURE before the request completes, as in dv_job_finish(). */
	vb2_set_plane_payload(&dst->vb2_buf, 0, 0);
	v4l2_m2m_buf_done(dst, VB2_BUF_STATE_ERROR);
	v4l2_ctrl_request_complete(src->vb2_buf.req_obj.req, &ctx->hdl);
	v4l2_m2m_buf_done(src, VB2_BUF_STATE_ERROR);
	atomic64_inc(&ctx->dev->stats.jobs_error);
}

static void dv_device_run(void *priv)
{
	struct dv_ctx *ctx = priv;
	struct dv_dev *dev = ctx->dev;
	struct vb2_v4l2_buffer *src, *dst;
	struct media_request *req;
	struct dv_job *job;
	size_t ctrls_max;
	int ret;

	src = v4l2_m2m_next_src_buf(ctx->fh.m2m_ctx);
	dst = v4l2_m2m_next_dst_buf(ctx->fh.m2m_ctx);
	/* From here on the job owns both buffers, whatever happens. */
	v4l2_m2m_src_buf_remove_by_buf(ctx->fh.m2m_ctx, src);
	v4l2_m2m_dst_buf_remove_by_buf(ctx->fh.m2m_ctx, dst);
	dv_buf_copy_metadata(src, dst);
	src->sequence = ctx->sequence_out++;
	dst->sequence = ctx->sequence_cap++;
	req = src->vb2_buf.req_obj.req;

	ret = v4l2_ctrl_request_setup(req, &ctx->hdl);
	if (ret) {
		dv_ctx_dbg(ctx, "applying the request's controls failed: %d\n", ret);
		goto fail;
	}

	ctrls_max = dv_ctrls_snapshot_size(ctx);
	job = kzalloc_flex(*job, ctrls, ctrls_max);
	if (!job)
		goto fail;
	job->ctx = ctx;
	job->src = src;
	job->dst = dst;
	job->bit_depth = dv_ctrls_bit_depth(ctx, ctx->codec);
	job->ctrls_size = dv_ctrls_snapshot(ctx, job->ctrls, ctrls_max);
	dv_fill_bridge_format(ctx, &job->fmt);

	if (job->bit_depth != ctx->bit_depth) {
		dv_ctx_dbg(ctx, "request is %u-bit, CAPTURE is %u-bit\n",
			   job->bit_depth, ctx->bit_depth);
		kfree(job);
		goto fail;
	}
	/* What depends on the formats is checked now, per request. */
	if (ctx->codec->ops->check_run && ctx->codec->ops->check_run(ctx, job)) {
		kfree(job);
		goto fail;
	}
	/*
	 * The job holds its own copy of the values: the request's controls
	 * are complete now, before later requests are set up over them.
	 */
	v4l2_ctrl_request_complete(req, &ctx->hdl);

	mutex_lock(&dev->job_lock);
	job->id = ++dev->next_job_id;
	job->state = DV_JOB_QUEUED;
	if (!dv_ctx_busy(ctx))
		ctx->progress_at = jiffies;
	list_add_tail(&job->ctx_node, &ctx->queued);
	atomic_inc(&dev->stats.jobs_pending);
	atomic64_inc(&dev->stats.jobs_submitted);
	if (dv_bridge_ready(dev))
		dv_bridge_job_queued(ctx);
	else
		queue_work(dev->wq, &dev->flush_work);
	mutex_unlock(&dev->job_lock);
	goto out;

fail:
	dv_fail_request(ctx, src, dst);
out:
	v4l2_m2m_job_finish(dev->m2m_dev, ctx->fh.m2m_ctx);
}

/**
 * dv_ctx_has_queued() - whether @ctx has a job for the daemon to take
 * @ctx: the context; dev->job_lock held
 */
bool dv_ctx_has_queued(struct dv_ctx *ctx)
{
	lockdep_assert_held(&ctx->dev->job_lock);
	return !list_empty(&ctx->queued);
}

/**
 * dv_job_take() - take @ctx's oldest queued job to send it to the daemon
 * @ctx: the context; dev->job_lock held
 *
 * The job becomes DV_JOB_SENDING: it counts as the daemon's (a stopping
 * queue waits for it) while the bridge copies it out without the lock. The
 * bridge then calls dv_job_sent(), dv_job_untake() or dv_job_finish().
 *
 * Return: the job, or NULL if none is queued.
 */
struct dv_job *dv_job_take(struct dv_ctx *ctx)
{
	struct dv_job *job;

	lockdep_assert_held(&ctx->dev->job_lock);
	job = list_first_entry_or_null(&ctx->queued, struct dv_job, ctx_node);
	if (!job)
		return NULL;
	job->state = DV_JOB_SENDING;
	list_move_tail(&job->ctx_node, &ctx->sent);
	list_add_tail(&job->dev_node, &ctx->dev->sent);
	ctx->daemon_has_state = true;
	return job;
}

/**
 * dv_job_untake() - put a job the daemon could not take back in front
 * @job: a DV_JOB_SENDING job; dev->job_lock held
 */
void dv_job_untake(struct dv_job *job)
{
	struct dv_ctx *ctx = job->ctx;

	lockdep_assert_held(&ctx->dev->job_lock);
	job->state = DV_JOB_QUEUED;
	list_del(&job->dev_node);
	list_move(&job->ctx_node, &ctx->queued);
	if (list_empty(&ctx->sent))
		wake_up_all(&ctx->drained);
}

/**
 * dv_job_sent() - the daemon has @job
 * @job: a DV_JOB_SENDING job; dev->job_lock held
 */
void dv_job_sent(struct dv_job *job)
{
	lockdep_assert_held(&job->ctx->dev->job_lock);
	job->state = DV_JOB_SENT;
	atomic_inc(&job->ctx->dev->stats.jobs_with_daemon);
}

/**
 * dv_job_find_sent() - the job @id the daemon holds
 * @dev: the device; dev->job_lock held
 * @id: job id the daemon names
 *
 * Return: the job, or NULL if the daemon holds no job @id (never sent to
 * it, or already ended).
 */
struct dv_job *dv_job_find_sent(struct dv_dev *dev, u64 id)
{
	struct dv_job *job;

	lockdep_assert_held(&dev->job_lock);
	list_for_each_entry(job, &dev->sent, dev_node)
		if (job->id == id && job->state == DV_JOB_SENT)
			return job;
	return NULL;
}

/**
 * dv_jobs_stalled() - a context whose jobs the daemon makes no progress on
 * @dev: the device; dev->job_lock held
 * @timeout: jiffies a context with jobs may go without one ending
 * @next: set to the jiffies at which the next context would stall
 * @busy: set to whether any context has jobs (then @next is meaningful)
 *
 * Return: the first stalled context, or NULL.
 */
struct dv_ctx *dv_jobs_stalled(struct dv_dev *dev, unsigned long timeout,
			       unsigned long *next, bool *busy)
{
	struct dv_ctx *ctx;

	lockdep_assert_held(&dev->job_lock);
	*busy = false;
	list_for_each_entry(ctx, &dev->ctxs, dev_node) {
		if (!dv_ctx_busy(ctx))
			continue;
		if (time_after_eq(jiffies, ctx->progress_at + timeout))
			return ctx;
		if (!*busy || time_before(ctx->progress_at + timeout, *next))
			*next = ctx->progress_at + timeout;
		*busy = true;
	}
	return NULL;
}

/*
 * Fail every job no daemon will decode: all queued ones and, with
 * @sent_too, those a daemon held (it is gone, or unkillable). Jobs being
 * copied to a daemon are left to the copy, which ends them. dev->job_lock
 * held.
 */
void dv_fail_all_jobs(struct dv_dev *dev, bool sent_too, const char *why)
{
	struct dv_job *job, *tmp;
	struct dv_ctx *ctx;
	unsigned int n = 0;

	lockdep_assert_held(&dev->job_lock);
	if (sent_too) {
		list_for_each_entry_safe(job, tmp, &dev->sent, dev_node) {
			if (job->state != DV_JOB_SENT)
				continue;
			dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
			n++;
		}
	}
	list_for_each_entry(ctx, &dev->ctxs, dev_node) {
		list_for_each_entry_safe(job, tmp, &ctx->queued, ctx_node) {
			dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
			n++;
		}
	}
	if (n)
		dev_dbg(dev->v4l2_dev.dev, "%u jobs failed: %s\n", n, why);
}

static void dv_flush_work(struct work_struct *work)
{
	struct dv_dev *dev = container_of(work, struct dv_dev, flush_work);

	mutex_lock(&dev->job_lock);
	if (!dv_bridge_ready(dev))
		dv_fail_all_jobs(dev, false, "no daemon attached");
	mutex_unlock(&dev->job_lock);
}

/*
 * A wait condition: no sleeping lock in it. Jobs leave @sent under
 * job_lock, and the wake-up that follows orders the check after that.
 */
static bool dv_ctx_drained(struct dv_ctx *ctx)
{
	return list_empty_careful(&ctx->sent);
}

/**
 * dv_ctx_cancel_jobs() - end all of @ctx's jobs, for a stopping queue
 * @ctx: the context
 *
 * vb2 wants every buffer of a queue back when stop_streaming() returns, and
 * a job holds buffers of both queues. Queued jobs end at once. Jobs the
 * daemon has are asked back (DV_MSG_STREAM_OFF: the daemon ends them
 * without writing their CAPTURE buffers, after the one it is decoding) and
 * waited for: a buffer is never returned while the daemon may still write
 * it. A daemon that does not give them back within the job timeout is
 * killed (dv_bridge_declare_dead()), which ends them once it is gone.
 */
void dv_ctx_cancel_jobs(struct dv_ctx *ctx)
{
	struct dv_dev *dev = ctx->dev;
	struct dv_job *job, *tmp;
	bool waiting;

	mutex_lock(&dev->job_lock);
	list_for_each_entry_safe(job, tmp, &ctx->queued, ctx_node)
		dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
	ctx->cancelling = true;
	waiting = !list_empty(&ctx->sent);
	/* The daemon's decoder holds this stream's state: it must reset. */
	dv_bridge_stream_off(ctx);
	mutex_unlock(&dev->job_lock);

	if (waiting &&
	    !wait_event_timeout(ctx->drained, dv_ctx_drained(ctx),
				dv_bridge_job_timeout())) {
		mutex_lock(&dev->job_lock);
		dv_bridge_declare_dead(dev, ctx, "did not give back a stopped stream's jobs");
		mutex_unlock(&dev->job_lock);
		if (!wait_event_timeout(ctx->drained, dv_ctx_drained(ctx),
					DV_DAEMON_EXIT_TIMEOUT))
			dv_bridge_reap_dead(dev);
		/* What the copy to a dying daemon still holds ends with it. */
		wait_event(ctx->drained, dv_ctx_drained(ctx));
	}

	mutex_lock(&dev->job_lock);
	ctx->cancelling = false;
	mutex_unlock(&dev->job_lock);
}

/**
 * dv_jobs_ctx_init() - a new context joins the device
 * @ctx: the context
 */
void dv_jobs_ctx_init(struct dv_ctx *ctx)
{
	INIT_LIST_HEAD(&ctx->queued);
	INIT_LIST_HEAD(&ctx->sent);
	init_waitqueue_head(&ctx->drained);
	mutex_lock(&ctx->dev->job_lock);
	list_add_tail(&ctx->dev_node, &ctx->dev->ctxs);
	mutex_unlock(&ctx->dev->job_lock);
}

/**
 * dv_jobs_ctx_exit() - a context leaves; its queues are stopped, so it
 * has no job
 * @ctx: the context
 */
void dv_jobs_ctx_exit(struct dv_ctx *ctx)
{
	mutex_lock(&ctx->dev->job_lock);
	WARN_ON(dv_ctx_busy(ctx));
	list_del(&ctx->dev_node);
	mutex_unlock(&ctx->dev->job_lock);
}

const struct v4l2_m2m_ops dv_m2m_ops = {
	.device_run = dv_device_run,
};

int dv_jobs_init(struct dv_dev *dev)
{
	mutex_init(&dev->job_lock);
	INIT_LIST_HEAD(&dev->ctxs);
	INIT_LIST_HEAD(&dev->sent);
	INIT_WORK(&dev->flush_work, dv_flush_work);
	dev->wq = alloc_workqueue("daedalus-v4l2", WQ_UNBOUND, 0);
	return dev->wq ? 0 : -ENOMEM;
}

void dv_jobs_exit(struct dv_dev *dev)
{
	destroy_workqueue(dev->wq);
	mutex_destroy(&dev->job_lock);
}
