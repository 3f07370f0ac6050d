// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: the bridge to the daemon, /dev/daedalus-v4l2.
 *
 * One daemon at a time opens it, says hello with its protocol version, then
 * takes messages with DV_IOC_RECV and reports the end of each job with
 * DV_IOC_COMPLETE. A job's message carries the request's control values and
 * bitstream; the CAPTURE buffer is given to the daemon as a dmabuf, once per
 * buffer, which the daemon maps and writes the picture into. Everything the
 * daemon says is checked: it can only finish jobs it holds, in ways that
 * make sense, with sizes that fit.
 *
 * What waits for the daemon is bounded whatever clients do:
 *  - notes: a CAPTURE buffer or a context the daemon knew of is gone. Each
 *    buffer and context has its note allocated with it, so none can be
 *    lost to a failed allocation; only buffers and contexts the daemon was
 *    told of send one. Served first: they free the daemon's resources.
 *  - context events (open, format, stream on, stream off): one pending bit
 *    per kind per context, sent with the context's state at the time of
 *    the event, always before that context's next job.
 *  - jobs: at most the context's OUTPUT buffers.
 * Contexts are served round-robin, one message per turn, so one client's
 * stream of events or jobs cannot starve another's.
 */

#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dv-compat.h"
#include "dv.h"

DV_MODULE_IMPORT_DMA_BUF();

static unsigned int job_timeout_ms = 10000;
module_param(job_timeout_ms, uint, 0644);
MODULE_PARM_DESC(job_timeout_ms,
		 "A daemon that ends none of a context's jobs for this many ms is declared dead and killed (0: never)");

/* The most jobs of one context in flight: every OUTPUT buffer. */
#define DV_MAX_JOBS_PER_CTX	VIDEO_MAX_FRAME

/**
 * struct dv_note - a message that something the daemon knew of is gone
 * @node:	entry in dv_bridge.notes
 * @session:	bridge session it is meant for
 * @type:	DV_MSG_BUF_RELEASE or DV_MSG_CTX_CLOSE
 * @ctx_id:	context it is about
 * @cookie:	the CAPTURE buffer, for DV_MSG_BUF_RELEASE
 */
struct dv_note {
	struct list_head node;
	u32 session;
	u32 type;
	u32 ctx_id;
	u64 cookie;
};

unsigned long dv_bridge_job_timeout(void)
{
	unsigned int ms = READ_ONCE(job_timeout_ms);

	return ms ? msecs_to_jiffies(ms) : MAX_SCHEDULE_TIMEOUT;
}

bool dv_bridge_ready(struct dv_dev *dev)
{
	lockdep_assert_held(&dev->job_lock);
	return dev->bridge.daemon && dev->bridge.ready && !dev->bridge.dead;
}

static void dv_watchdog_arm(struct dv_dev *dev, unsigned long delay)
{
	if (READ_ONCE(job_timeout_ms))
		mod_delayed_work(dev->wq, &dev->bridge.watchdog, delay);
}

/* @ctx has something for the daemon: give it a turn. dev->job_lock held. */
static void dv_bridge_ctx_ready(struct dv_ctx *ctx)
{
	struct dv_bridge *b = &ctx->dev->bridge;

	if (list_empty(&ctx->ready_node))
		list_add_tail(&ctx->ready_node, &b->ready_ctxs);
	wake_up_interruptible(&b->wq);
}

/**
 * dv_bridge_job_queued() - @ctx has a new job for the attached daemon
 * @ctx: the context; dev->job_lock held
 */
void dv_bridge_job_queued(struct dv_ctx *ctx)
{
	struct dv_dev *dev = ctx->dev;

	if (!delayed_work_pending(&dev->bridge.watchdog))
		dv_watchdog_arm(dev, dv_bridge_job_timeout());
	dv_bridge_ctx_ready(ctx);
}

static void dv_note_queue(struct dv_dev *dev, struct dv_note *note)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->bridge.notes_lock, flags);
	list_add_tail(&note->node, &dev->bridge.notes);
	spin_unlock_irqrestore(&dev->bridge.notes_lock, flags);
	wake_up_interruptible(&dev->bridge.wq);
}

/* The oldest note for the current session; stale ones are freed. */
static struct dv_note *dv_note_take(struct dv_dev *dev)
{
	struct dv_note *note, *old, *tmp;
	LIST_HEAD(stale);

	lockdep_assert_held(&dev->job_lock);
	spin_lock_irq(&dev->bridge.notes_lock);
	while ((note = list_first_entry_or_null(&dev->bridge.notes,
						struct dv_note, node))) {
		list_del(&note->node);
		if (note->session == dev->bridge.session)
			break;
		list_add(&note->node, &stale);
	}
	spin_unlock_irq(&dev->bridge.notes_lock);
	list_for_each_entry_safe(old, tmp, &stale, node)
		kfree(old);
	return note;
}

static void dv_note_untake(struct dv_dev *dev, struct dv_note *note)
{
	spin_lock_irq(&dev->bridge.notes_lock);
	list_add(&note->node, &dev->bridge.notes);
	spin_unlock_irq(&dev->bridge.notes_lock);
}

static void dv_notes_drop(struct dv_dev *dev)
{
	struct dv_note *note, *tmp;
	LIST_HEAD(dropped);

	spin_lock_irq(&dev->bridge.notes_lock);
	list_splice_init(&dev->bridge.notes, &dropped);
	spin_unlock_irq(&dev->bridge.notes_lock);
	list_for_each_entry_safe(note, tmp, &dropped, node)
		kfree(note);
}

/**
 * dv_bridge_ctx_init() - set up a new context's side of the bridge
 * @ctx: the context, not yet visible to the daemon
 *
 * Return: 0 or -ENOMEM.
 */
int dv_bridge_ctx_init(struct dv_ctx *ctx)
{
	ctx->close_note = kzalloc_obj(*ctx->close_note);
	if (!ctx->close_note)
		return -ENOMEM;
	INIT_LIST_HEAD(&ctx->ready_node);
	ctx->events = DV_EV_OPEN;
	return 0;
}

/* The context's state for an event message. dev->job_lock held. */
static void dv_bridge_snapshot(struct dv_ctx *ctx)
{
	dv_fill_bridge_format(ctx, &ctx->event_fmt);
}

/**
 * dv_bridge_ctx_event() - tell the daemon about @ctx
 * @ctx: the context
 * @type: DV_MSG_CTX_OPEN, DV_MSG_FORMAT or DV_MSG_STREAM_ON
 *
 * Pending events of one kind coalesce: the daemon gets the context's state
 * as of the last one.
 */
void dv_bridge_ctx_event(struct dv_ctx *ctx, u32 type)
{
	struct dv_dev *dev = ctx->dev;

	mutex_lock(&dev->job_lock);
	switch (type) {
	case DV_MSG_CTX_OPEN:
		ctx->events |= DV_EV_OPEN;
		break;
	case DV_MSG_FORMAT:
		ctx->events |= DV_EV_FORMAT;
		break;
	case DV_MSG_STREAM_ON:
		ctx->events |= DV_EV_STREAM_ON;
		break;
	}
	dv_bridge_snapshot(ctx);
	if (dv_bridge_ready(dev))
		dv_bridge_ctx_ready(ctx);
	mutex_unlock(&dev->job_lock);
}

/**
 * dv_bridge_stream_off() - @ctx stopped streaming
 * @ctx: the context; dev->job_lock held
 *
 * The daemon gets one DV_MSG_STREAM_OFF if its decoder saw jobs of the
 * stream (so stopping both queues sends one), and gives back the jobs it
 * holds on it. A stream-on it has not been told of is dropped.
 */
void dv_bridge_stream_off(struct dv_ctx *ctx)
{
	lockdep_assert_held(&ctx->dev->job_lock);
	ctx->events &= ~DV_EV_STREAM_ON;
	if (!ctx->daemon_has_state)
		return;
	ctx->daemon_has_state = false;
	ctx->events |= DV_EV_STREAM_OFF;
	dv_bridge_snapshot(ctx);
	dv_bridge_ctx_ready(ctx);
}

/**
 * dv_bridge_ctx_exit() - @ctx is closing: its queues are stopped
 * @ctx: the context
 *
 * The daemon is told (DV_MSG_CTX_CLOSE) only if it knew of the context.
 */
void dv_bridge_ctx_exit(struct dv_ctx *ctx)
{
	struct dv_dev *dev = ctx->dev;
	struct dv_note *note = ctx->close_note;

	mutex_lock(&dev->job_lock);
	list_del_init(&ctx->ready_node);
	if (ctx->announced && ctx->announced == dev->bridge.session &&
	    dv_bridge_ready(dev)) {
		note->session = ctx->announced;
		note->type = DV_MSG_CTX_CLOSE;
		note->ctx_id = ctx->id;
		dv_note_queue(dev, note);
		note = NULL;
	}
	mutex_unlock(&dev->job_lock);
	kfree(note);
	ctx->close_note = NULL;
}

/**
 * dv_bridge_buf_init() - a CAPTURE buffer's note, allocated with it
 * @buf: the buffer
 *
 * Return: 0 or -ENOMEM (the buffer cannot be created).
 */
int dv_bridge_buf_init(struct dv_buffer *buf)
{
	buf->release_note = kzalloc_obj(*buf->release_note);
	return buf->release_note ? 0 : -ENOMEM;
}

/**
 * dv_bridge_buf_release() - a CAPTURE buffer the daemon may have mapped is
 * going away
 * @ctx: its context
 * @buf: the buffer
 *
 * No job_lock: vb2 may hold its mmap_lock here.
 */
void dv_bridge_buf_release(struct dv_ctx *ctx, struct dv_buffer *buf)
{
	struct dv_note *note = buf->release_note;
	u32 session = READ_ONCE(buf->exported_session);

	buf->release_note = NULL;
	if (!note)
		return;
	if (!session || session != READ_ONCE(ctx->dev->bridge.session)) {
		kfree(note);
		return;
	}
	note->session = session;
	note->type = DV_MSG_BUF_RELEASE;
	note->ctx_id = ctx->id;
	note->cookie = buf->cookie;
	dv_note_queue(ctx->dev, note);
}

/**
 * dv_bridge_waiting() - what waits for the daemon, for debugfs
 * @dev: the device
 * @events: set to the number of context events pending
 * @notes: set to the number of notes pending
 */
void dv_bridge_waiting(struct dv_dev *dev, unsigned int *events,
		       unsigned int *notes)
{
	unsigned int n_events = 0, n_notes = 0;
	struct dv_note *note;
	struct dv_ctx *ctx;

	mutex_lock(&dev->job_lock);
	list_for_each_entry(ctx, &dev->ctxs, dev_node)
		n_events += hweight32(ctx->events);
	spin_lock_irq(&dev->bridge.notes_lock);
	list_for_each_entry(note, &dev->bridge.notes, node)
		n_notes++;
	spin_unlock_irq(&dev->bridge.notes_lock);
	mutex_unlock(&dev->job_lock);
	*events = n_events;
	*notes = n_notes;
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
		/* misc_open() holds misc_mtx: the node is not going away. */
		dv_dev_get(dev);
		dev->bridge.daemon = file;
		dev->bridge.daemon_pid = get_pid(task_tgid(current));
		dev->bridge.ready = false;
		dev->bridge.dead = false;
		WRITE_ONCE(dev->bridge.session, dev->bridge.session + 1);
	}
	mutex_unlock(&dev->job_lock);
	if (ret)
		dev_warn_ratelimited(dev->v4l2_dev.dev, "bridge: refused a second daemon (pid %d): one is attached\n",
				     task_pid_nr(current));
	return ret;
}

static int dv_bridge_release(struct inode *inode, struct file *file)
{
	struct dv_dev *dev = dv_bridge_file_dev(file);
	bool was_dead;

	mutex_lock(&dev->job_lock);
	was_dead = dev->bridge.dead;
	dev->bridge.daemon = NULL;
	dev->bridge.ready = false;
	dev->bridge.dead = false;
	put_pid(dev->bridge.daemon_pid);
	dev->bridge.daemon_pid = NULL;
	/*
	 * The daemon's mappings went before its files: nothing of it can
	 * write a CAPTURE buffer any more. End what it held or had not
	 * taken yet.
	 */
	dv_fail_all_jobs(dev, true, "daemon detached");
	mutex_unlock(&dev->job_lock);
	dv_notes_drop(dev);
	wake_up_all(&dev->bridge.detached);
	dev_info(dev->v4l2_dev.dev, "bridge: daemon detached%s\n",
		 was_dead ? " (killed: it had stopped making progress)" : "");
	dv_dev_put(dev);
	return 0;
}

/**
 * dv_bridge_declare_dead() - the daemon stopped making progress: kill it
 * @dev: the device; dev->job_lock held
 * @ctx: the context it stalls
 * @why: for the log
 *
 * Its jobs cannot simply end: it still has their CAPTURE buffers mapped and
 * may write them whenever it runs again, after the client got them back.
 * So the daemon is killed, and its jobs end when its bridge file closes,
 * which is after its memory mappings are gone (dv_bridge_release()). It
 * takes no message and completes no job meanwhile. A supervisor (systemd)
 * starts a new one.
 */
void dv_bridge_declare_dead(struct dv_dev *dev, struct dv_ctx *ctx,
			    const char *why)
{
	struct dv_bridge *b = &dev->bridge;

	lockdep_assert_held(&dev->job_lock);
	if (!b->daemon || b->dead)
		return;
	b->dead = true;
	b->dead_since = jiffies;
	dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: ctx %u: the daemon %s within %u ms: killing it\n",
			    ctx->id, why, job_timeout_ms);
	if (b->daemon_pid)
		kill_pid(b->daemon_pid, SIGKILL, 1);
	/* Come back if it does not go. */
	mod_delayed_work(dev->wq, &b->watchdog, DV_DAEMON_EXIT_TIMEOUT);
}

/**
 * dv_bridge_reap_dead() - a killed daemon did not go away in time
 * @dev: the device
 *
 * Its jobs end anyway: clients must not hang on a process stuck in the
 * kernel. Said loudly, since it might still write their buffers.
 */
void dv_bridge_reap_dead(struct dv_dev *dev)
{
	mutex_lock(&dev->job_lock);
	if (dev->bridge.dead && !list_empty(&dev->sent)) {
		dev_err(dev->v4l2_dev.dev, "bridge: the killed daemon is still there after %u ms: its jobs end now\n",
			jiffies_to_msecs(DV_DAEMON_EXIT_TIMEOUT));
		dv_fail_all_jobs(dev, true, "daemon killed but still there");
	}
	mutex_unlock(&dev->job_lock);
}

static long dv_bridge_hello(struct dv_dev *dev, void __user *arg)
{
	struct dv_hello hello;
	struct dv_ctx *ctx;
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
	hello.max_jobs = DV_MAX_JOBS_PER_CTX;
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
	/* The new daemon hears of every context that is open. */
	list_for_each_entry(ctx, &dev->ctxs, dev_node) {
		ctx->events = DV_EV_OPEN;
		ctx->daemon_has_state = false;
		dv_bridge_snapshot(ctx);
		dv_bridge_ctx_ready(ctx);
	}
	dv_watchdog_arm(dev, dv_bridge_job_timeout());
	mutex_unlock(&dev->job_lock);
	dev_info(dev->v4l2_dev.dev, "bridge: daemon attached (pid %d, protocol %u)\n",
		 task_pid_nr(current), theirs);
	return 0;
}

/*
 * The context whose turn it is, moved to the back of the line; contexts
 * with nothing left leave it. dev->job_lock held.
 */
static struct dv_ctx *dv_bridge_next_ctx(struct dv_dev *dev)
{
	struct dv_ctx *ctx, *tmp;

	list_for_each_entry_safe(ctx, tmp, &dev->bridge.ready_ctxs, ready_node) {
		if (!ctx->events && !dv_ctx_has_queued(ctx)) {
			list_del_init(&ctx->ready_node);
			continue;
		}
		list_move_tail(&ctx->ready_node, &dev->bridge.ready_ctxs);
		return ctx;
	}
	return NULL;
}

/* Whether a message may wait (a hint for sleeping and poll()). */
static bool dv_bridge_has_msg(struct dv_dev *dev)
{
	return !list_empty(&dev->bridge.notes) ||
	       !list_empty(&dev->bridge.ready_ctxs);
}

/* The next event of @ctx as a message, its bit taken. dev->job_lock held. */
static void dv_bridge_take_event(struct dv_ctx *ctx, struct dv_msg_ctx *msg,
				 unsigned int *bit)
{
	static const struct {
		unsigned int bit;
		u32 type;
	} order[] = {
		/* A context the daemon hears of first opens; a stop comes
		 * before the start that followed it.
		 */
		{ DV_EV_OPEN, DV_MSG_CTX_OPEN },
		{ DV_EV_STREAM_OFF, DV_MSG_STREAM_OFF },
		{ DV_EV_FORMAT, DV_MSG_FORMAT },
		{ DV_EV_STREAM_ON, DV_MSG_STREAM_ON },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (ctx->events & order[i].bit)
			break;
	*bit = order[i].bit;
	ctx->events &= ~*bit;
	/* An open carries the format: no separate format event. */
	if (*bit == DV_EV_OPEN)
		ctx->events &= ~DV_EV_FORMAT;
	memset(msg, 0, sizeof(*msg));
	msg->hdr.type = order[i].type;
	msg->hdr.size = sizeof(*msg);
	msg->hdr.ctx_id = ctx->id;
	msg->fmt = ctx->event_fmt;
}

/* A dmabuf fd of the CAPTURE buffer, installed in the calling daemon. */
static int dv_capture_fd(struct vb2_buffer *vb)
{
	struct dma_buf *dbuf;
	int fd, ret;

	if (vb->memory == VB2_MEMORY_MMAP) {
		ret = vb2_core_expbuf(vb->vb2_queue, &fd, vb->type, vb, 0,
				      O_RDWR | O_CLOEXEC);
		return ret ? ret : fd;
	}
	/* A client's imported dmabuf: the daemon gets that very buffer. */
	dbuf = vb->planes[0].dbuf;
	get_dma_buf(dbuf);
	fd = dma_buf_fd(dbuf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(dbuf);
	return fd;
}

/*
 * Copy @job to the daemon's buffer, without dev->job_lock: header, control
 * records, bitstream, and, the first time this session, a dmabuf fd of the
 * CAPTURE buffer, installed last so that nothing can fail after it.
 * Returns 0, -ENOSPC (the message is bigger than the buffer: recv->msg_size
 * says how big) or another negative errno.
 */
static long dv_bridge_copy_job(struct dv_dev *dev, struct dv_job *job,
			       struct dv_recv *recv, struct dv_recv __user *uarg,
			       bool export)
{
	struct vb2_buffer *src_vb = &job->src->vb2_buf;
	u32 data_offset = src_vb->planes[0].data_offset;
	u32 bitstream = vb2_get_plane_payload(src_vb, 0) - data_offset;
	u8 __user *ubuf = u64_to_user_ptr(recv->buf);
	struct dv_msg_job msg = {};
	u32 size;
	int fd;

	msg.hdr.type = DV_MSG_JOB;
	msg.hdr.ctx_id = job->ctx->id;
	msg.job_id = job->id;
	msg.capture_cookie = dv_to_buffer(job->dst)->cookie;
	msg.capture_fd = -1;
	msg.capture_size = vb2_plane_size(&job->dst->vb2_buf, 0);
	msg.timestamp = job->dst->vb2_buf.timestamp;
	msg.fmt = job->fmt;
	msg.ctrls_offset = sizeof(msg);
	msg.ctrls_size = job->ctrls_size;
	msg.bitstream_offset = sizeof(msg) + ALIGN(job->ctrls_size, 8);
	msg.bitstream_size = bitstream;
	if (check_add_overflow(msg.bitstream_offset, bitstream, &size))
		return -EOVERFLOW;
	msg.hdr.size = size;

	recv->msg_size = size;
	if (put_user(size, &uarg->msg_size))
		return -EFAULT;
	if (recv->buf_size < size)
		return -ENOSPC;
	if (copy_to_user(ubuf, &msg, sizeof(msg)) ||
	    copy_to_user(ubuf + msg.ctrls_offset, job->ctrls, job->ctrls_size) ||
	    copy_to_user(ubuf + msg.bitstream_offset,
			 (u8 *)vb2_plane_vaddr(src_vb, 0) + data_offset,
			 bitstream))
		return -EFAULT;
	if (!export)
		return 0;
	fd = dv_capture_fd(&job->dst->vb2_buf);
	if (fd < 0)
		return fd;
	/*
	 * The fd is the daemon's now; if it cannot learn its number, the
	 * job fails and the daemon (which passed a bad buffer) keeps it.
	 */
	if (put_user(fd, (s32 __user *)(ubuf + offsetof(struct dv_msg_job,
							capture_fd))))
		return -EFAULT;
	return 0;
}

/* Copy one small message and its size to the daemon. */
static long dv_bridge_copy_msg(struct dv_recv *recv, struct dv_recv __user *uarg,
			       const void *msg, u32 size)
{
	recv->msg_size = size;
	if (put_user(size, &uarg->msg_size))
		return -EFAULT;
	if (recv->buf_size < size)
		return -ENOSPC;
	if (copy_to_user(u64_to_user_ptr(recv->buf), msg, size))
		return -EFAULT;
	return 0;
}

static long dv_bridge_send_note(struct dv_dev *dev, struct dv_note *note,
				struct dv_recv *recv, struct dv_recv __user *uarg)
{
	union {
		struct dv_msg_buf_release rel;
		struct dv_msg_ctx ctx;
	} msg = {};
	u32 size = note->type == DV_MSG_BUF_RELEASE ? sizeof(msg.rel) :
						      sizeof(msg.ctx);
	long ret;

	msg.ctx.hdr.type = note->type;
	msg.ctx.hdr.size = size;
	msg.ctx.hdr.ctx_id = note->ctx_id;
	if (note->type == DV_MSG_BUF_RELEASE)
		msg.rel.capture_cookie = note->cookie;
	ret = dv_bridge_copy_msg(recv, uarg, &msg, size);
	if (ret)
		dv_note_untake(dev, note);
	else
		kfree(note);
	return ret;
}

static long dv_bridge_send_event(struct dv_dev *dev, struct dv_ctx *ctx,
				 struct dv_recv *recv, struct dv_recv __user *uarg)
{
	struct dv_msg_ctx msg;
	unsigned int bit;
	struct dv_ctx *c;
	u32 id = ctx->id;
	long ret;

	dv_bridge_take_event(ctx, &msg, &bit);
	ctx->announced = dev->bridge.session;
	mutex_unlock(&dev->job_lock);
	ret = dv_bridge_copy_msg(recv, uarg, &msg, sizeof(msg));
	mutex_lock(&dev->job_lock);
	if (!ret)
		return 0;
	/* Not taken: the event waits again, if its context is still there. */
	list_for_each_entry(c, &dev->bridge.ready_ctxs, ready_node) {
		if (c == ctx && c->id == id) {
			c->events |= bit;
			break;
		}
	}
	return ret;
}

static long dv_bridge_send_job(struct dv_dev *dev, struct dv_ctx *ctx,
			       struct dv_recv *recv, struct dv_recv __user *uarg)
{
	struct dv_job *job = dv_job_take(ctx);
	struct dv_buffer *dst = dv_to_buffer(job->dst);
	u32 session = dev->bridge.session;
	bool export = dst->exported_session != session;
	long ret;

	/* A job being copied is the daemon's: a stopping queue waits for it. */
	mutex_unlock(&dev->job_lock);
	ret = dv_bridge_copy_job(dev, job, recv, uarg, export);
	mutex_lock(&dev->job_lock);
	if (!ret) {
		if (export)
			WRITE_ONCE(dst->exported_session, session);
		dv_job_sent(job);
	} else if (ret == -ENOSPC) {
		dv_job_untake(job);
	} else {
		dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: ctx %u job %llu could not be given to the daemon (%ld): ERROR\n",
				    ctx->id, job->id, ret);
		dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
	}
	return ret;
}

static long dv_bridge_recv(struct dv_dev *dev, struct file *file,
			   struct dv_recv __user *uarg)
{
	struct dv_recv recv;
	struct dv_note *note;
	struct dv_ctx *ctx;
	long ret;

	if (copy_from_user(&recv, uarg, sizeof(recv)))
		return -EFAULT;

	for (;;) {
		mutex_lock(&dev->job_lock);
		if (!dv_bridge_ready(dev)) {
			mutex_unlock(&dev->job_lock);
			return -EPIPE;
		}
		note = dv_note_take(dev);
		if (note) {
			mutex_unlock(&dev->job_lock);
			return dv_bridge_send_note(dev, note, &recv, uarg);
		}
		ctx = dv_bridge_next_ctx(dev);
		if (ctx)
			break;
		mutex_unlock(&dev->job_lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(dev->bridge.wq,
					       dv_bridge_has_msg(dev));
		if (ret)
			return ret;
	}
	/* A context's events always go before its next job. */
	if (ctx->events)
		ret = dv_bridge_send_event(dev, ctx, &recv, uarg);
	else
		ret = dv_bridge_send_job(dev, ctx, &recv, uarg);
	mutex_unlock(&dev->job_lock);
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
	if (!dv_bridge_ready(dev)) {
		ret = -EPIPE;
		goto out;
	}
	job = dv_job_find_sent(dev, c.job_id);
	if (!job) {
		/* Never ours, or already ended. */
		ret = -ENOENT;
		goto out;
	}
	switch (c.status) {
	case DV_STATUS_HAS_PIXELS:
		size = vb2_plane_size(&job->dst->vb2_buf, 0);
		if (c.bytesused > size || !c.bytesused) {
			dev_err_ratelimited(dev->v4l2_dev.dev, "bridge: job %llu: bytesused %u does not fit the %u-byte CAPTURE buffer\n",
					    c.job_id, c.bytesused, size);
			dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
			ret = -EINVAL;
			break;
		}
		/* A stopped stream's pictures are not the client's any more. */
		if (job->ctx->cancelling)
			dv_job_finish(job, VB2_BUF_STATE_ERROR, 0);
		else
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

/*
 * A context whose jobs the daemon has ended none of for the job timeout
 * means a hung daemon: it is killed. A killed daemon that does not go
 * within DV_DAEMON_EXIT_TIMEOUT has its jobs ended anyway. Runs while any
 * context has jobs; never cancelled by a detaching daemon (a new one may
 * have armed it).
 */
static void dv_watchdog_work(struct work_struct *work)
{
	struct dv_dev *dev = container_of(to_delayed_work(work), struct dv_dev,
					  bridge.watchdog);
	unsigned long timeout = dv_bridge_job_timeout(), next = 0;
	struct dv_ctx *stalled;
	bool busy, dead;

	if (!READ_ONCE(job_timeout_ms))
		return;
	mutex_lock(&dev->job_lock);
	dead = dev->bridge.dead;
	if (dead && time_before(jiffies, dev->bridge.dead_since +
				DV_DAEMON_EXIT_TIMEOUT)) {
		mod_delayed_work(dev->wq, &dev->bridge.watchdog,
				 dev->bridge.dead_since + DV_DAEMON_EXIT_TIMEOUT -
				 jiffies);
		mutex_unlock(&dev->job_lock);
		return;
	}
	stalled = dead ? NULL : dv_jobs_stalled(dev, timeout, &next, &busy);
	if (stalled)
		dv_bridge_declare_dead(dev, stalled, "ended none of its jobs");
	else if (!dead && busy)
		dv_watchdog_arm(dev, next - jiffies);
	mutex_unlock(&dev->job_lock);
	if (dead)
		dv_bridge_reap_dead(dev);
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

/**
 * dv_bridge_init() - set up the bridge's state
 * @dev: the device
 *
 * Return: 0.
 */
int dv_bridge_init(struct dv_dev *dev)
{
	struct dv_bridge *b = &dev->bridge;

	INIT_LIST_HEAD(&b->ready_ctxs);
	INIT_LIST_HEAD(&b->notes);
	spin_lock_init(&b->notes_lock);
	init_waitqueue_head(&b->wq);
	init_waitqueue_head(&b->detached);
	INIT_DELAYED_WORK(&b->watchdog, dv_watchdog_work);
	b->misc.minor = MISC_DYNAMIC_MINOR;
	b->misc.name = DV_NAME;
	b->misc.fops = &dv_bridge_fops;
	b->misc.mode = 0600;
	return 0;
}

/**
 * dv_bridge_register() - create /dev/daedalus-v4l2
 * @dev: the device
 *
 * Return: 0 or a negative errno.
 */
int dv_bridge_register(struct dv_dev *dev)
{
	return misc_register(&dev->bridge.misc);
}

/**
 * dv_bridge_unregister() - remove the node; an attached daemon's file
 * keeps the device until it closes
 * @dev: the device
 */
void dv_bridge_unregister(struct dv_dev *dev)
{
	misc_deregister(&dev->bridge.misc);
}

/**
 * dv_bridge_free() - the device goes: nothing uses the bridge any more
 * @dev: the device
 */
void dv_bridge_free(struct dv_dev *dev)
{
	cancel_delayed_work_sync(&dev->bridge.watchdog);
	dv_notes_drop(dev);
}
