/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Long-mode helpers for the test guests, as assembler macros to place in
 * the guest's code and data:
 *
 * IDT64_CODE: set_gate (an interrupt gate for vector ECX at RAX), and
 * #GP and #UD handlers that print "exception: #GP" or "#UD" and resume
 * at the address in `recover`.  IDT64_DATA: the IDT (32 vectors), its
 * descriptor idt_desc, `recover` and the messages.  GATE installs one
 * handler; IDT64_LOAD installs the #GP and #UD ones and loads the IDT.
 *
 * PUTHEX64: puthex, which prints R13 as 16 hex digits and a space
 * (clobbers RAX, RBX, RDX, RSI, R14), with its buffer.
 *
 * Include uart.h first.
 */

.macro GATE vector, handler
	lea	\handler(%rip), %rax
	mov	$\vector, %ecx
	call	set_gate
.endm

.macro IDT64_LOAD
	GATE	6, ud_handler
	GATE	13, gp_handler
	lidt	idt_desc(%rip)
.endm

.macro IDT64_CODE
set_gate:
	lea	idt(%rip), %rdi
	shl	$4, %ecx
	add	%rcx, %rdi
	mov	%ax, (%rdi)
	movw	$0x18, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	ret

gp_handler:
	add	$8, %rsp		/* the error code */
	lea	m_gp(%rip), %rsi
	jmp	resume
ud_handler:
	lea	m_ud(%rip), %rsi
resume:
	PUTS 64
	mov	recover(%rip), %rax
	mov	%rax, (%rsp)
	iretq
.endm

.macro IDT64_DATA
	.p2align 4
idt:	.fill	64, 8, 0
idt_desc:
	.word	32 * 16 - 1
	.quad	idt
recover: .quad	0
m_gp:	.asciz "exception: #GP\n"
m_ud:	.asciz "exception: #UD\n"
.endm

.macro PUTHEX64
puthex:
	lea	hexbuf(%rip), %rsi
	mov	$16, %r14
2:	rol	$4, %r13
	mov	%r13, %rax
	and	$15, %rax
	lea	hexdigits(%rip), %rbx
	mov	(%rbx,%rax), %al
	mov	%al, (%rsi)
	inc	%rsi
	dec	%r14
	jnz	2b
	lea	hexbuf(%rip), %rsi
	PUTS 64
	ret
hexdigits: .ascii "0123456789abcdef"
hexbuf:	.asciz "0123456789abcdef "
.endm
