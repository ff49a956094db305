/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-modifying code at the edge of RAM: the guest writes a 5-byte MOV
 * into the last 2 bytes of its memory (16 MiB, vmctl's default) and jumps
 * there, so that the CPU fetches the rest from the first page past RAM,
 * where no memory is.  Instructions cannot be fetched from MMIO: the run
 * must end with KVM_EXIT_INTERNAL_ERROR, not run on with made-up bytes.
 */
#include "uart.h"

#define END	(16 << 20)

	.code64
	.globl _start
_start:
	lea	msg(%rip), %rsi
	PUTS 64
	mov	$(END - 2), %rdi
	movb	$0xb8, (%rdi)		/* mov eax, imm32: its opcode ... */
	movb	$0x44, 1(%rdi)		/* ... and one immediate byte */
	jmp	*%rdi
msg:	.asciz "straddle: jumping to an instruction that runs past RAM\n"
