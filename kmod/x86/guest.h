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

#include "events.h"

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

/* Registers the VMCS holds. */
unsigned long hvx_guest_rip(struct hvx_vcpu *vcpu);
/* RIP as an address: CS's base added outside 64-bit code. */
unsigned long hvx_guest_linear_rip(struct hvx_vcpu *vcpu);
unsigned long hvx_guest_rflags(struct hvx_vcpu *vcpu);
unsigned long hvx_guest_cr0(struct hvx_vcpu *vcpu);
unsigned long hvx_guest_cr3(struct hvx_vcpu *vcpu);
unsigned long hvx_guest_cr4(struct hvx_vcpu *vcpu);
/* The four PDPTEs of PAE paging, as the CPU loaded them. */
void hvx_guest_pdptrs(struct hvx_vcpu *vcpu, u64 *pdpte);
/* The base of segment @seg, in enum hvx_seg's numbering (decode.h). */
unsigned long hvx_guest_seg_base(struct hvx_vcpu *vcpu, unsigned int seg);

/*
 * The MSRs whose guest value the VMCS holds (FS and GS base, the SYSENTER
 * MSRs, DEBUGCTL, PAT's copy): storage only, the caller checks the value.
 * Setting returns 0 (1 only for an MSR that is not one of these).
 */
u64 hvx_vmcs_get_msr(struct hvx_vcpu *vcpu, u32 index);
int hvx_vmcs_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val);

/*
 * The TSC the guest reads, host TSC * @multiplier (48 fraction bits) +
 * @offset; the multiplier only where the CPU can scale.
 */
bool hvx_vmx_can_scale_tsc(void);
void hvx_vmcs_set_tsc(struct hvx_vcpu *vcpu, u64 offset, u64 multiplier);
void hvx_vmcs_filter_msrs(struct hvx_vcpu *vcpu);

/* CR8, the task priority: hvx keeps it while there is no local APIC. */
unsigned long hvx_get_cr8(struct hvx_vcpu *vcpu);
/* 0, or 1 for a value with bits above 3 (the guest's MOV: #GP). */
int hvx_set_cr8(struct hvx_vcpu *vcpu, unsigned long val);

/*
 * Events (kmod/vmx/events.c): the one to deliver on the next entry, or
 * none; exits when the guest can take an interrupt or an NMI; the STI and
 * MOV SS shadows (KVM_X86_SHADOW_INT_* bits) and NMI blocking.
 */
void hvx_vmx_inject(struct hvx_vcpu *vcpu, enum hvx_event_type type,
		    u8 vector, bool has_error, u32 error_code, u32 instr_len);
void hvx_vmx_inject_none(struct hvx_vcpu *vcpu);
void hvx_vmx_set_windows(struct hvx_vcpu *vcpu, bool irq, bool nmi);
/*
 * The in-kernel APIC's TPR for the next entry, and the class below which
 * the guest's own TPR writes must exit (kmod/vmx/apic.c).
 */
void hvx_vmx_set_tpr_shadow(struct hvx_vcpu *vcpu, u8 tpr, u8 threshold);
u8 hvx_get_interrupt_shadow(struct hvx_vcpu *vcpu);
void hvx_set_interrupt_shadow(struct hvx_vcpu *vcpu, u8 shadow);
bool hvx_get_nmi_mask(struct hvx_vcpu *vcpu);
void hvx_set_nmi_mask(struct hvx_vcpu *vcpu, bool masked);

/* The exits an introspector's events need (kmod/intro/). */
void hvx_vmx_intro_exits(struct hvx_vcpu *vcpu, u32 crs);
void hvx_vmx_intro_step(struct hvx_vcpu *vcpu, bool on);
bool hvx_vmx_has_desc_exits(void);

/* The EPT of the vCPU's address space (hvx_vcpu_as()) into the VMCS. */
void hvx_vmx_load_eptp(struct hvx_vcpu *vcpu);

/* The guest writes EFER (state.c): 0, or 1 for #GP. */
int hvx_set_efer(struct hvx_vcpu *vcpu, u64 val);

/*
 * INIT: the registers as after RESET but for the FPU's, XCR0 and PAT,
 * which INIT keeps; a start-up IPI: real mode at @vector * 4 KiB.
 */
void hvx_vmx_init_reset(struct hvx_vcpu *vcpu);
void hvx_vmx_deliver_sipi(struct hvx_vcpu *vcpu, u8 vector);

/* The exit's instruction length; step over that instruction. */
unsigned int hvx_exit_insn_len(struct hvx_vcpu *vcpu);
void hvx_skip_instruction(struct hvx_vcpu *vcpu);
/* Step over an emulated instruction of @len bytes. */
void hvx_advance_rip(struct hvx_vcpu *vcpu, unsigned int len);

#endif /* HVX_X86_GUEST_H */
