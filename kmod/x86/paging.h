/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking the guest's own page tables, for the few places where hvx must
 * turn a guest-linear address into a guest-physical one itself (string
 * port I/O, the memory side of MMIO string instructions, fetching an
 * instruction to decode).  Pure logic: page-table entries come from a
 * callback, so KUnit can walk made-up tables.
 */
#ifndef HVX_X86_PAGING_H
#define HVX_X86_PAGING_H

#include <linux/types.h>

enum hvx_paging_mode {
	HVX_PAGING_NONE,	/* CR0.PG clear: linear is physical */
	HVX_PAGING_32,		/* 32-bit paging, 4 KiB and 4 MiB pages */
	HVX_PAGING_PAE,		/* PAE: the PDPTEs come from the VMCS */
	HVX_PAGING_4LEVEL,	/* long mode */
};

struct hvx_paging {
	enum hvx_paging_mode mode;
	u64 cr3;
	u64 pdpte[4];
	bool pse;		/* CR4.PSE: 4 MiB pages in 32-bit paging */
	bool wp;		/* CR0.WP: supervisor writes honour R/W */
	bool nx;		/* EFER.NXE: bit 63 is XD, not reserved */
	bool smep;		/* CR4.SMEP: no supervisor fetch from user pages */
	bool smap;		/* CR4.SMAP: no supervisor data access to them... */
	bool ac;		/* ...unless RFLAGS.AC allows it */
	u8 maxphyaddr;
};

/* Reads @size (4 or 8) bytes of guest-physical memory at @gpa. */
typedef int (*hvx_read_gpa_fn)(void *ctx, u64 gpa, void *val,
			       unsigned int size);

/*
 * Page-fault error code bits (SDM "Interrupt 14—Page-Fault Exception").
 * WRITE, USER and FETCH also describe the access the walker checks.
 */
#define HVX_PF_PRESENT	BIT(0)
#define HVX_PF_WRITE	BIT(1)
#define HVX_PF_USER	BIT(2)
#define HVX_PF_RSVD	BIT(3)
#define HVX_PF_FETCH	BIT(4)

int hvx_gva_to_gpa(const struct hvx_paging *pg, u64 gva, u32 access,
		   hvx_read_gpa_fn read, void *ctx, u64 *gpa, u32 *pf_error);

#endif /* HVX_X86_PAGING_H */
