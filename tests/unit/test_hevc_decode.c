// SPDX-License-Identifier: BSD-2-Clause
/*
 * HEVC through the libavcodec backend, one request at a time in decode
 * order, as a V4L2 client sends them: x265 streams (through libavcodec's
 * libx265) split into requests (slices only; VPS/SPS/PPS and scaling lists
 * turned into controls, POCs and the DPB into decode parameters by the
 * tests' own parser), each request's picture compared with the frame of
 * the same timestamp a plain libavcodec decode outputs.
 *
 * And the rewrite from the decode parameters (what slices that name a set
 * of the SPS get, hevc_slice.h): every access unit is also built with the
 * sets taken from the DPB; the bytes must be the same as with the sets
 * x265 spells out in its slice headers.
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
#include "hevc_test_parse.h"
#include "lavc_test_stream.h"
#include "rebuild/hevc/hevc_access_unit.h"
#include "util/log.h"

DV_TEST_DEFINE_FAILURES;

#define WIDTH		196	/* x265 codes 200x120 and crops */
#define HEIGHT		116

struct stream_config {
	const char *name;
	int ten_bit;
	int frames;
	const char *x265_params;
	uint64_t pps_flags;	/* the stream must use them */
	uint64_t sps_flags;
	/* Start decoding at the second CRA picture: its RASL pictures are
	 * skipped by the decoder, and their requests get a grey picture. */
	int start_at_cra;
	/* Drop the first reference picture (TRAIL_R) after this many
	 * packets: the pictures that name it make the decoder allocate a
	 * stand-in after their own picture (0: drop nothing). */
	size_t drop_ref_after;
};

static void fill_frame(AVFrame *f, int t, const void *config)
{
	const int ten_bit = ((const struct stream_config *)config)->ten_bit;
	int fade = t >= 8 && t < 24 ? 256 - 12 * (t < 16 ? t - 8 : 24 - t) : 256;
	int x, y, c;

	for (c = 0; c < 3; c++) {
		int w = c ? WIDTH / 2 : WIDTH, h = c ? HEIGHT / 2 : HEIGHT;

		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++) {
				int v = c ? 128 + (((x - t) * (c + 1)) & 63) - 32 :
					    (((x + 3 * t) * 2 + (y + t)) & 0xff);
				int box = !c && x >= 40 + 2 * t % 120 && x < 70 + 2 * t % 120 &&
					  y >= 30 + t % 50 && y < 60 + t % 50;

				v = box ? 235 - v / 4 : v;
				v = v * fade / 256;
				if (ten_bit)
					((uint16_t *)(f->data[c] + y * f->linesize[c]))[x] =
						(uint16_t)(v * 4 + (x & 3));
				else
					f->data[c][y * f->linesize[c] + x] = (uint8_t)v;
			}
	}
}

static int encode(const struct stream_config *cfg, struct t_stream *s)
{
	AVCodecContext *enc = avcodec_alloc_context3(avcodec_find_encoder_by_name("libx265"));
	int ret;

	enc->width = WIDTH;
	enc->height = HEIGHT;
	enc->pix_fmt = cfg->ten_bit ? AV_PIX_FMT_YUV420P10 : AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, 25 };
	av_opt_set(enc->priv_data, "preset", "fast", 0);
	av_opt_set(enc->priv_data, "x265-params", cfg->x265_params, 0);
	ret = t_encode(enc, cfg->name, cfg->frames, fill_frame, cfg, s);
	avcodec_free_context(&enc);
	return ret;
}

static struct dv_format capture_format;

static void set_format(int ten_bit, uint32_t w, uint32_t h)
{
	t_capture_format(&capture_format, DV_CODEC_ID_HEVC, ten_bit ? 10 : 8, w, h, w, h);
}

/* Equal over the picture (not the line padding)? */
static int same_picture(const uint8_t *a, const uint8_t *b)
{
	return t_same_picture(&capture_format, capture_format.capture_width,
			      capture_format.capture_height, a, b);
}

static int reference_decode(const struct t_stream *s, uint8_t **by_pts, int frames)
{
	AVCodecContext *dec = avcodec_alloc_context3(avcodec_find_decoder_by_name("hevc"));
	int out;

	dec->apply_cropping = 0;
	dec->thread_count = 1;
	out = t_reference_decode(dec, s, &capture_format, by_pts, (size_t)frames, 0);
	avcodec_free_context(&dec);
	return out;
}

/* What a client keeps between requests: parameter sets, POC state. */
struct client {
	struct t_hevc_sps sps;
	struct t_hevc_pps pps;
	int32_t prev_tid0_poc;
};

static int make_request(struct client *cl, const struct t_packet *p, struct t_request *req)
{
	const unsigned int lsb_bits = cl->sps.v4l2.log2_max_pic_order_cnt_lsb_minus4 + 4;
	struct v4l2_ctrl_hevc_decode_params dp;
	struct t_hevc_slice first = { 0 }, sl;
	const uint8_t *nal;
	size_t pos = 0, nal_size;
	unsigned int i, n, tid = 0, slices = 0;

	req->size = 0;
	req->bitstream = realloc(req->bitstream, p->size + 64);
	while (t_next_nal(p->data, p->size, &pos, &nal, &nal_size)) {
		unsigned int type = nal[0] >> 1 & 0x3f;

		if (type == 33)
			CHECK(t_hevc_parse_sps(nal, nal_size, &cl->sps) == 0, "SPS");
		else if (type == 34)
			CHECK(t_hevc_parse_pps(nal, nal_size, &cl->sps, &cl->pps) == 0, "PPS");
		if (type > 21 || (type > 9 && type < 16))
			continue;
		CHECK(t_hevc_parse_slice(nal, nal_size, &cl->sps, &cl->pps, &sl) == 0,
		      "slice header");
		if (!slices) {
			first = sl;
			tid = (nal[1] & 7) - 1u;
		}
		/* 3- and 4-byte start codes, as clients vary */
		memcpy(req->bitstream + req->size, "\0\0\0\1" + (slices % 2), 4 - slices % 2);
		req->size += 4 - slices % 2;
		memcpy(req->bitstream + req->size, nal, nal_size);
		req->size += nal_size;
		slices++;
	}
	if (!slices)
		return -1;

	/* POC (8.3.1) and the DPB as a client has it: the picture's RPS. */
	memset(&dp, 0, sizeof(dp));
	if (first.nal_type == 19 || first.nal_type == 20) {
		dp.pic_order_cnt_val = 0;
	} else {
		int32_t max = 1 << lsb_bits, prev_lsb = cl->prev_tid0_poc & (max - 1);
		int32_t prev_msb = cl->prev_tid0_poc - prev_lsb, msb = prev_msb;

		if ((int32_t)first.poc_lsb < prev_lsb && prev_lsb - (int32_t)first.poc_lsb >= max / 2)
			msb += max;
		else if ((int32_t)first.poc_lsb > prev_lsb && (int32_t)first.poc_lsb - prev_lsb > max / 2)
			msb -= max;
		if (first.nal_type >= 16 && first.nal_type <= 21 && first.nal_type != 21)
			msb = 0;
		dp.pic_order_cnt_val = msb + (int32_t)first.poc_lsb;
	}
	if (first.nal_type >= 16 && first.nal_type <= 23)
		dp.flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC;
	if (first.nal_type == 19 || first.nal_type == 20)
		dp.flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC;
	/* TemporalId 0 and not RADL, RASL or a sub-layer non-reference */
	if (tid == 0 && !(first.nal_type >= 6 && first.nal_type <= 9) &&
	    !(first.nal_type <= 14 && !(first.nal_type & 1)))
		cl->prev_tid0_poc = dp.pic_order_cnt_val;
	/* DPB entries in another order than the set's: after-pictures first,
	 * farthest first; the daemon must sort them. */
	n = first.rps.num_negative + first.rps.num_positive;
	for (i = 0; i < n; i++) {
		unsigned int k = n - 1 - i;
		struct v4l2_hevc_dpb_entry *e = &dp.dpb[dp.num_active_dpb_entries];

		e->pic_order_cnt_val = dp.pic_order_cnt_val + first.rps.delta[k];
		e->timestamp = (uint64_t)(uint32_t)e->pic_order_cnt_val * 1000;
		if (first.rps.used[k]) {
			if (k < first.rps.num_negative)
				dp.poc_st_curr_before[dp.num_poc_st_curr_before++] =
					dp.num_active_dpb_entries;
			else
				dp.poc_st_curr_after[dp.num_poc_st_curr_after++] =
					dp.num_active_dpb_entries;
		}
		dp.num_active_dpb_entries++;
	}
	/* poc_st_curr_before in the set's order (closest first) */
	for (i = 0; i + 1 < dp.num_poc_st_curr_before; i++) {
		unsigned int j;

		for (j = i + 1; j < dp.num_poc_st_curr_before; j++)
			if (dp.dpb[dp.poc_st_curr_before[j]].pic_order_cnt_val >
			    dp.dpb[dp.poc_st_curr_before[i]].pic_order_cnt_val) {
				uint8_t t = dp.poc_st_curr_before[i];

				dp.poc_st_curr_before[i] = dp.poc_st_curr_before[j];
				dp.poc_st_curr_before[j] = t;
			}
	}
	dv_ctrl_builder_init(&req->ctrls);
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_HEVC_SPS, &cl->sps.v4l2,
			    sizeof(cl->sps.v4l2));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_HEVC_PPS, &cl->pps.v4l2,
			    sizeof(cl->pps.v4l2));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX,
			    &cl->pps.matrix, sizeof(cl->pps.matrix));
	dv_ctrl_builder_add(&req->ctrls, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
			    &dp, sizeof(dp));
	return 0;
}

/* The access unit with the sets from the decode parameters is the same. */
static void check_rps_from_dpb(const struct t_request *req)
{
	struct dv_hevc_au_state a = { 0 }, b = { 0 };
	struct dv_hevc_au_info ia, ib;
	struct dv_bytebuf ba, bb;
	int ra, rb;

	dv_bytebuf_init(&ba, 0);
	dv_bytebuf_init(&bb, 0);
	b.rps_from_decode_params = 1;
	ra = dv_hevc_au_build(&a, req->ctrls.buf, req->ctrls.size, req->bitstream,
			      req->size, &ba, &ia);
	rb = dv_hevc_au_build(&b, req->ctrls.buf, req->ctrls.size, req->bitstream,
			      req->size, &bb, &ib);
	CHECK(ra == 0 && rb == 0 && ba.size == bb.size && !memcmp(ba.data, bb.data, ba.size),
	      "the sets from the DPB differ from the stream's (%d, %d, %zu, %zu bytes)",
	      ra, rb, ba.size, bb.size);
	dv_bytebuf_free(&ba);
	dv_bytebuf_free(&bb);
}

static int decode_request(struct dv_decoder *dec, const struct t_request *req,
			  uint8_t *capture)
{
	return t_decode_request(dec, &capture_format, req, 0, capture);
}

static unsigned int first_nal_type(const struct t_packet *p)
{
	const uint8_t *nal;
	size_t pos = 0, size;

	while (t_next_nal(p->data, p->size, &pos, &nal, &size)) {
		unsigned int type = nal[0] >> 1 & 0x3f;

		if (type <= 21 && (type <= 9 || type >= 16))
			return type;
	}
	return 64;
}

/* Drops the packets before the second CRA. */
static void start_at_second_cra(struct t_stream *s)
{
	size_t i, cras = 0;

	for (i = 0; i < s->count; i++)
		if (first_nal_type(&s->packets[i]) == 21 && ++cras == 2)
			break;
	CHECK(i < s->count, "no second CRA");
	t_stream_remove(s, 0, i);
}

/* The grey picture of a skipped RASL request. */
static int is_grey(const uint8_t *pic)
{
	uint32_t x, y;

	for (y = 0; y < capture_format.capture_height * 3 / 2; y++)
		for (x = 0; x < capture_format.capture_width; x++) {
			const uint8_t *p = pic + (size_t)y * capture_format.bytesperline;

			if (capture_format.bit_depth == 8 ? p[x] != 128 :
			    p[2 * x] != 0 || p[2 * x + 1] != 0x80)
				return 0;
		}
	return 1;
}

static void run_stream(const struct stream_config *cfg, struct t_stream *file)
{
	struct t_stream s = { 0 };
	struct client cl;
	struct t_request req = { 0 };
	uint8_t **ref = calloc((size_t)cfg->frames, sizeof(*ref));
	uint8_t *capture = NULL;
	struct dv_decoder *dec = NULL;
	unsigned int matched = 0, rasl = 0;
	size_t i;
	int refs;

	memset(&cl, 0, sizeof(cl));
	if (file) {
		s = *file;
	} else if (encode(cfg, &s) || (int)s.count != cfg->frames) {
		CHECK(0, "%s: encoding gave %zu packets", cfg->name, s.count);
		goto out;
	}
	if (cfg->start_at_cra)
		start_at_second_cra(&s);
	for (i = cfg->drop_ref_after; cfg->drop_ref_after && i < s.count; i++) {
		if (first_nal_type(&s.packets[i]) != 1)
			continue;
		fprintf(stderr, "%s: dropping packet %zu (pts %lld)\n", cfg->name, i,
			(long long)s.packets[i].pts);
		t_stream_remove(&s, i, 1);
		break;
	}
	/* The coded size, from the first packet's SPS. */
	if (make_request(&cl, &s.packets[0], &req)) {
		CHECK(0, "%s: no slice in the first packet", cfg->name);
		goto out;
	}
	CHECK((cl.pps.v4l2.flags & cfg->pps_flags) == cfg->pps_flags &&
	      (cl.sps.v4l2.flags & cfg->sps_flags) == cfg->sps_flags,
	      "%s: stream lacks a feature (SPS flags 0x%llx, PPS flags 0x%llx)", cfg->name,
	      (unsigned long long)cl.sps.v4l2.flags, (unsigned long long)cl.pps.v4l2.flags);
	set_format(cl.sps.v4l2.bit_depth_luma_minus8 != 0,
		   cl.sps.v4l2.pic_width_in_luma_samples,
		   cl.sps.v4l2.pic_height_in_luma_samples);
	capture = malloc(capture_format.sizeimage);
	refs = reference_decode(&s, ref, cfg->frames);
	/* The RASL pictures of the CRA decoding starts at: up to the next
	 * IRAP picture (those of later CRAs are decoded). */
	for (i = 0; cfg->start_at_cra && i < s.count; i++) {
		unsigned int type = first_nal_type(&s.packets[i]);

		if (i && type >= 16 && type <= 21)
			break;
		rasl += type == 8 || type == 9;
	}
	CHECK(refs + (int)rasl == (int)s.count || cfg->drop_ref_after,
	      "%s: reference decode gave %d frames, %u RASL",
	      cfg->name, refs, rasl);
	CHECK(!cfg->start_at_cra || rasl > 0, "%s: no RASL picture", cfg->name);

	dec = dv_backend_lavc.create(DV_CODEC_ID_HEVC);
	CHECK(dec != NULL, "%s: create", cfg->name);
	if (!dec)
		goto out;
	memset(&cl, 0, sizeof(cl));
	for (i = 0; i < s.count; i++) {
		const struct t_packet *p = &s.packets[i];
		int ret;

		if (make_request(&cl, p, &req)) {
			CHECK(0, "%s: packet %zu has no slice", cfg->name, i);
			continue;
		}
		check_rps_from_dpb(&req);
		ret = decode_request(dec, &req, capture);
		CHECK(ret == 0, "%s: request %zu (pts %lld): %d", cfg->name, i,
		      (long long)p->pts, ret);
		if (ret || p->pts < 0 || p->pts >= cfg->frames)
			continue;
		if (!ref[p->pts]) {
			/* skipped RASL */
			if (is_grey(capture))
				matched++;
			else
				CHECK(0, "%s: request %zu (pts %lld), skipped: not grey",
				      cfg->name, i, (long long)p->pts);
			continue;
		}
		if (same_picture(capture, ref[p->pts]))
			matched++;
		else
			CHECK(0, "%s: request %zu (pts %lld): picture differs from the reference",
			      cfg->name, i, (long long)p->pts);
	}
	fprintf(stderr, "%s: %u/%zu pictures identical to the display-order decode\n",
		cfg->name, matched, s.count);
	CHECK_EQ(matched, s.count);

	/* A request without PPS: refused; the decoder stays usable. */
	dv_ctrl_builder_init(&req.ctrls);
	CHECK_EQ(decode_request(dec, &req, capture), -EINVAL);
out:
	if (dec)
		dv_backend_lavc.destroy(dec);
	for (i = 0; i < (size_t)cfg->frames; i++)
		free(ref[i]);
	free(ref);
	free(capture);
	free(req.bitstream);
	t_stream_free(&s);
}

/* An Annex-B file, split into access units; pts: decode order. */
static int load_file(const char *path, struct t_stream *s)
{
	size_t size = 0, pos = 0, nal_size, start = 0, au_start = 0;
	uint8_t *buf = t_read_file(path, &size);
	const uint8_t *nal;
	int have_vcl = 0;

	if (!buf)
		return -1;
	memset(s, 0, sizeof(*s));
	for (;;) {
		int more = t_next_nal(buf, size, &pos, &nal, &nal_size);
		unsigned int type = more ? nal[0] >> 1 & 0x3f : 0;
		int vcl = more && (type <= 9 || (type >= 16 && type <= 21));
		int starts = !more || (vcl && (nal[2] & 0x80)) ||
			     (type >= 32 && type <= 35) || type == 39;

		start = more ? (size_t)(nal - buf) - 3 : size;
		if (starts && have_vcl) {
			t_stream_add(s, buf + au_start, start - au_start, (int64_t)s->count);
			au_start = start;
			have_vcl = 0;
		}
		if (!more)
			break;
		have_vcl |= vcl;
	}
	free(buf);
	return s->count ? 0 : -1;
}

int main(int argc, char **argv)
{
	const struct stream_config configs[] = {
		{ "Main: B-pyramid, WPP, 3 slices, scaling lists, open GOP", 0, 40,
		  "log-level=error:frame-threads=1:pools=1:bframes=4:b-pyramid=1:wpp=1:"
		  "slices=3:scaling-list=default:keyint=16:min-keyint=16:open-gop=1",
		  V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED,
		  V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED, 0, 0 },
		{ "Main 10: weighted prediction, no WPP", 1, 30,
		  "log-level=error:frame-threads=1:pools=1:bframes=3:weightp=1:weightb=1:wpp=0",
		  0, 0, 0, 0 },
		{ "Main: open GOP, decoding from the second CRA (RASL skipped)", 0, 40,
		  "log-level=error:frame-threads=1:pools=1:bframes=3:keyint=12:min-keyint=12:"
		  "open-gop=1:wpp=1", 0, 0, 1, 0 },
		{ "Main: a reference picture lost", 0, 30,
		  "log-level=error:frame-threads=1:pools=1:bframes=3:b-pyramid=1:keyint=30:wpp=0",
		  0, 0, 0, 5 },
	};
	size_t i;

	if (getenv("DV_TEST_DEBUG"))
		dv_log_max = DV_LOG_DEBUG;
	if (!avcodec_find_encoder_by_name("libx265")) {
		fprintf(stderr, "libx265 encoder not available: skipped\n");
		return DV_TEST_SKIP;
	}
	if (dv_backend_lavc.load()) {
		fprintf(stderr, "the backend cannot load libavcodec\n");
		return 1;
	}
	/* Files given: those (the conformance corpus), one by one. */
	for (i = 1; i < (size_t)argc; i++) {
		struct stream_config cfg = { argv[i], 0, 0, "", 0, 0, 0, 0 };
		struct t_stream file;

		if (load_file(argv[i], &file)) {
			CHECK(0, "%s: cannot read it", argv[i]);
			continue;
		}
		cfg.frames = (int)file.count;
		run_stream(&cfg, &file);
	}
	for (i = 0; argc < 2 && i < sizeof(configs) / sizeof(configs[0]); i++)
		run_stream(&configs[i], NULL);
	return TEST_RESULT();
}
