// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's run state with an in-kernel irqchip, KVM's mp_state: running,
 * halted (HLT: it sleeps in the kernel until it has an interrupt to take),
 * or waiting for INIT and start-up IPIs (every vCPU but the bootstrap
 * processor starts so, as the processors of a PC wait for the BSP to
 * start them: vCPU 0, or the one KVM_SET_BOOT_CPU_ID named).  INIT and
 * start-up IPIs from other vCPUs' APICs; KVM_GET/SET_MP_STATE.  Without an
 * irqchip a vCPU is always running and HLT goes to the VMM.
 */
#include <linux/kvm.h>
#include <linux/rcuwait.h>
#include <linux/sched/signal.h>

#include "../vm.h"
#include "guest.h"
#include "x86.h"

/* vcpu->apic_events */
#define HVX_APIC_INIT	0
#define HVX_APIC_SIPI	1

/* A new vCPU: with an irqchip, only the BSP runs until started. */
void hvx_mp_state_init(struct hvx_vcpu *vcpu)
{
	vcpu->mp_state = vcpu->apic && !hvx_vcpu_is_bsp(vcpu) ?
			 KVM_MP_STATE_UNINITIALIZED : KVM_MP_STATE_RUNNABLE;
}

/**
 * hvx_vcpu_apic_event - an INIT or start-up IPI reached a vCPU's APIC
 * @vcpu: the vCPU
 * @init: INIT, else start-up
 * @vector: the start-up vector: the page the vCPU starts at
 *
 * Any context (the irqchip's lock is held).  The vCPU acts on it in its
 * own thread, before it next enters the guest (hvx_vcpu_wait_runnable()).
 * An INIT cancels a start-up that had not been acted on, as KVM's does.
 */
void hvx_vcpu_apic_event(struct hvx_vcpu *vcpu, bool init, u8 vector)
{
	if (init) {
		WRITE_ONCE(vcpu->apic_events, BIT(HVX_APIC_INIT));
	} else {
		WRITE_ONCE(vcpu->sipi_vector, vector);
		smp_wmb();	/* the vector before the bit */
		set_bit(HVX_APIC_SIPI, &vcpu->apic_events);
	}
	hvx_vcpu_kick(vcpu);
}

/*
 * Act on INIT and start-up IPIs, in the vCPU's thread (SDM "MP
 * Initialization Protocol Algorithm"): INIT resets the vCPU (its FPU
 * registers and its APIC's base stay) and makes it wait for a start-up
 * IPI, but the BSP goes on from the reset vector, as KVM's; a
 * start-up IPI to a waiting vCPU starts it in real mode at vector * 4 KiB.
 */
static void hvx_accept_apic_events(struct hvx_vcpu *vcpu)
{
	u8 vector;

	if (likely(!READ_ONCE(vcpu->apic_events)))
		return;
	/*
	 * In SMM, INIT waits for RSM and a start-up IPI is lost, as on a
	 * CPU (and in KVM).
	 */
	if (vcpu->smm.active) {
		if (test_and_clear_bit(HVX_APIC_INIT, &vcpu->apic_events))
			vcpu->smm.latched_init = true;
		clear_bit(HVX_APIC_SIPI, &vcpu->apic_events);
		return;
	}
	if (test_and_clear_bit(HVX_APIC_INIT, &vcpu->apic_events)) {
		hvx_vcpu_load(vcpu);
		hvx_vmx_init_reset(vcpu);
		hvx_vcpu_put(vcpu);
		hvx_irqchip_init_apic(vcpu);
		vcpu->mp_state = hvx_vcpu_is_bsp(vcpu) ?
				 KVM_MP_STATE_RUNNABLE :
				 KVM_MP_STATE_INIT_RECEIVED;
	}
	if (test_and_clear_bit(HVX_APIC_SIPI, &vcpu->apic_events) &&
	    vcpu->mp_state == KVM_MP_STATE_INIT_RECEIVED) {
		smp_rmb();	/* the bit before the vector */
		vector = READ_ONCE(vcpu->sipi_vector);
		hvx_vcpu_load(vcpu);
		hvx_vmx_deliver_sipi(vcpu, vector);
		hvx_vcpu_put(vcpu);
		vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
	}
}

/**
 * hvx_emulate_hlt - HLT
 * @vcpu: the vCPU, loaded
 *
 * With the VMM as the interrupt controller, it decides what a halted vCPU
 * waits for: KVM_EXIT_HLT.  With the irqchip in the kernel, the vCPU
 * sleeps in the kernel (hvx_vcpu_wait_runnable()).
 *
 * Return: 1 to go on in the kernel, 0 to go to the VMM.
 */
int hvx_emulate_hlt(struct hvx_vcpu *vcpu)
{
	hvx_skip_instruction(vcpu);
	if (!vcpu->apic) {
		vcpu->run->exit_reason = KVM_EXIT_HLT;
		return 0;
	}
	vcpu->halt_if = hvx_guest_rflags(vcpu) & X86_EFLAGS_IF;
	vcpu->mp_state = KVM_MP_STATE_HALTED;
	return 1;
}

/*
 * What a halted vCPU wakes for: an exception its VMM queued (a #MC from
 * KVM_X86_SET_MCE), an NMI, an SMI, or an interrupt it would take.
 */
static bool hvx_vcpu_halt_ends(struct hvx_vcpu *vcpu)
{
	return vcpu->events.exception.pending || vcpu->events.nmi_pending ||
	       atomic_read(&vcpu->events.nmi_queued) || hvx_smi_waiting(vcpu) ||
	       (vcpu->halt_if && hvx_irqchip_has_interrupt(vcpu, NULL));
}

static bool hvx_vcpu_has_wakeup(struct hvx_vcpu *vcpu)
{
	return READ_ONCE(vcpu->apic_events) ||
	       test_bit(HVX_REQ_INTRO, &vcpu->requests) ||
	       (vcpu->mp_state == KVM_MP_STATE_HALTED &&
		hvx_vcpu_halt_ends(vcpu));
}

/**
 * hvx_vcpu_wait_runnable - before an entry, until the vCPU may run
 * @vcpu: the vCPU, not loaded
 *
 * A halted vCPU, or one waiting to be started, sleeps here: it neither
 * spins nor goes to the VMM, and wakes for what ends its wait (a kick from
 * whoever raised it: hvx_vcpu_kick()) or for a signal.  Its state stays
 * across a return to the VMM for a signal, as KVM's.
 *
 * Return: 0 to go on (to enter the guest, or first to act on an
 * introspector's request), -EINTR for a signal.
 */
int hvx_vcpu_wait_runnable(struct hvx_vcpu *vcpu)
{
	int r;

	for (;;) {
		hvx_accept_apic_events(vcpu);
		/* An introspector's pause stops a halted vCPU too. */
		if (vcpu->mp_state == KVM_MP_STATE_RUNNABLE ||
		    test_bit(HVX_REQ_INTRO, &vcpu->requests))
			return 0;
		if (vcpu->mp_state == KVM_MP_STATE_HALTED &&
		    hvx_vcpu_halt_ends(vcpu)) {
			vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
			return 0;
		}
		WRITE_ONCE(vcpu->state, HVX_VCPU_HALTED);
		r = rcuwait_wait_event(&vcpu->wait, hvx_vcpu_has_wakeup(vcpu),
				       TASK_INTERRUPTIBLE);
		WRITE_ONCE(vcpu->state, HVX_VCPU_RUNNING);
		if (r)
			return -EINTR;
	}
}

/**
 * hvx_vcpu_wait_started - KVM_RUN of a vCPU that was never started
 * @vcpu: the vCPU, UNINITIALIZED
 *
 * As KVM: it sleeps until an INIT or start-up IPI comes (or a signal),
 * acts on it, and returns to the VMM, which runs it again.
 *
 * Return: -EAGAIN, or -EINTR for a signal.
 */
int hvx_vcpu_wait_started(struct hvx_vcpu *vcpu)
{
	int r;

	WRITE_ONCE(vcpu->state, HVX_VCPU_HALTED);
	r = rcuwait_wait_event(&vcpu->wait, READ_ONCE(vcpu->apic_events),
			       TASK_INTERRUPTIBLE);
	WRITE_ONCE(vcpu->state, HVX_VCPU_RUNNING);
	hvx_accept_apic_events(vcpu);
	return r || signal_pending(current) ? -EINTR : -EAGAIN;
}

/* KVM_GET_MP_STATE, after the INIT and start-up IPIs that came. */
int hvx_get_mp_state(struct hvx_vcpu *vcpu, struct kvm_mp_state *mp)
{
	if (vcpu->apic)
		hvx_accept_apic_events(vcpu);
	mp->mp_state = vcpu->mp_state;
	return 0;
}

/**
 * hvx_set_mp_state - KVM_SET_MP_STATE
 * @vcpu: the vCPU
 * @mp: the state: without an irqchip only RUNNABLE
 *
 * SIPI_RECEIVED is taken, as KVM does, as waiting for a start-up IPI with
 * one just come (its vector from KVM_SET_VCPU_EVENTS' sipi_vector).
 *
 * Return: 0, or -EINVAL for a state x86 has not or hvx cannot hold.
 */
int hvx_set_mp_state(struct hvx_vcpu *vcpu, const struct kvm_mp_state *mp)
{
	switch (mp->mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		break;
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_INIT_RECEIVED:
	case KVM_MP_STATE_HALTED:
	case KVM_MP_STATE_SIPI_RECEIVED:
		if (!vcpu->apic)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (mp->mp_state == KVM_MP_STATE_SIPI_RECEIVED) {
		vcpu->mp_state = KVM_MP_STATE_INIT_RECEIVED;
		set_bit(HVX_APIC_SIPI, &vcpu->apic_events);
	} else {
		vcpu->mp_state = mp->mp_state;
	}
	if (vcpu->mp_state == KVM_MP_STATE_HALTED) {
		hvx_vcpu_load(vcpu);
		vcpu->halt_if = hvx_guest_rflags(vcpu) & X86_EFLAGS_IF;
		hvx_vcpu_put(vcpu);
	}
	return 0;
}

/* KVM_SET_VCPU_EVENTS' sipi_vector, for a start-up to come. */
void hvx_set_sipi_vector(struct hvx_vcpu *vcpu, u8 vector)
{
	WRITE_ONCE(vcpu->sipi_vector, vector);
}
