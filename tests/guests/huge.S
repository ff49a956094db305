/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Large pages: write each 4 KiB page's own address into it over 16 MiB
 * from 16 MiB (eight whole, aligned 2 MiB ranges), read them all back,
 * say so; then copy a function into the sixth of those ranges, call it
 * there and say so; then spin until stopped, so that a test can look at
 * how the hypervisor mapped the memory while the VM is still there (with
 * the iTLB multihit mitigation on, that one range is executed, so it
 * cannot stay a 2 MiB EPT page).
 */
#include "uart.h"
#define START	(16 << 20)
#define END	(32 << 20)
#define CODE	(START + 5 * (2 << 20) + 0x800)
#define MAGIC	0x600dc0de
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

	/* Code among the data: copied there as data, then fetched. */
	lea	func(%rip), %rsi
	mov	$CODE, %rdi
	mov	$(func_end - func), %ecx
	cld
	rep movsb
	mov	$CODE, %rax
	call	*%rax
	cmp	$MAGIC, %eax
	jne	fail
	lea	msg_code(%rip), %rsi
	PUTS 64
	/* IF=1 so that the host's interrupts reach this CPU (see counter.S). */
	sti
3:	jmp	3b
fail:	EXIT 1

/* Copied to CODE and run there. */
func:	mov	$MAGIC, %eax
	ret
func_end:

msg:	.asciz "huge: 4096 pages written and read back\n"
msg_code:
	.asciz "huge: code copied among them ran\n"
