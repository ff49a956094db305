/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-side helpers, as assembler macros: print a NUL-terminated string
 * on the 16550 UART at 0x3f8 the way a real driver does (wait for the line
 * status register's "transmitter empty" bit, then write the byte), and end
 * the run through port 0xf4.
 *
 * PUTS16/PUTS32/PUTS64 take the string's address in SI/ESI/RSI and clobber
 * AX, BX, DX and SI.  PUTHEX32 prints a number on the debug port.
 */
#define UART		0x3f8
#define UART_LSR	(UART + 5)
#define LSR_THRE	0x20
#define EXIT_PORT	0xf4

.macro PUTS bits
	.ifc \bits,16
	cld
	.endif
1:	lodsb
	test	%al, %al
	jz	3f
	mov	%al, %bl
	mov	$UART_LSR, %dx
2:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	2b
	mov	$UART, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	1b
3:
.endm

/*
 * A line on the debug port 0xe9: \reg's 32 bits as 8 hex digits, most
 * significant first.  64-bit code; clobbers RAX, RBX, R13 and R14.
 */
.macro PUTHEX32 reg
	mov	\reg, %r13d
	mov	$8, %r14d
.Lhex\@:
	rol	$4, %r13d
	mov	%r13d, %eax
	and	$15, %eax
	lea	.Ldigits\@(%rip), %rbx
	mov	(%rbx,%rax), %al
	out	%al, $0xe9
	dec	%r14d
	jnz	.Lhex\@
	mov	$'\n', %al
	out	%al, $0xe9
	jmp	.Lend\@
.Ldigits\@:
	.ascii	"0123456789abcdef"
.Lend\@:
.endm

/* End the run with exit status \code. */
.macro EXIT code
	mov	$\code, %al
	out	%al, $EXIT_PORT
	hlt
.endm
