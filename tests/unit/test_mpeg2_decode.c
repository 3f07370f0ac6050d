// SPDX-License-Identifier: BSD-2-Clause
/*
 * MPEG-2 through the real libavcodec, request by request: streams encoded
 * with FFmpeg's mpeg2video encoder (I/P/B, interlaced frame pictures with
 * field DCT and motion, top field first, alternate scan, intra VLC,
 * non-linear quantiser scale, 10-bit intra DC, custom matrices, an odd
 * size) are split into the requests GStreamer's v4l2slmpeg2dec sends (the
 * sequence, picture and quantisation controls from the tests' own parser,
 * the slices with their start codes, references named by the timestamps
 * of the pictures they are), decoded through dv_backend_lavc one request
 * at a time, and each request's picture must be byte-identical to the
 * frame a plain libavcodec decode outputs for the same packet. Skipped
 * (77) without the encoder.
 *
 * With DV_MPEG2_CORPUS=DIR (a corpus of tests/conformance/gen-corpus.sh
 * mpeg2), every clip of it goes the same way, and the pictures, put in
 * display order, must hash to the clip's reference MD5s: the corpus
 * through the daemon's decode path without the kernel and GStreamer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/md5.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <linux/videodev2.h>

#include "backend/backend.h"
#include "check.h"
#include "ctrl_builder.h"
#include "lavc_test_stream.h"
#include "mpeg2_test_parse.h"
#include "util/log.h"

DV_TEST_DEFINE_FAILURES;

#define ALIGN16(x)	(((x) + 15) / 16 * 16)

struct stream_config {
	const char *name;
	int width, height;
	int frames;
	int b_frames;
	int interlaced;		/* field DCT and motion, top field first */
	int alternate_scan;
	int intra_vlc;
	int non_linear_quant;
	int intra_dc_precision;	/* 0..2: 8..10 bits */
	int custom_matrices;
	/* What the stream must use, or the test proves less than it says. */
	uint32_t want_flags;	/* V4L2_MPEG2_PIC_FLAG_* seen at least once */
};

static void fill_frame(AVFrame *f, int t, const void *config)
{
	const struct stream_config *cfg = config;
	const int w = cfg->width, h = cfg->height;
	uint32_t noise = 0x9e3779b9u * (uint32_t)(t + 1);
	int x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			/* Odd lines move the other way: real field motion. */
			int dx = y % 2 ? -3 * t : 3 * t;
			int v = ((x + dx) * 2 + (y + t)) & 0xff;
			int box = x >= 20 + 2 * t % (w / 2) && x < 50 + 2 * t % (w / 2) &&
				  y >= 10 + t % (h / 3) && y < 40 + t % (h / 3);

			noise = noise * 1103515245u + 12345u;
			v = box ? 235 - v / 4 : v;
			v += (int)(noise >> 29) - 4;
			f->data[0][y * f->linesize[0] + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	for (y = 0; y < (h + 1) / 2; y++)
		for (x = 0; x < (w + 1) / 2; x++) {
			f->data[1][y * f->linesize[1] + x] = (uint8_t)(128 + ((x - t) & 63) - 32);
			f->data[2][y * f->linesize[2] + x] = (uint8_t)(128 + ((y + 2 * t) & 31) - 16);
		}
	/* An interlaced source, top field first. */
	if (cfg->interlaced)
		f->flags |= AV_FRAME_FLAG_INTERLACED | AV_FRAME_FLAG_TOP_FIELD_FIRST;
}

static uint16_t *custom_matrix(int intra)
{
	uint16_t *m = av_malloc(64 * sizeof(*m));
	int i;

	/* All different: a matrix applied transposed or in the wrong scan
	 * order changes the pictures. Intra DC is always 8. */
	for (i = 0; i < 64; i++)
		m[i] = (uint16_t)(intra ? 9 + (i * 7 + i / 8 * 3) % 70 : 12 + (i * 5 + i % 8) % 60);
	if (intra)
		m[0] = 8;
	return m;
}

static int encode(const struct stream_config *cfg, struct t_stream *s)
{
	AVCodecContext *enc = avcodec_alloc_context3(avcodec_find_encoder_by_name("mpeg2video"));
	int ret;

	enc->width = cfg->width;
	enc->height = cfg->height;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, 25 };
	enc->max_b_frames = cfg->b_frames;
	enc->gop_size = 12;
	enc->thread_count = 1;
	enc->bit_rate = 600000;
	enc->intra_dc_precision = cfg->intra_dc_precision;
	/* What the non-linear quantiser scale allows. */
	enc->qmax = 28;
	if (cfg->interlaced)
		enc->flags |= AV_CODEC_FLAG_INTERLACED_DCT | AV_CODEC_FLAG_INTERLACED_ME;
	if (cfg->custom_matrices) {
		enc->intra_matrix = custom_matrix(1);
		enc->inter_matrix = custom_matrix(0);
	}
	av_opt_set_int(enc->priv_data, "alternate_scan", cfg->alternate_scan, 0);
	av_opt_set_int(enc->priv_data, "intra_vlc", cfg->intra_vlc, 0);
	av_opt_set_int(enc->priv_data, "non_linear_quant", cfg->non_linear_quant, 0);
	ret = t_encode(enc, cfg->name, cfg->frames, fill_frame, cfg, s);
	avcodec_free_context(&enc);
	return ret;
}

static void make_format(const struct stream_config *cfg, struct dv_format *fmt)
{
	t_capture_format(fmt, DV_CODEC_ID_MPEG2, 8, cfg->width, cfg->height,
			 ALIGN16(cfg->width), ALIGN16(cfg->height));
}

static int reference_decode(const struct t_stream *s, const struct dv_format *fmt,
			    uint8_t **by_pts, int frames)
{
	AVCodecContext *dec = avcodec_alloc_context3(avcodec_find_decoder_by_name("mpeg2video"));
	int out;

	dec->thread_count = 1;
	out = t_reference_decode(dec, s, fmt, by_pts, (size_t)frames, 0);
	avcodec_free_context(&dec);
	return out;
}

/*
 * The client's side: parses a packet, names its references as GStreamer
 * does (the previous and the next reference picture, by timestamp), and
 * builds the request. Returns 0, or -1 if the packet has no slice.
 */
struct client {
	struct t_mpeg2 parse;
	uint64_t ref_ts[2];		/* older, newer reference picture */
	int refs;
	uint32_t flags_seen;
	int matrices_loaded;	/* the stream loaded both matrices */
	struct t_request req;
};

static uint64_t ts_of(int64_t pts)
{
	return (uint64_t)(pts + 1) * 1000;
}

static int make_request(struct client *c, const struct t_packet *p)
{
	const uint64_t none = UINT64_MAX;
	struct v4l2_ctrl_mpeg2_picture *pic = &c->parse.pic;
	int n;

	c->req.bitstream = realloc(c->req.bitstream, p->size);
	n = t_mpeg2_parse(&c->parse, p->data, p->size, c->req.bitstream, p->size, &c->req.size);
	if (n <= 0 || !c->parse.have_picture_ext || !c->parse.have_sequence_ext)
		return -1;
	c->flags_seen |= pic->flags;
	c->matrices_loaded |= c->parse.loaded_intra && c->parse.loaded_non_intra;
	pic->forward_ref_ts = none;
	pic->backward_ref_ts = none;
	if (pic->picture_coding_type == V4L2_MPEG2_PIC_CODING_TYPE_B) {
		pic->forward_ref_ts = c->refs > 1 ? c->ref_ts[0] : none;
		pic->backward_ref_ts = c->refs > 0 ? c->ref_ts[1] : none;
	} else {
		pic->forward_ref_ts = c->refs > 0 ? c->ref_ts[1] : none;
		c->ref_ts[0] = c->ref_ts[1];
		c->ref_ts[1] = ts_of(p->pts);
		c->refs++;
	}
	dv_ctrl_builder_init(&c->req.ctrls);
	dv_ctrl_builder_add(&c->req.ctrls, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &c->parse.seq,
			    sizeof(c->parse.seq));
	dv_ctrl_builder_add(&c->req.ctrls, V4L2_CID_STATELESS_MPEG2_PICTURE, pic, sizeof(*pic));
	dv_ctrl_builder_add(&c->req.ctrls, V4L2_CID_STATELESS_MPEG2_QUANTISATION,
			    &c->parse.quant, sizeof(c->parse.quant));
	return 0;
}

static int decode_request(struct dv_decoder *dec, const struct dv_format *fmt,
			  const struct client *c, int64_t pts, uint8_t *capture)
{
	return t_decode_request(dec, fmt, &c->req, ts_of(pts), capture);
}

static void run_stream(const struct stream_config *cfg)
{
	struct t_stream s = { 0 };
	struct client c;
	struct dv_format fmt;
	uint8_t **ref = calloc((size_t)cfg->frames, sizeof(*ref));
	uint8_t *capture;
	struct dv_decoder *dec = NULL;
	unsigned int matched = 0, b_pictures = 0;
	size_t i;
	int refs;

	memset(&c, 0, sizeof(c));
	t_mpeg2_init(&c.parse);
	make_format(cfg, &fmt);
	capture = malloc(fmt.sizeimage);
	if (encode(cfg, &s) || (int)s.count != cfg->frames) {
		CHECK(0, "%s: encoding gave %zu packets", cfg->name, s.count);
		goto out;
	}
	refs = reference_decode(&s, &fmt, ref, cfg->frames);
	CHECK(refs == (int)s.count, "%s: reference decode gave %d frames", cfg->name, refs);

	dec = dv_backend_lavc.create(DV_CODEC_ID_MPEG2);
	CHECK(dec != NULL, "%s: create", cfg->name);
	if (!dec)
		goto out;
	for (i = 0; i < s.count; i++) {
		const struct t_packet *p = &s.packets[i];
		int ret;

		if (make_request(&c, p)) {
			CHECK(0, "%s: packet %zu has no usable picture", cfg->name, i);
			continue;
		}
		b_pictures += c.parse.pic.picture_coding_type == V4L2_MPEG2_PIC_CODING_TYPE_B;
		ret = decode_request(dec, &fmt, &c, p->pts, capture);
		CHECK(ret == 0, "%s: request %zu (pts %lld): %d", cfg->name, i,
		      (long long)p->pts, ret);
		if (ret || p->pts < 0 || p->pts >= cfg->frames || !ref[p->pts])
			continue;
		if (t_same_picture(&fmt, cfg->width, cfg->height, capture, ref[p->pts]))
			matched++;
		else
			CHECK(0, "%s: request %zu (pts %lld): picture differs from the reference",
			      cfg->name, i, (long long)p->pts);
	}
	fprintf(stderr, "%s: %u/%zu pictures identical to the display-order decode (%u B)\n",
		cfg->name, matched, s.count, b_pictures);
	CHECK_EQ(matched, s.count);
	CHECK((c.flags_seen & cfg->want_flags) == cfg->want_flags,
	      "%s: stream lacks a feature (flags seen %#x)", cfg->name, c.flags_seen);
	CHECK(!cfg->b_frames || b_pictures > 0, "%s: no B picture", cfg->name);
	CHECK(!cfg->custom_matrices || c.matrices_loaded, "%s: default matrices", cfg->name);
	CHECK(cfg->intra_dc_precision == 0 ||
	      c.parse.pic.intra_dc_precision == cfg->intra_dc_precision,
	      "%s: intra_dc_precision %u", cfg->name, c.parse.pic.intra_dc_precision);

	/* A request without slices is refused; after a reset (a seek), the
	 * stream decodes again from its first picture. */
	c.req.size = 0;
	CHECK_EQ(decode_request(dec, &fmt, &c, 0, capture), -EINVAL);
	dv_backend_lavc.reset(dec);
	memset(&c.ref_ts, 0, sizeof(c.ref_ts));
	c.refs = 0;
	for (i = 0; i < s.count && i < 6; i++) {
		const struct t_packet *p = &s.packets[i];

		make_request(&c, p);
		CHECK(decode_request(dec, &fmt, &c, p->pts, capture) == 0 &&
		      t_same_picture(&fmt, cfg->width, cfg->height, capture, ref[p->pts]),
		      "%s: after reset, request %zu", cfg->name, i);
	}
out:
	if (dec)
		dv_backend_lavc.destroy(dec);
	for (i = 0; i < (size_t)cfg->frames; i++)
		free(ref[i]);
	free(ref);
	free(capture);
	free(c.req.bitstream);
	t_stream_free(&s);
}

/* MD5 of the visible picture as framemd5.py hashes NV12: tight rows. */
static void picture_md5(const struct dv_format *fmt, int w, int h,
			const uint8_t *pic, char out[33])
{
	const uint8_t *chroma = pic + fmt->bytesperline * fmt->capture_height;
	struct AVMD5 *md5 = av_md5_alloc();
	uint8_t sum[16];
	int y;

	av_md5_init(md5);
	for (y = 0; y < h; y++)
		av_md5_update(md5, pic + y * fmt->bytesperline, (size_t)w);
	for (y = 0; y < (h + 1) / 2; y++)
		av_md5_update(md5, chroma + y * fmt->bytesperline, (size_t)((w + 1) / 2 * 2));
	av_md5_final(md5, sum);
	av_free(md5);
	for (y = 0; y < 16; y++)
		snprintf(out + 2 * y, 3, "%02x", sum[y]);
}

/*
 * Splits an elementary stream into coded pictures, as a parser hands them
 * to a client: each from the headers before it (sequence, GOP, picture)
 * to its last slice.
 */
static void split_pictures(const uint8_t *data, size_t size, struct t_stream *s)
{
	size_t i, start = 0;
	int have_slices = 0;

	for (i = 0; i + 4 <= size; i++) {
		uint8_t code;

		if (data[i] || data[i + 1] || data[i + 2] != 1)
			continue;
		code = data[i + 3];
		if ((code == 0xb3 || code == 0xb8 || code == 0x00 || code == 0xb7) && have_slices) {
			t_stream_add(s, data + start, i - start, (int64_t)s->count);
			start = i;
			have_slices = 0;
		}
		if (code >= 0x01 && code <= 0xaf)
			have_slices = 1;
		i += 3;
	}
	if (have_slices)
		t_stream_add(s, data + start, size - start, (int64_t)s->count);
}

static void run_corpus_clip(const char *dir, const char *name, int w, int h, int frames)
{
	struct stream_config cfg = { .name = name, .width = w, .height = h };
	char path[4096], (*shown)[33] = calloc((size_t)frames + 1, 33), pending[33] = "";
	struct t_stream s = { 0 };
	struct dv_format fmt;
	struct client c;
	struct dv_decoder *dec = dv_backend_lavc.create(DV_CODEC_ID_MPEG2);
	uint8_t *data, *capture;
	size_t size, i;
	int n_shown = 0, matched = 0;
	FILE *ref;

	memset(&c, 0, sizeof(c));
	t_mpeg2_init(&c.parse);
	make_format(&cfg, &fmt);
	capture = malloc(fmt.sizeimage);
	snprintf(path, sizeof(path), "%s/%s.m2v", dir, name);
	data = t_read_file(path, &size);
	CHECK(data && dec, "%s: no clip or no decoder", name);
	if (!data || !dec)
		goto out;
	split_pictures(data, size, &s);
	for (i = 0; i < s.count; i++) {
		const struct t_packet *p = &s.packets[i];
		char md5[33];
		int ret;

		if (make_request(&c, p)) {
			CHECK(0, "%s: picture %zu unusable", name, i);
			continue;
		}
		ret = decode_request(dec, &fmt, &c, p->pts, capture);
		CHECK(ret == 0, "%s: picture %zu: %d", name, i, ret);
		picture_md5(&fmt, w, h, capture, md5);
		/* Display order: a B picture is shown at once, an I or P one
		 * when the next I or P picture arrives. */
		if (c.parse.pic.picture_coding_type == V4L2_MPEG2_PIC_CODING_TYPE_B) {
			if (n_shown < frames)
				memcpy(shown[n_shown++], md5, 33);
		} else {
			if (pending[0] && n_shown < frames)
				memcpy(shown[n_shown++], pending, 33);
			memcpy(pending, md5, 33);
		}
	}
	if (pending[0] && n_shown < frames)
		memcpy(shown[n_shown++], pending, 33);
	snprintf(path, sizeof(path), "%s/%s.md5", dir, name);
	ref = fopen(path, "r");
	for (i = 0; ref && i < (size_t)n_shown; i++) {
		char line[64];

		if (!fgets(line, sizeof(line), ref))
			break;
		matched += !strncmp(line, shown[i], 32);
	}
	if (ref)
		fclose(ref);
	fprintf(stderr, "corpus %s: %d pictures, %d/%d frames match the reference\n", name,
		(int)s.count, matched, frames);
	CHECK(n_shown == frames && matched == frames, "%s: %d/%d", name, matched, frames);
out:
	if (dec)
		dv_backend_lavc.destroy(dec);
	free(data);
	free(capture);
	free(shown);
	free(c.req.bitstream);
	t_stream_free(&s);
}

static void run_corpus(const char *dir)
{
	char path[4096], line[512], name[128];
	int w, h, frames;
	FILE *list;

	snprintf(path, sizeof(path), "%s/clips.txt", dir);
	list = fopen(path, "r");
	CHECK(list != NULL, "no %s", path);
	while (list && fgets(line, sizeof(line), list))
		if (sscanf(line, "%127s %d %d %d", name, &w, &h, &frames) == 4)
			run_corpus_clip(dir, name, w, h, frames);
	if (list)
		fclose(list);
}

int main(void)
{
	const struct stream_config configs[] = {
		{ "I/P/B, 2 B pictures", 176, 144, 30, 2, 0, 0, 0, 0, 0, 0,
		  V4L2_MPEG2_PIC_FLAG_PROGRESSIVE | V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT },
		{ "interlaced frame pictures, top field first, alternate scan", 176, 144, 24, 2,
		  1, 1, 0, 0, 0, 0,
		  V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST | V4L2_MPEG2_PIC_FLAG_ALT_SCAN },
		{ "custom matrices, intra VLC, non-linear quantiser, 10-bit DC", 176, 144, 24, 2,
		  0, 0, 1, 1, 2, 1,
		  V4L2_MPEG2_PIC_FLAG_INTRA_VLC | V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE },
		{ "odd size 175x99, interlaced", 175, 99, 20, 2, 1, 0, 0, 0, 0, 1,
		  V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST },
	};
	size_t i;

	if (getenv("DV_TEST_DEBUG"))
		dv_log_max = DV_LOG_DEBUG;
	if (!avcodec_find_encoder_by_name("mpeg2video")) {
		fprintf(stderr, "mpeg2video encoder not available: skipped\n");
		return DV_TEST_SKIP;
	}
	if (dv_backend_lavc.load()) {
		fprintf(stderr, "the backend cannot load libavcodec\n");
		return 1;
	}
	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		run_stream(&configs[i]);
	if (getenv("DV_MPEG2_CORPUS"))
		run_corpus(getenv("DV_MPEG2_CORPUS"));
	return TEST_RESULT();
}
