/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering the guest and coming back.
 *
 * hvx_vmenter() loads the guest's general-purpose registers and executes
 * VMLAUNCH (first entry after the VMCS was cleared) or VMRESUME.  The CPU
 * switches RSP, RIP and the rest of the state the VMCS holds; everything
 * else is ours to switch.  On a VM exit the CPU comes back at hvx_vmexit
 * with RSP set to HOST_RSP, which hvx_vmenter() wrote just before entering:
 * the stack then holds the regs pointer, and below it the callee-saved
 * registers of the caller.
 *
 * Return: 0 after a VM exit, 1 when VMLAUNCH or VMRESUME failed (VMfail:
 * the VM-instruction error field says why).
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "regs.h"

/* The VMCS encoding of HOST_RSP (SDM appendix B.4.4). */
#define HVX_VMCS_HOST_RSP	0x6c14

#define REG(r)	(HVX_REG_##r * 8)

.section .text, "ax"

/* int hvx_vmenter(unsigned long *regs, bool launched) */
SYM_FUNC_START(hvx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The regs pointer: where the exit path finds it. */
	push	%rdi

	mov	$HVX_VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jna	.Lvmfail_host

	/* ZF decides VMLAUNCH or VMRESUME; the MOVs below keep flags. */
	test	%sil, %sil

	mov	REG(RAX)(%rdi), %rax
	mov	REG(RCX)(%rdi), %rcx
	mov	REG(RDX)(%rdi), %rdx
	mov	REG(RBX)(%rdi), %rbx
	mov	REG(RBP)(%rdi), %rbp
	mov	REG(RSI)(%rdi), %rsi
	mov	REG(R8)(%rdi), %r8
	mov	REG(R9)(%rdi), %r9
	mov	REG(R10)(%rdi), %r10
	mov	REG(R11)(%rdi), %r11
	mov	REG(R12)(%rdi), %r12
	mov	REG(R13)(%rdi), %r13
	mov	REG(R14)(%rdi), %r14
	mov	REG(R15)(%rdi), %r15
	mov	REG(RDI)(%rdi), %rdi

	/* The exit path below starts from this stack state. */
	UNWIND_HINT_SAVE
	jnz	.Lresume
.Llaunch:
	vmlaunch
	jmp	.Lvmfail
.Lresume:
	vmresume
	jmp	.Lvmfail
	/* A fault (not in VMX operation, say) counts as a failure too. */
	_ASM_EXTABLE(.Llaunch, .Lvmfail)
	_ASM_EXTABLE(.Lresume, .Lvmfail)

SYM_INNER_LABEL(hvx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ANNOTATE_NOENDBR
	/* Park the guest's RAX, find the regs array, store the rest. */
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, REG(RCX)(%rax)
	mov	%rdx, REG(RDX)(%rax)
	mov	%rbx, REG(RBX)(%rax)
	mov	%rbp, REG(RBP)(%rax)
	mov	%rsi, REG(RSI)(%rax)
	mov	%rdi, REG(RDI)(%rax)
	mov	%r8, REG(R8)(%rax)
	mov	%r9, REG(R9)(%rax)
	mov	%r10, REG(R10)(%rax)
	mov	%r11, REG(R11)(%rax)
	mov	%r12, REG(R12)(%rax)
	mov	%r13, REG(R13)(%rax)
	mov	%r14, REG(R14)(%rax)
	mov	%r15, REG(R15)(%rax)
	pop	REG(RAX)(%rax)
	xor	%eax, %eax

.Lout:
	/* Leave no guest value in a register the caller may clobber. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	/* The guest's values are in the registers: the stack is intact. */
	mov	$1, %eax
	jmp	.Lout
.Lvmfail_host:
	mov	$1, %eax
	jmp	.Lout
SYM_FUNC_END(hvx_vmenter)
