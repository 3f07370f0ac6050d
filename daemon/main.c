// SPDX-License-Identifier: BSD-2-Clause
/*
 * daedalus_v4l2_daemon: decodes the requests of daedalus-v4l2's contexts.
 *
 *   daedalus_v4l2_daemon daemon [--node PATH] [--user NAME] [--verbose]
 *                               [--dump-jobs DIR] [--status-file PATH]
 *                               [--threads N]
 *   daedalus_v4l2_daemon status [--status-file PATH]
 *
 * The status subcommand prints what the running daemon reports
 * (status/status.h, docs/status.md); its exit code is its own.
 *
 * Exit codes: 0 on SIGTERM/SIGINT, 1 usage, 2 no usable decoder library,
 * 3 bridge unavailable (module missing, another daemon, version mismatch),
 * 4 runtime failure.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "backend/backend.h"
#include "bridge/bridge.h"
#include "bridge/capture_map.h"
#include "bridge/context.h"
#include "status/status.h"
#include "util/log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: daedalus_v4l2_daemon daemon [--node PATH] [--user NAME] [--verbose]\n"
		"                                   [--dump-jobs DIR] [--status-file PATH]\n"
		"                                   [--threads N] [--job-delay-ms N]\n"
		"       daedalus_v4l2_daemon status [--status-file PATH]\n"
		"  --node PATH  bridge node (default %s)\n"
		"  --user NAME  switch to this user once the bridge is open\n"
		"  --verbose    debug logging\n"
		"  --dump-jobs DIR  write every job message as received to DIR (debugging:\n"
		"               tests/unit can replay them without a device)\n"
		"  --status-file PATH  where the daemon writes its status every second, and\n"
		"               where status reads it (default %s)\n"
		"  --threads N  decode threads of one stream at most (default: one per CPU;\n"
		"               all streams together get about one per CPU)\n"
		"  --job-delay-ms N  hold every job N ms before decoding it (testing: a\n"
		"               decoder as slow on any machine as the watchdog tests need)\n",
		DV_BRIDGE_NODE, DV_STATUS_FILE_DEFAULT);
}

/* A whole decimal number from @min to @max: 0, or -1 for anything else. */
static int parse_number(const char *s, long min, long max, long *out)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Gives up root once the bridge is open: decoding needs no privilege. */
static int drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		dv_err("no user %s", user);
		return -1;
	}
	if (setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		dv_err("switching to user %s failed: %s", user, strerror(errno));
		return -1;
	}
	dv_info("running as %s", user);
	return 0;
}

int main(int argc, char **argv)
{
	const char *node = DV_BRIDGE_NODE, *user = NULL, *status_path = DV_STATUS_FILE_DEFAULT;
	long owner_uid = -1, owner_gid = -1;
	struct dv_msgbuf msg = { 0 };
	struct pollfd pfd[2];
	sigset_t signals;
	int bridge, sfd, ret, status = 0;

	if (argc >= 2 && !strcmp(argv[1], "status"))
		return dv_status_command(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "daemon")) {
		usage(argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc > 1 && !strcmp(argv[1], "--help") ? 0 : 1;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--node") && i + 1 < argc) {
			node = argv[++i];
		} else if (!strcmp(argv[i], "--user") && i + 1 < argc) {
			user = argv[++i];
		} else if (!strcmp(argv[i], "--status-file") && i + 1 < argc) {
			status_path = argv[++i];
		} else if (!strcmp(argv[i], "--dump-jobs") && i + 1 < argc) {
			dv_contexts_dump_jobs(argv[++i]);
		} else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
			long n;

			if (parse_number(argv[++i], 1, 256, &n)) {
				usage(stderr);
				return 1;
			}
			dv_threads_configure((int)n);
		} else if (!strcmp(argv[i], "--job-delay-ms") && i + 1 < argc) {
			long ms;

			if (parse_number(argv[++i], 0, 60000, &ms)) {
				usage(stderr);
				return 1;
			}
			dv_contexts_delay_jobs((unsigned int)ms);
		} else if (!strcmp(argv[i], "--verbose")) {
			dv_log_max = DV_LOG_DEBUG;
		} else {
			usage(stderr);
			return 1;
		}
	}

	if (dv_backend_lavc.load()) {
		dv_err("no usable libavcodec: install FFmpeg's libavcodec of the version this daemon was built for");
		return 2;
	}
	dv_backends_warm_up();

	/* Signals arrive through a file descriptor, beside the bridge. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigprocmask(SIG_BLOCK, &signals, NULL);
	sfd = signalfd(-1, &signals, SFD_CLOEXEC);

	bridge = dv_bridge_open(node);
	if (bridge < 0)
		return 3;
	/* Only an attached daemon reports: a refused second one must not. */
	if (user) {
		struct passwd *pw = getpwnam(user);

		if (pw) {
			owner_uid = (long)pw->pw_uid;
			owner_gid = (long)pw->pw_gid;
		}
	}
	dv_status_init(status_path, owner_uid, owner_gid);
	if (user && drop_privileges(user))
		return 4;
	dv_status_attached(node, DV_BRIDGE_VERSION);
	dv_status_start();

	pfd[0] = (struct pollfd){ .fd = bridge, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			dv_err("poll: %s", strerror(errno));
			status = 4;
			break;
		}
		if (pfd[1].revents) {
			dv_info("stopping on signal");
			break;
		}
		while ((ret = dv_bridge_recv(bridge, &msg)) > 0)
			dv_contexts_dispatch(bridge, &msg);
		if (ret < 0) {
			status = 4;
			break;
		}
	}

	/* Closing the bridge ends every job we still hold with ERROR. */
	close(bridge);
	dv_contexts_shutdown();
	dv_status_stop();
	free(msg.data);
	return status;
}
