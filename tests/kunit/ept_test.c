// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: EPT entries, mapping, walking and unmapping, on real tables with
 * made-up host addresses.
 */
#include <kunit/test.h>

#include "../../kmod/ept/ept.c"

static void ept_entries_have_the_sdm_layout(struct kunit *test)
{
	/* R, W, X; memory type WB (6) in bits 5:3; IPAT; address. */
	KUNIT_EXPECT_EQ(test, hvx_ept_leaf_entry(0x12345000, 1, HVX_EPT_RWX),
			0x12345000ULL | 7 | (6 << 3) | BIT(6));
	/* A 2 MiB leaf has bit 7 set. */
	KUNIT_EXPECT_EQ(test, hvx_ept_leaf_entry(0x40000000, 2, HVX_EPT_READ),
			0x40000000ULL | 1 | (6 << 3) | BIT(6) | BIT(7));
	/* A table entry: address and RWX, nothing else. */
	KUNIT_EXPECT_EQ(test, hvx_ept_table_entry(0xabcdef000), 0xabcdef007ULL);
	/* Indexes: 9 bits per level above the 12-bit page offset. */
	KUNIT_EXPECT_EQ(test, hvx_ept_index(0x0000ff8040201000ULL, 4), 0x1ffU);
	KUNIT_EXPECT_EQ(test, hvx_ept_index(0x0000ff8040201000ULL, 3), 1U);
	KUNIT_EXPECT_EQ(test, hvx_ept_index(0x0000ff8040201000ULL, 2), 1U);
	KUNIT_EXPECT_EQ(test, hvx_ept_index(0x0000ff8040201000ULL, 1), 1U);
	KUNIT_EXPECT_EQ(test, hvx_ept_level_size(2), 2ULL << 20);
}

static void ept_map_lookup_unmap(struct kunit *test)
{
	struct hvx_ept ept;
	int level = 0;
	u64 e;

	KUNIT_ASSERT_EQ(test, hvx_ept_init(&ept), 0);
	KUNIT_EXPECT_EQ(test, hvx_ept_lookup(&ept, 0x1000, &level), 0ULL);

	KUNIT_EXPECT_EQ(test, hvx_ept_map(&ept, 0x1000, 0x777000, 1, HVX_EPT_RWX), 0);
	/* Root, PDPT, PD and PT now exist. */
	KUNIT_EXPECT_EQ(test, ept.nr_tables, 4UL);
	e = hvx_ept_lookup(&ept, 0x1abc, &level);
	KUNIT_EXPECT_EQ(test, level, 1);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_ADDR_MASK, 0x777000ULL);
	KUNIT_EXPECT_EQ(test, hvx_ept_map(&ept, 0x1000, 0x888000, 1, HVX_EPT_RWX),
			-EEXIST);

	/* A 2 MiB page where a table of 4 KiB pages already is: refused. */
	KUNIT_EXPECT_EQ(test, hvx_ept_map(&ept, 0, 0x40000000, 2, HVX_EPT_RWX),
			-EEXIST);
	/* Elsewhere it goes in, and covers its whole range. */
	KUNIT_EXPECT_EQ(test, hvx_ept_map(&ept, 0x40000000, 0x80000000, 2,
					  HVX_EPT_RWX), 0);
	e = hvx_ept_lookup(&ept, 0x401fffff, &level);
	KUNIT_EXPECT_EQ(test, level, 2);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_ADDR_MASK, 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, ept.nr_4k, 1UL);
	KUNIT_EXPECT_EQ(test, ept.nr_2m, 1UL);

	/* Unmapping a range takes out exactly the leaves inside it. */
	KUNIT_EXPECT_EQ(test, hvx_ept_unmap_range(&ept, 0x40000000, 0x40200000,
						  NULL, NULL), 1UL);
	KUNIT_EXPECT_EQ(test, hvx_ept_lookup(&ept, 0x40000000, &level), 0ULL);
	KUNIT_EXPECT_NE(test, hvx_ept_lookup(&ept, 0x1000, &level), 0ULL);
	KUNIT_EXPECT_EQ(test, ept.nr_2m, 0UL);

	hvx_ept_destroy(&ept, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ept.nr_tables, 0UL);
	KUNIT_EXPECT_EQ(test, ept.nr_4k, 0UL);
}

static void count_release(u64 entry, int level, void *data)
{
	(*(int *)data)++;
}

static void ept_destroy_releases_every_leaf(struct kunit *test)
{
	struct hvx_ept ept;
	int released = 0;
	u64 gpa;

	KUNIT_ASSERT_EQ(test, hvx_ept_init(&ept), 0);
	for (gpa = 0; gpa < 64 * PAGE_SIZE; gpa += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, gpa + (1ULL << 40), gpa, 1,
						  HVX_EPT_RWX), 0);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 1ULL << 30, 0, 2, HVX_EPT_RWX), 0);
	hvx_ept_destroy(&ept, count_release, &released);
	KUNIT_EXPECT_EQ(test, released, 65);
}

static struct kunit_case ept_cases[] = {
	KUNIT_CASE(ept_entries_have_the_sdm_layout),
	KUNIT_CASE(ept_map_lookup_unmap),
	KUNIT_CASE(ept_destroy_releases_every_leaf),
	{}
};

static struct kunit_suite ept_suite = {
	.name = "hvx_ept",
	.test_cases = ept_cases,
};

kunit_test_suite(ept_suite);
