// SPDX-License-Identifier: GPL-2.0
/*
 * What kmod/x86/ asks of the VT-x layer (../x86/guest.h): the guest's
 * registers, mode and privilege as the VMCS holds them, and stepping over
 * an instruction.  The vCPU is loaded.  (CR0 and CR4 are state.c's.)
 */
#include <linux/bug.h>
#include <asm/msr.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../x86/guest.h"
#include "capabilities.h"
#include "vmx_ops.h"

unsigned long hvx_reg_read(struct hvx_vcpu *vcpu, int reg)
{
	if (reg == HVX_REG_RSP)
		return vmcs_readl(GUEST_RSP);
	return vcpu->regs[reg];
}

void hvx_reg_write(struct hvx_vcpu *vcpu, int reg, unsigned long val)
{
	if (reg == HVX_REG_RSP)
		vmcs_writel(GUEST_RSP, val);
	else
		vcpu->regs[reg] = val;
}

unsigned long hvx_guest_rip(struct hvx_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RIP);
}

unsigned long hvx_guest_linear_rip(struct hvx_vcpu *vcpu)
{
	unsigned long rip = vmcs_readl(GUEST_RIP);

	if (hvx_64bit_code(vcpu))
		return rip;
	return (u32)(vmcs_readl(GUEST_CS_BASE) + rip);
}

unsigned long hvx_guest_rflags(struct hvx_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RFLAGS);
}

unsigned long hvx_guest_cr3(struct hvx_vcpu *vcpu)
{
	return vmcs_readl(GUEST_CR3);
}

void hvx_guest_pdptrs(struct hvx_vcpu *vcpu, u64 *pdpte)
{
	pdpte[0] = vmcs_read64(GUEST_PDPTR0);
	pdpte[1] = vmcs_read64(GUEST_PDPTR1);
	pdpte[2] = vmcs_read64(GUEST_PDPTR2);
	pdpte[3] = vmcs_read64(GUEST_PDPTR3);
}

/*
 * The VMCS base field of each segment register, in VMX's numbering (that
 * of instruction information, and enum hvx_seg).
 */
static const u16 hvx_seg_base_field[] = {
	GUEST_ES_BASE, GUEST_CS_BASE, GUEST_SS_BASE,
	GUEST_DS_BASE, GUEST_FS_BASE, GUEST_GS_BASE,
};

unsigned long hvx_guest_seg_base(struct hvx_vcpu *vcpu, unsigned int seg)
{
	return __vmcs_readl(hvx_seg_base_field[seg]);
}

u64 hvx_vmcs_get_msr(struct hvx_vcpu *vcpu, u32 index)
{
	switch (index) {
	case MSR_FS_BASE:
		return vmcs_readl(GUEST_FS_BASE);
	case MSR_GS_BASE:
		return vmcs_readl(GUEST_GS_BASE);
	case MSR_IA32_SYSENTER_CS:
		return vmcs_read32(GUEST_SYSENTER_CS);
	case MSR_IA32_SYSENTER_ESP:
		return vmcs_readl(GUEST_SYSENTER_ESP);
	case MSR_IA32_SYSENTER_EIP:
		return vmcs_readl(GUEST_SYSENTER_EIP);
	case MSR_IA32_DEBUGCTLMSR:
		return vmcs_read64(GUEST_IA32_DEBUGCTL);
	}
	WARN_ON_ONCE(1);
	return 0;
}

int hvx_vmcs_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val)
{
	switch (index) {
	case MSR_FS_BASE:
		vmcs_writel(GUEST_FS_BASE, val);
		break;
	case MSR_GS_BASE:
		vmcs_writel(GUEST_GS_BASE, val);
		break;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, val);
		break;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(GUEST_SYSENTER_ESP, val);
		break;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(GUEST_SYSENTER_EIP, val);
		break;
	case MSR_IA32_CR_PAT:
		if (hvx_vmcs_config.vmentry & VM_ENTRY_LOAD_IA32_PAT)
			vmcs_write64(GUEST_IA32_PAT, val);
		break;
	case MSR_IA32_DEBUGCTLMSR:
		vmcs_write64(GUEST_IA32_DEBUGCTL, val);
		break;
	default:
		WARN_ON_ONCE(1);
		return 1;
	}
	return 0;
}

bool hvx_vmx_can_scale_tsc(void)
{
	return hvx_vmcs_config.cpu_based2 & SECONDARY_EXEC_TSC_SCALING;
}

void hvx_vmcs_set_tsc(struct hvx_vcpu *vcpu, u64 offset, u64 multiplier)
{
	vmcs_write64(TSC_OFFSET, offset);
	if (hvx_vmx_can_scale_tsc())
		vmcs_write64(TSC_MULTIPLIER, multiplier);
}

bool hvx_long_mode(struct hvx_vcpu *vcpu)
{
	return vmcs_read32(VM_ENTRY_CONTROLS) & VM_ENTRY_IA32E_MODE;
}

/* Is the guest executing 64-bit code (long mode with CS.L)? */
bool hvx_64bit_code(struct hvx_vcpu *vcpu)
{
	return hvx_long_mode(vcpu) &&
	       (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK);
}

int hvx_cpl(struct hvx_vcpu *vcpu)
{
	return VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES));
}

/* The length of the instruction that exited (or raised the exception). */
unsigned int hvx_exit_insn_len(struct hvx_vcpu *vcpu)
{
	return vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
}

/* Step over the instruction that exited; it is done. */
void hvx_skip_instruction(struct hvx_vcpu *vcpu)
{
	hvx_advance_rip(vcpu, hvx_exit_insn_len(vcpu));
}

/* The guest's code size: 16, 32 or 64 (CS.L in long mode, else CS.D). */
unsigned int hvx_code_size(struct hvx_vcpu *vcpu)
{
	if (hvx_64bit_code(vcpu))
		return 64;
	return vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_DB_MASK ? 32 : 16;
}

/*
 * Step over an instruction of @len bytes that hvx carried out.  An STI or
 * MOV SS shadow ends with the instruction after it, and with RFLAGS.TF
 * set the instruction ends in a single-step trap, as on the CPU (debug.c).
 */
void hvx_advance_rip(struct hvx_vcpu *vcpu, unsigned int len)
{
	unsigned long rip = vmcs_readl(GUEST_RIP) + len;
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(GUEST_RIP, hvx_64bit_code(vcpu) ? rip : (u32)rip);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
	if (unlikely(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF))
		hvx_debug_step_trap(vcpu);
}

unsigned long hvx_get_cr8(struct hvx_vcpu *vcpu)
{
	return vcpu->vmx.cr8;
}

int hvx_set_cr8(struct hvx_vcpu *vcpu, unsigned long val)
{
	if (val & ~15UL)
		return 1;
	vcpu->vmx.cr8 = val;
	return 0;
}
