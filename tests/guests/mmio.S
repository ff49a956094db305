/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO in every form hvx decodes (strings too), against vmctl's scratch device at
 * 0xd0000000, whose registers read back what was written.  Each load is
 * checked in the guest; vmctl --trace-mmio prints each access, so the
 * differential test compares addresses, sizes and data with KVM's too.
 */
#include "uart.h"
#define DEV	0xd0000000

/* Fail with message \msg unless \reg equals \val. */
.macro EXPECT reg, val, msg
	movabs	$\val, %r14
	cmp	%r14, \reg
	je	9f
	lea	\msg(%rip), %rsi
	jmp	fail
9:
.endm

	.code64
	.globl _start
_start:
	mov	$DEV, %ebx

	/* MOV r/m, imm and MOV reg, r/m in each size. */
	movl	$0x12345678, 0x10(%rbx)			/* C7 */
	mov	0x10(%rbx), %eax			/* 8B */
	EXPECT	%rax, 0x12345678, m_load32
	movb	$0x80, 0x20(%rbx)			/* C6 */
	movw	$0x8001, 0x22(%rbx)			/* 66 C7 */
	movq	$-2, 0x28(%rbx)				/* REX.W C7 */
	mov	0x28(%rbx), %r11			/* REX.W 8B */
	EXPECT	%r11, 0xfffffffffffffffe, m_load64

	/* Zero and sign extension. */
	movsbq	0x20(%rbx), %rcx			/* MOVSX r64, m8 */
	EXPECT	%rcx, 0xffffffffffffff80, m_movsx8
	movzbl	0x20(%rbx), %edx			/* MOVZX r32, m8 */
	EXPECT	%rdx, 0x80, m_movzx8
	movswl	0x22(%rbx), %r8d			/* MOVSX r32, m16 */
	EXPECT	%r8, 0xffff8001, m_movsx16
	movzwq	0x22(%rbx), %r9				/* MOVZX r64, m16 */
	EXPECT	%r9, 0x8001, m_movzx16
	movl	$0x80000000, 0x30(%rbx)
	movslq	0x30(%rbx), %r10			/* MOVSXD */
	EXPECT	%r10, 0xffffffff80000000, m_movsxd

	/* Partial register loads keep the rest; AH is bits 8-15. */
	movabs	$0x1111111111111111, %rax
	mov	0x20(%rbx), %ah				/* 8A, high byte */
	EXPECT	%rax, 0x1111111111118011, m_high
	movabs	$0x2222222222222222, %rsi
	mov	0x22(%rbx), %si				/* 66 8B */
	EXPECT	%rsi, 0x2222222222228001, m_load16
	movabs	$0x3333333333333333, %r12
	mov	0x20(%rbx), %r12b			/* REX 8A */
	EXPECT	%r12, 0x3333333333333380, m_load8
	movabs	$0x4444444444444444, %r13
	mov	0x10(%rbx), %r13d			/* 32-bit: zero-extends */
	EXPECT	%r13, 0x12345678, m_zext32

	/* Stores from registers, high bytes included. */
	mov	$0xa5b6, %edx
	mov	%dh, 0x40(%rbx)				/* 88, DH */
	mov	%dl, 0x41(%rbx)
	mov	%dx, 0x42(%rbx)				/* 66 89 */
	mov	0x40(%rbx), %eax
	EXPECT	%rax, 0xa5b6b6a5, m_store
	movabs	$0x0123456789abcdef, %r15
	mov	%r15, 0x48(%rbx)			/* REX.W 89 */
	mov	0x48(%rbx), %rdi
	EXPECT	%rdi, 0x0123456789abcdef, m_store64

	/* SIB with index and scale, and the moffs forms. */
	mov	$4, %ecx
	movl	$0xcafe, 0x50(%rbx,%rcx,4)		/* [rbx+rcx*4+0x50] */
	movabs	DEV + 0x60, %eax			/* A1, moffs64 */
	EXPECT	%rax, 0xcafe, m_sib
	mov	$0x7e, %al
	movabs	%al, DEV + 0x70				/* A2 */
	movzbl	0x70(%rbx), %eax
	EXPECT	%rax, 0x7e, m_moffs

	/* STOS into MMIO, four elements, one exit each. */
	cld
	mov	$0x600dbeef, %eax
	lea	0x100(%rbx), %rdi
	mov	$4, %ecx
	rep stosl
	EXPECT	%rcx, 0, m_stos
	EXPECT	%rdi, 0xd0000110, m_stos
	mov	0x10c(%rbx), %eax
	EXPECT	%rax, 0x600dbeef, m_stos

	/* MOVS from memory to MMIO, and back again downwards (DF=1). */
	lea	src(%rip), %rsi
	lea	0x200(%rbx), %rdi
	mov	$8, %ecx
	rep movsb
	mov	0x200(%rbx), %rax
	EXPECT	%rax, 0x0807060504030201, m_movs_to
	std
	lea	0x206(%rbx), %rsi
	lea	dst+6(%rip), %rdi
	mov	$4, %ecx
	rep movsw
	cld
	mov	dst(%rip), %rax
	EXPECT	%rax, 0x0807060504030201, m_movs_from
	EXPECT	%rsi, 0xd00001fe, m_movs_from

	/* With rCX zero, REP STOS touches nothing. */
	xor	%ecx, %ecx
	lea	0x300(%rbx), %rdi
	rep stosb

	lea	m_ok(%rip), %rsi
	PUTS 64
	EXIT 0
fail:
	PUTS 64
	EXIT 1

m_ok:		.asciz "mmio: every load saw what the guest stored\n"
m_load32:	.asciz "mmio: 32-bit load\n"
m_load64:	.asciz "mmio: 64-bit load of a sign-extended imm32\n"
m_movsx8:	.asciz "mmio: MOVSX from a byte\n"
m_movzx8:	.asciz "mmio: MOVZX from a byte\n"
m_movsx16:	.asciz "mmio: MOVSX from a word\n"
m_movzx16:	.asciz "mmio: MOVZX from a word\n"
m_movsxd:	.asciz "mmio: MOVSXD\n"
m_high:		.asciz "mmio: load into AH\n"
m_load16:	.asciz "mmio: 16-bit load keeps the upper bits\n"
m_load8:	.asciz "mmio: 8-bit load into R12B\n"
m_zext32:	.asciz "mmio: 32-bit load zero-extends\n"
m_store:	.asciz "mmio: byte and word stores\n"
m_store64:	.asciz "mmio: 64-bit store\n"
m_sib:		.asciz "mmio: SIB store, moffs load\n"
m_moffs:	.asciz "mmio: moffs store\n"
m_stos:		.asciz "mmio: REP STOSD\n"
m_movs_to:	.asciz "mmio: REP MOVSB to MMIO\n"
m_movs_from:	.asciz "mmio: REP MOVSW from MMIO, downwards\n"
src:		.byte 1, 2, 3, 4, 5, 6, 7, 8
dst:		.quad 0
