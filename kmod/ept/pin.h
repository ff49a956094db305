/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of the VMM's memory hvx may pin for a guest.
 *
 * A pin lasts as long as the guest has the page mapped, which may be the
 * VM's whole life.  Writing through such a pin into the page cache of a
 * file that the kernel tracks for writeback breaks the filesystem: it
 * cleans the page and write-protects it, the guest goes on writing to it
 * behind its back (no page_mkwrite, no dirtying), and the data is lost or
 * the filesystem trips over a dirty page it never prepared.  Linux 6.5
 * made GUP refuse such pins itself (FOLL_LONGTERM | FOLL_WRITE on a
 * shared, writable file mapping whose pages need dirty tracking); 6.1
 * still grants them.  hvx applies the 6.5 rule on every kernel, so that a
 * VMM gets the same answer everywhere.
 *
 * What passes: anonymous memory; shmem (memfd, tmpfs, MAP_SHARED |
 * MAP_ANONYMOUS) and hugetlbfs, which neither write back nor ask for
 * page_mkwrite; a private file mapping, since a writable pin breaks COW
 * and pins the guest's own anonymous copy; and anything pinned read-only
 * (a KVM_MEM_READONLY slot), which the guest never writes through.
 *
 * Pure logic on what Linux says of a VMA or a folio, so that KUnit can
 * check it (tests/kunit/pin_test.c).
 */
#ifndef HVX_EPT_PIN_H
#define HVX_EPT_PIN_H

#include <linux/backing-dev.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

/* The VMA is shared and writable, and the file wants to see its writes. */
static inline bool hvx_vma_tracks_dirty(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = vma->vm_ops;
	struct file *file = vma->vm_file;

	if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
		return false;
	/* The filesystem asks to be told before a page is first written. */
	if (ops && (ops->page_mkwrite || ops->pfn_mkwrite))
		return true;
	/* Or it writes dirty pages back (VM_PFNMAP has no pages to write). */
	return !(vma->vm_flags & VM_PFNMAP) && file && file->f_mapping &&
	       mapping_can_writeback(file->f_mapping);
}

/**
 * hvx_vma_pinnable - may the pages of a VMA be pinned for a guest?
 * @vma: the VMA, its mm's mmap_lock held
 * @write: the pin is writable (FOLL_WRITE)
 *
 * Return: false for a writable pin of a shared, writable mapping of a
 * file whose pages need dirty tracking; true otherwise.
 */
static inline bool hvx_vma_pinnable(struct vm_area_struct *vma, bool write)
{
	return !write || vma_is_anonymous(vma) || !hvx_vma_tracks_dirty(vma);
}

/**
 * hvx_folio_pinnable - may a writable pin of this folio be kept?
 * @folio: a folio just pinned
 * @write: the pin is writable
 *
 * The VMA is checked before the pin, but GUP-fast walks the page tables
 * without mmap_lock, and another thread may map a file over the checked
 * range in between (mmap with MAP_FIXED).  So the folio that came back
 * is checked too: anonymous, or a page-cache page that nothing writes
 * back.  A folio truncated away has no mapping and nothing to write back.
 *
 * Return: false for a writable pin of a page the kernel may write back.
 */
static inline bool hvx_folio_pinnable(struct folio *folio, bool write)
{
	struct address_space *mapping;

	if (!write || folio_test_anon(folio))
		return true;
	mapping = folio_mapping(folio);
	return !mapping || !mapping_can_writeback(mapping);
}

#endif /* HVX_EPT_PIN_H */
