/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a guest must get of its own and never of the host's, in long mode:
 *
 * - SYSCALL with STAR, LSTAR, CSTAR and SFMASK all zero lands at the
 *   guest's address 0 (where a JMP back waits), not at the host kernel's
 *   entry point, which would fault in the guest;
 * - WBINVD, 100 times (each one an exit the test counts);
 * - a write watchpoint in DR0 fires on each of 100 writes, with B0 in
 *   DR6; DR1 points at another variable but is not enabled and never
 *   fires;
 * - the CPUID bits and IA32_ARCH_CAPABILITIES that tell a guest which
 *   defences its CPU needs and has.
 *
 * Then the guest spins, so that the test can read its exit counts.
 */
#include "uart.h"
#include "idt64.h"

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_ARCH_CAPABILITIES	0x10a
/* CPUID.(7,0):EDX: MD_CLEAR, SPEC_CTRL, STIBP, FLUSH_L1D, ARCH_CAP, SSBD */
#define SPEC_BITS_7_EDX		0xbc000400
/* DR7: L0, and for DR0 a write watchpoint of 8 bytes (R/W0 = 01, LEN0 = 10). */
#define DR7_WATCH0		(1 | (1 << 16) | (2 << 18))
#define ROUNDS			100

.macro ZERO_MSR msr
	mov	$\msr, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
.endm

	.code64
	.globl _start
_start:
	IDT64_LOAD
	GATE	1, db_handler

	/*
	 * SYSCALL with every syscall MSR zero: CS and SS from STAR (0 and
	 * 8), RIP from LSTAR (0).  At 0 the guest puts "JMP *R15".
	 */
	movl	$0x00e7ff41, 0
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$1, %eax			/* SCE */
	wrmsr
	ZERO_MSR MSR_STAR
	ZERO_MSR MSR_LSTAR
	ZERO_MSR MSR_CSTAR
	ZERO_MSR MSR_SFMASK
	mov	%cs, %r12
	mov	%ss, %r13
	lea	landed(%rip), %r15
	syscall
after_syscall:
	jmp	fail
landed:
	/* RCX holds the address after SYSCALL, as the CPU leaves it. */
	lea	after_syscall(%rip), %rax
	cmp	%rax, %rcx
	jne	fail
	mov	%r13, %ss
	push	%r12
	lea	1f(%rip), %rax
	push	%rax
	lretq
1:	lea	m_syscall(%rip), %rsi
	PUTS 64

	mov	$ROUNDS, %r9d
2:	wbinvd
	dec	%r9d
	jnz	2b
	lea	m_wbinvd(%rip), %rsi
	PUTS 64

	/* The watchpoint. */
	lea	watched(%rip), %rax
	mov	%rax, %dr0
	lea	other(%rip), %rax
	mov	%rax, %dr1
	mov	$DR7_WATCH0, %eax
	mov	%rax, %dr7
	mov	$ROUNDS, %r9d
3:	incq	watched(%rip)
	incq	other(%rip)
	dec	%r9d
	jnz	3b
	mov	$0x400, %eax
	mov	%rax, %dr7
	lea	m_watch(%rip), %rsi
	PUTS 64
	mov	db_count(%rip), %r13
	call	puthex
	lea	m_dr6(%rip), %rsi
	PUTS 64
	mov	db_dr6(%rip), %r13
	call	puthex
	lea	m_nl(%rip), %rsi
	PUTS 64

	/* The guest's view of its CPU's defences. */
	mov	$7, %eax
	xor	%ecx, %ecx
	cpuid
	and	$SPEC_BITS_7_EDX, %edx
	mov	%rdx, %r13
	lea	m_cpuid(%rip), %rsi
	PUTS 64
	call	puthex
	mov	$MSR_ARCH_CAPABILITIES, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %r13
	lea	m_arch(%rip), %rsi
	PUTS 64
	call	puthex
	lea	m_done(%rip), %rsi
	PUTS 64
	sti
spin:	jmp	spin
fail:
	EXIT 1

/* #DB: count it, keep DR6, clear DR6 for the next one. */
db_handler:
	push	%rax
	incq	db_count(%rip)
	mov	%dr6, %rax
	mov	%rax, db_dr6(%rip)
	xor	%eax, %eax
	mov	%rax, %dr6
	pop	%rax
	iretq

	IDT64_CODE
	PUTHEX64

	.data
	IDT64_DATA
	.p2align 3
watched: .quad	0
other:	.quad	0
db_count: .quad	0
db_dr6:	.quad	0
m_syscall: .asciz "isolate: SYSCALL with zeroed MSRs landed where the guest said\n"
m_wbinvd: .asciz "isolate: WBINVD 100 times\n"
m_watch: .asciz "isolate: DR0 watchpoint hits: "
m_dr6:	.asciz "DR6 "
m_cpuid: .asciz "isolate: CPUID.7.EDX defences "
m_arch:	.asciz "\nisolate: ARCH_CAPABILITIES "
m_nl:	.asciz "\n"
m_done:	.asciz "\nisolate: done; spinning\n"
