/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts forever: a line with the next number in hex after each stretch
 * of computing, "00000001", "00000002", ...  A guest that is paused and
 * resumed goes on with the next number: no number is lost or repeated.
 */
/*
 * Interrupts on (STI): the guest has no IDT and needs none, since every
 * host interrupt exits to the host; but Bochs only turns a pending host
 * interrupt into that VM exit while the guest's RFLAGS.IF is set.  With
 * IF clear, a guest that never exits keeps its CPU from the host's timer,
 * IPIs and signals (under KVM as much as under hvx).
 */
#include "uart.h"
	.code64
	.globl _start
_start:
	sti
	xor	%r12d, %r12d
next:
	mov	$0x200000, %rcx		/* a stretch with no exits */
1:	dec	%rcx
	jnz	1b
	inc	%r12d
	PUTHEX32 %r12d
	jmp	next
