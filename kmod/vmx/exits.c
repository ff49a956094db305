// SPDX-License-Identifier: GPL-2.0
/*
 * VM exit handlers.
 *
 * Each handler runs with the vCPU loaded and returns what hvx_vmx_run()
 * returns: 1 to enter the guest again, 0 to go to userspace with
 * vcpu->run filled in, or a negative errno for KVM_RUN to return.  A
 * handler that must sleep puts the vCPU and loads it again.
 *
 * What a guest does can never make a handler fail the host: anything hvx
 * does not handle ends in KVM_EXIT_INTERNAL_ERROR for the VMM to see.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/kvm_para.h>
#include <linux/sched.h>
#include <asm/apicdef.h>
#include <asm/debugreg.h>
#include <asm/msr.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "capabilities.h"
#include "../x86/decode.h"
#include "entry_check.h"
#include "fpu.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "vmx_ops.h"

static int hvx_internal_error(struct hvx_vcpu *vcpu, u32 suberror)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 4;
	run->internal.data[0] = vcpu->vmx.exit_reason;
	run->internal.data[1] = vcpu->vmx.exit_qual;
	run->internal.data[2] = vmcs_readl(GUEST_RIP);
	run->internal.data[3] = smp_processor_id();
	return 0;
}

/*
 * The guest ran INT3 while a debugger (KVM_GUESTDBG_USE_SW_BP) or an
 * introspector (its BREAKPOINT event) sets breakpoints.  The
 * introspector sees it first; one that is not its goes on to the
 * debugger, or else back to the guest, as the #BP the guest would have
 * had without either.  With neither watching any more (the exit came as
 * the introspector left), the hook still looks: an INT3 of the
 * introspector's that is gone by now is no #BP for the guest.
 */
static int hvx_handle_bp(struct hvx_vcpu *vcpu)
{
	int r;

	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_BREAKPOINT) ||
	    !(vcpu->guest_debug & KVM_GUESTDBG_USE_SW_BP)) {
		r = hvx_intro_breakpoint(vcpu);
		if (r != HVX_INTRO_GO)
			return r;
	}
	if (vcpu->guest_debug & KVM_GUESTDBG_USE_SW_BP)
		return hvx_debug_exception(vcpu, BP_VECTOR);
	hvx_inject_soft_exception(vcpu, BP_VECTOR,
				  vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	return 1;
}

/*
 * LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT and STR exit only while an
 * introspector watches them (its DESC event).  Unless its reply says
 * otherwise, the guest then carries the instruction out itself, stepped
 * over it with the exit off: hvx has no emulator for them.
 */
static int hvx_handle_desc(struct hvx_vcpu *vcpu)
{
	/* Instruction information, bits 29:28: SxDT, SIDT, LxDT, LIDT. */
	u32 which = (vmcs_read32(VMX_INSTRUCTION_INFO) >> 28) & 3;
	bool tr = (u16)vcpu->vmx.exit_reason == EXIT_REASON_LDTR_TR;
	u8 desc;
	int r;

	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_DESC)) {
		if (tr)
			desc = which & 1 ? HVX_INTRO_DESC_TR : HVX_INTRO_DESC_LDTR;
		else
			desc = which & 1 ? HVX_INTRO_DESC_IDTR : HVX_INTRO_DESC_GDTR;
		r = hvx_intro_desc(vcpu, desc, which >= 2);
		if (r != HVX_INTRO_GO)
			return r;
	}
	hvx_vmx_desc_step(vcpu);
	return 1;
}

static int hvx_handle_exception(struct hvx_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;
	u8 vector = info & INTR_INFO_VECTOR_MASK;
	u32 error = 0;

	/* The host's NMI: already handled in hvx_vmx_run(). */
	if (type == INTR_TYPE_NMI_INTR)
		return 1;

	switch (vector) {
	case BP_VECTOR:	/* only for a debugger's or introspector's INT3s */
		return hvx_handle_bp(vcpu);
	case DB_VECTOR:
		if (unlikely(vcpu->intro.desc_step) &&
		    hvx_vmx_desc_step_done(vcpu))
			return 1;
		if (unlikely(hvx_debug_intro_step(vcpu)))
			return hvx_intro_singlestep(vcpu);
		if (!hvx_debug_exception(vcpu, DB_VECTOR))
			return 0;
		/* The exit qualification holds what DR6 would have got. */
		vcpu->vmx.dr6 = HVX_DR6_ACTIVE_LOW ^
				(vcpu->vmx.exit_qual & (DR_TRAP_BITS | DR_STEP));
		fallthrough;
	case AC_VECTOR:
		/*
		 * Raised while delivering another event: that one goes
		 * again (hvx_vmx_complete_events()), and raises this one
		 * again if it must.
		 */
		if (hvx_event_in_delivery(vcpu))
			return 1;
		if (info & INTR_INFO_DELIVER_CODE_MASK)
			error = vmcs_read32(VM_EXIT_INTR_ERROR_CODE);
		if (type == INTR_TYPE_HARD_EXCEPTION)
			hvx_inject_exception(vcpu, vector,
					     info & INTR_INFO_DELIVER_CODE_MASK,
					     error);
		else	/* INT1 (ICEBP): the return address is after it */
			hvx_event_requeue(vcpu, HVX_EV_PRIV_SOFT_EXCEPTION,
					  vector, false, 0,
					  vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
		return 1;
	case MC_VECTOR:
		/* The host's, and handled: hvx_vmx_run() gave it over. */
		return 1;
	case UD_VECTOR:
		return hvx_handle_ud(vcpu);
	default:
		return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
	}
}

static int hvx_handle_triple_fault(struct hvx_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

static int hvx_handle_nop(struct hvx_vcpu *vcpu)
{
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * The backstop's preemption timer ran out (vcpu.c): the guest stayed in
 * for two host ticks.  Back round the run loop, which looks for signals
 * and the scheduler, and in again.
 */
static int hvx_handle_backstop(struct hvx_vcpu *vcpu)
{
	return 1;
}

/*
 * The guest can take the interrupt or NMI that waits: nothing to do here,
 * hvx_inject_events() gives it on the way back in.
 */
static int hvx_handle_window(struct hvx_vcpu *vcpu)
{
	return 1;
}

/* The guest sees no VMX: its VMX instructions raise #UD. */
static int hvx_handle_vmx_instruction(struct hvx_vcpu *vcpu)
{
	return hvx_inject_ud(vcpu);
}

/* CLTS and LMSW: writes of CR0 too, which an introspector may watch. */
static int hvx_cr0_insn(struct hvx_vcpu *vcpu, unsigned long val)
{
	int r;

	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_CR)) {
		r = hvx_intro_cr(vcpu, 0, &val);
		if (r != HVX_INTRO_GO)
			return r;
	}
	if (hvx_set_cr0(vcpu, val))
		return hvx_inject_gp(vcpu);
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * MOV to and from CR0, CR3 (while watched), CR4 and CR8, LMSW and CLTS
 * (SDM table "Exit Qualification for Control-Register Accesses").
 */
static int hvx_handle_cr(struct hvx_vcpu *vcpu)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	int cr = qual & 15, reg = (qual >> 8) & 15;
	unsigned long val;
	int r;

	switch ((qual >> 4) & 3) {
	case 0:		/* MOV to CR */
		val = hvx_reg_read(vcpu, reg);
		if (!hvx_64bit_code(vcpu))
			val = (u32)val;
		if (cr != 8 && hvx_intro_wants(vcpu, HVX_INTRO_EV_CR)) {
			r = hvx_intro_cr(vcpu, cr, &val);
			if (r != HVX_INTRO_GO)
				return r;
		}
		switch (cr) {
		case 0:
			r = hvx_set_cr0(vcpu, val);
			break;
		case 3:		/* only while an introspector watches it */
			r = hvx_set_cr3(vcpu, val);
			break;
		case 4:
			r = hvx_set_cr4(vcpu, val);
			break;
		case 8:
			r = hvx_cr8_write(vcpu, val);
			break;
		default:
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
		}
		if (r)
			return hvx_inject_gp(vcpu);
		break;
	case 1:		/* MOV from CR: only CR8 exits */
		if (cr != 8)
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
		hvx_reg_write(vcpu, reg, hvx_cr8_read(vcpu));
		break;
	case 2:		/* CLTS */
		return hvx_cr0_insn(vcpu, hvx_guest_cr0(vcpu) & ~X86_CR0_TS);
	case 3:		/* LMSW: sets PE, MP, EM and TS; cannot clear PE */
		val = (qual >> 16) & 0xf;
		return hvx_cr0_insn(vcpu, val | (hvx_guest_cr0(vcpu) & ~0xeUL));
	}
	hvx_skip_instruction(vcpu);
	return 1;
}

/* The port I/O instruction, from the exit qualification. */
static int hvx_handle_io(struct hvx_vcpu *vcpu)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	struct hvx_pio *pio = &vcpu->pio;

	memset(pio, 0, sizeof(*pio));
	pio->size = (qual & 7) + 1;
	pio->in = qual & BIT(3);
	pio->string = qual & BIT(4);
	pio->rep = qual & BIT(5);
	pio->port = qual >> 16;
	pio->count = 1;

	if (pio->string) {
		u32 info = vmcs_read32(VMX_INSTRUCTION_INFO);

		/* It copies guest memory through the host: as for MMIO. */
		vcpu->vmx.l1d_flush = true;

		/* Bits 9:7 address size (16/32/64), 17:15 segment (OUTS). */
		pio->addr_size = 2 << ((info >> 7) & 7);
		pio->seg = pio->in ? HVX_SEG_ES : (info >> 15) & 7;
		if (pio->addr_size > 8 || pio->seg > HVX_SEG_GS)
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION);
	}
	return hvx_emulate_pio(vcpu);
}

/*
 * What the exit says about an access to MMIO at @gpa.  Decoding walks the
 * guest's page tables and reads its code through the host's mappings,
 * and the emulation runs code of the host's: flush L1D before entering.
 */
static int hvx_handle_mmio(struct hvx_vcpu *vcpu, u64 gpa)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	bool data = !(qual & EPT_VIOLATION_ACC_INSTR) &&
		    (qual & EPT_VIOLATION_GVA_IS_VALID) &&
		    (qual & EPT_VIOLATION_GVA_TRANSLATED) &&
		    !hvx_event_in_delivery(vcpu);

	vcpu->vmx.l1d_flush = true;
	return hvx_emulate_mmio(vcpu, gpa, vmcs_readl(GUEST_LINEAR_ADDRESS),
				data, qual & EPT_VIOLATION_ACC_WRITE);
}

/*
 * An EPT violation is the guest's first touch of a page hvx has not
 * mapped yet: map it from the slot that backs it and go again.  Where no
 * slot backs the address, or the guest writes to a read-only slot, it is
 * MMIO.
 */
/* The guest-linear address of the EPT violation, or ~0 where none. */
static u64 hvx_ept_violation_gla(struct hvx_vcpu *vcpu)
{
	if (!(vcpu->vmx.exit_qual & EPT_VIOLATION_GVA_IS_VALID))
		return ~0ULL;
	return vmcs_readl(GUEST_LINEAR_ADDRESS);
}

static int hvx_handle_ept_violation(struct hvx_vcpu *vcpu)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	int r;

	/*
	 * Mapping a page asks for no L1D flush, as KVM's EPT violations do
	 * not unless they emulate: the work is on the VM's own slots and
	 * EPT and on the VMM's own memory.  Should it sleep, or an interrupt
	 * come, the flush happens anyway (hvx_l1d_flush_maybe()), but only a
	 * kernel built with kvm_intel counts interrupts for us: without it,
	 * flush as before.
	 */
	if (!IS_ENABLED(CONFIG_KVM_INTEL))
		vcpu->vmx.l1d_flush = true;
	hvx_vcpu_put(vcpu);
	r = hvx_mmu_fault(vcpu->vm, hvx_vcpu_as(vcpu), gpa,
			  vcpu->vmx.exit_qual & HVX_EPT_RWX);
	hvx_vcpu_load(vcpu);
	if (!r)
		return 1;
	if (r == -ENOENT || r == -EROFS)
		return hvx_handle_mmio(vcpu, gpa);
	if (r == -EACCES)
		return hvx_intro_page_fault(vcpu, gpa,
					    hvx_ept_violation_gla(vcpu),
					    vcpu->vmx.exit_qual & HVX_EPT_RWX);
	return r;
}

static void hvx_log_failed_entry(struct hvx_vcpu *vcpu)
{
	char why[256];

	hvx_explain_invalid_guest_state(why, sizeof(why));
	pr_err_ratelimited("vCPU %u: VM entry failed, exit reason %#x, qualification %lu: %s\n",
			   vcpu->id, vcpu->vmx.exit_reason,
			   vcpu->vmx.exit_qual, why);
}

/*
 * A VM entry that failed its checks of the guest state (SDM "Checks on
 * the Guest State Area"): the VMM set impossible registers.
 */
static int hvx_handle_failed_entry(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	hvx_log_failed_entry(vcpu);
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = vcpu->vmx.exit_reason;
	run->fail_entry.cpu = smp_processor_id();
	return 0;
}

typedef int (*hvx_exit_handler)(struct hvx_vcpu *vcpu);

static const hvx_exit_handler hvx_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= hvx_handle_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = NULL,	/* see below */
	[EXIT_REASON_TRIPLE_FAULT]	= hvx_handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]	= hvx_handle_window,
	[EXIT_REASON_NMI_WINDOW]	= hvx_handle_window,
	[EXIT_REASON_CPUID]		= hvx_emulate_cpuid,
	[EXIT_REASON_HLT]		= hvx_emulate_hlt,
	[EXIT_REASON_INVD]		= hvx_handle_nop,
	[EXIT_REASON_RDPMC]		= hvx_inject_gp,
	[EXIT_REASON_VMCALL]		= hvx_emulate_vmcall,
	[EXIT_REASON_VMCLEAR]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMLAUNCH]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMPTRLD]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMPTRST]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMREAD]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMRESUME]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMWRITE]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMOFF]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMON]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_CR_ACCESS]		= hvx_handle_cr,
	[EXIT_REASON_GDTR_IDTR]		= hvx_handle_desc,
	[EXIT_REASON_LDTR_TR]		= hvx_handle_desc,
	[EXIT_REASON_DR_ACCESS]		= hvx_handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]	= hvx_handle_io,
	[EXIT_REASON_MSR_READ]		= hvx_emulate_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= hvx_emulate_wrmsr,
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = hvx_handle_tpr_below_threshold,
	[EXIT_REASON_APIC_ACCESS]	= hvx_handle_apic_access,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= hvx_emulate_monitor_mwait,
	[EXIT_REASON_MONITOR_INSTRUCTION] = hvx_emulate_monitor_mwait,
	[EXIT_REASON_EPT_VIOLATION]	= hvx_handle_ept_violation,
	[EXIT_REASON_INVEPT]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_INVVPID]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_XSETBV]		= hvx_emulate_xsetbv,
	[EXIT_REASON_PREEMPTION_TIMER]	= hvx_handle_backstop,
	[EXIT_REASON_VMFUNC]		= hvx_handle_vmx_instruction,
	/* No non-coherent DMA reaches a guest: nothing to write back. */
	[EXIT_REASON_WBINVD]		= hvx_handle_nop,
};

/**
 * hvx_handle_exit - handle the exit hvx_vmx_run() just took
 * @vcpu: the vCPU, loaded
 *
 * Return: 1 to enter again, 0 to go to userspace, or a negative errno.
 */
int hvx_handle_exit(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	u16 reason = vmx->exit_reason;
	hvx_exit_handler handler = NULL;

	vmx->exit_qual = vmcs_readl(EXIT_QUALIFICATION);
	hvx_vmx_tpr_exited(vcpu);
	if (reason < HVX_NR_EXIT_REASONS)
		vcpu->stats.exits[reason]++;
	/*
	 * A machine check during entry is the host's (hvx_vmx_run() gave
	 * it over), not a sign of bad guest state: try again.
	 */
	if (reason == EXIT_REASON_MCE_DURING_VMENTRY)
		return 1;
	if (vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return hvx_handle_failed_entry(vcpu);

	hvx_vmx_complete_events(vcpu);

	/* The interrupt is the host's; it was taken when IRQs came back on. */
	if (reason == EXIT_REASON_EXTERNAL_INTERRUPT)
		return 1;
	if (reason < ARRAY_SIZE(hvx_exit_handlers))
		handler = hvx_exit_handlers[reason];
	if (handler)
		return handler(vcpu);

	pr_warn_ratelimited("vCPU %u: unexpected VM exit, reason %u, qualification %#lx\n",
			    vcpu->id, reason, vmx->exit_qual);
	return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
}
