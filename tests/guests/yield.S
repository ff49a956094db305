/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/yield_test.c: vCPU 0 waits on vCPU 1 the
 * way a Linux guest waits on a lock holder, with KVM's directed-yield
 * hypercall (KVM_HC_SCHED_YIELD, the holder's APIC ID in EBX), while
 * vCPU 1 spins, IF set, never exiting by itself.
 *
 * vCPU 0 starts at 0x10000 (linked there), in flat 32-bit protected mode:
 * MARK 1, YIELDS hypercalls to APIC ID 1, then one to itself and one to
 * an APIC ID no vCPU has, each of which must return 0, then MARK 2 and a
 * halt.  A hypercall that returns anything else is reported on P_VAL.
 * vCPU 1 starts at SPIN, which the VMM sets as its RIP, turns its local
 * APIC on as every OS does (KVM finds a vCPU by APIC ID only once a
 * change to some APIC has made it list the vCPU), and counts its rounds
 * at COUNT, by which the VMM knows it runs.  (No PAUSE in its loop:
 * a pause-loop exit would make it yield by itself.)
 */
#define NVEC	1		/* no IDT is loaded: nothing is delivered */
#include "pm32.h"

#define KVM_HC_SCHED_YIELD	11
#define YIELDS			200
#define SPIN			0x10800
#define COUNT			0x9000
#define APIC_SVR		0xfee000f0

.macro YIELD_TO id
	mov	$KVM_HC_SCHED_YIELD, %eax
	mov	$\id, %ebx
	vmcall
	test	%eax, %eax
	jnz	bad
.endm

	PM32_START
	MARK	1
	mov	$YIELDS, %ecx
1:	YIELD_TO 1
	loop	1b
	YIELD_TO 0
	YIELD_TO 7
	MARK	2
	HALT
bad:	out	%eax, $P_VAL
	HALT

	PM32_TABLES
	IDT32

	.org	0x800			/* SPIN, linked at 0x10000 */
spin:	movl	$0x1ff, APIC_SVR	/* its APIC on, as an OS's CPUs do */
	sti
1:	incl	COUNT
	jmp	1b
