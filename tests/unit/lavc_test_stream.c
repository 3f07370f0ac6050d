// SPDX-License-Identifier: BSD-2-Clause
/* The libavcodec decode tests' shared stream support (lavc_test_stream.h). */
#include "lavc_test_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "check.h"
#include "output/pixel_out.h"

void t_stream_add(struct t_stream *s, const uint8_t *data, size_t size, int64_t pts)
{
	struct t_packet *p;

	s->packets = realloc(s->packets, (s->count + 1) * sizeof(*s->packets));
	p = &s->packets[s->count++];
	p->data = malloc(size);
	memcpy(p->data, data, size);
	p->size = size;
	p->pts = pts;
}

void t_stream_remove(struct t_stream *s, size_t first, size_t n)
{
	size_t i;

	for (i = first; i < first + n; i++)
		free(s->packets[i].data);
	memmove(&s->packets[first], &s->packets[first + n],
		(s->count - first - n) * sizeof(s->packets[0]));
	s->count -= n;
}

void t_stream_free(struct t_stream *s)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		free(s->packets[i].data);
	free(s->packets);
	memset(s, 0, sizeof(*s));
}

int t_encode(AVCodecContext *enc, const char *name, int frames, t_draw_fn *draw,
	     const void *opaque, struct t_stream *s)
{
	AVFrame *frame = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	int ret = -1, i;

	if (avcodec_open2(enc, NULL, NULL) < 0) {
		fprintf(stderr, "%s: %s refused the settings\n", name, enc->codec->name);
		goto out;
	}
	frame->format = enc->pix_fmt;
	frame->width = enc->width;
	frame->height = enc->height;
	if (av_frame_get_buffer(frame, 0) < 0)
		goto out;
	/* One more round than pictures: the NULL frame drains the encoder. */
	for (i = 0; i <= frames; i++) {
		if (i < frames) {
			av_frame_make_writable(frame);
			draw(frame, i, opaque);
			frame->pts = i;
		}
		if (avcodec_send_frame(enc, i < frames ? frame : NULL) < 0)
			goto out;
		while (avcodec_receive_packet(enc, pkt) >= 0) {
			if (s)
				t_stream_add(s, pkt->data, (size_t)pkt->size, pkt->pts);
			av_packet_unref(pkt);
		}
	}
	ret = 0;
out:
	av_packet_free(&pkt);
	av_frame_free(&frame);
	return ret;
}

int t_next_nal(const uint8_t *buf, size_t size, size_t *pos,
	       const uint8_t **nal, size_t *nal_size)
{
	size_t i = *pos, start;

	while (i + 3 <= size && !(buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1))
		i++;
	if (i + 3 > size)
		return 0;
	start = i + 3;
	/* Up to the next 00 00 01, or the 00 00 00 of a 4-byte start code. */
	for (i = start; i + 3 <= size; i++)
		if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] <= 1)
			break;
	if (i + 3 > size)
		i = size;
	*pos = i;
	*nal = buf + start;
	*nal_size = i - start;
	return 1;
}

uint8_t *t_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		data = malloc((size_t)n);
		if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return data;
}

void t_capture_format(struct dv_format *fmt, uint32_t codec, uint32_t bit_depth,
		      uint32_t w, uint32_t h, uint32_t cap_w, uint32_t cap_h)
{
	uint32_t stride = (cap_w * (bit_depth > 8 ? 2 : 1) + 63) / 64 * 64;

	memset(fmt, 0, sizeof(*fmt));
	fmt->codec = codec;
	fmt->bit_depth = bit_depth;
	fmt->coded_width = w;
	fmt->coded_height = h;
	fmt->capture_fourcc = bit_depth > 8 ? V4L2_PIX_FMT_P010 : V4L2_PIX_FMT_NV12;
	fmt->capture_width = cap_w;
	fmt->capture_height = cap_h;
	fmt->bytesperline = stride;
	fmt->sizeimage = stride * (cap_h + cap_h / 2);
}

int t_same_picture(const struct dv_format *fmt, uint32_t w, uint32_t h,
		   const uint8_t *a, const uint8_t *b)
{
	const size_t bps = fmt->bit_depth > 8 ? 2 : 1;
	const size_t chroma = (size_t)fmt->bytesperline * fmt->capture_height;
	uint32_t y;

	for (y = 0; y < h; y++)
		if (memcmp(a + (size_t)y * fmt->bytesperline, b + (size_t)y * fmt->bytesperline,
			   w * bps))
			return 0;
	/* Interleaved CbCr: an odd width rounds up to a whole pair. */
	for (y = 0; y < (h + 1) / 2; y++)
		if (memcmp(a + chroma + (size_t)y * fmt->bytesperline,
			   b + chroma + (size_t)y * fmt->bytesperline, (w + 1) / 2 * 2 * bps))
			return 0;
	return 1;
}

int t_reference_decode(AVCodecContext *dec, const struct t_stream *s,
		       const struct dv_format *fmt, uint8_t **pictures, size_t slots,
		       unsigned int flags)
{
	AVFrame *frame = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	size_t i;
	int out = -1;

	if (avcodec_open2(dec, NULL, NULL) < 0)
		goto fail;
	out = 0;
	/* One more round than packets: the NULL packet drains the decoder. */
	for (i = 0; i <= s->count; i++) {
		int refused;

		if (i < s->count) {
			pkt->data = s->packets[i].data;
			pkt->size = (int)s->packets[i].size;
			pkt->pts = s->packets[i].pts;
		}
		refused = avcodec_send_packet(dec, i < s->count ? pkt : NULL) < 0;
		if (flags & T_REF_NO_REFUSAL)
			CHECK(!refused, "reference: packet %zu refused", i);
		else if (refused)
			fprintf(stderr, "reference: packet %zu refused\n", i);
		while (avcodec_receive_frame(dec, frame) >= 0) {
			struct dv_yuv420_picture pic = {
				.plane = { frame->data[0], frame->data[1], frame->data[2] },
				.linesize = { frame->linesize[0], frame->linesize[1],
					      frame->linesize[2] },
				.width = (uint32_t)frame->width,
				.height = (uint32_t)frame->height,
				.bit_depth = fmt->bit_depth,
			};
			int64_t k = flags & T_REF_OUTPUT_ORDER ? out : frame->pts;
			uint32_t used;

			if (flags & T_REF_CAPTURE_SIZE)
				CHECK((uint32_t)frame->width == fmt->capture_width &&
				      (uint32_t)frame->height == fmt->capture_height,
				      "reference frame %dx%d", frame->width, frame->height);
			if (k >= 0 && (uint64_t)k < slots && !pictures[k]) {
				pictures[k] = calloc(1, fmt->sizeimage);
				CHECK(dv_pixel_out_write(&pic, fmt, pictures[k], fmt->sizeimage,
							 &used) == 0,
				      "reference frame %dx%d", frame->width, frame->height);
				out++;
			}
			av_frame_unref(frame);
		}
	}
fail:
	av_packet_free(&pkt);
	av_frame_free(&frame);
	return out;
}

int t_decode_request(struct dv_decoder *dec, const struct dv_format *fmt,
		     const struct t_request *req, uint64_t timestamp, uint8_t *capture)
{
	struct dv_decode_job job = {
		.fmt = fmt,
		.ctrls = req->ctrls.buf,
		.ctrls_size = req->ctrls.size,
		.bitstream = req->bitstream,
		.bitstream_size = req->size,
		.capture = capture,
		.capture_size = fmt->sizeimage,
		.timestamp = timestamp,
	};
	uint32_t used = 0;
	int ret;

	memset(capture, 0xcd, fmt->sizeimage);
	ret = dv_backend_lavc.decode(dec, &job, &used);
	if (!ret)
		CHECK_EQ(used, fmt->sizeimage);
	return ret;
}
