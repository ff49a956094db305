/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The raw VMX instructions.  Each reports failure to its caller: a VMX
 * instruction signals VMfailInvalid with CF=1 and VMfailValid with ZF=1
 * (SDM "Conventions" in the VMX instruction reference), and faults (#UD,
 * #GP) when the CPU is not in the state the instruction needs; the
 * exception-table entries turn such a fault into an error return.
 */
#ifndef HVX_VMX_OPS_H
#define HVX_VMX_OPS_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/bug.h>
#include <asm/asm.h>

#include "vmcs.h"

/* Enter VMX root operation with the VMXON region at @phys. */
static __always_inline int hvx_vmxon(u64 phys)
{
	asm goto("1: vmxon %[region]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [region] "m" (phys)
		 : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

/*
 * Leave VMX operation.  Faults (#UD) when the CPU is not in it, and fails
 * under the dual-monitor treatment of SMIs, which hvx never sets up.
 */
static __always_inline int hvx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

/* Make @phys the current VMCS of this CPU. */
static __always_inline int hvx_vmptrld(u64 phys)
{
	asm goto("1: vmptrld %[vmcs]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [vmcs] "m" (phys)
		 : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/*
 * Write the VMCS at @phys back to memory and mark it clear: it is no
 * longer active on this CPU and the next entry on it must be a VMLAUNCH.
 */
static __always_inline int hvx_vmclear(u64 phys)
{
	asm goto("1: vmclear %[vmcs]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [vmcs] "m" (phys)
		 : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/* Invalidate the EPT-derived translations of one EPT (or all of them). */
static __always_inline int hvx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { eptp, 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [desc] "m" (desc), [type] "r" (type)
		 : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

void hvx_vmread_error(unsigned long field);
void hvx_vmwrite_error(unsigned long field, unsigned long value);

/*
 * VMREAD and VMWRITE of the current VMCS.  Failing either means a bug in
 * hvx (no current VMCS, or a field this CPU lacks): say which field, once
 * per field kind, and read zero.
 */
static __always_inline unsigned long __vmcs_readl(unsigned long field)
{
	unsigned long value = 0;
	bool ok = false;

	/* CF and ZF both clear is success; a fault skips to 2 with ok false. */
	asm volatile("1: vmread %[field], %[value]\n\t"
		     "seta %[ok]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r" (value), [ok] "+qm" (ok)
		     : [field] "r" (field)
		     : "cc");
	if (unlikely(!ok))
		hvx_vmread_error(field);
	return value;
}

static __always_inline void __vmcs_writel(unsigned long field,
					  unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [field] "r" (field), [value] "rm" (value)
		 : "cc" : fail);
	return;
fail:
	hvx_vmwrite_error(field, value);
}

/*
 * The width-checked accessors: naming a field of the wrong width is a
 * compile-time error, as in KVM's vmx_ops.h.
 */
#define HVX_CHECK_WIDTH(field, width)					\
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&			\
			 vmcs_field_width(field) != (width),		\
			 "VMCS field of the wrong width")

static __always_inline u16 vmcs_read16(unsigned long field)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_U16);
	return __vmcs_readl(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_U32);
	return __vmcs_readl(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_U64);
	return __vmcs_readl(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_NATURAL);
	return __vmcs_readl(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_U16);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_U32);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_U64);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	HVX_CHECK_WIDTH(field, HVX_VMCS_FIELD_WIDTH_NATURAL);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_set_bits32(unsigned long field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) | mask);
}

static __always_inline void vmcs_clear_bits32(unsigned long field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) & ~mask);
}

#endif /* HVX_VMX_OPS_H */
