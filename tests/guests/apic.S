/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/apic_test.c: two vCPUs that exercise their
 * local APICs on each other (SDM "Advanced Programmable Interrupt
 * Controller (APIC)"): an NMI IPI, the broadcast shorthands and the
 * physical broadcast, logical destinations in the flat and the cluster
 * model, the timer in TSC-deadline mode, and x2APIC mode: IA32_APIC_BASE,
 * the ID, LDR, ICR, SELF IPI and EOI registers as MSRs.
 *
 * vCPU 0 enters at 0x10000 (linked there) in 32-bit protected mode
 * without paging, IF=0; it loads its own GDT and IDT, enables its APIC
 * and starts vCPU 1 with INIT and a start-up IPI (vector 8, the
 * trampoline at 0x8000), which goes to 32-bit protected mode and joins
 * it at ap_main.  Each vCPU has a stack and a per-CPU block of its own:
 * the block is the base of the 64 KiB its stack is in (PERCPU).
 *
 * vCPU 0 drives; the two take turns, each waking the other with a fixed
 * IPI of V_WAKE, whose handler is silent: one sends V_WAKE and sleeps
 * (sti; hlt) until the other's comes back, so that at most one is ever
 * in flight each way.  Whatever vCPU 0 sends vCPU 1 in a turn, vCPU 1
 * takes while it sleeps; V_WAKE, sent last, has the lowest vector, and
 * the vectors of a turn go down in the order they are sent, so that each
 * vCPU takes them in the order they were sent whatever the timing.
 *
 * Reports, each an OUT and an exit to the VMM (pm32.h): P_MARK steps
 * (vCPU 0: 0x01-0xff, vCPU 1: 0x81-0x8b), P_VAL values, P_VEC from the
 * handler of every interrupt or exception but V_WAKE (before its EOI),
 * P_RET where the timer's and the NMI's handlers return to, P_DEAD for an
 * exception that was not expected (the vCPU stops).  P_TSC carries how
 * late the timer was, in TSC ticks, which varies from run to run: the
 * VMM keeps it out of the transcript it compares.  Nothing is reported
 * between sending V_WAKE and waking again but the interrupts taken.
 * Each vCPU waits with IF=1 in HLT, or with IF=0 in HLT for an NMI.
 */
#define NVEC	0x80		/* below 0x80 each stub fits in STUB bytes */
#include "pm32.h"

#define P_TSC	0x90		/* dword: TSC ticks, not compared */

#define APIC		0xfee00000
#define APIC_ID		(APIC + 0x20)
#define APIC_EOI	(APIC + 0xb0)
#define APIC_LDR	(APIC + 0xd0)
#define APIC_DFR	(APIC + 0xe0)
#define APIC_SVR	(APIC + 0xf0)
#define APIC_ICR	(APIC + 0x300)
#define APIC_ICR2	(APIC + 0x310)
#define APIC_LVTT	(APIC + 0x320)
#define APIC_TMICT	(APIC + 0x380)
#define APIC_TDCR	(APIC + 0x3e0)

/* The ICR's low half: delivery mode, logical, level assert, shorthand. */
#define ICR_NMI		0x400
#define ICR_INIT	0x500
#define ICR_STARTUP	0x600
#define ICR_LOGICAL	0x800
#define ICR_FIXED	0x4000		/* fixed, edge, assert */
#define ICR_ALL		0x80000		/* all including self */
#define ICR_OTHERS	0xc0000		/* all excluding self */

#define LVT_MASKED		0x10000
#define LVT_TSC_DEADLINE	0x40000	/* timer mode 10b, bits 18:17 */

#define MSR_APIC_BASE		0x1b
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_X2_ID		0x802
#define MSR_X2_EOI		0x80b
#define MSR_X2_LDR		0x80d
#define MSR_X2_ISR(v)		(0x810 + (v) / 32)
#define MSR_X2_ICR		0x830
#define MSR_X2_SELF_IPI		0x83f
#define APIC_BASE_EXTD		0x400

#define CPUID1_ECX_X2APIC	(1 << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1 << 24)
#define EFLAGS_IF		0x200

#define TRAMP	0x8000		/* start-up vector 8 */
#define STACK0	0x7fff0		/* per-CPU block 0x70000 */
#define STACK1	0x6fff0		/* per-CPU block 0x60000 */

/* The per-CPU block. */
#define PC_X2	0x00		/* this APIC is in x2APIC mode */
#define PC_GPOK	0x04		/* the next #GP is expected: skip the MSR access */
#define PC_WOKEN 0x08		/* V_WAKEs waited for so far */
#define PC_TSC	0x10		/* TSC in the timer's handler, 64 bits */
#define PC_DL	0x18		/* the deadline armed, 64 bits */
#define PC_HITS	0x40		/* interrupts taken, a dword per vector */

/* Vectors; within a turn, those sent later are lower. */
#define V_WAKE		0x30
#define V_DELAY		0x38	/* vCPU 1's one-shot timer */
#define V_TMR		0x40	/* vCPU 0's TSC-deadline timer */
#define V_SELF		0x4e	/* x2APIC SELF IPI */

#define TSC_WAIT	2000000	/* ticks to the deadline HLT waits for */
#define TSC_DISARMED	1000000	/* ticks to the deadline written over with 0 */
#define DELAY_NS	200000000 /* vCPU 1's one-shot: 200 ms at divide by 1 */

/* \reg: this vCPU's per-CPU block, the base of the 64 KiB of its stack. */
.macro PERCPU reg
	mov	%esp, \reg
	and	$0xffff0000, \reg
.endm

/* RDMSR \msr and report its low half.  Clobbers EAX, ECX, EDX. */
.macro RDMSR_VAL msr
	mov	$\msr, %ecx
	rdmsr
	out	%eax, $P_VAL
.endm

/* Report whether EDX:EAX is 0 (1) or not (0).  Clobbers EAX. */
.macro VAL_ZERO64
	or	%edx, %eax
	setz	%al
	movzbl	%al, %eax
	out	%eax, $P_VAL
.endm

/* An IPI by the xAPIC's ICR: the high half, then the low, which sends. */
.macro IPI_X high, low
	movl	$\high, APIC_ICR2
	movl	$\low, APIC_ICR
.endm

/* An IPI by the x2APIC's ICR, MSR 0x830.  Clobbers EAX, ECX, EDX. */
.macro IPI_X2 dest, low
	mov	$MSR_X2_ICR, %ecx
	mov	$\dest, %edx
	mov	$\low, %eax
	wrmsr
.endm

/*
 * V_WAKE to APIC \dest, physical, through the ICR of the mode this APIC
 * is in.  Clobbers EAX, ECX, EDX and ESI.
 */
.macro SEND_WAKE dest
	PERCPU	%esi
	cmpl	$0, PC_X2(%esi)
	jne	.Lx2\@
	IPI_X	(\dest << 24), (ICR_FIXED | V_WAKE)
	jmp	.Lsent\@
.Lx2\@:	IPI_X2	\dest, (ICR_FIXED | V_WAKE)
.Lsent\@:
.endm

/*
 * Sleep until \v has been taken \n times: the count is checked with
 * IF=0, and STI's shadow covers the HLT, so that an interrupt after the
 * check ends the HLT instead of being missed.  Ends with IF=1.
 * Clobbers ESI.
 */
.macro WAIT_HITS v, n
	PERCPU	%esi
	cli
.Lcheck\@:
	cmpl	$\n, PC_HITS + 4 * \v(%esi)
	jae	.Ldone\@
	sti
	hlt
	cli
	jmp	.Lcheck\@
.Ldone\@:
	sti
.endm

/* Sleep until the other vCPU's next V_WAKE.  Clobbers EDI and ESI. */
.macro WAIT_WAKE
	PERCPU	%esi
	incl	PC_WOKEN(%esi)
	mov	PC_WOKEN(%esi), %edi
	cli
.Lcheck\@:
	cmp	%edi, PC_HITS + 4 * V_WAKE(%esi)
	jae	.Ldone\@
	sti
	hlt
	cli
	jmp	.Lcheck\@
.Ldone\@:
	sti
.endm

/* The next #GP is expected: its handler skips the 2-byte RDMSR or WRMSR. */
.macro GP_EXPECTED
	PERCPU	%esi
	movl	$1, PC_GPOK(%esi)
.endm

/* x2APIC mode on (EXTD), with IF=0 so that no handler sees it half done. */
.macro X2APIC_ON
	cli
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	out	%eax, $P_VAL		/* xAPIC mode */
	or	$APIC_BASE_EXTD, %eax
	wrmsr
	PERCPU	%esi
	movl	$1, PC_X2(%esi)
	sti
	RDMSR_VAL MSR_APIC_BASE		/* EXTD set */
	RDMSR_VAL MSR_X2_ID		/* the vCPU's id */
	RDMSR_VAL MSR_X2_LDR		/* derived from it */
.endm

	PM32_START
	mov	$STACK0, %esp
	IDT32_LOAD

	/* The trampoline goes below 1 MiB, where a start-up IPI can point. */
	mov	$tramp, %esi
	mov	$TRAMP, %edi
	mov	$tramp_end - tramp, %ecx
	cld
	rep movsb

	/* The APIC on: software enable, spurious vector 0xff. */
	movl	$0x1ff, APIC_SVR
	MARK	0x01
	mov	$1, %eax
	cpuid
	and	$(CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE), %ecx
	VAL	%ecx

	/* INIT to APIC 1, then a start-up IPI; vCPU 1 wakes us when up. */
	IPI_X	(1 << 24), (ICR_FIXED | ICR_INIT)
	IPI_X	(1 << 24), (ICR_FIXED | ICR_STARTUP | (TRAMP >> 12))
	MARK	0x02
	sti
	WAIT_WAKE

	/* An NMI to APIC 1, which waits in HLT with IF=0. */
	MARK	0x10
	IPI_X	(1 << 24), (ICR_FIXED | ICR_NMI)
	MARK	0x11
	WAIT_WAKE

	/* The broadcasts: all but self, all, physical destination 0xff. */
	MARK	0x20
	IPI_X	0, (ICR_FIXED | ICR_OTHERS | 0x5c)
	IPI_X	0, (ICR_FIXED | ICR_ALL | 0x5b)
	IPI_X	(0xff << 24), (ICR_FIXED | 0x5a)
	MARK	0x21
	SEND_WAKE 1
	WAIT_WAKE

	/* Logical, flat model: our LDR bit 0, vCPU 1's bit 1. */
	MARK	0x30
	movl	$0xffffffff, APIC_DFR
	movl	$(0x01 << 24), APIC_LDR
	VAL	APIC_LDR
	VAL	APIC_DFR
	IPI_X	(0x02 << 24), (ICR_FIXED | ICR_LOGICAL | 0x6c)
	IPI_X	(0x03 << 24), (ICR_FIXED | ICR_LOGICAL | 0x6b)
	IPI_X	(0x04 << 24), (ICR_FIXED | ICR_LOGICAL | 0x6a)
	IPI_X	(0x01 << 24), (ICR_FIXED | ICR_LOGICAL | 0x69)
	MARK	0x31
	SEND_WAKE 1
	WAIT_WAKE

	/*
	 * Logical, cluster model: cluster 1, we are member bit 0 (LDR 0x11),
	 * vCPU 1 bit 1 (0x12).  0x22 and 0x21 name cluster 2, which a flat
	 * reading of the same bits would match with vCPU 1 and with us.
	 */
	MARK	0x40
	movl	$0x0fffffff, APIC_DFR
	movl	$(0x11 << 24), APIC_LDR
	VAL	APIC_DFR
	VAL	APIC_LDR
	IPI_X	(0x12 << 24), (ICR_FIXED | ICR_LOGICAL | 0x7c)
	IPI_X	(0x13 << 24), (ICR_FIXED | ICR_LOGICAL | 0x7b)
	IPI_X	(0x22 << 24), (ICR_FIXED | ICR_LOGICAL | 0x7a)
	IPI_X	(0x21 << 24), (ICR_FIXED | ICR_LOGICAL | 0x79)
	IPI_X	(0x11 << 24), (ICR_FIXED | ICR_LOGICAL | 0x78)
	MARK	0x41
	SEND_WAKE 1
	WAIT_WAKE

	/*
	 * The timer in TSC-deadline mode.  Outside it (one-shot, masked, as
	 * after RESET) IA32_TSC_DEADLINE ignores writes and reads 0; in it,
	 * the initial count ignores writes.
	 */
	MARK	0x50
	rdtsc
	add	$TSC_WAIT, %eax
	adc	$0, %edx
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	rdmsr
	VAL_ZERO64			/* 1: reads 0 */
	movl	$(LVT_TSC_DEADLINE | V_TMR), APIC_LVTT
	VAL	APIC_LVTT
	movl	$1000000, APIC_TMICT
	VAL	APIC_TMICT		/* 0 */

	/* Armed TSC_WAIT ticks ahead, reads back, wakes the HLT. */
	MARK	0x51
	cli
	rdtsc
	add	$TSC_WAIT, %eax
	adc	$0, %edx
	PERCPU	%esi
	mov	%eax, PC_DL(%esi)
	mov	%edx, PC_DL + 4(%esi)
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	rdmsr
	xor	PC_DL(%esi), %eax
	xor	PC_DL + 4(%esi), %edx
	VAL_ZERO64			/* 1: the deadline written */
	VAL	$tmr_woken
	PERCPU	%esi
1:	cmpl	$0, PC_HITS + 4 * V_TMR(%esi)
	jne	2f
	sti
	hlt
tmr_woken:
	cli
	jmp	1b
2:	sti
	MARK	0x52
	/* The TSC its handler read, less the deadline: not negative. */
	PERCPU	%esi
	mov	PC_TSC(%esi), %eax
	mov	PC_TSC + 4(%esi), %edx
	sub	PC_DL(%esi), %eax
	sbb	PC_DL + 4(%esi), %edx
	out	%eax, $P_TSC
	mov	%edx, %eax
	not	%eax
	shr	$31, %eax
	out	%eax, $P_VAL		/* 1: on or after the deadline */
	mov	$MSR_TSC_DEADLINE, %ecx
	rdmsr
	VAL_ZERO64			/* 1: spent, it reads 0 */
	PERCPU	%esi
	VAL	(PC_HITS + 4 * V_TMR)(%esi)	/* 1 */

	/*
	 * Writing 0 disarms: a deadline TSC_DISARMED ticks ahead, written
	 * over with 0, must not fire.  vCPU 1 wakes us after its 200 ms
	 * one-shot timer, long after that deadline.
	 */
	MARK	0x53
	rdtsc
	add	$TSC_DISARMED, %eax
	adc	$0, %edx
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	rdmsr
	VAL_ZERO64			/* 1: reads 0 */
	SEND_WAKE 1
	WAIT_WAKE
	PERCPU	%esi
	VAL	(PC_HITS + 4 * V_TMR)(%esi)	/* still 1 */

	/*
	 * A deadline in the past (the TSC just read) fires at once: the
	 * interrupt waits for IF, and comes right after STI's shadow.  The
	 * exits in between give a timer behind it the time to fire.
	 */
	MARK	0x54
	cli
	rdtsc
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	MARK	0x55
	mov	$MSR_TSC_DEADLINE, %ecx
	rdmsr
	VAL_ZERO64			/* 1: spent already */
	VAL	$past_open
	sti
	nop				/* in STI's shadow */
past_open:
	MARK	0x56
	PERCPU	%esi
	VAL	(PC_HITS + 4 * V_TMR)(%esi)	/* 2 */
	movl	$(LVT_MASKED | V_TMR), APIC_LVTT	/* one-shot, stopped */

	/* x2APIC: its MSRs fault in xAPIC mode; then EXTD on. */
	MARK	0x60
	GP_EXPECTED
	mov	$MSR_X2_ID, %ecx
	rdmsr
	MARK	0x61
	X2APIC_ON

	/* SELF IPI by MSR, twice: each EOI by MSR must end the last. */
	MARK	0x62
	mov	$MSR_X2_SELF_IPI, %ecx
	xor	%edx, %edx
	mov	$V_SELF, %eax
	wrmsr
	mov	$V_SELF, %eax
	wrmsr
	RDMSR_VAL MSR_X2_ISR(V_SELF)	/* 0: nothing in service */
	MARK	0x63
	SEND_WAKE 1			/* vCPU 1 turns x2APIC on */
	WAIT_WAKE

	/*
	 * x2APIC destinations: physical APIC 1; logical cluster 0 member
	 * 1, members 0 and 1, cluster 1 (nobody); physical 0xffffffff (the
	 * broadcast) and 0xff (APIC ID 255 now: nobody); all but self.
	 */
	MARK	0x64
	IPI_X2	1, (ICR_FIXED | 0x77)
	IPI_X2	2, (ICR_FIXED | ICR_LOGICAL | 0x76)
	IPI_X2	3, (ICR_FIXED | ICR_LOGICAL | 0x75)
	IPI_X2	0x10002, (ICR_FIXED | ICR_LOGICAL | 0x74)
	IPI_X2	0xffffffff, (ICR_FIXED | 0x73)
	IPI_X2	0xff, (ICR_FIXED | 0x72)
	IPI_X2	0, (ICR_FIXED | ICR_OTHERS | 0x71)
	MARK	0x65
	SEND_WAKE 1
	WAIT_WAKE
	MARK	0xff
	HALT

/* vCPU 1, from the trampoline, in 32-bit protected mode with IF=0. */
ap_main:
	lgdt	gdt_desc
	ljmp	$SEL_CODE, $1f
1:	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	$STACK1, %esp
	lidt	idt_desc		/* vCPU 0 filled it in */
	movl	$0x1ff, APIC_SVR
	MARK	0x81
	VAL	APIC_ID			/* 1 << 24 */

	/*
	 * Wait for the NMI with IF=0.  Should it come before the HLT (this
	 * vCPU's thread may be held up after its WAKE), its handler skips
	 * what is left up to and including the HLT, so that either way it
	 * returns to nmi_after.
	 */
	cli
	MARK	0x82
	VAL	$nmi_after
nmi_wait:
	SEND_WAKE 0
nmi_hlt:
	hlt
nmi_after:
	MARK	0x83
	sti
	SEND_WAKE 0
	WAIT_WAKE			/* the broadcasts */

	MARK	0x84			/* flat model, LDR bit 1 */
	movl	$0xffffffff, APIC_DFR
	movl	$(0x02 << 24), APIC_LDR
	VAL	APIC_LDR
	VAL	APIC_DFR
	SEND_WAKE 0
	WAIT_WAKE			/* the logical IPIs, flat */

	MARK	0x85			/* cluster model, cluster 1, bit 1 */
	movl	$0x0fffffff, APIC_DFR
	movl	$(0x12 << 24), APIC_LDR
	VAL	APIC_DFR
	VAL	APIC_LDR
	SEND_WAKE 0
	WAIT_WAKE			/* the logical IPIs, cluster */

	MARK	0x86
	SEND_WAKE 0
	WAIT_WAKE			/* vCPU 0 disarmed its deadline */

	/* Wake vCPU 0 once DELAY_NS have passed, by the one-shot timer. */
	MARK	0x87
	movl	$V_DELAY, APIC_LVTT
	movl	$0xb, APIC_TDCR		/* divide by 1 */
	movl	$DELAY_NS, APIC_TMICT
	WAIT_HITS V_DELAY, 1
	SEND_WAKE 0
	WAIT_WAKE			/* vCPU 0 is in x2APIC mode */

	MARK	0x88
	X2APIC_ON
	/* From x2APIC back to xAPIC mode is a transition the SDM forbids. */
	MARK	0x89
	GP_EXPECTED
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	and	$~APIC_BASE_EXTD, %eax
	wrmsr
	MARK	0x8a
	RDMSR_VAL MSR_APIC_BASE		/* still x2APIC */
	SEND_WAKE 0
	WAIT_WAKE			/* the x2APIC IPIs */
	MARK	0x8b
	SEND_WAKE 0
	HALT

/*
 * Every vector: the stub pushes it, common pushes EAX and loads it.  Then
 * the stack is EBX, EDX, ECX, EAX, vector, [error code,] EIP, CS, EFLAGS.
 */
#define F_EIP		20
#define F_EFLAGS	28

	IDT32_STUBS
	push	%ecx
	push	%edx
	push	%ebx
	PERCPU	%ebx
	cmp	$V_TMR, %eax
	jne	1f
	rdtsc				/* first: when the timer came */
	mov	%eax, PC_TSC(%ebx)
	mov	%edx, PC_TSC + 4(%ebx)
	mov	$V_TMR, %eax
1:	cmp	$2, %eax
	je	nmi
	cmp	$13, %eax
	je	gp
	cmp	$0x20, %eax
	jb	dead
	incl	PC_HITS(%ebx, %eax, 4)
	cmp	$V_WAKE, %eax
	je	eoi
	out	%al, $P_VEC
	cmp	$V_TMR, %eax
	jne	eoi
	mov	F_EIP(%esp), %eax
	out	%eax, $P_RET
	/* The EOI by MMIO in xAPIC mode, by MSR 0x80b (value 0) in x2APIC. */
eoi:	cmpl	$0, PC_X2(%ebx)
	jne	1f
	movl	$0, APIC_EOI
	jmp	done
1:	mov	$MSR_X2_EOI, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
done:	pop	%ebx
	pop	%edx
	pop	%ecx
	pop	%eax
	add	$4, %esp		/* the vector */
	iret

	/* The NMI: where it returns to, and IF as it came.  No EOI. */
nmi:	out	%al, $P_VEC
	mov	F_EIP(%esp), %eax
	cmp	$nmi_wait, %eax
	jb	1f
	cmp	$nmi_hlt, %eax
	ja	1f
	mov	$nmi_after, %eax	/* past the HLT */
	mov	%eax, F_EIP(%esp)
1:	out	%eax, $P_RET
	mov	F_EFLAGS(%esp), %eax
	and	$EFLAGS_IF, %eax
	out	%eax, $P_VAL
	jmp	done

	/* An expected #GP: past the RDMSR or WRMSR (0f 32, 0f 30). */
gp:	cmpl	$0, PC_GPOK(%ebx)
	je	dead
	movl	$0, PC_GPOK(%ebx)
	out	%al, $P_VEC
	addl	$2, F_EIP + 4(%esp)	/* + 4: the error code */
	pop	%ebx
	pop	%edx
	pop	%ecx
	pop	%eax
	add	$8, %esp		/* the vector and the error code */
	iret

dead:	out	%al, $P_DEAD
	HALT

	PM32_TABLES

/*
 * vCPU 1's trampoline, copied to TRAMP and run there in real mode: every
 * address in it is relative to TRAMP.  Into protected mode with a GDT of
 * its own (the same selectors), then on to ap_main.
 */
	.p2align 4
tramp:
	.code16
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_desc - tramp
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE, $TRAMP + (1f - tramp)
	.code32
1:	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	$ap_main, %eax
	jmp	*%eax
	.p2align 3
tramp_gdt:
	GDT32
tramp_gdt_desc:
	.word	3 * 8 - 1
	.long	TRAMP + (tramp_gdt - tramp)
tramp_end:

	IDT32
