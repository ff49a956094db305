/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's FPU registers around VM entry and exit (see fpu.c): the
 * parts that run on every entry, kept inline.
 */
#ifndef HVX_VMX_FPU_H
#define HVX_VMX_FPU_H

#include <linux/kvm.h>
#include <linux/types.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/vmx.h>

#include "vcpu.h"
#include "vmx_ops.h"

/* The legacy (FXSAVE) region, then the XSAVE header (SDM "XSAVE Area"). */
#define HVX_FXSAVE_SIZE		512
#define HVX_XSAVE_HDR_SIZE	64
#define HVX_XSTATE_BV		HVX_FXSAVE_SIZE	/* offset of XSTATE_BV */

/* XCR0 bits a guest may set, and the host's XCR0; both 0 without XSAVE. */
extern u64 hvx_xcr0_supported;
extern u64 hvx_host_xcr0;
/* Where AVX state ends in the standard format (CPUID.(0DH,2)). */
extern u32 hvx_ymm_end;

static __always_inline void hvx_fxrstor(const void *area)
{
	asm volatile("fxrstor64 %0"
		     : : "m" (*(const u8 (*)[HVX_FXSAVE_SIZE])area));
}

static __always_inline void hvx_fxsave(void *area)
{
	asm volatile("fxsave64 %0" : "=m" (*(u8 (*)[HVX_FXSAVE_SIZE])area));
}

/* XRSTOR and XSAVE of the state components in @mask (standard format). */
static __always_inline void hvx_xrstor(const void *area, u64 mask)
{
	asm volatile("xrstor64 %0"
		     : : "m" (*(const u8 (*)[PAGE_SIZE])area),
		       "a" ((u32)mask), "d" ((u32)(mask >> 32)));
}

static __always_inline void hvx_xsave(void *area, u64 mask)
{
	asm volatile("xsave64 %0"
		     : "+m" (*(u8 (*)[PAGE_SIZE])area)
		     : "a" ((u32)mask), "d" ((u32)(mask >> 32)));
}

/*
 * After kernel_fpu_begin() has saved the VMM's registers: the guest's.
 * XCR0 is still the host's, a superset of anything the guest enabled, so
 * XRSTOR brings back every component the guest may have used.
 */
static __always_inline void hvx_fpu_load(const struct hvx_vmx_vcpu *vmx)
{
	if (hvx_xcr0_supported)
		hvx_xrstor(vmx->fpu, hvx_xcr0_supported);
	else
		hvx_fxrstor(vmx->fpu);
}

/* After the exit and hvx_xcr0_put(): the guest's registers, saved. */
static __always_inline void hvx_fpu_save(struct hvx_vmx_vcpu *vmx)
{
	if (hvx_xcr0_supported)
		hvx_xsave(vmx->fpu, hvx_xcr0_supported);
	else
		hvx_fxsave(vmx->fpu);
}

/*
 * The XCR0 to run the guest with: its own where it can see it (with
 * CR4.OSXSAVE set, XSAVE, XGETBV and AVX work), else the host's, which
 * saves two XSETBVs per entry for guests that never enable XSAVE (as KVM
 * does).  CR4.OSXSAVE is host-owned, so GUEST_CR4 holds the guest's.
 */
static __always_inline u64 hvx_guest_xcr0(const struct hvx_vmx_vcpu *vmx)
{
	if (vmcs_readl(GUEST_CR4) & X86_CR4_OSXSAVE)
		return vmx->xcr0;
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

int hvx_fpu_setup(void);
u32 hvx_xsave_size(u64 xcr0);
void hvx_fpu_reset(struct hvx_vmx_vcpu *vmx);
int hvx_set_xcr0(struct hvx_vcpu *vcpu, u64 xcr0);

#endif /* HVX_VMX_FPU_H */
