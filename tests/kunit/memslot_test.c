// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: memory slot checks (alignment, wrapping, overlap, limits) and
 * lookups.
 */
#include <kunit/test.h>

#include "../../kmod/ept/memslot.c"

#define MB (1ULL << 20)

static void add(struct hvx_memslots *s, u32 id, u64 gpa, u64 size, u64 hva)
{
	struct hvx_memslot_request req = {
		.id = id, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = hva,
	};

	hvx_memslot_set(s, &req);
}

struct check_case {
	const char *what;
	struct hvx_memslot_request req;
	int want;
};

/* Against a table holding slot 0 at [1M, 3M) and slot 5 at [16M, 32M). */
static const struct check_case check_cases[] = {
	{ "a new slot below the others", { 1, 0, 0, MB, 0x7f0000000000 }, 0 },
	{ "a new slot touching slot 0's end", { 1, 0, 3 * MB, MB, 0x7f0000000000 }, 0 },
	{ "overlapping slot 0's start", { 1, 0, 0, 2 * MB, 0x7f0000000000 }, -EEXIST },
	{ "inside slot 5", { 1, 0, 20 * MB, MB, 0x7f0000000000 }, -EEXIST },
	{ "covering slot 5", { 1, 0, 8 * MB, 64 * MB, 0x7f0000000000 }, -EEXIST },
	{ "slot 0 moved over its own old range", { 0, 0, 2 * MB, 2 * MB, 0x7f0000000000 }, 0 },
	{ "slot 0 resized into slot 5", { 0, 0, 1 * MB, 16 * MB, 0x7f0000000000 }, -EEXIST },
	{ "deleting slot 5", { 5, 0, 0, 0, 0 }, 0 },
	{ "deleting slot 2, which is not there", { 2, 0, 0, 0, 0 }, -EINVAL },
	{ "an unaligned guest address", { 1, 0, 0x1800, 4096, 0x7f0000000000 }, -EINVAL },
	{ "an unaligned size", { 1, 0, 64 * MB, 100, 0x7f0000000000 }, -EINVAL },
	{ "an unaligned host address", { 1, 0, 64 * MB, 4096, 0x7f0000000010 }, -EINVAL },
	{ "a guest range that wraps", { 1, 0, ~0ULL - 4095, 8192, 0x7f0000000000 }, -EINVAL },
	{ "a host range that wraps", { 1, 0, 64 * MB, 8192, ~0ULL - 4095 }, -EINVAL },
	{ "beyond 48 bits of guest address", { 1, 0, 1ULL << 48, 4096, 0x7f0000000000 }, -EINVAL },
	{ "ending exactly at 2^48", { 1, 0, (1ULL << 48) - 4096, 4096, 0x7f0000000000 }, 0 },
	{ "2^31 - 1 pages, KVM's most",
	  { 1, 0, 1ULL << 40, ((1ULL << 31) - 1) << 12, 0x100000000 }, 0 },
	{ "2^31 pages", { 1, 0, 1ULL << 40, 1ULL << 43, 0x100000000 }, -EINVAL },
	{ "slot id 32", { 32, 0, 64 * MB, 4096, 0x7f0000000000 }, -EINVAL },
	{ "address space 1", { 0x10001, 0, 64 * MB, 4096, 0x7f0000000000 }, -EINVAL },
	{ "an unknown flag", { 1, 0x80, 64 * MB, 4096, 0x7f0000000000 }, -EINVAL },
};

static void memslot_check_cases(struct kunit *test)
{
	struct hvx_memslots *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	add(s, 0, 1 * MB, 2 * MB, 0x7f0000000000);
	add(s, 5, 16 * MB, 16 * MB, 0x7f1000000000);
	for (i = 0; i < ARRAY_SIZE(check_cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, hvx_memslot_check(s, &check_cases[i].req, 0),
				    check_cases[i].want, "%s", check_cases[i].what);
}

static void memslot_find_picks_the_covering_slot(struct kunit *test)
{
	struct hvx_memslots *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	const struct hvx_memslot *slot;

	KUNIT_ASSERT_NOT_NULL(test, s);
	add(s, 0, 1 * MB, 2 * MB, 0x7f0000000000);
	add(s, 31, 16 * MB, 16 * MB, 0x7f1000000000);

	KUNIT_EXPECT_NULL(test, hvx_memslot_find(s, 0));
	KUNIT_EXPECT_PTR_EQ(test, hvx_memslot_find(s, MB >> PAGE_SHIFT), &s->slot[0]);
	KUNIT_EXPECT_PTR_EQ(test, hvx_memslot_find(s, (3 * MB >> PAGE_SHIFT) - 1),
			    &s->slot[0]);
	KUNIT_EXPECT_NULL(test, hvx_memslot_find(s, 3 * MB >> PAGE_SHIFT));
	slot = hvx_memslot_find(s, (20 * MB) >> PAGE_SHIFT);
	KUNIT_ASSERT_PTR_EQ(test, slot, &s->slot[31]);
	KUNIT_EXPECT_EQ(test, hvx_memslot_hva(slot, (20 * MB) >> PAGE_SHIFT),
			0x7f1000000000UL + 4 * MB);
	KUNIT_EXPECT_NULL(test, hvx_memslot_find(s, (32 * MB) >> PAGE_SHIFT));
}

/* Lookups stop at the highest slot in use: deleting it brings that down. */
static void memslot_end_follows_the_highest_slot(struct kunit *test)
{
	struct hvx_memslots *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->end, 0u);
	add(s, 0, MB, MB, 0x7f0000000000);
	KUNIT_EXPECT_EQ(test, s->end, 1u);
	add(s, 31, 64 * MB, MB, 0x7f0000100000);
	KUNIT_EXPECT_EQ(test, s->end, 32u);
	KUNIT_EXPECT_PTR_EQ(test, hvx_memslot_find(s, 64 * MB >> PAGE_SHIFT),
			    &s->slot[31]);
	add(s, 7, 32 * MB, MB, 0x7f0000200000);
	add(s, 31, 64 * MB, 0, 0);		/* deleted */
	KUNIT_EXPECT_EQ(test, s->end, 8u);
	KUNIT_EXPECT_NULL(test, hvx_memslot_find(s, 64 * MB >> PAGE_SHIFT));
	KUNIT_EXPECT_PTR_EQ(test, hvx_memslot_find(s, 32 * MB >> PAGE_SHIFT),
			    &s->slot[7]);
	add(s, 7, 0, 0, 0);
	add(s, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, s->end, 0u);
	KUNIT_EXPECT_NULL(test, hvx_memslot_find(s, MB >> PAGE_SHIFT));
}

static struct kunit_case memslot_cases[] = {
	KUNIT_CASE(memslot_check_cases),
	KUNIT_CASE(memslot_find_picks_the_covering_slot),
	KUNIT_CASE(memslot_end_follows_the_highest_slot),
	{}
};

static struct kunit_suite memslot_suite = {
	.name = "hvx_memslot",
	.test_cases = memslot_cases,
};

kunit_test_suite(memslot_suite);
