/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that does what its VMM asks, one request at a time: the guest of
 * tests/e2e/progs/msr_model_test.c and dirty_log_test.c, which test what
 * a guest sees of MSRs and what a VMM sees of a guest's memory writes.
 *
 * Entry: at 0x10000 (linked there), in 32-bit protected mode without
 * paging, IF=0; it loads its own GDT, IDT and stack.  At each P_MARK 1
 * exit the VMM writes a request into the mailbox at BOX, which the guest
 * then carries out:
 *   op 0: RDMSR of msr; reports EAX and EDX on P_VAL
 *   op 1: WRMSR of hi:lo to msr; P_MARK 2 once done
 *   op 2: store the dword lo at address addr; P_MARK 2 once done
 *   op 3: load the dword at addr; reports it on P_VAL
 *   op 4: VMCALL of hypercall lo with addr as its first argument; reports
 *         its result (EAX) on P_VAL
 * An exception (a #GP from an MSR access, a #MC the VMM raised) reports
 * its vector on P_VEC and abandons the request; the guest waits for the
 * next one.
 */
#define NVEC	32
#include "pm32.h"

/* The mailbox: op, msr, lo, hi, addr, dwords in that order. */
#define BOX		0x9000
#define BOX_OP		(BOX + 0)
#define BOX_MSR		(BOX + 4)
#define BOX_LO		(BOX + 8)
#define BOX_HI		(BOX + 12)
#define BOX_ADDR	(BOX + 16)

	PM32_START
	IDT32_LOAD

next:
	MARK	1
	mov	BOX_MSR, %ecx
	mov	BOX_LO, %eax
	mov	BOX_HI, %edx
	mov	BOX_ADDR, %ebx
	mov	BOX_OP, %esi
	cmp	$1, %esi
	je	wr
	cmp	$2, %esi
	je	store
	cmp	$3, %esi
	je	load
	cmp	$4, %esi
	je	hypercall
	rdmsr
	out	%eax, $P_VAL
	mov	%edx, %eax
	out	%eax, $P_VAL
	jmp	next
wr:
	wrmsr
	MARK	2
	jmp	next
store:
	mov	%eax, (%ebx)
	MARK	2
	jmp	next
load:
	mov	(%ebx), %eax
	out	%eax, $P_VAL
	jmp	next
hypercall:
	vmcall
	out	%eax, $P_VAL
	jmp	next

	/* Any exception: report it, drop the request and its stack. */
	IDT32_STUBS
	out	%al, $P_VEC
	mov	$STACK, %esp
	jmp	next

	PM32_TABLES
	IDT32
