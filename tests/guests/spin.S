/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that says so and then spins with interrupts off, for good: no
 * instruction of its exits.  What brings its host CPU back is the host's
 * interrupt, which makes the guest exit whatever its RFLAGS.IF, and where
 * the CPU fails to (Bochs' VT-x, for a guest entered with IF clear that
 * keeps it clear), hvx's preemption-timer backstop (kmod/vmx/vcpu.c).
 */
#include "uart.h"
	.code64
	.globl _start
_start:
	cli
	lea	msg(%rip), %rsi
	PUTS 64
spin:	jmp	spin

msg:	.asciz "spin: spinning with interrupts off\n"
