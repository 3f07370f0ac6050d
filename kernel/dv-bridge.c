// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: the bridge to the daemon, /dev/daedalus-v4l2.
 *
 * One daemon at a time opens it, says hello with its protocol version, then
 * takes messages (context events and jobs) with DV_IOC_RECV and reports the
 * end of each job with DV_IOC_COMPLETE. A job's message carries the
 * request's control values and bitstream; the CAPTURE buffer is given to the
 * daemon as a dmabuf, once per buffer, which the daemon maps and writes the
 * picture into. Everything the daemon says is checked: it can only finish
 * jobs it holds, in ways that make sense, with sizes that fit.
 */

#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dv-compat.h"
#include "dv.h"

DV_MODULE_IMPORT_DMA_BUF();

static unsigned int job_timeout_ms = 10000;
module_param(job_timeout_ms, uint, 0644);
MODULE_PARM_DESC(job_timeout_ms,
		 "Fail a job with ERROR if the daemon has not finished it after this many ms (0: never)");

/**
 * struct dv_event - a message waiting for the daemon
 * @node:	entry in dv_bridge.events
 * @size:	bytes of @msg
 * @msg:	the message, starting with struct dv_msg_header
 */
struct dv_event {
	struct list_head node;
	u32 size;
	u8 msg[] __aligned(8);
};

bool dv_bridge_ready(struct dv_dev *dev)
{
	lockdep_assert_held(&dev->job_lock);
	return dev->bridge.daemon && dev->bridge.ready;
}

static void dv_watchdog_arm(struct dv_dev *dev)
{
	if (job_timeout_ms)
		queue_delayed_work(dev->wq, &dev->bridge.watchdog,
				   msecs_to_jiffies(job_timeout_ms));
}

/* A job was queued for the attached daemon. dev->job_lock held. */
void dv_bridge_job_queued(struct dv_dev *dev)
{
	dv_watchdog_arm(dev);
	wake_up_interruptible(&dev->bridge.wq);
}

/* Queue @ev for the daemon, or drop it if none takes events. Any context. */
static void dv_bridge_queue_event(struct dv_dev *dev, struct dv_event *ev)
{
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&dev->bridge.events_lock, flags);
	if (dev->bridge.events_open) {
		list_add_tail(&ev->node, &dev->bridge.events);
		queued = true;
	}
	spin_unlock_irqrestore(&dev->bridge.events_lock, flags);
	if (queued)
		wake_up_interruptible(&dev->bridge.wq);
	else
		kfree(ev);
}

/* Stop taking events and free those not taken. */
static void dv_bridge_close_events(struct dv_dev *dev)
{
	struct dv_event *ev, *tmp;
	unsigned long flags;
	LIST_HEAD(dropped);

	spin_lock_irqsave(&dev->bridge.events_lock, flags);
	dev->bridge.events_open = false;
	list_splice_init(&dev->bridge.events, &dropped);
	spin_unlock_irqrestore(&dev->bridge.events_lock, flags);
	list_for_each_entry_safe(ev, tmp, &dropped, node) {
		list_del(&ev->node);
		kfree(ev);
	}
}

/* Tell the daemon about a context: DV_MSG_CTX_OPEN, FORMAT, ... */
void dv_bridge_ctx_event(struct dv_ctx *ctx, u32 type)
{
	struct dv_msg_ctx *msg;
	struct dv_event *ev;

	ev = kzalloc(sizeof(*ev) + sizeof(*msg), GFP_KERNEL);
	if (!ev)
		return;
	ev->size = sizeof(*msg);
	msg = (struct dv_msg_ctx *)ev->msg;
	msg->hdr.type = type;
	msg->hdr.size = sizeof(*msg);
	msg->hdr.ctx_id = ctx->id;
	dv_fill_bridge_format(ctx, &msg->fmt);
	dv_bridge_queue_event(ctx->dev, ev);
}

/* A CAPTURE buffer the daemon may have mapped is going away. */
void dv_bridge_buf_release(struct dv_ctx *ctx, struct dv_buffer *buf)
{
	struct dv_msg_buf_release *msg;
	struct dv_event *ev;
	bool exported;

	/* No job_lock: vb2 holds its mmap_lock here (see struct dv_bridge). */
	exported = READ_ONCE(buf->exported_session) &&
		   READ_ONCE(buf->exported_session) == READ_ONCE(ctx->dev->bridge.session);
	if (!exported)
		return;

	ev = kzalloc(sizeof(*ev) + sizeof(*msg), GFP_KERNEL);
	if (!ev)
		return;
	ev->size = sizeof(*msg);
	msg = (struct dv_msg_buf_release *)ev->msg;
	msg->hdr.type = DV_MSG_BUF_RELEASE;
	msg->hdr.size = sizeof(*msg);
	msg->hdr.ctx_id = ctx->id;
	msg->capture_cookie = buf->cookie;
	dv_bridge_queue_event(ctx->dev, ev);
}

static struct dv_dev *dv_bridge_file_dev(struct file *file)
{
	return container_of(file->private_data, struct dv_dev, bridge.misc);
}

static int dv_bridge_open(struct inode *inode, struct file *file)
{
	struct dv_dev *dev = dv_bridge_file_dev(file);
	int ret = 0;

	mutex_lock(&dev->job_lock);
	if (dev->bridge.daemon) {
		ret = -EBUSY;
	} else {
		dev->bridge.daemon = file;
		dev->bridge.ready = false;
		WRITE_ONCE(dev->bridge.session, dev->bridge.session + 1);
	}
	mutex_unlock(&dev->job_lock);
	if (ret)
		dev_warn(dev->v4l2_dev.dev, "bridge: refused a second daemon (pid %d): one is attached\n",
			 task_pid_nr(current));
	return ret;
}

static int dv_bridge_release(struct inode *inode, struct file *file)
{
	struct dv_dev *dev = dv_bridge_file_dev(file);

	mutex_lock(&dev->job_lock);
	dev->bridge.daemon = NULL;
	dev->bridge.ready = false;
	/* Nobody will decode what the daemon held or had not taken yet. */
	dv_fail_all_jobs(dev, "daemon detached");
	dv_bridge_close_events(dev);
	mutex_unlock(&dev->job_lock);
	cancel_delayed_work_sync(&dev->bridge.watchdog);
	dev_info(dev->v4l2_dev.dev, "bridge: daemon detached\n");
	return 0;
}

static long dv_bridge_hello(struct dv_dev *dev, void __user *arg)
{
	struct dv_hello hello;
	u32 theirs;

	if (copy_from_user(&hello, arg, sizeof(hello)))
		return -EFAULT;
	theirs = hello.version;
	if (memchr_inv(hello.reserved, 0, sizeof(hello.reserved))) {
		dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: hello with nonzero reserved fields: refused\n");
		return -EINVAL;
	}
	memset(&hello, 0, sizeof(hello));
	hello.version = DV_BRIDGE_VERSION;
	if (copy_to_user(arg, &hello, sizeof(hello)))
		return -EFAULT;
	if (theirs != DV_BRIDGE_VERSION) {
		dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: daemon speaks protocol %u, this module speaks %u: refused\n",
				    theirs, DV_BRIDGE_VERSION);
		return -EPROTO;
	}
	mutex_lock(&dev->job_lock);
	if (dev->bridge.ready) {
		mutex_unlock(&dev->job_lock);
		dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: a second hello: refused\n");
		return -EALREADY;
	}
	dev->bridge.ready = true;
	spin_lock_irq(&dev->bridge.events_lock);
	dev->bridge.events_open = true;
	spin_unlock_irq(&dev->bridge.events_lock);
	mutex_unlock(&dev->job_lock);
	dev_info(dev->v4l2_dev.dev, "bridge: daemon attached (pid %d, protocol %u)\n",
		 task_pid_nr(current), theirs);
	return 0;
}

/*
 * Whether a message waits, as a hint for sleeping and poll(): it runs where
 * sleeping on job_lock is not allowed, and DV_IOC_RECV checks again under
 * the lock.
 */
static bool dv_bridge_has_msg(struct dv_dev *dev)
{
	return !list_empty(&dev->bridge.events) || !list_empty(&dev->jobs);
}

/* A dmabuf of @vb's memory, with a reference for the daemon. */
static struct dma_buf *dv_capture_dmabuf(struct vb2_buffer *vb)
{
	struct dma_buf *dbuf;

	if (vb->memory == VB2_MEMORY_DMABUF) {
		dbuf = vb->planes[0].dbuf;
		get_dma_buf(dbuf);
		return dbuf;
	}
	dbuf = vb->vb2_queue->mem_ops->get_dmabuf(vb, vb->planes[0].mem_priv,
						  O_RDWR);
	return dbuf ? dbuf : ERR_PTR(-EINVAL);
}

/*
 * Send @job to the daemon: header, control records, bitstream. The first
 * time a CAPTURE buffer is sent in this session, a dmabuf fd of it is
 * installed in the daemon. dev->job_lock held.
 */
static long dv_bridge_send_job(struct dv_dev *dev, struct dv_job *job,
			       struct dv_recv *recv)
{
	struct dv_buffer *dst = dv_to_buffer(job->dst);
	struct vb2_buffer *src_vb = &job->src->vb2_buf;
	u32 bitstream = vb2_get_plane_payload(src_vb, 0);
	u8 __user *ubuf = u64_to_user_ptr(recv->buf);
	struct dma_buf *dbuf = NULL;
	struct dv_msg_job msg = {};
	int fd = -1;
	long ret;

	msg.hdr.type = DV_MSG_JOB;
	msg.hdr.ctx_id = job->ctx->id;
	msg.job_id = job->id;
	msg.capture_cookie = dst->cookie;
	msg.capture_size = vb2_plane_size(&job->dst->vb2_buf, 0);
	msg.timestamp = job->dst->vb2_buf.timestamp;
	dv_fill_bridge_format(job->ctx, &msg.fmt);
	msg.ctrls_offset = sizeof(msg);
	msg.ctrls_size = job->ctrls_size;
	msg.bitstream_offset = msg.ctrls_offset + ALIGN(job->ctrls_size, 8);
	msg.bitstream_size = bitstream;
	msg.hdr.size = msg.bitstream_offset + bitstream;

	recv->msg_size = msg.hdr.size;
	if (recv->buf_size < msg.hdr.size)
		return -ENOSPC;

	if (dst->exported_session != dev->bridge.session) {
		dbuf = dv_capture_dmabuf(&job->dst->vb2_buf);
		if (IS_ERR(dbuf))
			return PTR_ERR(dbuf);
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0) {
			dma_buf_put(dbuf);
			return fd;
		}
	}
	msg.capture_fd = fd;

	if (copy_to_user(ubuf, &msg, sizeof(msg)) ||
	    copy_to_user(ubuf + msg.ctrls_offset, job->ctrls,
			 job->ctrls_size) ||
	    copy_to_user(ubuf + msg.bitstream_offset,
			 vb2_plane_vaddr(src_vb, 0), bitstream)) {
		ret = -EFAULT;
		goto err_fd;
	}
	if (dbuf) {
		fd_install(fd, dbuf->file);
		dst->exported_session = dev->bridge.session;
	}
	list_move_tail(&job->dev_node, &dev->sent);
	return 0;

err_fd:
	if (dbuf) {
		put_unused_fd(fd);
		dma_buf_put(dbuf);
	}
	return ret;
}

static long dv_bridge_recv(struct dv_dev *dev, struct file *file,
			   void __user *arg)
{
	struct dv_recv recv;
	struct dv_event *ev;
	struct dv_job *job;
	long ret;

	if (copy_from_user(&recv, arg, sizeof(recv)))
		return -EFAULT;

	for (;;) {
		mutex_lock(&dev->job_lock);
		spin_lock_irq(&dev->bridge.events_lock);
		ev = list_first_entry_or_null(&dev->bridge.events,
					      struct dv_event, node);
		if (ev)
			list_del(&ev->node);
		spin_unlock_irq(&dev->bridge.events_lock);
		job = list_first_entry_or_null(&dev->jobs, struct dv_job,
					       dev_node);
		if (ev || job)
			break;
		mutex_unlock(&dev->job_lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(dev->bridge.wq,
					       dv_bridge_has_msg(dev));
		if (ret)
			return ret;
	}

	/* Context events first: they never need to follow a queued job. */
	if (ev) {
		recv.msg_size = ev->size;
		if (recv.buf_size < ev->size)
			ret = -ENOSPC;
		else if (copy_to_user(u64_to_user_ptr(recv.buf), ev->msg,
				      ev->size))
			ret = -EFAULT;
		else
			ret = 0;
		if (ret) {
			/* Not taken: first in line again (no detach under job_lock). */
			spin_lock_irq(&dev->bridge.events_lock);
			list_add(&ev->node, &dev->bridge.events);
			spin_unlock_irq(&dev->bridge.events_lock);
		} else {
			kfree(ev);
		}
	} else {
		ret = dv_bridge_send_job(dev, job, &recv);
	}
	mutex_unlock(&dev->job_lock);

	if ((!ret || ret == -ENOSPC) &&
	    copy_to_user(arg, &recv, sizeof(recv)))
		return -EFAULT;
	return ret;
}

static long dv_bridge_complete(struct dv_dev *dev, void __user *arg)
{
	struct dv_complete c;
	struct dv_job *job;
	long ret = 0;
	u32 size;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;

	mutex_lock(&dev->job_lock);
	list_for_each_entry(job, &dev->sent, dev_node)
		if (job->id == c.job_id)
			goto found;
	/* Cancelled meanwhile (stream stopped, watchdog), or never ours. */
	ret = -ENOENT;
	goto out;

found:
	switch (c.status) {
	case DV_STATUS_SRC_CONSUMED:
		if (job->src_consumed) {
			dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: job %llu: OUTPUT buffer consumed twice\n",
					    c.job_id);
			ret = -EINVAL;
			break;
		}
		/*
		 * Nothing returned yet: the request must not complete before
		 * its CAPTURE buffer is ready (clients dequeue it then).
		 */
		job->src_consumed = true;
		break;
	case DV_STATUS_HAS_PIXELS:
		size = vb2_plane_size(&job->dst->vb2_buf, 0);
		if (c.bytesused > size || !c.bytesused) {
			dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: job %llu: bytesused %u does not fit the %u-byte CAPTURE buffer\n",
					    c.job_id, c.bytesused, size);
			dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
			ret = -EINVAL;
			break;
		}
		dv_job_finish(job, VB2_BUF_STATE_DONE, c.bytesused);
		break;
	case DV_STATUS_ERROR:
		dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
		break;
	default:
		dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: job %llu: unknown status %u\n",
				    c.job_id, c.status);
		ret = -EINVAL;
	}
out:
	mutex_unlock(&dev->job_lock);
	return ret;
}

static long dv_bridge_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct dv_dev *dev = dv_bridge_file_dev(file);
	void __user *uarg = (void __user *)arg;
	bool ready;

	if (cmd == DV_IOC_HELLO)
		return dv_bridge_hello(dev, uarg);

	mutex_lock(&dev->job_lock);
	ready = dev->bridge.ready;
	mutex_unlock(&dev->job_lock);
	if (!ready)
		return -EPROTO;

	switch (cmd) {
	case DV_IOC_RECV:
		return dv_bridge_recv(dev, file, uarg);
	case DV_IOC_COMPLETE:
		return dv_bridge_complete(dev, uarg);
	}
	return -ENOTTY;
}

static __poll_t dv_bridge_poll(struct file *file, poll_table *wait)
{
	struct dv_dev *dev = dv_bridge_file_dev(file);

	poll_wait(file, &dev->bridge.wq, wait);
	return dv_bridge_has_msg(dev) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* Fail the jobs a hung daemon sits on; come back while any remain. */
static void dv_watchdog_work(struct work_struct *work)
{
	struct dv_dev *dev = container_of(to_delayed_work(work), struct dv_dev,
					  bridge.watchdog);
	unsigned long timeout = msecs_to_jiffies(job_timeout_ms);
	struct dv_job *job, *tmp;
	struct list_head *lists[] = { &dev->sent, &dev->jobs };
	bool pending = false;
	unsigned int i;

	if (!job_timeout_ms)
		return;
	mutex_lock(&dev->job_lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list_for_each_entry_safe(job, tmp, lists[i], dev_node) {
			if (time_before(jiffies, job->queued_at + timeout)) {
				pending = true;
				continue;
			}
			dev_warn(dev->v4l2_dev.dev, "ctx %u: job %llu timed out after %u ms: ERROR\n",
				 job->ctx->id, job->id, job_timeout_ms);
			dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
		}
	}
	if (pending)
		dv_watchdog_arm(dev);
	mutex_unlock(&dev->job_lock);
}

static const struct file_operations dv_bridge_fops = {
	.owner		= THIS_MODULE,
	.open		= dv_bridge_open,
	.release	= dv_bridge_release,
	.unlocked_ioctl	= dv_bridge_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= dv_bridge_poll,
	.llseek		= noop_llseek,
};

int dv_bridge_init(struct dv_dev *dev)
{
	struct dv_bridge *b = &dev->bridge;

	INIT_LIST_HEAD(&b->events);
	spin_lock_init(&b->events_lock);
	init_waitqueue_head(&b->wq);
	INIT_DELAYED_WORK(&b->watchdog, dv_watchdog_work);
	b->misc.minor = MISC_DYNAMIC_MINOR;
	b->misc.name = DV_NAME;
	b->misc.fops = &dv_bridge_fops;
	b->misc.mode = 0600;
	return misc_register(&b->misc);
}

void dv_bridge_exit(struct dv_dev *dev)
{
	misc_deregister(&dev->bridge.misc);
	cancel_delayed_work_sync(&dev->bridge.watchdog);
}
