/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Explaining a failed VM entry.  The CPU only says "invalid guest state";
 * hvx re-checks the guest state it loaded against the SDM's rules
 * ("Checks on the Guest State Area") to name the one that failed.  Pure
 * logic on a snapshot, so KUnit can feed it broken states.
 */
#ifndef HVX_VMX_ENTRY_CHECK_H
#define HVX_VMX_ENTRY_CHECK_H

#include <linux/types.h>

struct hvx_guest_seg {
	u16 selector;
	u64 base;
	u32 limit;
	u32 ar;
};

/* Segment indexes in VMX order (ES, CS, SS, DS, FS, GS, LDTR, TR). */
enum {
	HVX_GS_ES,
	HVX_GS_CS,
	HVX_GS_SS,
	HVX_GS_DS,
	HVX_GS_FS,
	HVX_GS_GS,
	HVX_GS_LDTR,
	HVX_GS_TR,
	HVX_GS_NR,
};

struct hvx_guest_state {
	u64 cr0, cr4, cr3, efer, rip, rflags, dr7;
	struct hvx_guest_seg seg[HVX_GS_NR];
	bool ia32e;			/* the IA-32e mode entry control */
	bool unrestricted;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u8 maxphyaddr;
};

const char *hvx_check_guest_state(const struct hvx_guest_state *s);
void hvx_explain_invalid_guest_state(char *buf, size_t size);

#endif /* HVX_VMX_ENTRY_CHECK_H */
