// SPDX-License-Identifier: GPL-2.0
/*
 * The introspection events' hooks.  An exit handler that an event
 * watches asks hvx_intro_wants() first, and only then calls its hook
 * here, which builds the event's payload, stops the vCPU for the reply
 * (channel.c) and says what the handler does next.  And the exits the
 * events need, which a vCPU takes on or drops when the events change.
 */
#include "../vm.h"
#include "../x86/emulate.h"
#include "../x86/guest.h"
#include "../x86/regs.h"
#include "../x86/x86.h"
#include "intro.h"

/* CPUID, before hvx answers it from the vCPU's table. */
int hvx_intro_cpuid(struct hvx_vcpu *vcpu)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_CPUID };

	ev.cpuid.function = vcpu->regs[HVX_REG_RAX];
	ev.cpuid.index = vcpu->regs[HVX_REG_RCX];
	return hvx_intro_insn_event(vcpu, &ev);
}

/* VMCALL: the registers are the call. */
int hvx_intro_hypercall(struct hvx_vcpu *vcpu)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_HYPERCALL };

	return hvx_intro_insn_event(vcpu, &ev);
}

/*
 * INT3.  CONTINUE hands the #BP on (to a debugger's KVM_EXIT_DEBUG, or to
 * the guest), as for a breakpoint that is not the introspector's.
 */
int hvx_intro_breakpoint(struct hvx_vcpu *vcpu)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_BREAKPOINT };
	u64 gpa;

	ev.breakpoint.gva = hvx_guest_linear_rip(vcpu);
	hvx_vcpu_put(vcpu);
	if (hvx_guest_translate(vcpu, ev.breakpoint.gva, &gpa))
		gpa = ~0ULL;
	hvx_vcpu_load(vcpu);
	ev.breakpoint.gpa = gpa;
	return hvx_intro_insn_event(vcpu, &ev);
}

/*
 * A write of CR0, CR3 or CR4 (@cr) of *@val, if the introspector watches
 * that register; a CONTINUE reply may change *@val.
 */
int hvx_intro_cr(struct hvx_vcpu *vcpu, int cr, unsigned long *val)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_CR };
	u64 value;
	int r;

	if (!(READ_ONCE(vcpu->intro.crs) & BIT(cr)))
		return HVX_INTRO_GO;
	ev.cr.cr = cr;
	ev.cr.old_value = cr == 0 ? hvx_guest_cr0(vcpu) :
			  cr == 3 ? hvx_guest_cr3(vcpu) : hvx_guest_cr4(vcpu);
	ev.cr.new_value = *val;
	r = hvx_intro_insn_event(vcpu, &ev);
	if (r == HVX_INTRO_GO && hvx_intro_value(vcpu, &value))
		*val = value;
	return r;
}

/* XSETBV of *@val into XCR[ECX]; a CONTINUE reply may change *@val. */
int hvx_intro_xsetbv(struct hvx_vcpu *vcpu, u64 *val)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_XSETBV };
	u64 value;
	int r;

	ev.xsetbv.xcr = vcpu->regs[HVX_REG_RCX];
	ev.xsetbv.old_value = vcpu->xcr0;
	ev.xsetbv.new_value = *val;
	r = hvx_intro_insn_event(vcpu, &ev);
	if (r == HVX_INTRO_GO && hvx_intro_value(vcpu, &value))
		*val = value;
	return r;
}

/* WRMSR of *@val into @msr, if watched; a CONTINUE reply may change *@val. */
int hvx_intro_msr(struct hvx_vcpu *vcpu, u32 msr, u64 *val)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_MSR };
	u64 value;
	int r;

	if (!hvx_intro_msr_watched(&vcpu->intro, msr))
		return HVX_INTRO_GO;
	ev.msr.msr = msr;
	if (hvx_get_msr(vcpu, msr, &ev.msr.old_value))
		ev.msr.old_value = 0;
	ev.msr.new_value = *val;
	r = hvx_intro_insn_event(vcpu, &ev);
	if (r == HVX_INTRO_GO && hvx_intro_value(vcpu, &value))
		*val = value;
	return r;
}

/*
 * An @access (HVX_INTRO_ACCESS_* bits) an introspector's page rights
 * forbid (ept/access.c), at @gpa, and @gva where the CPU says (~0 if
 * not).  Replies: RETRY, CRASH.
 */
int hvx_intro_page_fault(struct hvx_vcpu *vcpu, u64 gpa, u64 gva,
			 u32 access)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_PF };

	ev.pf.gpa = gpa;
	ev.pf.gva_valid = gva != ~0ULL;
	ev.pf.gva = ev.pf.gva_valid ? gva : 0;
	ev.pf.access = access;
	/* Then the access again, under the rights it has now. */
	return hvx_intro_event_go_on(vcpu, &ev);
}

/*
 * A single step ended (a #DB trap, or an instruction hvx carried out with
 * TF set: kmod/vmx/debug.c).  Any reply but CRASH goes on.
 */
int hvx_intro_singlestep(struct hvx_vcpu *vcpu)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_SINGLESTEP };

	return hvx_intro_event_go_on(vcpu, &ev);
}

/*
 * A load (@write) or store of a descriptor-table register, @descriptor
 * (HVX_INTRO_DESC_*), before the instruction.
 */
int hvx_intro_desc(struct hvx_vcpu *vcpu, u8 descriptor, bool write)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_DESC };

	ev.desc.descriptor = descriptor;
	ev.desc.write = write;
	return hvx_intro_insn_event(vcpu, &ev);
}

/**
 * hvx_intro_request - HVX_REQ_INTRO, before an entry
 * @vcpu: the vCPU, loaded
 *
 * The events changed, or a pause was asked: take on or drop the exits
 * the events need (#BP, writes of CR0, CR3 and CR4, writes of MSRs the
 * guest has without exits, the descriptor tables, RFLAGS.TF for single
 * steps; the rest exit anyway), then stop for the pause.
 *
 * Return: what hvx_intro_pause() returns, or 1.
 */
int hvx_intro_request(struct hvx_vcpu *vcpu)
{
	int r = 1;

	clear_bit(HVX_REQ_INTRO, &vcpu->requests);
	hvx_vmx_intro_exits(vcpu, hvx_intro_wants(vcpu, HVX_INTRO_EV_CR) ?
			    READ_ONCE(vcpu->intro.crs) : 0);
	hvx_vmx_intro_step(vcpu, hvx_intro_wants(vcpu, HVX_INTRO_EV_SINGLESTEP));
	/* The MSRs it watches that the guest writes without exits. */
	hvx_vmcs_filter_msrs(vcpu);
	if (READ_ONCE(vcpu->intro.pause)) {
		r = hvx_intro_pause(vcpu);
		/* A signal: the pause waits for the next KVM_RUN. */
		if (READ_ONCE(vcpu->intro.pause))
			set_bit(HVX_REQ_INTRO, &vcpu->requests);
	}
	return r;
}
