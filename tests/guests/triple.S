/* SPDX-License-Identifier: GPL-2.0 */
/* A triple fault: no usable IDT, then an exception. */
#include "uart.h"
	.code64
	.globl _start
_start:
	lea	msg(%rip), %rsi
	PUTS 64
	lidt	null_idt(%rip)
	ud2
	EXIT 1
null_idt:
	.word	0
	.quad	0
msg:	.asciz "triple: faulting with no IDT\n"
