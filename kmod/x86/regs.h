/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The order of the guest's general-purpose registers in
 * hvx_vcpu.regs[]: the x86 register numbers, so that an instruction's
 * register field indexes the array directly.  vmenter.S uses these too.
 */
#ifndef HVX_X86_REGS_H
#define HVX_X86_REGS_H

#define HVX_REG_RAX	0
#define HVX_REG_RCX	1
#define HVX_REG_RDX	2
#define HVX_REG_RBX	3
#define HVX_REG_RSP	4	/* unused: RSP lives in the VMCS */
#define HVX_REG_RBP	5
#define HVX_REG_RSI	6
#define HVX_REG_RDI	7
#define HVX_REG_R8	8
#define HVX_REG_R9	9
#define HVX_REG_R10	10
#define HVX_REG_R11	11
#define HVX_REG_R12	12
#define HVX_REG_R13	13
#define HVX_REG_R14	14
#define HVX_REG_R15	15
#define HVX_NR_GPRS	16

#ifndef __ASSEMBLY__
/* The syscall MSRs, in the order of hvx_vcpu.syscall_msrs[]. */
enum {
	HVX_URET_STAR,
	HVX_URET_LSTAR,
	HVX_URET_CSTAR,
	HVX_URET_SFMASK,
	HVX_NR_URET_MSRS,
};
#endif

#endif /* HVX_X86_REGS_H */
