// SPDX-License-Identifier: BSD-2-Clause
/*
 * bridge-fuzz: a hostile daemon. It attaches to /dev/daedalus-v4l2 and,
 * while clients keep requests coming, sends the module a seeded stream of
 * calls: takes messages into too-small, NULL, read-only and unmapped
 * buffers; completes real jobs with garbage statuses and sizes, twice, in
 * the wrong order, and jobs that never existed; calls unknown ioctls and the
 * known ones with wrong sizes and pointers; says hello again; writes into,
 * closes and leaks the CAPTURE dmabufs it gets; detaches and re-attaches.
 * The module must refuse what is wrong, keep what is right, and its
 * clients must see every request complete. A daemon process the module's
 * watchdog kills (for sitting on jobs) is replaced by a new one, as systemd
 * would, until the run's calls are made.
 *
 * usage: bridge-fuzz SEED MESSAGES [NODE]
 * Prints a table of what it did and what the module answered; exits 1 if
 * the module accepted something it must refuse (a completion of a job id it
 * never sent, an unknown status) or refused the hello.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daedalus_v4l2_bridge.h"

#define RECV_BUF	(4u << 20)
#define KEEP_JOBS	64
#define KEEP_FDS	16

enum op { OP_RECV, OP_RECV_BAD, OP_COMPLETE, OP_COMPLETE_DUP, OP_COMPLETE_BAD,
	  OP_COMPLETE_NEVER, OP_IOCTL, OP_HELLO, OP_FILE, OP_REATTACH, OP_COUNT };
static const char *const op_names[OP_COUNT] = {
	"recv", "recv into bad memory", "complete a job", "complete again",
	"complete with garbage", "complete a job never sent", "unknown/malformed ioctl",
	"hello again", "read/write/mmap the node", "detach and re-attach",
};
/*
 * What every daemon process of the run counts, in memory shared across the
 * fork()s: the module kills a daemon that sits on its jobs (per op: calls
 * made, accepted; failures; what was received).
 */
static struct tally {
	unsigned long long made[OP_COUNT], accepted[OP_COUNT];
	unsigned long long jobs_seen, fds_seen;
	int failures;
} *tally;
#define made		(tally->made)
#define accepted	(tally->accepted)
#define failures	(tally->failures)
#define jobs_seen	(tally->jobs_seen)
#define fds_seen	(tally->fds_seen)

struct job {
	uint64_t id;
	uint32_t capture_size;
};

static struct job live[KEEP_JOBS], ended[KEEP_JOBS];
static unsigned int n_live, n_ended;
static int fds[KEEP_FDS];
static unsigned int n_fds;

static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(next_rand() % n);
}

static int bridge_open(const char *node)
{
	struct dv_hello hello = { .version = DV_BRIDGE_VERSION };
	int fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, DV_IOC_HELLO, &hello)) {
		printf("FAIL: attaching to %s: %s\n", node, strerror(errno));
		exit(1);
	}
	return fd;
}

static void keep_fd(int fd)
{
	fds_seen++;
	if (n_fds == KEEP_FDS) {
		close(fds[0]);
		memmove(fds, fds + 1, sizeof(fds) - sizeof(fds[0]));
		n_fds--;
	}
	fds[n_fds++] = fd;
}

/* Do what a daemon may do with a CAPTURE dmabuf: write all of it, or drop it. */
static void use_fd(int fd, uint32_t size)
{
	void *p;

	switch (below(4)) {
	case 0:
		close(fd);
		return;
	case 1:
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			memset(p, (int)below(256), size);
			munmap(p, size);
		}
		break;
	}
	keep_fd(fd);
}

static void remember(struct job *list, unsigned int *n, struct job j)
{
	if (*n == KEEP_JOBS) {
		memmove(list, list + 1, (KEEP_JOBS - 1) * sizeof(*list));
		(*n)--;
	}
	list[(*n)++] = j;
}

static void forget_live(unsigned int i)
{
	remember(ended, &n_ended, live[i]);
	memmove(live + i, live + i + 1, (n_live - i - 1) * sizeof(*live));
	n_live--;
}

static void do_recv(int fd, uint8_t *buf, uint8_t *ro, enum op op)
{
	struct dv_recv r = { .buf = (uintptr_t)buf, .buf_size = RECV_BUF };
	struct dv_msg_job job;
	struct dv_msg_header hdr;
	uint32_t room = RECV_BUF;	/* bytes really writable at r.buf */

	if (op == OP_RECV_BAD) {
		switch (below(6)) {
		case 0: r.buf = 0; room = 0; break;
		case 1: r.buf = (uintptr_t)ro; room = 0; break;	/* read-only */
		case 2:		/* runs off the end into an unmapped page */
			r.buf = (uintptr_t)(buf + RECV_BUF - 64);
			room = 64;
			break;
		case 3: r.buf_size = below(sizeof(struct dv_msg_job)); break;
		case 4: r.buf = (uintptr_t)1; r.buf_size = 0xffffffffu; room = 0; break;
		default: r.buf = ~(uint64_t)0 - below(4096); room = 0; break;
		}
	}
	made[op]++;
	if (ioctl(fd, DV_IOC_RECV, &r))
		return;
	accepted[op]++;
	/* A message that fits where it may go is fine; anything else is not. */
	if (r.msg_size > room || r.msg_size > r.buf_size) {
		printf("FAIL: RECV of %u bytes into %#llx (size %u, %u writable) succeeded\n",
		       r.msg_size, (unsigned long long)r.buf, r.buf_size, room);
		failures++;
		return;
	}
	if (r.buf != (uintptr_t)buf)
		return;	/* a small event landed near the end: not ours to parse */
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.size != r.msg_size || hdr.size > r.buf_size) {
		printf("FAIL: message of %u bytes, RECV says %u\n", hdr.size, r.msg_size);
		failures++;
		return;
	}
	if (hdr.type != DV_MSG_JOB)
		return;
	memcpy(&job, buf, sizeof(job));
	if (job.ctrls_offset + (uint64_t)job.ctrls_size > hdr.size ||
	    job.bitstream_offset + (uint64_t)job.bitstream_size > hdr.size) {
		printf("FAIL: job %llu: payloads outside the message\n",
		       (unsigned long long)job.job_id);
		failures++;
	}
	jobs_seen++;
	remember(live, &n_live, (struct job){ job.job_id, job.capture_size });
	if (job.capture_fd >= 0)
		use_fd(job.capture_fd, job.capture_size);
}

static void do_complete(int fd, enum op op)
{
	struct dv_complete c = { 0 };
	unsigned int i = 0;
	int must_refuse = 0, r;

	switch (op) {
	case OP_COMPLETE:
		if (!n_live)
			return;
		i = below(n_live);
		c.job_id = live[i].id;
		/* Mostly what a good daemon says. */
		switch (below(4)) {
		case 0:
		case 1: c.status = DV_STATUS_ERROR; break;
		default:
			c.status = DV_STATUS_HAS_PIXELS;
			c.bytesused = 1 + below(live[i].capture_size);
		}
		break;
	case OP_COMPLETE_DUP:
		if (!n_ended)
			return;
		c.job_id = ended[below(n_ended)].id;
		c.status = 1 + below(3);
		c.bytesused = (uint32_t)next_rand();
		break;
	case OP_COMPLETE_BAD:
		if (!n_live)
			return;
		i = below(n_live);
		c.job_id = live[i].id;
		switch (below(3)) {
		case 0:		/* no such status */
			c.status = below(2) ? 0 : 4 + (uint32_t)next_rand() % 0xfffffff0u;
			must_refuse = 1;
			break;
		case 1:		/* pixels that do not fit, or none */
			c.status = DV_STATUS_HAS_PIXELS;
			c.bytesused = below(2) ? 0 : live[i].capture_size + 1 + below(1 << 20);
			must_refuse = 1;
			break;
		default:	/* protocol 1's SRC_CONSUMED, gone in 2 */
			c.status = 1;
			must_refuse = 1;
		}
		break;
	default:	/* OP_COMPLETE_NEVER: ids far beyond any the module made */
		c.job_id = (1ull << 62) + next_rand() % (1ull << 61);
		c.status = 1 + below(3);
		must_refuse = 1;
		break;
	}
	made[op]++;
	r = ioctl(fd, DV_IOC_COMPLETE, &c);
	if (!r)
		accepted[op]++;
	if (!r && must_refuse) {
		printf("FAIL: completion of job %llu status %u bytesused %u was accepted\n",
		       (unsigned long long)c.job_id, c.status, c.bytesused);
		failures++;
	}
	/* The job is over unless the status was unknown: */
	if (op == OP_COMPLETE || op == OP_COMPLETE_BAD) {
		if (r && errno == EINVAL && c.status != DV_STATUS_HAS_PIXELS)
			return;	/* unknown status: nothing happened */
		forget_live(i);
	}
}

static void do_ioctl(int fd, uint8_t *buf)
{
	static const unsigned int known[] = { DV_IOC_HELLO, DV_IOC_RECV, DV_IOC_COMPLETE };
	unsigned int cmd;
	void *arg;

	for (int k = 0; k < 64; k++)
		buf[k] = (uint8_t)next_rand();
	switch (below(3)) {
	case 0:		/* anything in our type */
		cmd = _IOC(below(4), 'D', below(16), below(256));
		break;
	case 1:		/* a known number with another size or direction */
		cmd = known[below(3)];
		cmd = _IOC(below(4), _IOC_TYPE(cmd), _IOC_NR(cmd), below(64));
		break;
	default:	/* something else entirely */
		cmd = (uint32_t)next_rand();
	}
	if (cmd == DV_IOC_HELLO || cmd == DV_IOC_RECV || cmd == DV_IOC_COMPLETE)
		cmd ^= 0x80;
	arg = below(4) ? (void *)buf : below(2) ? NULL : (void *)(uintptr_t)next_rand();
	made[OP_IOCTL]++;
	if (!ioctl(fd, cmd, arg))
		accepted[OP_IOCTL]++;
}

static int do_hello(int fd)
{
	struct dv_hello h = { .version = DV_BRIDGE_VERSION };

	if (below(2)) {
		h.version = (uint32_t)next_rand();
		h.reserved[below(6)] = (uint32_t)next_rand();
	}
	made[OP_HELLO]++;
	if (!ioctl(fd, DV_IOC_HELLO, &h)) {
		accepted[OP_HELLO]++;
		return 0;
	}
	return -1;
}

static void do_file(int fd, uint8_t *buf)
{
	void *p;

	made[OP_FILE]++;
	switch (below(3)) {
	case 0:
		if (read(fd, buf, below(4096)) >= 0)
			accepted[OP_FILE]++;
		break;
	case 1:
		if (write(fd, buf, below(4096)) >= 0)
			accepted[OP_FILE]++;
		break;
	default:
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			accepted[OP_FILE]++;
			munmap(p, 4096);
		}
	}
}

/* One daemon process: calls until the run's count is made, or it is killed. */
static void run_daemon(const char *node, unsigned long long total)
{
	uint8_t *buf, *ro;
	unsigned long long sent = 0;
	int fd;

	/* A receive buffer with an unmapped page right after it. */
	buf = mmap(NULL, RECV_BUF + 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, RECV_BUF, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || ro == MAP_FAILED)
		exit(2);
	munmap(buf + RECV_BUF, 4096);
	fd = bridge_open(node);

	for (int i = 0; i < OP_COUNT; i++)
		sent += made[i];
	while (sent < total && !failures) {
		uint32_t dice = below(1000);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		/* Messages waiting are taken most of the time; jobs end mostly well. */
		if (dice < 300) {
			if (poll(&pfd, 1, below(4) ? 0 : 2) == 1)
				do_recv(fd, buf, ro, OP_RECV);
		} else if (dice < 360)
			do_recv(fd, buf, ro, OP_RECV_BAD);
		else if (dice < 640)
			do_complete(fd, OP_COMPLETE);
		else if (dice < 700)
			do_complete(fd, OP_COMPLETE_DUP);
		else if (dice < 780)
			do_complete(fd, OP_COMPLETE_BAD);
		else if (dice < 820)
			do_complete(fd, OP_COMPLETE_NEVER);
		else if (dice < 950)
			do_ioctl(fd, buf);
		else if (dice < 980)
			do_hello(fd);
		else if (dice < 999)
			do_file(fd, buf);
		else {
			/* Leaving ends every job the module gave us, with ERROR. */
			made[OP_REATTACH]++;
			close(fd);
			fd = bridge_open(node);
			accepted[OP_REATTACH]++;
			n_live = 0;
			while (n_fds)
				close(fds[--n_fds]);
		}
		sent = 0;
		for (int i = 0; i < OP_COUNT; i++)
			sent += made[i];
	}
	close(fd);
	exit(0);
}

int main(int argc, char **argv)
{
	const char *node = argc > 3 ? argv[3] : DV_BRIDGE_NODE;
	unsigned long long total, seed, sent = 0;
	unsigned int killed = 0;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SEED MESSAGES [NODE]\n", argv[0]);
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	total = strtoull(argv[2], NULL, 0);
	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tally == MAP_FAILED)
		return 2;
	/*
	 * A daemon that holds a stopped stream's jobs, or makes no progress,
	 * is killed by the module's watchdog: then the next one attaches, as
	 * systemd would start it, and the run goes on.
	 */
	for (;;) {
		pid_t pid;

		rng = (seed + killed) * 0x9e3779b97f4a7c15ull + 1;
		pid = fork();
		if (pid < 0)
			return 2;
		if (!pid)
			run_daemon(node, total);
		if (waitpid(pid, &status, 0) != pid)
			return 2;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			killed++;
			continue;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) == 2)
			return 2;
		break;
	}
	for (int i = 0; i < OP_COUNT; i++)
		sent += made[i];

	printf("%-28s %10s %10s %10s\n", "call", "made", "accepted", "refused");
	for (int i = 0; i < OP_COUNT; i++)
		printf("%-28s %10llu %10llu %10llu\n", op_names[i], made[i], accepted[i],
		       made[i] - accepted[i]);
	printf("messages: %llu, jobs received: %llu, dmabufs received: %llu, killed by the watchdog: %u, failures: %d\n",
	       sent, jobs_seen, fds_seen, killed, failures);
	return failures ? 1 : 0;
}
