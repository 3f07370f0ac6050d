// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: the job path.
 *
 * device_run() turns the next request into a job: it claims the OUTPUT and
 * CAPTURE buffers off the m2m ready queues at once (so the m2m scheduler can
 * never hand them out a second time), applies the request's controls, takes
 * a copy of their values and queues the job for the daemon. The m2m context
 * is then free to run its next request while this one is decoded, so several
 * jobs of one context can be in flight.
 *
 * Every job ends in dv_job_finish(), exactly once: the request's controls are
 * completed and both buffers returned, with pixels or with ERROR.
 */

#include <linux/slab.h>
#include <media/v4l2-ctrls.h>

#include "dv-compat.h"
#include "dv.h"

/*
 * Take @job off the device's and its context's lists. Returns false if
 * someone else already did: that caller finishes the job.
 */
static bool dv_job_claim_locked(struct dv_job *job)
{
	lockdep_assert_held(&job->ctx->dev->lock);
	if (list_empty(&job->ctx_node))
		return false;
	list_del_init(&job->dev_node);
	list_del_init(&job->ctx_node);
	job->ctx->completing++;
	return true;
}

/* Return a claimed job's buffers and free it. */
static void dv_job_complete(struct dv_job *job, enum vb2_buffer_state state)
{
	struct dv_ctx *ctx = job->ctx;
	struct dv_dev *dev = ctx->dev;
	struct media_request *req = job->src->vb2_buf.req_obj.req;

	/* The request completes with the OUTPUT buffer, so controls first. */
	v4l2_ctrl_request_complete(req, &ctx->hdl);
	v4l2_m2m_buf_done(job->src, state);
	if (state == VB2_BUF_STATE_ERROR)
		vb2_set_plane_payload(&job->dst->vb2_buf, 0, 0);
	v4l2_m2m_buf_done(job->dst, state);

	atomic_dec(&dev->stats.jobs_pending);
	if (state == VB2_BUF_STATE_DONE)
		atomic64_inc(&dev->stats.jobs_done);
	else
		atomic64_inc(&dev->stats.jobs_error);
	kfree(job);

	spin_lock(&dev->lock);
	ctx->completing--;
	spin_unlock(&dev->lock);
	wake_up(&ctx->done_wq);
}

/* Fail a job before it was ever queued. */
static void dv_job_fail_unqueued(struct dv_ctx *ctx,
				 struct vb2_v4l2_buffer *src,
				 struct vb2_v4l2_buffer *dst)
{
	v4l2_ctrl_request_complete(src->vb2_buf.req_obj.req, &ctx->hdl);
	v4l2_m2m_buf_done(src, VB2_BUF_STATE_ERROR);
	vb2_set_plane_payload(&dst->vb2_buf, 0, 0);
	v4l2_m2m_buf_done(dst, VB2_BUF_STATE_ERROR);
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

	req = src->vb2_buf.req_obj.req;
	ret = v4l2_ctrl_request_setup(req, &ctx->hdl);
	if (ret) {
		v4l2_err(&dev->v4l2_dev, "ctx %u: applying the request's controls failed: %d\n",
			 ctx->id, ret);
		goto fail;
	}

	ctrls_max = dv_ctrls_snapshot_size(ctx);
	job = kzalloc_flex(*job, ctrls, ctrls_max);
	if (!job)
		goto fail;
	job->ctx = ctx;
	job->src = src;
	job->dst = dst;
	job->bit_depth = dv_ctrls_bit_depth(ctx, ctx->coded_fmt);
	job->ctrls_size = dv_ctrls_snapshot(ctx, job->ctrls, ctrls_max);

	if (job->bit_depth != ctx->bit_depth) {
		v4l2_err(&dev->v4l2_dev, "ctx %u: request is %u-bit, CAPTURE is %u-bit\n",
			 ctx->id, job->bit_depth, ctx->bit_depth);
		kfree(job);
		goto fail;
	}

	spin_lock(&dev->lock);
	job->id = ++dev->next_job_id;
	list_add_tail(&job->dev_node, &dev->jobs);
	list_add_tail(&job->ctx_node, &ctx->jobs);
	spin_unlock(&dev->lock);
	atomic_inc(&dev->stats.jobs_pending);
	atomic64_inc(&dev->stats.jobs_submitted);

	/* No daemon can take jobs yet: fail them without delay. */
	queue_work(dev->wq, &dev->flush_work);
	goto out;

fail:
	dv_job_fail_unqueued(ctx, src, dst);
out:
	v4l2_m2m_job_finish(dev->m2m_dev, ctx->fh.m2m_ctx);
}

/* Fail every job no daemon is there to decode. */
static void dv_flush_work(struct work_struct *work)
{
	struct dv_dev *dev = container_of(work, struct dv_dev, flush_work);
	struct dv_job *job;

	for (;;) {
		spin_lock(&dev->lock);
		job = list_first_entry_or_null(&dev->jobs, struct dv_job,
					       dev_node);
		if (job && !dv_job_claim_locked(job))
			job = NULL;
		spin_unlock(&dev->lock);
		if (!job)
			break;
		dev_dbg(dev->v4l2_dev.dev, "ctx %u: job %llu: no daemon attached\n",
			job->ctx->id, job->id);
		dv_job_complete(job, VB2_BUF_STATE_ERROR);
	}
}

static bool dv_ctx_idle(struct dv_ctx *ctx)
{
	bool idle;

	spin_lock(&ctx->dev->lock);
	idle = !ctx->completing;
	spin_unlock(&ctx->dev->lock);
	return idle;
}

/*
 * End all of @ctx's jobs with ERROR and wait until any job being completed
 * elsewhere has returned its buffers: vb2 requires every buffer back when
 * stop_streaming() returns.
 */
void dv_ctx_cancel_jobs(struct dv_ctx *ctx)
{
	struct dv_dev *dev = ctx->dev;
	struct dv_job *job;

	for (;;) {
		spin_lock(&dev->lock);
		job = list_first_entry_or_null(&ctx->jobs, struct dv_job,
					       ctx_node);
		if (job)
			dv_job_claim_locked(job);
		spin_unlock(&dev->lock);
		if (!job)
			break;
		dv_job_complete(job, VB2_BUF_STATE_ERROR);
	}

	wait_event(ctx->done_wq, dv_ctx_idle(ctx));
}

const struct v4l2_m2m_ops dv_m2m_ops = {
	.device_run = dv_device_run,
};

int dv_jobs_init(struct dv_dev *dev)
{
	spin_lock_init(&dev->lock);
	INIT_LIST_HEAD(&dev->jobs);
	INIT_WORK(&dev->flush_work, dv_flush_work);
	dev->wq = alloc_workqueue("daedalus-v4l2", WQ_UNBOUND, 0);
	return dev->wq ? 0 : -ENOMEM;
}

void dv_jobs_exit(struct dv_dev *dev)
{
	destroy_workqueue(dev->wq);
}
