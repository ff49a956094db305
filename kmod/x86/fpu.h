/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's FPU registers and XCR0 (see fpu.c): the XSAVE area's
 * layout, what the host offers, and the instructions that save and
 * restore the area.
 */
#ifndef HVX_X86_FPU_H
#define HVX_X86_FPU_H

#include <linux/kvm.h>
#include <linux/types.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/page.h>

struct hvx_vcpu;
struct hvx_vmx_vcpu;

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

int hvx_fpu_setup(void);
u32 hvx_xsave_size(u64 xcr0);
void hvx_fpu_reset(struct hvx_vcpu *vcpu);
int hvx_set_xcr0(struct hvx_vcpu *vcpu, u64 xcr0);
void hvx_vmx_get_fpu(struct hvx_vcpu *vcpu, struct kvm_fpu *fpu);
void hvx_vmx_set_fpu(struct hvx_vcpu *vcpu, const struct kvm_fpu *fpu);
void hvx_vmx_get_xsave(struct hvx_vcpu *vcpu, struct kvm_xsave *xsave);
int hvx_vmx_set_xsave(struct hvx_vcpu *vcpu, const struct kvm_xsave *xsave);
void hvx_vmx_get_xcrs(struct hvx_vcpu *vcpu, struct kvm_xcrs *xcrs);
int hvx_vmx_set_xcrs(struct hvx_vcpu *vcpu, const struct kvm_xcrs *xcrs);

#endif /* HVX_X86_FPU_H */
