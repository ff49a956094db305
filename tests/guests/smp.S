/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/smp_test.c: a first vCPU that starts the
 * second with INIT and start-up IPIs through its local APIC, as a PC's
 * BSP starts its APs, after which the two meet by IPI.
 *
 * vCPU 0 enters at 0x10000 (linked there) in 32-bit protected mode
 * without paging, IF=0, flat segments; it loads its own GDT and IDT.
 * It copies the trampoline to 0x8000, sends INIT and then a start-up IPI
 * with vector 8 to APIC 1, and waits with HLT (IF=1) for the AP's IPI,
 * vector 0x30.  vCPU 1 starts in real mode at 0x800:0000 (the vector's
 * page), reports CS and IP, goes to 32-bit protected mode, sends vector
 * 0x30 to APIC 0 and halts with IF=0 for good (it sleeps in the kernel).
 *
 * Each report is an OUT, an exit: P_MARK bytes, P_VAL dwords, and P_VEC
 * from the BSP's handler (pm32.h).
 */
#define NVEC	0x31		/* vectors up to 0x30, the AP's IPI */
#include "pm32.h"

#define APIC	0xfee00000
#define TRAMP	0x8000		/* start-up vector 8 */

	PM32_START fsgs=0
	/* IDT: vector 0x30 only (the AP's IPI); the rest are not expected. */
	mov	$ipi_handler, %eax
	mov	$idt + 0x30 * 8, %edi
	GATE32	%eax, %ax
	lidt	idt_desc

	/* The trampoline goes below 1 MiB, where a start-up IPI can point. */
	mov	$tramp, %esi
	mov	$TRAMP, %edi
	mov	$tramp_end - tramp, %ecx
	cld
	rep movsb

	/* The APIC on: software enable, spurious vector 0xff. */
	movl	$0x1ff, APIC + 0xf0
	MARK	0x01

	/* INIT to APIC 1 (assert, level), then a start-up IPI, vector 8. */
	movl	$1 << 24, APIC + 0x310
	movl	$0x00004500, APIC + 0x300
	MARK	0x02
	movl	$1 << 24, APIC + 0x310
	movl	$0x00004600 | (TRAMP >> 12), APIC + 0x300
	MARK	0x03

	/* Wait for the AP's IPI with interrupts on; the handler reports. */
2:	cmpl	$0, got_ipi
	jne	3f
	sti
	hlt
	cli
	jmp	2b
3:	MARK	0x04
4:	hlt
	jmp	4b

ipi_handler:
	push	%eax
	movl	$1, got_ipi
	mov	$0x30, %al
	out	%al, $P_VEC
	movl	$0, APIC + 0xb0		/* EOI */
	pop	%eax
	iret

	PM32_TABLES
got_ipi:
	.long	0

/*
 * The AP's trampoline, copied to TRAMP and run there in real mode: every
 * address in it is relative to TRAMP.
 */
	.p2align 4
tramp:
	.code16
	mov	%cs, %ax
	out	%ax, $P_VAL		/* CS: 0x800 */
	call	5f
5:	pop	%ax
	out	%ax, $P_VAL		/* IP of 5: 5 - tramp */
	MARK	0x11
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_desc - tramp
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE, $TRAMP + (6f - tramp)
	.code32
6:	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	/* Fixed IPI, vector 0x30, to APIC 0. */
	movl	$0, APIC + 0x310
	movl	$0x00004030, APIC + 0x300
	MARK	0x12
	HALT
	.p2align 3
tramp_gdt:
	GDT32
tramp_gdt_desc:
	.word	3 * 8 - 1
	.long	TRAMP + (tramp_gdt - tramp)
tramp_end:

	IDT32
