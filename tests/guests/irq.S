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
 * It tells the VMM everything by OUT, each one an exit:
 *   P_MARK  byte   the guest reached step N (0xS0 to 0xSF: scenario S)
 *   P_VAL   dword  a value: an address the VMM is to expect, a DRn
 *                  (the #DB handler sends DR6 here)
 *   P_VEC   byte   a handler was entered for vector N ...
 *   P_RET   dword  ... which will return to this address ...
 *   P_IRET  byte   ... and is about to IRET (its last OUT)
 *   P_DEAD  byte   an exception the guest does not expect: it stops
 * A handler keeps every register, so the code it interrupts never knows.
 * The guest never waits for the VMM in a loop: every wait is an exit.
 * (No port is 0x7e, whose OUT KVM steps past before it exits.)
 */
#define P_MARK	0x80
#define P_VEC	0x81
#define P_IRET	0x82
#define P_RET	0x84
#define P_VAL	0x88
#define P_DEAD	0x8c

#define STACK	0x80000
#define NVEC	0x30		/* the exceptions, and 0x20-0x2f for interrupts */
#define STUB	8		/* bytes of each vector's stub */

.macro MARK n
	mov	$\n, %al
	out	%al, $P_MARK
.endm

/* Tell the VMM a value (clobbers EAX). */
.macro VAL v
	mov	\v, %eax
	out	%eax, $P_VAL
.endm

/* Tell the VMM debug register \n. */
.macro DR n
	mov	%dr\n, %eax
	out	%eax, $P_VAL
.endm

	.code32
	.globl _start
_start:
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	$STACK, %esp

	/* Gate N: offset stubs + N * STUB, selector 0x08, P, DPL 0, type 0xe. */
	mov	$idt, %edi
	mov	$stubs, %eax
	xor	%ecx, %ecx
2:	mov	%ax, (%edi)
	movw	$0x08, 2(%edi)
	movw	$0x8e00, 4(%edi)
	mov	%eax, %edx
	shr	$16, %edx
	mov	%dx, 6(%edi)
	add	$8, %edi
	add	$STUB, %eax
	inc	%ecx
	cmp	$NVEC, %ecx
	jb	2b
	lidt	idt_desc
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
3:	cli
	hlt
	jmp	3b

/*
 * The stubs, one every STUB bytes: each pushes its vector.  The stack is
 * then: vector, [error code,] EIP, CS, EFLAGS.
 */
	.p2align 4
stubs:
	.set	vec, 0
	.rept	NVEC
	.p2align 3
	push	$vec
	jmp	common
	.set	vec, vec + 1
	.endr

common:
	push	%eax
	mov	4(%esp), %eax
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
4:	cli
	hlt
	jmp	4b
debug:
	mov	%dr6, %eax
	out	%eax, $P_VAL
report:
	mov	8(%esp), %eax
	out	%eax, $P_RET
	mov	4(%esp), %eax
	out	%al, $P_IRET
	pop	%eax
	add	$4, %esp		/* the vector */
	iret

	.p2align 3
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, 32-bit, base 0, 4 GiB */
	.quad	0x00cf92000000ffff	/* 0x10: data, base 0, 4 GiB */
gdt_desc:
	.word	3 * 8 - 1
	.long	gdt
idt_desc:
	.word	NVEC * 8 - 1
	.long	idt
ss_sel:	.word	0x10
	.p2align 2
watch:	.long	0
	.p2align 3
idt:	.fill	NVEC, 8, 0
