/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSRs the guest reaches without exits: FS and GS base, KERNEL_GS_BASE
 * and the SYSENTER MSRs, each written and read back 1000 times, and what
 * the CPU makes of them (SWAPGS exchanges GS base and KERNEL_GS_BASE; a
 * load through FS uses FS base).  Then 10 writes of STAR, which does
 * exit.  The guest then spins, so that the test can read its exit counts.
 */
#include "uart.h"

#define ROUNDS		1000
#define MSR_SYSENTER_CS	0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_STAR	0xc0000081
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KGS_BASE	0xc0000102

/* WRMSR of R8 to \msr, RDMSR back, compare. */
.macro ROUND_TRIP msr
	mov	$\msr, %ecx
	mov	%r8, %rax
	mov	%r8, %rdx
	shr	$32, %rdx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	cmp	%r8, %rax
	jne	fail
.endm

	.code64
	.globl _start
_start:
	/* Canonical addresses, different each round. */
	mov	$ROUNDS, %r9d
	mov	$0x00007f0000001000, %r8
1:	ROUND_TRIP MSR_FS_BASE
	ROUND_TRIP MSR_GS_BASE
	ROUND_TRIP MSR_KGS_BASE
	ROUND_TRIP MSR_SYSENTER_ESP
	ROUND_TRIP MSR_SYSENTER_EIP
	add	$0x1000, %r8
	dec	%r9d
	jnz	1b
	mov	$0x10, %r8
	ROUND_TRIP MSR_SYSENTER_CS
	lea	m_rounds(%rip), %rsi
	PUTS 64

	/* SWAPGS: GS base and KERNEL_GS_BASE trade places. */
	lea	gs_data(%rip), %r8
	ROUND_TRIP MSR_KGS_BASE
	xor	%r8, %r8
	ROUND_TRIP MSR_GS_BASE
	swapgs
	mov	%gs:0, %rax
	cmp	gs_data(%rip), %rax
	jne	fail
	mov	$MSR_KGS_BASE, %ecx
	rdmsr
	or	%edx, %eax
	jnz	fail
	swapgs
	lea	m_swapgs(%rip), %rsi
	PUTS 64

	/* FS base as a load sees it. */
	lea	fs_data(%rip), %r8
	ROUND_TRIP MSR_FS_BASE
	mov	%fs:8, %rax
	cmp	fs_data+8(%rip), %rax
	jne	fail
	lea	m_fs(%rip), %rsi
	PUTS 64

	/* STAR exits, ten times. */
	mov	$10, %r9d
	mov	$0x0023001000000000, %r8
2:	ROUND_TRIP MSR_STAR
	dec	%r9d
	jnz	2b
	lea	m_done(%rip), %rsi
	PUTS 64
	sti
spin:	jmp	spin
fail:
	EXIT 1

	.data
	.p2align 3
gs_data: .quad	0x5353535353535353
fs_data: .quad	0x4646464646464646, 0x4747474747474747
m_rounds: .asciz "msrs: FS, GS, KERNEL_GS base and SYSENTER written and read 1000 times\n"
m_swapgs: .asciz "msrs: SWAPGS exchanges GS base and KERNEL_GS_BASE\n"
m_fs:	.asciz "msrs: a load through FS uses FS base\n"
m_done:	.asciz "msrs: STAR written 10 times; spinning\n"
