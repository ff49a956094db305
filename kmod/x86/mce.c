// SPDX-License-Identifier: GPL-2.0
/*
 * The machine-check architecture a guest sees: IA32_MCG_CAP, _STATUS and
 * _CTL, the error-reporting banks, and the errors a VMM injects with
 * KVM_X86_SET_MCE.
 *
 * No real machine check reaches a guest: one that arrives while a guest
 * runs exits, and the host handles it (kmod/vmx/vcpu.c).  What a guest
 * sees is what its VMM reports to it, as QEMU does when the host kernel
 * tells it (SIGBUS, BUS_MCEERR_AR) that poisoned memory backs the guest:
 * the VMM sets the bank's registers and raises #MC with one ioctl.
 *
 * The rules are the SDM's (vol. 3B ch. 16) where a guest could tell, and
 * KVM's where the SDM leaves room:
 *  - a vCPU starts with 32 banks and no IA32_MCG_CTL; KVM_X86_SETUP_MCE
 *    chooses the bank count and the capabilities, within what
 *    KVM_X86_GET_MCE_CAP_SUPPORTED offers, and enables every bank;
 *  - IA32_MCi_CTL holds 0 or all ones (with two bits a guest may clear:
 *    Linux clears bit 10 of bank 4 on AMD K8, UnixWare bit 0 of bank 1);
 *  - a guest may clear IA32_MCi_STATUS but not set it (that is AMD's
 *    McStatusWrEn, which hvx does not have); its VMM may;
 *  - with MCG_CMCI_P, each bank's IA32_MCi_CTL2 holds CMCI_EN and the
 *    threshold (a reserved bit is #GP), and an uncorrected error that
 *    needs no action (UCNA) logged in a bank with CMCI_EN raises the
 *    APIC's CMCI (its LVT entry says how), as KVM does.  The threshold
 *    is kept but not counted against: KVM_X86_SET_MCE reports one error
 *    at a time, and corrected ones raise no CMCI, as in KVM.
 */
#include <linux/errno.h>
#include <linux/kvm.h>
#include <linux/nospec.h>
#include <asm/mce.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../vm.h"
#include "../irq/irqchip.h"
#include "guest.h"
#include "mce.h"
#include "x86.h"

/* Bank @i's IA32_MCi_CTL and IA32_MCi_CTL2. */
#define HVX_MSR_MC_CTL(i)	(MSR_IA32_MC0_CTL + 4 * (i))
#define HVX_MSR_MC_CTL2(i)	(MSR_IA32_MC0_CTL2 + (i))

/* A bank's registers, as offsets into its four. */
enum { HVX_MCI_CTL, HVX_MCI_STATUS, HVX_MCI_ADDR, HVX_MCI_MISC };

/*
 * What KVM_X86_SETUP_MCE may ask for: IA32_MCG_CTL, software-error
 * recovery (the SRAR/SRAO status bits a VMM reports poisoned memory
 * with), and CMCI.  Not LMCE or extended registers, which need MSRs hvx
 * does not have.
 */
#define HVX_MCG_CAP_SUPPORTED	(MCG_CTL_P | MCG_SER_P | MCG_CMCI_P)

static unsigned int hvx_mce_nr_banks(struct hvx_vcpu *vcpu)
{
	return vcpu->mce.mcg_cap & MCG_BANKCNT_MASK;
}

/*
 * An uncorrected error with no action required (UCNA: no PCC, S or AR,
 * nothing for IA32_MCG_STATUS), such as one a patrol scrub found: logged,
 * for the guest to poll or to hear of by CMCI.
 */
static bool hvx_mce_is_ucna(const struct kvm_x86_mce *m)
{
	return !m->mcg_status && (m->status & MCI_STATUS_UC) &&
	       !(m->status & (MCI_STATUS_PCC | MCI_STATUS_S | MCI_STATUS_AR));
}

/* A vCPU at creation: as KVM's, 32 banks, all disabled. */
void hvx_mce_init(struct hvx_vcpu *vcpu)
{
	vcpu->mce.mcg_cap = HVX_MCE_MAX_BANKS;
}

/* KVM_X86_GET_MCE_CAP_SUPPORTED. */
u64 hvx_mce_supported(void)
{
	return HVX_MCG_CAP_SUPPORTED;
}

/**
 * hvx_mce_setup - KVM_X86_SETUP_MCE
 * @vcpu: the vCPU
 * @mcg_cap: IA32_MCG_CAP as the guest will read it
 *
 * The bank count (1 to 32) and the capability bits, within what
 * KVM_X86_GET_MCE_CAP_SUPPORTED offers; the extended-register count field
 * is passed through as KVM does (no extended register exists behind it).
 * Every bank and IA32_MCG_CTL, if there is one, is enabled, as firmware
 * leaves them.
 *
 * Return: 0, or -EINVAL.
 */
int hvx_mce_setup(struct hvx_vcpu *vcpu, u64 mcg_cap)
{
	unsigned int n = mcg_cap & MCG_BANKCNT_MASK, i;
	struct hvx_mce *mce = &vcpu->mce;

	if (!n || n > HVX_MCE_MAX_BANKS)
		return -EINVAL;
	if (mcg_cap & ~(HVX_MCG_CAP_SUPPORTED | MCG_BANKCNT_MASK |
			MCG_EXT_CNT_MASK))
		return -EINVAL;
	mce->mcg_cap = mcg_cap;
	if (vcpu->apic)
		hvx_irqchip_set_cmci(vcpu, mcg_cap & MCG_CMCI_P);
	if (mcg_cap & MCG_CTL_P)
		mce->mcg_ctl = ~0ULL;
	for (i = 0; i < n; i++)
		mce->banks[4 * i + HVX_MCI_CTL] = ~0ULL;
	return 0;
}

/**
 * hvx_mce_inject - KVM_X86_SET_MCE: report an error in one of the banks
 * @vcpu: the vCPU
 * @m: the bank and what to put in it
 *
 * A corrected error is only logged, for the guest to find when it polls;
 * an uncorrected one raises #MC, if the guest enabled reporting for it.
 * As on a CPU, a second uncorrected error while the first is handled
 * (IA32_MCG_STATUS.MCIP), or one with CR4.MCE clear, shuts the guest
 * down: the next KVM_RUN exits with KVM_EXIT_SHUTDOWN.  An error that
 * finds the bank's last one still there sets OVER, and an uncorrected
 * error there is kept over a corrected one.  An uncorrected error that
 * needs no action (UCNA) is logged, and raises the APIC's CMCI where the
 * bank's IA32_MCi_CTL2 enables it, as KVM does.  The pads are ignored, as
 * by KVM.
 *
 * Return: 0, or -EINVAL for a bank the vCPU does not have or a status
 * without VAL.
 */
int hvx_mce_inject(struct hvx_vcpu *vcpu, const struct kvm_x86_mce *m)
{
	unsigned int n = hvx_mce_nr_banks(vcpu), b;
	struct hvx_mce *mce = &vcpu->mce;
	u64 status = m->status, *bank;
	bool ucna = hvx_mce_is_ucna(m);

	if (m->bank >= n || !(status & MCI_STATUS_VAL))
		return -EINVAL;
	b = array_index_nospec(m->bank, n);
	bank = &mce->banks[4 * b];

	if (ucna) {
		mce->mcg_status = 0;
	} else if (status & MCI_STATUS_UC) {
		/* Reporting switched off, globally or for the bank. */
		if ((mce->mcg_cap & MCG_CTL_P) && mce->mcg_ctl != ~0ULL)
			return 0;
		if (bank[HVX_MCI_CTL] != ~0ULL)
			return 0;
		hvx_vcpu_load(vcpu);
		if ((mce->mcg_status & MCG_STATUS_MCIP) ||
		    !(hvx_guest_cr4(vcpu) & X86_CR4_MCE)) {
			vcpu->events.triple_fault = true;
			hvx_vcpu_put(vcpu);
			return 0;
		}
		mce->mcg_status = m->mcg_status;
		hvx_inject_exception(vcpu, X86_TRAP_MC, false, 0);
		hvx_vcpu_put(vcpu);
		if (bank[HVX_MCI_STATUS] & MCI_STATUS_VAL)
			status |= MCI_STATUS_OVER;
	} else if (bank[HVX_MCI_STATUS] & MCI_STATUS_VAL) {
		/* A corrected error does not replace an uncorrected one. */
		if (bank[HVX_MCI_STATUS] & MCI_STATUS_UC) {
			bank[HVX_MCI_STATUS] |= MCI_STATUS_OVER;
			return 0;
		}
		status |= MCI_STATUS_OVER;
	}
	bank[HVX_MCI_STATUS] = status;
	bank[HVX_MCI_ADDR] = m->addr;
	bank[HVX_MCI_MISC] = m->misc;
	if (ucna && (mce->mcg_cap & MCG_CMCI_P) &&
	    (mce->ctl2[b] & MCI_CTL2_CMCI_EN) && vcpu->apic)
		hvx_irqchip_cmci(vcpu);
	return 0;
}

bool hvx_is_mce_msr(u32 index)
{
	return index == MSR_IA32_MCG_CAP || index == MSR_IA32_MCG_STATUS ||
	       index == MSR_IA32_MCG_CTL ||
	       (index >= MSR_IA32_MC0_CTL &&
		index < HVX_MSR_MC_CTL(HVX_MCE_MAX_BANKS)) ||
	       (index >= MSR_IA32_MC0_CTL2 &&
		index < HVX_MSR_MC_CTL2(HVX_MCE_MAX_BANKS));
}

/* The bank of an IA32_MCi_CTL2, or -1 for no such bank. */
static int hvx_mce_ctl2_msr(struct hvx_vcpu *vcpu, u32 index)
{
	unsigned int n = hvx_mce_nr_banks(vcpu);

	if (index < MSR_IA32_MC0_CTL2 || index >= HVX_MSR_MC_CTL2(n))
		return -1;
	return array_index_nospec(index - MSR_IA32_MC0_CTL2, n);
}

/* The offset in vcpu->mce.banks of a bank MSR, or -1 for no such bank. */
static int hvx_mce_bank_msr(struct hvx_vcpu *vcpu, u32 index)
{
	unsigned int end = 4 * hvx_mce_nr_banks(vcpu);

	if (index < MSR_IA32_MC0_CTL || index >= MSR_IA32_MC0_CTL + end)
		return -1;
	return array_index_nospec(index - MSR_IA32_MC0_CTL, end);
}

int hvx_mce_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val, bool host)
{
	struct hvx_mce *mce = &vcpu->mce;
	int i;

	switch (index) {
	case MSR_IA32_MCG_CAP:
		*val = mce->mcg_cap;
		return 0;
	case MSR_IA32_MCG_STATUS:
		*val = mce->mcg_status;
		return 0;
	case MSR_IA32_MCG_CTL:
		/* A VMM saving state may read it anyway, as 0. */
		if (!(mce->mcg_cap & MCG_CTL_P) && !host)
			return 1;
		*val = mce->mcg_ctl;
		return 0;
	}
	i = hvx_mce_ctl2_msr(vcpu, index);
	if (i >= 0) {
		/* As MCG_CTL: a VMM may read it anyway. */
		if (!(mce->mcg_cap & MCG_CMCI_P) && !host)
			return 1;
		*val = mce->ctl2[i];
		return 0;
	}
	i = hvx_mce_bank_msr(vcpu, index);
	if (i < 0)
		return 1;
	*val = mce->banks[i];
	return 0;
}

int hvx_mce_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val, bool host)
{
	struct hvx_mce *mce = &vcpu->mce;
	int i;

	switch (index) {
	case MSR_IA32_MCG_CAP:
		/* Read-only: KVM_X86_SETUP_MCE sets it. */
		return 1;
	case MSR_IA32_MCG_STATUS:
		/* Any value, as KVM takes (and KVM_X86_SET_MCE sets). */
		mce->mcg_status = val;
		return 0;
	case MSR_IA32_MCG_CTL:
		if (!(mce->mcg_cap & MCG_CTL_P) && (val || !host))
			return 1;
		if (val && val != ~0ULL)
			return 1;
		mce->mcg_ctl = val;
		return 0;
	}
	i = hvx_mce_ctl2_msr(vcpu, index);
	if (i >= 0) {
		if (!(mce->mcg_cap & MCG_CMCI_P) && (val || !host))
			return 1;
		if (val & ~(MCI_CTL2_CMCI_EN | MCI_CTL2_CMCI_THRESHOLD_MASK))
			return 1;
		mce->ctl2[i] = val;
		return 0;
	}
	i = hvx_mce_bank_msr(vcpu, index);
	if (i < 0)
		return 1;
	switch (i % 4) {
	case HVX_MCI_CTL:
		if (val && (val | BIT_ULL(10) | BIT_ULL(0)) != ~0ULL)
			return 1;
		break;
	case HVX_MCI_STATUS:
		if (val && !host)
			return 1;
		break;
	}
	mce->banks[i] = val;
	return 0;
}
