/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events waiting for a vCPU: an exception, an NMI, an external
 * interrupt, each either pending (raised, not yet given to the CPU) or
 * injected (given to the CPU, whose delivery a VM exit interrupted, so it
 * must be given again).  This is KVM's model (struct kvm_vcpu_arch's
 * exception, interrupt and nmi_* fields) and what KVM_GET/SET_VCPU_EVENTS
 * speak of.  kmod/x86/events.c decides, before each entry, which of them
 * the guest can take; kmod/vmx/events.c puts it into the VMCS.
 */
#ifndef HVX_X86_EVENTS_H
#define HVX_X86_EVENTS_H

#include <linux/atomic.h>
#include <linux/types.h>

/* How an event is delivered; the VT-x layer maps it to its encoding. */
enum hvx_event_type {
	HVX_EV_INTR,		/* external interrupt */
	HVX_EV_NMI,
	HVX_EV_EXCEPTION,	/* hardware exception */
	HVX_EV_SOFT_INTR,	/* INT n: pushes the next instruction's RIP */
	HVX_EV_SOFT_EXCEPTION,	/* INT3, INTO: likewise */
	HVX_EV_PRIV_SOFT_EXCEPTION,	/* INT1 (ICEBP) */
};

struct hvx_events {
	struct {
		bool pending;
		bool injected;
		u8 type;		/* an HVX_EV_*EXCEPTION */
		u8 vector;
		bool has_error;
		u32 error_code;
		u32 instr_len;		/* software exceptions */
	} exception;
	struct {
		bool injected;
		bool soft;		/* INT n, whose delivery an exit broke */
		u8 vector;
		u32 instr_len;
	} interrupt;
	bool nmi_injected;
	/* NMIs to deliver: at most two, as the CPU latches at most one. */
	u8 nmi_pending;
	/* KVM_NMI's, and later other vCPUs', counted into nmi_pending. */
	atomic_t nmi_queued;
	/* A #DF could not be delivered: the guest shuts down. */
	bool triple_fault;
	/* Which of the above was given to the CPU for the last entry. */
	enum hvx_event_type given;
	bool in_cpu;
};

#endif /* HVX_X86_EVENTS_H */
