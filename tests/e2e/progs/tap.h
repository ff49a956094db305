/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for the in-machine test programs, in the manner of
 * the KVM selftests: every check names what it did and, on failure, the
 * value and errno it got.
 */
#ifndef HVX_TESTS_TAP_H
#define HVX_TESTS_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_failed;

static inline void tap_result(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", pass ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!pass)
		tap_failed = 1;
}

/* An ioctl-style call that must return @want. */
#define TAP_EXPECT_RET(call, want, what) do {				\
	long __r = (call);						\
	int __e = errno;						\
	tap_result(__r == (long)(want), "%s returns %ld", what,	\
		   (long)(want));					\
	if (__r != (long)(want))					\
		printf("#   %s: got %ld (errno %d %s)\n", #call, __r,	\
		       __e, strerror(__e));				\
} while (0)

/* A call that must fail with @err. */
#define TAP_EXPECT_ERRNO(call, err, what) do {				\
	long __r = (call);						\
	int __e = errno;						\
	tap_result(__r == -1 && __e == (err), "%s fails with %s",	\
		   what, #err);						\
	if (!(__r == -1 && __e == (err)))				\
		printf("#   %s: got %ld (errno %d %s)\n", #call, __r,	\
		       __e, strerror(__e));				\
} while (0)

#endif /* HVX_TESTS_TAP_H */
