/* SPDX-License-Identifier: GPL-2.0 */
/* 32-bit protected mode without paging. */
#include "uart.h"
	.code32
	.globl _start
_start:
	mov	$msg, %esi
	PUTS 32
	/* CR0: PE set, PG clear. */
	mov	%cr0, %eax
	and	$0x80000001, %eax
	cmp	$1, %eax
	jne	1f
	EXIT 0
1:	EXIT 1
msg:	.asciz "protected mode: hello\n"
