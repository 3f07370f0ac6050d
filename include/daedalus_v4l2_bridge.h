/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * daedalus-v4l2 bridge protocol: what the kernel module and the daemon
 * exchange over /dev/daedalus-v4l2. Shared, unchanged, by both sides;
 * docs/protocol.md describes the exchange.
 *
 * All integers are in the host's byte order; both peers run on one machine.
 * Every structure has a fixed layout (explicit padding, 64-bit fields
 * 8-byte aligned) so 32- and 64-bit daemons see the same bytes.
 */
#ifndef _DAEDALUS_V4L2_BRIDGE_H_
#define _DAEDALUS_V4L2_BRIDGE_H_

#include <linux/ioctl.h>
#include <linux/types.h>

#define DV_BRIDGE_VERSION	2
#define DV_BRIDGE_NODE		"/dev/daedalus-v4l2"

/* Codecs, as carried in struct dv_format. */
#define DV_CODEC_ID_H264	1
#define DV_CODEC_ID_VP9		2
#define DV_CODEC_ID_AV1		3
#define DV_CODEC_ID_HEVC	4
#define DV_CODEC_ID_VP8		5
#define DV_CODEC_ID_MPEG2	6

/**
 * struct dv_hello - DV_IOC_HELLO: the first call of a daemon
 * @version:		in: DV_BRIDGE_VERSION of the daemon;
 *			out: DV_BRIDGE_VERSION of the module
 * @max_jobs:		out: most jobs of one context the daemon may hold at
 *			once (every OUTPUT buffer of the context)
 * @reserved:		zero
 *
 * Fails with EPROTO (and @version set to the module's) when the versions
 * differ; no other call works before a successful hello.
 */
struct dv_hello {
	__u32 version;
	__u32 max_jobs;
	__u32 reserved[6];
};

/**
 * struct dv_format - a context's formats
 * @codec:		DV_CODEC_ID_*
 * @bit_depth:		8 or 10
 * @coded_width:	OUTPUT (coded) width
 * @coded_height:	OUTPUT (coded) height
 * @capture_fourcc:	V4L2_PIX_FMT_NV12 or V4L2_PIX_FMT_P010
 * @capture_width:	CAPTURE width in pixels
 * @capture_height:	CAPTURE height in lines
 * @bytesperline:	CAPTURE stride of the luma plane; the interleaved
 *			chroma plane follows the luma plane at
 *			bytesperline * capture_height, same stride
 * @sizeimage:		CAPTURE buffer size
 * @colorspace:		V4L2 colorimetry, as the client set it on OUTPUT
 * @xfer_func:		see @colorspace
 * @ycbcr_enc:		see @colorspace
 * @quantization:	see @colorspace
 */
struct dv_format {
	__u32 codec;
	__u32 bit_depth;
	__u32 coded_width;
	__u32 coded_height;
	__u32 capture_fourcc;
	__u32 capture_width;
	__u32 capture_height;
	__u32 bytesperline;
	__u32 sizeimage;
	__u32 colorspace;
	__u32 xfer_func;
	__u32 ycbcr_enc;
	__u32 quantization;
	__u32 reserved;
};

/* Message types, module to daemon. */
enum dv_msg_type {
	DV_MSG_CTX_OPEN = 1,	/* a client opened the video node */
	DV_MSG_CTX_CLOSE,	/* ... and closed it: drop its decoder */
	DV_MSG_STREAM_ON,	/* OUTPUT streaming started */
	/*
	 * Stopped (stop or seek): give back the context's jobs (end them
	 * with ERROR, not writing their CAPTURE buffers), reset the decoder.
	 */
	DV_MSG_STREAM_OFF,
	DV_MSG_FORMAT,		/* the context's formats changed */
	DV_MSG_JOB,		/* decode one request: struct dv_msg_job */
	DV_MSG_BUF_RELEASE,	/* a CAPTURE buffer is gone: unmap it */
};

/**
 * struct dv_msg_header - start of every message
 * @type:	enum dv_msg_type
 * @size:	bytes of the whole message, header included
 * @ctx_id:	context the message is about
 * @reserved:	zero
 */
struct dv_msg_header {
	__u32 type;
	__u32 size;
	__u32 ctx_id;
	__u32 reserved;
};

/**
 * struct dv_msg_ctx - DV_MSG_CTX_OPEN, _CLOSE, STREAM_ON, _OFF, FORMAT
 * @hdr:	header
 * @fmt:	the context's formats at the time of the event
 */
struct dv_msg_ctx {
	struct dv_msg_header hdr;
	struct dv_format fmt;
};

/**
 * struct dv_msg_job - DV_MSG_JOB: decode one request
 * @hdr:		header
 * @job_id:		to name the job in DV_IOC_COMPLETE
 * @capture_cookie:	identifies the CAPTURE buffer's memory for as long
 *			as it exists (until DV_MSG_BUF_RELEASE)
 * @capture_fd:		a dmabuf of the CAPTURE buffer, newly installed in
 *			the daemon, the first time a cookie is sent; -1 after
 * @capture_size:	bytes of that dmabuf
 * @timestamp:		the OUTPUT buffer's timestamp, in ns
 * @fmt:		the context's formats
 * @ctrls_offset:	offset of the control records from the message
 *			start: struct dv_ctrl_record + payload, repeated
 * @ctrls_size:		bytes of control records
 * @bitstream_offset:	offset of the OUTPUT buffer's bytes
 * @bitstream_size:	bytes of bitstream (the buffer's bytesused)
 */
struct dv_msg_job {
	struct dv_msg_header hdr;
	__u64 job_id;
	__u64 capture_cookie;
	__s32 capture_fd;
	__u32 capture_size;
	__u64 timestamp;
	struct dv_format fmt;
	__u32 ctrls_offset;
	__u32 ctrls_size;
	__u32 bitstream_offset;
	__u32 bitstream_size;
};

/**
 * struct dv_msg_buf_release - DV_MSG_BUF_RELEASE
 * @hdr:		header
 * @capture_cookie:	the buffer whose mapping and fd can go
 */
struct dv_msg_buf_release {
	struct dv_msg_header hdr;
	__u64 capture_cookie;
};

/*
 * A job's control values: records, each a header followed by @size bytes of
 * the control's payload (struct v4l2_ctrl_h264_sps, ...), then padding up
 * to the next multiple of 8 bytes.
 */
struct dv_ctrl_record {
	__u32 id;	/* V4L2_CID_STATELESS_*, V4L2_CID_STATELESS_H264_START_CODE */
	__u32 size;	/* payload bytes, padding excluded */
};

#define DV_CTRL_RECORD_ALIGN	8

/**
 * struct dv_recv - DV_IOC_RECV: take the next message
 * @buf:	user pointer to a buffer for the message
 * @buf_size:	its size
 * @msg_size:	out: size of the message taken, or, on ENOSPC, of the
 *		message that did not fit (it stays queued)
 *
 * Blocks until a message is there, unless the file is O_NONBLOCK (EAGAIN);
 * poll() reports POLLIN when one is.
 */
struct dv_recv {
	__u64 buf;
	__u32 buf_size;
	__u32 msg_size;
};

/* Completion status of a job (1 was protocol 1's SRC_CONSUMED). */
enum dv_status {
	DV_STATUS_HAS_PIXELS = 2,	/* CAPTURE holds the picture */
	DV_STATUS_ERROR,		/* done with ERROR */
};

/**
 * struct dv_complete - DV_IOC_COMPLETE
 * @job_id:	a job this daemon received and has not finished
 * @status:	enum dv_status
 * @bytesused:	for DV_STATUS_HAS_PIXELS: bytes of picture in the CAPTURE
 *		buffer, at most the format's sizeimage
 */
struct dv_complete {
	__u64 job_id;
	__u32 status;
	__u32 bytesused;
};

#define DV_IOC_HELLO	_IOWR('D', 0x00, struct dv_hello)
#define DV_IOC_RECV	_IOWR('D', 0x01, struct dv_recv)
#define DV_IOC_COMPLETE	_IOW('D', 0x02, struct dv_complete)

#endif /* _DAEDALUS_V4L2_BRIDGE_H_ */
