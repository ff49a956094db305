/* SPDX-License-Identifier: GPL-2.0 */
/* A long loop with no exits, for signals to interrupt; prints when done. */
#include "uart.h"
	.code64
	.globl _start
_start:
	lea	m_start(%rip), %rsi
	PUTS 64
	mov	$100000000, %rcx
1:	dec	%rcx
	jnz	1b
	lea	m_done(%rip), %rsi
	PUTS 64
	EXIT 0
m_start: .asciz "loop: start\n"
m_done:	.asciz "loop: done\n"
