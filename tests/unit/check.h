/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal checking for the unit tests: count failures, print where. */
#ifndef DV_TEST_CHECK_H
#define DV_TEST_CHECK_H

#include <stdio.h>

/* meson's exit code for a skipped test. */
#define DV_TEST_SKIP	77

extern int dv_test_failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			dv_test_failures++;				\
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	CHECK((long long)(a) == (long long)(b), "%s = %lld, %s = %lld",	\
	      #a, (long long)(a), #b, (long long)(b))

/* Ends main(): 0 if every check passed. */
#define TEST_RESULT()							\
	(dv_test_failures ?						\
	 (fprintf(stderr, "%d check(s) failed\n", dv_test_failures), 1) : 0)

#define DV_TEST_DEFINE_FAILURES	int dv_test_failures

#endif
