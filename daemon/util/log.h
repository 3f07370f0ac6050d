/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Levelled logging to stderr, one line per message, with a syslog-style
 * "<N>" prefix that journald turns into the priority.
 */
#ifndef DV_LOG_H
#define DV_LOG_H

enum dv_log_level { DV_LOG_ERR = 3, DV_LOG_WARN = 4, DV_LOG_INFO = 6, DV_LOG_DEBUG = 7 };

extern enum dv_log_level dv_log_max;

void dv_log(enum dv_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define dv_err(...)	dv_log(DV_LOG_ERR, __VA_ARGS__)
#define dv_warn(...)	dv_log(DV_LOG_WARN, __VA_ARGS__)
#define dv_info(...)	dv_log(DV_LOG_INFO, __VA_ARGS__)
#define dv_dbg(...)	dv_log(DV_LOG_DEBUG, __VA_ARGS__)

#endif
