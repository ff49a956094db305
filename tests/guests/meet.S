/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two vCPUs meet: every vCPU starts here, takes a ticket with LOCK XADD
 * and waits until both have arrived.  vCPU 0 (RSI holds the vCPU's id)
 * then says so and ends with an exit status, vCPU 1 halts with interrupts
 * off, which ends its part of the run.  It only ends if both run at the
 * same time and see each other's writes to the same memory.  Which vCPU
 * took which ticket is a race, so the ticket is dropped before anything
 * is printed: the registers each vCPU ends with are the same every run.
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
	xor	%eax, %eax
	test	%esi, %esi
	jnz	second		/* a name: PUTS uses the numbered labels */
	lea	msg(%rip), %rsi
	PUTS 64
	EXIT 0
second:	cli
	hlt
	.balign	64
arrived: .long	0
msg:	.asciz "meet: both vCPUs arrived\n"
