// SPDX-License-Identifier: GPL-2.0
/*
 * The guest-state checks of a VM entry, in the order of SDM volume 3,
 * section "Checks on the Guest State Area", as far as hvx can break them.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "entry_check.h"

#define SEG_AR_TYPE(ar)	((ar) & 15)
#define SEG_AR_S(ar)	(((ar) >> 4) & 1)
#define SEG_AR_DPL(ar)	(((ar) >> 5) & 3)
#define SEG_AR_P(ar)	(((ar) >> 7) & 1)
#define SEG_AR_L(ar)	(((ar) >> 13) & 1)
#define SEG_AR_DB(ar)	(((ar) >> 14) & 1)
#define SEG_AR_G(ar)	(((ar) >> 15) & 1)
#define SEG_AR_UNUSABLE(ar)	(((ar) >> 16) & 1)

static bool canonical(u64 a)
{
	return (s64)(a << 16) >> 16 == (s64)a;
}

/* Limit and granularity agree: G=0 if any of bits 11:0 is 0, G=1 if
 * any of bits 31:20 is 1.
 */
static bool limit_ok(const struct hvx_guest_seg *s)
{
	if ((s->limit & 0xfff) != 0xfff && SEG_AR_G(s->ar))
		return false;
	if ((s->limit & 0xfff00000) && !SEG_AR_G(s->ar))
		return false;
	return true;
}

static const char *check_data_seg(const struct hvx_guest_seg *s,
				  const char *which_bad_type)
{
	if (SEG_AR_UNUSABLE(s->ar))
		return NULL;
	if (!(SEG_AR_TYPE(s->ar) & 1))
		return which_bad_type;
	return NULL;
}

/**
 * hvx_check_guest_state - the first entry check a guest state breaks
 * @s: the guest state
 *
 * Return: a description of the broken rule, or NULL when none of the
 * rules hvx knows is broken.
 */
const char *hvx_check_guest_state(const struct hvx_guest_state *s)
{
	const struct hvx_guest_seg *cs = &s->seg[HVX_GS_CS];
	const struct hvx_guest_seg *ss = &s->seg[HVX_GS_SS];
	const struct hvx_guest_seg *tr = &s->seg[HVX_GS_TR];
	const struct hvx_guest_seg *ldtr = &s->seg[HVX_GS_LDTR];
	u64 fixed0 = s->cr0_fixed0;
	int i;

	/* Control registers. */
	if (s->unrestricted)
		fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	if ((s->cr0 & fixed0) != fixed0 || (s->cr0 & ~s->cr0_fixed1))
		return "CR0 breaks the VMX fixed bits (IA32_VMX_CR0_FIXED0/1)";
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return "CR0.PG is set without CR0.PE";
	if ((s->cr4 & s->cr4_fixed0) != s->cr4_fixed0 ||
	    (s->cr4 & ~s->cr4_fixed1))
		return "CR4 breaks the VMX fixed bits (IA32_VMX_CR4_FIXED0/1)";
	if (s->ia32e && (!(s->cr0 & X86_CR0_PG) || !(s->cr4 & X86_CR4_PAE)))
		return "long mode (IA-32e) without CR0.PG and CR4.PAE";
	if (!s->ia32e && (s->cr4 & X86_CR4_PCIDE))
		return "CR4.PCIDE is set outside long mode";
	if (s->cr3 >> s->maxphyaddr)
		return "CR3 has bits set above the physical-address width";
	if (s->dr7 >> 32)
		return "DR7 has bits 63:32 set";
	if (s->efer & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return "IA32_EFER has reserved bits set";
	if (!!(s->efer & EFER_LMA) != s->ia32e)
		return "EFER.LMA does not match the IA-32e mode entry control";
	if ((s->cr0 & X86_CR0_PG) &&
	    !!(s->efer & EFER_LMA) != !!(s->efer & EFER_LME))
		return "EFER.LME and EFER.LMA differ while paging is on";

	/* Segments: TR and LDTR. */
	if (tr->selector & BIT(2))
		return "TR's selector points into the LDT (TI set)";
	if (SEG_AR_UNUSABLE(tr->ar) || !SEG_AR_P(tr->ar) || SEG_AR_S(tr->ar))
		return "TR must be a present system segment";
	if (SEG_AR_TYPE(tr->ar) != 11 && (s->ia32e || SEG_AR_TYPE(tr->ar) != 3))
		return "TR's type must be a busy TSS (11, or 3 outside long mode)";
	if (!limit_ok(tr))
		return "TR's limit and granularity disagree";
	if (!SEG_AR_UNUSABLE(ldtr->ar) &&
	    (SEG_AR_TYPE(ldtr->ar) != 2 || SEG_AR_S(ldtr->ar) || !SEG_AR_P(ldtr->ar)))
		return "a usable LDTR must be a present LDT (type 2)";

	/* CS and SS. */
	if (SEG_AR_UNUSABLE(cs->ar) || !SEG_AR_P(cs->ar) || !SEG_AR_S(cs->ar))
		return "CS must be a present code or data segment";
	switch (SEG_AR_TYPE(cs->ar)) {
	case 9: case 11: case 13: case 15:
		break;
	case 3:
		if (s->unrestricted)
			break;
		fallthrough;
	default:
		return "CS's type must be accessed code (or accessed data in real mode)";
	}
	if (SEG_AR_TYPE(cs->ar) == 3 && SEG_AR_DPL(cs->ar))
		return "CS of type 3 must have DPL 0";
	if ((SEG_AR_TYPE(cs->ar) == 9 || SEG_AR_TYPE(cs->ar) == 11) &&
	    !SEG_AR_UNUSABLE(ss->ar) && SEG_AR_DPL(cs->ar) != SEG_AR_DPL(ss->ar))
		return "a non-conforming CS's DPL must equal SS's DPL";
	if (s->ia32e && SEG_AR_L(cs->ar) && SEG_AR_DB(cs->ar))
		return "a 64-bit CS (L=1) must have D/B clear";
	if (!limit_ok(cs))
		return "CS's limit and granularity disagree";
	if (cs->base >> 32)
		return "CS's base has bits 63:32 set";
	if (!SEG_AR_UNUSABLE(ss->ar)) {
		if (SEG_AR_TYPE(ss->ar) != 3 && SEG_AR_TYPE(ss->ar) != 7)
			return "SS's type must be read/write accessed data (3 or 7)";
		if (!SEG_AR_S(ss->ar) || !SEG_AR_P(ss->ar))
			return "SS must be a present data segment";
		if (!limit_ok(ss))
			return "SS's limit and granularity disagree";
	}
	if ((!(s->cr0 & X86_CR0_PE) || SEG_AR_TYPE(cs->ar) == 3) && SEG_AR_DPL(ss->ar))
		return "SS's DPL must be 0 in real mode";
	if (!s->unrestricted && (ss->selector & 3) != (cs->selector & 3))
		return "SS's RPL must equal CS's RPL";

	/* DS, ES, FS, GS. */
	for (i = 0; i < HVX_GS_NR; i++) {
		const struct hvx_guest_seg *d = &s->seg[i];
		const char *why;

		if (i == HVX_GS_CS || i == HVX_GS_SS || i == HVX_GS_TR ||
		    i == HVX_GS_LDTR || SEG_AR_UNUSABLE(d->ar))
			continue;
		why = check_data_seg(d, "a usable data segment must be accessed (type bit 0)");
		if (why)
			return why;
		if (!SEG_AR_S(d->ar) || !SEG_AR_P(d->ar))
			return "a usable DS/ES/FS/GS must be a present code or data segment";
		if ((SEG_AR_TYPE(d->ar) & 8) && !(SEG_AR_TYPE(d->ar) & 2))
			return "a code segment in DS/ES/FS/GS must be readable";
		if (!limit_ok(d))
			return "a DS/ES/FS/GS limit and granularity disagree";
	}
	if (!canonical(s->seg[HVX_GS_FS].base) ||
	    !canonical(s->seg[HVX_GS_GS].base) || !canonical(tr->base))
		return "FS, GS or TR base is not canonical";

	/* RIP and RFLAGS. */
	if ((!s->ia32e || !SEG_AR_L(cs->ar)) && (s->rip >> 32))
		return "RIP has bits 63:32 set outside 64-bit code";
	if (s->ia32e && SEG_AR_L(cs->ar) && !canonical(s->rip))
		return "RIP is not canonical";
	if ((s->rflags & (GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))) ||
	    !(s->rflags & X86_EFLAGS_FIXED))
		return "RFLAGS has reserved bits set, or bit 1 clear";
	if ((s->rflags & X86_EFLAGS_VM) &&
	    (s->ia32e || !(s->cr0 & X86_CR0_PE)))
		return "RFLAGS.VM is set in long mode or real mode";
	return NULL;
}

#ifndef HVX_ENTRY_CHECK_PURE
#include <asm/processor.h>

#include "capabilities.h"
#include "vmx_ops.h"

static const u16 hvx_entry_seg_fields[HVX_GS_NR][4] = {
#define F(n) { GUEST_##n##_SELECTOR, GUEST_##n##_BASE, GUEST_##n##_LIMIT, \
	       GUEST_##n##_AR_BYTES }
	F(ES), F(CS), F(SS), F(DS), F(FS), F(GS), F(LDTR), F(TR),
#undef F
};

/**
 * hvx_explain_invalid_guest_state - say why the current VMCS failed entry
 * @buf: filled with a description
 * @size: the size of @buf
 *
 * The vCPU is loaded.
 */
void hvx_explain_invalid_guest_state(char *buf, size_t size)
{
	struct hvx_guest_state s = {};
	const char *why;
	int i;

	s.cr0 = vmcs_readl(GUEST_CR0);
	s.cr4 = vmcs_readl(GUEST_CR4);
	s.cr3 = vmcs_readl(GUEST_CR3);
	s.efer = vmcs_read64(GUEST_IA32_EFER);
	s.rip = vmcs_readl(GUEST_RIP);
	s.rflags = vmcs_readl(GUEST_RFLAGS);
	s.dr7 = vmcs_readl(GUEST_DR7);
	for (i = 0; i < HVX_GS_NR; i++) {
		s.seg[i].selector = __vmcs_readl(hvx_entry_seg_fields[i][0]);
		s.seg[i].base = __vmcs_readl(hvx_entry_seg_fields[i][1]);
		s.seg[i].limit = __vmcs_readl(hvx_entry_seg_fields[i][2]);
		s.seg[i].ar = __vmcs_readl(hvx_entry_seg_fields[i][3]);
	}
	s.ia32e = vmcs_read32(VM_ENTRY_CONTROLS) & VM_ENTRY_IA32E_MODE;
	s.unrestricted = vmcs_read32(SECONDARY_VM_EXEC_CONTROL) &
			 SECONDARY_EXEC_UNRESTRICTED_GUEST;
	s.cr0_fixed0 = hvx_vmcs_config.cr0_fixed0;
	s.cr0_fixed1 = hvx_vmcs_config.cr0_fixed1;
	s.cr4_fixed0 = hvx_vmcs_config.cr4_fixed0;
	s.cr4_fixed1 = hvx_vmcs_config.cr4_fixed1;
	s.maxphyaddr = boot_cpu_data.x86_phys_bits;

	why = hvx_check_guest_state(&s);
	snprintf(buf, size, "%s (CR0=%#llx CR4=%#llx EFER=%#llx RIP=%#llx RFLAGS=%#llx CS.ar=%#x)",
		 why ?: "no rule hvx checks is broken",
		 s.cr0, s.cr4, s.efer, s.rip, s.rflags, s.seg[HVX_GS_CS].ar);
}
#endif
