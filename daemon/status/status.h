/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the running daemon is doing, for `daedalus_v4l2_daemon status`.
 *
 * The daemon keeps per-context statistics (codec, sizes, requests done and
 * failed, decode times) and a writer thread puts a snapshot of them in a
 * text status file about once a second, atomically (a temporary file
 * renamed over the old one), so a reader never sees half a file. The
 * status command reads that file, the module's debugfs counters and
 * /sys/module, and prints a table. docs/status.md describes every field.
 *
 * The status file is line-based, "key value" pairs; a reader ignores keys
 * it does not know, so fields can be added without breaking older readers:
 *
 *   daedalus-v4l2-status 1
 *   pid 1234
 *   running 1
 *   updated 1733091234.123
 *   started 1733091200.000
 *   node /dev/daedalus-v4l2
 *   protocol 2
 *   ctx 3 state open age 0.0 codec h264 bit_depth 8 coded 352x288
 *       capture NV12 capture_size 352x288 done 40 failed 0 cancelled 0
 *       fps 24.31 p50_us 11000 p99_us 25000 backend libavcodec threads 2
 *
 * (a ctx entry is one line).
 */
#ifndef DV_STATUS_H
#define DV_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daedalus_v4l2_bridge.h"

#define DV_STATUS_FILE_DEFAULT	"/run/daedalus-v4l2/status"
#define DV_STATUS_FORMAT	1

/* Decode times and completion times kept per context: the last this many jobs. */
#define DV_STATUS_WINDOW_JOBS	1024
/* Frames per second are counted over the last this many seconds. */
#define DV_STATUS_FPS_SECONDS	5
/* Closed contexts stay in the file this long, at most this many of them. */
#define DV_STATUS_KEEP_CLOSED_SECONDS	600
#define DV_STATUS_KEEP_CLOSED	8

struct dv_backend;
struct dv_decoder;

/* --- Daemon side: called from main.c and bridge/context.c. --- */

/*
 * Where the snapshots go. Makes the file's directory if missing and, when
 * @owner_uid is not -1, gives it to that user (the daemon drops to it
 * later and must still be able to replace the file). Never fails the
 * daemon: problems are logged once.
 */
void dv_status_init(const char *path, long owner_uid, long owner_gid);
/* The bridge is open: the node and the protocol version agreed on. */
void dv_status_attached(const char *node, unsigned int protocol);
/* Starts the writer thread (after signals are blocked: it must not take them). */
void dv_status_start(void);
/* Stops the writer and writes a last snapshot saying the daemon stopped. */
void dv_status_stop(void);

void dv_status_context_open(uint32_t ctx_id);
void dv_status_context_closed(uint32_t ctx_id);
/*
 * One job ended, decoded (@ok) or not, after @decode_us of work;
 * @backend and @decoder (either may be NULL) say who decoded it.
 */
void dv_status_job_done(uint32_t ctx_id, const struct dv_format *fmt,
			const struct dv_backend *backend,
			const struct dv_decoder *decoder, int64_t decode_us,
			bool ok);
/* A job given back undecoded because its stream stopped. */
void dv_status_job_cancelled(uint32_t ctx_id);

/*
 * The same with an explicit monotonic clock, in microseconds: what the
 * functions above use with the real one, and what the unit test drives.
 */
void dv_status_context_open_at(uint32_t ctx_id, int64_t now_us);
void dv_status_context_closed_at(uint32_t ctx_id, int64_t now_us);
void dv_status_job_done_at(uint32_t ctx_id, const struct dv_format *fmt,
			   const char *backend_name, int threads,
			   int64_t decode_us, bool ok, int64_t now_us);
/* Writes one snapshot to @out as of @now_us; @running: 0 for the last one. */
void dv_status_snapshot_write(FILE *out, int64_t now_us, bool running);
/* Forgets every context (unit tests). */
void dv_status_reset(void);

/* --- Reader side: the status subcommand. --- */

struct dv_status_ctx_row {
	uint32_t id;
	bool open;
	double age;		/* seconds since it closed, as of "updated" */
	char codec[8];		/* h264, vp9, av1, or "-" before the first job */
	unsigned int bit_depth;
	unsigned int coded_w, coded_h;
	char capture[8];	/* CAPTURE fourcc, e.g. NV12 */
	unsigned int capture_w, capture_h;
	uint64_t done, failed, cancelled;
	double fps;
	int64_t p50_us, p99_us;	/* -1: no job yet */
	char backend[32];
	int threads;
};

struct dv_status_snapshot {
	int format;
	long pid;
	bool running;
	double updated, started;	/* CLOCK_REALTIME seconds */
	char node[256];
	unsigned int protocol;
	size_t n_ctx;
	struct dv_status_ctx_row *ctx;	/* malloc()ed, n_ctx rows */
};

/* Parses a status file; 0, or -1 if it is not one. Free with dv_status_snapshot_free(). */
int dv_status_parse(FILE *in, struct dv_status_snapshot *snap);
void dv_status_snapshot_free(struct dv_status_snapshot *snap);

/* `daedalus_v4l2_daemon status [...]`: argv[0] is "status". Returns the exit code. */
int dv_status_command(int argc, char **argv);

#endif
