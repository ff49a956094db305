/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeping the host and its guests apart around VM entry and exit: what
 * is switched, flushed and restored besides what the VMCS switches.  See
 * isolation.c; the part that must sit at the boundary itself is in
 * vmenter.S.
 */
#ifndef HVX_VMX_ISOLATION_H
#define HVX_VMX_ISOLATION_H

#include <linux/types.h>

#include "../x86/regs.h"

struct hvx_vcpu;
struct hvx_vmx_vcpu;

/* The most MSRs perf asks to switch (perf_guest_get_msrs()). */
#define HVX_MAX_PERF_MSRS	8

int hvx_isolation_setup(void);
void hvx_isolation_free(void);

void hvx_isolation_switch_vm(u32 vm_id);
void hvx_isolation_prepare_run(struct hvx_vmx_vcpu *vmx);
unsigned int hvx_isolation_enter(struct hvx_vcpu *vcpu);
void hvx_isolation_exit(struct hvx_vcpu *vcpu);
void hvx_isolation_cpu_dying(void);
bool hvx_exit_is_machine_check(u32 exit_reason, u32 intr_info);
void hvx_machine_check(void);

/* The guest's own defences (MSRs and CPUID bits, as KVM offers them). */
u64 hvx_spec_ctrl_valid_bits(void);
u64 hvx_guest_arch_capabilities(void);

/* vmenter.S calls this right after an exit, before any RET. */
void hvx_spec_ctrl_restore_host(u64 guest_spec_ctrl);

#endif /* HVX_VMX_ISOLATION_H */
