// SPDX-License-Identifier: GPL-2.0
/*
 * Building, walking, splitting and tearing down EPT tables.  No locking
 * here: the caller (kmod/ept/mmu.c) holds the VM's mmu_lock, and the CPU
 * walking the tables in parallel only ever sees whole 64-bit entries.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "ept.h"

static u64 *hvx_ept_alloc_table(struct hvx_ept *ept)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (table)
		ept->nr_tables++;
	return table;
}

static u64 *hvx_ept_child(u64 entry)
{
	return __va(entry & HVX_EPT_ADDR_MASK);
}

/**
 * hvx_ept_init - allocate an empty EPT
 * @ept: the EPT
 *
 * Return: 0 or -ENOMEM.
 */
int hvx_ept_init(struct hvx_ept *ept)
{
	memset(ept, 0, sizeof(*ept));
	ept->root = hvx_ept_alloc_table(ept);
	return ept->root ? 0 : -ENOMEM;
}

/* The value of the VMCS's EPT pointer field for @ept. */
u64 hvx_ept_pointer(const struct hvx_ept *ept)
{
	return __pa(ept->root) | HVX_EPTP_WALK_4 | HVX_EPTP_WB;
}

/**
 * hvx_ept_map - map one 4 KiB or 2 MiB page
 * @ept: the EPT
 * @gpa: guest-physical address, aligned to the page size of @level
 * @hpa: host-physical address, aligned likewise
 * @level: 1 for 4 KiB, 2 for 2 MiB
 * @prot: HVX_EPT_READ, _WRITE and _EXEC
 *
 * Return: 0; -EEXIST when something is already mapped there (for a 2 MiB
 * page: when a table of 4 KiB pages is); -ENOMEM.
 */
int hvx_ept_map(struct hvx_ept *ept, u64 gpa, u64 hpa, int level, u64 prot)
{
	u64 *table = ept->root;
	int l;

	if (WARN_ON_ONCE(level < 1 || level > 2 ||
			 !IS_ALIGNED(gpa | hpa, hvx_ept_level_size(level))))
		return -EINVAL;

	for (l = HVX_EPT_LEVELS; l > level; l--) {
		u64 *entry = &table[hvx_ept_index(gpa, l)];

		if (!hvx_ept_present(*entry)) {
			u64 *child = hvx_ept_alloc_table(ept);

			if (!child)
				return -ENOMEM;
			WRITE_ONCE(*entry, hvx_ept_table_entry(__pa(child)));
		} else if (hvx_ept_is_leaf(*entry, l)) {
			return -EEXIST;
		}
		table = hvx_ept_child(*entry);
	}

	table = &table[hvx_ept_index(gpa, level)];
	if (hvx_ept_present(*table))
		return -EEXIST;
	WRITE_ONCE(*table, hvx_ept_leaf_entry(hpa, level, prot));
	if (level == 1)
		ept->nr_4k++;
	else
		ept->nr_2m++;
	return 0;
}

/**
 * hvx_ept_lookup - the leaf entry that maps @gpa
 * @ept: the EPT
 * @gpa: guest-physical address
 * @level: set to the leaf's level when one is found
 *
 * Return: the leaf entry, or 0 when @gpa is not mapped.
 */
u64 hvx_ept_lookup(const struct hvx_ept *ept, u64 gpa, int *level)
{
	const u64 *table = ept->root;
	int l;

	for (l = HVX_EPT_LEVELS; l >= 1; l--) {
		u64 entry = READ_ONCE(table[hvx_ept_index(gpa, l)]);

		if (!hvx_ept_present(entry))
			return 0;
		if (hvx_ept_is_leaf(entry, l)) {
			*level = l;
			return entry;
		}
		table = hvx_ept_child(entry);
	}
	return 0;
}

/*
 * The entry for @gpa in its table at @level (2 or more), or NULL when the
 * walk ends above: nothing mapped there, or a larger leaf.
 */
static u64 *hvx_ept_walk(const struct hvx_ept *ept, u64 gpa, int level)
{
	u64 *table = ept->root;
	int l;

	for (l = HVX_EPT_LEVELS; l > level; l--) {
		u64 entry = READ_ONCE(table[hvx_ept_index(gpa, l)]);

		if (!hvx_ept_present(entry) || hvx_ept_is_leaf(entry, l))
			return NULL;
		table = hvx_ept_child(entry);
	}
	return &table[hvx_ept_index(gpa, level)];
}

/**
 * hvx_ept_has_table - is there a table of smaller pages under @gpa?
 * @ept: the EPT
 * @gpa: guest-physical address
 * @level: 2: a table of 4 KiB leaves where a 2 MiB leaf would go
 *
 * Return: true when a leaf at @level cannot go in without taking out
 * what is below it (hvx_ept_map() would say -EEXIST).
 */
bool hvx_ept_has_table(const struct hvx_ept *ept, u64 gpa, int level)
{
	u64 *entry = hvx_ept_walk(ept, gpa, level);

	return entry && hvx_ept_present(*entry) &&
	       !hvx_ept_is_leaf(*entry, level);
}

/**
 * hvx_ept_split_2m - map a 2 MiB leaf's memory with 4 KiB leaves instead
 * @ept: the EPT
 * @gpa: an address that the 2 MiB leaf maps
 * @prot: the permissions of the 4 KiB leaves
 * @flush: makes every CPU forget @ept's cached translations
 * @data: passed to @flush
 *
 * The 512 new leaves map the same host memory, in order, with @prot; they
 * take over whatever the 2 MiB leaf held of it (pins, charges: 4 KiB each
 * where the large leaf held 2 MiB).  The 2 MiB leaf goes first, then
 * @flush runs, and only then is the table put in its place, so that no
 * CPU ever holds translations of both sizes for one address.  The SDM
 * asks for that order when an entry's page size changes along with its
 * rights ("Recommended Invalidation"): with both cached, a CPU may use
 * either, and on CPUs with the iTLB multihit erratum a fetch that hits
 * both may be a machine check.  Making an entry present needs no
 * invalidation, so one flush is enough.  A vCPU that touches the range
 * in between takes an EPT violation and waits for the caller's lock.
 *
 * Return: 0; -ENOENT when no 2 MiB leaf maps @gpa (@flush not called);
 * -ENOMEM, with the 2 MiB leaf still in place.
 */
int hvx_ept_split_2m(struct hvx_ept *ept, u64 gpa, u64 prot,
		     void (*flush)(void *data), void *data)
{
	u64 *entry = hvx_ept_walk(ept, gpa, 2);
	u64 large, hpa, *table;
	unsigned int i;

	if (!entry)
		return -ENOENT;
	large = *entry;
	if (!hvx_ept_present(large) || !hvx_ept_is_leaf(large, 2))
		return -ENOENT;
	table = hvx_ept_alloc_table(ept);
	if (!table)
		return -ENOMEM;
	hpa = large & HVX_EPT_ADDR_MASK;
	for (i = 0; i < HVX_EPT_ENTRIES; i++)
		table[i] = hvx_ept_leaf_entry(hpa + i * PAGE_SIZE, 1, prot);

	WRITE_ONCE(*entry, 0);
	flush(data);
	WRITE_ONCE(*entry, hvx_ept_table_entry(__pa(table)));
	ept->nr_2m--;
	ept->nr_4k += HVX_EPT_ENTRIES;
	return 0;
}

/**
 * hvx_ept_write_protect - take write access away from a 4 KiB leaf
 * @ept: the EPT
 * @gpa: an address the leaf maps
 *
 * The caller flushes the CPUs' cached translations before it relies on
 * the guest's next write faulting.
 *
 * Return: true when a writable leaf maps @gpa (and is not any more).
 */
bool hvx_ept_write_protect(struct hvx_ept *ept, u64 gpa)
{
	u64 *entry = hvx_ept_walk(ept, gpa, 1);

	if (!entry || !(*entry & HVX_EPT_WRITE))
		return false;
	WRITE_ONCE(*entry, (*entry & ~HVX_EPT_WRITE) | HVX_EPT_WAS_WRITABLE);
	return true;
}

/**
 * hvx_ept_set_prot - the rights of the 4 KiB leaf that maps @gpa
 * @ept: the EPT
 * @gpa: an address the leaf maps
 * @prot: HVX_EPT_READ, _WRITE and _EXEC
 *
 * A leaf that loses its write right keeps, as in hvx_ept_write_protect(),
 * that it had one, for the page's dirtiness when it is let go.  The
 * caller flushes the CPUs' cached translations when it takes rights.
 *
 * Return: true when a 4 KiB leaf maps @gpa.
 */
bool hvx_ept_set_prot(struct hvx_ept *ept, u64 gpa, u64 prot)
{
	u64 *entry = hvx_ept_walk(ept, gpa, 1);
	u64 e;

	if (!entry || !hvx_ept_present(*entry))
		return false;
	e = *entry;
	if ((e & HVX_EPT_WRITE) && !(prot & HVX_EPT_WRITE))
		e |= HVX_EPT_WAS_WRITABLE;
	WRITE_ONCE(*entry, (e & ~HVX_EPT_RWX) | (prot & HVX_EPT_RWX));
	return true;
}

/*
 * Give the 4 KiB leaf that maps @gpa write access.  Adding a right needs
 * no flush: the EPT violation that asked for it dropped the CPU's cached
 * translation of the address (SDM "Invalidation of TLBs and
 * Paging-Structure Caches").
 */
void hvx_ept_make_writable(struct hvx_ept *ept, u64 gpa)
{
	u64 *entry = hvx_ept_walk(ept, gpa, 1);

	if (entry && hvx_ept_present(*entry))
		WRITE_ONCE(*entry, *entry | HVX_EPT_WRITE);
}

/*
 * Unmap the leaves of @table (at @level, mapping from @base) that lie in
 * [start, end); free tables below when @free_tables.
 */
static unsigned long hvx_ept_zap(struct hvx_ept *ept, u64 *table, int level,
				 u64 base, u64 start, u64 end,
				 hvx_ept_release_fn release, void *data,
				 bool free_tables)
{
	u64 size = hvx_ept_level_size(level);
	unsigned long zapped = 0;
	unsigned int i;

	for (i = 0; i < HVX_EPT_ENTRIES; i++) {
		u64 lo = base + i * size, hi = lo + size;
		u64 entry = table[i];

		if (!hvx_ept_present(entry) || hi <= start || lo >= end)
			continue;
		if (hvx_ept_is_leaf(entry, level)) {
			/* Callers never split a large page. */
			WARN_ON_ONCE(lo < start || hi > end);
			WRITE_ONCE(table[i], 0);
			if (release)
				release(entry, level, data);
			if (level == 1)
				ept->nr_4k--;
			else
				ept->nr_2m--;
			zapped++;
			continue;
		}
		zapped += hvx_ept_zap(ept, hvx_ept_child(entry), level - 1,
				      lo, start, end, release, data,
				      free_tables);
		if (free_tables) {
			WRITE_ONCE(table[i], 0);
			free_page((unsigned long)hvx_ept_child(entry));
			ept->nr_tables--;
		}
	}
	return zapped;
}

/**
 * hvx_ept_unmap_range - unmap every page in [start, end)
 * @ept: the EPT
 * @start: first guest-physical address
 * @end: the address after the last
 * @release: called for each leaf removed
 * @data: passed to @release
 *
 * The tables stay, to be reused.  The caller invalidates the CPUs' cached
 * translations (INVEPT) before it lets the released memory go.
 *
 * Return: the number of leaves removed.
 */
unsigned long hvx_ept_unmap_range(struct hvx_ept *ept, u64 start, u64 end,
				  hvx_ept_release_fn release, void *data)
{
	return hvx_ept_zap(ept, ept->root, HVX_EPT_LEVELS, 0, start, end,
			   release, data, false);
}

/**
 * hvx_ept_destroy - unmap everything and free every table
 * @ept: the EPT, which no CPU may use any more
 * @release: called for each leaf removed
 * @data: passed to @release
 *
 * The tables go straight back to the page allocator, so the caller must
 * have made every CPU drop @ept's cached translations (INVEPT) after its
 * last use: a CPU's paging-structure caches may still point into these
 * tables, and would lead a later guest with the same EPTP into whatever
 * the pages hold next.  This is the only place that frees a table.
 */
void hvx_ept_destroy(struct hvx_ept *ept, hvx_ept_release_fn release,
		     void *data)
{
	if (!ept->root)
		return;
	hvx_ept_zap(ept, ept->root, HVX_EPT_LEVELS, 0, 0, U64_MAX,
		    release, data, true);
	free_page((unsigned long)ept->root);
	ept->nr_tables--;
	ept->root = NULL;
}
