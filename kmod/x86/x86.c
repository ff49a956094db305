// SPDX-License-Identifier: GPL-2.0
/*
 * The instructions whose exits the x86 layer finishes alone, whatever
 * runs the guest: CPUID, VMCALL and XSETBV.  Each returns 1 to go back
 * into the guest, as the VT-x layer's exit handlers do.
 */
#include <linux/kvm_para.h>
#include <asm/fpu/xcr.h>

#include "../vm.h"
#include "fpu.h"
#include "guest.h"
#include "x86.h"

/* CPUID: the answer from the vCPU's table (kmod/x86/cpuid.c). */
int hvx_emulate_cpuid(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u32 eax, ebx, ecx, edx;

	hvx_cpuid_lookup(vcpu, g[HVX_REG_RAX], g[HVX_REG_RCX],
			 &eax, &ebx, &ecx, &edx);
	g[HVX_REG_RAX] = eax;
	g[HVX_REG_RBX] = ebx;
	g[HVX_REG_RCX] = ecx;
	g[HVX_REG_RDX] = edx;
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * VMCALL: KVM's hypercall convention (number in RAX, result in RAX).  No
 * hypercall exists yet, so every number gets KVM's "no such hypercall".
 */
int hvx_emulate_vmcall(struct hvx_vcpu *vcpu)
{
	long ret = hvx_cpl(vcpu) ? -KVM_EPERM : -KVM_ENOSYS;

	if (!hvx_64bit_code(vcpu))
		ret = (u32)ret;
	vcpu->regs[HVX_REG_RAX] = ret;
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * XSETBV exits whatever it writes.  #UD for CR4.OSXSAVE clear came before
 * the exit; the rest of the instruction's checks are hvx's: CPL 0, XCR0
 * the only register, a value hvx_set_xcr0() accepts.
 */
int hvx_emulate_xsetbv(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u64 val = (u64)(u32)g[HVX_REG_RDX] << 32 | (u32)g[HVX_REG_RAX];

	if (hvx_cpl(vcpu) || (u32)g[HVX_REG_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    hvx_set_xcr0(vcpu, val))
		return hvx_inject_gp(vcpu);
	hvx_skip_instruction(vcpu);
	return 1;
}
