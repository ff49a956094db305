/* SPDX-License-Identifier: GPL-2.0 */
/* 64-bit long mode. */
#include "uart.h"
	.code64
	.globl _start
_start:
	lea	msg(%rip), %rsi
	PUTS 64
	/* EFER.LMA (bit 10) must read back set. */
	mov	$0xc0000080, %ecx
	rdmsr
	test	$0x400, %eax
	jz	1f
	mov	$0x123456789abcdef0, %r15
	EXIT 0
1:	EXIT 1
msg:	.asciz "long mode: hello\n"
