// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions, NMIs and external interrupts for the guest: queueing them,
 * choosing before each VM entry the one the guest can take now (and
 * asking for an exit when the guest becomes able to take the others),
 * KVM's userspace interrupt model (KVM_INTERRUPT, KVM_NMI, kvm_run's
 * interrupt window, CR8) and KVM_GET/SET_VCPU_EVENTS.
 *
 * The order is KVM's and the CPU's: an event whose delivery a VM exit
 * broke goes first, as nothing may come between; then a pending
 * exception, which belongs to the instruction at RIP; then an NMI, which
 * waits while the guest is in an NMI handler or an STI or MOV SS shadow;
 * then an external interrupt, which also waits for RFLAGS.IF.
 */
#include <linux/kvm.h>
#include <asm/kvm.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../vm.h"
#include "events.h"
#include "guest.h"
#include "x86.h"

/* The exceptions that push an error code (SDM "Exception Classes"). */
bool hvx_exception_has_error(u8 vector)
{
	switch (vector) {
	case DF_VECTOR:
	case TS_VECTOR:
	case NP_VECTOR:
	case SS_VECTOR:
	case GP_VECTOR:
	case PF_VECTOR:
	case AC_VECTOR:
	case X86_TRAP_CP:
		return true;
	}
	return false;
}

enum hvx_exception_class { HVX_BENIGN, HVX_CONTRIBUTORY, HVX_PAGE_FAULT };

static enum hvx_exception_class hvx_exception_class(u8 vector)
{
	switch (vector) {
	case DE_VECTOR:
	case TS_VECTOR:
	case NP_VECTOR:
	case SS_VECTOR:
	case GP_VECTOR:
		return HVX_CONTRIBUTORY;
	case PF_VECTOR:
		return HVX_PAGE_FAULT;
	}
	return HVX_BENIGN;
}

void hvx_events_reset(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;

	memset(ev, 0, sizeof(*ev));
	atomic_set(&ev->nmi_queued, 0);
}

/* Set the exception: @injected (being delivered) or else pending. */
static void hvx_set_exception(struct hvx_events *ev, bool injected, u8 type,
			      u8 vector, bool has_error, u32 error_code,
			      u32 instr_len)
{
	ev->exception.pending = !injected;
	ev->exception.injected = injected;
	ev->exception.type = type;
	ev->exception.vector = vector;
	ev->exception.has_error = has_error;
	ev->exception.error_code = error_code;
	ev->exception.instr_len = instr_len;
}

/* Set the injected interrupt: one being delivered. */
static void hvx_set_interrupt(struct hvx_events *ev, u8 vector, bool soft,
			      u32 instr_len)
{
	ev->interrupt.injected = true;
	ev->interrupt.soft = soft;
	ev->interrupt.vector = vector;
	ev->interrupt.instr_len = instr_len;
}

/**
 * hvx_inject_exception - raise a hardware exception in the guest
 * @vcpu: the vCPU
 * @vector: the exception
 * @has_error: whether the exception pushes an error code
 * @error_code: the error code
 *
 * The exception is delivered on the next entry.  One already waiting (or
 * being delivered) combines with it as the CPU's would (SDM "Conditions
 * for Generating a Double Fault"): two contributory exceptions, or a #PF
 * and then a #PF or a contributory one, make a #DF; anything after a #DF
 * shuts the guest down; otherwise the new one replaces the old, which the
 * instruction will raise again if it still applies.
 */
void hvx_inject_exception(struct hvx_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	struct hvx_events *ev = &vcpu->events;
	enum hvx_exception_class prev, next = hvx_exception_class(vector);

	if (ev->exception.pending || ev->exception.injected) {
		if (ev->exception.vector == DF_VECTOR) {
			ev->triple_fault = true;
			return;
		}
		prev = hvx_exception_class(ev->exception.vector);
		if ((prev == HVX_CONTRIBUTORY && next == HVX_CONTRIBUTORY) ||
		    (prev == HVX_PAGE_FAULT && next != HVX_BENIGN)) {
			vector = DF_VECTOR;
			has_error = true;
			error_code = 0;
		}
	}
	hvx_set_exception(ev, false, HVX_EV_EXCEPTION, vector, has_error,
			  error_code, 0);
}

/*
 * Raise #BP or #OF as its instruction of @instr_len bytes would, with the
 * return address after it: KVM_GUESTDBG_INJECT_BP hands the guest the INT3
 * a debugger caught.
 */
void hvx_inject_soft_exception(struct hvx_vcpu *vcpu, u8 vector,
			       u32 instr_len)
{
	hvx_set_exception(&vcpu->events, false, HVX_EV_SOFT_EXCEPTION, vector,
			  false, 0, instr_len);
}

/* An exception waits to be delivered, or the guest to shut down. */
bool hvx_exception_waiting(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;

	return ev->exception.pending || ev->exception.injected ||
	       ev->triple_fault;
}

/**
 * hvx_event_requeue - an event the CPU was delivering when the guest exited
 * @vcpu: the vCPU
 * @type: how it was delivered
 * @vector: its vector
 * @has_error: whether it pushes an error code
 * @error_code: the error code
 * @instr_len: for software interrupts and exceptions, the instruction's
 *	length, so that the return address pushed is the next instruction's
 *
 * Called by the VT-x layer after an exit that interrupted delivery (an EPT
 * violation on the guest's IDT or stack, say): the event goes again on
 * the next entry, ahead of everything else.
 */
void hvx_event_requeue(struct hvx_vcpu *vcpu, enum hvx_event_type type,
		       u8 vector, bool has_error, u32 error_code,
		       u32 instr_len)
{
	struct hvx_events *ev = &vcpu->events;

	switch (type) {
	case HVX_EV_NMI:
		ev->nmi_injected = true;
		break;
	case HVX_EV_INTR:
	case HVX_EV_SOFT_INTR:
		hvx_set_interrupt(ev, vector, type == HVX_EV_SOFT_INTR,
				  instr_len);
		break;
	default:
		hvx_set_exception(ev, true, type, vector, has_error,
				  error_code, instr_len);
		break;
	}
}

/*
 * After a VM exit: the event given to the CPU on the entry went in
 * (hvx_event_requeue() says otherwise right after).  One that was held
 * back (hvx_inject_events()) stays.
 */
void hvx_events_entered(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;

	if (!ev->in_cpu)
		return;
	ev->in_cpu = false;
	switch (ev->given) {
	case HVX_EV_NMI:
		ev->nmi_injected = false;
		break;
	case HVX_EV_INTR:
	case HVX_EV_SOFT_INTR:
		ev->interrupt.injected = false;
		break;
	default:
		ev->exception.injected = false;
		break;
	}
}

/* Give the CPU an event for the next entry, and remember which. */
static void hvx_give(struct hvx_vcpu *vcpu, enum hvx_event_type type,
		     u8 vector, bool has_error, u32 error_code, u32 instr_len)
{
	vcpu->events.given = type;
	vcpu->events.in_cpu = true;
	hvx_vmx_inject(vcpu, type, vector, has_error, error_code, instr_len);
}

/* Is the CPU in the middle of delivering an event (hvx_event_requeue())? */
bool hvx_event_in_delivery(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;

	return ev->exception.injected || ev->interrupt.injected ||
	       ev->nmi_injected;
}

/*
 * Count KVM_NMI's into nmi_pending.  The CPU holds at most one NMI while
 * it delivers or handles another, so two can wait where none is under
 * way, one where one is; more collapse into those, as on hardware.
 */
static void hvx_process_nmi(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;
	unsigned int limit = 2, n = atomic_xchg(&ev->nmi_queued, 0);

	if (likely(!n))
		return;
	if (ev->nmi_injected || hvx_get_nmi_mask(vcpu))
		limit = 1;
	ev->nmi_pending = min(ev->nmi_pending + n, limit);
}

/* Interrupts: RFLAGS.IF, and no STI or MOV SS shadow. */
static bool hvx_interrupt_allowed(struct hvx_vcpu *vcpu)
{
	return (hvx_guest_rflags(vcpu) & X86_EFLAGS_IF) &&
	       !hvx_get_interrupt_shadow(vcpu);
}

/* NMIs: not in an NMI handler, and no shadow (SDM "Interruptibility State"). */
static bool hvx_nmi_allowed(struct hvx_vcpu *vcpu)
{
	return !hvx_get_nmi_mask(vcpu) && !hvx_get_interrupt_shadow(vcpu);
}

/*
 * Does the VMM want an exit as soon as the guest can take an interrupt?
 * Only while it is the interrupt controller, as in KVM.
 */
static bool hvx_vmm_wants_window(struct hvx_vcpu *vcpu)
{
	return !vcpu->apic && vcpu->run->request_interrupt_window;
}

/*
 * The in-kernel irqchip's next interrupt, when the guest can take one;
 * @asked says the irqchip was asked, and then @more whether another waits.
 */
static bool hvx_take_irqchip_interrupt(struct hvx_vcpu *vcpu, int *vector,
				       bool *asked, bool *more,
				       struct hvx_tpr_state *tpr)
{
	if (!vcpu->apic || !hvx_interrupt_allowed(vcpu))
		return false;
	*asked = true;
	*vector = hvx_irqchip_take_interrupt(vcpu, more, tpr);
	return *vector >= 0;
}

static void hvx_inject_exception_now(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;

	hvx_give(vcpu, ev->exception.type, ev->exception.vector,
		 ev->exception.has_error, ev->exception.error_code,
		 ev->exception.instr_len);
}

/**
 * hvx_inject_events - give the guest the event it can take on this entry
 * @vcpu: the vCPU, loaded
 *
 * Called before every VM entry.  At most one event goes in; for an NMI or
 * an interrupt that must wait, the CPU is asked to exit when the guest
 * can take it (NMI-window and interrupt-window exiting).
 *
 * Return: 1 to enter the guest, 0 when it shuts down instead (a fault
 * while delivering #DF): vcpu->run says so.
 */
int hvx_inject_events(struct hvx_vcpu *vcpu)
{
	struct hvx_events *ev = &vcpu->events;
	/*
	 * A debugger's BLOCKIRQ, and an introspector's single steps while
	 * they last (a guest's SYSRET, IRET or POPF may clear the TF).
	 */
	bool blocked = (vcpu->guest_debug & KVM_GUESTDBG_BLOCKIRQ) ||
		       (hvx_intro_tf(&vcpu->intro) &&
			(hvx_guest_rflags(vcpu) & X86_EFLAGS_TF));
	bool busy = true, held = false, asked = false, more = false;
	struct hvx_tpr_state tpr = {};
	int vector;

	if (unlikely(ev->triple_fault)) {
		ev->triple_fault = false;
		vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	}
	/* From here on, a kick means something new came. */
	clear_bit(HVX_REQ_EVENT, &vcpu->requests);
	smp_mb__after_atomic();
	hvx_process_nmi(vcpu);

	if (ev->exception.injected) {
		hvx_inject_exception_now(vcpu);
	} else if (ev->nmi_injected) {
		hvx_give(vcpu, HVX_EV_NMI, X86_TRAP_NMI, false, 0, 0);
	} else if (ev->interrupt.injected && !ev->interrupt.soft &&
		   !(hvx_guest_rflags(vcpu) & X86_EFLAGS_IF)) {
		/*
		 * Only the VMM makes this (KVM_INTERRUPT or
		 * KVM_SET_VCPU_EVENTS while the guest has IF clear): no CPU
		 * delivers an interrupt with IF clear, and VM entry refuses
		 * to, which KVM lets fail.  hvx holds it until the guest
		 * sets IF, and everything else waits behind it.
		 */
		held = true;
		busy = false;
		hvx_vmx_inject_none(vcpu);
	} else if (ev->interrupt.injected) {
		hvx_give(vcpu, ev->interrupt.soft ? HVX_EV_SOFT_INTR :
			 HVX_EV_INTR, ev->interrupt.vector, false, 0,
			 ev->interrupt.instr_len);
	} else if (ev->exception.pending) {
		ev->exception.pending = false;
		ev->exception.injected = true;
		hvx_inject_exception_now(vcpu);
	} else if (blocked) {
		/* A debugger steps the guest: no new interrupt or NMI. */
		busy = false;
		hvx_vmx_inject_none(vcpu);
	} else if (ev->nmi_pending && hvx_nmi_allowed(vcpu)) {
		ev->nmi_pending--;
		ev->nmi_injected = true;
		hvx_give(vcpu, HVX_EV_NMI, X86_TRAP_NMI, false, 0, 0);
	} else if (hvx_take_irqchip_interrupt(vcpu, &vector, &asked, &more,
					      &tpr)) {
		hvx_set_interrupt(ev, vector, false, 0);
		hvx_give(vcpu, HVX_EV_INTR, vector, false, 0, 0);
	} else {
		busy = false;
		hvx_vmx_inject_none(vcpu);
	}
	/*
	 * The in-kernel irqchip has an interrupt the guest cannot take yet
	 * (asked once per entry: its lock is the VM's).  The TPR the guest
	 * runs with, and when it must exit as it lowers it, go to the CPU.
	 */
	if (vcpu->apic) {
		if ((asked ? more : hvx_irqchip_has_interrupt(vcpu, &tpr)) &&
		    !blocked)
			held = true;
		hvx_vmx_set_tpr_shadow(vcpu, tpr.tpr, tpr.threshold);
	}

	/*
	 * What still waits: the CPU exits as soon as the guest can take it,
	 * after the event just given, if any, has been delivered.
	 */
	hvx_vmx_set_windows(vcpu,
			    held || hvx_vmm_wants_window(vcpu),
			    ev->nmi_pending && !blocked &&
			    (busy || !hvx_nmi_allowed(vcpu)));
	return 1;
}

/*
 * KVM's kvm_vcpu_ready_for_interrupt_injection(): the VMM may call
 * KVM_INTERRUPT and the guest will take the interrupt on the next entry:
 * it can take one, and no other event is waiting to go first.
 */
static bool hvx_ready_for_interrupt(struct hvx_vcpu *vcpu)
{
	if (vcpu->apic)		/* KVM's answer with a PIC in the kernel */
		return true;
	return hvx_interrupt_allowed(vcpu) && !hvx_event_in_delivery(vcpu) &&
	       !vcpu->events.exception.pending;
}

/**
 * hvx_irq_window_exit - end KVM_RUN for the VMM's interrupt window?
 * @vcpu: the vCPU, loaded, after an exit hvx handled itself
 *
 * Return: true, with KVM_EXIT_IRQ_WINDOW_OPEN in vcpu->run, when the VMM
 * asked for the window (request_interrupt_window) and it is open.
 */
bool hvx_irq_window_exit(struct hvx_vcpu *vcpu)
{
	if (!hvx_vmm_wants_window(vcpu) || !hvx_ready_for_interrupt(vcpu))
		return false;
	vcpu->run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	return true;
}

/**
 * hvx_load_run_state - what kvm_run tells hvx at every KVM_RUN
 * @vcpu: the vCPU
 *
 * With the VMM as the interrupt controller, the task priority is its
 * too: CR8 comes from kvm_run, as in KVM.
 *
 * Return: 0, or -EINVAL for a CR8 above 15.
 */
int hvx_load_run_state(struct hvx_vcpu *vcpu)
{
	if (vcpu->apic)		/* the APIC's TPR is CR8 */
		return 0;
	return hvx_set_cr8(vcpu, vcpu->run->cr8) ? -EINVAL : 0;
}

/* CR8: the APIC's TPR with an in-kernel APIC, else what the VMM gave. */
unsigned long hvx_cr8_read(struct hvx_vcpu *vcpu)
{
	return vcpu->apic ? hvx_irqchip_get_cr8(vcpu) : hvx_get_cr8(vcpu);
}

/* Return: 0, or 1 for a value above 15 (#GP). */
int hvx_cr8_write(struct hvx_vcpu *vcpu, unsigned long val)
{
	return vcpu->apic ? hvx_irqchip_set_cr8(vcpu, val) :
			    hvx_set_cr8(vcpu, val);
}

/**
 * hvx_save_run_state - what kvm_run tells the VMM on every return
 * @vcpu: the vCPU, loaded
 */
void hvx_save_run_state(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 apic_base;

	run->if_flag = !!(hvx_guest_rflags(vcpu) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = hvx_ready_for_interrupt(vcpu);
	run->cr8 = hvx_cr8_read(vcpu);
	hvx_get_msr(vcpu, MSR_IA32_APICBASE, &apic_base);
	run->apic_base = apic_base;
	run->flags = vcpu->smm.active ? KVM_RUN_X86_SMM : 0;
}

/**
 * hvx_vcpu_interrupt - KVM_INTERRUPT: the VMM delivers an external interrupt
 * @vcpu: the vCPU (not running: the caller holds its mutex)
 * @vector: the vector
 *
 * As in KVM without an in-kernel irqchip, the interrupt is the VMM's
 * interrupt controller acknowledging one: it goes in on the next entry,
 * as an injected interrupt (KVM_GET_VCPU_EVENTS shows it so), replacing
 * one given before that did not.  The VMM is to wait for
 * ready_for_interrupt_injection; one given while the guest has IF clear
 * waits for IF (hvx_inject_events()).
 *
 * Return: 0; -EINVAL for a vector above 255; -ENXIO with the in-kernel
 * irqchip, whose PIC is the one that gives interrupts (as KVM).
 */
int hvx_vcpu_interrupt(struct hvx_vcpu *vcpu, u32 vector)
{
	struct hvx_events *ev = &vcpu->events;

	if (vector >= KVM_NR_INTERRUPTS)
		return -EINVAL;
	if (vcpu->apic)
		return -ENXIO;
	hvx_set_interrupt(ev, vector, false, 0);
	return 0;
}

/* KVM_NMI. */
void hvx_vcpu_nmi(struct hvx_vcpu *vcpu)
{
	atomic_inc(&vcpu->events.nmi_queued);
}

/**
 * hvx_get_vcpu_events - KVM_GET_VCPU_EVENTS
 * @vcpu: the vCPU
 * @e: filled in, in KVM's terms without KVM_CAP_EXCEPTION_PAYLOAD
 *
 * A pending exception is reported as injected (KVM conflates the two for
 * VMMs that did not ask otherwise); a software exception or interrupt is
 * not reported at all, as the ABI has no room for its length: the guest
 * raises it again when it runs the instruction again.
 */
void hvx_get_vcpu_events(struct hvx_vcpu *vcpu, struct kvm_vcpu_events *e)
{
	struct hvx_events *ev = &vcpu->events;

	memset(e, 0, sizeof(*e));
	hvx_vcpu_load(vcpu);
	hvx_process_nmi(vcpu);
	if (ev->exception.type == HVX_EV_EXCEPTION)
		e->exception.injected = ev->exception.pending ||
					ev->exception.injected;
	e->exception.nr = ev->exception.vector;
	e->exception.has_error_code = ev->exception.has_error;
	e->exception.error_code = ev->exception.error_code;

	e->interrupt.injected = ev->interrupt.injected && !ev->interrupt.soft;
	e->interrupt.nr = ev->interrupt.vector;
	e->interrupt.shadow = hvx_get_interrupt_shadow(vcpu);

	e->nmi.injected = ev->nmi_injected;
	e->nmi.pending = ev->nmi_pending != 0;
	e->nmi.masked = hvx_get_nmi_mask(vcpu);
	hvx_vcpu_put(vcpu);
	hvx_smm_get_events(vcpu, e);

	e->flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW |
		   KVM_VCPUEVENT_VALID_SMM;
}

/**
 * hvx_set_vcpu_events - KVM_SET_VCPU_EVENTS
 * @vcpu: the vCPU
 * @e: the events, from the VMM
 *
 * As KVM, but stricter where KVM would let the next VM entry fail: an
 * injected exception must be one of 0-31 but NMI, with an error code just
 * where the exception pushes one; a software interrupt (which GET never
 * reports) is refused.  hvx has no exception payloads or triple-fault
 * events: asking for them is refused.  The smi fields put the vCPU in or
 * out of SMM without saving or loading anything (hvx_smm_set_events()).
 *
 * Return: 0 or -EINVAL.
 */
int hvx_set_vcpu_events(struct hvx_vcpu *vcpu, const struct kvm_vcpu_events *e)
{
	struct hvx_events *ev = &vcpu->events;

	if (e->flags & ~(KVM_VCPUEVENT_VALID_NMI_PENDING |
			 KVM_VCPUEVENT_VALID_SIPI_VECTOR |
			 KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM))
		return -EINVAL;
	if (e->exception.injected &&
	    (e->exception.nr > 31 || e->exception.nr == X86_TRAP_NMI ||
	     !!e->exception.has_error_code !=
	     hvx_exception_has_error(e->exception.nr)))
		return -EINVAL;
	if (e->interrupt.injected && e->interrupt.soft)
		return -EINVAL;
	if ((e->flags & KVM_VCPUEVENT_VALID_SHADOW) &&
	    (e->interrupt.shadow & ~(KVM_X86_SHADOW_INT_MOV_SS |
				     KVM_X86_SHADOW_INT_STI)))
		return -EINVAL;
	if (hvx_smm_check_events(vcpu, e))
		return -EINVAL;

	hvx_vcpu_load(vcpu);
	hvx_process_nmi(vcpu);
	hvx_set_exception(ev, true, HVX_EV_EXCEPTION, e->exception.nr,
			  e->exception.has_error_code, e->exception.error_code,
			  0);
	ev->exception.injected = e->exception.injected;
	hvx_set_interrupt(ev, e->interrupt.nr, false, 0);
	ev->interrupt.injected = e->interrupt.injected;
	if (e->flags & KVM_VCPUEVENT_VALID_SHADOW)
		hvx_set_interrupt_shadow(vcpu, e->interrupt.shadow);

	ev->nmi_injected = e->nmi.injected;
	if (e->flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		ev->nmi_pending = !!e->nmi.pending;
	if ((e->flags & KVM_VCPUEVENT_VALID_SIPI_VECTOR) && vcpu->apic)
		hvx_set_sipi_vector(vcpu, e->sipi_vector);
	hvx_set_nmi_mask(vcpu, e->nmi.masked);
	hvx_smm_set_events(vcpu, e);
	hvx_vcpu_put(vcpu);
	return 0;
}

/* KVM_GET_SREGS' interrupt_bitmap: the interrupt being delivered, if any. */
void hvx_events_get_interrupt_bitmap(struct hvx_vcpu *vcpu, u64 *bitmap)
{
	struct hvx_events *ev = &vcpu->events;

	if (ev->interrupt.injected && !ev->interrupt.soft)
		bitmap[ev->interrupt.vector / 64] |=
			1ULL << (ev->interrupt.vector % 64);
}

/* KVM_SET_SREGS' interrupt_bitmap: its lowest vector is being delivered. */
void hvx_events_set_interrupt_bitmap(struct hvx_vcpu *vcpu, const u64 *bitmap)
{
	struct hvx_events *ev = &vcpu->events;
	unsigned int i;

	for (i = 0; i < KVM_NR_INTERRUPTS; i++) {
		if (bitmap[i / 64] & (1ULL << (i % 64))) {
			hvx_set_interrupt(ev, i, false, 0);
			return;
		}
	}
}
