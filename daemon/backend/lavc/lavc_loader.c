// SPDX-License-Identifier: BSD-2-Clause
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/version.h>
#include <libavutil/version.h>

#include "backend/lavc/lavc_loader.h"
#include "util/log.h"

/* libavcodec majors of FFmpeg 4 .. 9 (58 .. 63): probed only to say which
 * other FFmpeg is installed when the compiled-in major is not. */
static const int dv_lavc_known_majors[] = { 63, 62, 61, 60, 59, 58 };

static struct dv_lavc dv_lavc_table;
static int dv_lavc_status = -ENOENT;
static pthread_once_t dv_lavc_once = PTHREAD_ONCE_INIT;

static void *dv_dlopen_major(const char *lib, int major)
{
	char soname[64];

	snprintf(soname, sizeof(soname), "%s.so.%d", lib, major);
	return dlopen(soname, RTLD_NOW | RTLD_LOCAL);
}

/* Logs which libavcodec majors exist, when the wanted one does not. */
static void dv_lavc_report_missing(const char *why)
{
	char found[128] = "";
	size_t i;

	for (i = 0; i < sizeof(dv_lavc_known_majors) / sizeof(int); i++) {
		int major = dv_lavc_known_majors[i];
		void *h;

		if (major == LIBAVCODEC_VERSION_MAJOR)
			continue;
		h = dv_dlopen_major("libavcodec", major);
		if (!h)
			continue;
		dlclose(h);
		snprintf(found + strlen(found), sizeof(found) - strlen(found),
			 "%slibavcodec.so.%d", found[0] ? ", " : "", major);
	}
	if (found[0])
		dv_err("libavcodec.so.%d cannot be loaded (%s); found %s, but this daemon was built against libavcodec %d headers and cannot use another major: rebuild it against the installed FFmpeg's headers",
		       LIBAVCODEC_VERSION_MAJOR, why, found,
		       LIBAVCODEC_VERSION_MAJOR);
	else
		dv_err("libavcodec.so.%d cannot be loaded (%s), and no other libavcodec is installed: install FFmpeg's libavcodec %d",
		       LIBAVCODEC_VERSION_MAJOR, why, LIBAVCODEC_VERSION_MAJOR);
}

/* Routes libav* messages into our log, one line each. */
static void dv_lavc_log(void *avcl, int level, const char *fmt, va_list vl)
{
	char line[512];
	size_t len;

	(void)avcl;
	if (level > AV_LOG_WARNING)
		return;
	vsnprintf(line, sizeof(line), fmt, vl);
	len = strlen(line);
	while (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len)
		dv_log(level <= AV_LOG_ERROR ? DV_LOG_ERR : DV_LOG_WARN,
		       "libavcodec: %s", line);
}

#define DV_LAVC_SYM(handle, name)					\
	do {								\
		void *sym = dlsym(handle, #name);			\
		if (!sym) {						\
			dv_err("lavc: %s is missing from its library", #name); \
			return -ELIBBAD;				\
		}							\
		/* POSIX guarantees data and function pointers convert. */ \
		memcpy(&dv_lavc_table.name, &sym, sizeof(sym));	\
	} while (0)

static int dv_lavc_resolve(void *avcodec, void *avutil)
{
	DV_LAVC_SYM(avcodec, avcodec_version);
	DV_LAVC_SYM(avcodec, avcodec_find_decoder_by_name);
	DV_LAVC_SYM(avcodec, avcodec_alloc_context3);
	DV_LAVC_SYM(avcodec, avcodec_free_context);
	DV_LAVC_SYM(avcodec, avcodec_open2);
	DV_LAVC_SYM(avcodec, avcodec_send_packet);
	DV_LAVC_SYM(avcodec, avcodec_receive_frame);
	DV_LAVC_SYM(avcodec, avcodec_flush_buffers);
	DV_LAVC_SYM(avcodec, avcodec_align_dimensions2);
	DV_LAVC_SYM(avcodec, av_packet_alloc);
	DV_LAVC_SYM(avcodec, av_packet_free);
	DV_LAVC_SYM(avutil, avutil_version);
	DV_LAVC_SYM(avutil, av_frame_alloc);
	DV_LAVC_SYM(avutil, av_frame_free);
	DV_LAVC_SYM(avutil, av_frame_unref);
	DV_LAVC_SYM(avutil, av_buffer_create);
	DV_LAVC_SYM(avutil, av_buffer_ref);
	DV_LAVC_SYM(avutil, av_buffer_unref);
	DV_LAVC_SYM(avutil, av_buffer_get_ref_count);
	DV_LAVC_SYM(avutil, av_buffer_pool_init2);
	DV_LAVC_SYM(avutil, av_buffer_pool_get);
	DV_LAVC_SYM(avutil, av_buffer_pool_uninit);
	DV_LAVC_SYM(avutil, av_log_set_callback);
	return 0;
}

static int dv_lavc_do_load(void)
{
	unsigned int lavc_major, lavu_major;
	void *avcodec, *avutil;
	int ret;

	avcodec = dv_dlopen_major("libavcodec", LIBAVCODEC_VERSION_MAJOR);
	if (!avcodec) {
		char why[256];

		/* Copied: the probes' dlopen() calls reuse dlerror()'s buffer. */
		snprintf(why, sizeof(why), "%s", dlerror());
		dv_lavc_report_missing(why);
		return -ENOENT;
	}
	/* libavcodec depends on its libavutil: this finds the loaded one. */
	avutil = dv_dlopen_major("libavutil", LIBAVUTIL_VERSION_MAJOR);
	if (!avutil) {
		dv_err("libavutil.so.%d cannot be loaded: %s",
		       LIBAVUTIL_VERSION_MAJOR, dlerror());
		dlclose(avcodec);
		return -ENOENT;
	}
	ret = dv_lavc_resolve(avcodec, avutil);
	if (ret)
		goto fail;
	/* A soname is a promise; the version the library reports is a fact. */
	lavc_major = dv_lavc_table.avcodec_version() >> 16;
	lavu_major = dv_lavc_table.avutil_version() >> 16;
	if (lavc_major != LIBAVCODEC_VERSION_MAJOR ||
	    lavu_major != LIBAVUTIL_VERSION_MAJOR) {
		dv_err("lavc: loaded libavcodec %u / libavutil %u, built for %d / %d",
		       lavc_major, lavu_major, LIBAVCODEC_VERSION_MAJOR,
		       LIBAVUTIL_VERSION_MAJOR);
		ret = -ELIBBAD;
		goto fail;
	}
	dv_lavc_table.av_log_set_callback(dv_lavc_log);
	dv_info("lavc: libavcodec %u.%u.%u loaded",
		dv_lavc_table.avcodec_version() >> 16,
		(dv_lavc_table.avcodec_version() >> 8) & 0xff,
		dv_lavc_table.avcodec_version() & 0xff);
	/* The handles stay open for the life of the process. */
	return 0;
fail:
	memset(&dv_lavc_table, 0, sizeof(dv_lavc_table));
	dlclose(avutil);
	dlclose(avcodec);
	return ret;
}

static void dv_lavc_load_once(void)
{
	dv_lavc_status = dv_lavc_do_load();
}

int dv_lavc_load(const struct dv_lavc **lavc)
{
	pthread_once(&dv_lavc_once, dv_lavc_load_once);
	if (dv_lavc_status)
		return dv_lavc_status;
	*lavc = &dv_lavc_table;
	return 0;
}
