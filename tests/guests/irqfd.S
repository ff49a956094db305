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
 * A handler for 0x30 and up sends the local APIC's EOI between P_VEC and
 * P_RET.  The guest runs with IF=0 but in WAIT, whose HLT an interrupt
 * ends, and at the instruction after each handler's IRET, where an
 * interrupt that came again during the handler is taken at once.  It
 * never waits for the VMM in a loop and never waits with IF=0.
 */
#define NVEC	0x40
#include "pm32.h"

#define APIC_EOI	0xfee000b0
#define APIC_SVR	0xfee000f0
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
	cmp	$0x30, %al		/* an interrupt */
	jae	eoi
	cmp	$3, %al			/* #BP */
	je	report
	out	%al, $P_DEAD		/* anything else: the VMM gives up */
	HALT
eoi:
	movl	$0, APIC_EOI
report:
	IRET32_REPORT

	PM32_TABLES
	IDT32
