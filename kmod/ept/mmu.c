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
 * Pinned pages are locked memory, charged to the VMM's RLIMIT_MEMLOCK
 * (hvx_mmu_charge()), and only mappings that may be pinned for long are
 * pinned (kmod/ept/pin.h).
 *
 * Where the host backs a whole, aligned 2 MiB of a slot with one huge page
 * (transparent huge pages, hugetlbfs), the fault maps all of it with one
 * 2 MiB EPT entry.  Where the iTLB multihit mitigation is on
 * (nx_huge_pages, kmod/ept/nx.h), that entry is not executable, and the
 * guest's first instruction fetch from it splits it into 512 executable
 * 4 KiB entries over the same pinned pages.
 *
 * A read-only slot (KVM_MEM_READONLY, a ROM) is mapped readable and
 * executable only, and its pages are pinned without asking for write
 * access; the guest's writes to it exit and go to the VMM as MMIO.  Such
 * a pin takes the page that is there: in a private mapping that may be a
 * file's page, or the shared zero page where anonymous memory was never
 * written, and a later write by the VMM then makes the VMM a copy that
 * the guest never sees.  A VMM writes its ROM before the guest reads it,
 * or changes the slot after writing.
 *
 * A slot with KVM_MEM_LOG_DIRTY_PAGES is mapped 4 KiB at a time, and a
 * page is writable only once the guest has written it since the VMM last
 * collected the slot's dirty pages (kmod/ept/dirty.c).
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../vmx/capabilities.h"
#include "../vmx/vmx_ops.h"
#include "nx.h"
#include "pin.h"

#define HVX_2M_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/*
 * nx_huge_pages, KVM's parameter with KVM's words (kmod/ept/nx.h).  It is
 * decided at load and fixed from then on (0444), so every leaf of every
 * VM follows one rule; reload hvx to change it.  It reads back as KVM's
 * does: Y or N, whether the mitigation is on.
 */
static int hvx_nx_mode = HVX_NX_AUTO;

static bool hvx_nx_huge_pages(void)
{
	return hvx_nx_decide(hvx_nx_mode,
			     boot_cpu_has_bug(X86_BUG_ITLB_MULTIHIT),
			     cpu_mitigations_off());
}

static int hvx_nx_huge_pages_set(const char *val,
				 const struct kernel_param *kp)
{
	int mode = hvx_nx_parse(val);

	if (mode < 0)
		return mode;
	*(int *)kp->arg = mode;
	return 0;
}

static int hvx_nx_huge_pages_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", hvx_nx_huge_pages() ? 'Y' : 'N');
}

static const struct kernel_param_ops hvx_nx_huge_pages_ops = {
	.set = hvx_nx_huge_pages_set,
	.get = hvx_nx_huge_pages_get,
};

module_param_cb(nx_huge_pages, &hvx_nx_huge_pages_ops, &hvx_nx_mode, 0444);
MODULE_PARM_DESC(nx_huge_pages,
		 "iTLB multihit mitigation, no executable 2 MiB EPT pages: auto (on CPUs with the erratum, unless mitigations=off), off, force (or on); reads Y or N");

static void hvx_invept_ipi(void *data)
{
	struct hvx_vm *vm = data;
	int as;

	if (!cpu_has_vmx_invept_context()) {
		hvx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
		return;
	}
	for (as = 0; as < HVX_NR_ADDRESS_SPACES; as++)
		if (vm->eptp[as])	/* made (hvx_mmu_init()) */
			hvx_invept(VMX_EPT_EXTENT_CONTEXT, vm->eptp[as]);
}

/*
 * Forget @vm's EPT translations, of both address spaces, on every CPU.  A
 * CPU running the guest is interrupted by the IPI (a VM exit) and
 * invalidates before it re-enters.
 *
 * A CPU keeps the translations and paging-structure entries it cached
 * under an EPTP until INVEPT drops them, even after the VM that used them
 * is gone.  So hvx flushes:
 *
 *  - a new EPT before its first use (hvx_mmu_init()): its root may be the
 *    page of an earlier EPT's root, and the EPTP the same;
 *  - after taking leaves out and before unpinning their pages
 *    (hvx_zap_release());
 *  - when a 2 MiB leaf is split, after taking it out and before putting
 *    the table of 4 KiB leaves in (hvx_ept_split_2m()), so that no CPU
 *    holds translations of both sizes for one address;
 *  - after the EPT's last use and before its tables go back to the page
 *    allocator, even with no leaf left (hvx_mmu_destroy()).  A live EPT
 *    keeps its tables: hvx_ept_unmap_range() frees none.
 *
 * No unpinned page and no freed table is then ever reachable through a
 * cached translation.  Each flush reaches every CPU, as hvx does not track
 * where a VM has run; a CPU that enters VMX operation later flushes
 * everything first (kmod/vmx/vmx.c).
 */
void hvx_mmu_flush(struct hvx_vm *vm)
{
	on_each_cpu(hvx_invept_ipi, vm, 1);
}

/*
 * @vm's EPT counters summed over both address spaces, for netlink and the
 * statistics fd, which read them without mmu_lock.
 */
void hvx_mmu_totals(const struct hvx_vm *vm, struct hvx_ept *sum)
{
	const struct hvx_ept *ept;
	int as;

	memset(sum, 0, sizeof(*sum));
	for (as = 0; as < HVX_NR_ADDRESS_SPACES; as++) {
		ept = &vm->ept[as];
		sum->nr_tables += READ_ONCE(ept->nr_tables);
		sum->nr_4k += READ_ONCE(ept->nr_4k);
		sum->nr_2m += READ_ONCE(ept->nr_2m);
		sum->nr_locked += READ_ONCE(ept->nr_locked);
	}
}

static void hvx_mmu_flush_cb(void *vm)
{
	hvx_mmu_flush(vm);
}

/*
 * RLIMIT_MEMLOCK.  Pinned guest memory is locked memory, charged as vfio
 * charges what it pins: to locked_vm of the address space that created
 * the VM (vm->mm, held with mmgrab() for as long as the VM lives), against
 * the RLIMIT_MEMLOCK of the process running the guest, as it is at each
 * pin.  The charge follows the EPT: 4 KiB before a 4 KiB leaf is made,
 * 2 MiB before a 2 MiB one, given back when the leaf goes and its pages
 * are unpinned, so each EPT's nr_locked is always what it maps.  A page
 * both address spaces map (SMM's view, kmod/vm.h) is pinned and charged
 * by each.
 * CAP_IPC_LOCK lifts the limit, as for mlock(); the pages still count.
 */
static int hvx_mmu_charge(struct hvx_vm *vm, struct hvx_ept *ept,
			  unsigned long npages)
{
	struct mm_struct *mm = vm->mm;
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	bool unlimited;
	int r;

	/* Only the VMM's own threads map guest memory: mm is current's. */
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	/* As mlock(): a VMM within its limit never asks for the capability. */
	unlimited = mm->locked_vm + npages > limit && capable(CAP_IPC_LOCK);
	r = __account_locked_vm(mm, npages, true, current, unlimited);
	mmap_write_unlock(mm);
	/* Read without mmu_lock (debugfs, netlink): one store at a time. */
	if (!r)
		WRITE_ONCE(ept->nr_locked, ept->nr_locked + npages);
	return r;
}

static void hvx_mmu_uncharge(struct hvx_vm *vm, struct hvx_ept *ept,
			     unsigned long npages)
{
	struct mm_struct *mm = vm->mm;

	if (!npages)
		return;
	WRITE_ONCE(ept->nr_locked, ept->nr_locked - npages);
	/*
	 * The VM keeps mm itself (mmgrab()) but not its memory: once the
	 * process has exited, or exec'd, nothing is left to give back to.
	 * The VM's last fd may be closed anywhere, even in another process.
	 */
	if (!mmget_not_zero(mm))
		return;
	mmap_write_lock(mm);
	__account_locked_vm(mm, npages, false, current, false);
	mmap_write_unlock(mm);
	mmput(mm);
}

/*
 * Leaves taken out of the EPT wait here until every CPU has forgotten
 * them; then their pages are unpinned.  When the buffer fills up, flush
 * and release what it holds, and go on.
 */
struct hvx_zap {
	struct hvx_vm *vm;
	struct hvx_ept *ept;
	bool flush;		/* flush even when nothing was collected */
	unsigned int n, max;
	u64 *entry;
	u64 stack_entry[8];
};

static void hvx_zap_release(struct hvx_zap *z)
{
	unsigned long npages = 0;
	unsigned int i;

	if (!z->n && !z->flush)
		return;
	hvx_mmu_flush(z->vm);
	z->flush = false;
	for (i = 0; i < z->n; i++) {
		u64 e = z->entry[i];
		struct page *page = pfn_to_page((e & HVX_EPT_ADDR_MASK) >>
						PAGE_SHIFT);

		bool dirty = e & (HVX_EPT_WRITE | HVX_EPT_WAS_WRITABLE);

		if (e & HVX_EPT_LEAF) {
			unpin_user_page_range_dirty_lock(page, HVX_2M_PAGES,
							 dirty);
			npages += HVX_2M_PAGES;
		} else {
			unpin_user_pages_dirty_lock(&page, 1, dirty);
			npages++;
		}
	}
	z->n = 0;
	hvx_mmu_uncharge(z->vm, z->ept, npages);
}

static void hvx_zap_collect(u64 entry, int level, void *data)
{
	struct hvx_zap *z = data;
	struct page *apic = z->vm->apic_access_page;

	/* The APIC-access page is hvx's, not pinned: only forgotten. */
	if (apic && (entry & HVX_EPT_ADDR_MASK) == page_to_phys(apic)) {
		z->flush = true;
		return;
	}
	if (z->n == z->max)
		hvx_zap_release(z);
	z->entry[z->n++] = entry;
}

static void hvx_zap_init(struct hvx_zap *z, struct hvx_vm *vm, int as)
{
	z->vm = vm;
	z->ept = &vm->ept[as];
	z->flush = false;
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

/* Unmap [start, end) of @as and unpin its pages.  mmu_lock is held. */
void hvx_mmu_unmap(struct hvx_vm *vm, int as, u64 start, u64 end)
{
	struct hvx_zap z;

	hvx_zap_init(&z, vm, as);
	hvx_ept_unmap_range(z.ept, start, end, hvx_zap_collect, &z);
	hvx_zap_finish(&z);
}

/* Called with VMX on (hvx_vmx_get()), before any vCPU exists. */
int hvx_mmu_init(struct hvx_vm *vm)
{
	int as, r;

	mutex_init(&vm->mmu_lock);
	xa_init(&vm->access);
	for (as = 0; as < HVX_NR_ADDRESS_SPACES; as++) {
		r = hvx_ept_init(&vm->ept[as]);
		if (r) {
			hvx_mmu_destroy(vm);	/* the other's, if made */
			return r;
		}
		vm->eptp[as] = hvx_ept_pointer(&vm->ept[as]);
	}
	/* Whatever a CPU still holds under these EPTPs is not this VM's. */
	hvx_mmu_flush(vm);
	return 0;
}

/*
 * No vCPU of the VM exists any more (or ever did): unmap everything, and
 * flush once more, whether or not a leaf was left, before the tables go.
 */
void hvx_mmu_destroy(struct hvx_vm *vm)
{
	struct hvx_zap z;
	int as, i;

	xa_destroy(&vm->access);	/* left by an introspector not yet gone */
	for (as = 0; as < HVX_NR_ADDRESS_SPACES; as++) {
		if (!vm->ept[as].root)
			continue;
		hvx_zap_init(&z, vm, as);
		z.flush = true;
		hvx_ept_unmap_range(z.ept, 0, BIT_ULL(HVX_MAX_GPA_BITS),
				    hvx_zap_collect, &z);
		hvx_zap_finish(&z);
		WARN_ON_ONCE(vm->ept[as].nr_locked);
		hvx_ept_destroy(&vm->ept[as], NULL, NULL);
		for (i = 0; i < HVX_MAX_MEMSLOTS; i++)
			kvfree(vm->slots[as].slot[i].dirty_bitmap);
	}
	if (vm->apic_access_page)
		__free_page(vm->apic_access_page);
}

/**
 * hvx_mmu_apic_access_page - the VM's APIC-access page, made on first use
 * @vm: the VM, with vm->lock held (a vCPU is being created)
 *
 * VT-x's "virtualize APIC accesses" (SDM "APIC-Access Page") makes a
 * guest's access to one host page exit with the register's offset instead
 * of reading or writing it.  The CPU tells such an access by the host
 * address the EPT gives, so the EPT maps this page where the guest's APIC
 * is, at APIC_DEFAULT_PHYS_BASE, in place of any slot there (KVM keeps a
 * private slot at that address).  The page is never read or written: its
 * content does not matter.
 *
 * Return: the page, or NULL when memory ran out.
 */
struct page *hvx_mmu_apic_access_page(struct hvx_vm *vm)
{
	struct page *page = vm->apic_access_page;

	if (page)
		return page;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return NULL;
	mutex_lock(&vm->mmu_lock);
	vm->apic_access_page = page;
	mutex_unlock(&vm->mmu_lock);
	return page;
}

/*
 * The guest touched its APIC page: map the APIC-access page there,
 * readable and writable so that its accesses become APIC-access exits.
 * Not executable: an instruction fetch from it stays an EPT violation,
 * which the MMIO path reports as an access it cannot emulate (KVM fails
 * the same emulation).  mmu_lock is held.
 */
static int hvx_mmu_map_apic_access(struct hvx_vm *vm, struct hvx_ept *ept,
				   u64 gpa, u64 access)
{
	int level;

	if (access & HVX_EPT_EXEC)
		return -ENOENT;
	if (hvx_ept_lookup(ept, gpa, &level))
		return 0;	/* another vCPU mapped it meanwhile */
	return hvx_ept_map(ept, gpa & PAGE_MASK,
			   page_to_phys(vm->apic_access_page), 1,
			   HVX_EPT_READ | HVX_EPT_WRITE);
}

/**
 * hvx_mmu_set_slot - create, change or delete a memory slot
 * @vm: the VM
 * @as_req: the slot; memory_size 0 deletes it.  The high 16 bits of its
 *          id name the address space.
 *
 * Changing a slot replaces it: its old mappings go, and the new range is
 * mapped as the guest touches it.  So does turning dirty logging on or
 * off, which starts a slot's dirty bitmap afresh, with no page dirty.  A
 * request for the slot as it is changes nothing, as in KVM (a logged
 * slot keeps its log).
 *
 * Return: 0, -EINVAL, -EEXIST (hvx_memslot_check()), or -ENOMEM.
 */
int hvx_mmu_set_slot(struct hvx_vm *vm,
		     const struct hvx_memslot_request *as_req)
{
	struct hvx_memslot_request one = *as_req, *req = &one;
	int as = as_req->id >> HVX_SLOT_AS_SHIFT;
	unsigned long *bitmap = NULL;
	struct hvx_memslot *slot;
	int r;

	if (as >= HVX_NR_ADDRESS_SPACES)
		return -EINVAL;
	req->id = (u16)as_req->id;
	mutex_lock(&vm->mmu_lock);
	r = hvx_memslot_check(&vm->slots[as], req,
			      KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES);
	if (r)
		goto out;
	slot = &vm->slots[as].slot[req->id];
	if (req->memory_size && slot->npages &&
	    slot->base_gfn == req->guest_phys_addr >> PAGE_SHIFT &&
	    slot->npages == req->memory_size >> PAGE_SHIFT &&
	    slot->userspace_addr == req->userspace_addr &&
	    slot->flags == req->flags)
		goto out;
	if (req->memory_size && (req->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
		bitmap = hvx_dirty_bitmap_alloc(req->memory_size >> PAGE_SHIFT);
		if (!bitmap) {
			r = -ENOMEM;
			goto out;
		}
	}
	if (slot->npages) {
		u64 start = slot->base_gfn << PAGE_SHIFT;
		u64 end = start + (slot->npages << PAGE_SHIFT);

		/* Out of the tables, out of every TLB, then unpinned. */
		hvx_mmu_unmap(vm, as, start, end);
	}
	kvfree(slot->dirty_bitmap);
	hvx_memslot_set(&vm->slots[as], req);
	slot->dirty_bitmap = bitmap;
out:
	mutex_unlock(&vm->mmu_lock);
	return r;
}

/*
 * Pin @npages of the VMM's memory from @hva (in current->mm, the VM's).
 * Whether that memory may be pinned is decided here, at each pin, not
 * when the slot is made: the VMM may map something else at a slot's
 * address at any time.  Returns 0 with every page pinned, -EOPNOTSUPP
 * when the memory may not be pinned for a guest (kmod/ept/pin.h),
 * -EFAULT when GUP cannot pin it, -EINTR when the VMM is being killed.
 */
static int hvx_mmu_pin(unsigned long hva, int npages, unsigned int gup,
		       struct page **pages)
{
	bool write = gup & FOLL_WRITE;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool ok = true;
	int i, n;

	if (write) {
		if (mmap_read_lock_killable(mm))
			return -EINTR;
		vma = vma_lookup(mm, hva);
		/* With no VMA there, GUP fails below. */
		ok = !vma || hvx_vma_pinnable(vma, write);
		mmap_read_unlock(mm);
		if (!ok)
			return -EOPNOTSUPP;
	}
	n = pin_user_pages_fast(hva, npages, gup, pages);
	if (n != npages) {
		if (n > 0)
			unpin_user_pages(pages, n);
		return -EFAULT;
	}
	for (i = 0; i < n && ok; i++)
		ok = hvx_folio_pinnable(page_folio(pages[i]), write);
	if (!ok) {
		unpin_user_pages(pages, n);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Try to map the whole 2 MiB around @gfn with one entry: the slot must
 * cover it, guest and host addresses must be equally aligned, and the host
 * must back it with one huge folio, and no 4 KiB leaf may be there yet.
 * @prot is the large leaf's.  @page is the pinned page of @gfn, with its
 * 4 KiB charged.  Returns true when the large page is mapped,
 * charged in full, and @page's pin dropped (its charge is the 2 MiB's
 * now); false leaves @page and its charge as they were, for a 4 KiB leaf.
 */
static bool hvx_mmu_map_2m(struct hvx_vm *vm, struct hvx_ept *ept,
			   const struct hvx_memslot *slot, u64 gfn,
			   struct page *page, unsigned int gup, u64 prot)
{
	u64 first = gfn & ~(u64)(HVX_2M_PAGES - 1);
	unsigned long hva = hvx_memslot_hva(slot, first);
	struct folio *folio = page_folio(page);
	unsigned long head_pfn = page_to_pfn(page) - (gfn - first);
	struct page **pages;
	int i;
	bool ok = false;

	if (!cpu_has_vmx_ept_2m_page() ||
	    hvx_ept_has_table(ept, first << PAGE_SHIFT, 2) ||
	    !hvx_memslot_covers(slot, first, first + HVX_2M_PAGES - 1) ||
	    !IS_ALIGNED(hva, PMD_SIZE) || folio_size(folio) < PMD_SIZE ||
	    !IS_ALIGNED(head_pfn, HVX_2M_PAGES) ||
	    head_pfn < folio_pfn(folio) ||
	    head_pfn + HVX_2M_PAGES > folio_pfn(folio) + folio_nr_pages(folio))
		return false;

	/* Near the limit, a 4 KiB leaf may fit where 2 MiB do not. */
	if (hvx_mmu_charge(vm, ept, HVX_2M_PAGES - 1))
		return false;
	pages = kvmalloc_array(HVX_2M_PAGES, sizeof(*pages), GFP_KERNEL);
	if (pages && !hvx_mmu_pin(hva, HVX_2M_PAGES, gup, pages)) {
		ok = true;
		/* The folio may have been split or replaced meanwhile. */
		for (i = 0; i < HVX_2M_PAGES && ok; i++)
			ok = page_to_pfn(pages[i]) == head_pfn + i;
		if (ok)
			ok = !hvx_ept_map(ept, first << PAGE_SHIFT,
					  (u64)head_pfn << PAGE_SHIFT, 2, prot);
		if (!ok)
			unpin_user_pages(pages, HVX_2M_PAGES);
	}
	kvfree(pages);
	if (ok)
		unpin_user_page(page);
	else
		hvx_mmu_uncharge(vm, ept, HVX_2M_PAGES - 1);
	return ok;
}

/* Why a guest access failed, for the VMM's user: rate-limited. */
static void hvx_mmu_report(struct hvx_vm *vm, struct hvx_ept *ept, u64 gpa,
			   unsigned long hva, int r)
{
	if (r == -ENOMEM)
		pr_warn_ratelimited("%s[%d]: guest-physical %#llx not mapped: pinning it would exceed RLIMIT_MEMLOCK (%lu KiB; this VM has %lu KiB locked), so KVM_RUN fails with ENOMEM. Raise the VMM's limit (ulimit -l) or give it CAP_IPC_LOCK\n",
				    current->comm, task_tgid_nr(current), gpa,
				    rlimit(RLIMIT_MEMLOCK) >> 10,
				    ept->nr_locked << (PAGE_SHIFT - 10));
	else if (r == -EOPNOTSUPP)
		pr_warn_ratelimited("%s[%d]: guest-physical %#llx not mapped: the VMM's memory at %#lx is a shared, writable mapping of a file whose writes its filesystem tracks (page_mkwrite, writeback), which must not be pinned for a guest, so KVM_RUN fails with EOPNOTSUPP. Back guest memory with anonymous memory, a memfd, tmpfs or hugetlbfs, or map the file MAP_PRIVATE\n",
				    current->comm, task_tgid_nr(current), gpa,
				    hva);
}

/**
 * hvx_mmu_fault - map the page behind a guest-physical address
 * @vm: the VM
 * @as: the address space of the vCPU's access (hvx_vcpu_as())
 * @gpa: the address whose access made an EPT violation
 * @access: what the guest tried: HVX_EPT_READ, _WRITE and _EXEC (an
 *          instruction fetch), which an EPT violation's exit
 *          qualification reports in the same bits
 *
 * Called in the VMM's context (the vCPU's KVM_RUN), where the slot's
 * userspace address means something.  The guest's access is not
 * completed on an error: after KVM_RUN fails, the VMM may fix the cause
 * (raise its RLIMIT_MEMLOCK, map other memory) and run the vCPU again.
 *
 * Under the iTLB multihit mitigation a fetch is mapped with a 4 KiB leaf,
 * and a fetch from a 2 MiB leaf, which is not executable, splits it.
 *
 * Return: 0 when the page is mapped (perhaps by another vCPU meanwhile),
 * -ENOENT when no slot backs @gpa, -EROFS for a write to a read-only
 * slot (both MMIO to the VMM); -EACCES when an introspector took the
 * access's right (its PF event); errors for KVM_RUN: -ENOMEM when pinning
 * the page would exceed the VMM's RLIMIT_MEMLOCK (or memory ran out),
 * -EOPNOTSUPP when the VMM's memory there may not be pinned for a guest,
 * -EFAULT when it cannot be used, -EINTR when the VMM is being killed.
 */
int hvx_mmu_fault(struct hvx_vm *vm, int as, u64 gpa, u64 access)
{
	struct hvx_ept *ept = &vm->ept[as];
	bool write = access & HVX_EPT_WRITE;
	bool nx = hvx_nx_huge_pages();
	const struct hvx_memslot *slot;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned int gup = FOLL_LONGTERM;
	u64 prot = HVX_EPT_RWX, allowed;
	unsigned long hva;
	struct page *page;
	u64 entry;
	int level, r;

	/* The exit qualification's access bits are @access as it stands. */
	BUILD_BUG_ON(EPT_VIOLATION_ACC_READ != HVX_EPT_READ);
	BUILD_BUG_ON(EPT_VIOLATION_ACC_WRITE != HVX_EPT_WRITE);
	BUILD_BUG_ON(EPT_VIOLATION_ACC_INSTR != HVX_EPT_EXEC);

	mutex_lock(&vm->mmu_lock);
	if (vm->apic_access_page && gfn == APIC_DEFAULT_PHYS_BASE >> PAGE_SHIFT) {
		r = hvx_mmu_map_apic_access(vm, ept, gpa, access);
		goto out;
	}
	slot = hvx_memslot_find(&vm->slots[as], gfn);
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
		/* Logged: writable once written (the page is pinned so). */
		if (slot->dirty_bitmap && !write)
			prot = HVX_EPT_READ | HVX_EPT_EXEC;
	}
	/* An introspector's rights (ept/access.c): its PF event, or less. */
	allowed = hvx_access_of(vm, as, gfn);
	r = -EACCES;
	if (access & ~allowed)
		goto out;
	prot &= allowed;
	r = 0;
	entry = hvx_ept_lookup(ept, gpa, &level);
	if (entry) {
		/*
		 * Mapped: by another vCPU meanwhile; without write access,
		 * in a logged slot; or with a 2 MiB leaf that may not be
		 * executed.  Its 512 pages are pinned and charged already,
		 * and become the 4 KiB leaves'.
		 */
		if (write && !(entry & HVX_EPT_WRITE) && slot->dirty_bitmap) {
			hvx_ept_make_writable(ept, gpa);
			hvx_memslot_mark_dirty(slot, gfn);
		} else if (level == 2 && (access & HVX_EPT_EXEC) &&
			   !(entry & HVX_EPT_EXEC))
			r = hvx_ept_split_2m(ept, gpa, prot,
					     hvx_mmu_flush_cb, vm);
		goto out;
	}

	hva = hvx_memslot_hva(slot, gfn);
	r = hvx_mmu_charge(vm, ept, 1);
	if (r) {
		hvx_mmu_report(vm, ept, gpa, hva, r);
		goto out;
	}
	r = hvx_mmu_pin(hva, 1, gup, &page);
	if (r) {
		hvx_mmu_report(vm, ept, gpa, hva, r);
		goto out_uncharge;
	}
	if (!slot->dirty_bitmap && hvx_nx_max_level(access, nx) == 2 &&
	    !hvx_access_in_2m(vm, as, gfn) &&
	    hvx_mmu_map_2m(vm, ept, slot, gfn, page, gup,
			   hvx_nx_huge_prot(prot, nx)))
		goto out;
	r = hvx_ept_map(ept, gfn << PAGE_SHIFT, page_to_phys(page), 1,
			prot);
	if (!r) {
		if (write)
			hvx_memslot_mark_dirty(slot, gfn);
		goto out;
	}
	unpin_user_page(page);
out_uncharge:
	hvx_mmu_uncharge(vm, ept, 1);
out:
	mutex_unlock(&vm->mmu_lock);
	return r;
}

/*
 * Copy to or from guest-physical memory through the slots, with
 * vm->mmu_lock held (so that a walk of the guest's page tables and the
 * copy it leads to take the lock once): in the VMM's context through its
 * addresses, from any other (an introspector's) through
 * hvx_remote_copy().  Writes to a read-only slot are dropped, as a ROM
 * drops them.  Returns 0, -ENOENT when an address has no slot, or the
 * error of the VMM's memory (-EFAULT; -ESRCH once it is gone).
 */
static int __hvx_guest_copy(struct hvx_vm *vm, int as, u64 gpa, void *buf,
			    size_t len, bool write)
{
	lockdep_assert_held(&vm->mmu_lock);
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - (gpa & ~PAGE_MASK));
		const struct hvx_memslot *slot;
		unsigned long hva;
		int r;

		slot = hvx_memslot_find(&vm->slots[as], gpa >> PAGE_SHIFT);
		if (!slot)
			return -ENOENT;
		hva = hvx_memslot_hva(slot, gpa >> PAGE_SHIFT) +
		      (gpa & ~PAGE_MASK);
		if (unlikely(current->mm != vm->mm)) {
			r = 0;
			if (!write || !(slot->flags & KVM_MEM_READONLY))
				r = hvx_remote_copy(vm, hva, buf, n, write);
			if (r)
				return r;
			if (write)
				hvx_memslot_mark_dirty(slot, gpa >> PAGE_SHIFT);
		} else if (!write && n == sizeof(u64) &&
			   IS_ALIGNED(hva, sizeof(u64))) {
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
		} else if (!(slot->flags & KVM_MEM_READONLY)) {
			if (copy_to_user((void __user *)hva, buf, n))
				return -EFAULT;
			hvx_memslot_mark_dirty(slot, gpa >> PAGE_SHIFT);
		}
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The caller holds vm->mmu_lock. */
int __hvx_read_guest(struct hvx_vm *vm, int as, u64 gpa, void *buf,
		     size_t len)
{
	return __hvx_guest_copy(vm, as, gpa, buf, len, false);
}

/* The caller holds vm->mmu_lock. */
int __hvx_write_guest(struct hvx_vm *vm, int as, u64 gpa, const void *buf,
		      size_t len)
{
	return __hvx_guest_copy(vm, as, gpa, (void *)buf, len, true);
}

int hvx_read_guest(struct hvx_vm *vm, int as, u64 gpa, void *buf,
		   size_t len)
{
	int r;

	mutex_lock(&vm->mmu_lock);
	r = __hvx_read_guest(vm, as, gpa, buf, len);
	mutex_unlock(&vm->mmu_lock);
	return r;
}

int hvx_write_guest(struct hvx_vm *vm, int as, u64 gpa, const void *buf,
		    size_t len)
{
	int r;

	mutex_lock(&vm->mmu_lock);
	r = __hvx_write_guest(vm, as, gpa, buf, len);
	mutex_unlock(&vm->mmu_lock);
	return r;
}
