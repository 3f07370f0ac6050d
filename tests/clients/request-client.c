// SPDX-License-Identifier: BSD-2-Clause
/*
 * request-client: drives daedalus-v4l2 the way a stateless decoder client
 * does (formats, controls, requests, MMAP/DMABUF/EXPBUF buffers) and checks
 * the device's answers: refused values, derived CAPTURE formats, and that a
 * request with no daemon attached completes quickly with ERROR buffers that
 * carry the OUTPUT buffer's timestamp.
 *
 * usage: request-client [--only-requests] [--max-seconds S] [--flood N]
 *                       /dev/videoN /dev/mediaN
 *   --only-requests  skip the format and control checks
 *   --max-seconds S  how long an unanswered request may take to fail
 *                    (default 1: no daemon attached)
 *   --event-flood N  only this: S_FMT(OUTPUT), STREAMON, STREAMOFF N times
 *                    (what may wait for the daemon must stay bounded); then
 *                    print "flooded" and keep the device open until SIGTERM
 *   --flood N        only this: set a refused H.264 SPS N times, each must
 *                    fail with EINVAL (the caller counts the kernel log lines)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/media.h>
#include <linux/udmabuf.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "client-util.h"

static int failures;
static double max_seconds = 1.0;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s: ", ok ? "ok" : "FAIL");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	if (!ok)
		failures++;
}

static int set_output(int fd, unsigned int fourcc, unsigned int w, unsigned int h)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE };

	f.fmt.pix_mp.pixelformat = fourcc;
	f.fmt.pix_mp.width = w;
	f.fmt.pix_mp.height = h;
	f.fmt.pix_mp.num_planes = 1;
	f.fmt.pix_mp.colorspace = V4L2_COLORSPACE_BT2020;
	return xioctl(fd, VIDIOC_S_FMT, &f);
}

static struct v4l2_pix_format_mplane get_capture(int fd)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE };

	if (xioctl(fd, VIDIOC_G_FMT, &f))
		check(0, "G_FMT CAPTURE: %s", strerror(errno));
	return f.fmt.pix_mp;
}

/* A control value set outside a request must be refused with EINVAL. */
static void expect_refused(int fd, unsigned int id, void *value, size_t size, const char *what)
{
	check(set_ctrl(fd, -1, id, value, size) == EINVAL, "%s refused with EINVAL", what);
}

/* ... or taken. */
static void expect_accepted(int fd, unsigned int id, void *value, size_t size, const char *what)
{
	check(set_ctrl(fd, -1, id, value, size) == 0, "%s accepted", what);
}

/* An H.264 SPS the device takes: High, 4:2:0, 8-bit, 320x240. */
static const struct v4l2_ctrl_h264_sps valid_h264_sps = {
	.profile_idc = 100, .chroma_format_idc = 1,
	.pic_width_in_mbs_minus1 = 19, .pic_height_in_map_units_minus1 = 14,
	.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY,
};

/* VP8: 8-bit only, versions 0 to 3, sizes the frame tag can carry. */
static void test_refused_vp8(int fd)
{
	struct v4l2_ctrl_vp8_frame vp8 = {
		.width = 175, .height = 99, .num_dct_parts = 1,
		.first_part_size = 100,
		.flags = V4L2_VP8_FRAME_FLAG_KEY_FRAME | V4L2_VP8_FRAME_FLAG_SHOW_FRAME,
	};
	struct v4l2_ctrl_vp8_frame bad;
	struct v4l2_pix_format_mplane cap;

	check(set_output(fd, V4L2_PIX_FMT_VP8_FRAME, 175, 99) == 0, "S_FMT OUTPUT VP8_FRAME");
	cap = get_capture(fd);
	check(cap.pixelformat == V4L2_PIX_FMT_NV12 && cap.width == 176 && cap.height == 112,
	      "VP8 CAPTURE is NV12 at 16-aligned 176x112, whatever the last stream's depth");
	bad = vp8; bad.version = 4;
	expect_refused(fd, V4L2_CID_STATELESS_VP8_FRAME, &bad, sizeof(bad), "VP8 version 4");
	bad = vp8; bad.flags |= V4L2_VP8_FRAME_FLAG_EXPERIMENTAL;
	expect_refused(fd, V4L2_CID_STATELESS_VP8_FRAME, &bad, sizeof(bad), "VP8 experimental stream");
	bad = vp8; bad.horizontal_scale = 4;
	expect_refused(fd, V4L2_CID_STATELESS_VP8_FRAME, &bad, sizeof(bad), "VP8 horizontal_scale 4");
	bad = vp8; bad.width = 16384;
	expect_refused(fd, V4L2_CID_STATELESS_VP8_FRAME, &bad, sizeof(bad), "VP8 width 16384");
	bad = vp8; bad.num_dct_parts = 3;
	expect_refused(fd, V4L2_CID_STATELESS_VP8_FRAME, &bad, sizeof(bad), "VP8 3 token partitions");
	bad = vp8; bad.version = 3; bad.width = 0; bad.height = 0;
	check(set_ctrl(fd, -1, V4L2_CID_STATELESS_VP8_FRAME, &bad, sizeof(bad)) == 0,
	      "VP8 version 3 accepted, unsized outside a request");
	expect_accepted(fd, V4L2_CID_STATELESS_VP8_FRAME, &vp8, sizeof(vp8), "VP8 frame");
}

static int set_menu(int fd, unsigned int id, int32_t value)
{
	struct v4l2_ext_control c = { .id = id, .value = value };
	struct v4l2_ext_controls cs = { .count = 1, .controls = &c };

	return xioctl(fd, VIDIOC_S_EXT_CTRLS, &cs) ? errno : 0;
}

/* HEVC: Main and Main 10 4:2:0, frame-based with Annex-B start codes. */
static void test_refused_hevc(int fd)
{
	struct v4l2_ctrl_hevc_sps sps = {
		.pic_width_in_luma_samples = 352, .pic_height_in_luma_samples = 288,
		.log2_diff_max_min_luma_coding_block_size = 3, .chroma_format_idc = 1,
	};
	struct v4l2_ctrl_hevc_slice_params slices[2];
	struct v4l2_ctrl_hevc_sps bad;

	check(set_output(fd, V4L2_PIX_FMT_HEVC_SLICE, 352, 288) == 0, "S_FMT OUTPUT HEVC_SLICE");
	expect_accepted(fd, V4L2_CID_STATELESS_HEVC_SPS, &sps, sizeof(sps), "HEVC Main SPS");
	bad = sps; bad.chroma_format_idc = 2;
	expect_refused(fd, V4L2_CID_STATELESS_HEVC_SPS, &bad, sizeof(bad), "HEVC SPS chroma_format_idc 2 (4:2:2)");
	bad = sps; bad.chroma_format_idc = 3;
	expect_refused(fd, V4L2_CID_STATELESS_HEVC_SPS, &bad, sizeof(bad), "HEVC SPS chroma_format_idc 3 (4:4:4)");
	bad = sps; bad.bit_depth_luma_minus8 = bad.bit_depth_chroma_minus8 = 4;
	expect_refused(fd, V4L2_CID_STATELESS_HEVC_SPS, &bad, sizeof(bad), "HEVC SPS 12-bit");
	bad = sps; bad.bit_depth_luma_minus8 = 2;
	expect_refused(fd, V4L2_CID_STATELESS_HEVC_SPS, &bad, sizeof(bad), "HEVC SPS 10-bit luma with 8-bit chroma");
	memset(slices, 0, sizeof(slices));
	slices[1].slice_act_y_qp_offset = 2;
	expect_refused(fd, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, slices, sizeof(slices), "HEVC slice parameters with SCC ACT offsets");
	slices[1].slice_act_y_qp_offset = 0;
	expect_accepted(fd, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, slices, sizeof(slices), "two HEVC slice parameters");
	{
		uint32_t offsets[3] = { 1200, 70000, 3 };

		check(set_ctrl(fd, -1, V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS, offsets,
			       sizeof(offsets)) == 0, "three HEVC entry point offsets accepted");
	}
	check(set_menu(fd, V4L2_CID_STATELESS_HEVC_DECODE_MODE,
		       V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED) == EINVAL,
	      "HEVC slice-based decode mode refused with EINVAL");
	check(set_menu(fd, V4L2_CID_STATELESS_HEVC_START_CODE,
		       V4L2_STATELESS_HEVC_START_CODE_NONE) == EINVAL,
	      "HEVC without start codes refused with EINVAL");
	check(set_menu(fd, V4L2_CID_STATELESS_HEVC_DECODE_MODE,
		       V4L2_STATELESS_HEVC_DECODE_MODE_FRAME_BASED) == 0,
	      "HEVC frame-based decode mode accepted");
	bad = sps; bad.bit_depth_luma_minus8 = bad.bit_depth_chroma_minus8 = 2;
	expect_accepted(fd, V4L2_CID_STATELESS_HEVC_SPS, &bad, sizeof(bad), "HEVC Main 10 SPS");
	check(get_capture(fd).pixelformat == V4L2_PIX_FMT_P010, "Main 10 HEVC CAPTURE is P010");
	check(set_ctrl(fd, -1, V4L2_CID_STATELESS_HEVC_SPS, &sps, sizeof(sps)) == 0,
	      "HEVC Main SPS accepted again");
	check(get_capture(fd).pixelformat == V4L2_PIX_FMT_NV12, "Main HEVC CAPTURE is NV12");
}

static void test_refused_values(int fd)
{
	struct v4l2_ctrl_h264_sps sps = valid_h264_sps;
	struct v4l2_ctrl_vp9_frame vp9 = {
		.profile = 0, .bit_depth = 8,
		.flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING,
	};
	struct v4l2_ctrl_av1_sequence av1 = {
		.bit_depth = 8,
		.flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X | V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y,
	};
	struct v4l2_ctrl_h264_sps bad;
	struct v4l2_ctrl_vp9_frame bad9;
	struct v4l2_ctrl_av1_sequence bad1;
	struct v4l2_pix_format_mplane cap;

	check(set_output(fd, V4L2_PIX_FMT_H264_SLICE, 320, 240) == 0, "S_FMT OUTPUT H264_SLICE");
	expect_accepted(fd, V4L2_CID_STATELESS_H264_SPS, &sps, sizeof(sps), "H.264 High 4:2:0 8-bit SPS");
	bad = sps; bad.profile_idc = 244;
	expect_refused(fd, V4L2_CID_STATELESS_H264_SPS, &bad, sizeof(bad), "H.264 SPS profile_idc 244");
	bad = sps; bad.profile_idc = 110; bad.bit_depth_luma_minus8 = 2; bad.bit_depth_chroma_minus8 = 2;
	expect_refused(fd, V4L2_CID_STATELESS_H264_SPS, &bad, sizeof(bad), "H.264 SPS 10-bit");
	bad = sps; bad.chroma_format_idc = 3;
	expect_refused(fd, V4L2_CID_STATELESS_H264_SPS, &bad, sizeof(bad), "H.264 SPS chroma_format_idc 3");

	cap = get_capture(fd);
	check(cap.pixelformat == V4L2_PIX_FMT_NV12, "H.264 CAPTURE is NV12");
	check(cap.width == 320 && cap.height == 240, "CAPTURE size %ux%u follows OUTPUT 320x240",
	      cap.width, cap.height);
	check(cap.plane_fmt[0].bytesperline % 64 == 0, "CAPTURE stride %u is 64-byte aligned",
	      cap.plane_fmt[0].bytesperline);
	check(cap.plane_fmt[0].sizeimage >= cap.plane_fmt[0].bytesperline * cap.height * 3 / 2,
	      "CAPTURE sizeimage holds NV12");
	check(cap.colorspace == V4L2_COLORSPACE_BT2020, "colorimetry propagated to CAPTURE");

	check(set_output(fd, V4L2_PIX_FMT_H264_SLICE, 1000, 500) == 0, "S_FMT OUTPUT 1000x500");
	cap = get_capture(fd);
	check(cap.height % 16 == 0 && cap.width % 16 == 0, "H.264 CAPTURE %ux%u is macroblock aligned",
	      cap.width, cap.height);

	check(set_output(fd, V4L2_PIX_FMT_VP9_FRAME, 352, 288) == 0, "S_FMT OUTPUT VP9_FRAME");
	bad9 = vp9; bad9.profile = 1;
	expect_refused(fd, V4L2_CID_STATELESS_VP9_FRAME, &bad9, sizeof(bad9), "VP9 profile 1");
	bad9 = vp9; bad9.profile = 2; bad9.bit_depth = 12;
	expect_refused(fd, V4L2_CID_STATELESS_VP9_FRAME, &bad9, sizeof(bad9), "VP9 12-bit");
	bad9 = vp9; bad9.profile = 2; bad9.bit_depth = 10;
	expect_accepted(fd, V4L2_CID_STATELESS_VP9_FRAME, &bad9, sizeof(bad9), "VP9 profile 2 10-bit");
	cap = get_capture(fd);
	check(cap.pixelformat == V4L2_PIX_FMT_P010, "10-bit VP9 CAPTURE is P010");
	check(cap.plane_fmt[0].bytesperline >= 352 * 2, "P010 stride %u holds 16-bit samples",
	      cap.plane_fmt[0].bytesperline);
	expect_accepted(fd, V4L2_CID_STATELESS_VP9_FRAME, &vp9, sizeof(vp9), "VP9 profile 0");
	check(get_capture(fd).pixelformat == V4L2_PIX_FMT_NV12, "8-bit VP9 CAPTURE is NV12");

	check(set_output(fd, V4L2_PIX_FMT_AV1_FRAME, 352, 288) == 0, "S_FMT OUTPUT AV1_FRAME");
	bad1 = av1; bad1.bit_depth = 12;
	expect_refused(fd, V4L2_CID_STATELESS_AV1_SEQUENCE, &bad1, sizeof(bad1), "AV1 12-bit");
	bad1 = av1; bad1.seq_profile = 1; bad1.flags = 0;
	expect_refused(fd, V4L2_CID_STATELESS_AV1_SEQUENCE, &bad1, sizeof(bad1), "AV1 High profile (4:4:4)");
	bad1 = av1; bad1.flags |= V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME;
	expect_refused(fd, V4L2_CID_STATELESS_AV1_SEQUENCE, &bad1, sizeof(bad1), "AV1 monochrome");
	bad1 = av1; bad1.bit_depth = 10;
	expect_accepted(fd, V4L2_CID_STATELESS_AV1_SEQUENCE, &bad1, sizeof(bad1), "AV1 10-bit");
	check(get_capture(fd).pixelformat == V4L2_PIX_FMT_P010, "10-bit AV1 CAPTURE is P010");
	test_refused_vp8(fd);
	test_refused_hevc(fd);
}

/* MPEG-2: 4:2:0 Simple and Main profile only, no zero quantiser. */
static void test_refused_mpeg2(int fd)
{
	struct v4l2_ctrl_mpeg2_sequence seq = {
		.horizontal_size = 352, .vertical_size = 288,
		.vbv_buffer_size = 112 * 16 * 1024,
		.profile_and_level_indication = 0x48, .chroma_format = 1,
		.flags = V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE,
	};
	struct v4l2_ctrl_mpeg2_sequence bad;
	struct v4l2_ctrl_mpeg2_quantisation q;
	struct v4l2_pix_format_mplane cap;

	check(set_output(fd, V4L2_PIX_FMT_MPEG2_SLICE, 352, 288) == 0, "S_FMT OUTPUT MPEG2_SLICE");
	expect_accepted(fd, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &seq, sizeof(seq), "MPEG-2 Main profile 4:2:0 sequence");
	bad = seq; bad.chroma_format = 2;
	expect_refused(fd, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &bad, sizeof(bad), "MPEG-2 sequence chroma_format 2 (4:2:2)");
	bad = seq; bad.profile_and_level_indication = 0x85;
	expect_refused(fd, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &bad, sizeof(bad), "MPEG-2 4:2:2 profile (escape 0x85)");
	bad = seq; bad.profile_and_level_indication = 0x14;
	expect_refused(fd, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &bad, sizeof(bad), "MPEG-2 High profile");
	bad = seq; bad.profile_and_level_indication = 0x58;
	expect_accepted(fd, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &bad, sizeof(bad), "MPEG-2 Simple profile");
	memset(&q, 16, sizeof(q));
	expect_accepted(fd, V4L2_CID_STATELESS_MPEG2_QUANTISATION, &q, sizeof(q), "MPEG-2 flat quantiser matrices");
	q.non_intra_quantiser_matrix[9] = 0;
	expect_refused(fd, V4L2_CID_STATELESS_MPEG2_QUANTISATION, &q, sizeof(q), "MPEG-2 zero quantiser");
	check(set_output(fd, V4L2_PIX_FMT_MPEG2_SLICE, 175, 99) == 0, "S_FMT OUTPUT MPEG2_SLICE 175x99");
	cap = get_capture(fd);
	check(cap.pixelformat == V4L2_PIX_FMT_NV12 && cap.width == 176 && cap.height == 112,
	      "MPEG-2 175x99 CAPTURE is NV12 176x112 (%ux%u)", cap.width, cap.height);
}

static int reqbufs(int fd, unsigned int type, unsigned int memory, unsigned int count)
{
	struct v4l2_requestbuffers rb = { .count = count, .type = type, .memory = memory };

	if (xioctl(fd, VIDIOC_REQBUFS, &rb))
		return -1;
	return rb.count;
}

static volatile sig_atomic_t terminated;

static void on_term(int sig)
{
	(void)sig;
	terminated = 1;
}

/* Buffer sizes, payloads and formats a client chooses: bounded. */
static void test_limits(int fd)
{
	const unsigned int out_t = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	const unsigned int cap_t = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	struct v4l2_ctrl_vp9_frame unsized = {
		.frame_width_minus_1 = 65535, .frame_height_minus_1 = 65535,
		.bit_depth = 8,
		.flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING,
	};
	struct v4l2_create_buffers cb = { .memory = V4L2_MEMORY_MMAP, .count = 1 };
	struct v4l2_format f = { .type = out_t };
	static const unsigned long long huge[] = { 256ull << 20, 1ull << 30, 0xfffff000ull };
	struct v4l2_plane plane = { 0 };
	struct v4l2_buffer b = { 0 };

	/* What FFmpeg sets when it opens a VP9 decoder: sizes come later. */
	check(set_output(fd, V4L2_PIX_FMT_VP9_FRAME, 176, 144) == 0, "S_FMT OUTPUT VP9F");
	check(set_ctrl(fd, -1, V4L2_CID_STATELESS_VP9_FRAME, &unsized, sizeof(unsized)) == 0,
	      "a VP9 frame not sized yet (65536x65536) is accepted outside a request");

	check(set_output(fd, V4L2_PIX_FMT_H264_SLICE, 320, 240) == 0, "S_FMT OUTPUT H264_SLICE");
	f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_H264_SLICE;
	f.fmt.pix_mp.width = 320;
	f.fmt.pix_mp.height = 240;
	f.fmt.pix_mp.num_planes = 1;
	f.fmt.pix_mp.plane_fmt[0].sizeimage = 1u << 30;
	check(xioctl(fd, VIDIOC_S_FMT, &f) == 0 &&
	      f.fmt.pix_mp.plane_fmt[0].sizeimage <= 4096 * 2304 * 3 / 2,
	      "S_FMT OUTPUT asking 1 GiB gets at most the largest picture's size (%u)",
	      f.fmt.pix_mp.plane_fmt[0].sizeimage);
	for (unsigned int i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		for (unsigned int t = 0; t < 2; t++) {
			cb.format.type = t ? cap_t : out_t;
			xioctl(fd, VIDIOC_G_FMT, &cb.format);
			cb.format.fmt.pix_mp.plane_fmt[0].sizeimage = (uint32_t)huge[i];
			cb.count = 1;
			check(xioctl(fd, VIDIOC_CREATE_BUFS, &cb) && errno == EINVAL,
			      "CREATE_BUFS %s with a %llu-byte plane refused with EINVAL",
			      t ? "CAPTURE" : "OUTPUT", huge[i]);
		}
	}

	/* A new size while OUTPUT has buffers but is not streaming (resolution change). */
	check(reqbufs(fd, out_t, V4L2_MEMORY_MMAP, 1) == 1, "REQBUFS OUTPUT 1");
	check(set_output(fd, V4L2_PIX_FMT_H264_SLICE, 176, 144) == 0,
	      "S_FMT OUTPUT to a new size with OUTPUT buffers, not streaming");
	check(set_output(fd, V4L2_PIX_FMT_VP9_FRAME, 176, 144) && errno == EBUSY,
	      "S_FMT OUTPUT to another codec with OUTPUT buffers refused with EBUSY");

	/* Payloads: within the plane, data_offset inside the payload. */
	b.type = out_t;
	b.memory = V4L2_MEMORY_MMAP;
	b.index = 0;
	b.length = 1;
	b.m.planes = &plane;
	check(xioctl(fd, VIDIOC_QUERYBUF, &b) == 0, "QUERYBUF OUTPUT 0");
	plane.bytesused = plane.length + 1;
	plane.data_offset = 0;
	check(xioctl(fd, VIDIOC_PREPARE_BUF, &b) && errno == EINVAL,
	      "an OUTPUT payload past the plane refused with EINVAL");
	plane.bytesused = 100;
	plane.data_offset = 100;
	check(xioctl(fd, VIDIOC_PREPARE_BUF, &b) && errno == EINVAL,
	      "an OUTPUT data_offset at the payload's end refused with EINVAL");
	check(reqbufs(fd, out_t, V4L2_MEMORY_MMAP, 0) == 0, "REQBUFS OUTPUT 0");
}

/*
 * A client that keeps changing format and starting and stopping its
 * stream: each call is a context event for the daemon, which must stay
 * bounded (coalesced) however slow the daemon is.
 */
static void test_event_flood(int fd, long n)
{
	unsigned int out_t = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	long i, ok = 0;

	check(set_output(fd, V4L2_PIX_FMT_H264_SLICE, 320, 240) == 0, "S_FMT OUTPUT H264_SLICE");
	check(reqbufs(fd, out_t, V4L2_MEMORY_MMAP, 1) == 1, "REQBUFS OUTPUT 1");
	for (i = 0; i < n; i++)
		ok += !set_output(fd, V4L2_PIX_FMT_H264_SLICE, i & 1 ? 320 : 352, 240) &&
		      !xioctl(fd, VIDIOC_STREAMON, &out_t) &&
		      !xioctl(fd, VIDIOC_STREAMOFF, &out_t);
	check(ok == n, "%ld of %ld S_FMT/STREAMON/STREAMOFF rounds succeeded", ok, n);
	/* Open still: the caller looks at what waits for the daemon. */
	printf("flooded\n");
	fflush(stdout);
	signal(SIGTERM, on_term);
	while (!terminated)
		pause();
}

/* A client hammering the device with a value it refuses. */
static void test_flood(int fd, long n)
{
	struct v4l2_ctrl_h264_sps bad = valid_h264_sps;
	long i, refused = 0;

	bad.profile_idc = 244;

	check(set_output(fd, V4L2_PIX_FMT_H264_SLICE, 320, 240) == 0, "S_FMT OUTPUT H264_SLICE");
	for (i = 0; i < n; i++)
		refused += set_ctrl(fd, -1, V4L2_CID_STATELESS_H264_SPS, &bad, sizeof(bad)) == EINVAL;
	check(refused == n, "%ld of %ld H.264 SPS with profile_idc 244 refused with EINVAL",
	      refused, n);
}

/* A dmabuf of @size bytes from udmabuf, or -1. */
static int make_dmabuf(size_t size)
{
	struct udmabuf_create create = { 0 };
	int dev, memfd, buf;

	size = (size + 4095) & ~(size_t)4095;
	dev = open("/dev/udmabuf", O_RDWR);
	memfd = memfd_create("request-client", MFD_ALLOW_SEALING);
	if (dev < 0 || memfd < 0 || ftruncate(memfd, size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		check(0, "udmabuf setup: %s", strerror(errno));
		return -1;
	}
	create.memfd = memfd;
	create.size = size;
	buf = xioctl(dev, UDMABUF_CREATE, &create);
	close(memfd);
	close(dev);
	return buf;
}

static int queue(int fd, unsigned int type, unsigned int memory, unsigned int index,
		 int dmabuf, unsigned int bytesused, int request_fd, unsigned long long ts_us)
{
	struct v4l2_plane plane = { .bytesused = bytesused };
	struct v4l2_buffer b = {
		.type = type, .memory = memory, .index = index,
		.m.planes = &plane, .length = 1,
	};

	if (memory == V4L2_MEMORY_DMABUF) {
		/* vb2 checks bytesused against the length the client gives. */
		plane.m.fd = dmabuf;
		plane.length = lseek(dmabuf, 0, SEEK_END);
	}
	if (request_fd >= 0) {
		b.flags = V4L2_BUF_FLAG_REQUEST_FD;
		b.request_fd = request_fd;
	}
	b.timestamp.tv_sec = ts_us / 1000000;
	b.timestamp.tv_usec = ts_us % 1000000;
	return xioctl(fd, VIDIOC_QBUF, &b) ? errno : 0;
}

static int dequeue(int fd, unsigned int type, unsigned int memory, struct v4l2_buffer *b,
		   struct v4l2_plane *plane)
{
	memset(b, 0, sizeof(*b));
	b->type = type;
	b->memory = memory;
	b->m.planes = plane;
	b->length = 1;
	return xioctl(fd, VIDIOC_DQBUF, b) ? errno : 0;
}

/*
 * One decode request with the given memory types. Without a daemon the
 * device must answer with ERROR buffers, quickly, timestamps preserved.
 */
static void test_request(const char *video, int media, unsigned int out_mem, unsigned int cap_mem)
{
	const unsigned int out_t = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	const unsigned int cap_t = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	const char *mem_name[] = { [V4L2_MEMORY_MMAP] = "MMAP", [V4L2_MEMORY_DMABUF] = "DMABUF" };
	struct v4l2_ctrl_h264_sps sps = {
		.profile_idc = 66, .chroma_format_idc = 1,
		.pic_width_in_mbs_minus1 = 19, .pic_height_in_map_units_minus1 = 14,
		.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY,
	};
	struct v4l2_ctrl_h264_pps pps = { 0 };
	struct v4l2_ctrl_h264_decode_params dp = { .flags = V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC };
	struct v4l2_format of = { .type = out_t };
	struct v4l2_pix_format_mplane cap;
	struct v4l2_buffer b;
	struct v4l2_plane plane;
	int fd, req, out_buf = -1, cap_buf = -1, type, r;
	struct pollfd pfd;
	double t0;

	printf("--- request with OUTPUT %s, CAPTURE %s\n", mem_name[out_mem], mem_name[cap_mem]);
	fd = open(video, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		check(0, "open %s: %s", video, strerror(errno));
		return;
	}
	set_output(fd, V4L2_PIX_FMT_H264_SLICE, 320, 240);
	xioctl(fd, VIDIOC_G_FMT, &of);
	cap = get_capture(fd);

	check(reqbufs(fd, out_t, out_mem, 1) >= 1, "REQBUFS OUTPUT %s", mem_name[out_mem]);
	check(reqbufs(fd, cap_t, cap_mem, 1) >= 1, "REQBUFS CAPTURE %s", mem_name[cap_mem]);
	if (out_mem == V4L2_MEMORY_DMABUF)
		out_buf = make_dmabuf(of.fmt.pix_mp.plane_fmt[0].sizeimage);
	if (cap_mem == V4L2_MEMORY_DMABUF)
		cap_buf = make_dmabuf(cap.plane_fmt[0].sizeimage);
	if (cap_mem == V4L2_MEMORY_MMAP) {
		struct v4l2_exportbuffer eb = { .type = cap_t, .index = 0, .plane = 0,
						.flags = O_RDWR | O_CLOEXEC };

		check(xioctl(fd, VIDIOC_EXPBUF, &eb) == 0 && eb.fd >= 0,
		      "EXPBUF on a CAPTURE buffer gives a dmabuf");
		if (eb.fd >= 0) {
			void *p = mmap(NULL, cap.plane_fmt[0].sizeimage, PROT_READ,
				       MAP_SHARED, eb.fd, 0);

			check(p != MAP_FAILED, "the exported CAPTURE dmabuf can be mapped");
			if (p != MAP_FAILED)
				munmap(p, cap.plane_fmt[0].sizeimage);
			close(eb.fd);
		}
	}

	type = out_t;
	check(xioctl(fd, VIDIOC_STREAMON, &type) == 0, "STREAMON OUTPUT");
	type = cap_t;
	check(xioctl(fd, VIDIOC_STREAMON, &type) == 0, "STREAMON CAPTURE");

	/* A request without controls is refused when queued. */
	check(xioctl(media, MEDIA_IOC_REQUEST_ALLOC, &req) == 0, "MEDIA_IOC_REQUEST_ALLOC");
	r = queue(fd, out_t, out_mem, 0, out_buf, 1000, req, 0);
	check(r == 0, "QBUF OUTPUT in request (%s)", strerror(r));
	r = xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL) ? errno : 0;
	check(r == ENOENT, "request without controls refused (%s)", strerror(r));
	close(req);
	/* The refused request's buffer is still bound to it: start over. */
	type = out_t;
	xioctl(fd, VIDIOC_STREAMOFF, &type);
	xioctl(fd, VIDIOC_STREAMON, &type);

	/* A request with controls but no buffer is refused too. */
	xioctl(media, MEDIA_IOC_REQUEST_ALLOC, &req);
	set_ctrl(fd, req, V4L2_CID_STATELESS_H264_DECODE_PARAMS, &dp, sizeof(dp));
	r = xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL) ? errno : 0;
	check(r == ENOENT, "request without a buffer refused (%s)", strerror(r));
	close(req);

	xioctl(media, MEDIA_IOC_REQUEST_ALLOC, &req);
	check(set_ctrl(fd, req, V4L2_CID_STATELESS_H264_SPS, &sps, sizeof(sps)) == 0 &&
	      set_ctrl(fd, req, V4L2_CID_STATELESS_H264_PPS, &pps, sizeof(pps)) == 0 &&
	      set_ctrl(fd, req, V4L2_CID_STATELESS_H264_DECODE_PARAMS, &dp, sizeof(dp)) == 0,
	      "controls set in the request");
	r = queue(fd, out_t, out_mem, 0, out_buf, 1000, req, 42000042);
	check(r == 0, "QBUF OUTPUT in request (%s)", strerror(r));
	r = queue(fd, cap_t, cap_mem, 0, cap_buf, 0, -1, 0);
	check(r == 0, "QBUF CAPTURE (%s)", strerror(r));
	t0 = now();
	check(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL) == 0, "MEDIA_REQUEST_IOC_QUEUE");
	pfd.fd = req;
	pfd.events = POLLPRI;
	r = poll(&pfd, 1, (int)(max_seconds * 2000));
	check(r == 1, "request completed (after %.3f s)", now() - t0);
	check(now() - t0 < max_seconds, "the request fails in under %.1f s", max_seconds);

	/*
	 * Clients (GStreamer) dequeue CAPTURE as soon as the request is
	 * done: it must be ready then, without waiting (fd is O_NONBLOCK).
	 */
	r = dequeue(fd, cap_t, cap_mem, &b, &plane);
	check(r == 0, "CAPTURE ready when the request completes (%s)", strerror(r));
	check(r == 0 && (b.flags & V4L2_BUF_FLAG_ERROR), "CAPTURE buffer returned with ERROR");
	check(b.timestamp.tv_sec == 42 && b.timestamp.tv_usec == 42,
	      "CAPTURE carries the OUTPUT timestamp (%ld.%06ld)",
	      (long)b.timestamp.tv_sec, (long)b.timestamp.tv_usec);
	r = dequeue(fd, out_t, out_mem, &b, &plane);
	check(r == 0 && (b.flags & V4L2_BUF_FLAG_ERROR), "OUTPUT buffer returned with ERROR");
	close(req);

	type = out_t;
	xioctl(fd, VIDIOC_STREAMOFF, &type);
	type = cap_t;
	xioctl(fd, VIDIOC_STREAMOFF, &type);
	if (out_buf >= 0)
		close(out_buf);
	if (cap_buf >= 0)
		close(cap_buf);
	close(fd);
}

int main(int argc, char **argv)
{
	int fd, media, only_requests = 0, i = 1;
	long flood = 0, event_flood = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--only-requests"))
			only_requests = 1;
		else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc)
			max_seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--flood") && i + 1 < argc)
			flood = atol(argv[++i]);
		else if (!strcmp(argv[i], "--event-flood") && i + 1 < argc)
			event_flood = atol(argv[++i]);
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: %s [--only-requests] [--max-seconds S] [--flood N] [--event-flood N] /dev/videoN /dev/mediaN\n",
			argv[0]);
		return 2;
	}
	fd = open(argv[i], O_RDWR);
	media = open(argv[i + 1], O_RDWR);
	if (fd < 0 || media < 0) {
		perror("open");
		return 2;
	}
	if (flood || event_flood) {
		if (flood)
			test_flood(fd, flood);
		else
			test_event_flood(fd, event_flood);
		printf("%d failed\n", failures);
		return failures ? 1 : 0;
	}
	if (!only_requests) {
		test_refused_values(fd);
		test_refused_mpeg2(fd);
		close(fd);
		fd = open(argv[i], O_RDWR);
		test_limits(fd);
	}
	close(fd);

	test_request(argv[i], media, V4L2_MEMORY_MMAP, V4L2_MEMORY_MMAP);
	test_request(argv[i], media, V4L2_MEMORY_DMABUF, V4L2_MEMORY_DMABUF);
	close(media);

	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
