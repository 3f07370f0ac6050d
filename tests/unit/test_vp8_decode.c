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
#include "output/pixel_out.h"
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

struct packet {
	uint8_t *data;
	size_t size;
};

static struct packet packets[4 * FRAMES];
static size_t n_packets;

static void fill_frame(AVFrame *f, int t)
{
	int x, y;

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
 * with them into packets[] (libvpx makes alt-ref frames in two-pass mode
 * only). 0, or -1 when libvpx is missing or refuses the settings.
 */
static int encode_pass(int pass, char **stats)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libvpx");
	AVCodecContext *enc;
	AVFrame *frame;
	AVPacket *pkt;
	int ret = -1, i;

	if (!codec)
		return -1;
	enc = avcodec_alloc_context3(codec);
	frame = av_frame_alloc();
	pkt = av_packet_alloc();
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
	if (avcodec_open2(enc, codec, NULL) < 0)
		goto out;
	frame->format = AV_PIX_FMT_YUV420P;
	frame->width = WIDTH;
	frame->height = HEIGHT;
	if (av_frame_get_buffer(frame, 0) < 0)
		goto out;
	for (i = 0; i <= FRAMES; i++) {
		if (i < FRAMES) {
			av_frame_make_writable(frame);
			fill_frame(frame, i);
			frame->pts = i;
		}
		if (avcodec_send_frame(enc, i < FRAMES ? frame : NULL) < 0)
			goto out;
		while (avcodec_receive_packet(enc, pkt) >= 0) {
			if (pass == 2 &&
			    n_packets < sizeof(packets) / sizeof(packets[0])) {
				packets[n_packets].data = malloc((size_t)pkt->size);
				memcpy(packets[n_packets].data, pkt->data,
				       (size_t)pkt->size);
				packets[n_packets++].size = (size_t)pkt->size;
			}
			av_packet_unref(pkt);
		}
	}
	if (pass == 1) {
		if (!enc->stats_out)
			goto out;
		*stats = strdup(enc->stats_out);
	}
	ret = 0;
out:
	if (pass == 2)
		enc->stats_in = NULL;
	av_packet_free(&pkt);
	av_frame_free(&frame);
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
	const AVCodec *codec = avcodec_find_decoder_by_name("vp8");
	AVCodecContext *dec = avcodec_alloc_context3(codec);
	AVFrame *frame = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	int n = 0;
	size_t i;

	dec->apply_cropping = 0;
	dec->thread_count = 1;
	if (avcodec_open2(dec, codec, NULL) < 0)
		return -1;
	for (i = 0; i <= n_packets; i++) {
		if (i < n_packets) {
			pkt->data = packets[i].data;
			pkt->size = (int)packets[i].size;
		}
		CHECK(avcodec_send_packet(dec, i < n_packets ? pkt : NULL) >= 0,
		      "reference: packet %zu refused", i);
		while (avcodec_receive_frame(dec, frame) >= 0) {
			struct dv_yuv420_picture pic = {
				.plane = { frame->data[0], frame->data[1], frame->data[2] },
				.linesize = { frame->linesize[0], frame->linesize[1],
					      frame->linesize[2] },
				.width = (uint32_t)frame->width,
				.height = (uint32_t)frame->height,
				.bit_depth = 8,
			};
			uint32_t used;

			if (n < 4 * FRAMES) {
				out[n] = calloc(1, capture_format.sizeimage);
				dv_pixel_out_write(&pic, &capture_format, out[n],
						   capture_format.sizeimage, &used);
				n++;
			}
			av_frame_unref(frame);
		}
	}
	av_packet_free(&pkt);
	av_frame_free(&frame);
	avcodec_free_context(&dec);
	return n;
}

static int same_picture(const uint8_t *a, const uint8_t *b)
{
	unsigned int y;

	for (y = 0; y < HEIGHT; y++)
		if (memcmp(a + y * CAP_STRIDE, b + y * CAP_STRIDE, WIDTH))
			return 0;
	for (y = 0; y < (HEIGHT + 1) / 2; y++)
		if (memcmp(a + (CAP_HEIGHT + y) * CAP_STRIDE,
			   b + (CAP_HEIGHT + y) * CAP_STRIDE, (WIDTH + 1) / 2 * 2))
			return 0;
	return 1;
}

/* The client's side: the frame control, references as GStreamer keeps
 * them (alt-ref first, then golden from the new alt-ref). */
struct client {
	uint64_t last, golden, alt;
	unsigned int hidden, keys, partitions, golden_copies;
};

static void make_control(struct client *c, const struct dv_vp8_header *h,
			 const struct packet *p, uint64_t ts,
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
	for (i = 0; i < n_packets; i++) {
		struct v4l2_ctrl_vp8_frame frame;
		struct dv_ctrl_builder ctrls;
		struct dv_vp8_header h;
		const uint64_t ts = (uint64_t)i * 1000;
		struct dv_decode_job job;
		uint32_t used = 0;
		int ret;

		if (dv_vp8_header_parse(packets[i].data, packets[i].size, &h)) {
			CHECK(0, "packet %zu is no VP8 frame", i);
			continue;
		}
		make_control(&c, &h, &packets[i], ts, &frame);
		dv_ctrl_builder_init(&ctrls);
		dv_ctrl_builder_add(&ctrls, V4L2_CID_STATELESS_VP8_FRAME, &frame,
				    sizeof(frame));
		memset(&job, 0, sizeof(job));
		job.fmt = &capture_format;
		job.ctrls = ctrls.buf;
		job.ctrls_size = ctrls.size;
		job.bitstream = packets[i].data + (strip_tags ? h.tag_size : 0);
		job.bitstream_size = packets[i].size - (strip_tags ? h.tag_size : 0);
		job.capture = capture;
		job.capture_size = capture_format.sizeimage;
		job.timestamp = ts;
		memset(capture, 0xcd, capture_format.sizeimage);
		ret = dv_backend_lavc.decode(dec, &job, &used);
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
		strip_tags ? "no tags" : "whole frames", n_packets, c.hidden,
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
		for (i = 0; i < n_packets; i++) {
			struct v4l2_ctrl_vp8_frame frame;
			struct dv_ctrl_builder ctrls;
			struct dv_vp8_header h;
			struct dv_decode_job job;
			uint8_t *bs = malloc(packets[i].size);
			size_t size = packets[i].size;
			uint32_t used = 0;
			int ret;

			memcpy(bs, packets[i].data, size);
			if (dv_vp8_header_parse(bs, size, &h)) {
				free(bs);
				continue;
			}
			make_control(&c, &h, &packets[i], (uint64_t)i * 1000, &frame);
			if (!pass && i % 3 == 1)
				for (j = h.tag_size; j < size; j += 7)
					bs[j] ^= (uint8_t)(1u << (j % 8));
			if (!pass && i % 5 == 2)
				size = h.tag_size + (size - h.tag_size) / 3;
			dv_ctrl_builder_init(&ctrls);
			dv_ctrl_builder_add(&ctrls, V4L2_CID_STATELESS_VP8_FRAME,
					    &frame, sizeof(frame));
			memset(&job, 0, sizeof(job));
			job.fmt = &capture_format;
			job.ctrls = ctrls.buf;
			job.ctrls_size = ctrls.size;
			job.bitstream = bs;
			job.bitstream_size = size;
			job.capture = capture;
			job.capture_size = capture_format.sizeimage;
			job.timestamp = (uint64_t)i * 1000;
			ret = dv_backend_lavc.decode(dec, &job, &used);
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
		errors, n_packets, matched, n_ref);
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
	for (size_t j = 0; j < n_packets; j++)
		free(packets[j].data);
	return TEST_RESULT();
}
