// SPDX-License-Identifier: GPL-2.0
/*
 * The memory slot table: checking a request against the table and finding
 * the slot of a guest frame.  Callers hold the VM's mmu_lock.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "memslot.h"

/**
 * hvx_memslot_check - may this slot be created, changed or deleted?
 * @slots: the VM's slots now
 * @req: the slot asked for; memory_size 0 deletes slot @req->id
 * @allowed_flags: the slot flags hvx implements
 *
 * A slot must be page-aligned in both address spaces, must not wrap in
 * either, must lie below 2^HVX_MAX_GPA_BITS, must have no more than
 * HVX_MEM_MAX_NR_PAGES pages, and must not overlap any
 * other slot.  The slot's own old range does not count as an overlap:
 * changing a slot replaces it as a whole.
 *
 * Return: 0 when the request is acceptable, -EEXIST when it overlaps
 * another slot (KVM's errno for that), -EINVAL otherwise.
 */
int hvx_memslot_check(const struct hvx_memslots *slots,
		      const struct hvx_memslot_request *req,
		      u32 allowed_flags)
{
	u64 base_gfn, npages;
	unsigned int i;

	/* The id within its address space: hvx_mmu_set_slot() split it. */
	if (req->id >= HVX_MAX_MEMSLOTS)
		return -EINVAL;
	if (req->flags & ~allowed_flags)
		return -EINVAL;
	if (!PAGE_ALIGNED(req->guest_phys_addr) ||
	    !PAGE_ALIGNED(req->memory_size) ||
	    !PAGE_ALIGNED(req->userspace_addr))
		return -EINVAL;
	/* Deleting a slot that is not there is a mistake, as in KVM. */
	if (!req->memory_size)
		return slots->slot[req->id].npages ? 0 : -EINVAL;
	if (req->guest_phys_addr + req->memory_size < req->guest_phys_addr ||
	    req->userspace_addr + req->memory_size < req->userspace_addr)
		return -EINVAL;
	if (req->guest_phys_addr + req->memory_size >
	    BIT_ULL(HVX_MAX_GPA_BITS))
		return -EINVAL;
	if (req->memory_size >> PAGE_SHIFT > HVX_MEM_MAX_NR_PAGES)
		return -EINVAL;
	/* unsigned long is the width of a host address. */
	if (req->userspace_addr != (unsigned long)req->userspace_addr)
		return -EINVAL;

	base_gfn = req->guest_phys_addr >> PAGE_SHIFT;
	npages = req->memory_size >> PAGE_SHIFT;
	for (i = 0; i < HVX_MAX_MEMSLOTS; i++) {
		const struct hvx_memslot *s = &slots->slot[i];

		if (i == req->id || !s->npages)
			continue;
		if (base_gfn < s->base_gfn + s->npages &&
		    s->base_gfn < base_gfn + npages)
			return -EEXIST;
	}
	return 0;
}

/**
 * hvx_memslot_set - store a checked slot request
 * @slots: the VM's slots
 * @req: a request hvx_memslot_check() accepted; memory_size 0 empties
 *	the slot
 *
 * Keeps @slots->end, one past the highest slot in use, so that lookups
 * (one per MMIO exit and per EPT violation) scan only what is used.
 */
void hvx_memslot_set(struct hvx_memslots *slots,
		     const struct hvx_memslot_request *req)
{
	struct hvx_memslot *slot = &slots->slot[req->id];

	slot->base_gfn = req->guest_phys_addr >> PAGE_SHIFT;
	slot->npages = req->memory_size >> PAGE_SHIFT;
	slot->userspace_addr = req->userspace_addr;
	slot->flags = req->flags;
	if (slot->npages && req->id >= slots->end)
		slots->end = req->id + 1;
	while (slots->end && !slots->slot[slots->end - 1].npages)
		slots->end--;
	slots->generation++;
}

/**
 * hvx_memslot_find - the slot that backs a guest frame
 * @slots: the VM's slots
 * @gfn: the guest frame number
 *
 * Return: the slot, or NULL when no slot covers @gfn (an MMIO address).
 */
const struct hvx_memslot *hvx_memslot_find(const struct hvx_memslots *slots,
					   u64 gfn)
{
	unsigned int i;

	for (i = 0; i < slots->end; i++) {
		const struct hvx_memslot *s = &slots->slot[i];

		if (s->npages && gfn >= s->base_gfn &&
		    gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}
