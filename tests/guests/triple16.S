/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A triple fault in real mode: an IVT limit that leaves out every vector,
 * then an exception.  The #UD cannot be delivered (#GP), nor can the #GP
 * (#DF), nor the #DF: shutdown.
 */
#include "uart.h"
	.code16
	.globl _start
_start:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$msg, %si
	PUTS 16
	lidt	null_ivt
	ud2
	EXIT 1
null_ivt:
	.word	0
	.long	0
msg:	.asciz "triple: faulting in real mode with no IVT\n"
