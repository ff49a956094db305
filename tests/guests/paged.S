/* SPDX-License-Identifier: GPL-2.0 */
/* 32-bit paging (4 MiB pages, identity-mapped by vmctl).  Writes and reads
 * back memory at 8 MiB, through a second mapping of it made here: the
 * guest's own page tables must be in effect.
 */
#include "uart.h"
	.code32
	.globl _start
_start:
	mov	$msg, %esi
	PUTS 32
	mov	%cr0, %eax
	test	$0x80000000, %eax
	jz	fail
	/* Map linear 0x40000000 (PDE 256) to physical 8 MiB. */
	mov	%cr3, %ebx
	movl	$(0x00800000 | 0x83), 256*4(%ebx)
	mov	%ebx, %cr3
	movl	$0x12345678, 0x00800000
	cmpl	$0x12345678, 0x40000000
	jne	fail
	mov	$ok, %esi
	PUTS 32
	EXIT 0
fail:	EXIT 1
msg:	.asciz "paged mode: hello\n"
ok:	.asciz "paged mode: an alias mapping sees the same memory\n"
