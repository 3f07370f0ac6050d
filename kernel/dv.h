/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daedalus-v4l2: a V4L2 stateless decoder whose decoding runs in a
 * userspace daemon. Structures shared between the driver's files.
 */
#ifndef _DV_H_
#define _DV_H_

#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <media/media-device.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-mem2mem.h>
#include <media/videobuf2-v4l2.h>

#include "daedalus_v4l2_bridge.h"

#define DV_NAME			"daedalus-v4l2"

#define DV_MAX_WIDTH		4096
#define DV_MAX_HEIGHT		2304
/* CAPTURE lines start on this many bytes so GPUs can import the planes. */
#define DV_STRIDE_ALIGN		64
/*
 * Buffer sizes a client may ask for, per queue, from the largest coded
 * size: a compressed picture is never bigger than the 8-bit 4:2:0 picture
 * itself; CAPTURE holds a 10-bit one with its stride and height aligned.
 */
#define DV_OUTPUT_MIN_SIZE	SZ_512K
#define DV_OUTPUT_MAX_SIZE	(DV_MAX_WIDTH * DV_MAX_HEIGHT * 3 / 2)
#define DV_CAPTURE_MAX_SIZE	(ALIGN(DV_MAX_WIDTH * 2, DV_STRIDE_ALIGN) * \
				 ALIGN(DV_MAX_HEIGHT, 16) * 3 / 2)
/* Most controls one codec's job carries (dv_codec.ctrl_ids). */
#define DV_MAX_JOB_CTRLS	8

/*
 * A refusal caused by what a client asked for. A client's bad value is no
 * kernel error: the line is at debug level (dynamic debug: `module
 * daedalus_v4l2 +p`), ratelimited, since any process that can open the
 * video node can make these at will. It names the field that was wrong.
 */
#define dv_ctx_dbg(ctx, fmt, ...)					\
	do {								\
		const struct dv_ctx *__ctx = (ctx);			\
									\
		dev_dbg_ratelimited(__ctx->dev->v4l2_dev.dev,		\
				    "ctx %u: " fmt, __ctx->id,		\
				    ##__VA_ARGS__);			\
	} while (0)

struct dv_ctx;

/**
 * struct dv_menu_ctrl - a standard menu control and the entries we offer
 * @id:		control id
 * @max:	last menu entry
 * @skip:	entries we cannot decode, as a bit mask
 * @def:	default entry
 */
struct dv_menu_ctrl {
	u32 id;
	u8 max;
	u64 skip;
	u8 def;
};

/**
 * struct dv_codec_ops - what a codec checks and derives from its controls
 * @try_ctrl:	checks the new value of @ctrl, one of the controls whose
 *		config has dv_ctrl_ops, while the codec is the context's
 *		OUTPUT format; returns 0 for controls it does not check and
 *		says why it refuses one with dv_ctx_dbg()
 *		what can never be decoded (profile, bit depth, chroma
 *		format), in or outside a request
 * @check_run:	checks a request's values (the job's copy, dv_job_ctrl())
 *		when it runs: what depends on the formats
 *		(picture sizes); -EINVAL, said with dv_ctx_dbg(), fails the
 *		request with ERROR buffers
 * @bit_depth:	the luma bit depth @val, a value of dv_codec.depth_ctrl,
 *		asks for; unused (may be NULL) without a depth_ctrl
 */
struct dv_job;

struct dv_codec_ops {
	int (*try_ctrl)(struct dv_ctx *ctx, struct v4l2_ctrl *ctrl);
	int (*check_run)(struct dv_ctx *ctx, const struct dv_job *job);
	unsigned int (*bit_depth)(union v4l2_ctrl_ptr val);
};

/**
 * struct dv_codec - a codec: its OUTPUT (bitstream) format and controls
 * @fourcc:		V4L2 pixel format of the bitstream
 * @bridge_codec:	DV_CODEC_ID_* the daemon knows the codec by
 * @frmsize:		coded sizes accepted on OUTPUT
 * @block:		alignment of the CAPTURE width and height (the
 *			codec's block size)
 * @ctrl_ids:		controls whose values a job carries to the daemon
 * @num_ctrl_ids:	number of entries in @ctrl_ids
 * @picture_ctrl:	the per-picture control every request must carry
 * @depth_ctrl:		the sequence-level control the stream's bit depth
 *			follows, or 0 when the codec is decoded at 8 bits only
 * @ctrls:		the codec's compound controls; those that need checks
 *			or set the bit depth have &dv_ctrl_ops
 * @num_ctrls:		number of entries in @ctrls
 * @menus:		the codec's menu controls
 * @num_menus:		number of entries in @menus
 * @ops:		checks and derivations
 *
 * Every context has the controls of every codec, since its OUTPUT format
 * can change. Each codec has one file, dv-<codec>.c, that defines its
 * descriptor; dv_codecs[] lists them.
 */
struct dv_codec {
	u32 fourcc;
	u32 bridge_codec;
	struct v4l2_frmsize_stepwise frmsize;
	unsigned int block;
	const u32 *ctrl_ids;
	unsigned int num_ctrl_ids;
	u32 picture_ctrl;
	u32 depth_ctrl;
	const struct v4l2_ctrl_config *ctrls;
	unsigned int num_ctrls;
	const struct dv_menu_ctrl *menus;
	unsigned int num_menus;
	const struct dv_codec_ops *ops;
};

/**
 * struct dv_buffer - a vb2 buffer of ours
 * @m2m:		what the m2m core needs; must come first
 * @cookie:		names a CAPTURE buffer's memory to the daemon
 * @exported_session:	daemon session that received a dmabuf of it, or 0
 * @release_note:	for a CAPTURE buffer, the message telling the daemon
 *			it is gone, allocated with it (dv-bridge.c)
 */
struct dv_buffer {
	struct v4l2_m2m_buffer m2m;
	u64 cookie;
	u32 exported_session;
	struct dv_note *release_note;
};

static inline struct dv_buffer *dv_to_buffer(struct vb2_v4l2_buffer *vbuf)
{
	return container_of(vbuf, struct dv_buffer, m2m.vb);
}

/* How long a killed daemon may take to go before its jobs end anyway. */
#define DV_DAEMON_EXIT_TIMEOUT	(5 * HZ)

/* Context events the daemon has not been told of yet (dv_ctx.events). */
#define DV_EV_OPEN		BIT(0)
#define DV_EV_FORMAT		BIT(1)
#define DV_EV_STREAM_ON		BIT(2)
#define DV_EV_STREAM_OFF	BIT(3)

struct dv_note;

/**
 * struct dv_bridge - the daemon's side of the device: /dev/daedalus-v4l2
 * @misc:		the bridge's character device
 * @daemon:		file of the attached daemon, or NULL (dv_dev.job_lock)
 * @daemon_pid:		its process, to kill it when it hangs
 * @ready:		the daemon said hello with our version
 * @dead:		the daemon was declared dead and killed; it gets no
 *			message and completes no job until its file closes
 * @dead_since:		jiffies when it was
 * @session:		counts daemon attachments, so buffers are exported
 *			again to a new daemon (written under dv_dev.job_lock)
 * @ready_ctxs:		contexts with events or queued jobs, in the order
 *			they get their turn (dv_dev.job_lock)
 * @notes_lock:		protects @notes; innermost lock. A spinlock: a
 *			CAPTURE buffer's release queues its note under vb2's
 *			mmap_lock
 * @notes:		buffers and contexts gone, to tell the daemon
 * @wq:			woken when a message may be waiting
 * @detached:		woken when a daemon detaches
 * @watchdog:		declares a daemon that makes no progress dead
 */
struct dv_bridge {
	struct miscdevice misc;
	struct file *daemon;
	struct pid *daemon_pid;
	bool ready;
	bool dead;
	unsigned long dead_since;
	u32 session;
	struct list_head ready_ctxs;
	spinlock_t notes_lock;	/* see kernel-doc */
	struct list_head notes;
	wait_queue_head_t wq;
	wait_queue_head_t detached;
	struct delayed_work watchdog;
};

/**
 * struct dv_stats - counters shown in debugfs
 * @contexts:		open contexts
 * @jobs_pending:	jobs waiting for, or being decoded by, the daemon
 * @jobs_with_daemon:	jobs the daemon has taken and not ended
 * @jobs_submitted:	jobs created since load
 * @jobs_done:		jobs completed with pixels
 * @jobs_error:		jobs completed with an ERROR buffer
 */
struct dv_stats {
	atomic_t contexts;
	atomic_t jobs_pending;
	atomic_t jobs_with_daemon;
	atomic64_t jobs_submitted;
	atomic64_t jobs_done;
	atomic64_t jobs_error;
};

/**
 * struct dv_dev - the device
 * @v4l2_dev:		V4L2 device
 * @mdev:		media controller device
 * @vfd:		the decoder's video node
 * @m2m_dev:		mem2mem scheduler
 * @dev_mutex:		serialises open() and release() against the m2m core
 * @job_lock:		protects the context list, every job list, the
 *			bridge state, and job completion
 * @ctxs:		every open context (dv-job.c)
 * @sent:		jobs the daemon has or is being given, oldest first
 *			(dv-job.c)
 * @ctx_ida:		context ids
 * @next_job_id:	id of the next job
 * @next_cookie:	cookie of the next CAPTURE buffer
 * @wq:			runs @flush_work and the watchdog
 * @flush_work:		fails the jobs no daemon is there to decode
 * @bridge:		the daemon's side
 * @stats:		counters for debugfs
 * @debugfs:		debugfs directory
 * @ref:		the video node's and the daemon's bridge file's:
 *			the device is freed with the last (dv-core.c)
 */
struct dv_dev {
	struct v4l2_device v4l2_dev;
	struct media_device mdev;
	struct video_device vfd;
	struct v4l2_m2m_dev *m2m_dev;
	struct mutex dev_mutex;	/* see kernel-doc */

	struct mutex job_lock;	/* see kernel-doc */
	struct list_head ctxs;
	struct list_head sent;
	struct ida ctx_ida;
	u64 next_job_id;
	atomic64_t next_cookie;
	struct workqueue_struct *wq;
	struct work_struct flush_work;
	struct dv_bridge bridge;

	struct dv_stats stats;
	struct dentry *debugfs;
	struct kref ref;
};

/**
 * struct dv_ctx - one open file of the video node: one decoding session
 * @fh:			V4L2 file handle (holds the m2m context)
 * @dev:		the device
 * @id:			context id, unique while the module is loaded
 * @hdl:		controls of this context
 * @vb_mutex:		lock of both vb2 queues
 * @codec:		codec of the current OUTPUT format
 * @coded:		OUTPUT format
 * @decoded:		CAPTURE format, derived from @coded and @bit_depth
 * @bit_depth:		luma bit depth of the stream (8 or 10)
 * @sequence_out:	sequence number of the next OUTPUT buffer run
 * @sequence_cap:	sequence number of the next CAPTURE buffer run
 *
 * Under dev->job_lock, owned by dv-job.c:
 * @dev_node:		entry in dv_dev.ctxs
 * @queued:		jobs waiting for the daemon to take them, oldest first
 * @sent:		jobs the daemon has or is being given, oldest first
 * @drained:		woken when @sent empties
 * @progress_at:	jiffies of the last job ended, or of the first job
 *			queued while the context had none: the watchdog's
 *			measure
 * @cancelling:		a queue is stopping: pictures still coming are ERROR
 * @daemon_has_state:	jobs of the current stream went to the daemon, so
 *			stopping it needs a DV_MSG_STREAM_OFF
 *
 * Under dev->job_lock, owned by dv-bridge.c:
 * @events:		DV_EV_* the daemon has not been told of
 * @event_fmt:		the formats as of the last event
 * @announced:		bridge session that was told of this context, or 0
 * @ready_node:		entry in dv_bridge.ready_ctxs
 * @close_note:		the message that it closed, allocated with it
 */
struct dv_ctx {
	struct v4l2_fh fh;
	struct dv_dev *dev;
	u32 id;
	struct v4l2_ctrl_handler hdl;
	struct mutex vb_mutex;	/* see kernel-doc */

	const struct dv_codec *codec;
	struct v4l2_format coded;
	struct v4l2_format decoded;
	unsigned int bit_depth;
	u32 sequence_out;
	u32 sequence_cap;

	struct list_head dev_node;
	struct list_head queued;
	struct list_head sent;
	wait_queue_head_t drained;
	unsigned long progress_at;
	bool cancelling;
	bool daemon_has_state;

	unsigned int events;
	struct dv_format event_fmt;
	u32 announced;
	struct list_head ready_node;
	struct dv_note *close_note;
};

/**
 * enum dv_job_state - where a job is
 * @DV_JOB_QUEUED:	waiting for the daemon to take it
 * @DV_JOB_SENDING:	being copied to the daemon, without dev->job_lock
 * @DV_JOB_SENT:	the daemon has it
 */
enum dv_job_state {
	DV_JOB_QUEUED,
	DV_JOB_SENDING,
	DV_JOB_SENT,
};

/**
 * struct dv_job - one request being decoded
 * @ctx_node:		entry in dv_ctx.queued or dv_ctx.sent
 * @dev_node:		entry in dv_dev.sent once taken
 * @ctx:		context the request belongs to
 * @id:			job id, unique while the module is loaded
 * @state:		where it is
 * @src:		OUTPUT buffer, claimed off the m2m ready queue
 * @dst:		CAPTURE buffer, claimed off the m2m ready queue
 * @fmt:		the context's formats when the job was made
 * @bit_depth:		bit depth the request's controls ask for
 * @ctrls_size:		bytes used in @ctrls
 * @ctrls:		the request's control values, as records of
 *			struct dv_ctrl_record followed by the payload
 */
struct dv_job {
	struct list_head ctx_node;
	struct list_head dev_node;
	struct dv_ctx *ctx;
	u64 id;
	enum dv_job_state state;
	struct vb2_v4l2_buffer *src;
	struct vb2_v4l2_buffer *dst;
	struct dv_format fmt;
	unsigned int bit_depth;
	size_t ctrls_size;
	u8 ctrls[];
};

static inline struct dv_ctx *dv_file_to_ctx(struct file *file)
{
	return container_of(file->private_data, struct dv_ctx, fh);
}

/* dv-core.c */
void dv_dev_get(struct dv_dev *dev);
void dv_dev_put(struct dv_dev *dev);

/* dv-ctrls.c */
extern const struct v4l2_ctrl_ops dv_ctrl_ops;
int dv_ctrls_init(struct dv_ctx *ctx);
bool dv_ctrls_size_fits(struct dv_ctx *ctx, const char *what, u32 w, u32 h);
int dv_ctrls_check_bit_depth(struct dv_ctx *ctx, const char *field,
			     unsigned int depth);
unsigned int dv_ctrls_bit_depth(struct dv_ctx *ctx,
				const struct dv_codec *codec);
size_t dv_ctrls_snapshot_size(struct dv_ctx *ctx);
size_t dv_ctrls_snapshot(struct dv_ctx *ctx, u8 *buf, size_t size);

/* dv-video.c */
extern const struct dv_codec *const dv_codecs[];
extern const struct v4l2_ioctl_ops dv_ioctl_ops;
int dv_queue_init(void *priv, struct vb2_queue *src_vq,
		  struct vb2_queue *dst_vq);
int dv_set_default_formats(struct dv_ctx *ctx);
void dv_update_decoded_format(struct dv_ctx *ctx);
const struct dv_codec *dv_find_codec(u32 fourcc);
int dv_request_validate(struct media_request *req);
void dv_fill_bridge_format(struct dv_ctx *ctx, struct dv_format *fmt);

/* dv-h264.c */
extern const struct dv_codec dv_h264_codec;

/* dv-vp9.c */
extern const struct dv_codec dv_vp9_codec;

/* dv-av1.c */
extern const struct dv_codec dv_av1_codec;

/* dv-vp8.c */
extern const struct dv_codec dv_vp8_codec;
/* dv-mpeg2.c */
extern const struct dv_codec dv_mpeg2_codec;
/* dv-hevc.c */
extern const struct dv_codec dv_hevc_codec;

/* dv-job.c */
extern const struct v4l2_m2m_ops dv_m2m_ops;
int dv_jobs_init(struct dv_dev *dev);
void dv_jobs_exit(struct dv_dev *dev);
void dv_jobs_ctx_init(struct dv_ctx *ctx);
void dv_jobs_ctx_exit(struct dv_ctx *ctx);
void dv_ctx_cancel_jobs(struct dv_ctx *ctx);
void dv_job_finish(struct dv_job *job, enum vb2_buffer_state state,
		   u32 bytesused);
void dv_fail_all_jobs(struct dv_dev *dev, bool sent_too, const char *why);
bool dv_ctx_has_queued(struct dv_ctx *ctx);
struct dv_job *dv_job_take(struct dv_ctx *ctx);
const void *dv_job_ctrl(const struct dv_job *job, u32 id, size_t size);
void dv_job_untake(struct dv_job *job);
void dv_job_sent(struct dv_job *job);
struct dv_job *dv_job_find_sent(struct dv_dev *dev, u64 id);
struct dv_ctx *dv_jobs_stalled(struct dv_dev *dev, unsigned long timeout,
			       unsigned long *next, bool *busy);

/* dv-bridge.c */
int dv_bridge_init(struct dv_dev *dev);
int dv_bridge_register(struct dv_dev *dev);
void dv_bridge_unregister(struct dv_dev *dev);
void dv_bridge_free(struct dv_dev *dev);
unsigned long dv_bridge_job_timeout(void);
bool dv_bridge_ready(struct dv_dev *dev);
void dv_bridge_job_queued(struct dv_ctx *ctx);
int dv_bridge_ctx_init(struct dv_ctx *ctx);
void dv_bridge_ctx_exit(struct dv_ctx *ctx);
void dv_bridge_ctx_event(struct dv_ctx *ctx, u32 type);
void dv_bridge_stream_off(struct dv_ctx *ctx);
int dv_bridge_buf_init(struct dv_buffer *buf);
void dv_bridge_buf_release(struct dv_ctx *ctx, struct dv_buffer *buf);
void dv_bridge_declare_dead(struct dv_dev *dev, struct dv_ctx *ctx,
			    const char *why);
void dv_bridge_reap_dead(struct dv_dev *dev);
void dv_bridge_waiting(struct dv_dev *dev, unsigned int *events,
		       unsigned int *notes);

/* dv-debugfs.c */
void dv_debugfs_init(struct dv_dev *dev);
void dv_debugfs_exit(struct dv_dev *dev);

#endif /* _DV_H_ */
