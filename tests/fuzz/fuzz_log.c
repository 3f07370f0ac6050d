// SPDX-License-Identifier: BSD-2-Clause
/*
 * daemon/log.c for the fuzz targets: every message is still formatted (a
 * bad argument to a format would be caught), but printed only with
 * DV_FUZZ_LOG set in the environment, to read a reproducer's story
 * without slowing the fuzzing down.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/log.h"

enum dv_log_level dv_log_max = DV_LOG_DEBUG;

void dv_log(enum dv_log_level level, const char *fmt, ...)
{
	static int print = -1;
	char line[1024];
	va_list ap;

	if (level > dv_log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (print < 0)
		print = getenv("DV_FUZZ_LOG") != NULL;
	if (print)
		fprintf(stderr, "<%d>%s\n", level, line);
}
