// SPDX-License-Identifier: BSD-2-Clause
/*
 * VP8 through the real libavcodec backend, a request at a time, against a
 * plain libavcodec decode of the same stream.
 *
 * A synthetic moving pattern is encoded with libvpx in two passes
 * (through libavcodec, linked here; the backend dlopens its own): hidden
 * alt-ref frames, 4 token partitions, a key frame in the middle, an odd
 * size. Each packet
 * becomes a request as GStreamer's v4l2slvp8dec makes it: the whole frame
 * and a VP8 FRAME control with the references named by timestamp (slots
 * kept here, in GStreamer's order). Every request must give a picture;
 * the k-th shown one must be byte-identical to the k-th frame the plain
 * decode outputs (VP8 never reorders). Then the same with every buffer
 * stripped of its frame tag: the backend writes it from the control, and
 * the pictures are the same. Then a damaged copy of the stream, and the
 * clean one again on the same decoder.
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
#include "lavc_test_stream.h"
#include "rebuild/vp8/vp8_header.h"

DV_TEST_DEFINE_FAILURES;

#define WIDTH		100	/* not a multiple of 16 */
#define HEIGHT		58
#define CAP_WIDTH	112
#define CAP_HEIGHT	64
#define CAP_STRIDE	128
#define FRAMES		40

static const struct dv_format capture_format = {
	.codec = DV_CODEC_ID_VP8,
	.bit_depth = 8,
	.coded_width = WIDTH,
	.coded_height = HEIGHT,
	.capture_fourcc = V4L2_PIX_FMT_NV12,
	.capture_width = CAP_WIDTH,
	.capture_height = CAP_HEIGHT,
	.bytesperline = CAP_STRIDE,
	.sizeimage = CAP_STRIDE * (CAP_HEIGHT + CAP_HEIGHT / 2),
};

static struct t_stream stream;

static void fill_frame(AVFrame *f, int t, const void *unused)
{
	int x, y;

	(void)unused;
	for (y = 0; y < HEIGHT; y++)
		for (x = 0; x < WIDTH; x++) {
			int v = ((x + 2 * t) * 3 + (y - t) * 2) & 0xff;
			int box = x >= 10 + t % 60 && x < 30 + t % 60 &&
				  y >= 8 + t % 30 && y < 24 + t % 30;

			f->data[0][y * f->linesize[0] + x] = (uint8_t)(box ? 240 - v / 3 : v);
		}
	for (y = 0; y < HEIGHT / 2; y++)
		for (x = 0; x < WIDTH / 2; x++) {
			f->data[1][y * f->linesize[1] + x] = (uint8_t)(128 + ((x + t) & 31) - 16);
			f->data[2][y * f->linesize[2] + x] = (uint8_t)(128 + ((y - t) & 63) - 32);
		}
}

/*
 * One libvpx pass: @pass 1 collects statistics into *@stats, 2 encodes
 * with them into the stream (libvpx makes alt-ref frames in two-pass mode
 * only). 0, or -1 when libvpx is missing or refuses the settings.
 */
static int encode_pass(int pass, char **stats)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libvpx");
	AVCodecContext *enc;
	int ret;

	if (!codec)
		return -1;
	enc = avcodec_alloc_context3(codec);
	enc->width = WIDTH;
	enc->height = HEIGHT;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, 25 };
	enc->gop_size = 25;
	enc->thread_count = 1;
	enc->bit_rate = 150000;
	enc->slices = 4;
	enc->flags |= pass == 1 ? AV_CODEC_FLAG_PASS1 : AV_CODEC_FLAG_PASS2;
	if (pass == 2)
		enc->stats_in = *stats;
	av_opt_set(enc->priv_data, "deadline", "good", 0);
	av_opt_set_int(enc->priv_data, "cpu-used", 4, 0);
	av_opt_set_int(enc->priv_data, "auto-alt-ref", 1, 0);
	av_opt_set_int(enc->priv_data, "lag-in-frames", 12, 0);
	ret = t_encode(enc, pass == 1 ? "VP8 pass 1" : "VP8 pass 2", FRAMES, fill_frame, NULL,
		       pass == 2 ? &stream : NULL);
	if (!ret && pass == 1) {
		if (enc->stats_out)
			*stats = strdup(enc->stats_out);
		else
			ret = -1;
	}
	if (pass == 2)
		enc->stats_in = NULL;
	avcodec_free_context(&enc);
	return ret;
}

static int encode(void)
{
	char *stats = NULL;
	int ret = encode_pass(1, &stats);

	if (!ret)
		ret = encode_pass(2, &stats);
	free(stats);
	return ret;
}

/* The plain decode: every output frame, in order, as NV12. */
static int reference_decode(uint8_t **out)
{
	AVCodecContext *dec = avcodec_alloc_context3(avcodec_find_decoder_by_name("vp8"));
	int n;

	dec->apply_cropping = 0;
	dec->thread_count = 1;
	n = t_reference_decode(dec, &stream, &capture_format, out, 4 * FRAMES,
			       T_REF_OUTPUT_ORDER | T_REF_NO_REFUSAL);
	avcodec_free_context(&dec);
	return n;
}

static int same_picture(const uint8_t *a, const uint8_t *b)
{
	return t_same_picture(&capture_format, WIDTH, HEIGHT, a, b);
}

/* The client's side: the frame control, references as GStreamer keeps
 * them (alt-ref first, then golden from the new alt-ref). */
struct client {
	uint64_t last, golden, alt;
	unsigned int hidden, keys, partitions, golden_copies;
};

static void make_control(struct client *c, const struct dv_vp8_header *h,
			 const struct t_packet *p, uint64_t ts,
			 struct v4l2_ctrl_vp8_frame *f)
{
	size_t pos = h->tag_size + h->first_part_size, rest;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->flags = (h->key_frame ? V4L2_VP8_FRAME_FLAG_KEY_FRAME : 0) |
		   (h->show_frame ? V4L2_VP8_FRAME_FLAG_SHOW_FRAME : 0) |
		   (h->sign_bias_golden ? V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN : 0) |
		   (h->sign_bias_alternate ? V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT : 0);
	f->version = h->version;
	f->width = WIDTH;
	f->height = HEIGHT;
	f->first_part_size = h->first_part_size;
	f->num_dct_parts = h->num_dct_parts;
	rest = p->size - pos - 3 * (h->num_dct_parts - 1u);
	for (i = 0; i + 1 < h->num_dct_parts; i++, pos += 3) {
		f->dct_part_sizes[i] = p->data[pos] | p->data[pos + 1] << 8 |
				       (uint32_t)p->data[pos + 2] << 16;
		rest -= f->dct_part_sizes[i];
	}
	f->dct_part_sizes[i] = (uint32_t)rest;
	f->lf.level = h->loop_filter_level;
	f->lf.sharpness_level = h->sharpness_level;
	f->lf.flags = (h->filter_type ? V4L2_VP8_LF_FILTER_TYPE_SIMPLE : 0) |
		      (h->loop_filter_adj_enable ? V4L2_VP8_LF_ADJ_ENABLE : 0);
	f->quant.y_ac_qi = h->y_ac_qi;
	f->segment.flags = h->segmentation_enabled ? V4L2_VP8_SEGMENT_FLAG_ENABLED : 0;
	f->last_frame_ts = c->last;
	f->golden_frame_ts = c->golden;
	f->alt_frame_ts = c->alt;

	c->hidden += !h->show_frame;
	c->keys += h->key_frame;
	c->partitions |= h->num_dct_parts;
	if (h->key_frame) {
		c->last = c->golden = c->alt = ts;
		return;
	}
	if (h->refresh_alternate_frame)
		c->alt = ts;
	else if (h->copy_buffer_to_alternate == 1)
		c->alt = c->last;
	else if (h->copy_buffer_to_alternate == 2)
		c->alt = c->golden;
	if (h->refresh_golden_frame)
		c->golden = ts;
	else if (h->copy_buffer_to_golden) {
		c->golden = h->copy_buffer_to_golden == 1 ? c->last : c->alt;
		c->golden_copies++;
	}
	if (h->refresh_last)
		c->last = ts;
}

static void run(int strip_tags, uint8_t **ref, int n_ref)
{
	struct dv_decoder *dec = dv_backend_lavc.create(DV_CODEC_ID_VP8);
	uint8_t *capture = malloc(capture_format.sizeimage);
	struct client c = { 0 };
	int shown = 0, matched = 0;
	size_t i;

	CHECK(dec != NULL, "no VP8 decoder");
	if (!dec)
		return;
	for (i = 0; i < stream.count; i++) {
		const struct t_packet *p = &stream.packets[i];
		struct v4l2_ctrl_vp8_frame frame;
		struct t_request req;
		struct dv_vp8_header h;
		const uint64_t ts = (uint64_t)i * 1000;
		int ret;

		if (dv_vp8_header_parse(p->data, p->size, &h)) {
			CHECK(0, "packet %zu is no VP8 frame", i);
			continue;
		}
		make_control(&c, &h, p, ts, &frame);
		dv_ctrl_builder_init(&req.ctrls);
		dv_ctrl_builder_add(&req.ctrls, V4L2_CID_STATELESS_VP8_FRAME, &frame,
				    sizeof(frame));
		/* Straight from the packet, sized exactly: ASan sees a read past it. */
		req.bitstream = p->data + (strip_tags ? h.tag_size : 0);
		req.size = p->size - (strip_tags ? h.tag_size : 0);
		ret = t_decode_request(dec, &capture_format, &req, ts, capture);
		CHECK(ret == 0, "%s: packet %zu (%s) gave no picture: %d",
		      strip_tags ? "no tags" : "whole frames", i,
		      h.show_frame ? "shown" : "hidden", ret);
		if (ret || !h.show_frame)
			continue;
		if (shown < n_ref && same_picture(capture, ref[shown]))
			matched++;
		else
			CHECK(0, "%s: shown frame %d (packet %zu) differs",
			      strip_tags ? "no tags" : "whole frames", shown, i);
		shown++;
	}
	CHECK_EQ(shown, n_ref);
	CHECK_EQ(matched, n_ref);
	/* What the stream must use, or the test proves less than it says. */
	CHECK(c.hidden > 0, "libvpx made no hidden alt-ref frame");
	CHECK(c.keys >= 2, "only %u key frames", c.keys);
	CHECK(c.partitions & 4, "no frame with 4 token partitions");
	fprintf(stderr, "%s: %zu requests, %u hidden, %u key frames, %d/%d shown exact\n",
		strip_tags ? "no tags" : "whole frames", stream.count, c.hidden,
		c.keys, matched, n_ref);
	dv_backend_lavc.destroy(dec);
	free(capture);
}

/*
 * A hostile client's stream: bits flipped in every third frame after its
 * tag, every fifth cut short, the controls those of the clean frames.
 * Every request must end (picture or error) without a sanitizer report;
 * then, after a reset, the same decoder decodes the clean stream exactly.
 */
static void run_damaged(uint8_t **ref, int n_ref)
{
	struct dv_decoder *dec = dv_backend_lavc.create(DV_CODEC_ID_VP8);
	uint8_t *capture = malloc(capture_format.sizeimage);
	unsigned int errors = 0;
	struct client c = { 0 };
	int shown = 0, matched = 0;
	size_t i, j;

	CHECK(dec != NULL, "no VP8 decoder");
	if (!dec)
		return;
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			dv_backend_lavc.reset(dec);
		memset(&c, 0, sizeof(c));
		for (i = 0; i < stream.count; i++) {
			const struct t_packet *p = &stream.packets[i];
			struct v4l2_ctrl_vp8_frame frame;
			struct t_request req;
			struct dv_vp8_header h;
			uint8_t *bs = malloc(p->size);
			size_t size = p->size;
			int ret;

			memcpy(bs, p->data, size);
			if (dv_vp8_header_parse(bs, size, &h)) {
				free(bs);
				continue;
			}
			make_control(&c, &h, p, (uint64_t)i * 1000, &frame);
			if (!pass && i % 3 == 1)
				for (j = h.tag_size; j < size; j += 7)
					bs[j] ^= (uint8_t)(1u << (j % 8));
			if (!pass && i % 5 == 2)
				size = h.tag_size + (size - h.tag_size) / 3;
			dv_ctrl_builder_init(&req.ctrls);
			dv_ctrl_builder_add(&req.ctrls, V4L2_CID_STATELESS_VP8_FRAME,
					    &frame, sizeof(frame));
			req.bitstream = bs;
			req.size = size;
			ret = t_decode_request(dec, &capture_format, &req, (uint64_t)i * 1000,
					       capture);
			errors += ret != 0;
			if (pass && !ret && h.show_frame) {
				matched += shown < n_ref &&
					   same_picture(capture, ref[shown]);
				shown++;
			}
			free(bs);
		}
	}
	fprintf(stderr, "damaged: %u of %zu requests failed; then %d/%d exact\n",
		errors, stream.count, matched, n_ref);
	CHECK_EQ(matched, n_ref);
	dv_backend_lavc.destroy(dec);
	free(capture);
}

int main(void)
{
	uint8_t *ref[4 * FRAMES] = { 0 };
	int n_ref, i;

	if (dv_backend_lavc.load()) {
		fprintf(stderr, "no libavcodec to load: skipped\n");
		return DV_TEST_SKIP;
	}
	av_log_set_level(AV_LOG_ERROR);	/* libvpx's wrapper is chatty */
	if (encode()) {
		fprintf(stderr, "no libvpx encoder: skipped\n");
		return DV_TEST_SKIP;
	}
	n_ref = reference_decode(ref);
	CHECK_EQ(n_ref, FRAMES);
	run(0, ref, n_ref);
	run(1, ref, n_ref);
	run_damaged(ref, n_ref);
	for (i = 0; i < 4 * FRAMES; i++)
		free(ref[i]);
	t_stream_free(&stream);
	return TEST_RESULT();
}
