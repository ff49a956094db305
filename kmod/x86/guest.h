/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kmod/x86/ asks of the VT-x layer: the guest state that lives in
 * the VMCS, read and written through these functions so that the x86
 * code never touches a VMCS.  One vendor, so plain functions, implemented
 * in kmod/vmx/guest.c; a KUnit suite can provide its own.  The vCPU is
 * loaded.
 */
#ifndef HVX_X86_GUEST_H
#define HVX_X86_GUEST_H

#include <linux/types.h>

struct hvx_vcpu;

/* A general-purpose register, by x86 number (regs.h); RSP is the VMCS's. */
unsigned long hvx_reg_read(struct hvx_vcpu *vcpu, int reg);
void hvx_reg_write(struct hvx_vcpu *vcpu, int reg, unsigned long val);

/* IA-32e mode (EFER.LMA). */
bool hvx_long_mode(struct hvx_vcpu *vcpu);
/* 64-bit code: IA-32e mode and CS.L. */
bool hvx_64bit_code(struct hvx_vcpu *vcpu);
/* 16, 32 or 64. */
unsigned int hvx_code_size(struct hvx_vcpu *vcpu);
/* The current privilege level, SS.DPL. */
int hvx_cpl(struct hvx_vcpu *vcpu);

/* Step over the instruction that exited, by its exit length. */
void hvx_skip_instruction(struct hvx_vcpu *vcpu);
/* Step over an emulated instruction of @len bytes. */
void hvx_advance_rip(struct hvx_vcpu *vcpu, unsigned int len);

#endif /* HVX_X86_GUEST_H */
