// SPDX-License-Identifier: GPL-2.0
/*
 * What kmod/x86/ asks of the VT-x layer (../x86/guest.h): the guest's
 * registers, mode and privilege as the VMCS holds them, and stepping over
 * an instruction.  The vCPU is loaded.
 */
#include <asm/vmx.h>

#include "../vm.h"
#include "../x86/guest.h"
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

/* Step over the instruction that exited; it is done. */
void hvx_skip_instruction(struct hvx_vcpu *vcpu)
{
	unsigned long rip = vmcs_readl(GUEST_RIP);
	u32 intr;

	rip += vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	if (!hvx_64bit_code(vcpu))
		rip = (u32)rip;
	vmcs_writel(GUEST_RIP, rip);
	/* An STI or MOV SS shadow ends with the instruction after it. */
	intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
}

/* The guest's code size: 16, 32 or 64 (CS.L in long mode, else CS.D). */
unsigned int hvx_code_size(struct hvx_vcpu *vcpu)
{
	if (hvx_64bit_code(vcpu))
		return 64;
	return vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_DB_MASK ? 32 : 16;
}

/* Step over an instruction of @len bytes (no exit length to go by). */
void hvx_advance_rip(struct hvx_vcpu *vcpu, unsigned int len)
{
	unsigned long rip = vmcs_readl(GUEST_RIP) + len;
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(GUEST_RIP, hvx_64bit_code(vcpu) ? rip : (u32)rip);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
}
