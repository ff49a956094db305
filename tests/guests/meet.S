/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two vCPUs meet: every vCPU starts here, takes a ticket with LOCK XADD
 * and waits until both have arrived.  The first one then says so and ends
 * the run; the second spins until the run is over.  It only ends if both
 * run at the same time and see each other's writes to the same memory.
 */
#include "uart.h"
	.code64
	.globl _start
_start:
	/* IF=1 so that the host's interrupts reach this CPU (see counter.S). */
	sti
	mov	$1, %eax
	lock xadd %eax, arrived(%rip)
1:	pause
	cmpl	$2, arrived(%rip)
	jb	1b
	test	%eax, %eax
	jnz	second		/* a name: PUTS uses the numbered labels */
	lea	msg(%rip), %rsi
	PUTS 64
	EXIT 0
second:	cli
	hlt
	.balign	64
arrived: .long	0
msg:	.asciz "meet: both vCPUs arrived\n"
