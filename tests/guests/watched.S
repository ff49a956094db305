/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest for vmctl watch and vmctl inspect (tests/e2e/96-introspect.sh):
 * rounds for ever, each a stretch of computing, then CPUID leaf 0x4856
 * with the round in EBX, VMCALL 0x4856 (hvx's "no such hypercall"), a
 * WRMSR of the round to IA32_SYSENTER_EIP (no exit unless watched), an
 * SIDT (the same), and a line with the round in hex, as counter.S prints
 * it.  Its events come
 * at a steady pace, and its lines say it goes on whatever watches it.
 * Interrupts on, as in counter.S, so that Bochs lets the host in.
 */
#include "uart.h"
	.code64
	.globl _start
_start:
	sti
	xor	%r12d, %r12d
next:
	mov	$0x100000, %rcx		/* a stretch with no exits */
1:	dec	%rcx
	jnz	1b
	inc	%r12d
	mov	$0x4856, %eax
	mov	%r12d, %ebx
	cpuid
	mov	$0x4856, %eax
	vmcall
	mov	$0x176, %ecx		/* IA32_SYSENTER_EIP */
	mov	%r12d, %eax
	xor	%edx, %edx
	wrmsr
	sidt	idtr(%rip)
	PUTHEX32 %r12d
	jmp	next

idtr:	.quad	0, 0
