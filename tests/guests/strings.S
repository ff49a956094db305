/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String I/O and MMIO string instructions across page boundaries, in
 * long mode at CPL 0.  The guest maps a window of its own 4 KiB pages
 * whose physical pages are not adjacent:
 *
 *   linear 0x400000 (A) -> physical 0x601000
 *   linear 0x401000 (B) -> physical 0x603000  (0x602000 lies between)
 *   linear 0x402000 (C)    not present
 *   linear 0x403000 (U) -> physical 0x605000, a user page
 *
 * and then moves data with OUTS and INS through vmctl's FIFO at port
 * 0xe0, and with MOVS to and from the MMIO scratch device at 0xd0000000:
 * an element that straddles A and B, a REP batch that runs from A into
 * B, the same downwards (DF set), a REP batch and an element that run
 * into C (a #PF, with CR2, the error code and the string registers as
 * the CPU leaves them), and a supervisor read of U under SMAP, without
 * and with RFLAGS.AC.  What arrived where is read back through the
 * identity mapping of the physical pages and printed, so that hvx's
 * output can be compared with KVM's; an access that went through A's
 * translation into 0x602000 shows there.
 */
#include "uart.h"
#include "idt64.h"

#define PD0		0x5000		/* vmctl's page directory, first GiB */
#define PDPT		0x4000
#define PML4		0x3000
#define PT		0x600000	/* this guest's page table */
#define PA_A		0x601000
#define PA_GAP		0x602000
#define PA_B		0x603000
#define PA_U		0x605000
#define VA_A		0x400000
#define VA_B		0x401000
#define VA_C		0x402000
#define VA_U		0x403000
#define FIFO		0xe0
#define SCRATCH		0xd0000000
#define CR4_SMAP	(1 << 21)
#define CPUID7_EBX_SMAP	(1 << 20)

/* Set where the #PF handler resumes: the label \to. */
.macro RECOVER to
	lea	\to(%rip), %rax
	mov	%rax, recover(%rip)
.endm

/* Print \msg, then \val (anything MOV takes) in hex. */
.macro SHOW msg, val
	mov	\val, %r13
	lea	\msg(%rip), %rsi
	call	show
.endm

/* R13 = the word at physical PA_B << 16 | the word at PA_A + 0xffe. */
.macro STRADDLE_WORDS
	movzwl	PA_B, %r13d
	shl	$16, %r13d
	movzwl	PA_A + 0xffe, %eax
	or	%eax, %r13d
.endm

	.code64
	.globl _start
_start:
	IDT64_LOAD
	GATE	14, pf_handler

	/* The window: a page table in PD0[2], user-accessible above it. */
	mov	$PT, %edi
	mov	$512, %ecx
	xor	%eax, %eax
	rep stosq
	movq	$(PA_A | 3), PT + 0 * 8
	movq	$(PA_B | 3), PT + 1 * 8
	movq	$(PA_U | 7), PT + 3 * 8
	movq	$(PT | 7), PD0 + 2 * 8
	orq	$4, PDPT
	orq	$4, PML4
	mov	%cr3, %rax
	mov	%rax, %cr3

	/* 1. OUTSL of an element that straddles A and B. */
	movl	$0x64636261, VA_B - 2
	mov	$(VA_B - 2), %esi
	mov	$FIFO, %dx
	outsl
	in	%dx, %eax
	SHOW	m_outs, %rax

	/* 2. INSL into the same place: both halves land where A and B map. */
	mov	$0x68676665, %eax
	mov	$FIFO, %dx
	out	%eax, %dx
	mov	$(VA_B - 2), %edi
	insl
	STRADDLE_WORDS
	SHOW	m_ins, %r13
	SHOW	m_gap, PA_GAP

	/* 3. REP OUTSB of 16 bytes from A's last 8 into B's first 8. */
	mov	$(VA_B - 8), %edi
	xor	%eax, %eax
3:	stosb
	inc	%eax
	cmp	$16, %eax
	jb	3b
	mov	$(VA_B - 8), %esi
	mov	$16, %ecx
	mov	$FIFO, %dx
	rep outsb
	lea	buf(%rip), %rdi
	mov	$16, %ecx
	rep insb
	SHOW	m_rep_outs, buf(%rip)
	SHOW	m_space, buf+8(%rip)

	/* 4. Downwards: REP OUTSW from B's second word back into A. */
	std
	mov	$(VA_B + 2), %esi
	mov	$4, %ecx
	mov	$FIFO, %dx
	rep outsw
	cld
	mov	%rsi, %r12
	lea	buf(%rip), %rdi
	mov	$8, %ecx
	rep insb
	SHOW	m_down_outs, buf(%rip)
	SHOW	m_rsi, %r12
	/* ...and REP INSW back down over the same four words. */
	movabs	$0x1122334455667788, %rax
	mov	$FIFO, %dx
	out	%eax, %dx
	shr	$32, %rax
	out	%eax, %dx
	std
	mov	$(VA_B + 2), %edi
	mov	$4, %ecx
	rep insw
	cld
	SHOW	m_down_ins, PA_A+0xff8
	SHOW	m_space, PA_B
	SHOW	m_gap, PA_GAP

	/* 5. One straddling element, downwards. */
	std
	mov	$(VA_B - 2), %esi
	mov	$FIFO, %dx
	outsl
	cld
	in	%dx, %eax
	SHOW	m_down_one, %rax

	/* 6. REP OUTSB that runs from B into C: 16 bytes, then a #PF. */
	mov	$(VA_C - 16), %edi
	mov	$0x30, %eax
6:	stosb
	inc	%eax
	cmp	$0x40, %eax
	jb	6b
	RECOVER	6f
	mov	$(VA_C - 16), %esi
	mov	$32, %ecx
	mov	$FIFO, %dx
	rep outsb
	jmp	fail
6:	call	show_pf
	lea	buf(%rip), %rdi
	mov	$16, %ecx
	mov	$FIFO, %dx
	rep insb
	SHOW	m_sent, buf(%rip)
	SHOW	m_space, buf+8(%rip)

	/* 7. OUTSL of an element that straddles B and C: a #PF, nothing out. */
	RECOVER	7f
	mov	$(VA_C - 2), %esi
	mov	$FIFO, %dx
	outsl
	jmp	fail
7:	call	show_pf
	mov	$FIFO, %dx
	in	%dx, %al
	movzbl	%al, %eax
	SHOW	m_empty, %rax

	/* 8. MOVS between memory and MMIO, with straddling elements. */
	movl	$0x6c6b6a69, VA_B - 2
	mov	$(VA_B - 2), %esi
	mov	$(SCRATCH + 0x100), %edi
	movsl
	mov	$SCRATCH, %ebx
	mov	0x100(%rbx), %eax
	SHOW	m_movs_to, %rax
	movl	$0x706f6e6d, 0x104(%rbx)
	lea	0x104(%rbx), %esi
	mov	$(VA_B - 2), %edi
	movsl
	STRADDLE_WORDS
	SHOW	m_movs_from, %r13
	SHOW	m_gap, PA_GAP
	RECOVER	8f
	mov	$(VA_C - 2), %esi
	mov	$(SCRATCH + 0x108), %edi
	movsl
	jmp	fail
8:	call	show_pf
	RECOVER	8f
	mov	$(SCRATCH + 0x108), %esi
	mov	$(VA_C - 2), %edi
	movsl
	jmp	fail
8:	call	show_pf

	/* 9. SMAP: a supervisor OUTSB from a user page faults unless AC. */
	mov	$7, %eax
	xor	%ecx, %ecx
	cpuid
	xor	%ecx, %ecx		/* leaf 7's ECX differs from KVM's */
	test	$CPUID7_EBX_SMAP, %ebx
	jz	9f
	movb	$0x5a, VA_U
	mov	%cr4, %rax
	or	$CR4_SMAP, %rax
	mov	%rax, %cr4
	RECOVER	91f
	mov	$VA_U, %esi
	mov	$FIFO, %dx
	outsb
	jmp	fail
91:	call	show_pf
	stac
	mov	$VA_U, %esi
	mov	$FIFO, %dx
	outsb
	clac
	in	%dx, %al
	movzbl	%al, %eax
	SHOW	m_smap_ac, %rax
	mov	%cr4, %rax
	and	$~CR4_SMAP, %rax
	mov	%rax, %cr4
9:
	/* 10. INSL into an element that straddles B and C: a #PF. */
	RECOVER	10f
	mov	$(VA_C - 2), %edi
	mov	$FIFO, %dx
	insl
	jmp	fail
10:	call	show_pf

	lea	m_done(%rip), %rsi
	PUTS 64
	EXIT 0
fail:
	lea	m_fail(%rip), %rsi
	PUTS 64
	EXIT 1

/* Print the string at RSI, then R13 in hex. */
show:
	push	%r13
	PUTS 64
	pop	%r13
	call	puthex
	lea	m_nl(%rip), %rsi
	PUTS 64
	ret

/* Print what the last #PF left: CR2, error code, RSI, RDI, RCX. */
show_pf:
	SHOW	m_pf, pf_cr2(%rip)
	SHOW	m_pf_err, pf_err(%rip)
	SHOW	m_pf_rsi, pf_rsi(%rip)
	SHOW	m_pf_rdi, pf_rdi(%rip)
	SHOW	m_pf_rcx, pf_rcx(%rip)
	ret

/* #PF: keep what the CPU says and the string registers; go on. */
pf_handler:
	popq	pf_err(%rip)
	mov	%rsi, pf_rsi(%rip)
	mov	%rdi, pf_rdi(%rip)
	mov	%rcx, pf_rcx(%rip)
	push	%rax
	mov	%cr2, %rax
	mov	%rax, pf_cr2(%rip)
	mov	recover(%rip), %rax
	mov	%rax, 8(%rsp)
	pop	%rax
	iretq

	IDT64_CODE
	PUTHEX64

	.data
	IDT64_DATA
	.p2align 3
buf:	.quad	0, 0
pf_cr2:	.quad	0
pf_err:	.quad	0
pf_rsi:	.quad	0
pf_rdi:	.quad	0
pf_rcx:	.quad	0
m_outs:	.asciz "strings: OUTSL across A|B sent "
m_ins:	.asciz "strings: INSL across A|B wrote "
m_gap:	.asciz "strings: the page between A and B holds "
m_rep_outs: .asciz "strings: REP OUTSB across A|B sent "
m_space: .asciz "         ... "
m_down_outs: .asciz "strings: REP OUTSW down across A|B sent "
m_rsi:	.asciz "strings: ...leaving RSI "
m_down_ins: .asciz "strings: REP INSW down across A|B wrote "
m_down_one: .asciz "strings: OUTSL down across A|B sent "
m_sent:	.asciz "strings: before the #PF it sent "
m_empty: .asciz "strings: the FIFO is empty: "
m_movs_to: .asciz "strings: MOVSL across A|B to MMIO wrote "
m_movs_from: .asciz "strings: MOVSL from MMIO across A|B wrote "
m_smap_ac: .asciz "strings: with AC, OUTSB from the user page sent "
m_pf:	.asciz "strings: #PF at "
m_pf_err: .asciz "         error code "
m_pf_rsi: .asciz "         RSI "
m_pf_rdi: .asciz "         RDI "
m_pf_rcx: .asciz "         RCX "
m_nl:	.asciz "\n"
m_done:	.asciz "strings: done\n"
m_fail:	.asciz "strings: an access that should have faulted did not\n"
