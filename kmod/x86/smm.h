/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System management mode: a vCPU's SMM state and what the rest of hvx
 * calls in kmod/x86/smm.c.
 */
#ifndef HVX_X86_SMM_H
#define HVX_X86_SMM_H

#include <linux/types.h>

struct hvx_vcpu;
struct kvm_vcpu_events;

/* SMBASE after RESET (SDM "SMRAM"); the handler runs at SMBASE + 0x8000. */
#define HVX_SMBASE_RESET	0x30000

/**
 * struct hvx_smm - a vCPU's system management mode
 * @active: in SMM: it sees address space 1, and RSM returns
 * @inside_nmi: NMIs were blocked when the SMI came, and stay so after RSM
 * @pending: an SMI waits for the vCPU to take it (KVM_SMI, the VMM's
 *	KVM_SET_VCPU_EVENTS, or @queued); one that comes in SMM waits for RSM
 * @queued: an SMI from an APIC, any context; the vCPU moves it to @pending
 * @latched_init: an INIT came in SMM: it takes effect at RSM
 * @smbase: MSR_IA32_SMBASE: where the state save map and handler are
 */
struct hvx_smm {
	bool active;
	bool inside_nmi;
	bool pending;
	bool queued;
	bool latched_init;
	u32 smbase;
};

void hvx_smm_init(struct hvx_vcpu *vcpu);
void hvx_vcpu_smi(struct hvx_vcpu *vcpu);
bool hvx_smi_waiting(struct hvx_vcpu *vcpu);
void hvx_smm_take_smi(struct hvx_vcpu *vcpu);
int hvx_emulate_rsm(struct hvx_vcpu *vcpu);
void hvx_smm_get_events(struct hvx_vcpu *vcpu, struct kvm_vcpu_events *e);
int hvx_smm_check_events(struct hvx_vcpu *vcpu,
			 const struct kvm_vcpu_events *e);
void hvx_smm_set_events(struct hvx_vcpu *vcpu,
			const struct kvm_vcpu_events *e);

#endif /* HVX_X86_SMM_H */
