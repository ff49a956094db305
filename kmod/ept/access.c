// SPDX-License-Identifier: GPL-2.0
/*
 * An introspector's rights on guest pages (HVX_INTRO_SET_PAGE_ACCESS):
 * what the guest may still do to each page whose rights it took, kept
 * per page frame of address space 0 in an xarray under vm->mmu_lock.
 *
 * The EPT carries them out.  hvx_mmu_fault() maps such a page with only
 * its rights, never inside a 2 MiB leaf, and answers an access they
 * forbid with -EACCES, which the EPT violation's handler turns into the
 * introspector's PF event.  A change of rights rewrites the page's 4 KiB
 * leaf in place and flushes the CPUs' translations once; a page still
 * inside a 2 MiB leaf has the leaf unmapped, and faults back in as 4 KiB
 * leaves with the new rights.  Changing rights is what an introspector
 * stepping the guest over one access does twice per instruction, so it
 * must not unmap what it does not change.  As in KVM's page tracking,
 * nothing else changes.
 */
#include <linux/xarray.h>

#include "../vm.h"
#include "../vmx/capabilities.h"

#define HVX_2M_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/* The rights of @gfn in address space @as: RWX where none were taken. */
u64 hvx_access_of(struct hvx_vm *vm, int as, u64 gfn)
{
	void *e;

	lockdep_assert_held(&vm->mmu_lock);
	if (as || xa_empty(&vm->access))
		return HVX_EPT_RWX;
	e = xa_load(&vm->access, gfn);
	return e ? xa_to_value(e) : HVX_EPT_RWX;
}

/* Does any page of the 2 MiB around @gfn in @as have its rights taken? */
bool hvx_access_in_2m(struct hvx_vm *vm, int as, u64 gfn)
{
	unsigned long first = round_down(gfn, HVX_2M_PAGES);

	lockdep_assert_held(&vm->mmu_lock);
	if (as || xa_empty(&vm->access))
		return false;
	return xa_find(&vm->access, &first, first + HVX_2M_PAGES - 1,
		       XA_PRESENT);
}

/*
 * The rights @gfn's slot gives its pages (mmu_lock held): a read-only
 * slot's are not writable, and a dirty-logged slot's become writable on
 * their first write (hvx_mmu_fault() logs it).
 */
static u64 hvx_access_slot_prot(struct hvx_vm *vm, u64 gfn)
{
	const struct hvx_memslot *slot = hvx_memslot_find(&vm->slots[0], gfn);

	if (!slot)
		return 0;
	if ((slot->flags & KVM_MEM_READONLY) || slot->dirty_bitmap)
		return HVX_EPT_READ | HVX_EPT_EXEC;
	return HVX_EPT_RWX;
}

/*
 * The EPT's leaf for @gfn to @access (and the slot's rights): rewritten
 * in place if it is a 4 KiB one, unmapped with its 2 MiB if it is large.
 * Return: true when the caller must flush.
 */
static bool hvx_access_apply(struct hvx_vm *vm, u64 gfn, u64 access)
{
	u64 gpa = gfn << PAGE_SHIFT, start;
	int level;

	if (!hvx_ept_lookup(&vm->ept[0], gpa, &level))
		return false;
	if (level == 1)
		return hvx_ept_set_prot(&vm->ept[0], gpa,
					hvx_access_slot_prot(vm, gfn) & access);
	start = round_down(gpa, PMD_SIZE);
	hvx_mmu_unmap(vm, 0, start, start + PMD_SIZE);	/* flushes */
	return false;
}

/**
 * hvx_access_set - HVX_INTRO_SET_PAGE_ACCESS
 * @vm: the VM
 * @gpa: the first page, 4 KiB aligned
 * @count: pages
 * @access: the rights left, HVX_EPT_* bits; all three lift the restriction
 *
 * Return: 0, -EINVAL for rights EPT cannot express (write without read),
 * -EOPNOTSUPP for execute-only where the CPU lacks it, -ENOMEM.
 */
int hvx_access_set(struct hvx_vm *vm, u64 gpa, u64 count, u64 access)
{
	u64 gfn = gpa >> PAGE_SHIFT, i;
	bool flush = false;
	int r = 0;

	if ((access & HVX_EPT_WRITE) && !(access & HVX_EPT_READ))
		return -EINVAL;
	if (access == HVX_EPT_EXEC && !cpu_has_vmx_ept_execute_only())
		return -EOPNOTSUPP;
	mutex_lock(&vm->mmu_lock);
	for (i = 0; i < count && !r; i++) {
		if (access == HVX_EPT_RWX)
			xa_erase(&vm->access, gfn + i);
		else
			r = xa_err(xa_store(&vm->access, gfn + i,
					    xa_mk_value(access),
					    GFP_KERNEL_ACCOUNT));
		/* Even a part done: the rights stored must be the EPT's. */
		if (!r)
			flush |= hvx_access_apply(vm, gfn + i, access);
	}
	if (flush)
		hvx_mmu_flush(vm);
	mutex_unlock(&vm->mmu_lock);
	return r;
}

/* Every page's rights back to the guest: the introspector is gone. */
void hvx_access_clear(struct hvx_vm *vm)
{
	unsigned long gfn;
	void *e;

	mutex_lock(&vm->mmu_lock);
	xa_for_each(&vm->access, gfn, e) {
		xa_erase(&vm->access, gfn);
		hvx_access_apply(vm, gfn, HVX_EPT_RWX);
	}
	mutex_unlock(&vm->mmu_lock);
}
