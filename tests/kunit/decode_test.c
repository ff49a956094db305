// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MMIO instruction decoder, one table row per form.  Each row
 * gives the bytes as the guest has them, the code size, and what the
 * decoder must make of them, or that it must refuse them.
 */
#include <kunit/test.h>

#include "../../kmod/x86/decode.c"

struct decode_case {
	const char *what;
	u8 mode;
	u8 bytes[HVX_INSN_MAX + 1];
	u8 avail;		/* 0: the whole of bytes[] */
	int ret;
	struct hvx_insn want;
};

#define LOAD		.op = HVX_INSN_LOAD
#define STORE		.op = HVX_INSN_STORE
#define STORE_IMM	.op = HVX_INSN_STORE_IMM
#define A64		.addr_size = 8, .seg = HVX_SEG_DS
#define A32		.addr_size = 4, .seg = HVX_SEG_DS
#define A16		.addr_size = 2, .seg = HVX_SEG_DS

static const struct decode_case decode_cases[] = {
	/* 64-bit mode: ModRM, SIB, displacements, REX. */
	{ "mov eax, [rip+disp32]", 64, { 0x8b, 0x05, 1, 2, 3, 4 }, 6, 0,
	  { LOAD, .len = 6, .size = 4, .reg_size = 4, .reg = 0, A64 } },
	{ "mov rax, [rbx]", 64, { 0x48, 0x8b, 0x03 }, 3, 0,
	  { LOAD, .len = 3, .size = 8, .reg_size = 8, A64 } },
	{ "mov r9d, [rsp+8]", 64, { 0x44, 0x8b, 0x4c, 0x24, 0x08 }, 5, 0,
	  { LOAD, .len = 5, .size = 4, .reg_size = 4, .reg = 9, A64 } },
	{ "mov [rdi], ah", 64, { 0x88, 0x27 }, 2, 0,
	  { STORE, .len = 2, .size = 1, .reg_size = 1, .reg = 4,
	    .high_byte = true, A64 } },
	{ "mov [rdi], sil", 64, { 0x40, 0x88, 0x37 }, 3, 0,
	  { STORE, .len = 3, .size = 1, .reg_size = 1, .reg = 6, A64 } },
	{ "mov [rax], cx", 64, { 0x66, 0x89, 0x08 }, 3, 0,
	  { STORE, .len = 3, .size = 2, .reg_size = 2, .reg = 1, A64 } },
	{ "mov [r12+0x80], eax", 64,
	  { 0x41, 0x89, 0x84, 0x24, 0x80, 0, 0, 0 }, 8, 0,
	  { STORE, .len = 8, .size = 4, .reg_size = 4, A64 } },
	{ "mov [r13+0], eax", 64, { 0x41, 0x89, 0x45, 0x00 }, 4, 0,
	  { STORE, .len = 4, .size = 4, .reg_size = 4, A64 } },
	{ "mov [rcx*4+disp32], eax (SIB, no base)", 64,
	  { 0x89, 0x04, 0x8d, 0, 0x10, 0, 0 }, 7, 0,
	  { STORE, .len = 7, .size = 4, .reg_size = 4, A64 } },
	{ "mov r15, fs:[0x28]", 64,
	  { 0x64, 0x4c, 0x8b, 0x3c, 0x25, 0x28, 0, 0, 0 }, 9, 0,
	  { LOAD, .len = 9, .size = 8, .reg_size = 8, .reg = 15,
	    .addr_size = 8, .seg = HVX_SEG_FS } },
	{ "mov dword [rax], 0x12345678", 64,
	  { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 6, 0,
	  { STORE_IMM, .len = 6, .size = 4, .imm = 0x12345678, A64 } },
	{ "mov qword [rax], -1 (imm32 sign-extended)", 64,
	  { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }, 7, 0,
	  { STORE_IMM, .len = 7, .size = 8, .imm = ~0ULL, A64 } },
	{ "mov word [rax], 0x8234", 64, { 0x66, 0xc7, 0x00, 0x34, 0x82 }, 5, 0,
	  { STORE_IMM, .len = 5, .size = 2, .imm = 0x8234, A64 } },
	{ "mov byte [0x1000], 0x5a", 64,
	  { 0xc6, 0x04, 0x25, 0x00, 0x10, 0, 0, 0x5a }, 8, 0,
	  { STORE_IMM, .len = 8, .size = 1, .imm = 0x5a, A64 } },
	{ "movzx eax, byte [rdi+16]", 64, { 0x0f, 0xb6, 0x47, 0x10 }, 4, 0,
	  { LOAD, .len = 4, .size = 1, .reg_size = 4, A64 } },
	{ "movzx r8d, word [rdi]", 64, { 0x44, 0x0f, 0xb7, 0x07 }, 4, 0,
	  { LOAD, .len = 4, .size = 2, .reg_size = 4, .reg = 8, A64 } },
	{ "movsx rcx, word [rdx+8]", 64, { 0x48, 0x0f, 0xbf, 0x4a, 0x08 }, 5, 0,
	  { LOAD, .len = 5, .size = 2, .reg_size = 8, .reg = 1,
	    .sign_extend = true, A64 } },
	{ "movsx ax, byte [rsi]", 64, { 0x66, 0x0f, 0xbe, 0x06 }, 4, 0,
	  { LOAD, .len = 4, .size = 1, .reg_size = 2, .sign_extend = true,
	    A64 } },
	{ "movsxd rax, dword [rsi]", 64, { 0x48, 0x63, 0x06 }, 3, 0,
	  { LOAD, .len = 3, .size = 4, .reg_size = 8, .sign_extend = true,
	    A64 } },
	{ "mov eax, [moffs64]", 64, { 0xa1, 0, 0, 0, 0xfe, 0, 0, 0, 0 }, 9, 0,
	  { LOAD, .len = 9, .size = 4, .reg_size = 4, A64 } },
	{ "mov eax, [moffs32] (67)", 64, { 0x67, 0xa1, 0, 0, 0, 0xfe }, 6, 0,
	  { LOAD, .len = 6, .size = 4, .reg_size = 4, A32 } },
	{ "mov [moffs64], al", 64, { 0xa2, 0, 0, 0, 0xfe, 0, 0, 0, 0 }, 9, 0,
	  { STORE, .len = 9, .size = 1, .reg_size = 1, A64 } },
	{ "rep movsb", 64, { 0xf3, 0xa4 }, 2, 0,
	  { .op = HVX_INSN_MOVS, .len = 2, .size = 1, .reg_size = 1,
	    .rep = true, A64 } },
	{ "movsd with a GS source", 64, { 0x65, 0xa5 }, 2, 0,
	  { .op = HVX_INSN_MOVS, .len = 2, .size = 4, .reg_size = 4,
	    .addr_size = 8, .seg = HVX_SEG_GS } },
	{ "rep stosq", 64, { 0xf3, 0x48, 0xab }, 3, 0,
	  { .op = HVX_INSN_STOS, .len = 3, .size = 8, .reg_size = 8,
	    .rep = true, A64 } },
	{ "REX.W beats 66", 64, { 0x66, 0x48, 0x8b, 0x00 }, 4, 0,
	  { LOAD, .len = 4, .size = 8, .reg_size = 8, A64 } },
	{ "a prefix after REX cancels it", 64, { 0x48, 0x66, 0x8b, 0x00 }, 4, 0,
	  { LOAD, .len = 4, .size = 2, .reg_size = 2, A64 } },
	{ "an HLE prefix on a MOV is not REP", 64, { 0xf3, 0x89, 0x00 }, 3, 0,
	  { STORE, .len = 3, .size = 4, .reg_size = 4, A64 } },

	/* 32-bit mode. */
	{ "mov eax, [ebp-4]", 32, { 0x8b, 0x45, 0xfc }, 3, 0,
	  { LOAD, .len = 3, .size = 4, .reg_size = 4, A32 } },
	{ "mov ax, [bx] (66 67)", 32, { 0x66, 0x67, 0x8b, 0x07 }, 4, 0,
	  { LOAD, .len = 4, .size = 2, .reg_size = 2, A16 } },
	{ "mov [moffs32], eax", 32, { 0xa3, 0, 0, 0, 0xfe }, 5, 0,
	  { STORE, .len = 5, .size = 4, .reg_size = 4, A32 } },
	{ "mov [edi], bh", 32, { 0x88, 0x3f }, 2, 0,
	  { STORE, .len = 2, .size = 1, .reg_size = 1, .reg = 7,
	    .high_byte = true, A32 } },
	{ "rep movsw, 16-bit addresses", 32, { 0x66, 0x67, 0xf3, 0xa5 }, 4, 0,
	  { .op = HVX_INSN_MOVS, .len = 4, .size = 2, .reg_size = 2,
	    .rep = true, A16 } },

	/* 16-bit mode. */
	{ "mov ax, [bp+2]", 16, { 0x8b, 0x46, 0x02 }, 3, 0,
	  { LOAD, .len = 3, .size = 2, .reg_size = 2, A16 } },
	{ "mov si, [0x1234]", 16, { 0x8b, 0x36, 0x34, 0x12 }, 4, 0,
	  { LOAD, .len = 4, .size = 2, .reg_size = 2, .reg = 6, A16 } },
	{ "mov [bx+0x100], eax", 16, { 0x66, 0x89, 0x87, 0x00, 0x01 }, 5, 0,
	  { STORE, .len = 5, .size = 4, .reg_size = 4, A16 } },
	{ "mov ax, [esp] (67)", 16, { 0x67, 0x8b, 0x04, 0x24 }, 4, 0,
	  { LOAD, .len = 4, .size = 2, .reg_size = 2, A32 } },
	{ "mov byte [0x1000], 0x41", 16, { 0xc6, 0x06, 0x00, 0x10, 0x41 }, 5, 0,
	  { STORE_IMM, .len = 5, .size = 1, .imm = 0x41, A16 } },
	{ "mov word es:[di], 0xbeef", 16,
	  { 0x26, 0xc7, 0x05, 0xef, 0xbe }, 5, 0,
	  { STORE_IMM, .len = 5, .size = 2, .imm = 0xbeef, .addr_size = 2,
	    .seg = HVX_SEG_ES } },

	/* Refused. */
	{ "a register operand (mov eax, eax)", 64, { 0x8b, 0xc0 }, 2, -EINVAL },
	{ "LOCK", 64, { 0xf0, 0x89, 0x00 }, 3, -EINVAL },
	{ "ADD", 64, { 0x01, 0x00 }, 2, -EINVAL },
	{ "C7 /1", 64, { 0xc7, 0x08, 0, 0, 0, 0 }, 6, -EINVAL },
	{ "F3 0F B6", 64, { 0xf3, 0x0f, 0xb6, 0x00 }, 4, -EINVAL },
	{ "0x48 is DEC outside 64-bit mode", 32, { 0x48, 0x8b, 0x03 }, 3,
	  -EINVAL },
	{ "0x63 is ARPL outside 64-bit mode", 32, { 0x63, 0x00 }, 2, -EINVAL },
	{ "a VEX-encoded instruction", 64, { 0xc5, 0xf9, 0x6e, 0x00 }, 4,
	  -EINVAL },
	{ "cut short: disp32 missing", 64, { 0x8b, 0x05, 0, 0 }, 4, -EINVAL },
	{ "cut short: immediate missing", 64, { 0xc7, 0x00, 0, 0 }, 4, -EINVAL },
	{ "longer than 15 bytes", 64,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x8b, 0x00 }, 16, -EINVAL },
	{ "a code size that does not exist", 8, { 0x8b, 0x00 }, 2, -EINVAL },
};

static void decode_case_desc(const struct decode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s (%u-bit)", c->what, c->mode);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

static void decode_table(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct hvx_insn got;
	int r;

	r = hvx_decode_insn(c->bytes, c->avail, c->mode, &got);
	KUNIT_ASSERT_EQ(test, r, c->ret);
	if (r)
		return;
	KUNIT_EXPECT_EQ(test, got.op, c->want.op);
	KUNIT_EXPECT_EQ(test, got.len, c->want.len);
	KUNIT_EXPECT_EQ(test, got.size, c->want.size);
	if (got.op == HVX_INSN_LOAD || got.op == HVX_INSN_STORE) {
		KUNIT_EXPECT_EQ(test, got.reg, c->want.reg);
		KUNIT_EXPECT_EQ(test, got.reg_size, c->want.reg_size);
		KUNIT_EXPECT_EQ(test, got.high_byte, c->want.high_byte);
	}
	KUNIT_EXPECT_EQ(test, got.sign_extend, c->want.sign_extend);
	KUNIT_EXPECT_EQ(test, got.addr_size, c->want.addr_size);
	KUNIT_EXPECT_EQ(test, got.seg, c->want.seg);
	KUNIT_EXPECT_EQ(test, got.rep, c->want.rep);
	KUNIT_EXPECT_EQ(test, got.imm, c->want.imm);
}

/* Fewer bytes than the instruction needs never decodes. */
static void decode_every_truncation_fails(struct kunit *test)
{
	static const u8 full[] = { 0x64, 0x48, 0xc7, 0x84, 0x88,
				   0x10, 0x20, 0x30, 0x40, 1, 2, 3, 4 };
	struct hvx_insn insn;
	unsigned int n;

	KUNIT_ASSERT_EQ(test, hvx_decode_insn(full, sizeof(full), 64, &insn), 0);
	KUNIT_EXPECT_EQ(test, insn.len, sizeof(full));
	for (n = 0; n < sizeof(full); n++)
		KUNIT_EXPECT_EQ(test, hvx_decode_insn(full, n, 64, &insn), -EINVAL);
}

static struct kunit_case decode_test_cases[] = {
	KUNIT_CASE_PARAM(decode_table, decode_gen_params),
	KUNIT_CASE(decode_every_truncation_fails),
	{}
};

static struct kunit_suite decode_test_suite = {
	.name = "hvx_decode",
	.test_cases = decode_test_cases,
};

kunit_test_suite(decode_test_suite);
