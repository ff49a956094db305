/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory slots: which guest-physical ranges are backed by which part of
 * the VMM's address space.  Pure logic on a small table, so KUnit can
 * check every overlap and lookup rule (tests/kunit/memslot_test.c).
 */
#ifndef HVX_EPT_MEMSLOT_H
#define HVX_EPT_MEMSLOT_H

#include <linux/bitops.h>
#include <linux/types.h>

/* KVM_CAP_NR_MEMSLOTS: slots 0 to HVX_MAX_MEMSLOTS - 1. */
#define HVX_MAX_MEMSLOTS	32

/*
 * KVM_CAP_MULTI_ADDRESS_SPACE: the high 16 bits of a slot's id name one
 * of these (kmod/vm.h).
 */
#define HVX_NR_ADDRESS_SPACES	2
#define HVX_SLOT_AS_SHIFT	16

/*
 * The highest guest-physical address a slot may reach: what a 4-level
 * EPT maps (48 bits).
 */
#define HVX_MAX_GPA_BITS	48

/*
 * The most pages a slot may have, as KVM's KVM_MEM_MAX_NR_PAGES: a count
 * that fits an int, and a dirty bitmap under 256 MiB.
 */
#define HVX_MEM_MAX_NR_PAGES	((1ULL << 31) - 1)

/*
 * One slot; npages == 0 means the slot is empty.  With KVM_MEM_LOG_DIRTY_PAGES
 * in flags, dirty_bitmap has a bit for each page written since the VMM
 * last asked (kmod/ept/dirty.c); otherwise it is NULL.  hvx_memslot_set()
 * leaves it to the caller.
 */
struct hvx_memslot {
	u64 base_gfn;
	u64 npages;
	unsigned long userspace_addr;
	u32 flags;
	unsigned long *dirty_bitmap;
};

struct hvx_memslots {
	struct hvx_memslot slot[HVX_MAX_MEMSLOTS];
	/* One past the highest slot in use: lookups stop there. */
	unsigned int end;
	/* Bumped on every change, so a lookup can tell it went stale. */
	u64 generation;
};

/* A slot as userspace asks for it, before any checking. */
struct hvx_memslot_request {
	u32 id;
	u32 flags;
	u64 guest_phys_addr;
	u64 memory_size;
	u64 userspace_addr;
};

int hvx_memslot_check(const struct hvx_memslots *slots,
		      const struct hvx_memslot_request *req,
		      u32 allowed_flags);
void hvx_memslot_set(struct hvx_memslots *slots,
		     const struct hvx_memslot_request *req);
const struct hvx_memslot *hvx_memslot_find(const struct hvx_memslots *slots,
					   u64 gfn);

static inline unsigned long hvx_memslot_hva(const struct hvx_memslot *slot,
					    u64 gfn)
{
	return slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
}

/* The guest wrote frame @gfn of @slot (or hvx did, for it). */
static inline void hvx_memslot_mark_dirty(const struct hvx_memslot *slot,
					  u64 gfn)
{
	if (slot->dirty_bitmap)
		__set_bit(gfn - slot->base_gfn, slot->dirty_bitmap);
}

static inline bool hvx_memslot_covers(const struct hvx_memslot *slot,
				      u64 first_gfn, u64 last_gfn)
{
	return slot->npages && first_gfn >= slot->base_gfn &&
	       last_gfn < slot->base_gfn + slot->npages;
}

#endif /* HVX_EPT_MEMSLOT_H */
