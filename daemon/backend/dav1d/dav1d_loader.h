/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libdav1d, loaded at run time with dlopen() like libavcodec: only its
 * headers are used at build time. Dav1dSettings and Dav1dPicture change
 * between API majors (libdav1d.so.6 -> .so.7), so only the soname of the
 * major the daemon was compiled against is loaded; another installed major
 * is named in the error.
 */
#ifndef DV_DAV1D_LOADER_H
#define DV_DAV1D_LOADER_H

#include <dav1d/dav1d.h>

#define DV_DAV1D_FN(name) __typeof__(name) *name

struct dv_dav1d {
	DV_DAV1D_FN(dav1d_version);
	DV_DAV1D_FN(dav1d_default_settings);
	DV_DAV1D_FN(dav1d_open);
	DV_DAV1D_FN(dav1d_close);
	DV_DAV1D_FN(dav1d_flush);
	DV_DAV1D_FN(dav1d_send_data);
	DV_DAV1D_FN(dav1d_get_picture);
	DV_DAV1D_FN(dav1d_picture_unref);
	DV_DAV1D_FN(dav1d_data_create);
	DV_DAV1D_FN(dav1d_data_unref);
	DV_DAV1D_FN(dav1d_data_wrap);
	DV_DAV1D_FN(dav1d_get_frame_delay);
};

/*
 * Loads libdav1d once per process. Returns 0 with *@d set, -ENOENT (no
 * libdav1d of the compiled-in major) or -ELIBBAD (a symbol is missing or
 * the library reports another API major).
 */
int dv_dav1d_load(const struct dv_dav1d **d);

#endif
