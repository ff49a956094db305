/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHECK(cond, fmt, ...) for vmctl's unit tests: count a pass, or print a
 * TAP "not ok" line naming what failed and where.  Each test file defines
 * CHECK_WHAT (the prefix of its lines) and reports the counts at the end.
 */
#ifndef VMCTL_TESTS_CHECK_H
#define VMCTL_TESTS_CHECK_H

#include <stdio.h>

static int failed, passed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("not ok - " CHECK_WHAT ": ");			\
		printf(__VA_ARGS__);					\
		printf(" (%s:%d)\n", __FILE__, __LINE__);		\
	}								\
} while (0)

#endif /* VMCTL_TESTS_CHECK_H */
