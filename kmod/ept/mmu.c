// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: slots, the EPT built from them, and the host pages behind.
 *
 * Guest memory is the VMM's own anonymous or shared memory.  hvx maps it
 * into the EPT lazily: nothing is mapped when a slot is created, and the
 * guest's first access to a page exits with an EPT violation, on which
 * hvx pins that page (pin_user_pages, FOLL_LONGTERM) and maps it.  A guest
 * with gigabytes of memory therefore costs the host only what it touches.
 * A pinned page stays put until its slot is deleted or changed, or the VM
 * goes away: then the EPT entries are cleared, every CPU's cached
 * translations invalidated (INVEPT), and only then the pages unpinned.
 *
 * Where the host backs a whole, aligned 2 MiB of a slot with one huge page
 * (transparent huge pages, hugetlbfs), the fault maps all of it with one
 * 2 MiB EPT entry.
 *
 * A read-only slot (KVM_MEM_READONLY, a ROM) is mapped readable and
 * executable only, and its pages are pinned without asking for write
 * access; the guest's writes to it exit and go to the VMM as MMIO.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../vmx/capabilities.h"
#include "../vmx/vmx_ops.h"

#define HVX_2M_PAGES	(PMD_SIZE >> PAGE_SHIFT)

static void hvx_invept_ipi(void *eptp)
{
	if (cpu_has_vmx_invept_context())
		hvx_invept(VMX_EPT_EXTENT_CONTEXT, *(u64 *)eptp);
	else
		hvx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

/*
 * Forget @vm's EPT translations on every CPU.  A CPU running the guest is
 * interrupted by the IPI (a VM exit) and invalidates before it re-enters.
 */
static void hvx_mmu_flush(struct hvx_vm *vm)
{
	on_each_cpu(hvx_invept_ipi, &vm->eptp, 1);
}

/*
 * Leaves taken out of the EPT wait here until every CPU has forgotten
 * them; then their pages are unpinned.  When the buffer fills up, flush
 * and release what it holds, and go on.
 */
struct hvx_zap {
	struct hvx_vm *vm;
	unsigned int n, max;
	u64 *entry;
	u64 stack_entry[8];
};

static void hvx_zap_release(struct hvx_zap *z)
{
	unsigned int i;

	if (!z->n)
		return;
	hvx_mmu_flush(z->vm);
	for (i = 0; i < z->n; i++) {
		u64 e = z->entry[i];
		struct page *page = pfn_to_page((e & HVX_EPT_ADDR_MASK) >>
						PAGE_SHIFT);

		bool dirty = e & HVX_EPT_WRITE;

		if (e & HVX_EPT_LEAF)
			unpin_user_page_range_dirty_lock(page, HVX_2M_PAGES,
							 dirty);
		else
			unpin_user_pages_dirty_lock(&page, 1, dirty);
	}
	z->n = 0;
}

static void hvx_zap_collect(u64 entry, int level, void *data)
{
	struct hvx_zap *z = data;

	if (z->n == z->max)
		hvx_zap_release(z);
	z->entry[z->n++] = entry;
}

static void hvx_zap_init(struct hvx_zap *z, struct hvx_vm *vm)
{
	z->vm = vm;
	z->n = 0;
	z->entry = (u64 *)__get_free_page(GFP_KERNEL | __GFP_NOWARN);
	z->max = PAGE_SIZE / sizeof(u64);
	if (!z->entry) {
		z->entry = z->stack_entry;
		z->max = ARRAY_SIZE(z->stack_entry);
	}
}

static void hvx_zap_finish(struct hvx_zap *z)
{
	hvx_zap_release(z);
	if (z->entry != z->stack_entry)
		free_page((unsigned long)z->entry);
}

/* Unmap [start, end) and unpin its pages.  mmu_lock is held. */
static void hvx_mmu_unmap(struct hvx_vm *vm, u64 start, u64 end)
{
	struct hvx_zap z;

	hvx_zap_init(&z, vm);
	hvx_ept_unmap_range(&vm->ept, start, end, hvx_zap_collect, &z);
	hvx_zap_finish(&z);
}

int hvx_mmu_init(struct hvx_vm *vm)
{
	int r;

	mutex_init(&vm->mmu_lock);
	r = hvx_ept_init(&vm->ept);
	if (r)
		return r;
	vm->eptp = hvx_ept_pointer(&vm->ept);
	return 0;
}

/* No vCPU of the VM exists any more: unmap everything, free the tables. */
void hvx_mmu_destroy(struct hvx_vm *vm)
{
	if (!vm->ept.root)
		return;
	hvx_mmu_unmap(vm, 0, BIT_ULL(HVX_MAX_GPA_BITS));
	hvx_ept_destroy(&vm->ept, NULL, NULL);
}

/**
 * hvx_mmu_set_slot - create, change or delete a memory slot
 * @vm: the VM
 * @req: the slot; memory_size 0 deletes it
 *
 * Changing a slot replaces it: its old mappings go, and the new range is
 * mapped as the guest touches it.
 *
 * Return: 0 or -EINVAL.
 */
int hvx_mmu_set_slot(struct hvx_vm *vm, const struct hvx_memslot_request *req)
{
	struct hvx_memslot *slot;
	int r;

	mutex_lock(&vm->mmu_lock);
	r = hvx_memslot_check(&vm->slots, req, KVM_MEM_READONLY);
	if (r)
		goto out;
	slot = &vm->slots.slot[req->id];
	if (slot->npages) {
		u64 start = slot->base_gfn << PAGE_SHIFT;
		u64 end = start + (slot->npages << PAGE_SHIFT);

		/* Out of the tables, out of every TLB, then unpinned. */
		hvx_mmu_unmap(vm, start, end);
	}
	hvx_memslot_set(&vm->slots, req);
out:
	mutex_unlock(&vm->mmu_lock);
	return r;
}

/*
 * Try to map the whole 2 MiB around @gfn with one entry: the slot must
 * cover it, guest and host addresses must be equally aligned, and the host
 * must back it with one huge folio.  @page is the pinned page of @gfn.
 * Returns true when the large page is mapped (and @page's pin dropped).
 */
static bool hvx_mmu_map_2m(struct hvx_vm *vm, const struct hvx_memslot *slot,
			   u64 gfn, struct page *page, unsigned int gup,
			   u64 prot)
{
	u64 first = gfn & ~(u64)(HVX_2M_PAGES - 1);
	unsigned long hva = hvx_memslot_hva(slot, first);
	struct folio *folio = page_folio(page);
	unsigned long head_pfn = page_to_pfn(page) - (gfn - first);
	struct page **pages;
	int n, i;
	bool ok = false;

	if (!cpu_has_vmx_ept_2m_page() ||
	    !hvx_memslot_covers(slot, first, first + HVX_2M_PAGES - 1) ||
	    !IS_ALIGNED(hva, PMD_SIZE) || folio_size(folio) < PMD_SIZE ||
	    !IS_ALIGNED(head_pfn, HVX_2M_PAGES) ||
	    head_pfn < folio_pfn(folio) ||
	    head_pfn + HVX_2M_PAGES > folio_pfn(folio) + folio_nr_pages(folio))
		return false;

	pages = kvmalloc_array(HVX_2M_PAGES, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return false;
	n = pin_user_pages_fast(hva, HVX_2M_PAGES, gup, pages);
	if (n == HVX_2M_PAGES) {
		ok = true;
		/* The folio may have been split or replaced meanwhile. */
		for (i = 0; i < n && ok; i++)
			ok = page_to_pfn(pages[i]) == head_pfn + i;
		if (ok)
			ok = !hvx_ept_map(&vm->ept, first << PAGE_SHIFT,
					  (u64)head_pfn << PAGE_SHIFT, 2, prot);
	}
	if (!ok && n > 0)
		unpin_user_pages(pages, n);
	kvfree(pages);
	if (ok)
		unpin_user_page(page);
	return ok;
}

/**
 * hvx_mmu_fault - map the page behind a guest-physical address
 * @vm: the VM
 * @gpa: the address whose access made an EPT violation
 * @write: the access was a write
 *
 * Called in the VMM's context (the vCPU's KVM_RUN), where the slot's
 * userspace address means something.
 *
 * Return: 0 when the page is mapped (perhaps by another vCPU meanwhile),
 * -ENOENT when no slot backs @gpa, -EROFS for a write to a read-only
 * slot (both MMIO to the VMM), -EFAULT when the VMM's memory there cannot
 * be used, -ENOMEM.
 */
int hvx_mmu_fault(struct hvx_vm *vm, u64 gpa, bool write)
{
	const struct hvx_memslot *slot;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned int gup = FOLL_LONGTERM;
	u64 prot = HVX_EPT_RWX;
	struct page *page;
	int level, r;

	mutex_lock(&vm->mmu_lock);
	slot = hvx_memslot_find(&vm->slots, gfn);
	if (!slot) {
		r = -ENOENT;
		goto out;
	}
	if (slot->flags & KVM_MEM_READONLY) {
		r = -EROFS;
		if (write)
			goto out;
		prot = HVX_EPT_READ | HVX_EPT_EXEC;
	} else {
		gup |= FOLL_WRITE;
	}
	r = 0;
	if (hvx_ept_lookup(&vm->ept, gpa, &level))
		goto out;

	if (pin_user_pages_fast(hvx_memslot_hva(slot, gfn), 1, gup,
				&page) != 1) {
		r = -EFAULT;
		goto out;
	}
	if (hvx_mmu_map_2m(vm, slot, gfn, page, gup, prot))
		goto out;
	r = hvx_ept_map(&vm->ept, gfn << PAGE_SHIFT, page_to_phys(page), 1,
			prot);
	if (r)
		unpin_user_page(page);
out:
	mutex_unlock(&vm->mmu_lock);
	return r;
}

/*
 * Copy to or from guest-physical memory through the slots, in the VMM's
 * context, with vm->mmu_lock held (so that a walk of the guest's page
 * tables and the copy it leads to take the lock once).  Writes to a
 * read-only slot are dropped, as a ROM drops them.  Returns 0, -EFAULT
 * when the VMM's memory faults, or -ENOENT when an address has no slot.
 */
static int __hvx_guest_copy(struct hvx_vm *vm, u64 gpa, void *buf,
			    size_t len, bool write)
{
	lockdep_assert_held(&vm->mmu_lock);
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - (gpa & ~PAGE_MASK));
		const struct hvx_memslot *slot;
		unsigned long hva;

		slot = hvx_memslot_find(&vm->slots, gpa >> PAGE_SHIFT);
		if (!slot)
			return -ENOENT;
		hva = hvx_memslot_hva(slot, gpa >> PAGE_SHIFT) +
		      (gpa & ~PAGE_MASK);
		if (!write && n == sizeof(u64) && IS_ALIGNED(hva, sizeof(u64))) {
			/* A page-table entry, for the walker: one load. */
			if (get_user(*(u64 *)buf, (u64 __user *)hva))
				return -EFAULT;
		} else if (!write && n == sizeof(u32) &&
			   IS_ALIGNED(hva, sizeof(u32))) {
			if (get_user(*(u32 *)buf, (u32 __user *)hva))
				return -EFAULT;
		} else if (!write) {
			if (copy_from_user(buf, (void __user *)hva, n))
				return -EFAULT;
		} else if (!(slot->flags & KVM_MEM_READONLY) &&
			   copy_to_user((void __user *)hva, buf, n)) {
			return -EFAULT;
		}
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The caller holds vm->mmu_lock. */
int __hvx_read_guest(struct hvx_vm *vm, u64 gpa, void *buf, size_t len)
{
	return __hvx_guest_copy(vm, gpa, buf, len, false);
}

/* The caller holds vm->mmu_lock. */
int __hvx_write_guest(struct hvx_vm *vm, u64 gpa, const void *buf,
		      size_t len)
{
	return __hvx_guest_copy(vm, gpa, (void *)buf, len, true);
}

int hvx_read_guest(struct hvx_vm *vm, u64 gpa, void *buf, size_t len)
{
	int r;

	mutex_lock(&vm->mmu_lock);
	r = __hvx_read_guest(vm, gpa, buf, len);
	mutex_unlock(&vm->mmu_lock);
	return r;
}

int hvx_write_guest(struct hvx_vm *vm, u64 gpa, const void *buf, size_t len)
{
	int r;

	mutex_lock(&vm->mmu_lock);
	r = __hvx_write_guest(vm, gpa, buf, len);
	mutex_unlock(&vm->mmu_lock);
	return r;
}
