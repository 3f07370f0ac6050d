// SPDX-License-Identifier: BSD-2-Clause
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <dav1d/version.h>

#include "backend/dav1d/dav1d_loader.h"
#include "util/log.h"

static struct dv_dav1d dv_dav1d_table;
static int dv_dav1d_status = -ENOENT;
static pthread_once_t dv_dav1d_once = PTHREAD_ONCE_INIT;

#define DV_DAV1D_SYM(handle, name)					\
	do {								\
		void *sym = dlsym(handle, #name);			\
		if (!sym) {						\
			dv_err("dav1d: %s is missing from libdav1d", #name); \
			return -ELIBBAD;				\
		}							\
		memcpy(&dv_dav1d_table.name, &sym, sizeof(sym));	\
	} while (0)

static int dv_dav1d_resolve(void *h)
{
	DV_DAV1D_SYM(h, dav1d_version);
	DV_DAV1D_SYM(h, dav1d_default_settings);
	DV_DAV1D_SYM(h, dav1d_open);
	DV_DAV1D_SYM(h, dav1d_close);
	DV_DAV1D_SYM(h, dav1d_flush);
	DV_DAV1D_SYM(h, dav1d_send_data);
	DV_DAV1D_SYM(h, dav1d_get_picture);
	DV_DAV1D_SYM(h, dav1d_picture_unref);
	DV_DAV1D_SYM(h, dav1d_data_create);
	DV_DAV1D_SYM(h, dav1d_data_unref);
	DV_DAV1D_SYM(h, dav1d_data_wrap);
	DV_DAV1D_SYM(h, dav1d_get_frame_delay);
	return 0;
}

static void dv_dav1d_do_load(void)
{
	static const int other_majors[] = { 8, 7, 6, 5 };
	char soname[32];
	unsigned int (*version_api)(void);
	void *h, *sym;
	size_t i;

	snprintf(soname, sizeof(soname), "libdav1d.so.%d",
		 DAV1D_API_VERSION_MAJOR);
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		char found[64] = "";

		dv_err("dav1d: %s cannot be loaded (%s)", soname, dlerror());
		for (i = 0; i < sizeof(other_majors) / sizeof(int); i++) {
			void *o;

			if (other_majors[i] == DAV1D_API_VERSION_MAJOR)
				continue;
			snprintf(soname, sizeof(soname), "libdav1d.so.%d",
				 other_majors[i]);
			o = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
			if (!o)
				continue;
			dlclose(o);
			snprintf(found, sizeof(found), "%s", soname);
		}
		if (found[0])
			dv_err("dav1d: found %s, but this daemon was built against dav1d API %d headers: rebuild it against the installed dav1d",
			       found, DAV1D_API_VERSION_MAJOR);
		dv_dav1d_status = -ENOENT;
		return;
	}
	if (dv_dav1d_resolve(h)) {
		dv_dav1d_status = -ELIBBAD;
		return;
	}
	/* dav1d_version_api() exists from dav1d 1.3: check it when there. */
	sym = dlsym(h, "dav1d_version_api");
	if (sym) {
		unsigned int api;

		memcpy(&version_api, &sym, sizeof(sym));
		api = version_api();
		if ((api >> 16) != DAV1D_API_VERSION_MAJOR) {
			dv_err("dav1d: %s reports API %u.%u, built against %d",
			       soname, api >> 16, (api >> 8) & 0xff,
			       DAV1D_API_VERSION_MAJOR);
			dv_dav1d_status = -ELIBBAD;
			return;
		}
	}
	dv_info("dav1d: loaded %s (dav1d %s)", soname,
		dv_dav1d_table.dav1d_version());
	dv_dav1d_status = 0;
}

int dv_dav1d_load(const struct dv_dav1d **d)
{
	pthread_once(&dv_dav1d_once, dv_dav1d_do_load);
	if (!dv_dav1d_status)
		*d = &dv_dav1d_table;
	return dv_dav1d_status;
}
