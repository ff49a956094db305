// SPDX-License-Identifier: GPL-2.0
/*
 * The guest state a vCPU's VMCS holds: segments, control registers, EFER,
 * the state after RESET, and KVM_GET/SET_REGS and _SREGS.  Callers have
 * the vCPU loaded (vcpu.c), or load it here around the VMCS accesses.
 */
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../x86/x86.h"
#include "../x86/fpu.h"
#include "../x86/guest.h"
#include "capabilities.h"
#include "vmx_ops.h"

/* The VMCS fields of each segment, in KVM's VCPU_SREG order. */
struct hvx_seg_fields {
	u16 selector;
	u16 base;
	u16 limit;
	u16 ar;
};

#define SEG(name) { GUEST_##name##_SELECTOR, GUEST_##name##_BASE,	\
		    GUEST_##name##_LIMIT, GUEST_##name##_AR_BYTES }

enum {
	HVX_SREG_ES,
	HVX_SREG_CS,
	HVX_SREG_SS,
	HVX_SREG_DS,
	HVX_SREG_FS,
	HVX_SREG_GS,
	HVX_SREG_TR,
	HVX_SREG_LDTR,
	HVX_NR_SREGS,
};

static const struct hvx_seg_fields hvx_seg[HVX_NR_SREGS] = {
	[HVX_SREG_ES] = SEG(ES),
	[HVX_SREG_CS] = SEG(CS),
	[HVX_SREG_SS] = SEG(SS),
	[HVX_SREG_DS] = SEG(DS),
	[HVX_SREG_FS] = SEG(FS),
	[HVX_SREG_GS] = SEG(GS),
	[HVX_SREG_TR] = SEG(TR),
	[HVX_SREG_LDTR] = SEG(LDTR),
};

/* VMX access rights (SDM "Guest Register State") from KVM's segment. */
static u32 hvx_seg_to_ar(const struct kvm_segment *s)
{
	if (s->unusable || !s->present)
		return VMX_AR_UNUSABLE_MASK;
	return (s->type & 15) | (s->s & 1) << 4 | (s->dpl & 3) << 5 |
	       (s->present & 1) << 7 | (s->avl & 1) << 12 |
	       (s->l & 1) << 13 | (s->db & 1) << 14 | (s->g & 1) << 15;
}

static void hvx_ar_to_seg(u32 ar, struct kvm_segment *s)
{
	s->unusable = !!(ar & VMX_AR_UNUSABLE_MASK);
	s->type = ar & 15;
	s->s = (ar >> 4) & 1;
	s->dpl = (ar >> 5) & 3;
	/* KVM reports an unusable segment as not present. */
	s->present = !s->unusable && ((ar >> 7) & 1);
	s->avl = (ar >> 12) & 1;
	s->l = (ar >> 13) & 1;
	s->db = (ar >> 14) & 1;
	s->g = (ar >> 15) & 1;
}

static void hvx_set_seg(int seg, const struct kvm_segment *s)
{
	const struct hvx_seg_fields *f = &hvx_seg[seg];

	vmcs_write16(f->selector, s->selector);
	__vmcs_writel(f->base, s->base);
	vmcs_write32(f->limit, s->limit);
	vmcs_write32(f->ar, hvx_seg_to_ar(s));
}

static void hvx_get_seg(int seg, struct kvm_segment *s)
{
	const struct hvx_seg_fields *f = &hvx_seg[seg];

	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read16(f->selector);
	s->base = __vmcs_readl(f->base);
	s->limit = vmcs_read32(f->limit);
	hvx_ar_to_seg(vmcs_read32(f->ar), s);
}

/* A segment as it is after RESET (SDM "Initialization of the Processor"). */
static void hvx_reset_seg(int seg, u16 sel, u64 base, u32 ar)
{
	const struct hvx_seg_fields *f = &hvx_seg[seg];

	vmcs_write16(f->selector, sel);
	__vmcs_writel(f->base, base);
	vmcs_write32(f->limit, 0xffff);
	vmcs_write32(f->ar, ar);
}

static bool hvx_guest_paging(void)
{
	return vmcs_readl(CR0_READ_SHADOW) & X86_CR0_PG;
}

/* The guest's view of CR0: its own bits, and the shadow of hvx's. */
unsigned long hvx_guest_cr0(struct hvx_vcpu *vcpu)
{
	return (vmcs_readl(GUEST_CR0) & ~HVX_CR0_HOST_OWNED) |
	       (vmcs_readl(CR0_READ_SHADOW) & HVX_CR0_HOST_OWNED);
}

/* Likewise for CR4, whose host-owned bits are in CR4_GUEST_HOST_MASK. */
unsigned long hvx_guest_cr4(struct hvx_vcpu *vcpu)
{
	unsigned long mask = vmcs_readl(CR4_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR4) & ~mask) |
	       (vmcs_readl(CR4_READ_SHADOW) & mask);
}

/* EFER.LMA follows CR0.PG when EFER.LME is set; IA-32e mode follows LMA. */
static void hvx_update_lma(struct hvx_vcpu *vcpu, bool paging)
{
	bool lma = paging && (vcpu->efer & EFER_LME);
	u64 efer = lma ? vcpu->efer | EFER_LMA : vcpu->efer & ~EFER_LMA;

	vcpu->efer = efer;
	vmcs_write64(GUEST_IA32_EFER, efer);
	if (lma)
		vmcs_set_bits32(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
	else
		vmcs_clear_bits32(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
}

/*
 * PAE paging outside long mode takes its four PDPTEs from the VMCS at VM
 * entry, not from memory: after a change into that mode that the CPU did
 * not make itself, hvx reads them from the guest's CR3.  Sleeps: the vCPU
 * is put and loaded again around the read.
 */
static int hvx_load_pdptrs(struct hvx_vcpu *vcpu, unsigned long cr3)
{
	u64 pdpte[4];
	int r;

	hvx_vcpu_put(vcpu);
	r = hvx_read_guest(vcpu->vm, hvx_vcpu_as(vcpu), cr3 & 0xffffffe0UL,
			   pdpte, sizeof(pdpte));
	hvx_vcpu_load(vcpu);
	if (r)
		return r;
	vmcs_write64(GUEST_PDPTR0, pdpte[0]);
	vmcs_write64(GUEST_PDPTR1, pdpte[1]);
	vmcs_write64(GUEST_PDPTR2, pdpte[2]);
	vmcs_write64(GUEST_PDPTR3, pdpte[3]);
	return 0;
}

static bool hvx_pae_paging(unsigned long cr0, unsigned long cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

static bool hvx_cr0_valid(unsigned long cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	return true;
}

static void hvx_write_cr0(unsigned long cr0)
{
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, (cr0 & ~(X86_CR0_CD | X86_CR0_NW)) |
		    X86_CR0_NE);
}

static void hvx_write_cr4(unsigned long cr4)
{
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, cr4 | X86_CR4_VMXE);
}

/**
 * hvx_set_cr0 - the guest writes CR0 (MOV to CR0 that exited)
 * @vcpu: the vCPU, loaded
 * @cr0: the value written
 *
 * Return: 0, or 1 when the write must raise #GP in the guest.
 */
int hvx_set_cr0(struct hvx_vcpu *vcpu, unsigned long cr0)
{
	unsigned long old = hvx_guest_cr0(vcpu);
	unsigned long cr4 = hvx_guest_cr4(vcpu);
	bool cs_l = vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK;

	if (!hvx_cr0_valid(cr0))
		return 1;
	/*
	 * IA-32e mode is entered and left only from code whose CS.L is 0
	 * (SDM "Initializing IA-32e Mode"; MOV to CR0's #GP conditions).
	 */
	if ((cr0 & X86_CR0_PG) && !(old & X86_CR0_PG) &&
	    (vcpu->efer & EFER_LME) && (!(cr4 & X86_CR4_PAE) || cs_l))
		return 1;
	if (!(cr0 & X86_CR0_PG) && (old & X86_CR0_PG) &&
	    (vcpu->efer & EFER_LMA) && cs_l)
		return 1;

	hvx_write_cr0(cr0);
	if ((cr0 ^ old) & X86_CR0_PG)
		hvx_update_lma(vcpu, cr0 & X86_CR0_PG);
	if (hvx_pae_paging(cr0, cr4, vcpu->efer) &&
	    !hvx_pae_paging(old, cr4, vcpu->efer) &&
	    hvx_load_pdptrs(vcpu, vmcs_readl(GUEST_CR3)))
		return 1;
	return 0;
}

/**
 * hvx_set_cr4 - the guest writes CR4 (MOV to CR4 that exited)
 * @vcpu: the vCPU, loaded
 * @cr4: the value written
 *
 * Return: 0, or 1 when the write must raise #GP in the guest.
 */
int hvx_set_cr4(struct hvx_vcpu *vcpu, unsigned long cr4)
{
	unsigned long old = hvx_guest_cr4(vcpu);
	unsigned long cr0 = hvx_guest_cr0(vcpu);

	if ((cr4 & ~hvx_cr4_guest_bits) || (cr4 & vcpu->cr4_reserved))
		return 1;
	if ((vcpu->efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return 1;

	hvx_write_cr4(cr4);
	if (hvx_pae_paging(cr0, cr4, vcpu->efer) &&
	    (cr4 ^ old) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE) &&
	    hvx_load_pdptrs(vcpu, vmcs_readl(GUEST_CR3)))
		return 1;
	return 0;
}

/**
 * hvx_set_cr3 - the guest writes CR3 (MOV to CR3, which exits only while
 *	an introspector watches it: kmod/intro/)
 * @vcpu: the vCPU, loaded
 * @cr3: the value written
 *
 * With EPT the CPU needs nothing of hvx for it; what is left is the
 * instruction's own checks and, for PAE paging, the PDPTEs it loads.
 *
 * Return: 0, or 1 when the write must raise #GP in the guest.
 */
int hvx_set_cr3(struct hvx_vcpu *vcpu, unsigned long cr3)
{
	unsigned long cr4 = hvx_guest_cr4(vcpu);

	if (vcpu->efer & EFER_LMA) {
		/* With PCIDE, bit 63 keeps the PCID's TLB entries: not CR3's. */
		if (cr4 & X86_CR4_PCIDE)
			cr3 &= ~BIT_ULL(63);
		if (cr3 >> hvx_guest_maxphyaddr(vcpu))
			return 1;
	}
	if (hvx_pae_paging(hvx_guest_cr0(vcpu), cr4, vcpu->efer) &&
	    hvx_load_pdptrs(vcpu, cr3))
		return 1;
	vmcs_writel(GUEST_CR3, cr3);
	return 0;
}

/**
 * hvx_set_efer - the guest writes IA32_EFER (WRMSR)
 * @vcpu: the vCPU, loaded
 * @efer: the value written
 *
 * LMA is the CPU's to set: a write leaves it as it is.
 *
 * Return: 0, or 1 when the write must raise #GP in the guest.
 */
int hvx_set_efer(struct hvx_vcpu *vcpu, u64 efer)
{
	if (efer & ~HVX_EFER_GUEST_BITS)
		return 1;
	if (hvx_guest_paging() && ((efer ^ vcpu->efer) & EFER_LME))
		return 1;
	vcpu->efer = (efer & ~EFER_LMA) | (vcpu->efer & EFER_LMA);
	vmcs_write64(GUEST_IA32_EFER, vcpu->efer);
	return 0;
}

/* The guest's registers after RESET, as KVM sets them, but the FPU's. */
static void __hvx_vmx_reset(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	u32 data_ar = 0x93, code_ar = 0x9b;

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	/* RESET puts the processor's signature in EDX. */
	vcpu->regs[HVX_REG_RDX] = 0x600;

	hvx_reset_seg(HVX_SREG_CS, 0xf000, 0xffff0000, code_ar);
	hvx_reset_seg(HVX_SREG_DS, 0, 0, data_ar);
	hvx_reset_seg(HVX_SREG_ES, 0, 0, data_ar);
	hvx_reset_seg(HVX_SREG_FS, 0, 0, data_ar);
	hvx_reset_seg(HVX_SREG_GS, 0, 0, data_ar);
	hvx_reset_seg(HVX_SREG_SS, 0, 0, data_ar);
	hvx_reset_seg(HVX_SREG_LDTR, 0, 0, 0x82);
	hvx_reset_seg(HVX_SREG_TR, 0, 0, 0x8b);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);

	vcpu->efer = 0;
	vmcs_write64(GUEST_IA32_EFER, 0);
	vmcs_clear_bits32(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
	hvx_write_cr0(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
	hvx_write_cr4(0);
	vmcs_writel(GUEST_CR3, 0);
	vcpu->cr2 = 0;
	vmx->cr8 = 0;
	memset(vmx->db, 0, sizeof(vmx->db));
	vmx->dr6 = HVX_DR6_ACTIVE_LOW;
	hvx_set_dr7(vcpu, HVX_DR7_FIXED_1);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);

	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	memset(vcpu->syscall_msrs, 0, sizeof(vcpu->syscall_msrs));
	vcpu->spec_ctrl = 0;
	vcpu->kernel_gs_base = 0;
	vcpu->misc_enable = MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL |
			   MSR_IA32_MISC_ENABLE_BTS_UNAVAIL;
	vcpu->pat = 0x0007040600070406ULL;
	if (hvx_vmcs_config.vmentry & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, vcpu->pat);

	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write64(GUEST_PDPTR0, 0);
	vmcs_write64(GUEST_PDPTR1, 0);
	vmcs_write64(GUEST_PDPTR2, 0);
	vmcs_write64(GUEST_PDPTR3, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmx->entry_event = false;
	hvx_events_reset(vcpu);
}

/* The guest's state after RESET. */
void hvx_vmx_reset(struct hvx_vcpu *vcpu)
{
	__hvx_vmx_reset(vcpu);
	hvx_fpu_reset(vcpu);
}

/* After INIT, which keeps the FPU's registers, XCR0 and PAT (SDM "IA-32
 * Processor States Following Power-up, Reset, or INIT").
 */
void hvx_vmx_init_reset(struct hvx_vcpu *vcpu)
{
	u64 pat = vcpu->pat;

	__hvx_vmx_reset(vcpu);
	vcpu->pat = pat;
	if (hvx_vmcs_config.vmentry & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, pat);
}

/* A start-up IPI: real mode, CS = vector << 8, IP = 0. */
void hvx_vmx_deliver_sipi(struct hvx_vcpu *vcpu, u8 vector)
{
	hvx_reset_seg(HVX_SREG_CS, vector << 8, (u32)vector << 12, 0x9b);
	vmcs_writel(GUEST_RIP, 0);
}

void hvx_vmx_get_regs(struct hvx_vcpu *vcpu, struct kvm_regs *r)
{
	const unsigned long *g = vcpu->regs;

	r->rax = g[HVX_REG_RAX];
	r->rbx = g[HVX_REG_RBX];
	r->rcx = g[HVX_REG_RCX];
	r->rdx = g[HVX_REG_RDX];
	r->rsi = g[HVX_REG_RSI];
	r->rdi = g[HVX_REG_RDI];
	r->rbp = g[HVX_REG_RBP];
	r->r8 = g[HVX_REG_R8];
	r->r9 = g[HVX_REG_R9];
	r->r10 = g[HVX_REG_R10];
	r->r11 = g[HVX_REG_R11];
	r->r12 = g[HVX_REG_R12];
	r->r13 = g[HVX_REG_R13];
	r->r14 = g[HVX_REG_R14];
	r->r15 = g[HVX_REG_R15];
	hvx_vcpu_load(vcpu);
	r->rsp = vmcs_readl(GUEST_RSP);
	r->rip = vmcs_readl(GUEST_RIP);
	r->rflags = hvx_debug_rflags_out(vcpu, vmcs_readl(GUEST_RFLAGS));
	hvx_vcpu_put(vcpu);
}

int hvx_vmx_set_regs(struct hvx_vcpu *vcpu, const struct kvm_regs *r)
{
	unsigned long *g = vcpu->regs;

	g[HVX_REG_RAX] = r->rax;
	g[HVX_REG_RBX] = r->rbx;
	g[HVX_REG_RCX] = r->rcx;
	g[HVX_REG_RDX] = r->rdx;
	g[HVX_REG_RSI] = r->rsi;
	g[HVX_REG_RDI] = r->rdi;
	g[HVX_REG_RBP] = r->rbp;
	g[HVX_REG_R8] = r->r8;
	g[HVX_REG_R9] = r->r9;
	g[HVX_REG_R10] = r->r10;
	g[HVX_REG_R11] = r->r11;
	g[HVX_REG_R12] = r->r12;
	g[HVX_REG_R13] = r->r13;
	g[HVX_REG_R14] = r->r14;
	g[HVX_REG_R15] = r->r15;
	hvx_vcpu_load(vcpu);
	vmcs_writel(GUEST_RSP, r->rsp);
	vmcs_writel(GUEST_RIP, r->rip);
	/* As KVM: bit 1 of RFLAGS is always set; the rest is checked at entry. */
	vmcs_writel(GUEST_RFLAGS,
		    hvx_debug_rflags_in(vcpu, r->rflags | X86_EFLAGS_FIXED));
	/*
	 * New registers: an exception raised for the old ones is dropped
	 * (one being delivered stays), and with IF clear there is no STI.
	 */
	vcpu->events.exception.pending = false;
	if (!(r->rflags & X86_EFLAGS_IF))
		hvx_set_interrupt_shadow(vcpu, hvx_get_interrupt_shadow(vcpu));
	hvx_vcpu_put(vcpu);
	return 0;
}

void hvx_vmx_get_sregs(struct hvx_vcpu *vcpu, struct kvm_sregs *s)
{
	memset(s, 0, sizeof(*s));
	hvx_vcpu_load(vcpu);
	hvx_get_seg(HVX_SREG_CS, &s->cs);
	hvx_get_seg(HVX_SREG_DS, &s->ds);
	hvx_get_seg(HVX_SREG_ES, &s->es);
	hvx_get_seg(HVX_SREG_FS, &s->fs);
	hvx_get_seg(HVX_SREG_GS, &s->gs);
	hvx_get_seg(HVX_SREG_SS, &s->ss);
	hvx_get_seg(HVX_SREG_TR, &s->tr);
	hvx_get_seg(HVX_SREG_LDTR, &s->ldt);
	s->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	s->cr0 = hvx_guest_cr0(vcpu);
	s->cr3 = vmcs_readl(GUEST_CR3);
	s->cr4 = hvx_guest_cr4(vcpu);
	hvx_vcpu_put(vcpu);
	s->cr2 = vcpu->cr2;
	s->cr8 = hvx_cr8_read(vcpu);
	s->efer = vcpu->efer;
	hvx_events_get_interrupt_bitmap(vcpu, s->interrupt_bitmap);
	hvx_get_msr(vcpu, MSR_IA32_APICBASE, &s->apic_base);
}

/* The combination must be one a CPU can be in (KVM's rules). */
static bool hvx_sregs_valid(struct hvx_vcpu *vcpu, const struct kvm_sregs *s)
{
	if (!hvx_cr0_valid(s->cr0) || (s->cr4 & ~hvx_cr4_guest_bits) ||
	    (s->cr4 & vcpu->cr4_reserved) || (s->efer & ~HVX_EFER_GUEST_BITS))
		return false;
	/* Long mode needs paging and PAE, and nothing else may claim it. */
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG))
		return (s->cr4 & X86_CR4_PAE) && (s->efer & EFER_LMA) &&
		       !(s->cr3 >> boot_cpu_data.x86_phys_bits);
	return !(s->efer & EFER_LMA) && !s->cs.l;
}

/*
 * The segments, descriptor tables, CR0, CR3, CR4 and EFER of @s, checked
 * already; the PDPTEs with PAE paging.  The vCPU is not loaded.
 */
static int hvx_load_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *s)
{
	int r = 0;

	hvx_vcpu_load(vcpu);
	hvx_set_seg(HVX_SREG_CS, &s->cs);
	hvx_set_seg(HVX_SREG_DS, &s->ds);
	hvx_set_seg(HVX_SREG_ES, &s->es);
	hvx_set_seg(HVX_SREG_FS, &s->fs);
	hvx_set_seg(HVX_SREG_GS, &s->gs);
	hvx_set_seg(HVX_SREG_SS, &s->ss);
	hvx_set_seg(HVX_SREG_TR, &s->tr);
	hvx_set_seg(HVX_SREG_LDTR, &s->ldt);
	vmcs_writel(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, s->idt.limit);
	vmcs_writel(GUEST_CR3, s->cr3);
	hvx_write_cr0(s->cr0);
	hvx_write_cr4(s->cr4);
	vcpu->efer = s->efer & ~EFER_LMA;
	hvx_update_lma(vcpu, s->cr0 & X86_CR0_PG);
	if (hvx_pae_paging(s->cr0, s->cr4, vcpu->efer))
		r = hvx_load_pdptrs(vcpu, s->cr3) ? -EFAULT : 0;
	hvx_vcpu_put(vcpu);
	return r;
}

/*
 * KVM_SET_SREGS: the whole system state at once, if hvx_sregs_valid().
 * The vCPU is not loaded.
 */
int hvx_vmx_set_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *s)
{
	int r;

	if (!hvx_sregs_valid(vcpu, s))
		return -EINVAL;
	/* An in-kernel APIC takes its base as KVM_SET_MSRS would. */
	if (vcpu->apic &&
	    hvx_irqchip_wrmsr(vcpu, MSR_IA32_APICBASE, s->apic_base, true))
		return -EINVAL;
	r = hvx_load_sregs(vcpu, s);
	vcpu->cr2 = s->cr2;
	hvx_vcpu_load(vcpu);
	hvx_cr8_write(vcpu, s->cr8 & 15);
	hvx_events_set_interrupt_bitmap(vcpu, s->interrupt_bitmap);
	hvx_vcpu_put(vcpu);
	return r;
}

/**
 * hvx_vmx_set_system_regs - what an SMI or RSM changes of KVM_SET_SREGS'
 * @vcpu: the vCPU, not loaded
 * @s: the state: its segments, descriptor tables, CR0, CR3, CR4 and EFER
 *
 * Not CR2, CR8, the APIC base or an interrupt (kmod/x86/smm.c).
 *
 * Return: 0, -EINVAL for a state no CPU can be in, or -EFAULT when the
 * PDPTEs cannot be read.
 */
int hvx_vmx_set_system_regs(struct hvx_vcpu *vcpu, const struct kvm_sregs *s)
{
	if (!hvx_sregs_valid(vcpu, s))
		return -EINVAL;
	return hvx_load_sregs(vcpu, s);
}
