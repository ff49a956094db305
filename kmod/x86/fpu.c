// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU: its x87, SSE and AVX registers, and XCR0.
 *
 * Between entries a vCPU's registers live in one page, in XSAVE's
 * standard (non-compacted) format: the format of struct kvm_xsave, whose
 * first 512 bytes are FXSAVE's, which KVM_GET/SET_FPU translate.  Around
 * each entry kernel_fpu_begin() saves the VMM's registers, hvx loads the
 * guest's (hvx_fpu_load()), switches XCR0 to the guest's value with
 * interrupts off, and after the exit does the same backwards
 * (kmod/vmx/fpu.h).  The VMM thread's registers come back on its way to
 * userspace, and a vCPU that moves to another CPU takes its registers
 * with it in the page.
 *
 * The guest may enable x87, SSE and AVX state in XCR0, where the host has
 * them enabled in its own XCR0.  AVX-512, MPX, PKRU and AMX state are not
 * offered: each needs more than a wider XSAVE (PKRU would be switched on
 * every entry, AMX needs XFD).  A host without XSAVE (booted with
 * "noxsave") gives its guests x87 and SSE only, saved with FXSAVE.
 *
 * XSETBV exits unconditionally (SDM "Instructions That Cause VM Exits
 * Unconditionally"); hvx_set_xcr0() applies the SDM's rules for XCR0
 * against what the guest's CPUID offers.  XSAVES is not offered (its
 * VM-execution control stays off, so it raises #UD), nor are XSAVEC and
 * XGETBV with ECX=1.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/processor.h>

#include "../vm.h"
#include "fpu.h"

#define HVX_XFEATURES	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
			 XFEATURE_MASK_YMM)

u64 hvx_xcr0_supported __read_mostly;
u64 hvx_host_xcr0 __read_mostly;
/* MXCSR bits the CPU accepts (FXSAVE's MXCSR_MASK); others fault. */
static u32 hvx_mxcsr_mask __read_mostly;
u32 hvx_ymm_end __read_mostly;

/**
 * hvx_fpu_setup - learn what the host's FPU offers guests
 *
 * Return: 0 or -ENOMEM.
 */
int hvx_fpu_setup(void)
{
	struct fxregs_state *fx;
	u32 size, offset, ecx, edx;

	fx = kzalloc(sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	kernel_fpu_begin();
	hvx_fxsave(fx);
	kernel_fpu_end();
	/* A zero mask means the default (SDM "Guidelines for Writing to the MXCSR Register"). */
	hvx_mxcsr_mask = fx->mxcsr_mask ?: 0xffbf;
	kfree(fx);

	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return 0;
	hvx_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	hvx_xcr0_supported = hvx_host_xcr0 & HVX_XFEATURES;
	if (hvx_xcr0_supported & XFEATURE_MASK_YMM) {
		cpuid_count(0xd, XFEATURE_YMM, &size, &offset, &ecx, &edx);
		hvx_ymm_end = offset + size;
		if (WARN_ON_ONCE(hvx_ymm_end > PAGE_SIZE))
			hvx_xcr0_supported &= ~XFEATURE_MASK_YMM;
	}
	return 0;
}

/**
 * hvx_xsave_size - bytes of XSAVE area the state components in @xcr0 need
 * @xcr0: an XCR0 value within hvx_xcr0_supported
 *
 * Return: the size, in the standard format (CPUID.(0DH,0):EBX's answer).
 */
u32 hvx_xsave_size(u64 xcr0)
{
	if (xcr0 & XFEATURE_MASK_YMM)
		return hvx_ymm_end;
	return HVX_FXSAVE_SIZE + HVX_XSAVE_HDR_SIZE;
}

static u64 *hvx_xstate_bv(void *area)
{
	return area + HVX_XSTATE_BV;
}

/* The x87 registers as FNINIT leaves them. */
static void hvx_fpu_init_x87(struct fxregs_state *fx)
{
	fx->cwd = 0x37f;
	fx->swd = 0;
	fx->twd = 0;
	fx->fop = 0;
	fx->rip = 0;
	fx->rdp = 0;
	memset(fx->st_space, 0, sizeof(fx->st_space));
}

/* RESET: x87 and SSE in their initial state, XCR0 = 1. */
void hvx_fpu_reset(struct hvx_vcpu *vcpu)
{
	struct fxregs_state *fx = vcpu->fpu;

	memset(vcpu->fpu, 0, PAGE_SIZE);
	hvx_fpu_init_x87(fx);
	fx->mxcsr = 0x1f80;
	if (hvx_xcr0_supported) {
		*hvx_xstate_bv(vcpu->fpu) = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
		vcpu->xcr0 = XFEATURE_MASK_FP;
	} else {
		vcpu->xcr0 = 0;
	}
}

/**
 * hvx_set_xcr0 - the guest or the VMM sets XCR0
 * @vcpu: the vCPU
 * @xcr0: the value
 *
 * The SDM's rules ("Extended Control Registers"): x87 state always on, AVX
 * only with SSE, and nothing the guest's CPUID does not offer.  x87 state
 * alone, XCR0's value after RESET, is always accepted where the host has
 * XSAVE, also for a guest without XSAVE (as KVM does: a VMM such as QEMU
 * restores XCR0 = 1 for every guest).
 *
 * Return: 0, or 1 when the value is refused (#GP for XSETBV).
 */
int hvx_set_xcr0(struct hvx_vcpu *vcpu, u64 xcr0)
{
	u64 valid = vcpu->xcr0_allowed;

	if (hvx_xcr0_supported)
		valid |= XFEATURE_MASK_FP;
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~valid))
		return 1;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return 1;
	vcpu->xcr0 = xcr0;
	return 0;
}

/*
 * KVM_GET_FPU and KVM_SET_FPU: the legacy region, whose fields struct
 * kvm_fpu holds too (ftwx is FXSAVE's abridged tag word).  The vCPU's
 * mutex keeps its run loop away.
 *
 * MXCSR is reported but not set: KVM_SET_FPU leaves it alone, as KVM's
 * does (KVM sets it through KVM_SET_XSAVE only), so that a VMM that fills
 * in only some fields of struct kvm_fpu gets the same guest on both.
 */
void hvx_vmx_get_fpu(struct hvx_vcpu *vcpu, struct kvm_fpu *fpu)
{
	const struct fxregs_state *fx = vcpu->fpu;

	memset(fpu, 0, sizeof(*fpu));
	memcpy(fpu->fpr, fx->st_space, sizeof(fpu->fpr));
	fpu->fcw = fx->cwd;
	fpu->fsw = fx->swd;
	fpu->ftwx = fx->twd;
	fpu->last_opcode = fx->fop;
	fpu->last_ip = fx->rip;
	fpu->last_dp = fx->rdp;
	memcpy(fpu->xmm, fx->xmm_space, sizeof(fpu->xmm));
	fpu->mxcsr = fx->mxcsr;
}

void hvx_vmx_set_fpu(struct hvx_vcpu *vcpu, const struct kvm_fpu *fpu)
{
	struct fxregs_state *fx = vcpu->fpu;

	memcpy(fx->st_space, fpu->fpr, sizeof(fpu->fpr));
	fx->cwd = fpu->fcw;
	fx->swd = fpu->fsw;
	fx->twd = fpu->ftwx;
	fx->fop = fpu->last_opcode;
	fx->rip = fpu->last_ip;
	fx->rdp = fpu->last_dp;
	memcpy(fx->xmm_space, fpu->xmm, sizeof(fpu->xmm));
	/* XRSTOR would put a component whose XSTATE_BV bit is clear in its initial state. */
	if (hvx_xcr0_supported)
		*hvx_xstate_bv(vcpu->fpu) |= XFEATURE_MASK_FP |
						 XFEATURE_MASK_SSE;
}

/*
 * KVM_GET_XSAVE: the page as XSAVE left it.  Without XSAVE on the host,
 * the legacy region with a header that says it holds x87 and SSE state.
 */
void hvx_vmx_get_xsave(struct hvx_vcpu *vcpu, struct kvm_xsave *xsave)
{
	memset(xsave, 0, sizeof(*xsave));
	if (hvx_xcr0_supported) {
		memcpy(xsave->region, vcpu->fpu,
		       hvx_xsave_size(hvx_xcr0_supported));
	} else {
		memcpy(xsave->region, vcpu->fpu, HVX_FXSAVE_SIZE);
		*hvx_xstate_bv(xsave->region) = XFEATURE_MASK_FP |
						XFEATURE_MASK_SSE;
	}
}

/**
 * hvx_vmx_set_xsave - KVM_SET_XSAVE
 * @vcpu: the vCPU
 * @xsave: the state, in XSAVE's standard format
 *
 * Everything XRSTOR would fault on is refused here, where it is an errno
 * and not a fault in the kernel: components hvx does not offer, the
 * compacted format, non-zero reserved header bytes, MXCSR bits the CPU
 * does not have.  A component whose XSTATE_BV bit is clear is in its
 * initial state, as XRSTOR would make it.
 *
 * Return: 0 or -EINVAL.
 */
int hvx_vmx_set_xsave(struct hvx_vcpu *vcpu, const struct kvm_xsave *xsave)
{
	const void *p = xsave->region;
	u64 xstate_bv = *(const u64 *)(p + HVX_XSTATE_BV);
	u64 offered = hvx_xcr0_supported ?: XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	struct fxregs_state *fx = vcpu->fpu;
	u32 mxcsr = ((const struct fxregs_state *)p)->mxcsr;

	if (xstate_bv & ~offered)
		return -EINVAL;
	/* XCOMP_BV and the reserved bytes after it. */
	if (memchr_inv(p + HVX_XSTATE_BV + 8, 0, HVX_XSAVE_HDR_SIZE - 8))
		return -EINVAL;
	if (mxcsr & ~hvx_mxcsr_mask)
		return -EINVAL;

	memcpy(vcpu->fpu, p, hvx_xsave_size(hvx_xcr0_supported));
	if (!(xstate_bv & XFEATURE_MASK_FP))
		hvx_fpu_init_x87(fx);
	if (!(xstate_bv & XFEATURE_MASK_SSE))
		memset(fx->xmm_space, 0, sizeof(fx->xmm_space));
	if (!hvx_xcr0_supported)
		*hvx_xstate_bv(vcpu->fpu) = 0;
	return 0;
}

/* KVM_GET_XCRS: XCR0, the only extended control register. */
void hvx_vmx_get_xcrs(struct hvx_vcpu *vcpu, struct kvm_xcrs *xcrs)
{
	memset(xcrs, 0, sizeof(*xcrs));
	if (!hvx_xcr0_supported)
		return;
	xcrs->nr_xcrs = 1;
	xcrs->xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
	xcrs->xcrs[0].value = vcpu->xcr0;
}

/**
 * hvx_vmx_set_xcrs - KVM_SET_XCRS
 * @vcpu: the vCPU
 * @xcrs: the registers to set
 *
 * Only XCR0 exists.  Unlike KVM, which skips indices it does not know,
 * hvx refuses them, and reserved fields that are not zero: a VMM that
 * sends them has a bug worth hearing about.  Nothing is set unless all of
 * it is valid.
 *
 * Return: 0 or -EINVAL.
 */
int hvx_vmx_set_xcrs(struct hvx_vcpu *vcpu, const struct kvm_xcrs *xcrs)
{
	u64 old = vcpu->xcr0;
	u32 i;

	if (!hvx_xcr0_supported || xcrs->flags ||
	    xcrs->nr_xcrs > KVM_MAX_XCRS)
		return -EINVAL;
	for (i = 0; i < xcrs->nr_xcrs; i++) {
		const struct kvm_xcr *x = &xcrs->xcrs[i];

		if (x->xcr != XCR_XFEATURE_ENABLED_MASK || x->reserved ||
		    hvx_set_xcr0(vcpu, x->value)) {
			vcpu->xcr0 = old;
			return -EINVAL;
		}
	}
	return 0;
}
