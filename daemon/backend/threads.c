// SPDX-License-Identifier: BSD-2-Clause
/*
 * The decode thread budget. Every decoder used to get a thread per CPU
 * (libavcodec's thread_count 0), so N contexts ran N times as many decode
 * threads as there are CPUs, each stream slowing the others down with
 * context switches. Now a decoder gets up to a thread per CPU while the
 * process runs fewer than CPUs + 1 in total (the one extra keeps a CPU busy
 * while a thread waits for its picture to be written), else 1. Decoders
 * cannot change their thread count once open, so the first stream gets the
 * most; docs/performance.md says what that costs.
 */
#include <pthread.h>
#include <unistd.h>

#include "backend/backend.h"

static pthread_mutex_t dv_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static int dv_threads_cap;		/* per decoder; 0: CPUs */
static int dv_threads_used;

int dv_threads_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

void dv_threads_configure(int per_decoder_cap)
{
	pthread_mutex_lock(&dv_threads_lock);
	dv_threads_cap = per_decoder_cap > 0 ? per_decoder_cap : 0;
	pthread_mutex_unlock(&dv_threads_lock);
}

int dv_threads_take(void)
{
	const int cpus = dv_threads_cpus();
	int want, left, n;

	pthread_mutex_lock(&dv_threads_lock);
	want = dv_threads_cap ? dv_threads_cap : cpus;
	left = cpus + 1 - dv_threads_used;
	n = want < left ? want : left;
	if (n < 1)
		n = 1;
	dv_threads_used += n;
	pthread_mutex_unlock(&dv_threads_lock);
	return n;
}

void dv_threads_give(int n)
{
	pthread_mutex_lock(&dv_threads_lock);
	dv_threads_used -= n;
	if (dv_threads_used < 0)
		dv_threads_used = 0;
	pthread_mutex_unlock(&dv_threads_lock);
}
