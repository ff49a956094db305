/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding the guest instruction behind an MMIO access.
 *
 * An EPT violation on a guest-physical address with no memory behind it
 * tells hvx the address, but not what the instruction meant to do there,
 * nor even how long the instruction is: the VM-exit instruction length is
 * undefined for EPT violations (SDM "VM-Exit Instruction Length").  So
 * hvx decodes the instruction itself.  It knows the instructions that move
 * data between memory and a register or an immediate, which are what
 * drivers use to touch device registers:
 *
 *   MOV r/m, reg       88 89          MOV reg, r/m        8A 8B
 *   MOV r/m, imm       C6 /0, C7 /0   MOV acc, moffs      A0 A1
 *   MOV moffs, acc     A2 A3          MOVSXD reg, r/m32   63 (64-bit)
 *   MOVZX reg, r/m     0F B6, 0F B7   MOVSX reg, r/m      0F BE, 0F BF
 *   MOVS               A4 A5          STOS                AA AB
 *
 * with every legacy prefix, REX, and the 16-, 32- and 64-bit addressing
 * forms (ModRM, SIB, displacements, RIP-relative).  Anything else is
 * refused, never guessed at.  Pure logic: KUnit feeds it byte strings.
 */
#ifndef HVX_X86_DECODE_H
#define HVX_X86_DECODE_H

#include <linux/types.h>

/* The longest x86 instruction; a longer one raises #GP. */
#define HVX_INSN_MAX	15

enum hvx_insn_op {
	HVX_INSN_LOAD,		/* register <- memory (MOV, MOVZX, MOVSX) */
	HVX_INSN_STORE,		/* memory <- register */
	HVX_INSN_STORE_IMM,	/* memory <- immediate */
	HVX_INSN_MOVS,		/* memory <- memory: ES:rDI <- seg:rSI */
	HVX_INSN_STOS,		/* memory <- accumulator: ES:rDI */
};

/* Segment registers in the order of the VMX field encodings. */
enum hvx_seg {
	HVX_SEG_ES, HVX_SEG_CS, HVX_SEG_SS, HVX_SEG_DS, HVX_SEG_FS, HVX_SEG_GS,
};

/**
 * struct hvx_insn - a decoded data-moving instruction
 * @op: what it does
 * @len: its length in bytes, prefixes included
 * @size: the bytes of each memory access: 1, 2, 4 or 8
 * @reg_size: LOAD: the bytes of the register written (more than @size
 *	for MOVZX/MOVSX/MOVSXD)
 * @reg: LOAD/STORE: the register, 0 (rAX) to 15 (r15)
 * @high_byte: @reg 4 to 7 names AH, CH, DH, BH (a byte register and no
 *	REX prefix)
 * @sign_extend: LOAD: MOVSX/MOVSXD rather than a zero-extending load
 * @addr_size: the address size: 2, 4 or 8 (rSI, rDI, rCX for strings)
 * @seg: MOVS: the source's segment (DS unless overridden); the
 *	destination of MOVS and STOS is always ES
 * @rep: a REP prefix (F3, or F2, which MOVS and STOS treat alike)
 * @imm: STORE_IMM: the immediate, sign-extended to @size
 */
struct hvx_insn {
	enum hvx_insn_op op;
	u8 len;
	u8 size;
	u8 reg_size;
	u8 reg;
	bool high_byte;
	bool sign_extend;
	u8 addr_size;
	u8 seg;
	bool rep;
	u64 imm;
};

int hvx_decode_insn(const u8 *buf, unsigned int avail, unsigned int mode,
		    struct hvx_insn *insn);

#endif /* HVX_X86_DECODE_H */
