/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every mode switch, made by the guest itself: real mode -> protected mode
 * -> long mode (its own page tables, EFER.LME, CR0.PG) -> back through
 * compatibility mode to protected mode with paging off -> real mode.
 * Linked at 0 and loaded at BASE: 16-bit code addresses are offsets from
 * CS = BASE >> 4, the rest add BASE.
 */
#include "uart.h"
#define BASE	0x10000
#define PML4	0x20000

	.code16
	.globl _start
_start:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0xfff0, %sp
	mov	$m_real, %si
	PUTS 16
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $(BASE + pm32)

	.code32
pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$(BASE + 0xfff0), %esp
	mov	$(BASE + m_prot), %esi
	PUTS 32
	/* Identity-map the first GiB with 2 MiB pages. */
	mov	$PML4, %edi
	mov	$(3 * 1024), %ecx
	xor	%eax, %eax
	cld
	rep stosl
	movl	$(PML4 + 0x1003), PML4
	movl	$(PML4 + 0x2003), PML4 + 0x1000
	mov	$(PML4 + 0x2000), %edi
	mov	$0x83, %eax
	mov	$512, %ecx
1:	mov	%eax, (%edi)
	add	$0x200000, %eax
	add	$8, %edi
	loop	1b
	mov	$PML4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$0xc0000080, %ecx
	rdmsr
	or	$0x100, %eax		/* EFER.LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80000000, %eax	/* PG: long mode is active */
	mov	%eax, %cr0
	ljmp	$0x18, $(BASE + lm64)

	.code64
lm64:
	lea	m_long(%rip), %rsi
	PUTS 64
	mov	$0xc0000080, %ecx
	rdmsr
	test	$0x400, %eax		/* EFER.LMA */
	jz	fail64
	/* Down to compatibility mode. */
	pushq	$0x08
	pushq	$(BASE + cm32)
	lretq
fail64:
	EXIT 1

	.code32
cm32:
	mov	%cr0, %eax
	and	$0x7fffffff, %eax	/* paging off: long mode ends */
	mov	%eax, %cr0
	mov	$0xc0000080, %ecx
	rdmsr
	test	$0x400, %eax
	jnz	fail32
	and	$~0x100, %eax
	wrmsr
	mov	$(BASE + m_prot2), %esi
	PUTS 32
	ljmp	$0x28, $pm16
fail32:
	EXIT 2

	.code16
pm16:
	mov	$0x30, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	%cr0, %eax
	and	$~1, %eax
	mov	%eax, %cr0
	ljmp	$(BASE >> 4), $rm16
rm16:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$m_real2, %si
	PUTS 16
	EXIT 0

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf93000000ffff	/* 0x10: data, flat */
	.quad	0x00af9b000000ffff	/* 0x18: 64-bit code */
	.quad	0
	.quad	0x00009b010000ffff	/* 0x28: 16-bit code at BASE */
	.quad	0x000093010000ffff	/* 0x30: 16-bit data at BASE */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	BASE + gdt

m_real:	.asciz "modes: real mode\n"
m_prot:	.asciz "modes: protected mode\n"
m_long:	.asciz "modes: long mode\n"
m_prot2: .asciz "modes: protected mode again, paging off\n"
m_real2: .asciz "modes: real mode again\n"
