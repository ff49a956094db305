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
#include <asm/asm.h>

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

#endif /* HVX_VMX_OPS_H */
