// SPDX-License-Identifier: BSD-2-Clause
/*
 * `daedalus_v4l2_daemon status`: is the module loaded, is a daemon
 * attached, and what each context is decoding, from /sys/module, the
 * module's debugfs counters and the daemon's status file. Every field is
 * described in docs/status.md.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "status/status.h"

#define DV_MODULE_DIR	"/sys/module/daedalus_v4l2"
#define DV_DEBUGFS_STATS	"/sys/kernel/debug/daedalus-v4l2/stats"
/* The writer runs every second; older than this and it is not running. */
#define DV_STATUS_STALE_SECONDS	5.0

static void dv_status_usage(FILE *out)
{
	fprintf(out,
		"usage: daedalus_v4l2_daemon status [--status-file PATH]\n"
		"  --status-file PATH  the daemon's status file (default %s)\n"
		"Exit code 0 when the module is loaded and a daemon is attached, 1 otherwise.\n",
		DV_STATUS_FILE_DEFAULT);
}

/* The first line of @path, newline removed; 0 or -1 (errno set). */
static int dv_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

/* The /dev node of the @cls device whose @attr file says "daedalus-v4l2". */
static int dv_find_node(const char *cls, const char *prefix, const char *attr,
			char *node, size_t size)
{
	DIR *dir = opendir(cls);
	struct dirent *e;
	int found = -1;

	if (!dir)
		return -1;
	while (found && (e = readdir(dir))) {
		char path[512], value[128];

		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", cls, e->d_name, attr);
		if (!dv_read_line(path, value, sizeof(value)) && !strcmp(value, "daedalus-v4l2")) {
			snprintf(node, size, "/dev/%s", e->d_name);
			found = 0;
		}
	}
	closedir(dir);
	return found;
}

static void dv_format_duration(double s, char *buf, size_t size)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, size, "%.1f s", s);
	else if (s < 3600)
		snprintf(buf, size, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, size, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
}

static double dv_now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether @pid is a daedalus_v4l2_daemon still alive (another user's counts). */
static bool dv_daemon_alive(long pid)
{
	char path[64], comm[64];

	if (pid <= 0 || (kill((pid_t)pid, 0) && errno != EPERM))
		return false;
	/* A recycled pid is some other program. */
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (!dv_read_line(path, comm, sizeof(comm)))
		return !strncmp(comm, "daedalus_v4l2", strlen("daedalus_v4l2"));
	return true;
}

static bool dv_print_module(void)
{
	char video[300] = "", media[300] = "", version[64] = "";
	struct stat st;

	if (stat(DV_MODULE_DIR, &st)) {
		printf("module    not loaded (no %s): modprobe daedalus_v4l2\n", DV_MODULE_DIR);
		return false;
	}
	dv_find_node("/sys/class/video4linux", "video", "name", video, sizeof(video));
	dv_find_node("/sys/bus/media/devices", "media", "model", media, sizeof(media));
	dv_read_line(DV_MODULE_DIR "/version", version, sizeof(version));
	printf("module    loaded%s%s: decoder %s, media %s\n", version[0] ? ", version " : "",
	       version, video[0] ? video : "(no video node)", media[0] ? media : "(no media node)");
	return true;
}

static void dv_print_counters(bool loaded)
{
	static const char *const names[] = { "contexts", "jobs_pending", "jobs_with_daemon",
					     "jobs_submitted", "jobs_done", "jobs_error" };
	long long v[6] = { 0 };
	char key[64];
	long long value;
	FILE *f;

	if (!loaded)
		return;
	f = fopen(DV_DEBUGFS_STATS, "r");
	if (!f) {
		if (errno == EACCES || errno == EPERM)
			printf("counters  not readable: %s needs root\n", DV_DEBUGFS_STATS);
		else
			printf("counters  no %s: is debugfs mounted? (mount -t debugfs none /sys/kernel/debug)\n",
			       DV_DEBUGFS_STATS);
		return;
	}
	while (fscanf(f, "%63[^:]: %lld\n", key, &value) == 2)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(key, names[i]))
				v[i] = value;
	fclose(f);
	printf("counters  %lld contexts; jobs: %lld submitted, %lld done, %lld error, %lld pending (%lld with the daemon)\n",
	       v[0], v[3], v[4], v[5], v[1], v[2]);
}

/* The daemon line; true if a daemon is attached. */
static bool dv_print_daemon(const char *path, const struct dv_status_snapshot *snap, int err)
{
	double now = dv_now_real(), age = now - snap->updated;
	char up[32], old[32];

	if (err) {
		if (err == ENOENT)
			printf("daemon    not running: no status file %s (a running daemon writes it every second)\n",
			       path);
		else if (err == EINVAL)
			printf("daemon    unknown: %s is not a status file\n", path);
		else
			printf("daemon    unknown: %s: %s\n", path, strerror(err));
		return false;
	}
	dv_format_duration(now - snap->started, up, sizeof(up));
	dv_format_duration(age, old, sizeof(old));
	if (!snap->running) {
		printf("daemon    not running: pid %ld stopped %s ago\n", snap->pid, old);
		return false;
	}
	if (!dv_daemon_alive(snap->pid)) {
		printf("daemon    not running: pid %ld is gone (its last status is %s old)\n",
		       snap->pid, old);
		return false;
	}
	if (age > DV_STATUS_STALE_SECONDS) {
		printf("daemon    not responding: pid %ld is alive, but its status is %s old\n",
		       snap->pid, old);
		return false;
	}
	printf("daemon    attached: pid %ld, up %s, %s, bridge protocol %u (this program speaks %u)\n",
	       snap->pid, up, snap->node[0] ? snap->node : "?", snap->protocol, DV_BRIDGE_VERSION);
	return true;
}

static int dv_row_cmp(const void *a, const void *b)
{
	const struct dv_status_ctx_row *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static void dv_print_ms(int64_t us)
{
	if (us < 0)
		printf(" %8s", "-");
	else
		printf(" %8.2f", us / 1000.0);
}

static void dv_print_contexts(struct dv_status_snapshot *snap, bool attached)
{
	double since = dv_now_real() - snap->updated;
	char old[32];

	if (!attached) {
		if (!snap->n_ctx)
			return;
		dv_format_duration(since, old, sizeof(old));
		printf("\nthe contexts of pid %ld's last status, %s ago:\n", snap->pid, old);
	} else if (!snap->n_ctx) {
		printf("\nno contexts: no client has the device open\n");
		return;
	}
	qsort(snap->ctx, snap->n_ctx, sizeof(snap->ctx[0]), dv_row_cmp);
	printf("%s%4s  %-14s %-6s %-10s %-15s %7s %6s %6s %7s %8s %8s  %s\n",
	       attached ? "\n" : "", "ctx", "state", "codec", "coded", "capture", "done",
	       "failed", "cancel", "fps", "p50 ms", "p99 ms", "backend");
	for (size_t i = 0; i < snap->n_ctx; i++) {
		const struct dv_status_ctx_row *r = &snap->ctx[i];
		char state[48], coded[24] = "-", capture[32] = "-", dur[32];

		if (r->open) {
			snprintf(state, sizeof(state), "open");
		} else {
			dv_format_duration(r->age + since, dur, sizeof(dur));
			snprintf(state, sizeof(state), "closed %s", dur);
		}
		if (r->coded_w)
			snprintf(coded, sizeof(coded), "%ux%u", r->coded_w, r->coded_h);
		if (r->capture_w)
			snprintf(capture, sizeof(capture), "%s %ux%u", r->capture, r->capture_w,
				 r->capture_h);
		printf("%4u  %-14s %-6s %-10s %-15s %7llu %6llu %6llu %7.2f", r->id, state, r->codec,
		       coded, capture, (unsigned long long)r->done, (unsigned long long)r->failed,
		       (unsigned long long)r->cancelled, r->fps);
		dv_print_ms(r->p50_us);
		dv_print_ms(r->p99_us);
		if (r->backend[0])
			printf("  %s, %d thread%s\n", r->backend, r->threads, r->threads == 1 ? "" : "s");
		else
			printf("  -\n");
	}
}

int dv_status_command(int argc, char **argv)
{
	const char *path = DV_STATUS_FILE_DEFAULT;
	struct dv_status_snapshot snap;
	bool loaded, attached;
	int err = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--status-file") && i + 1 < argc) {
			path = argv[++i];
		} else if (!strcmp(argv[i], "--help")) {
			dv_status_usage(stdout);
			return 0;
		} else {
			dv_status_usage(stderr);
			return 2;
		}
	}

	memset(&snap, 0, sizeof(snap));
	f = fopen(path, "r");
	if (!f)
		err = errno;
	else if (dv_status_parse(f, &snap))
		err = EINVAL;
	if (f)
		fclose(f);

	loaded = dv_print_module();
	attached = dv_print_daemon(path, &snap, err);
	dv_print_counters(loaded);
	if (!err)
		dv_print_contexts(&snap, attached);
	dv_status_snapshot_free(&snap);
	return loaded && attached ? 0 : 1;
}
