/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A triple fault in 32-bit protected mode, with or without paging (run
 * with --mode protected and --mode paged): no usable IDT, then an
 * exception.
 */
#include "uart.h"
	.code32
	.globl _start
_start:
	mov	$msg, %esi
	PUTS 32
	lidt	null_idt
	ud2
	EXIT 1
null_idt:
	.word	0
	.long	0
msg:	.asciz "triple: faulting in 32-bit protected mode with no IDT\n"
