// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty page logging: which pages of a slot the guest has written since
 * the VMM last asked (KVM_MEM_LOG_DIRTY_PAGES, KVM_GET_DIRTY_LOG).  A VMM
 * uses it to redraw only the part of a framebuffer that changed (QEMU's
 * VGA does, even with -nographic), and to copy a running guest's memory
 * for live migration: send everything, then what was written meanwhile.
 *
 * As KVM does on CPUs without page-modification logging, hvx tracks
 * writes by taking write access away.  In a logged slot a page is mapped
 * without write access until the guest writes it; that write's EPT
 * violation sets the page's bit and gives the access back
 * (hvx_mmu_fault()).  KVM_GET_DIRTY_LOG hands the VMM the bitmap, clears
 * it and takes write access away again from each page in it, so that the
 * next write to any of them shows.  Writes hvx makes for the guest
 * (emulated instructions, __hvx_write_guest()) set bits too.
 *
 * The order makes it safe to copy what the log names after the ioctl
 * returns: a page the guest writes after its bit was cleared either was
 * writable only because its bit was set (it is in the bitmap the VMM got,
 * and the VMM copies it after the flush, so sees the write), or faults
 * and sets its bit anew.  KVM's KVM_CLEAR_DIRTY_LOG, which splits
 * the ioctl in two, and its dirty ring are not implemented (their
 * capabilities say 0).
 */
#include <linux/bitmap.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>

#include "../vm.h"

/* KVM's size of a slot's dirty bitmap: whole longs (QEMU sizes it so). */
static size_t hvx_dirty_bitmap_bytes(u64 npages)
{
	return ALIGN(npages, BITS_PER_LONG) / 8;
}

unsigned long *hvx_dirty_bitmap_alloc(u64 npages)
{
	return kvzalloc(hvx_dirty_bitmap_bytes(npages),
			GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}

/*
 * Start the log of @slot afresh after taking the pages of @snap out of it:
 * clear their bits and take write access away from each, then make every
 * CPU forget its translations, so that a guest write to any of them
 * faults before the VMM copies it.  The APIC-access page, which hvx maps
 * where the guest's APIC is, keeps its write access: its writes never
 * reach memory.  mmu_lock is held.
 */
static void hvx_dirty_restart(struct hvx_vm *vm, struct hvx_ept *ept,
			      struct hvx_memslot *slot,
			      const unsigned long *snap)
{
	const u64 apic_gfn = APIC_DEFAULT_PHYS_BASE >> PAGE_SHIFT;
	bool flush = false;
	unsigned long i;

	for_each_set_bit(i, snap, slot->npages) {
		u64 gfn = slot->base_gfn + i;

		__clear_bit(i, slot->dirty_bitmap);
		if (vm->apic_access_page && gfn == apic_gfn)
			continue;
		if (hvx_ept_write_protect(ept, gfn << PAGE_SHIFT))
			flush = true;
	}
	if (flush)
		hvx_mmu_flush(vm);
}

/**
 * hvx_get_dirty_log - KVM_GET_DIRTY_LOG
 * @vm: the VM
 * @argp: the VMM's struct kvm_dirty_log: the slot, and where its bitmap
 *	goes (one bit per page, whole longs, as in KVM)
 *
 * The copy to the VMM is made without mmu_lock, so that a slow one (a
 * page fault on the VMM's buffer) does not hold up the vCPUs' faults.  If
 * it fails, the pages go back into the log, unless a slot has changed
 * meanwhile: nothing is lost that the slot still has.
 *
 * Return: 0; -EINVAL for a slot id out of range, -ENOENT for a slot
 * without dirty logging (or none at all), -EFAULT, -ENOMEM.
 */
int hvx_get_dirty_log(struct hvx_vm *vm, struct kvm_dirty_log __user *argp)
{
	struct kvm_dirty_log log;
	struct hvx_memslot *slot;
	unsigned int as, id;
	unsigned long *snap;
	u64 generation, npages;
	size_t bytes;
	int r;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	/* The high 16 bits name the address space. */
	as = log.slot >> HVX_SLOT_AS_SHIFT;
	id = (u16)log.slot;
	if (as >= HVX_NR_ADDRESS_SPACES || id >= HVX_MAX_MEMSLOTS)
		return -EINVAL;

	mutex_lock(&vm->mmu_lock);
	slot = &vm->slots[as].slot[id];
	if (!slot->npages || !slot->dirty_bitmap) {
		mutex_unlock(&vm->mmu_lock);
		return -ENOENT;
	}
	npages = slot->npages;
	bytes = hvx_dirty_bitmap_bytes(npages);
	snap = kvmalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!snap) {
		mutex_unlock(&vm->mmu_lock);
		return -ENOMEM;
	}
	memcpy(snap, slot->dirty_bitmap, bytes);
	hvx_dirty_restart(vm, &vm->ept[as], slot, snap);
	generation = vm->slots[as].generation;
	mutex_unlock(&vm->mmu_lock);

	r = 0;
	if (copy_to_user(log.dirty_bitmap, snap, bytes)) {
		r = -EFAULT;
		mutex_lock(&vm->mmu_lock);
		if (vm->slots[as].generation == generation)
			bitmap_or(slot->dirty_bitmap, slot->dirty_bitmap, snap,
				  npages);
		mutex_unlock(&vm->mmu_lock);
	}
	kvfree(snap);
	return r;
}
