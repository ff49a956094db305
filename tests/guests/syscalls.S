/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest for vmctl trace --syscalls (tests/e2e/96-introspect.sh): a
 * kernel's system call path in miniature.  First a stretch of computing
 * (2^27 instructions, during which trace attaches and waits for LSTAR),
 * then SYSCALL set up as Linux does it (EFER.SCE, STAR, SFMASK, LSTAR),
 * with GS_BASE and KERNEL_GS_BASE apart; then system calls for ever, RAX
 * 39 (getpid's number), and a line with the count after each 256.
 *
 * Its entry swaps the GS bases with SWAPGS, as Linux's first instruction
 * does, checks that it has the kernel's, swaps back and returns with a
 * jump (it stays in ring 0: no SYSRET).  After each call the guest checks
 * that it has its own GS base again, and after each 256 that the entry's
 * first byte reads as SWAPGS's.  Anything out of place ends the run with
 * status 3: trace must carry out the SWAPGS its breakpoint covers exactly,
 * and hide the breakpoint from the guest's reads (PUTHEX32 reads its
 * digits from this page too).
 */
#include "uart.h"

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SFMASK		0xc0000084
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define USER_GS			0x1111000
#define KERNEL_GS		0x2222000

	.code64
	.globl _start
_start:
	sti
	mov	$0x4000000, %rcx	/* 2^26 turns of two instructions */
1:	dec	%rcx
	jnz	1b

	mov	$MSR_EFER, %ecx
	rdmsr
	or	$1, %eax		/* SCE */
	wrmsr
	mov	$MSR_STAR, %ecx
	xor	%eax, %eax
	mov	%cs, %edx		/* SYSCALL's CS: this one */
	wrmsr
	mov	$MSR_SFMASK, %ecx	/* RFLAGS as it was: no SYSRET */
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	mov	$MSR_GS_BASE, %ecx
	mov	$USER_GS, %eax
	wrmsr
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	$KERNEL_GS, %eax
	wrmsr
	mov	$MSR_LSTAR, %ecx
	lea	entry(%rip), %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr

	xor	%r12d, %r12d
next:
	mov	$39, %eax
	syscall
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	cmp	$USER_GS, %eax
	jne	bad
	inc	%r12d
	test	$0xff, %r12d
	jnz	next
	movzbl	entry(%rip), %eax
	cmp	$0x0f, %eax		/* SWAPGS is 0f 01 f8 */
	jne	bad
	PUTHEX32 %r12d
	jmp	next

entry:
	swapgs
	mov	%rcx, %r15		/* the return address; RDMSR needs ECX */
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	cmp	$KERNEL_GS, %eax
	jne	bad
	swapgs
	jmp	*%r15

bad:
	EXIT	3
