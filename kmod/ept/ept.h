/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended page tables: the second translation, guest-physical to
 * host-physical, that the CPU walks on every guest memory access.
 *
 * hvx builds 4-level tables (SDM "EPT Translation Mechanism"):
 *
 *   level 4 (PML4) -> level 3 (PDPT) -> level 2 (PD) -> level 1 (PT)
 *
 * Each entry holds read/write/execute permissions and the physical
 * address of the next table; a leaf at level 1 maps 4 KiB, one at level 2
 * (bit 7 set) maps 2 MiB.  Leaves also carry the memory type: hvx maps
 * guest RAM write-back and ignores the guest's PAT for it (IPAT), as KVM
 * does when no device DMA needs the guest's cache attributes.
 */
#ifndef HVX_EPT_EPT_H
#define HVX_EPT_EPT_H

#include <linux/bits.h>
#include <linux/types.h>

#define HVX_EPT_LEVELS		4
#define HVX_EPT_ENTRIES		512

#define HVX_EPT_READ		BIT_ULL(0)
#define HVX_EPT_WRITE		BIT_ULL(1)
#define HVX_EPT_EXEC		BIT_ULL(2)
#define HVX_EPT_RWX		(HVX_EPT_READ | HVX_EPT_WRITE | HVX_EPT_EXEC)
#define HVX_EPT_MEMTYPE_SHIFT	3
#define HVX_EPT_MEMTYPE_WB	6
#define HVX_EPT_IPAT		BIT_ULL(6)
#define HVX_EPT_LEAF		BIT_ULL(7)	/* at levels 2 and 3 */
/*
 * Ignored by the CPU, hvx's own: the leaf was writable once and had its
 * write access taken away for dirty logging, so its page may have been
 * written and is unpinned as dirty (kmod/ept/dirty.c).
 */
#define HVX_EPT_WAS_WRITABLE	BIT_ULL(52)
#define HVX_EPT_ADDR_MASK	GENMASK_ULL(51, 12)

/* The EPT pointer: memory type WB, walk length 4 (encoded as 3). */
#define HVX_EPTP_WB		6
#define HVX_EPTP_WALK_4		(3 << 3)

struct hvx_ept {
	u64 *root;		/* the PML4 table */
	unsigned long nr_tables;
	unsigned long nr_4k;	/* leaves mapping 4 KiB */
	unsigned long nr_2m;	/* leaves mapping 2 MiB */
	/*
	 * Pages charged to RLIMIT_MEMLOCK for the leaves (kmod/ept/mmu.c):
	 * nr_4k + 512 * nr_2m whenever the VM's mmu_lock is free, less one
	 * while the APIC-access page is mapped (it is hvx's own page).
	 */
	unsigned long nr_locked;
};

/* Called for each leaf entry that is unmapped, to release its memory. */
typedef void (*hvx_ept_release_fn)(u64 entry, int level, void *data);

/* The number of bytes one entry at @level maps. */
static inline u64 hvx_ept_level_size(int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (level - 1));
}

/* The index of @gpa's entry in its table at @level. */
static inline unsigned int hvx_ept_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (HVX_EPT_ENTRIES - 1);
}

/* An entry that points to the next table down: every access allowed. */
static inline u64 hvx_ept_table_entry(u64 table_hpa)
{
	return (table_hpa & HVX_EPT_ADDR_MASK) | HVX_EPT_RWX;
}

/* A leaf that maps @hpa at @level (1: 4 KiB, 2: 2 MiB) with @prot. */
static inline u64 hvx_ept_leaf_entry(u64 hpa, int level, u64 prot)
{
	u64 e = (hpa & HVX_EPT_ADDR_MASK) | (prot & HVX_EPT_RWX) |
		(HVX_EPT_MEMTYPE_WB << HVX_EPT_MEMTYPE_SHIFT) | HVX_EPT_IPAT;

	return level > 1 ? e | HVX_EPT_LEAF : e;
}

static inline bool hvx_ept_present(u64 entry)
{
	return entry & HVX_EPT_RWX;
}

static inline bool hvx_ept_is_leaf(u64 entry, int level)
{
	return level == 1 || (entry & HVX_EPT_LEAF);
}

int hvx_ept_init(struct hvx_ept *ept);
void hvx_ept_destroy(struct hvx_ept *ept, hvx_ept_release_fn release,
		     void *data);
u64 hvx_ept_pointer(const struct hvx_ept *ept);
int hvx_ept_map(struct hvx_ept *ept, u64 gpa, u64 hpa, int level, u64 prot);
u64 hvx_ept_lookup(const struct hvx_ept *ept, u64 gpa, int *level);
bool hvx_ept_has_table(const struct hvx_ept *ept, u64 gpa, int level);
int hvx_ept_split_2m(struct hvx_ept *ept, u64 gpa, u64 prot,
		     void (*flush)(void *data), void *data);
bool hvx_ept_write_protect(struct hvx_ept *ept, u64 gpa);
bool hvx_ept_set_prot(struct hvx_ept *ept, u64 gpa, u64 prot);
void hvx_ept_make_writable(struct hvx_ept *ept, u64 gpa);
unsigned long hvx_ept_unmap_range(struct hvx_ept *ept, u64 start, u64 end,
				  hvx_ept_release_fn release, void *data);

#endif /* HVX_EPT_EPT_H */
