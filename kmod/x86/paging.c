// SPDX-License-Identifier: GPL-2.0
/*
 * A guest page-table walker for the paging modes of SDM volume 3,
 * chapter "Paging".  It checks presence, reserved bits and the access
 * rights of section "Access Rights": R/W, U/S, XD, SMEP and SMAP (hvx
 * offers no protection keys).  It does not set accessed and dirty bits,
 * which is allowed for a walk that only reads data (the instruction that
 * needs the data is the guest's, and the guest's own accesses set them).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "paging.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_XD		BIT_ULL(63)

/*
 * The physical-address bits of an entry; bits above MAXPHYADDR (and XD
 * without EFER.NXE) are reserved.
 */
static u64 hvx_rsvd_mask(const struct hvx_paging *pg)
{
	u64 mask = GENMASK_ULL(62, pg->maxphyaddr);

	if (!pg->nx)
		mask |= PTE_XD;
	return mask;
}

/**
 * hvx_gva_to_gpa - translate a guest-linear address
 * @pg: the guest's paging state
 * @gva: the linear address
 * @access: HVX_PF_WRITE, HVX_PF_USER (made at CPL 3) and HVX_PF_FETCH
 *	(an instruction fetch), as the access is
 * @read: reads a page-table entry from guest-physical memory
 * @ctx: passed to @read
 * @gpa: the guest-physical address, on success
 * @pf_error: the #PF error code to raise, when 1 is returned
 *
 * Return: 0; 1 when the guest must get a #PF; the (negative) error of
 * @read when an entry cannot be read.
 */
int hvx_gva_to_gpa(const struct hvx_paging *pg, u64 gva, u32 access,
		   hvx_read_gpa_fn read, void *ctx, u64 *gpa, u32 *pf_error)
{
	bool write = access & HVX_PF_WRITE, user = access & HVX_PF_USER;
	bool fetch = access & HVX_PF_FETCH;
	u64 rsvd = hvx_rsvd_mask(pg);
	u64 table, entry = 0, rights = PTE_RW | PTE_US, xd = 0;
	int levels, level, r;
	u32 err = access & (HVX_PF_WRITE | HVX_PF_USER);

	/* The I/D bit is reported only where a fetch can be refused. */
	if (fetch && (pg->smep || (pg->nx && pg->mode >= HVX_PAGING_PAE)))
		err |= HVX_PF_FETCH;

	switch (pg->mode) {
	case HVX_PAGING_NONE:
		*gpa = gva;
		return 0;
	case HVX_PAGING_32: {
		u32 pde, pte;

		gva = (u32)gva;
		r = read(ctx, (pg->cr3 & 0xfffff000) + ((gva >> 22) << 2),
			 &pde, 4);
		if (r)
			return r;
		if (!(pde & PTE_P))
			goto fault;
		rights &= pde;
		if ((pde & PTE_PS) && pg->pse) {
			/* A 4 MiB page: bits 20:13 hold physical bits 39:32. */
			u64 base = (pde & 0xffc00000) |
				   ((u64)(pde >> 13) & 0xff) << 32;

			if ((pde >> 13) & BIT(8))	/* bit 21 reserved */
				goto rsvd;
			*gpa = base | (gva & 0x3fffff);
			goto check;
		}
		r = read(ctx, (pde & 0xfffff000) + (((gva >> 12) & 0x3ff) << 2),
			 &pte, 4);
		if (r)
			return r;
		if (!(pte & PTE_P))
			goto fault;
		rights &= pte;
		*gpa = (pte & 0xfffff000) | (gva & 0xfff);
		goto check;
	}
	case HVX_PAGING_PAE:
		gva = (u32)gva;
		entry = pg->pdpte[gva >> 30];
		if (!(entry & PTE_P))
			goto fault;
		if (entry & (rsvd | GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1)))
			goto rsvd;
		table = entry & GENMASK_ULL(51, 12);
		levels = 2;
		break;
	case HVX_PAGING_4LEVEL:
		table = pg->cr3 & GENMASK_ULL(51, 12);
		levels = 4;
		break;
	default:
		return -EINVAL;
	}

	for (level = levels; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		r = read(ctx, table + (((gva >> shift) & 511) << 3), &entry, 8);
		if (r)
			return r;
		if (!(entry & PTE_P))
			goto fault;
		if (entry & rsvd)
			goto rsvd;
		rights &= entry;
		xd |= entry & PTE_XD;
		if (level > 1 && (entry & PTE_PS)) {
			/* 1 GiB pages exist only in 4-level paging. */
			if (level == 3 && pg->mode != HVX_PAGING_4LEVEL)
				goto rsvd;
			if (level > 3)
				goto rsvd;
			/* The low bits of a large page's address are reserved, but PAT. */
			if (entry & GENMASK_ULL(shift - 1, 13))
				goto rsvd;
			*gpa = (entry & GENMASK_ULL(51, shift)) |
			       (gva & GENMASK_ULL(shift - 1, 0));
			goto check;
		}
		table = entry & GENMASK_ULL(51, 12);
	}
	*gpa = table | (gva & 0xfff);

check:
	if (user && !(rights & PTE_US))
		goto protection;
	if (!user && (rights & PTE_US)) {
		/* A supervisor access to a user page. */
		if (fetch && pg->smep)
			goto protection;
		if (!fetch && pg->smap && !pg->ac)
			goto protection;
	}
	if (write && !(rights & PTE_RW) && (user || pg->wp))
		goto protection;
	if (fetch && xd)
		goto protection;
	return 0;

protection:
	*pf_error = err | HVX_PF_PRESENT;
	return 1;
rsvd:
	*pf_error = err | HVX_PF_PRESENT | HVX_PF_RSVD;
	return 1;
fault:
	*pf_error = err;
	return 1;
}
