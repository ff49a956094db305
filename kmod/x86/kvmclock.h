/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's paravirtual clock and steal time (kmod/x86/kvmclock.c): the state
 * a VM and a vCPU keep, and what the rest of hvx calls.
 */
#ifndef HVX_X86_KVMCLOCK_H
#define HVX_X86_KVMCLOCK_H

#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct hvx_vm;
struct hvx_vcpu;
struct kvm_clock_data;

/**
 * struct hvx_vm_kvmclock - the VM's kvmclock
 * @lock: guards @ref_tsc and @ref_ns
 * @ref_tsc: a host TSC value...
 * @ref_ns: ...and what the VM's kvmclock read then, in nanoseconds
 * @wall_clock: MSR_KVM_WALL_CLOCK(_NEW): where the guest wants the wall
 *	clock written
 */
struct hvx_vm_kvmclock {
	spinlock_t lock;	/* @ref_tsc and @ref_ns change together */
	u64 ref_tsc;
	u64 ref_ns;
	u64 wall_clock;
};

/**
 * struct hvx_vcpu_kvmclock - one vCPU's kvmclock and steal time
 * @system_time: MSR_KVM_SYSTEM_TIME(_NEW): the guest-physical address of
 *	its struct pvclock_vcpu_time_info, and the enable bit
 * @old_msr: it was written through KVM's first MSR (0x12)
 * @steal_time: MSR_KVM_STEAL_TIME: the address of its struct
 *	kvm_steal_time, and the enable bit
 * @run_delay: the vCPU thread's time waiting to run, at the last update
 * @steal_task: that thread (compared, never followed)
 */
struct hvx_vcpu_kvmclock {
	u64 system_time;
	bool old_msr;
	u64 steal_time;
	u64 run_delay;
	const struct task_struct *steal_task;
};

void hvx_kvmclock_vm_init(struct hvx_vm *vm);
void hvx_kvmclock_get(struct hvx_vm *vm, struct kvm_clock_data *data);
int hvx_kvmclock_set(struct hvx_vm *vm, const struct kvm_clock_data *data);
u32 hvx_kvmclock_features(void);
bool hvx_is_kvmclock_msr(u32 index);
int hvx_kvmclock_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val);
int hvx_kvmclock_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val);
void hvx_kvmclock_tsc_changed(struct hvx_vcpu *vcpu);
void hvx_kvmclock_run_start(struct hvx_vcpu *vcpu);
void __hvx_kvmclock_update(struct hvx_vcpu *vcpu);

/* How long this thread has waited to run, all told (0: not counted). */
static inline u64 hvx_run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return current->sched_info.run_delay;
#else
	return 0;
#endif
}

/* The requests (hvx_vcpu->requests) the run loop must act on first. */
#define HVX_KVMCLOCK_REQS	(BIT(HVX_REQ_CLOCK) | BIT(HVX_REQ_WALL_CLOCK) | \
				 BIT(HVX_REQ_STEAL))

#endif /* HVX_X86_KVMCLOCK_H */
