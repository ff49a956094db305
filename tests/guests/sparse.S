/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sparse memory: write one word every 64 MiB from 32 MiB to the top of
 * guest memory (RDI, set by vmctl), then read them all back.
 */
#include "uart.h"
#define STEP	(64 << 20)
	.code64
	.globl _start
_start:
	mov	%rdi, %r8		/* memory size */
	mov	$(32 << 20), %rax
1:	mov	%rax, (%rax)
	add	$STEP, %rax
	cmp	%r8, %rax
	jb	1b
	mov	$(32 << 20), %rax
2:	cmp	%rax, (%rax)
	jne	fail
	add	$STEP, %rax
	cmp	%r8, %rax
	jb	2b
	lea	msg(%rip), %rsi
	PUTS 64
	EXIT 0
fail:	EXIT 1
msg:	.asciz "sparse: every touched page kept its value\n"
