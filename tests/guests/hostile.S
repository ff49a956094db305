/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hostile long-mode guest: every VMX instruction, CR and MSR writes a
 * CPU refuses, and a storm of single-step #DBs, which hvx intercepts
 * (SDM: #DB is in the exception bitmap, against CVE-2015-8104) and
 * reflects one by one.  Each refused instruction must raise its exception
 * in the guest, where a handler prints it and resumes at `recover`; one
 * that completes fails the run.  The #DB count is printed: it must be the
 * same on every hypervisor.
 */
#include "uart.h"
#include "idt64.h"

#define STEPS		500

/* The instruction(s) between EXPECT_FAULT and FAULTED must fault. */
.macro EXPECT_FAULT
	lea	9f(%rip), %r15
	mov	%r15, recover(%rip)
.endm
.macro FAULTED
	jmp	fail
9:
.endm

/* WRMSR of edx:eax to \msr, which must raise #GP. */
.macro BAD_WRMSR msr, hi, lo
	EXPECT_FAULT
	mov	$\msr, %ecx
	mov	$\hi, %edx
	mov	$\lo, %eax
	wrmsr
	FAULTED
.endm

/* MOV to CR\n of CR\n's value with \op applied (to RAX), which must #GP. */
.macro BAD_CR n, op:vararg
	EXPECT_FAULT
	mov	%cr\n, %rax
	\op
	mov	%rax, %cr\n
	FAULTED
.endm

	.code64
	.globl _start
_start:
	GATE	1, db_handler
	IDT64_LOAD

	/* The guest has no VMX: each VMX instruction is #UD. */
	lea	m_vmx(%rip), %rsi
	PUTS 64
	EXPECT_FAULT
	vmxon	page(%rip)
	FAULTED
	EXPECT_FAULT
	vmxoff
	FAULTED
	EXPECT_FAULT
	vmclear	page(%rip)
	FAULTED
	EXPECT_FAULT
	vmptrld	page(%rip)
	FAULTED
	EXPECT_FAULT
	vmptrst	page(%rip)
	FAULTED
	EXPECT_FAULT
	vmread	%rax, %rbx
	FAULTED
	EXPECT_FAULT
	vmwrite	%rax, %rbx
	FAULTED
	EXPECT_FAULT
	vmlaunch
	FAULTED
	EXPECT_FAULT
	vmresume
	FAULTED
	EXPECT_FAULT
	xor	%eax, %eax
	invept	page(%rip), %rax
	FAULTED
	EXPECT_FAULT
	xor	%eax, %eax
	invvpid	page(%rip), %rax
	FAULTED

	/* Control registers: values no CPU takes in long mode. */
	lea	m_cr(%rip), %rsi
	PUTS 64
	BAD_CR 4, bts $25, %rax			/* reserved */
	BAD_CR 4, bts $13, %rax			/* VMXE: no VMX here */
	BAD_CR 4, bts $12, %rax			/* LA57: not offered */
	BAD_CR 4, btr $5, %rax			/* PAE off in long mode */
	BAD_CR 0, btr $31, %rax			/* PG off from 64-bit code */
	BAD_CR 0, bts $32, %rax			/* reserved high half */
	EXPECT_FAULT				/* NW without CD */
	mov	%cr0, %rax
	bts	$29, %rax
	btr	$30, %rax
	mov	%rax, %cr0
	FAULTED
	BAD_CR 3, bts $62, %rax			/* beyond MAXPHYADDR */
	EXPECT_FAULT
	mov	$16, %eax			/* TPR is 4 bits */
	mov	%rax, %cr8
	FAULTED

	/* MSRs: reserved bits, non-canonical addresses, a bad memory type. */
	lea	m_msr(%rip), %rsi
	PUTS 64
	BAD_WRMSR 0xc0000080, 0, 0x00000d03	/* EFER: bit 1 is reserved */
	BAD_WRMSR 0xc0000080, 0, 0x00000c01	/* EFER.LME off under paging */
	BAD_WRMSR 0x277, 0x00020202, 0x02020202	/* PAT: type 2 is reserved */
	BAD_WRMSR 0xc0000082, 0x80000000, 0	/* LSTAR */
	BAD_WRMSR 0xc0000102, 0x00800000, 0	/* KERNEL_GS_BASE */
	BAD_WRMSR 0xc0000100, 0x00800000, 0	/* FS_BASE */
	BAD_WRMSR 0x1b, 0, 0xfee00901		/* APIC_BASE: bit 0 reserved */

	/* A #DB for each instruction of a loop: the handler counts them. */
	lea	m_db(%rip), %rsi
	PUTS 64
	movq	$0, db_count(%rip)
	mov	$STEPS, %ecx
	pushfq
	orq	$0x100, (%rsp)			/* TF */
	popfq
step:	dec	%ecx
	jnz	step
step_end:
	nop
	mov	db_count(%rip), %r13
	call	put_db_count
	lea	m_nl(%rip), %rsi
	PUTS 64
	cmpq	$(2 * STEPS), db_count(%rip)
	jb	fail

	lea	m_done(%rip), %rsi
	PUTS 64
	mov	$0x600dcafe, %r12
	cli
	hlt
fail:
	EXIT 1

	IDT64_CODE

/* Count the trap; at step_end, single-stepping stops (TF off). */
db_handler:
	incq	db_count(%rip)
	push	%rax
	lea	step_end(%rip), %rax
	cmp	%rax, 8(%rsp)
	pop	%rax
	jne	1f
	andq	$~0x100, 16(%rsp)
1:	iretq

/* Print "#DB traps: " and R13 in hex. */
put_db_count:
	lea	m_db_count(%rip), %rsi
	PUTS 64
	jmp	puthex
	PUTHEX64

	.data
	IDT64_DATA
db_count: .quad	0
	.p2align 12
page:	.fill	4096, 1, 0
m_vmx:		.asciz "hostile: VMX instructions\n"
m_cr:		.asciz "hostile: control register writes\n"
m_msr:		.asciz "hostile: MSR writes\n"
m_db:		.asciz "hostile: single-stepping a loop\n"
m_db_count:	.asciz "#DB traps: "
m_nl:		.asciz "\n"
m_done:		.asciz "hostile: done\n"
