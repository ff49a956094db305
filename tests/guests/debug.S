/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/guestdbg_test.c, which debugs it from the
 * VMM with KVM_SET_GUEST_DEBUG: one stretch of code per P_MARK step, each
 * preceded by the addresses the VMM sets its breakpoints on (P_VAL).
 *
 *   1  INT3, the VMM's software breakpoint
 *   2  a NOP, its instruction breakpoint
 *   3  a store, its data breakpoint
 *   4  single steps, with an interrupt waiting (a self-IPI) that the
 *      stepping must hold back, over instructions the CPU runs and ones
 *      the hypervisor carries out (CPUID, RDMSR, an OUT to the VMM);
 *      where they end is reported first
 *   5  MOV from DR0 with the VMM's DR7.GD set; then the guest's own GD:
 *      its #DB, and the DR6 its handler reads
 *   6  INT3 again, which the VMM hands to the guest (INJECT_BP)
 *   7  nothing: the VMM gives the guest a #DB (INJECT_DB)
 *   8  the guest's own TF over CPUID, which the hypervisor carries out:
 *      the single-step #DB after it, and the DR6 its handler reads
 *
 * Exceptions and the interrupt report their vector on P_VEC and return
 * (clearing TF in the flags they return to); the interrupt also writes
 * the local APIC's EOI.  Entry: at 0x10000 (linked there), in 32-bit
 * protected mode without paging, IF=0.
 */
#define NVEC	0x41
#include "pm32.h"

#define APIC		0xfee00000
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define IPI_VECTOR	0x40
#define P_STEP		0x90	/* the VMM's port in the stepped code */

	PM32_START
	IDT32_LOAD

	MARK	1
	VAL	$sw_bp
sw_bp:	int3

	MARK	2
	VAL	$hw_bp
hw_bp:	nop

	MARK	3
	VAL	$data
	VAL	$store
store:	movl	$1234, data
	VAL	data

	/* A self-IPI (fixed, vector IPI_VECTOR) that waits for IF. */
	movl	$0x1ff, APIC + APIC_SVR		/* software-enabled */
	movl	$(0x40000 | IPI_VECTOR), APIC + APIC_ICR
	MARK	4
	VAL	$ss_end
	VAL	$ss_start
ss_start:
	sti
	xor	%eax, %eax
	cpuid
	mov	$0x1a0, %ecx		/* IA32_MISC_ENABLE */
	rdmsr
	out	%al, $P_STEP
	cli
ss_end:
	/* Only now, with IF set for one instruction, the interrupt. */
	sti
	nop
	cli

	MARK	5
	VAL	$gd
gd:	mov	%dr0, %eax
	mov	$0, %eax
	mov	%eax, %dr6
	mov	$0x2400, %eax		/* DR7.GD */
	mov	%eax, %dr7
	VAL	$gd_own
gd_own:	mov	%dr0, %eax
	mov	%dr6, %eax
	VAL	%eax
	mov	%dr7, %eax
	VAL	%eax

	MARK	6
	VAL	$int3_again
int3_again:
	int3

	MARK	7

	MARK	8
	mov	$0, %eax
	mov	%eax, %dr6
	pushf
	orl	$0x100, (%esp)		/* TF: traps after the next one */
	popf
	cpuid				/* leaf 0 */
	mov	%dr6, %eax
	VAL	%eax

	MARK	9
	HALT

	IDT32_STUBS
	out	%al, $P_VEC
	cmp	$IPI_VECTOR, %al
	jne	1f
	movl	$0, APIC + APIC_EOI
	jmp	2f
1:	cmp	$1, %al
	je	2f
	cmp	$3, %al
	je	2f
	out	%al, $P_DEAD
	HALT
2:	andl	$~0x100, 16(%esp)	/* TF: EAX, vector, EIP, CS, EFLAGS */
	IRET32_REPORT

	PM32_TABLES
	IDT32
	.p2align 2
data:	.long	0
