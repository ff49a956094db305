// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory from a process other than the VMM's: an introspector
 * (kmod/intro/) reads and writes the guest, and walks its page tables,
 * from its own thread, where the VMM's addresses mean nothing.  Each page
 * is looked up in the VMM's address space, as ptrace's peeks and pokes
 * do, held for the copy and let go: nothing stays pinned, nothing is
 * charged to the VMM's RLIMIT_MEMLOCK.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "../vm.h"

/**
 * hvx_remote_copy - copy to or from the VMM's memory at @hva
 * @vm: the VM, whose owner's address space holds @hva
 * @hva: the VMM's address; the copy stays within its page
 * @buf: the kernel's buffer
 * @len: bytes
 * @write: to the VMM's memory
 *
 * Return: 0; -ESRCH once the VMM's address space is gone; -EFAULT where
 * it has no page the access may use (no mapping, or a write to a page it
 * may not write).
 */
int hvx_remote_copy(struct hvx_vm *vm, unsigned long hva, void *buf,
		    size_t len, bool write)
{
	struct mm_struct *mm = vm->mm;
	struct page *page;
	void *kaddr;
	long got;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	got = get_user_pages_remote(mm, hva, 1, write ? FOLL_WRITE : 0,
				    &page,
#ifdef HVX_HAVE_GUP_VMAS	/* before 6.5 */
				    NULL,
#endif
				    NULL);
	mmap_read_unlock(mm);
	mmput(mm);
	if (got != 1)
		return -EFAULT;

	kaddr = kmap_local_page(page);
	if (write) {
		memcpy(kaddr + offset_in_page(hva), buf, len);
		set_page_dirty_lock(page);
	} else {
		memcpy(buf, kaddr + offset_in_page(hva), len);
	}
	kunmap_local(kaddr);
	put_page(page);
	return 0;
}
