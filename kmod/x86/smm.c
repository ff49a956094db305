// SPDX-License-Identifier: GPL-2.0
/*
 * System management mode (SDM Vol. 3 "System Management Mode"), as KVM
 * emulates it for firmware (SeaBIOS, OVMF) and for its selftests.
 *
 * An SMI (KVM_SMI, an APIC's SMI message, KVM_SET_VCPU_EVENTS) makes the
 * vCPU save its state in the state save map at SMBASE + 0xfe00 and run
 * the handler at SMBASE + 0x8000 in real mode with 4 GiB segments, with
 * interrupts and NMIs blocked.  RSM puts the saved state back.  A real CPU
 * does this in microcode; VT-x has no SMM for a guest, so hvx does it by
 * hand:
 *
 *  - in SMM the vCPU sees address space 1 (kmod/vm.h): the VMM maps
 *    SMRAM there, and the vCPU's EPTP names that address space's EPT;
 *  - the SMI is taken before an entry, when no event is being delivered
 *    (hvx_smm_check() in kmod/vm.h);
 *  - RSM outside SMM is #UD on the CPU; in SMM it is #UD too, as the CPU
 *    is not really in SMM, and hvx's #UD handler carries it out.
 *
 * The state save map is KVM's (from AMD's layout for a guest with long
 * mode, Intel's 32-bit one otherwise), so that firmware written for KVM
 * finds its fields where it looks.  Offsets below are from SMBASE + 0x8000,
 * as in the manuals: the map is 0x7e00-0x7fff.
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "../vm.h"
#include "guest.h"
#include "x86.h"

#define HVX_SMRAM_MAP		0xfe00	/* from SMBASE */
#define HVX_SMRAM_MAP_SIZE	512
#define HVX_SMM_REV_32		0x00020000
#define HVX_SMM_REV_64		0x00020064

/* The KVM_GET/SET_SREGS segments in KVM's VCPU_SREG order (ES, CS, ...). */
#define HVX_NR_DATA_SEGS	6

struct hvx_smm_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_debugregs dregs;
	u8 map[HVX_SMRAM_MAP_SIZE];
};

static struct kvm_segment *hvx_smm_seg(struct kvm_sregs *s, int n)
{
	struct kvm_segment *segs[HVX_NR_DATA_SEGS] = {
		&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs,
	};

	return segs[n];
}

static void put16(u8 *map, unsigned int at, u16 v)
{
	memcpy(map + at - 0x7e00, &v, sizeof(v));
}

static void put32(u8 *map, unsigned int at, u32 v)
{
	memcpy(map + at - 0x7e00, &v, sizeof(v));
}

static void put64(u8 *map, unsigned int at, u64 v)
{
	memcpy(map + at - 0x7e00, &v, sizeof(v));
}

static u16 get16(const u8 *map, unsigned int at)
{
	u16 v;

	memcpy(&v, map + at - 0x7e00, sizeof(v));
	return v;
}

static u32 get32(const u8 *map, unsigned int at)
{
	u32 v;

	memcpy(&v, map + at - 0x7e00, sizeof(v));
	return v;
}

static u64 get64(const u8 *map, unsigned int at)
{
	u64 v;

	memcpy(&v, map + at - 0x7e00, sizeof(v));
	return v;
}

/*
 * A segment's attributes as the map keeps them: the descriptor's bits
 * 8-23 (type, S, DPL, P, AVL, L, D/B, G), which the 64-bit map stores
 * shifted down by 8 in 16 bits.  An unusable segment is saved as not
 * present, and one not present comes back unusable, as in KVM.
 */
static u32 hvx_seg_flags(const struct kvm_segment *s)
{
	bool present = s->present && !s->unusable;

	return (s->type & 15) << 8 | (s->s & 1) << 12 | (s->dpl & 3) << 13 |
	       present << 15 | (s->avl & 1) << 20 | (s->l & 1) << 21 |
	       (s->db & 1) << 22 | (s->g & 1) << 23;
}

static void hvx_seg_load(struct kvm_segment *s, u16 sel, u32 flags,
			 u32 limit, u64 base)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->type = (flags >> 8) & 15;
	s->s = (flags >> 12) & 1;
	s->dpl = (flags >> 13) & 3;
	s->present = (flags >> 15) & 1;
	s->avl = (flags >> 20) & 1;
	s->l = (flags >> 21) & 1;
	s->db = (flags >> 22) & 1;
	s->g = (flags >> 23) & 1;
	s->unusable = !s->present;
}

/*
 * A segment in the 64-bit map: selector, attributes, limit and base at
 * @at; in the 32-bit one: the selector at @sel_at, and attributes, limit
 * and base at @at.
 */
static void put_seg64(u8 *map, unsigned int at, const struct kvm_segment *s)
{
	put16(map, at, s->selector);
	put16(map, at + 2, hvx_seg_flags(s) >> 8);
	put32(map, at + 4, s->limit);
	put64(map, at + 8, s->base);
}

static void get_seg64(const u8 *map, unsigned int at, struct kvm_segment *s)
{
	hvx_seg_load(s, get16(map, at), get16(map, at + 2) << 8,
		     get32(map, at + 4), get64(map, at + 8));
}

static void put_seg32(u8 *map, unsigned int sel_at, unsigned int at,
		      const struct kvm_segment *s)
{
	put32(map, sel_at, s->selector);
	put32(map, at, hvx_seg_flags(s));
	put32(map, at + 4, s->limit);
	put32(map, at + 8, s->base);
}

static void get_seg32(const u8 *map, unsigned int sel_at, unsigned int at,
		      struct kvm_segment *s)
{
	hvx_seg_load(s, get32(map, sel_at), get32(map, at),
		     get32(map, at + 4), get32(map, at + 8));
}

static void hvx_smm_save_64(struct hvx_vcpu *vcpu, struct hvx_smm_state *st)
{
	const struct kvm_regs *r = &st->regs;
	const struct kvm_sregs *s = &st->sregs;
	/* In the order of the instruction encoding's register numbers. */
	const u64 gprs[16] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
	};
	u8 *map = st->map;
	int i;

	for (i = 0; i < 16; i++)
		put64(map, 0x7ff8 - i * 8, gprs[i]);
	put64(map, 0x7f78, r->rip);
	put32(map, 0x7f70, r->rflags);
	put64(map, 0x7f68, st->dregs.dr6);
	put64(map, 0x7f60, st->dregs.dr7);
	put64(map, 0x7f58, s->cr0);
	put64(map, 0x7f50, s->cr3);
	put64(map, 0x7f48, s->cr4);
	put32(map, 0x7f00, vcpu->smm.smbase);
	put32(map, 0x7efc, HVX_SMM_REV_64);
	put64(map, 0x7ed0, s->efer);

	put_seg64(map, 0x7e90, &s->tr);
	put32(map, 0x7e84, s->idt.limit);
	put64(map, 0x7e88, s->idt.base);
	put_seg64(map, 0x7e70, &s->ldt);
	put32(map, 0x7e64, s->gdt.limit);
	put64(map, 0x7e68, s->gdt.base);
	for (i = 0; i < HVX_NR_DATA_SEGS; i++)
		put_seg64(map, 0x7e00 + i * 16, hvx_smm_seg(&st->sregs, i));
}

/* The 32-bit map keeps ES, CS and SS in one place, DS, FS, GS in another. */
static unsigned int hvx_seg_at_32(int n)
{
	return n < 3 ? 0x7f84 + n * 12 : 0x7f2c + (n - 3) * 12;
}

static void hvx_smm_save_32(struct hvx_vcpu *vcpu, struct hvx_smm_state *st)
{
	const struct kvm_regs *r = &st->regs;
	const struct kvm_sregs *s = &st->sregs;
	const u32 gprs[8] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
	};
	u8 *map = st->map;
	int i;

	put32(map, 0x7ffc, s->cr0);
	put32(map, 0x7ff8, s->cr3);
	put32(map, 0x7ff4, r->rflags);
	put32(map, 0x7ff0, r->rip);
	for (i = 0; i < 8; i++)
		put32(map, 0x7fd0 + i * 4, gprs[i]);
	put32(map, 0x7fcc, st->dregs.dr6);
	put32(map, 0x7fc8, st->dregs.dr7);

	put_seg32(map, 0x7fc4, 0x7f5c, &s->tr);
	put_seg32(map, 0x7fc0, 0x7f78, &s->ldt);
	put32(map, 0x7f74, s->gdt.base);
	put32(map, 0x7f70, s->gdt.limit);
	put32(map, 0x7f58, s->idt.base);
	put32(map, 0x7f54, s->idt.limit);
	for (i = 0; i < HVX_NR_DATA_SEGS; i++)
		put_seg32(map, 0x7fa8 + i * 4, hvx_seg_at_32(i),
			  hvx_smm_seg(&st->sregs, i));
	put32(map, 0x7f14, s->cr4);
	put32(map, 0x7efc, HVX_SMM_REV_32);
	put32(map, 0x7ef8, vcpu->smm.smbase);
}

/* The registers of @st from the 64-bit map; returns the new SMBASE. */
static u32 hvx_smm_load_64(struct hvx_smm_state *st)
{
	struct kvm_regs *r = &st->regs;
	struct kvm_sregs *s = &st->sregs;
	const u8 *map = st->map;
	__u64 *gprs[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
		&r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
		&r->r14, &r->r15,
	};
	int i;

	for (i = 0; i < 16; i++)
		*gprs[i] = get64(map, 0x7ff8 - i * 8);
	r->rip = get64(map, 0x7f78);
	r->rflags = get32(map, 0x7f70);
	st->dregs.dr6 = get64(map, 0x7f68);
	st->dregs.dr7 = get64(map, 0x7f60);
	s->cr0 = get64(map, 0x7f58);
	s->cr3 = get64(map, 0x7f50);
	s->cr4 = get64(map, 0x7f48);
	s->efer = get64(map, 0x7ed0);

	get_seg64(map, 0x7e90, &s->tr);
	s->idt.limit = get32(map, 0x7e84);
	s->idt.base = get64(map, 0x7e88);
	get_seg64(map, 0x7e70, &s->ldt);
	s->gdt.limit = get32(map, 0x7e64);
	s->gdt.base = get64(map, 0x7e68);
	for (i = 0; i < HVX_NR_DATA_SEGS; i++)
		get_seg64(map, 0x7e00 + i * 16, hvx_smm_seg(s, i));
	return get32(map, 0x7f00);
}

static u32 hvx_smm_load_32(struct hvx_smm_state *st)
{
	struct kvm_regs *r = &st->regs;
	struct kvm_sregs *s = &st->sregs;
	const u8 *map = st->map;
	__u64 *gprs[8] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
		&r->rdi,
	};
	int i;

	s->cr0 = get32(map, 0x7ffc);
	s->cr3 = get32(map, 0x7ff8);
	r->rflags = get32(map, 0x7ff4);
	r->rip = get32(map, 0x7ff0);
	for (i = 0; i < 8; i++)
		*gprs[i] = get32(map, 0x7fd0 + i * 4);
	st->dregs.dr6 = get32(map, 0x7fcc);
	st->dregs.dr7 = get32(map, 0x7fc8);

	get_seg32(map, 0x7fc4, 0x7f5c, &s->tr);
	get_seg32(map, 0x7fc0, 0x7f78, &s->ldt);
	s->gdt.base = get32(map, 0x7f74);
	s->gdt.limit = get32(map, 0x7f70);
	s->idt.base = get32(map, 0x7f58);
	s->idt.limit = get32(map, 0x7f54);
	for (i = 0; i < HVX_NR_DATA_SEGS; i++)
		get_seg32(map, 0x7fa8 + i * 4, hvx_seg_at_32(i),
			  hvx_smm_seg(s, i));
	s->cr4 = get32(map, 0x7f14);
	s->efer = 0;
	return get32(map, 0x7ef8);
}

/* In or out of SMM: which address space the vCPU sees.  Not loaded. */
static void hvx_smm_set_active(struct hvx_vcpu *vcpu, bool active)
{
	vcpu->smm.active = active;
	hvx_vcpu_load(vcpu);
	hvx_vmx_load_eptp(vcpu);
	hvx_vcpu_put(vcpu);
}

/* A new vCPU: out of SMM, SMBASE where RESET puts it. */
void hvx_smm_init(struct hvx_vcpu *vcpu)
{
	memset(&vcpu->smm, 0, sizeof(vcpu->smm));
	vcpu->smm.smbase = HVX_SMBASE_RESET;
}

/* An SMI from an APIC (any context; the irqchip's lock may be held). */
void hvx_vcpu_smi(struct hvx_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->smm.queued, true);
	hvx_vcpu_kick(vcpu);
}

/* An SMI an APIC sent becomes the vCPU's pending one.  Its own thread. */
static void hvx_smi_collect(struct hvx_vcpu *vcpu)
{
	if (READ_ONCE(vcpu->smm.queued) && xchg(&vcpu->smm.queued, false))
		vcpu->smm.pending = true;
}

/* Does an SMI wait that the vCPU can take?  It wakes a halted vCPU. */
bool hvx_smi_waiting(struct hvx_vcpu *vcpu)
{
	return !vcpu->smm.active &&
	       (vcpu->smm.pending || READ_ONCE(vcpu->smm.queued));
}

/*
 * Enter SMM: save the state in the map, then load the handler's (SDM
 * "Processor Register Initialization in SMM"; as KVM, the IDT limit 0
 * too).  The vCPU is not loaded.
 */
static void hvx_enter_smm(struct hvx_vcpu *vcpu)
{
	struct hvx_smm_state *st;
	struct kvm_segment *seg;
	bool lm = hvx_guest_has_lm(vcpu);
	int i;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return;		/* the SMI stays pending */
	vcpu->smm.pending = false;
	hvx_vmx_get_regs(vcpu, &st->regs);
	hvx_vmx_get_sregs(vcpu, &st->sregs);
	hvx_vmx_get_debugregs(vcpu, &st->dregs);
	if (lm)
		hvx_smm_save_64(vcpu, st);
	else
		hvx_smm_save_32(vcpu, st);

	/*
	 * As KVM, a map nothing backs is not written: the VMM gave its
	 * guest an SMBASE without SMRAM, and RSM will find nothing there.
	 */
	hvx_smm_set_active(vcpu, true);
	hvx_write_guest(vcpu->vm, 1, (u64)vcpu->smm.smbase + HVX_SMRAM_MAP,
			st->map, sizeof(st->map));

	st->regs.rip = 0x8000;
	st->regs.rflags = X86_EFLAGS_FIXED;
	st->sregs.cr0 &= ~(X86_CR0_PE | X86_CR0_EM | X86_CR0_TS | X86_CR0_PG);
	st->sregs.cr4 = 0;
	if (lm)
		st->sregs.efer = 0;
	st->sregs.idt.base = 0;
	st->sregs.idt.limit = 0;
	for (i = 0; i < HVX_NR_DATA_SEGS; i++) {
		seg = hvx_smm_seg(&st->sregs, i);
		memset(seg, 0, sizeof(*seg));
		seg->limit = 0xffffffff;
		seg->type = 3;		/* read/write, accessed: KVM's for CS too */
		seg->s = 1;
		seg->present = 1;
		seg->g = 1;
	}
	st->sregs.cs.selector = (vcpu->smm.smbase >> 4) & 0xffff;
	st->sregs.cs.base = vcpu->smm.smbase;
	/* Real mode, no paging: a state that cannot be refused. */
	WARN_ON_ONCE(hvx_vmx_set_system_regs(vcpu, &st->sregs));
	hvx_vmx_set_regs(vcpu, &st->regs);

	hvx_vcpu_load(vcpu);
	hvx_set_dr7(vcpu, HVX_DR7_FIXED_1);
	vcpu->smm.inside_nmi = hvx_get_nmi_mask(vcpu);
	hvx_set_nmi_mask(vcpu, true);
	hvx_set_interrupt_shadow(vcpu, 0);
	hvx_vcpu_put(vcpu);
	kfree(st);
}

/**
 * hvx_smm_take_smi - before an entry: take an SMI that waits, if it can be
 * @vcpu: the vCPU, not loaded
 *
 * As KVM, an event being delivered and an exception the last exit raised
 * go first; the SMI then waits for the next exit, which the backstop
 * timer bounds.  One that comes in SMM waits for RSM.
 */
void hvx_smm_take_smi(struct hvx_vcpu *vcpu)
{
	hvx_smi_collect(vcpu);
	if (!vcpu->smm.pending || vcpu->smm.active ||
	    hvx_event_in_delivery(vcpu) || vcpu->events.exception.pending)
		return;
	hvx_enter_smm(vcpu);
}

/*
 * The state RSM loads must be one a CPU can be in: CR0, CR4 and EFER as
 * KVM_SET_SREGS takes them, LMA following LME and PG.
 */
static int hvx_rsm_load(struct hvx_vcpu *vcpu, struct hvx_smm_state *st)
{
	struct kvm_sregs *s = &st->sregs;

	s->efer &= ~EFER_LMA;
	if (s->efer & vcpu->efer_reserved)
		return -EINVAL;
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG))
		s->efer |= EFER_LMA;
	st->regs.rflags |= X86_EFLAGS_FIXED;
	if (hvx_vmx_set_system_regs(vcpu, s))
		return -EINVAL;
	hvx_vmx_set_regs(vcpu, &st->regs);
	/* 32-bit registers: a map with more in them shuts down, as in KVM. */
	return hvx_vmx_set_debugregs(vcpu, &st->dregs);
}

/**
 * hvx_emulate_rsm - RSM, which #UD brought to hvx
 * @vcpu: the vCPU, loaded, in SMM
 *
 * Reads the map at the SMBASE the SMI used, leaves SMM (address space 0;
 * NMIs unblocked unless they were blocked at the SMI), and loads the
 * state; the SMBASE the map holds is the next SMI's (the handler may
 * have moved it).  A map that does not describe a state a CPU can be in
 * shuts the guest down, as KVM's emulated RSM does.  An INIT that came in
 * SMM now takes effect, and an SMI that came is taken next.
 *
 * Return: 1 to enter the guest.
 */
int hvx_emulate_rsm(struct hvx_vcpu *vcpu)
{
	struct hvx_smm_state *st;
	u32 smbase;
	int r;

	hvx_vcpu_put(vcpu);
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	r = st ? 0 : -ENOMEM;
	if (!r)
		r = hvx_read_guest(vcpu->vm, 1,
				   (u64)vcpu->smm.smbase + HVX_SMRAM_MAP,
				   st->map, sizeof(st->map));
	if (r) {
		/* Memory ran out, or no SMRAM: try again, or give up. */
		if (r != -ENOMEM)
			vcpu->events.triple_fault = true;
		goto out;
	}
	hvx_vmx_get_sregs(vcpu, &st->sregs);
	hvx_vmx_get_debugregs(vcpu, &st->dregs);
	smbase = hvx_guest_has_lm(vcpu) ? hvx_smm_load_64(st) :
					  hvx_smm_load_32(st);

	hvx_smm_set_active(vcpu, false);
	hvx_vcpu_load(vcpu);
	if (!vcpu->smm.inside_nmi)
		hvx_set_nmi_mask(vcpu, false);
	hvx_vcpu_put(vcpu);
	vcpu->smm.inside_nmi = false;
	vcpu->smm.smbase = smbase;
	if (hvx_rsm_load(vcpu, st))
		vcpu->events.triple_fault = true;
	if (vcpu->smm.latched_init) {
		vcpu->smm.latched_init = false;
		hvx_vcpu_apic_event(vcpu, true, 0);
	}
out:
	kfree(st);
	hvx_vcpu_load(vcpu);
	return 1;
}

/* KVM_GET_VCPU_EVENTS' smi. */
void hvx_smm_get_events(struct hvx_vcpu *vcpu, struct kvm_vcpu_events *e)
{
	hvx_smi_collect(vcpu);
	e->smi.smm = vcpu->smm.active;
	e->smi.pending = vcpu->smm.pending;
	e->smi.smm_inside_nmi = vcpu->smm.inside_nmi;
	e->smi.latched_init = vcpu->smm.latched_init;
}

/*
 * KVM_SET_VCPU_EVENTS' smi, checked before anything changes.  As KVM: a
 * vCPU waiting for its start-up IPI can neither be in SMM nor have an SMI
 * waiting, as INIT does not reach a CPU in SMM.
 */
int hvx_smm_check_events(struct hvx_vcpu *vcpu,
			 const struct kvm_vcpu_events *e)
{
	if ((e->flags & KVM_VCPUEVENT_VALID_SMM) &&
	    (e->smi.smm || e->smi.pending) &&
	    vcpu->mp_state == KVM_MP_STATE_INIT_RECEIVED)
		return -EINVAL;
	return 0;
}

/*
 * KVM_SET_VCPU_EVENTS' smi, for a VMM restoring a vCPU: in or out of SMM
 * as it says, with nothing saved or loaded (the VMM sets the registers).
 * As in KVM, smm_inside_nmi counts only in SMM, and latched_init only
 * with an APIC: out of SMM it is an INIT that waits, and takes effect.
 */
void hvx_smm_set_events(struct hvx_vcpu *vcpu, const struct kvm_vcpu_events *e)
{
	bool smm = e->smi.smm;

	if (!(e->flags & KVM_VCPUEVENT_VALID_SMM))
		return;
	WRITE_ONCE(vcpu->smm.queued, false);
	vcpu->smm.pending = e->smi.pending;
	vcpu->smm.inside_nmi = smm && e->smi.smm_inside_nmi;
	vcpu->smm.latched_init = smm && vcpu->apic && e->smi.latched_init;
	if (vcpu->smm.active != smm)
		hvx_smm_set_active(vcpu, smm);
	if (!smm && vcpu->apic && e->smi.latched_init)
		hvx_vcpu_apic_event(vcpu, true, 0);
}
