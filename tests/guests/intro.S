/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/intro_test.c, watched by an introspector
 * in another process.  Each step is a P_MARK; the results go to the VMM
 * on P_VAL, for it to check what the introspector's replies did.
 *
 *   1  CPUID leaf 0 (answered), then leaf 1 (the introspector skips it
 *      and sets EAX)
 *   2  VMCALL 0x4856 (hvx's "no such call"), then 0x4857 (skipped, EAX
 *      set by the introspector)
 *   3  INT3 that is not the introspector's (the guest's handler counts
 *      it), then one that is: it writes a NOP over it and has it run again
 *   4  CR4.PSE, CR3 and CR0.PG: 4 MiB pages, identity-mapped, and
 *      0x40000000 mapping 0 too; then a bad CR3 the introspector mends
 *   5  a store through the alias; CPUID leaf 0x4856 with EBX the stored
 *      address and ESI what leaf 0 said: the introspector translates,
 *      reads, compares, sets EDI, injects a #UD, and the CPUID runs again
 *   6  CR4.OSXSAVE and XSETBV of XCR0 = 3
 *   7  CPUID leaf 0x4857 (EBX the loop, EDX the flag, ESI the counter),
 *      then a loop that counts until the introspector, which pauses the
 *      vCPU there, sets the flag
 *   8  WRMSR of IA32_SYSENTER_EIP (which the guest otherwise writes
 *      without exits: the introspector changes the value), of
 *      IA32_SYSENTER_ESP (not watched) and of LSTAR
 *   9  CPUID leaf 0x4858 (EBX the data page, EDX the code page), after
 *      which the introspector has taken the data page's W and the code
 *      page's X: a store there and a call there, each a PF event until it
 *      gives the right back; then CPUID leaf 0x4859, after which the code
 *      page is execute-only: a call there runs, a load from it is a PF
 *      event
 *  10  CPUID leaf 0x485a with EBX the next instruction: the introspector
 *      single-steps the five after it, a CPUID among them
 *  11  the descriptor tables: SGDT (carried out), LGDT of a longer limit
 *      (carried out), SIDT (skipped), SGDT (the new limit), LLDT of the
 *      null selector (carried out), STR (the introspector switches the
 *      events off and retries it, so it runs unwatched)
 *  12  STORM INT3s, each counted by the guest's own handler, whatever
 *      happens to the introspector meanwhile (it puts an INT3 of its own
 *      over the LOOP and dies while the vCPU waits there)
 *
 * Entry: at 0x10000 in flat 32-bit protected mode without paging, IF=0.
 */
#define NVEC	0x20
#include "pm32.h"

#define STORM		300
#define ALIAS		0x40000000
#define CR0_PG		0x80000000
#define CR4_PSE		0x10
#define CR4_OSXSAVE	0x40000
#define PDE_4M		0x83		/* present, writable, 4 MiB */

	PM32_START
	IDT32_LOAD

	MARK	1
	xor	%eax, %eax
	cpuid
	mov	%eax, %ebp			/* the highest leaf, for step 5 */
	VAL	%ebp
	mov	$1, %eax
	cpuid
	VAL	%eax

	MARK	2
	mov	$0x4856, %eax
	vmcall
	VAL	%eax
	mov	$0x4857, %eax
	vmcall
	VAL	%eax

	MARK	3
	movl	$0, bp_count
bp1:	int3
	VAL	bp_count
bp2:	int3
	VAL	bp_count
	movzbl	bp2, %eax
	VAL	%eax

	MARK	4
	movl	$PDE_4M, pd
	movl	$PDE_4M, pd + (ALIAS >> 22) * 4
	mov	%cr4, %eax
	or	$CR4_PSE, %eax
	mov	%eax, %cr4
	mov	$pd, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	mov	$0x5000, %eax
	mov	%eax, %cr3
	mov	%cr3, %eax
	VAL	%eax

	MARK	5
	movl	$0x5a5a1234, ALIAS + magic
	mov	$magic, %ebx
	mov	%ebp, %esi
	xor	%edi, %edi
	mov	$0x4856, %eax
	cpuid
	VAL	%edi

	MARK	6
	mov	%cr4, %eax
	or	$CR4_OSXSAVE, %eax
	mov	%eax, %cr4
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$3, %eax
	xsetbv
	xor	%ecx, %ecx
	xgetbv
	VAL	%eax

	MARK	7
	mov	$spin, %ebx
	mov	$go, %edx
	mov	$count, %esi
	mov	$0x4857, %eax
	cpuid
spin:	incl	count
	cmpl	$0, go
	je	spin
	VAL	count

	MARK	8
	mov	$0x176, %ecx			/* IA32_SYSENTER_EIP */
	mov	$0x1234, %eax
	xor	%edx, %edx
	wrmsr
	rdmsr
	VAL	%eax
	mov	$0x175, %ecx			/* IA32_SYSENTER_ESP */
	mov	$0x4321, %eax
	wrmsr
	mov	$0xc0000082, %ecx		/* LSTAR */
	mov	$0xabc000, %eax
	xor	%edx, %edx
	wrmsr
	rdmsr
	VAL	%eax

	MARK	9
	mov	$wpage, %ebx
	mov	$xpage, %edx
	mov	$0x4858, %eax
	cpuid
	movl	$0x1111, wpage
	call	xfunc
	mov	%eax, %esi			/* VAL clobbers EAX */
	VAL	wpage
	VAL	%esi
	mov	$0x4859, %eax
	cpuid
	call	xfunc
	mov	xfunc, %ecx
	VAL	%ecx

	MARK	10
	mov	$steps, %ebx
	mov	$0x485a, %eax
	cpuid
steps:	nop
	inc	%eax
	nop
	cpuid
	nop

	MARK	11
	sgdt	gdt_old
	movzwl	gdt_old, %eax
	VAL	%eax
	movw	$0x7ff, gdt_old
	lgdt	gdt_old
	sidt	idt_new
	sgdt	gdt_new
	movzwl	idt_new, %eax
	VAL	%eax
	movzwl	gdt_new, %eax
	VAL	%eax
	xor	%eax, %eax
	lldt	%ax
	mov	$0x1234, %eax
	str	%ax
	VAL	%eax

	MARK	12
	movl	$0, bp_count
	mov	$STORM, %ecx
1:	int3
sloop:	loop	1b
	VAL	bp_count
	movzbl	sloop, %eax			/* its LOOP, as it was? */
	VAL	%eax

	MARK	13
	HALT

	/* #BP is counted; any other vector is reported. */
	IDT32_STUBS
	cmp	$3, %al
	jne	1f
	incl	bp_count
	pop	%eax
	add	$4, %esp
	iret
1:	out	%al, $P_VEC
	IRET32_REPORT

	PM32_TABLES
	IDT32
	.p2align 2
bp_count: .long	0
magic:	.long	0
count:	.long	0
go:	.long	0
gdt_old: .fill	8, 1, 0			/* limit and base, for step 11 */
gdt_new: .fill	8, 1, 0
idt_new: .fill	8, 1, 0
	.p2align 12
pd:	.fill	1024, 4, 0
wpage:	.fill	1024, 4, 0		/* pages of their own, for step 9 */
xpage:
xfunc:	mov	$0x2222, %eax
	ret
	.p2align 12
