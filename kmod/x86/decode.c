// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO instruction decoder (see decode.h).  The instruction format is
 * that of SDM volume 2, chapter 2: legacy prefixes, REX (64-bit mode
 * only), the opcode, ModRM, SIB, displacement, immediate.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "decode.h"

struct hvx_cursor {
	const u8 *buf;
	unsigned int avail;
	unsigned int pos;
};

/* The next byte, or -1 past what was fetched or past 15 bytes. */
static int hvx_next(struct hvx_cursor *c)
{
	if (c->pos >= c->avail || c->pos >= HVX_INSN_MAX)
		return -1;
	return c->buf[c->pos++];
}

/* A little-endian value of @n bytes, sign-extended to 64 bits. */
static int hvx_take(struct hvx_cursor *c, unsigned int n, u64 *val)
{
	u64 v = 0;
	unsigned int i;
	int b;

	for (i = 0; i < n; i++) {
		b = hvx_next(c);
		if (b < 0)
			return -EINVAL;
		v |= (u64)b << (8 * i);
	}
	if (n < 8 && (v & BIT_ULL(8 * n - 1)))
		v |= ~0ULL << (8 * n);
	*val = v;
	return 0;
}

static int hvx_skip(struct hvx_cursor *c, unsigned int n)
{
	u64 unused;

	return hvx_take(c, n, &unused);
}

/*
 * The rest of a ModRM memory operand: the SIB byte and the displacement.
 * The address itself is not needed: the exit gives the guest-physical
 * address.  A register operand (mod 3) touches no memory and cannot have
 * made an MMIO exit.
 */
static int hvx_skip_modrm_mem(struct hvx_cursor *c, u8 modrm,
			      unsigned int addr_size)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	int sib;

	if (mod == 3)
		return -EINVAL;
	if (addr_size == 2) {
		/* [BX+SI] ... [BX]; mod 0 with rm 6 is a bare disp16. */
		if (mod == 1)
			return hvx_skip(c, 1);
		if (mod == 2 || rm == 6)
			return hvx_skip(c, 2);
		return 0;
	}
	/* 32- and 64-bit forms; REX.B does not change these special cases. */
	if (rm == 4) {
		sib = hvx_next(c);
		if (sib < 0)
			return -EINVAL;
		if (mod == 0 && (sib & 7) == 5)
			return hvx_skip(c, 4);	/* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		return hvx_skip(c, 4);	/* disp32; RIP-relative in 64-bit */
	}
	if (mod == 1)
		return hvx_skip(c, 1);
	if (mod == 2)
		return hvx_skip(c, 4);
	return 0;
}

/*
 * ModRM: the register operand into @insn, then the memory operand.
 * A byte register 4-7 without REX is AH, CH, DH or BH.
 */
static int hvx_modrm(struct hvx_cursor *c, struct hvx_insn *insn, u8 rex,
		     unsigned int reg_bytes, int *reg_field)
{
	int modrm = hvx_next(c);

	if (modrm < 0)
		return -EINVAL;
	*reg_field = (modrm >> 3) & 7;
	insn->reg = *reg_field | (rex & 4 ? 8 : 0);
	insn->high_byte = reg_bytes == 1 && !rex && insn->reg >= 4;
	return hvx_skip_modrm_mem(c, modrm, insn->addr_size);
}

/**
 * hvx_decode_insn - decode an instruction that accessed MMIO
 * @buf: the instruction's bytes, fetched from the guest at its RIP
 * @avail: how many bytes of @buf are valid (up to HVX_INSN_MAX)
 * @mode: the code size: 16, 32 or 64 (CS.D and CS.L, and EFER.LMA)
 * @insn: the result
 *
 * Return: 0, or -EINVAL for an instruction hvx does not emulate, a
 * register operand where memory is needed, or one longer than @avail.
 */
int hvx_decode_insn(const u8 *buf, unsigned int avail, unsigned int mode,
		    struct hvx_insn *insn)
{
	struct hvx_cursor c = { .buf = buf, .avail = avail };
	bool opsize_prefix = false, addr_prefix = false, two_byte = false;
	unsigned int opsz;
	int b, reg_field, r;
	u8 rex = 0;

	memset(insn, 0, sizeof(*insn));
	insn->seg = HVX_SEG_DS;
	if (mode != 16 && mode != 32 && mode != 64)
		return -EINVAL;

	/*
	 * Legacy prefixes, in any order.  A REX prefix counts only right
	 * before the opcode: a legacy prefix after it cancels it.
	 */
	for (;;) {
		b = hvx_next(&c);
		if (b < 0)
			return -EINVAL;
		switch (b) {
		case 0x66:
			opsize_prefix = true;
			break;
		case 0x67:
			addr_prefix = true;
			break;
		case 0xf2:
		case 0xf3:
			insn->rep = true;
			break;
		case 0x26:
			insn->seg = HVX_SEG_ES;
			break;
		case 0x2e:
			insn->seg = HVX_SEG_CS;
			break;
		case 0x36:
			insn->seg = HVX_SEG_SS;
			break;
		case 0x3e:
			insn->seg = HVX_SEG_DS;
			break;
		case 0x64:
			insn->seg = HVX_SEG_FS;
			break;
		case 0x65:
			insn->seg = HVX_SEG_GS;
			break;
		case 0xf0:
			return -EINVAL;	/* LOCK: #UD on every MOV */
		default:
			if (mode == 64 && (b & 0xf0) == 0x40) {
				rex = b;
				continue;
			}
			goto opcode;
		}
		rex = 0;
	}

opcode:
	if (mode == 64) {
		opsz = rex & 8 ? 8 : opsize_prefix ? 2 : 4;
		insn->addr_size = addr_prefix ? 4 : 8;
	} else if (mode == 32) {
		opsz = opsize_prefix ? 2 : 4;
		insn->addr_size = addr_prefix ? 2 : 4;
	} else {
		opsz = opsize_prefix ? 4 : 2;
		insn->addr_size = addr_prefix ? 4 : 2;
	}

	if (b == 0x0f) {
		two_byte = true;
		b = hvx_next(&c);
		if (b < 0)
			return -EINVAL;
	}

	if (two_byte) {
		switch (b) {
		case 0xb6:	/* MOVZX r, r/m8 */
		case 0xb7:	/* MOVZX r, r/m16 */
		case 0xbe:	/* MOVSX r, r/m8 */
		case 0xbf:	/* MOVSX r, r/m16 */
			/* F2/F3 make other instructions of this row. */
			if (insn->rep)
				return -EINVAL;
			insn->op = HVX_INSN_LOAD;
			insn->size = b & 1 ? 2 : 1;
			insn->reg_size = opsz;
			insn->sign_extend = b >= 0xbe;
			r = hvx_modrm(&c, insn, rex, opsz, &reg_field);
			break;
		default:
			return -EINVAL;
		}
		goto done;
	}

	switch (b) {
	case 0x88:	/* MOV r/m8, r8 */
	case 0x89:	/* MOV r/m, r */
	case 0x8a:	/* MOV r8, r/m8 */
	case 0x8b:	/* MOV r, r/m */
		insn->op = b & 2 ? HVX_INSN_LOAD : HVX_INSN_STORE;
		insn->size = b & 1 ? opsz : 1;
		insn->reg_size = insn->size;
		r = hvx_modrm(&c, insn, rex, insn->size, &reg_field);
		break;
	case 0xc6:	/* MOV r/m8, imm8 */
	case 0xc7:	/* MOV r/m, imm16/imm32 (sign-extended to 64) */
		insn->op = HVX_INSN_STORE_IMM;
		insn->size = b & 1 ? opsz : 1;
		r = hvx_modrm(&c, insn, rex, 0, &reg_field);
		if (!r && reg_field)
			return -EINVAL;	/* C6/C7 /1-/7 are other insns */
		if (!r)
			r = hvx_take(&c, min_t(unsigned int, insn->size, 4),
				     &insn->imm);
		insn->reg = 0;
		if (insn->size < 8)
			insn->imm &= GENMASK_ULL(8 * insn->size - 1, 0);
		break;
	case 0xa0:	/* MOV AL, moffs8 */
	case 0xa1:	/* MOV rAX, moffs */
	case 0xa2:	/* MOV moffs8, AL */
	case 0xa3:	/* MOV moffs, rAX */
		insn->op = b & 2 ? HVX_INSN_STORE : HVX_INSN_LOAD;
		insn->size = b & 1 ? opsz : 1;
		insn->reg_size = insn->size;
		r = hvx_skip(&c, insn->addr_size);
		break;
	case 0x63:	/* MOVSXD r, r/m32; ARPL outside 64-bit mode */
		if (mode != 64)
			return -EINVAL;
		insn->op = HVX_INSN_LOAD;
		insn->size = min(opsz, 4U);
		insn->reg_size = opsz;
		insn->sign_extend = opsz == 8;
		r = hvx_modrm(&c, insn, rex, opsz, &reg_field);
		break;
	case 0xa4:	/* MOVSB */
	case 0xa5:	/* MOVSW/D/Q */
	case 0xaa:	/* STOSB */
	case 0xab:	/* STOSW/D/Q */
		insn->op = b >= 0xaa ? HVX_INSN_STOS : HVX_INSN_MOVS;
		insn->size = b & 1 ? opsz : 1;
		insn->reg_size = insn->size;
		r = 0;
		break;
	default:
		return -EINVAL;
	}

done:
	if (r)
		return r;
	/* REP means nothing to a MOV (F2/F3 there are HLE hints). */
	if (insn->op != HVX_INSN_MOVS && insn->op != HVX_INSN_STOS)
		insn->rep = false;
	insn->len = c.pos;
	return 0;
}
