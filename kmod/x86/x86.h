/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kmod/ and kmod/vmx/ call in the x86 layer (kmod/x86/).
 */
#ifndef HVX_X86_X86_H
#define HVX_X86_X86_H

#include <linux/types.h>

struct hvx_vcpu;

/* kmod/x86/msr.c */
int hvx_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val);
int hvx_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val);
int hvx_emulate_rdmsr(struct hvx_vcpu *vcpu);
int hvx_emulate_wrmsr(struct hvx_vcpu *vcpu);

#endif /* HVX_X86_X86_H */
