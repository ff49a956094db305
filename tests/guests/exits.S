/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One of each exit a guest can cause, in long mode: CPUID, RDMSR and
 * WRMSR (known and unknown MSRs), a VMX instruction, VMCALL, string and
 * plain port I/O in both directions, and HLT with interrupts off to end.
 * #GP and #UD land in the guest's own handlers, which print them and
 * resume at the address in `recover`.
 */
#include "uart.h"
#include "idt64.h"
	.code64
	.globl _start
_start:
	IDT64_LOAD

	/* CPUID: the vendor, VMX hidden, the hypervisor bit set. */
	xor	%eax, %eax
	cpuid
	mov	%ebx, vendor(%rip)
	mov	%edx, vendor+4(%rip)
	mov	%ecx, vendor+8(%rip)
	lea	m_vendor(%rip), %rsi
	PUTS 64
	lea	vendor(%rip), %rsi
	PUTS 64
	lea	m_nl(%rip), %rsi
	PUTS 64
	mov	$1, %eax
	cpuid
	lea	m_vmx_hidden(%rip), %rsi
	bt	$5, %ecx
	jnc	1f
	lea	m_vmx_shown(%rip), %rsi
1:	push	%rcx
	PUTS 64
	pop	%rcx
	lea	m_hv(%rip), %rsi
	bt	$31, %ecx
	jc	1f
	lea	m_nohv(%rip), %rsi
1:	PUTS 64

	/* An MSR the hypervisor keeps: STAR round trip. */
	mov	$0xc0000081, %ecx
	mov	$0x00230010, %edx
	mov	$0xdead0000, %eax
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	cmp	$0x00230010, %edx
	jne	fail
	cmp	$0xdead0000, %eax
	jne	fail
	lea	m_msr(%rip), %rsi
	PUTS 64

	/* An MSR nobody has: #GP. */
	lea	1f(%rip), %rax
	mov	%rax, recover(%rip)
	mov	$0x4b564dff, %ecx
	rdmsr
	jmp	fail
1:
	/* VMXON: the guest sees no VMX, so #UD. */
	lea	1f(%rip), %rax
	mov	%rax, recover(%rip)
	vmxon	vmxon_region(%rip)
	jmp	fail
1:
	/* VMCALL of a hypercall that does not exist. */
	mov	$0x7fff, %eax
	vmcall
	cmp	$-1000, %rax
	jne	fail
	lea	m_vmcall(%rip), %rsi
	PUTS 64

	/* REP OUTSB to the debug port. */
	lea	m_outs(%rip), %rsi
	mov	$(m_outs_end - m_outs), %ecx
	mov	$0xe9, %dx
	rep outsb

	/* REP INSB from the UART's line status register: 16 x 0x60. */
	lea	buf(%rip), %rdi
	mov	$16, %ecx
	mov	$UART_LSR, %dx
	rep insb
	test	%ecx, %ecx
	jnz	fail
	lea	buf(%rip), %rdi
	mov	$16, %ecx
1:	cmpb	$0x60, (%rdi)
	jne	fail
	inc	%rdi
	loop	1b
	lea	m_ins(%rip), %rsi
	PUTS 64

	/* A 16-bit IN from a port with nothing behind it. */
	mov	$0x2f0, %dx
	xor	%eax, %eax
	in	%dx, %ax
	cmp	$0xffff, %eax
	jne	fail
	lea	m_in(%rip), %rsi
	PUTS 64

	mov	$0x600dcafe, %r12
	cli
	hlt
fail:
	EXIT 1

	IDT64_CODE

	.data
	IDT64_DATA
vendor:	.fill	13, 1, 0
buf:	.fill	16, 1, 0
	.p2align 12
vmxon_region: .fill 4096, 1, 0
m_vendor:	.asciz "cpuid: vendor "
m_nl:		.asciz "\n"
m_vmx_hidden:	.asciz "cpuid: VMX hidden\n"
m_vmx_shown:	.asciz "cpuid: VMX shown\n"
m_hv:		.asciz "cpuid: hypervisor bit set\n"
m_nohv:		.asciz "cpuid: hypervisor bit clear\n"
m_msr:		.asciz "msr: STAR round trip\n"
m_vmcall:	.asciz "vmcall: no such hypercall\n"
m_outs:		.ascii "outs: rep outsb to port 0xe9\n"
m_outs_end:
m_ins:		.asciz "ins: 16 bytes from the line status register\n"
m_in:		.asciz "in: nothing behind port 0x2f0\n"
