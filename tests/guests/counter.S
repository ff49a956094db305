/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts forever: a line with the next number in hex after each stretch
 * of computing, "00000001", "00000002", ...  A guest that is paused and
 * resumed goes on with the next number: no number is lost or repeated.
 */
/*
 * Interrupts on (STI): the guest has no IDT and needs none, since every
 * host interrupt exits to the host; but Bochs only turns a pending host
 * interrupt into that VM exit while the guest's RFLAGS.IF is set.  With
 * IF clear, a guest that never exits keeps its CPU from the host's timer,
 * IPIs and signals (under KVM as much as under hvx).
 */
	.code64
	.globl _start
_start:
	sti
	xor	%r12d, %r12d
next:
	mov	$0x200000, %rcx		/* a stretch with no exits */
1:	dec	%rcx
	jnz	1b
	inc	%r12d
	mov	%r12d, %r13d
	mov	$8, %r14d
2:	rol	$4, %r13d		/* 8 hex digits, most significant first */
	mov	%r13d, %eax
	and	$15, %eax
	lea	digits(%rip), %rbx
	mov	(%rbx,%rax), %al
	out	%al, $0xe9
	dec	%r14d
	jnz	2b
	mov	$'\n', %al
	out	%al, $0xe9
	jmp	next
digits:	.ascii "0123456789abcdef"
