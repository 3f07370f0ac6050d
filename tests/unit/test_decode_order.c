// SPDX-License-Identifier: BSD-2-Clause
/*
 * The key property of the libavcodec backend: each request, given in
 * decode order, yields exactly its own picture.
 *
 * A synthetic moving, fading pattern is encoded with libx264 (B-pyramid,
 * weighted prediction, several references, custom scaling matrices,
 * MBAFF, Baseline), split into requests as a V4L2 client would send them
 * (slices only; SPS/PPS/scaling matrix turned into controls by the tests'
 * own parser), and decoded through dv_backend_lavc one request at a time.
 * Every request must return a picture, and the picture of the request with
 * timestamp T must be byte-identical to the frame a plain libavcodec
 * decode of the same stream outputs with timestamp T (display order).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <linux/videodev2.h>

#include "backend/backend.h"
#include "check.h"
#include "ctrl_builder.h"
#include "h264_test_parse.h"
#include "lavc_test_stream.h"
#include "util/log.h"

DV_TEST_DEFINE_FAILURES;

/* tests/unit/make_h264_jobs.c includes this file at another size. */
#ifndef WIDTH
#define WIDTH		200	/* not a multiple of 16: the SPS crops */
#define HEIGHT		120
#define CAP_WIDTH	208
#define CAP_HEIGHT	128
#define CAP_STRIDE	256
#endif

struct stream_config {
	const char *name;
	const char *profile;
	int b_frames;
	int refs;
	int frames;
	int no_start_code;	/* V4L2_STATELESS_H264_START_CODE_NONE */
	const char *x264_params;
	/* What the stream must use, or the test proves less than it says. */
	uint32_t sps_flags;
	uint32_t pps_flags;
	/* Drop two reference pictures after this many packets, so the next
	 * one has a frame_num gap (0: drop nothing). */
	size_t drop_ref_after;
};

/* 16 and 64 values, comma-separated, all different in each list: a list
 * applied transposed or in the wrong order changes the pictures. */
static void cqm_list(char *out, size_t cap, unsigned int n, unsigned int seed)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n * n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%u", i ? "," : "",
					6 + (i * 7 + seed * 5 + (i % n) * 3) % 50);
}

static void fill_frame(AVFrame *f, int t, const void *unused)
{
	/* Fade to dark and back around frame 20 for weighted prediction. */
	int fade = t >= 16 && t < 32 ? 256 - 12 * (t < 24 ? t - 16 : 32 - t) : 256;
	uint32_t noise = 0x9e3779b9u * (uint32_t)(t + 1);
	int x, y;

	(void)unused;
	for (y = 0; y < HEIGHT; y++)
		for (x = 0; x < WIDTH; x++) {
			int v = ((x + 3 * t) * 2 + (y + t)) & 0xff;
			int box = x >= 40 + 2 * t % 120 && x < 70 + 2 * t % 120 &&
				  y >= 30 + t % 50 && y < 60 + t % 50;

			noise = noise * 1103515245u + 12345u;
			v = box ? 235 - v / 4 : v;
			v = v * fade / 256 + (int)(noise >> 29) - 4;
			f->data[0][y * f->linesize[0] + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	for (y = 0; y < HEIGHT / 2; y++)
		for (x = 0; x < WIDTH / 2; x++) {
			f->data[1][y * f->linesize[1] + x] = (uint8_t)(128 + ((x - t) & 63) - 32);
			f->data[2][y * f->linesize[2] + x] = (uint8_t)(128 + ((y + 2 * t) & 31) - 16);
		}
}

/* Encodes cfg's stream; 0, or -1 on a setup failure. */
static int encode(const struct stream_config *cfg, struct t_stream *s)
{
	AVCodecContext *enc = avcodec_alloc_context3(avcodec_find_encoder_by_name("libx264"));
	int ret;

	enc->width = WIDTH;
	enc->height = HEIGHT;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, 25 };
	enc->max_b_frames = cfg->b_frames;
	enc->refs = cfg->refs;
	enc->gop_size = 30;
	enc->thread_count = 1;
	av_opt_set(enc->priv_data, "preset", "fast", 0);
	av_opt_set(enc->priv_data, "profile", cfg->profile, 0);
	av_opt_set(enc->priv_data, "x264-params", cfg->x264_params, 0);
	ret = t_encode(enc, cfg->name, cfg->frames, fill_frame, NULL, s);
	avcodec_free_context(&enc);
	return ret;
}

static const struct dv_format capture_format = {
	.codec = DV_CODEC_ID_H264,
	.bit_depth = 8,
	.coded_width = WIDTH,
	.coded_height = HEIGHT,
	.capture_fourcc = V4L2_PIX_FMT_NV12,
	.capture_width = CAP_WIDTH,
	.capture_height = CAP_HEIGHT,
	.bytesperline = CAP_STRIDE,
	.sizeimage = CAP_STRIDE * (CAP_HEIGHT + CAP_HEIGHT / 2),
};

/* Equal over the picture (not the line padding)? */
static int same_picture(const uint8_t *a, const uint8_t *b)
{
	return t_same_picture(&capture_format, CAP_WIDTH, CAP_HEIGHT, a, b);
}

/* The plain display-order decode: picture of each pts, in NV12. */
static int reference_decode(const struct t_stream *s, uint8_t **by_pts, int frames)
{
	AVCodecContext *dec = avcodec_alloc_context3(avcodec_find_decoder_by_name("h264"));
	int out;

	dec->apply_cropping = 0;
	/* Every picture, also those after a gap, as our requests get them. */
	dec->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
	dec->flags2 |= AV_CODEC_FLAG2_SHOW_ALL;
	out = t_reference_decode(dec, s, &capture_format, by_pts, (size_t)frames,
				 T_REF_CAPTURE_SIZE);
	avcodec_free_context(&dec);
	return out;
}

/* The request of one packet: controls from the stream's parameter sets,
 * and its slices. Returns 0, or -1 if the packet has no slice. */
static int make_request(const struct stream_config *cfg, const struct t_packet *p,
			struct t_sps *sps, struct t_pps *pps, struct t_request *req)
{
	struct v4l2_ctrl_h264_decode_params decode;
	int32_t start_code = cfg->no_start_code ?
			     V4L2_STATELESS_H264_START_CODE_NONE :
			     V4L2_STATELESS_H264_START_CODE_ANNEX_B;
	const uint8_t *nal;
	size_t pos = 0, nal_size;
	unsigned int slices = 0;

	req->size = 0;
	req->bitstream = realloc(req->bitstream, p->size + 64);
	while (t_next_nal(p->data, p->size, &pos, &nal, &nal_size)) {
		unsigned int type = nal[0] & 0x1f;

		if (type == 7)
			CHECK(t_parse_sps_nal(nal, nal_size, sps) == 0, "%s: SPS", cfg->name);
		else if (type == 8)
			CHECK(t_parse_pps_nal(nal, nal_size, sps, pps) == 0, "%s: PPS", cfg->name);
		if (type != 1 && type != 5)
			continue;
		/* Mixed 3- and 4-byte start codes, as clients vary. */
		if (!cfg->no_start_code) {
			static const uint8_t sc[4] = { 0, 0, 0, 1 };
			size_t len = slices % 2 ? 3 : 4;

			memcpy(req->bitstream + req->size, sc + 4 - len, len);
			req->size += len;
		}
		memcpy(req->bitstream + req->size, nal, nal_size);
		req->size += nal_size;
		slices++;
	}
	if (!slices || (cfg->no_start_code && slices != 1))
		return -1;
	memset(&decode, 0, sizeof(decode));
	dv_ctrl_builder_init(&req->ctrls);
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_H264_SPS, &sps->v4l2,
			    sizeof(sps->v4l2));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_H264_PPS, &pps->v4l2,
			    sizeof(pps->v4l2));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_H264_SCALING_MATRIX,
			    &pps->matrix, sizeof(pps->matrix));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_H264_DECODE_PARAMS,
			    &decode, sizeof(decode));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_H264_START_CODE,
			    &start_code, sizeof(start_code));
	return 0;
}

static int decode_request(struct dv_decoder *dec, const struct t_request *req,
			  uint8_t *capture)
{
	return t_decode_request(dec, &capture_format, req, 0, capture);
}

static int is_reference_p(const struct t_packet *p)
{
	const uint8_t *nal;
	size_t pos = 0, size;
	int reference_p = 0;

	/* A non-IDR slice with nal_ref_idc != 0. */
	while (t_next_nal(p->data, p->size, &pos, &nal, &size))
		reference_p |= (nal[0] & 0x1f) == 1 && (nal[0] & 0x60);
	return reference_p;
}

/*
 * Removes two reference pictures in a row (with B-pyramid: a P and the
 * B it anchors): the request after them has a frame_num gap, for which
 * libavcodec allocates a concealment picture before the request's own.
 * (One lost reference is not enough: libavcodec compares frame_num with
 * the previous picture's, reference or not.) The reference decode gets
 * the same stream, so it conceals the same way.
 */
static void drop_reference_pictures(const struct stream_config *cfg,
				    struct t_stream *s)
{
	size_t i;

	for (i = cfg->drop_ref_after; i + 1 < s->count; i++) {
		if (!is_reference_p(&s->packets[i]) ||
		    !is_reference_p(&s->packets[i + 1]))
			continue;
		fprintf(stderr, "%s: dropping packets %zu, %zu (pts %lld, %lld)\n",
			cfg->name, i, i + 1, (long long)s->packets[i].pts,
			(long long)s->packets[i + 1].pts);
		t_stream_remove(s, i, 2);
		return;
	}
	CHECK(0, "%s: no reference pictures to drop", cfg->name);
}

static void run_stream(const struct stream_config *cfg)
{
	struct t_stream s = { 0 };
	struct t_sps sps;
	struct t_pps pps;
	struct t_request req = { 0 };
	uint8_t **ref = calloc((size_t)cfg->frames, sizeof(*ref));
	uint8_t *capture = malloc(capture_format.sizeimage);
	struct dv_decoder *dec;
	unsigned int matched = 0, gop = 0;
	size_t i;
	int refs;

	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	if (encode(cfg, &s) || (int)s.count != cfg->frames) {
		CHECK(0, "%s: encoding gave %zu packets", cfg->name, s.count);
		goto out;
	}
	if (cfg->drop_ref_after)
		drop_reference_pictures(cfg, &s);
	refs = reference_decode(&s, ref, cfg->frames);
	CHECK(refs == (int)s.count, "%s: reference decode gave %d frames", cfg->name, refs);

	dec = dv_backend_lavc.create(DV_CODEC_ID_H264);
	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	CHECK(dec != NULL, "%s: create", cfg->name);
	if (!dec)
		goto out;
	for (i = 0; i < s.count; i++) {
		const struct t_packet *p = &s.packets[i];
		int ret;

		if (make_request(cfg, p, &sps, &pps, &req)) {
			CHECK(0, "%s: packet %zu has no usable slice", cfg->name, i);
			continue;
		}
		CHECK((sps.v4l2.flags & cfg->sps_flags) == cfg->sps_flags &&
		      (pps.v4l2.flags & cfg->pps_flags) == cfg->pps_flags,
		      "%s: stream lacks a feature (SPS flags 0x%x, PPS flags 0x%x)",
		      cfg->name, sps.v4l2.flags, pps.v4l2.flags);
		ret = decode_request(dec, &req, capture);
		CHECK(ret == 0, "%s: request %zu (pts %lld): %d", cfg->name, i,
		      (long long)p->pts, ret);
		if (ret || p->pts < 0 || p->pts >= cfg->frames || !ref[p->pts])
			continue;
		if (same_picture(capture, ref[p->pts]))
			matched++;
		else
			CHECK(0, "%s: request %zu (pts %lld): picture differs from the reference",
			      cfg->name, i, (long long)p->pts);
	}
	fprintf(stderr, "%s: %u/%zu pictures identical to the display-order decode\n",
		cfg->name, matched, s.count);
	CHECK_EQ(matched, s.count);

	/* A broken request: an error (or a concealed picture), and the
	 * decoder stays usable; a request without PPS: refused. */
	dv_backend_lavc.reset(dec);
	make_request(cfg, &s.packets[0], &sps, &pps, &req);
	for (i = cfg->no_start_code ? 1 : 5; i < req.size; i++)
		req.bitstream[i] = (uint8_t)(i * 151 + 7) | 0x10;
	decode_request(dec, &req, capture);
	dv_ctrl_builder_init(&req.ctrls);
	CHECK_EQ(decode_request(dec, &req, capture), -EINVAL);

	/* After a reset (a seek), decoding restarts from the first GOP. */
	dv_backend_lavc.reset(dec);
	for (i = 0; i < s.count && gop < 2; i++) {
		const struct t_packet *p = &s.packets[i];

		make_request(cfg, p, &sps, &pps, &req);
		CHECK(decode_request(dec, &req, capture) == 0 &&
		      same_picture(capture, ref[p->pts]),
		      "%s: after reset, request %zu", cfg->name, i);
		gop += p->data && i && (req.bitstream[cfg->no_start_code ? 0 : 4] & 0x1f) == 5;
	}
	dv_backend_lavc.destroy(dec);
out:
	for (i = 0; i < (size_t)cfg->frames; i++)
		free(ref[i]);
	free(ref);
	free(capture);
	free(req.bitstream);
	t_stream_free(&s);
}

int main(void)
{
	char params[4096], l4iy[256], l4ic[256], l4py[256], l4pc[256],
	     l8i[1024], l8p[1024];
	const uint32_t high_pps = V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE |
				  V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT |
				  V4L2_H264_PPS_FLAG_WEIGHTED_PRED |
				  V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE;
	struct stream_config configs[] = {
		{ "high: B-pyramid, weighted, 2 slices, custom matrices", "high",
		  3, 4, 60, 0, params, 0, high_pps, 0 },
		{ "high: as above, two reference pictures lost (frame_num gap)", "high",
		  3, 4, 60, 0, params, 0, high_pps, 10 },
		{ "main: MBAFF, B-frames", "main", 2, 3, 40, 0,
		  "interlaced=1:b-pyramid=normal:weightb=1:keyint=30:scenecut=0",
		  V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD,
		  V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE, 0 },
		{ "baseline: no start code, POC type 2", "baseline", 0, 2, 40, 1,
		  "keyint=20:scenecut=0", V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY, 0, 0 },
	};
	size_t i;

	if (getenv("DV_TEST_DEBUG"))
		dv_log_max = DV_LOG_DEBUG;
	if (!avcodec_find_encoder_by_name("libx264")) {
		fprintf(stderr, "libx264 encoder not available: skipped\n");
		return DV_TEST_SKIP;
	}
	if (dv_backend_lavc.load()) {
		fprintf(stderr, "the backend cannot load libavcodec\n");
		return 1;
	}
	cqm_list(l4iy, sizeof(l4iy), 4, 1);
	cqm_list(l4ic, sizeof(l4ic), 4, 2);
	cqm_list(l4py, sizeof(l4py), 4, 3);
	cqm_list(l4pc, sizeof(l4pc), 4, 4);
	cqm_list(l8i, sizeof(l8i), 8, 5);
	cqm_list(l8p, sizeof(l8p), 8, 6);
	snprintf(params, sizeof(params),
		 "b-pyramid=normal:weightp=2:weightb=1:slices=2:keyint=30:scenecut=0:"
		 "cqm4iy=%s:cqm4ic=%s:cqm4py=%s:cqm4pc=%s:cqm8i=%s:cqm8p=%s",
		 l4iy, l4ic, l4py, l4pc, l8i, l8p);
	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		run_stream(&configs[i]);
	return TEST_RESULT();
}
