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
 * and the VMM copies it after the flush below, so sees the write), or
 * faults and sets its bit anew.  KVM's KVM_CLEAR_DIRTY_LOG, which splits
 * the ioctl in two, and its dirty ring are not implemented (their
 * capabilities say 0).
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../vm.h"

/* KVM's size of a slot's dirty bitmap: whole longs (QEMU sizes it so). */
static size_t hvx_dirty_bitmap_bytes(u64 npages)
{
	return ALIGN(npages, BITS_PER_LONG) / 8;
}

unsigned long *hvx_dirty_bitmap_alloc(u64 npages)
{
	return kvzalloc(hvx_dirty_bitmap_bytes(npages), GFP_KERNEL_ACCOUNT);
}

/**
 * hvx_get_dirty_log - KVM_GET_DIRTY_LOG
 * @vm: the VM
 * @argp: the VMM's struct kvm_dirty_log: the slot, and where its bitmap
 *	goes (one bit per page, whole longs, as in KVM)
 *
 * If the bitmap cannot be written to the VMM, nothing changes: the pages
 * stay dirty for the next call.
 *
 * Return: 0; -EINVAL for a slot id out of range, -ENOENT for a slot
 * without dirty logging (or none at all), -EFAULT, -ENOMEM.
 */
int hvx_get_dirty_log(struct hvx_vm *vm, struct kvm_dirty_log __user *argp)
{
	struct kvm_dirty_log log;
	struct hvx_memslot *slot;
	unsigned long *snap, i;
	bool flush = false;
	size_t bytes;
	int r;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	/* The high 16 bits name an address space, and hvx has only 0. */
	if (log.slot >= HVX_MAX_MEMSLOTS)
		return -EINVAL;

	mutex_lock(&vm->mmu_lock);
	slot = &vm->slots.slot[log.slot];
	r = -ENOENT;
	if (!slot->npages || !slot->dirty_bitmap)
		goto out;
	bytes = hvx_dirty_bitmap_bytes(slot->npages);
	r = -ENOMEM;
	snap = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!snap)
		goto out;
	memcpy(snap, slot->dirty_bitmap, bytes);
	r = -EFAULT;
	if (copy_to_user(log.dirty_bitmap, snap, bytes))
		goto out_free;

	/* No vCPU can fault meanwhile: the bitmap is still the snapshot. */
	for_each_set_bit(i, snap, slot->npages) {
		__clear_bit(i, slot->dirty_bitmap);
		if (hvx_ept_write_protect(&vm->ept,
					  (slot->base_gfn + i) << PAGE_SHIFT))
			flush = true;
	}
	/* Before the VMM copies a page, a guest write to it must fault. */
	if (flush)
		hvx_mmu_flush(vm);
	r = 0;
out_free:
	kvfree(snap);
out:
	mutex_unlock(&vm->mmu_lock);
	return r;
}
