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

/* kmod/x86/pio.c: vcpu->pio holds the instruction, as the exit told it. */
int hvx_emulate_pio(struct hvx_vcpu *vcpu);
int hvx_complete_pio(struct hvx_vcpu *vcpu);

/*
 * kmod/x86/mmio.c: an access to MMIO at @gpa, linear address @gla; @data
 * when it is the guest's data access to that address and nothing else
 * (not a fetch, a page-table walk or an event's delivery), @write when it
 * writes.
 */
int hvx_emulate_mmio(struct hvx_vcpu *vcpu, u64 gpa, u64 gla, bool data,
		     bool write);
int hvx_complete_mmio(struct hvx_vcpu *vcpu);

#endif /* HVX_X86_X86_H */
