/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libavcodec and libavutil, loaded at run time with dlopen(): the daemon
 * does not need FFmpeg installed to start (other backends may serve), and
 * it loads only the FFmpeg major whose headers it was compiled against,
 * because struct layouts (AVCodecContext, AVFrame, AVPacket) change between
 * majors. Every function the backend calls goes through this table.
 */
#ifndef DV_LAVC_LOADER_H
#define DV_LAVC_LOADER_H

#include <libavcodec/avcodec.h>
#include <libavutil/buffer.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>

/* A member named and typed like the library function it points to. */
#define DV_LAVC_FN(name) __typeof__(name) *name

struct dv_lavc {
	/* libavcodec */
	DV_LAVC_FN(avcodec_version);
	DV_LAVC_FN(avcodec_find_decoder_by_name);
	DV_LAVC_FN(avcodec_alloc_context3);
	DV_LAVC_FN(avcodec_free_context);
	DV_LAVC_FN(avcodec_open2);
	DV_LAVC_FN(avcodec_send_packet);
	DV_LAVC_FN(avcodec_receive_frame);
	DV_LAVC_FN(avcodec_flush_buffers);
	DV_LAVC_FN(avcodec_align_dimensions2);
	DV_LAVC_FN(av_packet_alloc);
	DV_LAVC_FN(av_packet_free);
	/* libavutil */
	DV_LAVC_FN(avutil_version);
	DV_LAVC_FN(av_frame_alloc);
	DV_LAVC_FN(av_frame_free);
	DV_LAVC_FN(av_frame_unref);
	DV_LAVC_FN(av_buffer_create);
	DV_LAVC_FN(av_buffer_ref);
	DV_LAVC_FN(av_buffer_unref);
	DV_LAVC_FN(av_buffer_get_ref_count);
	DV_LAVC_FN(av_buffer_pool_init2);
	DV_LAVC_FN(av_buffer_pool_get);
	DV_LAVC_FN(av_buffer_pool_uninit);
	DV_LAVC_FN(av_log_set_callback);
};

/*
 * Loads both libraries once per process (later calls return the first
 * result) and routes their log to dv_log(). Returns 0 with *@lavc set, or
 * -ENOENT (no libavcodec of the compiled-in major; the log says which
 * majors were found instead) or -ELIBBAD (a symbol is missing, or the
 * library reports another version than its soname).
 */
int dv_lavc_load(const struct dv_lavc **lavc);

#endif
