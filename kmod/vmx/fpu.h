/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's FPU registers around VM entry and exit (see
 * kmod/x86/fpu.c): the parts that run on every entry, kept inline.
 */
#ifndef HVX_VMX_FPU_H
#define HVX_VMX_FPU_H

#include <linux/kvm.h>
#include <linux/types.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/vmx.h>

#include "../x86/fpu.h"
#include "vcpu.h"
#include "vmx_ops.h"

/*
 * After kernel_fpu_begin() has saved the VMM's registers: the guest's.
 * XCR0 is still the host's, a superset of anything the guest enabled, so
 * XRSTOR brings back every component the guest may have used.
 */
static __always_inline void hvx_fpu_load(const struct hvx_vcpu *vcpu)
{
	if (hvx_xcr0_supported)
		hvx_xrstor(vcpu->fpu, hvx_xcr0_supported);
	else
		hvx_fxrstor(vcpu->fpu);
}

/* After the exit and hvx_xcr0_put(): the guest's registers, saved. */
static __always_inline void hvx_fpu_save(struct hvx_vcpu *vcpu)
{
	if (hvx_xcr0_supported)
		hvx_xsave(vcpu->fpu, hvx_xcr0_supported);
	else
		hvx_fxsave(vcpu->fpu);
}

/*
 * The XCR0 to run the guest with: its own where it can see it (with
 * CR4.OSXSAVE set, XSAVE, XGETBV and AVX work), else the host's, which
 * saves two XSETBVs per entry for guests that never enable XSAVE (as KVM
 * does).  CR4.OSXSAVE is host-owned, so GUEST_CR4 holds the guest's.
 */
static __always_inline u64 hvx_guest_xcr0(const struct hvx_vcpu *vcpu)
{
	if (vmcs_readl(GUEST_CR4) & X86_CR4_OSXSAVE)
		return vcpu->xcr0;
	return hvx_host_xcr0;
}

/*
 * The guest's XCR0 goes into the CPU right before entry, with interrupts
 * off, and the host's comes back right after the exit: the kernel's own
 * XSAVE and XRSTOR (context switches, signal frames) assume its value.
 */
static __always_inline void hvx_xcr0_load(u64 xcr0)
{
	if (xcr0 != hvx_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, xcr0);
}

static __always_inline void hvx_xcr0_put(u64 xcr0)
{
	if (xcr0 != hvx_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, hvx_host_xcr0);
}

#endif /* HVX_VMX_FPU_H */
