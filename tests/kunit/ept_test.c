// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: EPT entries, mapping, walking, splitting and unmapping, on real
 * tables with made-up host addresses; and the iTLB multihit mitigation's
 * rules (kmod/ept/nx.h).
 */
#include <kunit/test.h>

#include "../../kmod/ept/ept.c"
#include "../../kmod/ept/nx.h"

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

/* What the flush callback of a split saw. */
struct split_flush {
	struct kunit *test;
	struct hvx_ept *ept;
	u64 gpa;
	int calls;
};

static void split_flush(void *data)
{
	struct split_flush *f = data;
	int level;

	f->calls++;
	/* Break before make: nothing maps the range while CPUs flush. */
	KUNIT_EXPECT_EQ(f->test, hvx_ept_lookup(f->ept, f->gpa, &level), 0ULL);
	KUNIT_EXPECT_FALSE(f->test, hvx_ept_has_table(f->ept, f->gpa, 2));
}

/* Released leaves: each must be a 4 KiB one inside [lo, lo + 2 MiB). */
struct split_release {
	u64 lo;
	int n, bad;
};

static void split_release(u64 entry, int level, void *data)
{
	struct split_release *r = data;
	u64 hpa = entry & HVX_EPT_ADDR_MASK;

	r->n++;
	if (level != 1 || (entry & HVX_EPT_LEAF) || hpa < r->lo ||
	    hpa >= r->lo + hvx_ept_level_size(2))
		r->bad++;
}

/*
 * The 512 leaves of a split 2 MiB leaf, @gpa to @hpa with @prot: how many
 * are not what they should be.
 */
static int split_leaves_wrong(struct hvx_ept *ept, u64 gpa, u64 hpa,
			      u64 prot)
{
	int i, level, wrong = 0;

	for (i = 0; i < HVX_EPT_ENTRIES; i++) {
		u64 e = hvx_ept_lookup(ept, gpa + i * PAGE_SIZE + 0x123, &level);

		if (level != 1 ||
		    e != hvx_ept_leaf_entry(hpa + i * PAGE_SIZE, 1, prot))
			wrong++;
	}
	return wrong;
}

static void ept_split_2m_maps_512_executable_4k_leaves(struct kunit *test)
{
	struct hvx_ept ept;
	struct split_flush f = { .test = test, .ept = &ept,
				 .gpa = 0x40123456 };
	struct split_release r = { .lo = 0x80000000 };
	unsigned long tables;
	int level;
	u64 e;

	KUNIT_ASSERT_EQ(test, hvx_ept_init(&ept), 0);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 0x40000000, 0x80000000, 2,
					  HVX_EPT_READ | HVX_EPT_WRITE), 0);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 0x40200000, 0x90000000, 2,
					  HVX_EPT_READ | HVX_EPT_WRITE), 0);
	tables = ept.nr_tables;
	KUNIT_EXPECT_FALSE(test, hvx_ept_has_table(&ept, 0x40000000, 2));

	KUNIT_EXPECT_EQ(test, hvx_ept_split_2m(&ept, 0x40123456, HVX_EPT_RWX,
					       split_flush, &f), 0);
	KUNIT_EXPECT_EQ(test, f.calls, 1);
	/* One more table, 512 leaves of 4 KiB for one of 2 MiB. */
	KUNIT_EXPECT_EQ(test, ept.nr_tables, tables + 1);
	KUNIT_EXPECT_EQ(test, ept.nr_2m, 1UL);
	KUNIT_EXPECT_EQ(test, ept.nr_4k, 512UL);
	KUNIT_EXPECT_TRUE(test, hvx_ept_has_table(&ept, 0x40000000, 2));
	/* Each maps its own 4 KiB of the same memory, executable, WB. */
	KUNIT_EXPECT_EQ(test, split_leaves_wrong(&ept, 0x40000000, 0x80000000,
						 HVX_EPT_RWX), 0);
	e = hvx_ept_lookup(&ept, 0x401ff000, &level);
	KUNIT_EXPECT_EQ(test, e, 0x801ff000ULL | HVX_EPT_RWX |
			(HVX_EPT_MEMTYPE_WB << HVX_EPT_MEMTYPE_SHIFT) |
			HVX_EPT_IPAT);
	/* The neighbour keeps its 2 MiB leaf, and its rights. */
	e = hvx_ept_lookup(&ept, 0x40200000, &level);
	KUNIT_EXPECT_EQ(test, level, 2);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_RWX, HVX_EPT_READ | HVX_EPT_WRITE);

	/* Unmapping gives back 512 pages of 4 KiB, each once. */
	KUNIT_EXPECT_EQ(test, hvx_ept_unmap_range(&ept, 0x40000000, 0x40200000,
						  split_release, &r), 512UL);
	KUNIT_EXPECT_EQ(test, r.n, 512);
	KUNIT_EXPECT_EQ(test, r.bad, 0);
	KUNIT_EXPECT_EQ(test, ept.nr_4k, 0UL);
	hvx_ept_destroy(&ept, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ept.nr_tables, 0UL);
}

static void ept_split_2m_keeps_a_rom_read_only(struct kunit *test)
{
	struct hvx_ept ept;
	struct split_flush f = { .test = test, .ept = &ept,
				 .gpa = 0xfe000000 };

	KUNIT_ASSERT_EQ(test, hvx_ept_init(&ept), 0);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 0xfe000000, 0x200000, 2,
					  HVX_EPT_READ), 0);
	KUNIT_EXPECT_EQ(test, hvx_ept_split_2m(&ept, 0xfe000000,
					       HVX_EPT_READ | HVX_EPT_EXEC,
					       split_flush, &f), 0);
	KUNIT_EXPECT_EQ(test, split_leaves_wrong(&ept, 0xfe000000, 0x200000,
						 HVX_EPT_READ | HVX_EPT_EXEC),
			0);
	hvx_ept_destroy(&ept, NULL, NULL);
}

static void ept_split_2m_needs_a_2m_leaf(struct kunit *test)
{
	struct hvx_ept ept;
	struct split_flush f = { .test = test, .ept = &ept };

	KUNIT_ASSERT_EQ(test, hvx_ept_init(&ept), 0);
	/* Nothing mapped, and 4 KiB leaves: nothing to split, no flush. */
	KUNIT_EXPECT_EQ(test, hvx_ept_split_2m(&ept, 0x40000000, HVX_EPT_RWX,
					       split_flush, &f), -ENOENT);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 0x1000, 0x777000, 1,
					  HVX_EPT_RWX), 0);
	KUNIT_EXPECT_EQ(test, hvx_ept_split_2m(&ept, 0x1000, HVX_EPT_RWX,
					       split_flush, &f), -ENOENT);
	KUNIT_EXPECT_EQ(test, f.calls, 0);
	KUNIT_EXPECT_EQ(test, ept.nr_4k, 1UL);
	KUNIT_EXPECT_TRUE(test, hvx_ept_has_table(&ept, 0, 2));
	hvx_ept_destroy(&ept, NULL, NULL);
}

/*
 * Dirty logging's two steps on a 4 KiB leaf: write access taken away
 * (once: the second time there is none to take) with the leaf marked as
 * once writable, and given back; nothing happens without a 4 KiB leaf.
 */
static void ept_write_protect_and_back(struct kunit *test)
{
	struct hvx_ept ept;
	int level;
	u64 e;

	KUNIT_ASSERT_EQ(test, hvx_ept_init(&ept), 0);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 0x5000, 0x777000, 1,
					  HVX_EPT_RWX), 0);
	KUNIT_EXPECT_TRUE(test, hvx_ept_write_protect(&ept, 0x5abc));
	e = hvx_ept_lookup(&ept, 0x5000, &level);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_RWX, HVX_EPT_READ | HVX_EPT_EXEC);
	KUNIT_EXPECT_TRUE(test, e & HVX_EPT_WAS_WRITABLE);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_ADDR_MASK, 0x777000ULL);
	KUNIT_EXPECT_FALSE(test, hvx_ept_write_protect(&ept, 0x5000));

	hvx_ept_make_writable(&ept, 0x5000);
	e = hvx_ept_lookup(&ept, 0x5000, &level);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_RWX, HVX_EPT_RWX);

	/* No leaf there, or a 2 MiB one: left alone. */
	KUNIT_EXPECT_FALSE(test, hvx_ept_write_protect(&ept, 0x9000));
	hvx_ept_make_writable(&ept, 0x9000);
	KUNIT_EXPECT_EQ(test, hvx_ept_lookup(&ept, 0x9000, &level), 0ULL);
	KUNIT_ASSERT_EQ(test, hvx_ept_map(&ept, 0x40000000, 0x80000000, 2,
					  HVX_EPT_RWX), 0);
	KUNIT_EXPECT_FALSE(test, hvx_ept_write_protect(&ept, 0x40000000));
	e = hvx_ept_lookup(&ept, 0x40000000, &level);
	KUNIT_EXPECT_EQ(test, e & HVX_EPT_RWX, HVX_EPT_RWX);
	hvx_ept_destroy(&ept, NULL, NULL);
}

static struct kunit_case ept_cases[] = {
	KUNIT_CASE(ept_entries_have_the_sdm_layout),
	KUNIT_CASE(ept_map_lookup_unmap),
	KUNIT_CASE(ept_destroy_releases_every_leaf),
	KUNIT_CASE(ept_split_2m_maps_512_executable_4k_leaves),
	KUNIT_CASE(ept_split_2m_keeps_a_rom_read_only),
	KUNIT_CASE(ept_split_2m_needs_a_2m_leaf),
	KUNIT_CASE(ept_write_protect_and_back),
	{}
};

static struct kunit_suite ept_suite = {
	.name = "hvx_ept",
	.test_cases = ept_cases,
};

kunit_test_suite(ept_suite);

static void nx_huge_pages_takes_kvms_words(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("auto"), HVX_NX_AUTO);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("off"), HVX_NX_OFF);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("force"), HVX_NX_FORCE);
	/* echo adds a newline. */
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("force\n"), HVX_NX_FORCE);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("on"), HVX_NX_FORCE);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("Y"), HVX_NX_FORCE);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("1"), HVX_NX_FORCE);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("N"), HVX_NX_OFF);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("0"), HVX_NX_OFF);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("never"), HVX_NX_OFF);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse("sometimes"), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_nx_parse(""), -EINVAL);
}

static void nx_huge_pages_auto_follows_the_host(struct kunit *test)
{
	/* auto: on where the CPU has the erratum, unless mitigations=off. */
	KUNIT_EXPECT_TRUE(test, hvx_nx_decide(HVX_NX_AUTO, true, false));
	KUNIT_EXPECT_FALSE(test, hvx_nx_decide(HVX_NX_AUTO, true, true));
	KUNIT_EXPECT_FALSE(test, hvx_nx_decide(HVX_NX_AUTO, false, false));
	/* force and off are obeyed everywhere. */
	KUNIT_EXPECT_TRUE(test, hvx_nx_decide(HVX_NX_FORCE, false, false));
	KUNIT_EXPECT_TRUE(test, hvx_nx_decide(HVX_NX_FORCE, true, true));
	KUNIT_EXPECT_FALSE(test, hvx_nx_decide(HVX_NX_OFF, true, false));
}

/* The permissions of the 2 MiB leaf hvx_ept_map() makes for @prot. */
static u64 huge_leaf_rights(struct kunit *test, u64 prot, bool nx)
{
	struct hvx_ept ept;
	int level = 0;
	u64 e;

	KUNIT_EXPECT_EQ(test, hvx_ept_init(&ept), 0);
	KUNIT_EXPECT_EQ(test, hvx_ept_map(&ept, 0x40000000, 0x80000000, 2,
					  hvx_nx_huge_prot(prot, nx)), 0);
	e = hvx_ept_lookup(&ept, 0x40000000, &level);
	KUNIT_EXPECT_EQ(test, level, 2);
	hvx_ept_destroy(&ept, NULL, NULL);
	return e & HVX_EPT_RWX;
}

static void nx_huge_pages_2m_leaves_not_executable_when_on(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, huge_leaf_rights(test, HVX_EPT_RWX, true),
			HVX_EPT_READ | HVX_EPT_WRITE);
	KUNIT_EXPECT_EQ(test, huge_leaf_rights(test, HVX_EPT_RWX, false),
			HVX_EPT_RWX);
	/* A read-only slot's leaves: R|X, or R alone when on. */
	KUNIT_EXPECT_EQ(test, huge_leaf_rights(test, HVX_EPT_READ | HVX_EPT_EXEC,
					       true), HVX_EPT_READ);
	KUNIT_EXPECT_EQ(test, huge_leaf_rights(test, HVX_EPT_READ | HVX_EPT_EXEC,
					       false),
			HVX_EPT_READ | HVX_EPT_EXEC);
}

static void nx_huge_pages_fetches_map_4k_when_on(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hvx_nx_max_level(HVX_EPT_EXEC, true), 1);
	KUNIT_EXPECT_EQ(test, hvx_nx_max_level(HVX_EPT_READ, true), 2);
	KUNIT_EXPECT_EQ(test, hvx_nx_max_level(HVX_EPT_WRITE, true), 2);
	KUNIT_EXPECT_EQ(test, hvx_nx_max_level(HVX_EPT_EXEC, false), 2);
}

static struct kunit_case nx_huge_pages_cases[] = {
	KUNIT_CASE(nx_huge_pages_takes_kvms_words),
	KUNIT_CASE(nx_huge_pages_auto_follows_the_host),
	KUNIT_CASE(nx_huge_pages_2m_leaves_not_executable_when_on),
	KUNIT_CASE(nx_huge_pages_fetches_map_4k_when_on),
	{}
};

static struct kunit_suite nx_huge_pages_suite = {
	.name = "hvx_nx_huge_pages",
	.test_cases = nx_huge_pages_cases,
};

kunit_test_suite(nx_huge_pages_suite);
