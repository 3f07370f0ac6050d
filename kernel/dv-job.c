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
 * A job ends exactly once, in dv_job_finish() under dev->job_lock: the
 * request's controls are completed and both buffers returned, with pixels or
 * with ERROR. Everything that ends jobs (the daemon, the watchdog, a stopping
 * queue, a dying daemon) takes dev->job_lock, so no buffer can be returned
 * twice or be missing when vb2 wants it back.
 */

#include <linux/slab.h>
#include <media/v4l2-ctrls.h>

#include "dv-compat.h"
#include "dv.h"

/*
 * End @job: return what it still holds and free it. @bytesused is the
 * CAPTURE payload when @state is DONE.
 */
void dv_job_finish(struct dv_job *job, enum vb2_buffer_state state,
		   u32 bytesused)
{
	struct dv_dev *dev = job->ctx->dev;

	lockdep_assert_held(&dev->job_lock);
	list_del(&job->dev_node);
	list_del(&job->ctx_node);
	/*
	 * CAPTURE first: clients dequeue the CAPTURE buffer as soon as the
	 * request completes, and the request completes with the OUTPUT
	 * buffer (GStreamer fails a frame whose CAPTURE is not ready then).
	 */
	vb2_set_plane_payload(&job->dst->vb2_buf, 0,
			      state == VB2_BUF_STATE_DONE ? bytesused : 0);
	v4l2_m2m_buf_done(job->dst, state);
	/* The request completes with its last object: controls first. */
	v4l2_ctrl_request_complete(job->src->vb2_buf.req_obj.req, &job->ctx->hdl);
	v4l2_m2m_buf_done(job->src, state);

	atomic_dec(&dev->stats.jobs_pending);
	if (state == VB2_BUF_STATE_DONE)
		atomic64_inc(&dev->stats.jobs_done);
	else
		atomic64_inc(&dev->stats.jobs_error);
	kfree(job);
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
	struct dv_job *job;
	size_t ctrls_max;
	int ret;

	src = v4l2_m2m_next_src_buf(ctx->fh.m2m_ctx);
	dst = v4l2_m2m_next_dst_buf(ctx->fh.m2m_ctx);
	/* From here on the job owns both buffers, whatever happens. */
	v4l2_m2m_src_buf_remove_by_buf(ctx->fh.m2m_ctx, src);
	v4l2_m2m_dst_buf_remove_by_buf(ctx->fh.m2m_ctx, dst);
	dv_buf_copy_metadata(src, dst);

	ret = v4l2_ctrl_request_setup(src->vb2_buf.req_obj.req, &ctx->hdl);
	if (ret) {
		dv_ctx_err(ctx, "applying the request's controls failed: %d\n", ret);
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
		dv_ctx_err(ctx, "request is %u-bit, CAPTURE is %u-bit\n",
			   job->bit_depth, ctx->bit_depth);
		kfree(job);
		goto fail;
	}

	mutex_lock(&dev->job_lock);
	job->id = ++dev->next_job_id;
	job->queued_at = jiffies;
	list_add_tail(&job->dev_node, &dev->jobs);
	list_add_tail(&job->ctx_node, &ctx->jobs);
	atomic_inc(&dev->stats.jobs_pending);
	atomic64_inc(&dev->stats.jobs_submitted);
	if (dv_bridge_ready(dev))
		dv_bridge_job_queued(dev);
	else
		queue_work(dev->wq, &dev->flush_work);
	mutex_unlock(&dev->job_lock);
	goto out;

fail:
	dv_fail_request(ctx, src, dst);
out:
	v4l2_m2m_job_finish(dev->m2m_dev, ctx->fh.m2m_ctx);
}

/* Fail every job: no daemon can decode them. dev->job_lock held. */
void dv_fail_all_jobs(struct dv_dev *dev, const char *why)
{
	struct dv_job *job, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&dev->job_lock);
	list_for_each_entry_safe(job, tmp, &dev->sent, dev_node) {
		dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
		n++;
	}
	list_for_each_entry_safe(job, tmp, &dev->jobs, dev_node) {
		dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
		n++;
	}
	if (n)
		dev_dbg(dev->v4l2_dev.dev, "%u jobs failed: %s\n", n, why);
}

static void dv_flush_work(struct work_struct *work)
{
	struct dv_dev *dev = container_of(work, struct dv_dev, flush_work);

	mutex_lock(&dev->job_lock);
	if (!dv_bridge_ready(dev))
		dv_fail_all_jobs(dev, "no daemon attached");
	mutex_unlock(&dev->job_lock);
}

/*
 * End all of @ctx's jobs with ERROR: vb2 wants every buffer of a queue back
 * when stop_streaming() returns, and a job holds buffers of both queues.
 */
void dv_ctx_cancel_jobs(struct dv_ctx *ctx)
{
	struct dv_dev *dev = ctx->dev;
	struct dv_job *job, *tmp;

	mutex_lock(&dev->job_lock);
	list_for_each_entry_safe(job, tmp, &ctx->jobs, ctx_node)
		dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
	mutex_unlock(&dev->job_lock);
}

const struct v4l2_m2m_ops dv_m2m_ops = {
	.device_run = dv_device_run,
};

int dv_jobs_init(struct dv_dev *dev)
{
	mutex_init(&dev->job_lock);
	INIT_LIST_HEAD(&dev->jobs);
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
