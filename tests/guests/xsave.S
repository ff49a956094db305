/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XSAVE and AVX from inside a long-mode guest: CPUID's XSAVE answers that
 * follow CR4 and XCR0, XSETBV's rules (each bad value raises #GP), the
 * sixteen YMM registers kept whole across exits handled in the kernel and
 * exits to the VMM, the guest's own XSAVE, and #UD for AVX with AVX state
 * off and for XSETBV with CR4.OSXSAVE clear.  Exceptions land in the
 * guest's handlers, which print them and resume at `recover`.
 */
#include "uart.h"
#include "idt64.h"

#define CR4_OSXSAVE	(1 << 18)
#define LOOPS		200

/* XSETBV of XCR(ecx) = edx:eax, which must raise #GP. */
.macro BAD_XSETBV ecx, edx, eax
	lea	9f(%rip), %rax
	mov	%rax, recover(%rip)
	mov	$\ecx, %ecx
	mov	$\edx, %edx
	mov	$\eax, %eax
	xsetbv
	jmp	fail
9:
.endm

/* ECX = XCR0's low half (the high half must be 0); clobbers EAX, EDX. */
.macro XCR0_IS val
	xor	%ecx, %ecx
	xgetbv
	test	%edx, %edx
	jnz	fail
	cmp	$\val, %eax
	jne	fail
.endm

/* CPUID.(0DH,0):EBX must be \size. */
.macro XSAVE_SIZE_IS size
	mov	$0xd, %eax
	xor	%ecx, %ecx
	cpuid
	cmp	$\size, %ebx
	jne	fail
.endm

	.code64
	.globl _start
_start:
	IDT64_LOAD

	/* XSAVE offered; OSXSAVE clear while CR4.OSXSAVE is. */
	mov	$1, %eax
	cpuid
	bt	$26, %ecx
	jnc	no_xsave
	bt	$27, %ecx
	jc	fail
	lea	m_offered(%rip), %rsi
	PUTS 64

	/* XGETBV needs CR4.OSXSAVE. */
	lea	xgetbv_off(%rip), %rax
	mov	%rax, recover(%rip)
	xor	%ecx, %ecx
	xgetbv
	jmp	fail
xgetbv_off:
	mov	%cr4, %rax
	or	$(CR4_OSXSAVE | 0x600), %rax	/* and OSFXSR, OSXMMEXCPT */
	mov	%rax, %cr4
	mov	$1, %eax
	cpuid
	bt	$27, %ecx
	jnc	fail
	XCR0_IS 1
	XSAVE_SIZE_IS 576
	lea	m_osxsave(%rip), %rsi
	PUTS 64

	/* What XSETBV refuses: each is a #GP, and XCR0 stays 1. */
	BAD_XSETBV 0, 0, 0		/* no x87 state */
	BAD_XSETBV 0, 0, 2		/* SSE without x87 */
	BAD_XSETBV 0, 0, 5		/* AVX without SSE */
	BAD_XSETBV 0, 0, 0x207		/* PKRU, not offered */
	BAD_XSETBV 0, 1, 7		/* bit 32, reserved */
	BAD_XSETBV 1, 0, 3		/* XCR1 */
	XCR0_IS 1
	lea	m_refused(%rip), %rsi
	PUTS 64

	/* x87, SSE and AVX on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax
	xsetbv
	XCR0_IS 7
	XSAVE_SIZE_IS 832
	lea	m_avx_on(%rip), %rsi
	PUTS 64

	/* Sixteen YMM registers, 512 bytes of pattern, across many exits. */
	lea	pattern(%rip), %rdi
	mov	$512, %ecx
	mov	$0x3c, %al
1:	stosb
	add	$0x35, %al
	rol	$1, %al
	loop	1b
	lea	pattern(%rip), %rax
	vmovdqu	0x000(%rax), %ymm0
	vmovdqu	0x020(%rax), %ymm1
	vmovdqu	0x040(%rax), %ymm2
	vmovdqu	0x060(%rax), %ymm3
	vmovdqu	0x080(%rax), %ymm4
	vmovdqu	0x0a0(%rax), %ymm5
	vmovdqu	0x0c0(%rax), %ymm6
	vmovdqu	0x0e0(%rax), %ymm7
	vmovdqu	0x100(%rax), %ymm8
	vmovdqu	0x120(%rax), %ymm9
	vmovdqu	0x140(%rax), %ymm10
	vmovdqu	0x160(%rax), %ymm11
	vmovdqu	0x180(%rax), %ymm12
	vmovdqu	0x1a0(%rax), %ymm13
	vmovdqu	0x1c0(%rax), %ymm14
	vmovdqu	0x1e0(%rax), %ymm15
	mov	$LOOPS, %r8d
exits:
	xor	%eax, %eax		/* handled in the kernel */
	cpuid
	mov	$UART_LSR, %dx		/* handled by the VMM */
	in	%dx, %al
	dec	%r8d
	jnz	exits
	lea	saved(%rip), %rax
	vmovdqu	%ymm0, 0x000(%rax)
	vmovdqu	%ymm1, 0x020(%rax)
	vmovdqu	%ymm2, 0x040(%rax)
	vmovdqu	%ymm3, 0x060(%rax)
	vmovdqu	%ymm4, 0x080(%rax)
	vmovdqu	%ymm5, 0x0a0(%rax)
	vmovdqu	%ymm6, 0x0c0(%rax)
	vmovdqu	%ymm7, 0x0e0(%rax)
	vmovdqu	%ymm8, 0x100(%rax)
	vmovdqu	%ymm9, 0x120(%rax)
	vmovdqu	%ymm10, 0x140(%rax)
	vmovdqu	%ymm11, 0x160(%rax)
	vmovdqu	%ymm12, 0x180(%rax)
	vmovdqu	%ymm13, 0x1a0(%rax)
	vmovdqu	%ymm14, 0x1c0(%rax)
	vmovdqu	%ymm15, 0x1e0(%rax)
	lea	pattern(%rip), %rsi
	lea	saved(%rip), %rdi
	mov	$512, %ecx
	cld
	repe cmpsb
	jne	fail
	lea	m_kept(%rip), %rsi
	PUTS 64

	/* The guest's own XSAVE: AVX state in use, YMM15's upper half. */
	mov	$7, %eax
	xor	%edx, %edx
	xsave	area(%rip)
	testb	$4, area+512(%rip)
	jz	fail
	lea	pattern+0x1f0(%rip), %rsi
	lea	area+576+15*16(%rip), %rdi
	mov	$16, %ecx
	repe cmpsb
	jne	fail
	lea	m_xsave(%rip), %rsi
	PUTS 64

	/* AVX state off: VEX.256 instructions are #UD. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$3, %eax
	xsetbv
	XSAVE_SIZE_IS 576
	lea	avx_off(%rip), %rax
	mov	%rax, recover(%rip)
	vmovdqu	%ymm0, %ymm1
	jmp	fail
avx_off:
	/* CR4.OSXSAVE clear again: XSETBV is #UD, before any exit. */
	mov	%cr4, %rax
	and	$~CR4_OSXSAVE, %rax
	mov	%rax, %cr4
	lea	xsetbv_off(%rip), %rax
	mov	%rax, recover(%rip)
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax
	xsetbv
	jmp	fail
xsetbv_off:
	lea	m_done(%rip), %rsi
	PUTS 64
	mov	$0x600dcafe, %r12
	cli
	hlt
no_xsave:
	lea	m_no_xsave(%rip), %rsi
	PUTS 64
fail:
	EXIT 1

	IDT64_CODE

	.data
	IDT64_DATA
	.p2align 6
area:	.fill	1024, 1, 0
pattern: .fill	512, 1, 0
saved:	.fill	512, 1, 0
m_offered:	.asciz "cpuid: XSAVE offered, OSXSAVE clear\n"
m_osxsave:	.asciz "cr4: OSXSAVE on, CPUID says so, XCR0 = 1, area 576 bytes\n"
m_refused:	.asciz "xsetbv: 6 bad values refused, XCR0 still 1\n"
m_avx_on:	.asciz "xsetbv: XCR0 = 7, area 832 bytes\n"
m_kept:		.asciz "avx: ymm0-ymm15 kept across 200 CPUID and 200 IN exits\n"
m_xsave:	.asciz "xsave: the guest's own XSAVE holds its AVX state\n"
m_done:		.asciz "xsave: done\n"
m_no_xsave:	.asciz "cpuid: no XSAVE\n"
