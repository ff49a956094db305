// SPDX-License-Identifier: GPL-2.0
/*
 * Events on VT-x: the guest's interruptibility state, the event given to
 * the CPU for the next VM entry, the interrupt and NMI windows, and after
 * an exit the event whose delivery it broke (SDM "Event Injection",
 * "Information for VM Exits During Event Delivery", "Guest Non-Register
 * State").  What to deliver, and when, is kmod/x86/events.c's choice.
 */
#include <asm/kvm.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../x86/events.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "capabilities.h"
#include "vmx_ops.h"

#define HVX_SHADOWS	(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)

static const u32 hvx_vmx_event_type[] = {
	[HVX_EV_INTR]			= INTR_TYPE_EXT_INTR,
	[HVX_EV_NMI]			= INTR_TYPE_NMI_INTR,
	[HVX_EV_EXCEPTION]		= INTR_TYPE_HARD_EXCEPTION,
	[HVX_EV_SOFT_INTR]		= INTR_TYPE_SOFT_INTR,
	[HVX_EV_SOFT_EXCEPTION]		= INTR_TYPE_SOFT_EXCEPTION,
	[HVX_EV_PRIV_SOFT_EXCEPTION]	= INTR_TYPE_PRIV_SW_EXCEPTION,
};

/*
 * Does VM entry deliver an error code with this exception?  Exactly where
 * the CPU would push one: in protected mode, for the vectors that have
 * one (SDM "Checks on VM-Entry Control Fields").  The guest may have left
 * or entered protected mode since the exception was raised.  (#CP's is
 * for CPUs with CET, which hvx does not offer.)
 */
static bool hvx_vmx_deliver_code(u8 vector)
{
	return (vmcs_readl(GUEST_CR0) & X86_CR0_PE) && vector != X86_TRAP_CP &&
	       hvx_exception_has_error(vector);
}

/**
 * hvx_vmx_inject - deliver an event on the next VM entry
 * @vcpu: the vCPU, loaded
 * @type: how
 * @vector: its vector
 * @has_error: whether it pushes an error code
 * @error_code: the error code
 * @instr_len: the length of the instruction of a software event
 */
void hvx_vmx_inject(struct hvx_vcpu *vcpu, enum hvx_event_type type,
		    u8 vector, bool has_error, u32 error_code, u32 instr_len)
{
	u32 info = vector | hvx_vmx_event_type[type] | INTR_INFO_VALID_MASK;
	u32 intr;

	if (type == HVX_EV_EXCEPTION && has_error &&
	    hvx_vmx_deliver_code(vector))
		info |= INTR_INFO_DELIVER_CODE_MASK;
	/*
	 * The event is delivered before any instruction runs, so a shadow
	 * has nothing left to cover; VM entry refuses an external interrupt
	 * or NMI under one, and an NMI while NMIs are blocked.
	 */
	if (type == HVX_EV_INTR || type == HVX_EV_NMI) {
		intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
		if (intr & (HVX_SHADOWS | GUEST_INTR_STATE_NMI))
			vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
				     intr & ~(HVX_SHADOWS |
					      (type == HVX_EV_NMI ?
					       GUEST_INTR_STATE_NMI : 0)));
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, instr_len);
	vcpu->vmx.entry_event = true;
}

/* No event on the next entry (an earlier one may still be in the VMCS). */
void hvx_vmx_inject_none(struct hvx_vcpu *vcpu)
{
	if (vcpu->vmx.entry_event) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
		vcpu->vmx.entry_event = false;
	}
}

/**
 * hvx_vmx_set_windows - exit as soon as the guest can take an interrupt, an NMI
 * @vcpu: the vCPU, loaded
 * @irq: interrupt-window exiting: RFLAGS.IF set and no shadow
 * @nmi: NMI-window exiting: no NMI blocking (virtual NMIs) and no shadow
 */
void hvx_vmx_set_windows(struct hvx_vcpu *vcpu, bool irq, bool nmi)
{
	u32 want = (irq ? CPU_BASED_INTR_WINDOW_EXITING : 0) |
		   (nmi ? CPU_BASED_NMI_WINDOW_EXITING : 0);

	if (want != vcpu->vmx.windows) {
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
			     vcpu->vmx.cpu_based | want);
		vcpu->vmx.windows = want;
	}
}

/* The STI and MOV SS shadows, as KVM_X86_SHADOW_INT_* bits. */
u8 hvx_get_interrupt_shadow(struct hvx_vcpu *vcpu)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	return (intr & GUEST_INTR_STATE_STI ? KVM_X86_SHADOW_INT_STI : 0) |
	       (intr & GUEST_INTR_STATE_MOV_SS ? KVM_X86_SHADOW_INT_MOV_SS : 0);
}

/*
 * Set the shadows, as VM entry accepts them: not both at once (MOV SS
 * wins, as it blocks more), and no STI shadow with RFLAGS.IF clear (no
 * STI just ran: it is dropped).
 */
void hvx_set_interrupt_shadow(struct hvx_vcpu *vcpu, u8 shadow)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & ~HVX_SHADOWS;

	if (shadow & KVM_X86_SHADOW_INT_MOV_SS)
		intr |= GUEST_INTR_STATE_MOV_SS;
	else if ((shadow & KVM_X86_SHADOW_INT_STI) &&
		 (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF))
		intr |= GUEST_INTR_STATE_STI;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
}

/* NMIs blocked: the guest is in its NMI handler, until IRET. */
bool hvx_get_nmi_mask(struct hvx_vcpu *vcpu)
{
	return vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & GUEST_INTR_STATE_NMI;
}

void hvx_set_nmi_mask(struct hvx_vcpu *vcpu, bool masked)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if (masked)
		intr |= GUEST_INTR_STATE_NMI;
	else
		intr &= ~GUEST_INTR_STATE_NMI;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
}

/*
 * An IRET that unblocked NMIs and then faulted, or made an EPT violation,
 * will run again: NMIs must be blocked again until it does (SDM "Exit
 * Qualification for EPT Violations", "VM-Exit Interruption
 * Information").  The bit means nothing for a #DF or when the exit came
 * during event delivery.
 */
static void hvx_vmx_recover_nmi_blocking(struct hvx_vcpu *vcpu)
{
	u16 reason = vcpu->vmx.exit_reason;
	bool unblocked = false;
	u32 info;

	if (reason == EXIT_REASON_EXCEPTION_NMI) {
		info = vmcs_read32(VM_EXIT_INTR_INFO);
		unblocked = (info & INTR_INFO_VALID_MASK) &&
			    (info & INTR_INFO_UNBLOCK_NMI) &&
			    (info & INTR_INFO_VECTOR_MASK) != DF_VECTOR;
	} else if (reason == EXIT_REASON_EPT_VIOLATION) {
		unblocked = vcpu->vmx.exit_qual & INTR_INFO_UNBLOCK_NMI;
	}
	if (unblocked)
		hvx_set_nmi_mask(vcpu, true);
}

/**
 * hvx_vmx_complete_events - after an exit, take back an undelivered event
 * @vcpu: the vCPU, loaded, after an exit (not a failed entry)
 */
void hvx_vmx_complete_events(struct hvx_vcpu *vcpu)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & VECTORING_INFO_TYPE_MASK, len = 0, error = 0;
	u8 vector = info & VECTORING_INFO_VECTOR_MASK;
	enum hvx_event_type ev;

	vcpu->vmx.entry_event = false;	/* the exit cleared the field */
	hvx_events_entered(vcpu);
	if (!(info & VECTORING_INFO_VALID_MASK)) {
		hvx_vmx_recover_nmi_blocking(vcpu);
		return;
	}

	switch (type) {
	case INTR_TYPE_EXT_INTR:
		ev = HVX_EV_INTR;
		break;
	case INTR_TYPE_NMI_INTR:
		/* The NMI was not delivered: NMIs are not blocked for it. */
		ev = HVX_EV_NMI;
		hvx_set_nmi_mask(vcpu, false);
		break;
	case INTR_TYPE_HARD_EXCEPTION:
		ev = HVX_EV_EXCEPTION;
		break;
	case INTR_TYPE_SOFT_INTR:
		ev = HVX_EV_SOFT_INTR;
		break;
	case INTR_TYPE_SOFT_EXCEPTION:
		ev = HVX_EV_SOFT_EXCEPTION;
		break;
	case INTR_TYPE_PRIV_SW_EXCEPTION:
		ev = HVX_EV_PRIV_SOFT_EXCEPTION;
		break;
	default:
		WARN_ONCE(1, "hvx: IDT-vectoring information %#x\n", info);
		return;
	}
	if (ev >= HVX_EV_SOFT_INTR)
		len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		error = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	hvx_event_requeue(vcpu, ev, vector,
			  info & VECTORING_INFO_DELIVER_CODE_MASK, error, len);
}
