/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: print through the UART, end with status 0.  Linked at 0, run
 * at CS:IP = 0x1000:0.
 */
#include "uart.h"
	.code16
	.globl _start
_start:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$msg, %si
	PUTS 16
	/* The segment arithmetic of real mode: 0x1000:0 is linear 0x10000. */
	mov	%cs, %ax
	cmp	$0x1000, %ax
	jne	1f
	EXIT 0
1:	EXIT 1
msg:	.asciz "real mode: hello\n"
