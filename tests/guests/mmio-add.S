/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An instruction hvx does not emulate on MMIO (ADD to memory): hvx must
 * stop the run with KVM_EXIT_INTERNAL_ERROR and the instruction's bytes,
 * not guess.  (KVM's full emulator does run it.)
 */
#include "uart.h"
	.code64
	.globl _start
_start:
	mov	$0xd0000000, %ebx
	mov	$1, %eax
	add	%eax, 0x10(%rbx)
	EXIT 0
