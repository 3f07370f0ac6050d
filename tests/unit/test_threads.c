// SPDX-License-Identifier: BSD-2-Clause
/*
 * The decode thread budget (daemon/backend/threads.c): a decoder alone
 * gets a thread per CPU, the next ones what is left of CPUs + 1, and once
 * that is used one each (a decoder needs one); --threads caps a decoder,
 * and threads given back are there for the next decoder.
 */
#include "backend/backend.h"
#include "check.h"

DV_TEST_DEFINE_FAILURES;

int main(void)
{
	const int cpus = dv_threads_cpus();
	int a, b, c, total;

	CHECK(cpus >= 1, "%d CPUs", cpus);
	dv_threads_configure(0);
	a = dv_threads_take();
	CHECK_EQ(a, cpus);
	b = dv_threads_take();
	c = dv_threads_take();
	total = a + b + c;
	/* What is left of CPUs + 1, and past it one thread each. */
	CHECK_EQ(b, cpus + 1 - a > 1 ? cpus + 1 - a : 1);
	CHECK_EQ(c, cpus + 1 - a - b > 1 ? cpus + 1 - a - b : 1);
	CHECK(total <= cpus + 1 || c == 1, "3 decoders run %d threads on %d CPUs",
	      total, cpus);
	dv_threads_give(c);
	dv_threads_give(b);
	dv_threads_give(a);
	/* All back: the next decoder is alone again. */
	a = dv_threads_take();
	CHECK_EQ(a, cpus);
	dv_threads_give(a);
	/* --threads 1 caps each decoder. */
	dv_threads_configure(1);
	a = dv_threads_take();
	b = dv_threads_take();
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 1);
	dv_threads_give(a);
	dv_threads_give(b);
	/* A cap above the CPUs still keeps the total. */
	dv_threads_configure(64);
	a = dv_threads_take();
	CHECK(a <= cpus + 1, "%d threads for one decoder on %d CPUs", a, cpus);
	dv_threads_give(a);
	return TEST_RESULT();
}
