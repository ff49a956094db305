/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Large pages: write each 4 KiB page's own address into it over 16 MiB
 * from 16 MiB (eight whole, aligned 2 MiB ranges), read them all back,
 * say so, then spin until stopped, so that a test can look at how the
 * hypervisor mapped the memory while the VM is still there.
 */
#include "uart.h"
#define START	(16 << 20)
#define END	(32 << 20)
	.code64
	.globl _start
_start:
	mov	$START, %rax
1:	mov	%rax, (%rax)
	add	$4096, %rax
	cmp	$END, %rax
	jb	1b
	mov	$START, %rax
2:	cmp	%rax, (%rax)
	jne	fail
	add	$4096, %rax
	cmp	$END, %rax
	jb	2b
	lea	msg(%rip), %rsi
	PUTS 64
	/* IF=1 so that the host's interrupts reach this CPU (see counter.S). */
	sti
3:	jmp	3b
fail:	EXIT 1
msg:	.asciz "huge: 4096 pages written and read back\n"
