/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/irqchip_test.c, which raises its interrupts
 * through KVM's in-kernel irqchip (KVM_CREATE_IRQCHIP): the 8259A PICs,
 * the IOAPIC, MSIs, its local APIC's IPIs and timer.
 *
 * Entry: at 0x10000 (linked there), in 32-bit protected mode without
 * paging, IF=0, flat CS, DS, ES and SS.  As irq.S, it loads its own GDT
 * (code 0x08, data 0x10), ESP (STACK) and IDT: a 32-bit interrupt gate
 * for each vector below NVEC, each to a stub that pushes its vector.
 *
 * It tells the VMM everything by OUT, each one an exit (pm32.h):
 *   P_MARK  byte   the guest reached step N (0xS0 to 0xSF: scenario S)
 *   P_VAL   dword  a value: an address the VMM is to expect, a register
 *   P_VEC   byte   a handler was entered for vector N (before its EOI) ...
 *   P_RET   dword  ... which will return to this address ...
 *   P_IRET  byte   ... and is about to IRET (its last OUT)
 *   P_DEAD  byte   an exception the guest does not expect: it stops
 * A handler sends the EOI between P_VEC and P_RET: the 8259A's for
 * vectors 0x20-0x2f, the local APIC's for 0x30 and up.  VEC_TICK, the
 * periodic timer's, is silent: it counts TICKS interrupts and then stops
 * the timer.  The guest never waits for the VMM in a loop and never
 * waits with IF=0: every wait is an exit, or HLT with IF=1.
 */
#define NVEC	0x70
#include "pm32.h"

#define APIC		0xfee00000
#define APIC_TPR	(APIC + 0x80)
#define APIC_EOI	(APIC + 0xb0)
#define APIC_SVR	(APIC + 0xf0)
#define APIC_ICR	(APIC + 0x300)
#define APIC_LVTT	(APIC + 0x320)
#define APIC_TMICT	(APIC + 0x380)
#define APIC_TMCCT	(APIC + 0x390)
#define APIC_TDCR	(APIC + 0x3e0)
#define LVT_MASKED	0x10000
#define LVT_PERIODIC	0x20000
#define IOAPIC_SEL	0xfec00000
#define IOAPIC_WIN	0xfec00010
#define IOAPIC_LEVEL	0x8000		/* redirection entry: level-triggered */

#define VEC_TICK	0x61
#define TICKS		5

/* IOAPIC redirection entry \pin: the high dword, then the low (unmasks). */
.macro REDIR pin, low, high
	movl	$(0x10 + 2 * \pin + 1), IOAPIC_SEL
	movl	$\high, IOAPIC_WIN
	movl	$(0x10 + 2 * \pin), IOAPIC_SEL
	movl	$\low, IOAPIC_WIN
.endm

	PM32_START
	IDT32_LOAD
	int3				/* the #BP handler says the IDT works */

	/*
	 * 1: the 8259As: ICW1 edge with ICW4, ICW2 vectors 0x20 and 0x28,
	 * ICW3 the slave on IRQ 2, ICW4 8086 mode; then only IRQ 1 unmasked.
	 */
	mov	$0x11, %al
	out	%al, $0x20
	out	%al, $0xa0
	mov	$0x20, %al
	out	%al, $0x21
	mov	$0x28, %al
	out	%al, $0xa1
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0x21
	out	%al, $0xa1
	mov	$0xfd, %al
	out	%al, $0x21
	mov	$0xff, %al
	out	%al, $0xa1
	MARK	0x10
	VAL	$s1_woken
	sti
	hlt				/* IRQ 1 from the VMM's thread wakes it */
s1_woken:
	MARK	0x11			/* a masked line, and IRQ 1 again */
	MARK	0x12			/* IF=1 from here on, but in handlers */

	/*
	 * 2: the PICs masked, the local APIC enabled (SVR: vector 0xff and
	 * APIC Software Enable), IOAPIC pin 5 level-triggered to vector 0x35
	 * and pin 6 edge-triggered to 0x36, both fixed, active high, to
	 * physical APIC ID 0.
	 */
	mov	$0xff, %al
	out	%al, $0x21
	out	%al, $0xa1
	movl	$0x1ff, APIC_SVR
	REDIR	5, (IOAPIC_LEVEL | 0x35), 0
	REDIR	6, 0x36, 0
	MARK	0x20			/* pin 5, twice until lowered */
	MARK	0x21			/* pin 6 */
	MARK	0x22			/* pin 6 raised while high */
	MARK	0x23			/* pin 6 lowered and raised */
	MARK	0x24

	/* 3: MSIs, and a GSI routed to one. */
	MARK	0x30
	MARK	0x31
	MARK	0x32
	MARK	0x33

	/* 4: TPR and the VMM's KVM_GET/SET_LAPIC. */
	movl	$0x10, APIC_TPR
	MARK	0x40
	VAL	APIC_TPR		/* what the VMM's KVM_SET_LAPIC set */
	MARK	0x41			/* an MSI above the TPR's class */
	MARK	0x42
	movl	$0x40, APIC_TPR
	MARK	0x43			/* an MSI of the TPR's class waits ... */
	MARK	0x44
	VAL	$s4_tpr0
	movl	$0, APIC_TPR		/* ... until the TPR goes down */
s4_tpr0:
	MARK	0x45
	/*
	 * The TPR written and read back 100 times: with VT-x's TPR shadow
	 * none of these 300 accesses exits.
	 */
	MARK	0x46
	mov	$100, %ecx
s4_tpr_loop:
	movl	$0x35, APIC_TPR
	movl	APIC_TPR, %ebx
	movl	$0, APIC_TPR
	loop	s4_tpr_loop
	VAL	%ebx
	MARK	0x47

	/* 5: a self IPI (fixed, vector 0x50, destination shorthand self). */
	MARK	0x50
	VAL	$s5_ipi
	movl	$0x40050, APIC_ICR
s5_ipi:
	MARK	0x51

	/* 5: the timer, one-shot: 1000000 at divide by 1, vector 0x60. */
	MARK	0x52
	cli
	VAL	$s5_timer
	movl	$0x60, APIC_LVTT
	movl	$0xb, APIC_TDCR
	movl	$1000000, APIC_TMICT
	sti
	hlt				/* in STI's shadow: no race with the timer */
s5_timer:
	VAL	APIC_TMCCT		/* run out: 0 */

	/* 5: periodic, TICKS interrupts with a HLT before each. */
	MARK	0x53
	cli
	movl	$0, ticks
	movl	$(LVT_PERIODIC | VEC_TICK), APIC_LVTT
	movl	$100000, APIC_TMICT
3:	sti
	hlt
	cli
	cmpl	$TICKS, ticks
	jb	3b
	VAL	ticks
	VAL	APIC_LVTT		/* masked by the last tick */

	/* 6: an MSI while IF=0 waits for STI and its shadow. */
	MARK	0x60
	MARK	0x61
	MARK	0x62
	VAL	$s6_open
	sti
	nop				/* in STI's shadow */
s6_open:
	MARK	0x63
	MARK	0xff
	HALT

	IDT32_STUBS		/* common: EAX pushed, the vector in it */
	cmp	$VEC_TICK, %al
	je	tick
	out	%al, $P_VEC
	cmp	$0x20, %al		/* an interrupt */
	jae	eoi
	cmp	$3, %al			/* #BP */
	je	report
	out	%al, $P_DEAD		/* anything else: the VMM gives up */
	HALT
eoi:
	cmp	$0x30, %al
	jae	1f
	mov	$0x20, %al		/* OCW2: non-specific EOI, master */
	out	%al, $0x20
	jmp	report
1:	movl	$0, APIC_EOI
report:
	IRET32_REPORT

/*
 * The periodic timer: count up to TICKS, then stop and mask the timer.
 * An interrupt that was already waiting then is taken and not counted.
 */
tick:
	cmpl	$TICKS, ticks
	jae	1f
	incl	ticks
	cmpl	$TICKS, ticks
	jb	1f
	movl	$0, APIC_TMICT
	movl	$(LVT_MASKED | LVT_PERIODIC | VEC_TICK), APIC_LVTT
1:	movl	$0, APIC_EOI
	pop	%eax
	add	$4, %esp
	iret

	PM32_TABLES
	.p2align 2
ticks:	.long	0
	IDT32
