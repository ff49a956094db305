// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest may use: their rules, RDMSR and WRMSR, and
 * KVM_GET/SET_MSRS, on a vCPU and (the feature MSRs) on the system fd.
 * Where the VMCS holds an MSR's value, guest.h's hvx_vmcs_get/set_msr()
 * reach it.  A vCPU passed in is loaded.
 */
#include <linux/err.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/cpufeature.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>

#include "../vm.h"
#include "../vmx/isolation.h"
#include "guest.h"
#include "mce.h"
#include "mtrr.h"
#include "x86.h"

static bool hvx_canonical(u64 addr)
{
	return (s64)(addr << 16) >> 16 == (s64)addr;
}

/* PAT entries must be valid memory types: 0, 1, 4, 5, 6, 7. */
static bool hvx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * RDMSR and KVM_GET_MSRS: see hvx_get_msr().  Inlined, so that the
 * RDMSR exit handler does not pay a call (measured: 14 instructions).
 */
static __always_inline int __hvx_get_msr(struct hvx_vcpu *vcpu, u32 index,
					 u64 *val, bool host)
{
	switch (index) {
	case MSR_EFER:
		*val = vcpu->efer;
		break;
	case MSR_STAR:
		*val = vcpu->syscall_msrs[HVX_URET_STAR];
		break;
	case MSR_LSTAR:
		*val = vcpu->syscall_msrs[HVX_URET_LSTAR];
		break;
	case MSR_CSTAR:
		*val = vcpu->syscall_msrs[HVX_URET_CSTAR];
		break;
	case MSR_SYSCALL_MASK:
		*val = vcpu->syscall_msrs[HVX_URET_SFMASK];
		break;
	case MSR_KERNEL_GS_BASE:
		*val = vcpu->kernel_gs_base;
		break;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_CS:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_IA32_DEBUGCTLMSR:
		*val = hvx_vmcs_get_msr(vcpu, index);
		break;
	case MSR_IA32_TSC:
	case MSR_IA32_TSC_ADJUST:
		return hvx_tsc_get_msr(vcpu, index, val);
	case MSR_IA32_TSC_DEADLINE:
		*val = vcpu->apic ? hvx_irqchip_get_tsc_deadline(vcpu) : 0;
		break;
	case MSR_IA32_CR_PAT:
		*val = vcpu->pat;
		break;
	case MSR_IA32_APICBASE:
		if (vcpu->apic)
			return hvx_irqchip_rdmsr(vcpu, index, val);
		*val = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
		       (hvx_vcpu_is_bsp(vcpu) ? MSR_IA32_APICBASE_BSP : 0);
		break;
	case MSR_IA32_MISC_ENABLE:
		*val = vcpu->misc_enable;
		break;
	case MSR_IA32_POWER_CTL:
		*val = vcpu->power_ctl;
		break;
	case MSR_IA32_SMBASE:
		/* The VMM's to save and restore; a guest has no such MSR. */
		if (!host)
			return 1;
		*val = vcpu->smm.smbase;
		break;
	case MSR_PLATFORM_INFO:
		/* The VMM reads it always (hvx_get_msr()). */
		if (READ_ONCE(vcpu->vm->platform_info_hidden))
			return 1;
		*val = vcpu->platform_info;
		break;
	case MSR_IA32_SPEC_CTRL:
		if (!hvx_spec_ctrl_valid_bits())
			return 1;
		*val = vcpu->spec_ctrl;
		break;
	case MSR_IA32_ARCH_CAPABILITIES:
		*val = vcpu->arch_capabilities;
		break;
	case MSR_IA32_UCODE_REV:
		*val = vcpu->microcode_version;
		break;
	default:
		/* The x2APIC's registers, with an in-kernel APIC. */
		if (vcpu->apic && index >= HVX_LAPIC_MSR_FIRST &&
		    index <= HVX_LAPIC_MSR_LAST)
			return hvx_irqchip_rdmsr(vcpu, index, val);
		if (hvx_is_mtrr(index)) {
			*val = hvx_mtrr_get(vcpu, index);
			return 0;
		}
		if (hvx_is_mce_msr(index))
			return hvx_mce_get_msr(vcpu, index, val, host);
		if (hvx_is_kvmclock_msr(index))
			return hvx_kvmclock_get_msr(vcpu, index, val);
		return 1;
	}
	return 0;
}

/* WRMSR and KVM_SET_MSRS: see hvx_set_msr(); inlined likewise. */
static __always_inline int __hvx_set_msr(struct hvx_vcpu *vcpu, u32 index,
					 u64 val, bool host)
{
	switch (index) {
	case MSR_EFER:
		return hvx_set_efer(vcpu, val);
	case MSR_STAR:
		vcpu->syscall_msrs[HVX_URET_STAR] = val;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!hvx_canonical(val))
			return 1;
		if (index == MSR_LSTAR)
			vcpu->syscall_msrs[HVX_URET_LSTAR] = val;
		else if (index == MSR_CSTAR)
			vcpu->syscall_msrs[HVX_URET_CSTAR] = val;
		else if (index == MSR_KERNEL_GS_BASE)
			vcpu->kernel_gs_base = val;
		else
			hvx_vmcs_set_msr(vcpu, index, val);
		break;
	case MSR_SYSCALL_MASK:
		if (val >> 32)
			return 1;
		vcpu->syscall_msrs[HVX_URET_SFMASK] = val;
		break;
	case MSR_IA32_SYSENTER_CS:
		hvx_vmcs_set_msr(vcpu, index, val);
		break;
	case MSR_IA32_CR_PAT:
		if (!hvx_pat_valid(val))
			return 1;
		vcpu->pat = val;
		hvx_vmcs_set_msr(vcpu, index, val);
		break;
	case MSR_IA32_TSC:
	case MSR_IA32_TSC_ADJUST:
		return hvx_tsc_set_msr(vcpu, index, val, host);
	case MSR_IA32_SMBASE:
		if (!host || val >> 32)
			return 1;
		vcpu->smm.smbase = val;
		break;
	case MSR_IA32_TSC_DEADLINE:
		/* As KVM: ignored without an in-kernel APIC, never a #GP. */
		if (vcpu->apic)
			hvx_irqchip_set_tsc_deadline(vcpu, val);
		break;
	case MSR_IA32_APICBASE:
	{
		u64 cur;

		if (vcpu->apic)
			return hvx_irqchip_wrmsr(vcpu, index, val, host);

		/* Without an APIC model, the base cannot move. */
		__hvx_get_msr(vcpu, index, &cur, host);
		if (val != cur)
			return 1;
		break;
	}
	case MSR_IA32_MISC_ENABLE:
		/*
		 * With KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT off, the MWAIT bit
		 * is CPUID's MWAIT (hvx_guest_has_mwait()), and as in KVM it
		 * only changes for a guest offered SSE3, as on a CPU.
		 */
		if (!hvx_quirk(vcpu->vm, KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT) &&
		    ((vcpu->misc_enable ^ val) & MSR_IA32_MISC_ENABLE_MWAIT)) {
			u32 eax, ebx, ecx, edx;

			hvx_cpuid_lookup(vcpu, 1, 0, &eax, &ebx, &ecx, &edx);
			if (!(ecx & BIT(X86_FEATURE_XMM3 & 31)))
				return 1;
		}
		vcpu->misc_enable = val;
		break;
	case MSR_IA32_POWER_CTL:
		/* Power-management bits (C1E and the like): kept, as in KVM. */
		vcpu->power_ctl = val;
		break;
	case MSR_IA32_UCODE_REV:
		/*
		 * The microcode revision, in the high half.  A guest loads
		 * microcode by writing it, and writes 0 before it reads the
		 * revision (Intel's documented sequence): both are ignored,
		 * as in KVM.  The VMM sets what the guest reads.
		 */
		if (host)
			vcpu->microcode_version = val;
		break;
	case MSR_PLATFORM_INFO:
		/*
		 * The VMM's to set, with what the guest's CPU model reports
		 * (ratios, for one); read-only to the guest.  Bit 31 would
		 * say CPUID faulting works, which hvx does not have: a vCPU
		 * starts at 0 where KVM's starts with bit 31, and a VMM
		 * restoring KVM's value is refused.
		 */
		if (!host || (val & MSR_PLATFORM_INFO_CPUID_FAULT))
			return 1;
		vcpu->platform_info = val;
		break;
	case MSR_IA32_DEBUGCTLMSR:
		/*
		 * Branch tracing and LBRs are not virtualised: as KVM, drop
		 * those bits rather than fail a guest that tries them.
		 */
		val &= ~(u64)(DEBUGCTLMSR_BTF | DEBUGCTLMSR_LBR);
		if (val)
			return 1;
		hvx_vmcs_set_msr(vcpu, index, val);
		break;
	case MSR_IA32_SPEC_CTRL:
		/* vmenter.S switches it around the entry. */
		if (!hvx_spec_ctrl_valid_bits() ||
		    (val & ~hvx_spec_ctrl_valid_bits()))
			return 1;
		vcpu->spec_ctrl = val;
		break;
	case MSR_IA32_PRED_CMD:
		if (val & ~(u64)PRED_CMD_IBPB)
			return 1;
		if (!boot_cpu_has(X86_FEATURE_IBPB))
			return 1;
		if (val)
			wrmsrl(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
		break;
	case MSR_IA32_FLUSH_CMD:
		if ((val & ~(u64)L1D_FLUSH) ||
		    !boot_cpu_has(X86_FEATURE_FLUSH_L1D))
			return 1;
		if (val)
			wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		break;
	case MSR_IA32_ARCH_CAPABILITIES:
		/*
		 * Read-only to the guest.  Its VMM may take bits away (a CPU
		 * model that says less, QEMU's qemu64 says nothing), never
		 * add any: a guest told it is not affected by a bug the host
		 * has would leave itself open.
		 */
		if (!host || (val & ~hvx_guest_arch_capabilities()))
			return 1;
		vcpu->arch_capabilities = val;
		break;
	default:
		if (vcpu->apic && index >= HVX_LAPIC_MSR_FIRST &&
		    index <= HVX_LAPIC_MSR_LAST)
			return hvx_irqchip_wrmsr(vcpu, index, val, host);
		if (hvx_is_mtrr(index))
			return hvx_mtrr_set(vcpu, index, val);
		if (hvx_is_mce_msr(index))
			return hvx_mce_set_msr(vcpu, index, val, host);
		if (hvx_is_kvmclock_msr(index))
			return hvx_kvmclock_set_msr(vcpu, index, val);
		return 1;
	}
	return 0;
}

/**
 * hvx_get_msr - read one of the MSRs a guest may use
 * @vcpu: the vCPU, loaded
 * @index: the MSR
 * @val: its value
 *
 * The guest's RDMSR and KVM_GET_MSRS come here.  KVM_GET_MSR_INDEX_LIST
 * (kmod/main.c) names the same MSRs.
 *
 * Return: 0, or 1 for an MSR hvx does not have (a #GP for the guest, as
 * KVM gives by default for MSRs it does not know).
 */
int hvx_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val)
{
	switch (index) {
	case MSR_PLATFORM_INFO:
		*val = vcpu->platform_info;
		return 0;
	case MSR_IA32_PERF_CAPABILITIES:
		/* The feature MSR's value; the guest, without PDCM, faults. */
		return hvx_get_feature_msr(index, val);
	}
	return __hvx_get_msr(vcpu, index, val, true);
}

/**
 * hvx_set_msr - write one of the MSRs a guest may use
 * @vcpu: the vCPU, loaded
 * @index: the MSR
 * @val: the value
 *
 * KVM_SET_MSRS comes here, with the checks of the guest's WRMSR.
 *
 * Return: 0, or 1 for an MSR hvx does not have or a value it may not
 * hold (reserved bits, a non-canonical address, an invalid PAT type).
 */
int hvx_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val)
{
	switch (index) {
	case MSR_IA32_PERF_CAPABILITIES:
		/* No PMU: a VMM may restore the 0 it read, nothing else. */
		return val != 0;
	}
	return __hvx_set_msr(vcpu, index, val, true);
}

/**
 * hvx_msrs_copy_in - the entries of a KVM_GET_MSRS or KVM_SET_MSRS
 * @argp: the VMM's struct kvm_msrs
 * @n: set to how many entries there are
 *
 * Return: a copy of the entries, to kfree(); NULL for none; or
 * ERR_PTR(-EFAULT), ERR_PTR(-ENOMEM), or ERR_PTR(-E2BIG) for as many as
 * KVM's MAX_IO_MSRS or more.
 */
struct kvm_msr_entry *hvx_msrs_copy_in(struct kvm_msrs __user *argp, u32 *n)
{
	struct kvm_msrs msrs;

	if (copy_from_user(&msrs, argp, sizeof(msrs)))
		return ERR_PTR(-EFAULT);
	if (msrs.nmsrs >= HVX_MAX_IO_MSRS)
		return ERR_PTR(-E2BIG);
	*n = msrs.nmsrs;
	if (!msrs.nmsrs)
		return NULL;
	return memdup_user(argp->entries, msrs.nmsrs * sizeof(*argp->entries));
}

/*
 * Feature MSRs (KVM_GET_MSR_FEATURE_INDEX_LIST, and KVM_GET_MSRS on the
 * system fd): MSRs that describe the CPU a guest gets, for a VMM to read
 * before it makes any vCPU, as QEMU does to choose a CPU model.
 * IA32_ARCH_CAPABILITIES is what every vCPU reads (hvx decides it from the
 * host's mitigations); IA32_PERF_CAPABILITIES is 0, for hvx has no PMU
 * (KVM lists it as 0 where it offers none either; a vCPU's KVM_GET/SET_MSRS
 * take it, at 0, as KVM's do).  KVM also lists the VMX
 * capability MSRs, for nested VMX, which hvx does not have, and
 * IA32_UCODE_REV, whose value hvx leaves to the VMM per vCPU (a vCPU's
 * MSR here, as in KVM_GET_MSR_INDEX_LIST).
 */
const u32 hvx_feature_msrs[] = {
	MSR_IA32_ARCH_CAPABILITIES, MSR_IA32_PERF_CAPABILITIES,
};

const unsigned int hvx_nr_feature_msrs = ARRAY_SIZE(hvx_feature_msrs);

/* A feature MSR's value: 0, or 1 for an MSR that is not one. */
int hvx_get_feature_msr(u32 index, u64 *val)
{
	switch (index) {
	case MSR_IA32_ARCH_CAPABILITIES:
		*val = hvx_guest_arch_capabilities();
		return 0;
	case MSR_IA32_PERF_CAPABILITIES:
		*val = 0;
		return 0;
	default:
		return 1;
	}
}

/*
 * Does the VM's MSR filter deny the guest's access to @index?  Without a
 * filter, the usual case, the answer costs a load here rather than a call
 * on every RDMSR and WRMSR exit.
 */
static __always_inline bool hvx_msr_filtered(struct hvx_vcpu *vcpu, u32 index,
					     bool write)
{
	return unlikely(rcu_access_pointer(vcpu->vm->msr_filter)) &&
	       !hvx_msr_allowed(vcpu, index, write);
}

/*
 * Why hvx refused the guest's access to @index: an MSR it has (the VMM
 * could read it), so not with this value or not now; or one it has not.
 * A VMM may take either (KVM_CAP_X86_USER_SPACE_MSR).
 */
static u32 hvx_msr_refusal(struct hvx_vcpu *vcpu, u32 index)
{
	u64 val;

	return hvx_get_msr(vcpu, index, &val) ? KVM_MSR_EXIT_REASON_UNKNOWN :
						KVM_MSR_EXIT_REASON_INVAL;
}

int hvx_emulate_rdmsr(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u32 index = g[HVX_REG_RCX];
	u64 val;

	if (hvx_msr_filtered(vcpu, index, false))
		return hvx_msr_refused(vcpu, false, index, 0,
				       KVM_MSR_EXIT_REASON_FILTER);
	if (__hvx_get_msr(vcpu, index, &val, false))
		return hvx_msr_refused(vcpu, false, index, 0,
				       hvx_msr_refusal(vcpu, index));
	g[HVX_REG_RAX] = (u32)val;
	g[HVX_REG_RDX] = val >> 32;
	hvx_skip_instruction(vcpu);
	return 1;
}

int hvx_emulate_wrmsr(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u64 val = (u32)g[HVX_REG_RAX] | ((u64)(u32)g[HVX_REG_RDX] << 32);
	u32 index = g[HVX_REG_RCX];
	int r;

	if (hvx_msr_filtered(vcpu, index, true))
		return hvx_msr_refused(vcpu, true, index, val,
				       KVM_MSR_EXIT_REASON_FILTER);
	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_MSR)) {
		r = hvx_intro_msr(vcpu, index, &val);
		if (r != HVX_INTRO_GO)
			return r;
	}
	/*
	 * EFER bits of features the guest's CPUID leaves out are reserved
	 * for the guest; the VMM (KVM_SET_MSRS) may set them, as in KVM.
	 */
	if ((index == MSR_EFER && (val & vcpu->efer_reserved)) ||
	    __hvx_set_msr(vcpu, index, val, false))
		return hvx_msr_refused(vcpu, true, index, val,
				       hvx_msr_refusal(vcpu, index));
	hvx_skip_instruction(vcpu);
	return 1;
}
