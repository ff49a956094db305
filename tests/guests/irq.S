/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/irq_test.c, which injects interrupts, NMIs
 * and exceptions into it and watches where each one lands.
 *
 * Entry: at 0x10000 (linked there), in 32-bit protected mode without
 * paging, IF=0, CS a flat 32-bit code segment and DS, ES and SS flat
 * data segments, whatever their selectors.  The guest loads its own GDT
 * (code 0x08, data 0x10) and reloads every segment register, sets ESP
 * itself (STACK) and loads its own IDT: a 32-bit interrupt gate for each
 * of vectors 0 to NVEC - 1, each to a stub that pushes its vector.
 *
 * It tells the VMM everything by OUT, each one an exit (pm32.h):
 *   P_MARK  byte   the guest reached step N (0xS0 to 0xSF: scenario S)
 *   P_VAL   dword  a value: an address the VMM is to expect, a DRn
 *                  (the #DB handler sends DR6 here)
 *   P_VEC   byte   a handler was entered for vector N ...
 *   P_RET   dword  ... which will return to this address ...
 *   P_IRET  byte   ... and is about to IRET (its last OUT)
 *   P_DEAD  byte   an exception the guest does not expect: it stops
 * A handler keeps every register, so the code it interrupts never knows.
 * The guest never waits for the VMM in a loop: every wait is an exit.
 */
#define NVEC	0x30		/* the exceptions, and 0x20-0x2f for interrupts */
#include "pm32.h"

/* Tell the VMM debug register \n. */
.macro DR n
	mov	%dr\n, %eax
	out	%eax, $P_VAL
.endm

	PM32_START
	IDT32_LOAD
	int3				/* the #BP handler says the IDT works */
	MARK	0x01			/* IF=0; the VMM reads the state at rest */

	/* 1: IF=0; the interrupt window opens after STI and its shadow. */
	MARK	0x10
	VAL	$s1_open
	sti
	nop				/* in STI's shadow */
s1_open:
	MARK	0x11

	/* 2: two KVM_INTERRUPTs before the guest runs. */
	MARK	0x20
	MARK	0x21

	/* 3: HLT (in STI's shadow) exits; an interrupt resumes after it. */
	cli
	MARK	0x30
	VAL	$s3_after
	sti
	hlt
s3_after:
	MARK	0x31

	/* 4: NMIs with IF=0, each handler running to its IRET. */
	cli
	MARK	0x40
	MARK	0x41

	/*
	 * 5: the OUT after MOV SS runs in its shadow: no interrupt may
	 * come between the two.  SS is loaded from memory to keep AL.
	 */
	sti
	MARK	0x50
	VAL	$s5_after
	mov	$0x51, %al
	mov	ss_sel, %ss
	out	%al, $P_MARK
s5_after:
	MARK	0x52

	/* 6: events set with KVM_SET_VCPU_EVENTS (IF=1 throughout). */
	MARK	0x60			/* nmi.pending */
	MARK	0x61			/* exception.injected #UD */
	MARK	0x62			/* exception.pending, to be ignored */
	MARK	0x63			/* interrupt.injected */
	MARK	0x64
	MARK	0x65			/* nmi.masked and nmi.pending ... */
	VAL	$s6_iret
	MARK	0x66
	pushf				/* ... until an IRET to the next line */
	push	%cs
	push	$s6_iret
	iret
s6_iret:
	MARK	0x67
	MARK	0x68			/* interrupt.shadow STI at the HLT exit */
	VAL	$s6_open
	hlt
	nop				/* in the shadow the VMM sets */
s6_open:
	MARK	0x69
	MARK	0x6a			/* round trip and refusals */

	/* 7: the debug registers the VMM set, and DR0's watchpoint. */
	MARK	0x70
	VAL	$watch
	DR	0
	DR	1
	DR	2
	DR	3
	DR	6
	DR	7
	movl	$1, watch		/* #DB, a trap: after the write */
	MARK	0x71

	/*
	 * 9: KVM_INTERRUPT with IF=0.  On KVM the entry after 0x90 fails
	 * and the VMM stops there; the rest is for a VMM that holds the
	 * vector instead, which the test then reports.
	 */
	cli
	MARK	0x90
	MARK	0x91
	sti
	nop
	MARK	0x92
	MARK	0xff
	HALT

	IDT32_STUBS		/* common: EAX pushed, the vector in it */
	out	%al, $P_VEC
	cmp	$0x20, %al		/* an external interrupt */
	jae	report
	cmp	$1, %al			/* #DB: DR6 says what hit */
	je	debug
	cmp	$2, %al			/* NMI */
	je	report
	cmp	$3, %al			/* #BP */
	je	report
	cmp	$6, %al			/* #UD */
	je	report
	out	%al, $P_DEAD		/* anything else: the VMM gives up */
	HALT
debug:
	mov	%dr6, %eax
	out	%eax, $P_VAL
report:
	IRET32_REPORT

	PM32_TABLES
ss_sel:	.word	SEL_DATA
	.p2align 2
watch:	.long	0
	IDT32
