/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that computes without exits until it is stopped, for signals to
 * interrupt.  Each round runs 2^22 steps of a 64-bit LCG in R8 and adds
 * every state into XMM0, then prints one line: the round number, R8 and
 * XMM0's low quadword in hex.  The lines are the same on every hypervisor
 * and for any number of interruptions, as long as the guest's general and
 * SSE registers survive each return to userspace intact.
 */
#include "uart.h"
#include "idt64.h"
/*
 * Interrupts on (STI): the guest has no IDT and needs none, since every
 * host interrupt exits to the host; but Bochs only turns a pending host
 * interrupt into that VM exit while the guest's RFLAGS.IF is set.  With
 * IF clear, a guest that never exits keeps its CPU from the host's timer,
 * IPIs and signals (under KVM as much as under hvx).
 */
	.code64
	.globl _start
_start:
	lea	m_start(%rip), %rsi
	PUTS 64
	sti
	mov	%cr4, %rax		/* OSFXSR and OSXMMEXCPT: SSE on */
	or	$0x600, %rax
	mov	%rax, %cr4
	pxor	%xmm0, %xmm0
	mov	$1, %r8
	mov	$6364136223846793005, %r10
	mov	$1442695040888963407, %r11
	xor	%r12, %r12		/* round */

round:
	mov	$0x400000, %rcx
1:	imul	%r10, %r8
	add	%r11, %r8
	movq	%r8, %xmm1
	paddq	%xmm1, %xmm0
	dec	%rcx
	jnz	1b

	inc	%r12
	mov	%r12, %r13
	call	puthex
	mov	%r8, %r13
	call	puthex
	movq	%xmm0, %r13
	call	puthex
	lea	m_nl(%rip), %rsi
	PUTS 64
	jmp	round

	PUTHEX64

m_start: .asciz "loop: start\n"
m_nl:	.asciz "\n"
