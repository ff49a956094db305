/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's memory-type range registers (kmod/x86/mtrr.c).
 */
#ifndef HVX_X86_MTRR_H
#define HVX_X86_MTRR_H

#include <linux/types.h>

struct hvx_vcpu;

/* As KVM: eight variable ranges, as most Intel CPUs have. */
#define HVX_MTRR_NR_VAR		8
#define HVX_MTRR_NR_FIXED	11

/* IA32_MTRR_DEF_TYPE, the fixed ranges, and the variable base/mask pairs. */
struct hvx_mtrrs {
	u64 def_type;
	u64 fixed[HVX_MTRR_NR_FIXED];
	u64 var[2 * HVX_MTRR_NR_VAR];
};

/* Whether @index is one of the MTRR MSRs, IA32_MTRRCAP included. */
bool hvx_is_mtrr(u32 index);
/* An MTRR's value; @index is one (hvx_is_mtrr()). */
u64 hvx_mtrr_get(struct hvx_vcpu *vcpu, u32 index);
/* 0, or 1 for a value it cannot hold (or a write to IA32_MTRRCAP). */
int hvx_mtrr_set(struct hvx_vcpu *vcpu, u32 index, u64 val);

#endif /* HVX_X86_MTRR_H */
