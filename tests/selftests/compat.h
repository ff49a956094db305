/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced (-include) into the two KVM selftests of Debian's linux-source-6.1
 * that do not build as shipped; tests/selftests/build.sh adds it to those
 * two only.  Debian's stable updates brought in changes written for newer
 * trees:
 *
 * - the uapi <asm/kvm.h> declares its variable-length arrays with
 *   __DECLARE_FLEX_ARRAY() but does not include <linux/stddef.h>, which
 *   defines it; steal_time.c includes <asm/kvm.h> before anything else
 *   has brought it in.
 * - dirty_log_test.c calls TEST_ASSERT_EQ(), which 6.1's test_util.h does
 *   not have yet.  Define it from the TEST_ASSERT() that test_util.h does
 *   have, with both values in the message.
 */
#include <linux/stddef.h>

#ifndef TEST_ASSERT_EQ
#define TEST_ASSERT_EQ(a, b)						\
	TEST_ASSERT((a) == (b), "%s == %s failed: %lld is not %lld",	\
		    #a, #b, (long long)(a), (long long)(b))
#endif
