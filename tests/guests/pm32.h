/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected-mode helpers for the test guests that a VMM starts at
 * 0x10000 in flat 32-bit protected mode without paging, whatever its
 * selectors (tests/e2e/progs/guest32.h), and that report to it by OUT,
 * each one an exit.  Assembler macros to place in the guest's code and
 * data:
 *
 * PM32_START: the entry point, _start, in 32-bit code: load the guest's
 * own GDT (code SEL_CODE, data SEL_DATA), reload every segment register
 * and set ESP to STACK.  PM32_TABLES: that GDT, its descriptor gdt_desc,
 * and idt_desc for an IDT at idt of NVEC gates; IDT32 reserves that IDT.
 * Define NVEC before including this.
 *
 * GATE32 writes one interrupt gate.  IDT32_STUBS: a stub for each vector
 * below NVEC, STUB bytes apart from stubs, each pushing its vector and
 * entering the handler that follows the macro; IDT32_LOAD points a gate
 * at each stub and loads the IDT.  IRET32_REPORT ends that handler.
 *
 * MARK and VAL report on P_MARK and P_VAL; HALT stops for good.
 */
#define P_MARK	0x80	/* byte: the guest reached step N */
#define P_VEC	0x81	/* byte: a handler was entered for vector N */
#define P_IRET	0x82	/* byte: the handler for vector N is about to IRET */
#define P_RET	0x84	/* dword: the address a handler returns to */
#define P_VAL	0x88	/* dword: a value */
#define P_DEAD	0x8c	/* byte: an exception the guest did not expect */
/* (No port is 0x7e, whose OUT KVM steps past before it exits.) */

#define SEL_CODE	0x08
#define SEL_DATA	0x10
/* Flat descriptors, base 0, limit 4 GiB: 32-bit code, and data. */
#define GDT_CODE32	0x00cf9a000000ffff
#define GDT_DATA32	0x00cf92000000ffff
#define STACK		0x80000
#define STUB		8	/* bytes of each vector's stub */

.macro MARK n
	mov	$\n, %al
	out	%al, $P_MARK
.endm

/* Tell the VMM a value (clobbers EAX). */
.macro VAL v
	mov	\v, %eax
	out	%eax, $P_VAL
.endm

/* Stop for good: HLT with IF=0, and again should anything end it. */
.macro HALT
.Lhalt\@:
	cli
	hlt
	jmp	.Lhalt\@
.endm

/*
 * _start: load gdt_desc's GDT, CS SEL_CODE and SEL_DATA in DS, ES, FS,
 * GS and SS (FS and GS stay as they are with fsgs=0), and ESP = STACK.
 * Clobbers EAX.
 */
.macro PM32_START fsgs=1
	.code32
	.globl _start
_start:
	lgdt	gdt_desc
	ljmp	$SEL_CODE, $.Lcs\@
.Lcs\@:
	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	.if \fsgs
	mov	%eax, %fs
	mov	%eax, %gs
	.endif
	mov	%eax, %ss
	mov	$STACK, %esp
.endm

/* A flat GDT's descriptors: null, SEL_CODE and SEL_DATA. */
.macro GDT32
	.quad	0
	.quad	GDT_CODE32
	.quad	GDT_DATA32
.endm

.macro PM32_TABLES
	.p2align 3
gdt:	GDT32
gdt_desc:
	.word	3 * 8 - 1
	.long	gdt
idt_desc:
	.word	NVEC * 8 - 1
	.long	idt
.endm

.macro IDT32
	.p2align 3
idt:	.fill	NVEC, 8, 0
.endm

/*
 * The gate at EDI: a 32-bit interrupt gate to the handler at EAX,
 * selector SEL_CODE, P, DPL 0, type 0xe.  The offset's high half goes
 * through \hi (\hi16 its low word): EDX keeps EAX, EAX clobbers it.
 */
.macro GATE32 hi, hi16
	mov	%ax, (%edi)
	movw	$SEL_CODE, 2(%edi)
	movw	$0x8e00, 4(%edi)
	.ifnc	\hi, %eax
	mov	%eax, \hi
	.endif
	shr	$16, \hi
	mov	\hi16, 6(%edi)
.endm

/*
 * Gate N to stubs + N * STUB for N below NVEC, and load the IDT.
 * Clobbers EAX, ECX, EDX and EDI.
 */
.macro IDT32_LOAD
	mov	$idt, %edi
	mov	$stubs, %eax
	xor	%ecx, %ecx
.Lgate\@:
	GATE32	%edx, %dx
	add	$8, %edi
	add	$STUB, %eax
	inc	%ecx
	cmp	$NVEC, %ecx
	jb	.Lgate\@
	lidt	idt_desc
.endm

/*
 * The stubs, one every STUB bytes: each pushes its vector and jumps to
 * common, which pushes EAX and loads the vector into it; the guest's
 * handler follows.  The stack is then: EAX, vector, [error code,] EIP,
 * CS, EFLAGS.
 */
.macro IDT32_STUBS
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
.endm

/*
 * The end of the handler after IDT32_STUBS: report the address it
 * returns to on P_RET and its vector on P_IRET (its last OUT), then
 * return, keeping every register.
 */
.macro IRET32_REPORT
	mov	8(%esp), %eax
	out	%eax, $P_RET
	mov	4(%esp), %eax
	out	%al, $P_IRET
	pop	%eax
	add	$4, %esp		/* the vector */
	iret
.endm
