/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's time-stamp counter (kmod/x86/tsc.c): the state a VM and a
 * vCPU keep, and what the rest of hvx calls.
 */
#ifndef HVX_X86_TSC_H
#define HVX_X86_TSC_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct hvx_vm;
struct hvx_vcpu;

/**
 * struct hvx_vm_tsc - the VM's clock
 * @lock: guards @sync_base and @sync_khz (the VMM's IA32_TSC writes)
 * @origin: the host's TSC at KVM_CREATE_VM: every vCPU's TSC counts from it
 * @sync_base: the base of the VMM's last write that was no synchronisation
 * @sync_khz: the rate of the vCPU that made it
 * @default_khz: the rate of the vCPUs created from now on
 */
struct hvx_vm_tsc {
	spinlock_t lock;	/* the VMM's IA32_TSC writes: @sync_* */
	u64 origin;
	s64 sync_base;
	u32 sync_khz;
	u32 default_khz;
};

/**
 * struct hvx_vcpu_tsc - one vCPU's TSC
 * @khz: its rate, as KVM_GET_TSC_KHZ says
 * @ratio: @khz over the host's, 48 fraction bits (VT-x's TSC multiplier)
 * @base: what the vCPU's TSC adds to the VM's scaled clock
 * @adjust: IA32_TSC_ADJUST
 * @cpuid_adjust: the guest's CPUID offers IA32_TSC_ADJUST
 */
struct hvx_vcpu_tsc {
	u32 khz;
	u64 ratio;
	s64 base;
	s64 adjust;
	bool cpuid_adjust;
};

void hvx_tsc_vm_init(struct hvx_vm *vm);
void hvx_tsc_vcpu_init(struct hvx_vcpu *vcpu);
void hvx_tsc_vcpu_setup(struct hvx_vcpu *vcpu);
u64 hvx_tsc_at(const struct hvx_vcpu *vcpu, u64 host_tsc);
u64 hvx_tsc_read(const struct hvx_vcpu *vcpu);
int hvx_tsc_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val);
int hvx_tsc_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val, bool host);
u64 hvx_tsc_get_offset(const struct hvx_vcpu *vcpu);
void hvx_tsc_set_offset(struct hvx_vcpu *vcpu, u64 offset);
u32 hvx_tsc_get_khz(const struct hvx_vcpu *vcpu);
int hvx_tsc_set_khz(struct hvx_vcpu *vcpu, u32 khz);
int hvx_tsc_vm_set_khz(struct hvx_vm *vm, u32 khz);
s64 hvx_tsc_deadline_ns(const struct hvx_vcpu *vcpu, u64 tsc);

#endif /* HVX_X86_TSC_H */
