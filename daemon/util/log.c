// SPDX-License-Identifier: BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

enum dv_log_level dv_log_max = DV_LOG_INFO;

void dv_log(enum dv_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > dv_log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so lines of parallel contexts never interleave. */
	fprintf(stderr, "<%d>%s\n", level, line);
}
