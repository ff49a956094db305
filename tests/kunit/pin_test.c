// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which of the VMM's mappings hvx pins for a guest
 * (kmod/ept/pin.h), on made-up VMAs, files and folios that say what
 * Linux would say of anonymous memory, tmpfs, ramfs, ext4 and DAX.
 */
#include <kunit/test.h>
#include <linux/backing-dev.h>
#include <linux/fs.h>
#include <linux/mm.h>

#include "../../kmod/ept/pin.h"

static vm_fault_t fake_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

/* tmpfs, memfd, hugetlbfs: no notice wanted before a page is written. */
static const struct vm_operations_struct fake_shmem_ops = {
	.fault = fake_fault,
};

/* ramfs and disk filesystems: filemap_page_mkwrite() or their own. */
static const struct vm_operations_struct fake_mkwrite_ops = {
	.fault = fake_fault,
	.page_mkwrite = fake_fault,
};

/* DAX. */
static const struct vm_operations_struct fake_pfn_mkwrite_ops = {
	.fault = fake_fault,
	.pfn_mkwrite = fake_fault,
};

/* A file's page cache, on a filesystem whose BDI writes back or not. */
static struct address_space *fake_mapping(struct kunit *test, bool writeback)
{
	struct backing_dev_info *bdi = kunit_kzalloc(test, sizeof(*bdi), GFP_KERNEL);
	struct super_block *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct address_space *mapping = kunit_kzalloc(test, sizeof(*mapping),
						      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bdi);
	KUNIT_ASSERT_NOT_NULL(test, sb);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	KUNIT_ASSERT_NOT_NULL(test, mapping);
	bdi->capabilities = writeback ? BDI_CAP_WRITEBACK : 0;
	sb->s_bdi = bdi;
	inode->i_sb = sb;
	mapping->host = inode;
	return mapping;
}

static struct file *fake_file(struct kunit *test, bool writeback)
{
	struct file *file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, file);
	file->f_mapping = fake_mapping(test, writeback);
	return file;
}

enum backing { ANON, NO_WRITEBACK, WRITEBACK };

struct vma_case {
	const char *what;
	unsigned long flags;
	const struct vm_operations_struct *ops;
	enum backing backing;
	bool write_ok;		/* a writable pin is allowed */
};

#define RW	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE)

static const struct vma_case vma_cases[] = {
	{ "private anonymous memory", RW, NULL, ANON, true },
	{ "shared anonymous memory, a memfd, a tmpfs file",
	  RW | VM_SHARED | VM_MAYSHARE, &fake_shmem_ops, NO_WRITEBACK, true },
	{ "a shared ramfs file (page_mkwrite, no writeback)",
	  RW | VM_SHARED | VM_MAYSHARE, &fake_mkwrite_ops, NO_WRITEBACK, false },
	{ "a shared ext4 file (page_mkwrite, writeback)",
	  RW | VM_SHARED | VM_MAYSHARE, &fake_mkwrite_ops, WRITEBACK, false },
	{ "a shared file that writes back without page_mkwrite",
	  RW | VM_SHARED | VM_MAYSHARE, &fake_shmem_ops, WRITEBACK, false },
	{ "a shared DAX file (pfn_mkwrite)",
	  RW | VM_SHARED | VM_MAYSHARE, &fake_pfn_mkwrite_ops, NO_WRITEBACK, false },
	{ "a private ext4 file (COW)", RW, &fake_mkwrite_ops, WRITEBACK, true },
	{ "a shared ext4 file mapped read-only",
	  VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_SHARED | VM_MAYSHARE,
	  &fake_mkwrite_ops, WRITEBACK, true },
	{ "a shared PFN mapping of a file that writes back",
	  RW | VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO, &fake_shmem_ops,
	  WRITEBACK, true },
};

static void pin_vma_rule_follows_dirty_tracking(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vma_cases); i++) {
		const struct vma_case *c = &vma_cases[i];
		struct vm_area_struct vma = {
			.vm_flags = c->flags,
			.vm_ops = c->ops,
			.vm_file = c->backing == ANON ? NULL :
				   fake_file(test, c->backing == WRITEBACK),
		};

		KUNIT_EXPECT_EQ_MSG(test, hvx_vma_pinnable(&vma, true),
				    c->write_ok, "writable pin of %s", c->what);
		/* A read-only pin writes nothing: always allowed. */
		KUNIT_EXPECT_TRUE_MSG(test, hvx_vma_pinnable(&vma, false),
				      "read-only pin of %s", c->what);
	}
}

/*
 * The folio pinned after the VMA was checked: a page-cache page whose
 * filesystem writes back is refused for writing, whatever the VMA said.
 */
static void pin_folio_rule_refuses_pages_written_back(struct kunit *test)
{
	struct address_space *wb = fake_mapping(test, true);
	struct address_space *nowb = fake_mapping(test, false);
	struct page *page = alloc_page(GFP_KERNEL);
	struct folio *folio;

	KUNIT_ASSERT_NOT_NULL(test, page);
	folio = page_folio(page);

	folio->mapping = wb;
	KUNIT_EXPECT_FALSE(test, hvx_folio_pinnable(folio, true));
	KUNIT_EXPECT_TRUE(test, hvx_folio_pinnable(folio, false));
	folio->mapping = nowb;
	KUNIT_EXPECT_TRUE(test, hvx_folio_pinnable(folio, true));
	/* An anonymous folio's mapping is its anon_vma, tagged. */
	folio->mapping = (void *)((unsigned long)wb | PAGE_MAPPING_ANON);
	KUNIT_EXPECT_TRUE(test, hvx_folio_pinnable(folio, true));
	/* Truncated out of its file: nothing left to write it back. */
	folio->mapping = NULL;
	KUNIT_EXPECT_TRUE(test, hvx_folio_pinnable(folio, true));

	__free_page(page);
}

static struct kunit_case pin_cases[] = {
	KUNIT_CASE(pin_vma_rule_follows_dirty_tracking),
	KUNIT_CASE(pin_folio_rule_refuses_pages_written_back),
	{}
};

static struct kunit_suite pin_suite = {
	.name = "hvx_pin",
	.test_cases = pin_cases,
};

kunit_test_suite(pin_suite);
