/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/irqfd_test.c: interrupts that the VMM
 * raises through eventfds (KVM_IRQFD, with and without a resamplefd) and
 * writes that signal the VMM's eventfds without an exit (KVM_IOEVENTFD,
 * port I/O and MMIO).
 *
 * Entry: at 0x10000 (linked there), in 32-bit protected mode without
 * paging, IF=0, flat CS, DS, ES and SS.  As irqchip.S, it loads its own
 * GDT (code 0x08, data 0x10), ESP (STACK) and IDT: a 32-bit interrupt
 * gate for each vector below NVEC, each to a stub that pushes its vector.
 *
 * It tells the VMM everything by OUT, each one an exit (pm32.h):
 *   P_MARK  byte   the guest reached step N (0xS0 to 0xSF: scenario S)
 *   P_VAL   dword  a value: an address the VMM is to expect, data read
 *   P_VEC   byte   a handler was entered for vector N (before its EOI) ...
 *   P_RET   dword  ... which will return to this address ...
 *   P_IRET  byte   ... and is about to IRET (its last OUT)
 *   P_DEAD  byte   an exception the guest does not expect: it stops
 * A handler sends the EOI between P_VEC and P_RET: the local APIC's for
 * 0x30 and up, the 8259As' for their vectors 0x20-0x2f (the slave's and
 * then the master's for 0x28 and up).  The guest runs with IF=0 but in
 * WAIT, whose HLT an interrupt ends, and at the instruction after each
 * handler's IRET, where an interrupt that came again during the handler
 * is taken at once.  It never waits for the VMM in a loop and never
 * waits with IF=0.
 */
#define NVEC	0x40
#include "pm32.h"

#define APIC_EOI	0xfee000b0
#define APIC_SVR	0xfee000f0
#define APIC_LVT0	0xfee00350
#define LVT_EXTINT	0x700		/* delivery mode ExtINT, unmasked */
#define PIC_MASTER	0x20		/* command port; data at + 1 */
#define PIC_SLAVE	0xa0
#define ELCR1		0x4d0		/* IRQ 0-7: 1 = level-triggered */
#define ELCR2		0x4d1		/* IRQ 8-15 */
#define OCW2_EOI	0x20		/* non-specific EOI */
#define IOAPIC_SEL	0xfec00000
#define IOAPIC_WIN	0xfec00010
#define IOAPIC_LEVEL	0x8000		/* redirection entry: level-triggered */
#define MMIO		0xd0000000	/* no memory there: the VMM's ioeventfd */

/* IOAPIC redirection entry \pin: the high dword, then the low (unmasks). */
.macro REDIR pin, low, high
	movl	$(0x10 + 2 * \pin + 1), IOAPIC_SEL
	movl	$\high, IOAPIC_WIN
	movl	$(0x10 + 2 * \pin), IOAPIC_SEL
	movl	$\low, IOAPIC_WIN
.endm

/*
 * Wait for an interrupt: announce where its handler will return (P_VAL),
 * then HLT in STI's shadow, so that one that came before cannot be taken
 * before the HLT.  IF=0 again after it.
 */
.macro WAIT
	cli
	VAL	$.Lwoken\@
	sti
	hlt
.Lwoken\@:
	cli
.endm

	PM32_START
	IDT32_LOAD
	int3				/* the #BP handler says the IDT works */

	/*
	 * 1: the PICs masked, the local APIC enabled (SVR: vector 0xff and
	 * APIC Software Enable), IOAPIC pin 10 edge-triggered to vector
	 * 0x3a and pin 11 level-triggered to 0x3c, both fixed, active high,
	 * to physical APIC ID 0.  Three interrupts from the VMM's irqfd on
	 * GSI 10, then, with it deassigned, the VMM's MSI 0x3b.
	 */
	mov	$0xff, %al
	out	%al, $0x21
	out	%al, $0xa1
	movl	$0x1ff, APIC_SVR
	REDIR	10, 0x3a, 0
	REDIR	11, (IOAPIC_LEVEL | 0x3c), 0
	MARK	0x10
	WAIT
	MARK	0x11
	WAIT
	MARK	0x12
	WAIT
	MARK	0x13
	WAIT
	MARK	0x14

	/* 2: the resampling irqfd on GSI 11 (level), twice. */
	MARK	0x20
	WAIT
	MARK	0x21
	WAIT
	MARK	0x22

	/*
	 * 7: the resampling irqfds on GSI 5 and 9, through the 8259As alone
	 * (the IOAPIC's pins 5 and 9 stay masked, as reset left them).
	 * ICW1 with ICW4 and LTIM clear (the ELCR picks the trigger),
	 * ICW2 vectors 0x20 and 0x28, ICW3 the slave on IRQ 2, ICW4 8086
	 * mode; the ELCR makes IRQ 5 and 9 (the slave's IRQ 1) level-
	 * triggered, and OCW1 unmasks IRQs 2, 5 and 9 only.  LINT0 in
	 * ExtINT mode, unmasked, is the wire that takes the master's INT to
	 * the CPU: with the APIC enabled, nothing else does.  Each GSI twice,
	 * then the PICs masked again.
	 */
	mov	$0x11, %al			/* ICW1 */
	out	%al, $PIC_MASTER
	out	%al, $PIC_SLAVE
	mov	$0x20, %al			/* ICW2 */
	out	%al, $(PIC_MASTER + 1)
	mov	$0x28, %al
	out	%al, $(PIC_SLAVE + 1)
	mov	$0x04, %al			/* ICW3 */
	out	%al, $(PIC_MASTER + 1)
	mov	$0x02, %al
	out	%al, $(PIC_SLAVE + 1)
	mov	$0x01, %al			/* ICW4 */
	out	%al, $(PIC_MASTER + 1)
	out	%al, $(PIC_SLAVE + 1)
	mov	$ELCR1, %edx
	mov	$(1 << 5), %al
	out	%al, %dx
	mov	$ELCR2, %edx
	mov	$(1 << (9 - 8)), %al
	out	%al, %dx
	mov	$~((1 << 2) | (1 << 5)) & 0xff, %al	/* OCW1 */
	out	%al, $(PIC_MASTER + 1)
	mov	$~(1 << (9 - 8)) & 0xff, %al
	out	%al, $(PIC_SLAVE + 1)
	movl	$LVT_EXTINT, APIC_LVT0
	MARK	0x70
	WAIT				/* GSI 5 */
	MARK	0x71
	WAIT
	MARK	0x72
	WAIT				/* GSI 9 */
	MARK	0x73
	WAIT
	MARK	0x74
	mov	$0xff, %al
	out	%al, $(PIC_MASTER + 1)
	out	%al, $(PIC_SLAVE + 1)

	/* 4: ioeventfds on ports 0x700 (2 bytes), 0x704 (4) and 0x708 (any). */
	MARK	0x40
	mov	$0x700, %edx
	mov	$0x1111, %eax
	outw	%ax, %dx		/* the ioeventfd's: no exit */
	MARK	0x41
	mov	$0x22, %al
	outb	%al, %dx		/* 1 byte, not 2: an exit */
	MARK	0x42
	mov	$0x1234, %eax
	outw	%ax, %dx		/* the datamatch: no exit */
	mov	$0x4321, %eax
	outw	%ax, %dx		/* not the datamatch: an exit */
	MARK	0x43
	mov	$0x704, %edx
	mov	$0xdeadbeef, %eax
	outl	%eax, %dx
	mov	$0x708, %edx
	outb	%al, %dx
	outl	%eax, %dx
	MARK	0x44

	/* 5: an ioeventfd at MMIO, 4 bytes. */
	MARK	0x50
	movl	$0x11223344, MMIO	/* the ioeventfd's: no exit */
	MARK	0x51
	mov	MMIO, %eax		/* a read: an exit */
	VAL	%eax
	movw	$0x5566, MMIO		/* 2 bytes, not 4: an exit */
	MARK	0x52
	movl	$0x778899aa, MMIO	/* deassigned: an exit */
	MARK	0x53
	MARK	0xff
	HALT

	IDT32_STUBS		/* common: EAX pushed, the vector in it */
	out	%al, $P_VEC
	cmp	$0x30, %al		/* an interrupt from the APIC */
	jae	eoi
	cmp	$0x20, %al		/* one from the 8259As */
	jae	pic_eoi
	cmp	$3, %al			/* #BP */
	je	report
	out	%al, $P_DEAD		/* anything else: the VMM gives up */
	HALT
pic_eoi:
	/*
	 * A slave IRQ is in service on both chips (the master's on IRQ 2):
	 * the slave's EOI first, for its own IRQ, then the master's.
	 */
	cmp	$0x28, %al
	mov	$OCW2_EOI, %al		/* MOV leaves the flags alone */
	jb	1f
	out	%al, $PIC_SLAVE
1:	out	%al, $PIC_MASTER
	jmp	report
eoi:
	movl	$0, APIC_EOI
report:
	IRET32_REPORT

	PM32_TABLES
	IDT32
