/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO from 32-bit protected mode: default and overridden operand sizes,
 * a high-byte register, MOVZX/MOVSX and moffs32, against vmctl's scratch
 * device at 0xd0000000.
 */
#include "uart.h"
#define DEV	0xd0000000

.macro EXPECT reg, val, msg
	cmp	$\val, \reg
	je	9f
	mov	$\msg, %esi
	jmp	fail
9:
.endm

	.code32
	.globl _start
_start:
	mov	$DEV, %ebx
	movl	$0x89abcdef, 0x10(%ebx)
	mov	0x10(%ebx), %eax
	EXPECT	%eax, 0x89abcdef, m_load32
	movw	$0xfffe, 0x14(%ebx)
	mov	$0x55555555, %ecx
	mov	0x14(%ebx), %cx
	EXPECT	%ecx, 0x5555fffe, m_load16
	movsbl	0x14(%ebx), %edx
	EXPECT	%edx, 0xfffffffe, m_movsx
	mov	0x13(%ebx), %dh
	EXPECT	%edx, 0xffff89fe, m_high
	movzwl	0x12(%ebx), %edi
	EXPECT	%edi, 0x89ab, m_movzx
	mov	$0x5a, %al
	mov	%al, DEV + 0x20				/* A2, moffs32 */
	mov	DEV + 0x20, %eax			/* A1 */
	EXPECT	%eax, 0x5a, m_moffs
	mov	$m_ok, %esi
	PUTS 32
	EXIT 0
fail:
	PUTS 32
	EXIT 1

m_ok:		.asciz "mmio32: every load saw what the guest stored\n"
m_load32:	.asciz "mmio32: 32-bit load\n"
m_load16:	.asciz "mmio32: 16-bit load keeps the upper bits\n"
m_movsx:	.asciz "mmio32: MOVSX\n"
m_high:		.asciz "mmio32: load into DH\n"
m_movzx:	.asciz "mmio32: MOVZX\n"
m_moffs:	.asciz "mmio32: moffs32\n"
