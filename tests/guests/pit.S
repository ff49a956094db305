/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/pit_test.c: a real-mode guest that counts
 * the ticks of the in-kernel 8254 PIT (KVM_CREATE_PIT2) through the
 * in-kernel 8259A PIC (KVM_CREATE_IRQCHIP), as a BIOS-era program does,
 * reads the counters back and uses counter 2 through port 0x61 the way
 * Linux calibrates its TSC.
 *
 * Entry: real mode at CS:IP = 0x1000:0 (linked at 0, loaded at 0x10000),
 * IF=0.  It keeps DS = SS = CS (its data is here), SP = 0xfff0, and
 * writes the IVT at 0: every vector to dead, which reports on P_DEAD,
 * and VEC_TICK, IRQ 0 with the master PIC at 0x08 as a BIOS has it, to
 * tick.  The handler counts ticks and sends the EOI; at the count the
 * guest waits for (target) it masks IRQ 0, so that no tick is counted
 * past it.  Each wait is HLT with IF=1, the check before it with IF=0
 * (no tick can slip in between the check and the HLT); the guest never
 * spins with interrupts off waiting for a tick.
 *
 * It tells the VMM everything by OUT, each one an exit (pm32.h's ports):
 *   P_MARK  byte   the guest reached step N (0xS0 to 0xSF: scenario S)
 *   P_VAL   dword  a value (a tick count, a counter, a port 0x61 byte)
 */
#include "pm32.h"

#define VEC_TICK	0x08		/* IRQ 0: the master PIC's base */
#define VEC_SLAVE	0x70		/* the slave's, as a BIOS has it */
#define PIC_M_CMD	0x20
#define PIC_M_DATA	0x21
#define PIC_S_CMD	0xa0
#define PIC_S_DATA	0xa1
#define PIT_CH0		0x40
#define PIT_CH2		0x42
#define PIT_CTRL	0x43
#define SPEAKER		0x61		/* bit 0 gate 2, 1 speaker data, 5 OUT2 */
#define LATCH		1193		/* about 1 ms at 1.193182 MHz */
/*
 * Counter 2's count: 55 ms, the longest, where Linux calibrates with
 * 10 ms.  The guest reads port 0x61 right after loading it, and must
 * before the count ends: under the emulator two exits can take a
 * millisecond of host time, and a busy test machine kept the vCPU's
 * thread off its CPU for more than 10 ms.
 */
#define CAL_LATCH	0xffff
#define TICKS		20		/* scenario 1 */
#define MORE_TICKS	5		/* scenario 4 */
#define POLL_MAX	10000000	/* scenario 3 gives up after */

/* Tell the VMM the 16-bit value in \reg (clobbers EAX). */
.macro VAL16 reg
	movzwl	\reg, %eax
	out	%eax, $P_VAL
.endm

/* Latch counter \sc and read it (LSB, then MSB) into AX. */
.macro READ_LATCHED sc, port
	mov	$(\sc << 6), %al	/* counter \sc, counter latch command */
	out	%al, $PIT_CTRL
	in	$\port, %al
	mov	%al, %ah
	in	$\port, %al
	xchg	%al, %ah
.endm

/*
 * Some time between two latches: three reads of port 0x61, exits like
 * the reads around them.  Six exits in all take more than a tick of the
 * counters (838 ns) on any host.  Clobbers AL and CX.
 */
.macro PAUSE
	mov	$3, %cx
.Lpause\@:
	in	$SPEAKER, %al
	loop	.Lpause\@
.endm

/*
 * Count \n ticks from now: IRQ 0 unmasked, then HLT with IF=1 until the
 * handler has counted \n (and masked IRQ 0 again).  Returns with IF=0.
 */
.macro WAIT_TICKS n
	movw	$\n, target
	movw	$0, ticks
	mov	$0xfe, %al
	out	%al, $PIC_M_DATA
.Lwait\@:
	cli
	cmpw	$\n, ticks
	jae	.Ldone\@
	sti
	hlt				/* in STI's shadow: no tick is missed */
	jmp	.Lwait\@
.Ldone\@:
.endm

	.code16
	.globl _start
_start:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0xfff0, %sp

	/* The IVT: every vector to dead, VEC_TICK to tick. */
	xor	%ax, %ax
	mov	%ax, %es
	xor	%di, %di
	mov	$256, %cx
	cld
1:	mov	$dead, %ax
	stosw
	mov	%cs, %ax
	stosw
	loop	1b
	movw	$tick, %es:VEC_TICK * 4

	/*
	 * The 8259As: ICW1 edge with ICW4, ICW2 vectors VEC_TICK and
	 * VEC_SLAVE, ICW3 the slave on IRQ 2, ICW4 8086 mode; then only
	 * IRQ 0 unmasked.
	 */
	mov	$0x11, %al
	out	%al, $PIC_M_CMD
	out	%al, $PIC_S_CMD
	mov	$VEC_TICK, %al
	out	%al, $PIC_M_DATA
	mov	$VEC_SLAVE, %al
	out	%al, $PIC_S_DATA
	mov	$0x04, %al
	out	%al, $PIC_M_DATA
	mov	$0x02, %al
	out	%al, $PIC_S_DATA
	mov	$0x01, %al
	out	%al, $PIC_M_DATA
	out	%al, $PIC_S_DATA
	mov	$0xfe, %al
	out	%al, $PIC_M_DATA
	mov	$0xff, %al
	out	%al, $PIC_S_DATA

	/*
	 * 1: counter 0 as a rate generator (control word 0x34: counter 0,
	 * LSB then MSB, mode 2, binary) with a count of LATCH; TICKS ticks
	 * counted with HLT, the TSC read before and after.  The VMM times
	 * the KVM_RUN from the mark to the first value.
	 */
	MARK	0x10
	rdtsc
	mov	%eax, tsc0
	mov	%edx, tsc0 + 4
	mov	$0x34, %al
	out	%al, $PIT_CTRL
	mov	$(LATCH & 0xff), %al
	out	%al, $PIT_CH0
	mov	$(LATCH >> 8), %al
	out	%al, $PIT_CH0
	WAIT_TICKS TICKS
	rdtsc
	sub	tsc0, %eax
	sbb	tsc0 + 4, %edx
	mov	%eax, %esi
	mov	%edx, %edi
	VAL16	ticks
	VAL	%esi			/* the TSC's delta, low ... */
	VAL	%edi			/* ... and high */
	MARK	0x11

	/*
	 * 2: counter 0 latched and read twice, some time apart; then the
	 * read-back command 0xe2 (counter 0's status only) and its status
	 * byte.  IRQ 0 is masked; counter 0 runs on.
	 */
	MARK	0x20
	READ_LATCHED 0, PIT_CH0
	mov	%ax, %bx
	PAUSE
	READ_LATCHED 0, PIT_CH0
	mov	%ax, %dx
	VAL16	%bx
	VAL16	%dx
	mov	$0xe2, %al
	out	%al, $PIT_CTRL
	in	$PIT_CH0, %al
	movzbl	%al, %eax
	out	%eax, $P_VAL
	MARK	0x21

	/*
	 * 3: counter 2 as Linux's pit_calibrate_tsc() has it: gate 2 up and
	 * the speaker off, mode 0 (control word 0xb0) with a count of
	 * CAL_LATCH, then port 0x61 polled until OUT2 (bit 5) is high.  The
	 * poll has IF=0, but each read is an exit and it ends by itself
	 * within 55 ms of counting, and gives up after POLL_MAX reads.  Reported: port
	 * 0x61 right after the count, the number of reads that found OUT2
	 * low, and the read that ended the poll.
	 */
	MARK	0x30
	in	$SPEAKER, %al
	and	$~0x02, %al
	or	$0x01, %al
	out	%al, $SPEAKER
	mov	$0xb0, %al
	out	%al, $PIT_CTRL
	mov	$(CAL_LATCH & 0xff), %al
	out	%al, $PIT_CH2
	mov	$(CAL_LATCH >> 8), %al
	out	%al, $PIT_CH2
	in	$SPEAKER, %al
	movzbl	%al, %esi
	xor	%ecx, %ecx
2:	in	$SPEAKER, %al
	test	$0x20, %al
	jnz	3f
	inc	%ecx
	cmp	$POLL_MAX, %ecx
	jb	2b
3:	movzbl	%al, %edi
	VAL	%esi
	VAL	%ecx
	VAL	%edi

	/*
	 * Gate 2 low and the speaker data bit set (port 0x61 = 0x02):
	 * counter 2 latched and read twice, some time apart, and port 0x61.
	 */
	mov	$0x02, %al
	out	%al, $SPEAKER
	READ_LATCHED 2, PIT_CH2
	mov	%ax, %bx
	PAUSE
	READ_LATCHED 2, PIT_CH2
	mov	%ax, %dx
	in	$SPEAKER, %al
	movzbl	%al, %esi
	VAL16	%bx
	VAL16	%dx
	VAL	%esi
	MARK	0x31

	/*
	 * 4: the VMM's KVM_GET_PIT2 and KVM_SET_PIT2 at this exit, then
	 * MORE_TICKS ticks.  A tick that came while IRQ 0 was masked waits
	 * in the PIC's IRR and is the first of them; the others are the
	 * PIT's after KVM_SET_PIT2.
	 */
	MARK	0x40
	WAIT_TICKS MORE_TICKS
	VAL16	ticks
	MARK	0x41
	HALT

/* IRQ 0: count it; at the target, mask IRQ 0; EOI. */
tick:
	push	%ax
	incw	%cs:ticks
	mov	%cs:ticks, %ax
	cmp	%cs:target, %ax
	jb	4f
	mov	$0xff, %al
	out	%al, $PIC_M_DATA
4:	mov	$0x20, %al		/* OCW2: non-specific EOI */
	out	%al, $PIC_M_CMD
	pop	%ax
	iret

/* Any other vector: nothing else is expected. */
dead:
	mov	$0xff, %al
	out	%al, $P_DEAD
	HALT

	.p2align 3
tsc0:	.quad	0
ticks:	.word	0
target:	.word	0
