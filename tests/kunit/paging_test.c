// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the guest page-table walker, over a small fake guest memory.
 */
#include <kunit/test.h>

#include "../../kmod/x86/paging.c"

#define MEM_SIZE	(64 * 1024)

static int fake_read(void *ctx, u64 gpa, void *val, unsigned int size)
{
	if (gpa + size > MEM_SIZE)
		return -ENOENT;
	memcpy(val, (u8 *)ctx + gpa, size);
	return 0;
}

static void put64(u8 *mem, u64 gpa, u64 v) { memcpy(mem + gpa, &v, 8); }
static void put32(u8 *mem, u64 gpa, u32 v) { memcpy(mem + gpa, &v, 4); }

static void paging_four_level(struct kunit *test)
{
	u8 *mem = kunit_kzalloc(test, MEM_SIZE, GFP_KERNEL);
	struct hvx_paging pg = { .mode = HVX_PAGING_4LEVEL, .cr3 = 0x1000,
				 .maxphyaddr = 40, .nx = true, .wp = true };
	u64 gva = 0x0000008040201abcULL, gpa = 0;
	u32 err = 0;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	put64(mem, 0x1000 + 1 * 8, 0x2000 | 7);
	put64(mem, 0x2000 + 1 * 8, 0x3000 | 7);
	put64(mem, 0x3000 + 1 * 8, 0x4000 | 7);
	put64(mem, 0x4000 + 1 * 8, 0xabc000 | 5);	/* read-only, user */
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, gva, 0, fake_read,
					     mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xabcabcULL);
	/* A supervisor write to a read-only page with CR0.WP: #PF(P|W). */
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, gva, HVX_PF_WRITE, fake_read,
					     mem, &gpa, &err), 1);
	KUNIT_EXPECT_EQ(test, err, HVX_PF_PRESENT | HVX_PF_WRITE);
	/* Not present: #PF with P clear. */
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x1000, HVX_PF_USER,
					     fake_read, mem, &gpa, &err), 1);
	KUNIT_EXPECT_EQ(test, err, HVX_PF_USER);
	/* A 2 MiB page at level 2. */
	put64(mem, 0x3000 + 2 * 8, 0x40000000 | 0x83);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x0000008040512345ULL, 0,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x40112345ULL);
	/* A reserved bit above MAXPHYADDR. */
	put64(mem, 0x3000 + 3 * 8, (1ULL << 45) | 0x5000 | 7);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x0000008040600000ULL, 0,
					     fake_read, mem, &gpa, &err), 1);
	KUNIT_EXPECT_TRUE(test, err & HVX_PF_RSVD);
}

static void paging_32bit_and_pae(struct kunit *test)
{
	u8 *mem = kunit_kzalloc(test, MEM_SIZE, GFP_KERNEL);
	struct hvx_paging pg = { .mode = HVX_PAGING_32, .cr3 = 0x1000,
				 .pse = true, .maxphyaddr = 40 };
	u64 gpa = 0;
	u32 err = 0;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	/* 4 KiB page through a page table. */
	put32(mem, 0x1000 + 1 * 4, 0x2000 | 3);
	put32(mem, 0x2000 + 2 * 4, 0x9000 | 3);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x00402123, 0,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x9123ULL);
	/* A 4 MiB page. */
	put32(mem, 0x1000 + 3 * 4, 0x00c00000 | 0x83);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x00c12345, 0,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x00c12345ULL);

	/* PAE: the PDPTE comes from the state, not from memory. */
	pg.mode = HVX_PAGING_PAE;
	pg.pdpte[1] = 0x3000 | 1;
	put64(mem, 0x3000 + 0 * 8, 0x200000 | 0x83);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x40012345, 0,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x212345ULL);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x80000000, 0,
					     fake_read, mem, &gpa, &err), 1);

	/* No paging: linear is physical. */
	pg.mode = HVX_PAGING_NONE;
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, 0x1234, 0,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x1234ULL);
}

/*
 * Access rights beyond R/W and U/S: XD for fetches, SMEP for supervisor
 * fetches and SMAP for supervisor data accesses to user pages (RFLAGS.AC
 * lifts SMAP), and the I/D bit in the error code.
 */
static void paging_rights(struct kunit *test)
{
	u8 *mem = kunit_kzalloc(test, MEM_SIZE, GFP_KERNEL);
	struct hvx_paging pg = { .mode = HVX_PAGING_4LEVEL, .cr3 = 0x1000,
				 .maxphyaddr = 40, .nx = true, .wp = true };
	u64 user = 0x1000, nx = 0x2000, gpa = 0;
	u32 err = 0;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	put64(mem, 0x1000, 0x2000 | 7);
	put64(mem, 0x2000, 0x3000 | 7);
	put64(mem, 0x3000, 0x4000 | 7);
	put64(mem, 0x4000 + 1 * 8, 0x5000 | 7);			/* user */
	put64(mem, 0x4000 + 2 * 8, 0x6000 | 3 | BIT_ULL(63));	/* XD */

	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, nx, HVX_PF_FETCH, fake_read,
					     mem, &gpa, &err), 1);
	KUNIT_EXPECT_EQ(test, err, HVX_PF_PRESENT | HVX_PF_FETCH);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, nx, HVX_PF_WRITE, fake_read,
					     mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x6000ULL);

	/* Without SMEP and SMAP the supervisor may use user pages. */
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_FETCH,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_WRITE,
					     fake_read, mem, &gpa, &err), 0);
	pg.smep = true;
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_FETCH,
					     fake_read, mem, &gpa, &err), 1);
	KUNIT_EXPECT_EQ(test, err, HVX_PF_PRESENT | HVX_PF_FETCH);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_FETCH |
					     HVX_PF_USER, fake_read, mem, &gpa,
					     &err), 0);
	pg.smap = true;
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, 0, fake_read, mem,
					     &gpa, &err), 1);
	KUNIT_EXPECT_EQ(test, err, HVX_PF_PRESENT);
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_USER |
					     HVX_PF_WRITE, fake_read, mem,
					     &gpa, &err), 0);
	pg.ac = true;
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_WRITE,
					     fake_read, mem, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x5000ULL);
	/* AC does not lift SMEP. */
	KUNIT_EXPECT_EQ(test, hvx_gva_to_gpa(&pg, user, HVX_PF_FETCH,
					     fake_read, mem, &gpa, &err), 1);
}

static struct kunit_case paging_cases[] = {
	KUNIT_CASE(paging_four_level),
	KUNIT_CASE(paging_rights),
	KUNIT_CASE(paging_32bit_and_pae),
	{}
};

static struct kunit_suite paging_suite = {
	.name = "hvx_guest_paging",
	.test_cases = paging_cases,
};

kunit_test_suite(paging_suite);
