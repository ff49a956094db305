// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: naming the guest-state rule a failed VM entry broke.  Start from
 * a valid state (64-bit, then real mode) and break one rule at a time.
 */
#include <kunit/test.h>

#define HVX_ENTRY_CHECK_PURE
#include "../../kmod/vmx/entry_check.c"

static void long_mode_state(struct hvx_guest_state *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_NE | X86_CR0_ET;
	s->cr4 = X86_CR4_PAE | X86_CR4_VMXE;
	s->efer = EFER_LME | EFER_LMA;
	s->ia32e = true;
	s->unrestricted = true;
	s->rip = 0x10000;
	s->rflags = X86_EFLAGS_FIXED;
	s->cr0_fixed0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_NE;
	s->cr0_fixed1 = 0xffffffff;
	s->cr4_fixed0 = X86_CR4_VMXE;
	s->cr4_fixed1 = 0x3fffff;
	s->maxphyaddr = 40;
	for (i = 0; i < HVX_GS_NR; i++) {
		s->seg[i].limit = 0xffffffff;
		s->seg[i].ar = 0x93 | (1 << 15) | (1 << 14);
	}
	s->seg[HVX_GS_CS].ar = 0x9b | (1 << 13) | (1 << 15);
	s->seg[HVX_GS_TR].ar = 0x8b;
	s->seg[HVX_GS_TR].limit = 0x67;
	s->seg[HVX_GS_LDTR].ar = 1 << 16;	/* unusable */
}

static void entry_check_accepts_valid_states(struct kunit *test)
{
	struct hvx_guest_state s;

	long_mode_state(&s);
	KUNIT_EXPECT_NULL(test, hvx_check_guest_state(&s));

	/* Real mode, as at RESET, is fine with unrestricted guest. */
	s.cr0 = X86_CR0_NE | X86_CR0_ET;
	s.cr4 = X86_CR4_VMXE;
	s.efer = 0;
	s.ia32e = false;
	s.rip = 0xfff0;
	s.seg[HVX_GS_CS].ar = 0x9b;
	s.seg[HVX_GS_CS].limit = 0xffff;
	s.seg[HVX_GS_CS].base = 0xffff0000;
	s.seg[HVX_GS_SS].ar = 0x93;
	s.seg[HVX_GS_SS].limit = 0xffff;
	KUNIT_EXPECT_NULL(test, hvx_check_guest_state(&s));
}

struct broken_case {
	const char *expect;	/* a word the explanation must contain */
	void (*brk)(struct hvx_guest_state *s);
};

static void no_pae(struct hvx_guest_state *s) { s->cr4 &= ~X86_CR4_PAE; }
static void lma_mismatch(struct hvx_guest_state *s) { s->efer &= ~EFER_LMA; }
static void cr0_no_ne(struct hvx_guest_state *s) { s->cr0 &= ~X86_CR0_NE; }
static void pg_without_pe(struct hvx_guest_state *s) { s->cr0 &= ~X86_CR0_PE; }
static void tr_not_busy(struct hvx_guest_state *s) { s->seg[HVX_GS_TR].ar = 0x89; }
static void cs_data(struct hvx_guest_state *s) { s->seg[HVX_GS_CS].ar = 0x91 | (1 << 15); }
static void cs_l_and_db(struct hvx_guest_state *s) { s->seg[HVX_GS_CS].ar |= 1 << 14; }
static void bad_limit(struct hvx_guest_state *s) { s->seg[HVX_GS_DS].ar &= ~(1 << 15); }
static void rflags_rsvd(struct hvx_guest_state *s) { s->rflags |= BIT(3); }
static void rip_noncanonical(struct hvx_guest_state *s) { s->rip = 0x0000800000000000ULL; }
static void cr3_too_wide(struct hvx_guest_state *s) { s->cr3 = 1ULL << 45; }
static void efer_rsvd(struct hvx_guest_state *s) { s->efer |= BIT(3); }

static const struct broken_case broken[] = {
	{ "PAE", no_pae },
	{ "LMA", lma_mismatch },
	{ "CR0", cr0_no_ne },
	{ "PE", pg_without_pe },
	{ "TR", tr_not_busy },
	{ "CS", cs_data },
	{ "D/B", cs_l_and_db },
	{ "granularity", bad_limit },
	{ "RFLAGS", rflags_rsvd },
	{ "canonical", rip_noncanonical },
	{ "CR3", cr3_too_wide },
	{ "EFER", efer_rsvd },
};

static void entry_check_names_the_broken_rule(struct kunit *test)
{
	struct hvx_guest_state s;
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(broken); i++) {
		long_mode_state(&s);
		broken[i].brk(&s);
		why = hvx_check_guest_state(&s);
		KUNIT_ASSERT_NOT_NULL_MSG(test, why, "case %zu", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, broken[i].expect),
					  "case %zu: '%s' lacks '%s'", i, why,
					  broken[i].expect);
	}
}

static struct kunit_case entry_check_cases[] = {
	KUNIT_CASE(entry_check_accepts_valid_states),
	KUNIT_CASE(entry_check_names_the_broken_rule),
	{}
};

static struct kunit_suite entry_check_suite = {
	.name = "hvx_entry_check",
	.test_cases = entry_check_cases,
};

kunit_test_suite(entry_check_suite);
