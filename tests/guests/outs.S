/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exactly 1001 port writes, then a spin with no exits at all: 1000 dots
 * and a newline to port 0xe9.  Another process then reads the VM's exit
 * counts over netlink, and they must say 1001 IO_INSTRUCTION exits.
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
	mov	$1000, %ecx
	mov	$'.', %al
1:	out	%al, $0xe9
	loop	1b
	mov	$'\n', %al
	out	%al, $0xe9
2:	jmp	2b
