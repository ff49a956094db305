/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering the guest and coming back.
 *
 * hvx_vmenter() loads the guest's general-purpose registers and executes
 * VMLAUNCH (first entry after the VMCS was cleared) or VMRESUME.  The CPU
 * switches RSP, RIP and the rest of the state the VMCS holds; everything
 * else is ours to switch.  On a VM exit the CPU comes back at hvx_vmexit
 * with RSP set to HOST_RSP, which hvx_vmenter() wrote just before entering:
 * the stack then holds the regs pointer, the guest's SPEC_CTRL, and below
 * them the callee-saved registers of the caller.
 *
 * The speculative-execution defences that must sit right at the boundary
 * live here too, each patched in only where the host kernel decided its
 * CPU needs it (the ALTERNATIVEs of <asm/nospec-branch.h>):
 *  - the guest's SPEC_CTRL goes in just before entry, with no RET or
 *    indirect branch after it that would run on the guest's setting;
 *  - VERW clears the CPU's buffers as the last thing before entry (MDS,
 *    TAA, MMIO stale data, RFDS);
 *  - after an exit, before the first RET: the return stack buffer is
 *    refilled (the guest's RSB entries must not steer the host's returns),
 *    the host's SPEC_CTRL comes back, and the branch history is cleared
 *    (BHI).
 *
 * Return: 0 after a VM exit, 1 when VMLAUNCH or VMRESUME failed (VMfail:
 * the VM-instruction error field says why).
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>

#include "../x86/regs.h"

/* The VMCS encoding of HOST_RSP (SDM appendix B.4.4). */
#define HVX_VMCS_HOST_RSP	0x6c14

#define REG(r)	(HVX_REG_##r * 8)

.section .text, "ax"

/*
 * int hvx_vmenter(unsigned long *regs, bool launched, u64 guest_spec_ctrl)
 */
SYM_FUNC_START(hvx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The guest's SPEC_CTRL, for the way back. */
	push	%rdx
	/* The regs pointer: where the exit path finds it. */
	push	%rdi

	mov	$HVX_VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jna	.Lvmfail_host

	/*
	 * The guest's SPEC_CTRL, where it differs from what the host runs
	 * with.  From here to the entry: no RET, no indirect branch.
	 */
	ALTERNATIVE "jmp .Lspec_ctrl_in_done", "", X86_FEATURE_MSR_SPEC_CTRL
	movl	PER_CPU_VAR(x86_spec_ctrl_current), %eax
	cmp	%eax, %edx
	je	.Lspec_ctrl_in_done
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	mov	%edx, %eax
	xor	%edx, %edx
	wrmsr
.Lspec_ctrl_in_done:

	/* CF decides VMLAUNCH or VMRESUME; MOV and VERW keep it. */
	bt	$0, %esi

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

	/* Clear the CPU's buffers: the host's data stays out of reach. */
	VM_CLEAR_CPU_BUFFERS

	/* The exit path below starts from this stack state. */
	UNWIND_HINT_SAVE
	jc	.Lresume
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
	/* RBX carries the return value from here on. */
	xor	%ebx, %ebx

.Lclear_regs:
	/*
	 * Leave no guest value in any register, not even in those restored
	 * from the stack below: a load that misses the cache could let
	 * speculation run on with the guest's.
	 */
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d

	/*
	 * Before the first unbalanced RET: overwrite the return stack
	 * buffer the guest may have filled (retpoline and IBRS hosts; with
	 * eIBRS one CALL is enough, PBRSB).
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	/* Drop the regs pointer; the guest's SPEC_CTRL is the argument. */
	add	$8, %rsp
	pop	%rdi
	call	hvx_spec_ctrl_restore_host

	/* The guest's branch history must not steer the host's branches. */
	CLEAR_BRANCH_HISTORY_VMEXIT

	mov	%ebx, %eax
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	/* The guest's values are in the registers: the stack is intact. */
	mov	$1, %ebx
	jmp	.Lclear_regs
.Lvmfail_host:
	mov	$1, %ebx
	jmp	.Lclear_regs
SYM_FUNC_END(hvx_vmenter)
