// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bridge messages from the kernel (daemon/bridge/bridge.c dv_msg_validate()),
 * then what context.c's dispatch and a context's worker read from a
 * message that passed: the typed structure of each message, and for a
 * job its control records and bitstream, handed to the decode layer's
 * parsers as the backends do (H.264 access unit, VP9 header, VP8 frame,
 * AV1 control records). context.c itself starts threads and backends,
 * so its reads are repeated here; every message sits in a buffer of
 * exactly its size, so ASan catches any read validation should have
 * prevented.
 * dv_msg_validate() is also compared with a model of the rules of
 * daedalus_v4l2_bridge.h written here.
 *
 * Input: up to 16 messages, each u16 length then that many bytes (the
 * length is the size DV_IOC_RECV reported).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-controls.h>

#include "bridge/bridge.h"
#include "util/bytebuf.h"
#include "rebuild/ctrl_records.h"
#include "fuzz_common.h"
#include "rebuild/h264/h264_access_unit.h"
#include "rebuild/vp9/vp9_header.h"
#include "rebuild/vp8/vp8_frame.h"
#include "rebuild/mpeg2/mpeg2_rebuild.h"

#define MAX_MSGS	16

static int model_validate(const uint8_t *msg, size_t size)
{
	struct dv_msg_header hdr;
	struct dv_msg_job job;

	if (size < sizeof(hdr))
		return -1;
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.size != size)
		return -1;
	if (hdr.type >= DV_MSG_CTX_OPEN && hdr.type <= DV_MSG_FORMAT)
		return size == sizeof(struct dv_msg_ctx) ? 0 : -1;
	if (hdr.type == DV_MSG_BUF_RELEASE)
		return size == sizeof(struct dv_msg_buf_release) ? 0 : -1;
	if (hdr.type != DV_MSG_JOB || size < sizeof(job))
		return -1;
	memcpy(&job, msg, sizeof(job));
	if (job.ctrls_offset < sizeof(job) ||
	    (uint64_t)job.ctrls_offset + job.ctrls_size > size ||
	    (uint64_t)job.bitstream_offset + job.bitstream_size > size)
		return -1;
	return 0;
}

/* A worker's job: dv_context_run_job() and the backend's first steps. */
static int run_job(struct dv_h264_au_state *h264, const uint8_t *item_msg)
{
	struct dv_msg_job job;
	const uint8_t *ctrls, *bs;
	int ret = -EINVAL;

	memcpy(&job, item_msg, sizeof(job));
	ctrls = item_msg + job.ctrls_offset;
	bs = item_msg + job.bitstream_offset;
	switch (job.fmt.codec) {
	case DV_CODEC_ID_H264: {
		struct dv_h264_au_info info;
		struct dv_bytebuf au;

		dv_bytebuf_init(&au, 64);
		ret = dv_h264_au_build(h264, ctrls, job.ctrls_size, bs,
				       job.bitstream_size, &au, &info);
		dv_bytebuf_free(&au);
		break;
	}
	case DV_CODEC_ID_VP9: {
		struct dv_vp9_header hdr;
		struct v4l2_ctrl_vp9_frame frame;

		ret = dv_vp9_header_parse(bs, job.bitstream_size, &hdr);
		dv_ctrl_records_get(ctrls, job.ctrls_size,
				    V4L2_CID_STATELESS_VP9_FRAME, &frame,
				    sizeof(frame));
		break;
	}
	case DV_CODEC_ID_VP8: {
		struct v4l2_ctrl_vp8_frame frame;
		struct dv_vp8_header hdr;
		struct dv_bytebuf out;
		unsigned int disagree;
		int rebuilt, has;

		has = !dv_ctrl_records_get(ctrls, job.ctrls_size,
					   V4L2_CID_STATELESS_VP8_FRAME, &frame,
					   sizeof(frame));
		dv_bytebuf_init(&out, 64);
		ret = dv_vp8_frame_build(has ? &frame : NULL, bs,
					 job.bitstream_size, &out, &hdr,
					 &rebuilt, &disagree);
		dv_bytebuf_free(&out);
		break;
	}
	case DV_CODEC_ID_MPEG2: {
		struct dv_mpeg2_state st;
		struct dv_mpeg2_info info;
		struct dv_bytebuf pic;

		dv_mpeg2_forget(&st);
		dv_bytebuf_init(&pic, 64);
		ret = dv_mpeg2_build(&st, ctrls, job.ctrls_size, bs,
				     job.bitstream_size, job.timestamp, &pic, &info);
		dv_bytebuf_free(&pic);
		break;
	}
#ifdef DV_FUZZ_HAVE_AV1
	case DV_CODEC_ID_AV1: {
		struct v4l2_ctrl_av1_tile_group_entry entries[8];
		struct v4l2_ctrl_av1_sequence seq;
		size_t n = 0;

		ret = dv_ctrl_records_get(ctrls, job.ctrls_size,
					  V4L2_CID_STATELESS_AV1_SEQUENCE, &seq,
					  sizeof(seq));
		if (!ret)
			ret = dv_ctrl_records_get_array(ctrls, job.ctrls_size,
							V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
							sizeof(entries[0]), entries, 8, &n);
		FZ_ASSERT(n <= 8, "%zu entries", n);
		break;
	}
#endif
	default:
		break;
	}
	return ret == 0;
}

/* dv_contexts_dispatch()'s reads of one valid message. */
static int dispatch(struct dv_h264_au_state *h264, const uint8_t *msg,
		    size_t size)
{
	struct dv_msg_header hdr;
	struct dv_msg_ctx ctxmsg;
	struct dv_msg_buf_release rel;
	uint8_t *item;
	int ret;

	memcpy(&hdr, msg, sizeof(hdr));
	switch (hdr.type) {
	case DV_MSG_STREAM_ON:
		memcpy(&ctxmsg, msg, sizeof(ctxmsg));
		return ctxmsg.fmt.codec != 0;
	case DV_MSG_BUF_RELEASE:
		memcpy(&rel, msg, sizeof(rel));
		return 1;
	case DV_MSG_JOB:
		/* The queued item: a copy of the message, of its size. */
		item = malloc(size);
		if (!item)
			abort();
		memcpy(item, msg, size);
		ret = run_job(h264, item);
		free(item);
		return ret;
	default:
		return 1;
	}
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	struct dv_h264_au_state *h264 = calloc(1, sizeof(*h264));
	int accepted = 0, i;

	if (!h264)
		abort();
	for (i = 0; i < MAX_MSGS && in.n; i++) {
		size_t len;
		uint8_t *msg = fz_bytes(&in, fz_u16(&in), &len);
		int ret = dv_msg_validate(msg, len), want = model_validate(msg, len);

		FZ_ASSERT(ret == want, "validate %d, model %d", ret, want);
		if (!ret)
			accepted |= dispatch(h264, msg, len);
		free(msg);
	}
	free(h264);
	return accepted;
}

/* ---- seeds ------------------------------------------------------------- */

static void put_msg(struct dv_fuzz_out *o, const void *msg, size_t size)
{
	fz_put_u16(o, (uint16_t)size);
	fz_put(o, msg, size);
}

static void put_ctx(struct dv_fuzz_out *o, uint32_t type, uint32_t codec)
{
	struct dv_msg_ctx m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.size = sizeof(m);
	m.hdr.ctx_id = 3;
	m.fmt.codec = codec;
	m.fmt.bit_depth = 8;
	m.fmt.coded_width = m.fmt.capture_width = 320;
	m.fmt.coded_height = m.fmt.capture_height = 240;
	m.fmt.bytesperline = 320;
	m.fmt.sizeimage = 320 * 240 * 3 / 2;
	put_msg(o, &m, sizeof(m));
}

static void put_job(struct dv_fuzz_out *o, uint32_t codec,
		    const struct dv_fuzz_blk *ctrls, const uint8_t *bs,
		    size_t bs_size)
{
	struct dv_msg_job job;
	uint8_t *msg;
	size_t size = sizeof(job) + ctrls->size + bs_size;

	memset(&job, 0, sizeof(job));
	job.hdr.type = DV_MSG_JOB;
	job.hdr.size = (uint32_t)size;
	job.hdr.ctx_id = 3;
	job.job_id = 7;
	job.capture_cookie = 0x1000;
	job.capture_fd = 5;
	job.capture_size = 320 * 240 * 3 / 2;
	job.fmt.codec = codec;
	job.ctrls_offset = sizeof(job);
	job.ctrls_size = (uint32_t)ctrls->size;
	job.bitstream_offset = (uint32_t)(sizeof(job) + ctrls->size);
	job.bitstream_size = (uint32_t)bs_size;
	msg = malloc(size);
	if (!msg)
		abort();
	memcpy(msg, &job, sizeof(job));
	if (ctrls->size)
		memcpy(msg + sizeof(job), ctrls->buf, ctrls->size);
	memcpy(msg + sizeof(job) + ctrls->size, bs, bs_size);
	put_msg(o, msg, size);
	free(msg);
}

void dv_fuzz_seeds(void)
{
	static const uint8_t slice[] = { 0, 0, 1, 0x65, 0x88, 0x84, 0x21, 0xa0 };
	static const uint8_t vp9_key[] = { 0x82, 0x49, 0x83, 0x42, 0x00, 0x13, 0xf0 };
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	struct dv_msg_buf_release rel;
	struct dv_fuzz_blk blk = { 0 };
	struct dv_fuzz_out o = { 0 };
	struct dv_msg_header bad;

	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	sps.profile_idc = 66;
	sps.chroma_format_idc = 1;
	sps.pic_order_cnt_type = 2;
	sps.pic_width_in_mbs_minus1 = 19;
	sps.pic_height_in_map_units_minus1 = 14;
	sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
	fz_blk_add(&blk, V4L2_CID_STATELESS_H264_SPS, &sps, sizeof(sps));
	fz_blk_add(&blk, V4L2_CID_STATELESS_H264_PPS, &pps, sizeof(pps));

	/* A whole H.264 session. */
	put_ctx(&o, DV_MSG_CTX_OPEN, DV_CODEC_ID_H264);
	put_ctx(&o, DV_MSG_FORMAT, DV_CODEC_ID_H264);
	put_ctx(&o, DV_MSG_STREAM_ON, DV_CODEC_ID_H264);
	put_job(&o, DV_CODEC_ID_H264, &blk, slice, sizeof(slice));
	put_job(&o, DV_CODEC_ID_H264, &blk, slice, sizeof(slice));
	memset(&rel, 0, sizeof(rel));
	rel.hdr.type = DV_MSG_BUF_RELEASE;
	rel.hdr.size = sizeof(rel);
	rel.capture_cookie = 0x1000;
	put_msg(&o, &rel, sizeof(rel));
	put_ctx(&o, DV_MSG_STREAM_OFF, DV_CODEC_ID_H264);
	put_ctx(&o, DV_MSG_CTX_CLOSE, DV_CODEC_ID_H264);
	fz_out_seed(&o, "h264-session", 1);
	fz_blk_free(&blk);

	/* A VP9 job without controls. */
	put_ctx(&o, DV_MSG_STREAM_ON, DV_CODEC_ID_VP9);
	put_job(&o, DV_CODEC_ID_VP9, &blk, vp9_key, sizeof(vp9_key));
	fz_out_seed(&o, "vp9-job", 1);

	/* Refused: a header alone, a size that is not the message's. */
	memset(&bad, 0, sizeof(bad));
	bad.type = DV_MSG_JOB;
	bad.size = sizeof(bad);
	put_msg(&o, &bad, sizeof(bad));
	bad.type = DV_MSG_CTX_OPEN;
	bad.size = 1000;
	put_msg(&o, &bad, sizeof(bad));
	fz_out_seed(&o, "bad", 0);
}
