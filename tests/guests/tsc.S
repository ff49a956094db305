/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/tsc_test.c: what a vCPU reads with RDTSC
 * and changes with WRMSR to IA32_TSC and IA32_TSC_ADJUST.
 *
 * Entry: at 0x10000 (linked there), in 32-bit protected mode without
 * paging, IF=0, flat CS, DS, ES and SS; it loads its own GDT and stack
 * and needs no IDT (it takes no interrupt and expects no exception).  The
 * VMM gives it a CPUID table that offers IA32_TSC_ADJUST
 * (CPUID.(7,0):EBX bit 1), without which KVM ignores the guest's writes
 * of that MSR.
 *
 * It tells the VMM everything by OUT, each one an exit (pm32.h):
 *   P_MARK  byte   the guest reached step N (0xS0 to 0xSF: scenario S)
 *   P_VAL   dword  a value; a 64-bit one as two, low dword first
 * The VMM does its own part of a scenario at the guest's exits, so the
 * guest never waits in a loop: every wait is an exit.
 */
#include "pm32.h"

#define MSR_TSC		0x10
#define MSR_TSC_ADJUST	0x3b
/* What the guest moves its TSC by: far more than its steps take. */
#define DELTA		1000000000

/* Tell the VMM the 64-bit value in \hi:\lo (clobbers EAX: \hi is not EAX). */
.macro VAL64 lo, hi
	VAL	\lo
	VAL	\hi
.endm

/* RDTSC into EBX (low) and EBP (high); clobbers EAX and EDX. */
.macro TSC_TO_EBX_EBP
	rdtsc
	mov	%eax, %ebx
	mov	%edx, %ebp
.endm

	PM32_START

	/*
	 * 1: the vCPU's first RDTSC, as soon as it runs: the VMM checks it
	 * is near 0 (the TSC starts at 0 when the vCPU or its VM is made).
	 */
	TSC_TO_EBX_EBP
	MARK	0x10
	VAL64	%ebx, %ebp

	/* The VMM compares its vCPUs and writes IA32_TSC at this exit. */
	MARK	0x11

	/*
	 * 2: IA32_TSC_ADJUST (0: nothing has written it), then WRMSR to
	 * IA32_TSC of RDTSC + DELTA, then IA32_TSC_ADJUST again: the CPU
	 * adds what the write moved the TSC by, DELTA less the few ticks
	 * from the RDTSC to the write.
	 */
	MARK	0x20
	mov	$MSR_TSC_ADJUST, %ecx
	rdmsr
	mov	%eax, %ebx
	mov	%edx, %ebp
	VAL64	%ebx, %ebp
	rdtsc
	add	$DELTA, %eax
	adc	$0, %edx
	mov	$MSR_TSC, %ecx
	wrmsr
	mov	$MSR_TSC_ADJUST, %ecx
	rdmsr
	mov	%eax, %ebx
	mov	%edx, %ebp
	VAL64	%ebx, %ebp
	/* The VMM compares vCPU 0 with vCPU 1 at this exit. */
	MARK	0x21

	/*
	 * 3: WRMSR of IA32_TSC_ADJUST + DELTA moves the TSC by DELTA: the
	 * RDTSCs around it differ by DELTA and the ticks between them.
	 * Then the MSR reads back what was written.
	 */
	MARK	0x30
	mov	$MSR_TSC_ADJUST, %ecx
	rdmsr
	add	$DELTA, %eax
	adc	$0, %edx
	mov	%eax, %esi		/* the new value, in EDI:ESI */
	mov	%edx, %edi
	TSC_TO_EBX_EBP
	mov	%esi, %eax
	mov	%edi, %edx
	wrmsr				/* ECX is still MSR_TSC_ADJUST */
	rdtsc
	sub	%ebx, %eax
	sbb	%ebp, %edx
	mov	%eax, %ebx
	mov	%edx, %ebp
	VAL64	%ebx, %ebp		/* the TSC's step over the WRMSR */
	mov	$MSR_TSC_ADJUST, %ecx
	rdmsr
	mov	%eax, %ebx
	mov	%edx, %ebp
	VAL64	%ebx, %ebp		/* what IA32_TSC_ADJUST reads back */
	VAL64	%esi, %edi		/* what was written */

	/*
	 * 4: the VMM writes IA32_TSC_ADJUST at the exit of the second VAL
	 * below; that sets the MSR and leaves the TSC alone, so the next
	 * RDTSC is only the exits' ticks later.
	 */
	MARK	0x40
	TSC_TO_EBX_EBP
	VAL64	%ebx, %ebp
	TSC_TO_EBX_EBP
	VAL64	%ebx, %ebp
	mov	$MSR_TSC_ADJUST, %ecx
	rdmsr
	mov	%eax, %ebx
	mov	%edx, %ebp
	VAL64	%ebx, %ebp
	MARK	0x41
	HALT

	.p2align 3
gdt:	GDT32
gdt_desc:
	.word	3 * 8 - 1
	.long	gdt
