/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's machine-check architecture: its MSRs and the errors a VMM
 * injects (kmod/x86/mce.c).
 */
#ifndef HVX_X86_MCE_H
#define HVX_X86_MCE_H

#include <linux/types.h>

struct hvx_vcpu;
struct kvm_x86_mce;

/* As KVM's KVM_MAX_MCE_BANKS: what KVM_CHECK_EXTENSION(KVM_CAP_MCE) says. */
#define HVX_MCE_MAX_BANKS	32

/*
 * IA32_MCG_CAP (set by KVM_X86_SETUP_MCE), IA32_MCG_STATUS, IA32_MCG_CTL,
 * per bank IA32_MCi_CTL, _STATUS, _ADDR and _MISC, in that order, and
 * each bank's IA32_MCi_CTL2.
 */
struct hvx_mce {
	u64 mcg_cap;
	u64 mcg_status;
	u64 mcg_ctl;
	u64 banks[4 * HVX_MCE_MAX_BANKS];
	u64 ctl2[HVX_MCE_MAX_BANKS];	/* IA32_MCi_CTL2, with MCG_CMCI_P */
};

void hvx_mce_init(struct hvx_vcpu *vcpu);
u64 hvx_mce_supported(void);
int hvx_mce_setup(struct hvx_vcpu *vcpu, u64 mcg_cap);
int hvx_mce_inject(struct hvx_vcpu *vcpu, const struct kvm_x86_mce *mce);

/* Whether @index is a machine-check MSR this vCPU may have. */
bool hvx_is_mce_msr(u32 index);
/* 0, or 1 for an MSR this vCPU does not have; @host: KVM_GET/SET_MSRS. */
int hvx_mce_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val, bool host);
int hvx_mce_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val, bool host);

#endif /* HVX_X86_MCE_H */
