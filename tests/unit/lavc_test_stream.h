/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the decode tests that run the real libavcodec backend against a
 * plain libavcodec decode (test_decode_order.c, test_mpeg2_decode.c,
 * test_hevc_decode.c, test_vp8_decode.c) all need: a coded stream as a
 * list of packets, encoded from a picture sequence each test draws (or
 * split from a file); an Annex-B start-code scanner written independently
 * of the daemon's; the reference decode in the CAPTURE layout; one request
 * through the backend; comparing two CAPTURE pictures. The codec-specific
 * parts (encoder settings, the pictures, the client's controls) stay in
 * the tests. Links the host's libavcodec and libavutil directly, as those
 * tests do (the backend dlopens its own).
 */
#ifndef DV_TEST_LAVC_STREAM_H
#define DV_TEST_LAVC_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>

#include "backend/backend.h"
#include "ctrl_builder.h"

/* One coded packet (a frame, an access unit) and the pts it was given. */
struct t_packet {
	uint8_t *data;
	size_t size;
	int64_t pts;
};

/* A coded stream, in decode order. */
struct t_stream {
	struct t_packet *packets;
	size_t count;
};

/* Appends a copy of the @size bytes at @data. */
void t_stream_add(struct t_stream *s, const uint8_t *data, size_t size, int64_t pts);
/* Frees the @n packets from @first on and closes the gap (a lost packet). */
void t_stream_remove(struct t_stream *s, size_t first, size_t n);
void t_stream_free(struct t_stream *s);

/* Draws picture @t of a test's synthetic sequence into @f (format and
 * size: the encoder's; frame flags too, if the test needs them); @opaque
 * is what the test gave t_encode(). */
typedef void t_draw_fn(AVFrame *f, int t, const void *opaque);

/*
 * Opens @enc (allocated for its encoder, options set), feeds it @frames
 * pictures drawn by @draw with pts 0..@frames - 1, then drains it,
 * appending every packet to @s (NULL: dropped, as in a first pass). The
 * caller frees @enc (after reading stats_out, in a first pass). Returns 0,
 * or -1; a refused setting is said on stderr after @name.
 */
int t_encode(AVCodecContext *enc, const char *name, int frames, t_draw_fn *draw,
	     const void *opaque, struct t_stream *s);

/* The next NAL unit of an Annex-B buffer from *@pos on, without its start
 * code; 0 when there is none. */
int t_next_nal(const uint8_t *buf, size_t size, size_t *pos,
	       const uint8_t **nal, size_t *nal_size);

/* A whole file, malloc()ed; NULL if it cannot be read or is empty. */
uint8_t *t_read_file(const char *path, size_t *size);

/*
 * @codec's CAPTURE format for a coded @w x @h picture: NV12 (8-bit) or
 * P010 (10-bit) of @cap_w x @cap_h, lines rounded up to 64 bytes.
 */
void t_capture_format(struct dv_format *fmt, uint32_t codec, uint32_t bit_depth,
		      uint32_t w, uint32_t h, uint32_t cap_w, uint32_t cap_h);

/* Equal over the top-left @w x @h picture and its chroma in @fmt's
 * layout (not the line padding, nor the CAPTURE area past @w x @h)? */
int t_same_picture(const struct dv_format *fmt, uint32_t w, uint32_t h,
		   const uint8_t *a, const uint8_t *b);

/* How t_reference_decode() files the frames, and what it demands. */
#define T_REF_OUTPUT_ORDER	1u	/* pictures[k]: the k-th frame out,
					 * not the frame of pts k */
#define T_REF_NO_REFUSAL	2u	/* a refused packet fails the test,
					 * rather than being noted */
#define T_REF_CAPTURE_SIZE	4u	/* every frame has the CAPTURE size */

/*
 * The plain decode the backend's pictures must equal: opens @dec
 * (allocated for its decoder, options set; the caller frees it), decodes
 * @s, drains it, and writes each frame in @fmt's layout into a new buffer
 * pictures[k], k < @slots and each slot once. Returns how many it wrote,
 * or -1 if the decoder does not open.
 */
int t_reference_decode(AVCodecContext *dec, const struct t_stream *s,
		       const struct dv_format *fmt, uint8_t **pictures, size_t slots,
		       unsigned int flags);

/* A request as a client queues it: its controls and its OUTPUT buffer's
 * bytes (whoever set bitstream frees it). */
struct t_request {
	struct dv_ctrl_builder ctrls;
	uint8_t *bitstream;
	size_t size;
};

/*
 * @req through the backend into @capture, filled with 0xcd first so that
 * a part left unwritten shows. Returns the backend's result; on success
 * the whole CAPTURE layout must have been used.
 */
int t_decode_request(struct dv_decoder *dec, const struct dv_format *fmt,
		     const struct t_request *req, uint64_t timestamp, uint8_t *capture);

#endif
