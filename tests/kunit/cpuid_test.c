// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a vCPU's CPUID table.  What KVM_SET_CPUID2 masks out whatever the
 * VMM asks, what the table's features let the guest turn on (CR4, EFER and
 * XCR0 bits), and the answers that follow the guest's state: OSXSAVE with
 * CR4.OSXSAVE, the XSAVE area's size with XCR0; and which of KVM's
 * paravirtual features it offers.  The host is made to offer
 * x87, SSE and AVX state (fpu.c's globals, which fpu_test.c brings in).
 */
#include <kunit/test.h>

#include "../../kmod/x86/cpuid.c"

/* The guest's CR4, as the VMCS would give it. */
static unsigned long test_guest_cr4;

unsigned long hvx_guest_cr4(struct hvx_vcpu *vcpu)
{
	return test_guest_cr4;
}

#define XSTATE	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)

/* Leaf 1 with XSAVE and AVX, leaf 7 with SMEP only, long mode, NX. */
static const struct kvm_cpuid_entry2 table[] = {
	{ .function = 0, .eax = 0xd },
	{ .function = 1, .ecx = F(XSAVE) | F(OSXSAVE) | F(AVX) | F(VMX) | F(PCID) |
				F(MWAIT) | F(XMM3),
	  .edx = F(FPU) },
	{ .function = 7, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .ebx = F(SMEP) | F(AVX2) | F(INVPCID) },
	{ .function = 0xd, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .eax = 0x207, .ebx = 576, .ecx = 832 },
	{ .function = 0xd, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .eax = 0xf },
	{ .function = 0x80000000, .eax = 0x80000001 },
	{ .function = 0x80000001, .edx = F(LM) | F(NX) | F(RDTSCP) },
};

static struct hvx_vcpu *cpuid_vcpu(struct kunit *test, u64 host_xcr0)
{
	struct hvx_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	vcpu->vm = kunit_kzalloc(test, sizeof(*vcpu->vm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vcpu->vm);
	vcpu->stats.last_cpu = -1;		/* it has not run */
	hvx_xcr0_supported = host_xcr0;
	hvx_ymm_end = 832;
	KUNIT_ASSERT_EQ(test, hvx_vcpu_set_cpuid(vcpu, table, ARRAY_SIZE(table)), 0);
	test->priv = vcpu;
	return vcpu;
}

static void cpuid_masks_what_hvx_cannot_give(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);
	u32 a, b, c, d;

	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	/* No VMX, PCID, OSXSAVE or MWAIT. */
	KUNIT_EXPECT_EQ(test, c, F(XSAVE) | F(AVX) | F(XMM3));
	hvx_cpuid_lookup(vcpu, 7, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, b, F(SMEP) | F(AVX2));
	hvx_cpuid_lookup(vcpu, 0xd, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, a, 7);			/* no PKRU */
	hvx_cpuid_lookup(vcpu, 0xd, 1, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, a, F(XSAVEOPT));
	hvx_cpuid_lookup(vcpu, 0x80000001, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, d, F(LM) | F(NX));
}

static void cpuid_without_host_xsave(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, 0);
	u32 a, b, c, d;

	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, c, F(XMM3));
	hvx_cpuid_lookup(vcpu, 7, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, b, F(SMEP));
	KUNIT_EXPECT_EQ(test, vcpu->xcr0_allowed, 0);
	KUNIT_EXPECT_TRUE(test, vcpu->cr4_reserved & X86_CR4_OSXSAVE);
}

static void cpuid_limits_follow_the_table(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);
	struct kvm_cpuid_entry2 *bare;

	KUNIT_EXPECT_EQ(test, vcpu->xcr0_allowed, XSTATE);
	KUNIT_EXPECT_EQ(test, vcpu->cr4_reserved,
			X86_CR4_FSGSBASE | X86_CR4_SMAP);
	KUNIT_EXPECT_EQ(test, vcpu->efer_reserved, 0);

	/* An empty table: nothing of that may be turned on. */
	bare = kunit_kzalloc(test, sizeof(*bare), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bare);
	KUNIT_ASSERT_EQ(test, hvx_vcpu_set_cpuid(vcpu, bare, 0), 0);
	KUNIT_EXPECT_EQ(test, vcpu->xcr0_allowed, 0);
	KUNIT_EXPECT_EQ(test, vcpu->cr4_reserved,
			X86_CR4_OSXSAVE | X86_CR4_FSGSBASE | X86_CR4_SMEP |
			X86_CR4_SMAP);
	KUNIT_EXPECT_EQ(test, vcpu->efer_reserved,
			EFER_LME | EFER_LMA | EFER_NX);
}

static void cpuid_follows_cr4_and_xcr0(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);
	u32 a, b, c, d;

	test_guest_cr4 = X86_CR4_OSXSAVE;
	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_TRUE(test, c & F(OSXSAVE));
	test_guest_cr4 = 0;
	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_FALSE(test, c & F(OSXSAVE));

	vcpu->xcr0 = XFEATURE_MASK_FP;
	hvx_cpuid_lookup(vcpu, 0xd, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, b, 576);
	vcpu->xcr0 = XSTATE;
	hvx_cpuid_lookup(vcpu, 0xd, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_EQ(test, b, 832);
	KUNIT_EXPECT_EQ(test, c, 832);
}

static void cpuid_set_too_many(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);

	KUNIT_EXPECT_EQ(test, hvx_vcpu_set_cpuid(vcpu, table,
						 HVX_MAX_CPUID_ENTRIES + 1),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, vcpu->cpuid_nent, ARRAY_SIZE(table));
}

/* Once the vCPU has run, only the same table again. */
static void cpuid_fixed_once_run(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);

	vcpu->stats.last_cpu = 0;
	KUNIT_EXPECT_EQ(test, hvx_vcpu_set_cpuid(vcpu, table, ARRAY_SIZE(table)), 0);
	KUNIT_EXPECT_EQ(test, hvx_vcpu_set_cpuid(vcpu, table, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->cpuid_nent, ARRAY_SIZE(table));
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *e,
					   int n, u32 function, u32 index)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].function == function && e[i].index == index)
			return &e[i];
	return NULL;
}

/* The supported table, from this CPU: leaf 0DH's three subleaves. */
static void cpuid_supported_xsave_leaves(struct kunit *test)
{
	struct kvm_cpuid_entry2 *e;
	const struct kvm_cpuid_entry2 *d0, *d1, *d2;
	int n;

	if (!boot_cpu_has(X86_FEATURE_AVX) || cpuid_eax(0) < 0xd)
		kunit_skip(test, "this CPU has no AVX state to offer");
	hvx_xcr0_supported = XSTATE;
	hvx_ymm_end = 832;
	e = kunit_kcalloc(test, HVX_MAX_CPUID_ENTRIES, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	n = hvx_supported_cpuid(e, HVX_MAX_CPUID_ENTRIES);
	KUNIT_ASSERT_GT(test, n, 0);
	d0 = find(e, n, 0xd, 0);
	d1 = find(e, n, 0xd, 1);
	d2 = find(e, n, 0xd, 2);
	KUNIT_ASSERT_NOT_NULL(test, d0);
	KUNIT_ASSERT_NOT_NULL(test, d1);
	KUNIT_ASSERT_NOT_NULL(test, d2);
	KUNIT_EXPECT_EQ(test, d0->eax, 7);
	KUNIT_EXPECT_EQ(test, d0->ecx, 832);
	KUNIT_EXPECT_EQ(test, d1->eax & ~F(XSAVEOPT), 0);
	KUNIT_EXPECT_EQ(test, d2->eax, 256);
	KUNIT_EXPECT_EQ(test, d2->ebx, 576);
	KUNIT_EXPECT_TRUE(test, d1->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	KUNIT_EXPECT_TRUE(test, find(e, n, 1, 0)->ecx & F(XSAVE));
	KUNIT_EXPECT_FALSE(test, find(e, n, 1, 0)->ecx & F(OSXSAVE));
}

static void cpuid_free(struct kunit *test)
{
	struct hvx_vcpu *vcpu = test->priv;

	if (vcpu)
		kfree(vcpu->cpuid);
}

/*
 * CPUID.1:ECX.MWAIT: never from a table (hvx does not run MWAIT for a
 * guest); with KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT off, it is
 * IA32_MISC_ENABLE's MWAIT bit, as in KVM.
 */
static void cpuid_mwait_follows_misc_enable(struct kunit *test)
{
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);
	u32 a, b, c, d;

	vcpu->misc_enable = MSR_IA32_MISC_ENABLE_MWAIT;
	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_FALSE(test, c & F(MWAIT));
	KUNIT_EXPECT_TRUE(test, c & F(XMM3));
	vcpu->vm->disabled_quirks = KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT;
	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_TRUE(test, c & F(MWAIT));
	vcpu->misc_enable = 0;
	hvx_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	KUNIT_EXPECT_FALSE(test, c & F(MWAIT));
}

/* A hypervisor leaf with the signature @sig and @eax. */
#define HV_LEAF(f, a, sig) {						\
	.function = (f), .eax = (a),					\
	.ebx = (sig)[0] | (sig)[1] << 8 | (sig)[2] << 16 | (sig)[3] << 24,	\
	.ecx = (sig)[4] | (sig)[5] << 8 | (sig)[6] << 16 | (sig)[7] << 24,	\
	.edx = (sig)[8] | (sig)[9] << 8 | (sig)[10] << 16 | (sig)[11] << 24 }

/*
 * KVM's paravirtual features come from the leaf after the first KVM (or
 * hvx) signature, wherever another hypervisor's leaves put it; without
 * one there are none.  They bind the guest only once enforced.
 */
static void cpuid_pv_features_follow_the_signature(struct kunit *test)
{
	const struct kvm_cpuid_entry2 kvm_second[] = {
		HV_LEAF(0x40000000, 0x40000001, "VMwareVMware"),
		{ .function = 0x40000001, .eax = ~0U },
		HV_LEAF(0x40000100, 0x40000101, KVM_SIGNATURE),
		{ .function = 0x40000101, .eax = BIT(KVM_FEATURE_PV_SCHED_YIELD) },
	}, hvx_own[] = {
		HV_LEAF(0x40000000, 0x40000001, HVX_SIGNATURE),
		{ .function = 0x40000001, .eax = BIT(KVM_FEATURE_PV_UNHALT) },
	}, unsigned_leaf[] = {
		{ .function = 0x40000001, .eax = ~0U },
	};
	struct hvx_vcpu *vcpu = cpuid_vcpu(test, XSTATE);

	KUNIT_ASSERT_EQ(test, hvx_vcpu_set_cpuid(vcpu, kvm_second, 4), 0);
	KUNIT_EXPECT_EQ(test, vcpu->pv_features, BIT(KVM_FEATURE_PV_SCHED_YIELD));
	KUNIT_EXPECT_TRUE(test, hvx_guest_pv_has(vcpu, KVM_FEATURE_PV_UNHALT));
	vcpu->pv_enforce = true;
	KUNIT_EXPECT_TRUE(test, hvx_guest_pv_has(vcpu, KVM_FEATURE_PV_SCHED_YIELD));
	KUNIT_EXPECT_FALSE(test, hvx_guest_pv_has(vcpu, KVM_FEATURE_PV_UNHALT));

	KUNIT_ASSERT_EQ(test, hvx_vcpu_set_cpuid(vcpu, hvx_own, 2), 0);
	KUNIT_EXPECT_EQ(test, vcpu->pv_features, BIT(KVM_FEATURE_PV_UNHALT));
	KUNIT_ASSERT_EQ(test, hvx_vcpu_set_cpuid(vcpu, unsigned_leaf, 1), 0);
	KUNIT_EXPECT_EQ(test, vcpu->pv_features, 0);
	KUNIT_EXPECT_FALSE(test, hvx_guest_pv_has(vcpu, KVM_FEATURE_PV_SCHED_YIELD));
}

static struct kunit_case cpuid_test_cases[] = {
	KUNIT_CASE(cpuid_pv_features_follow_the_signature),
	KUNIT_CASE(cpuid_masks_what_hvx_cannot_give),
	KUNIT_CASE(cpuid_mwait_follows_misc_enable),
	KUNIT_CASE(cpuid_without_host_xsave),
	KUNIT_CASE(cpuid_limits_follow_the_table),
	KUNIT_CASE(cpuid_follows_cr4_and_xcr0),
	KUNIT_CASE(cpuid_set_too_many),
	KUNIT_CASE(cpuid_fixed_once_run),
	KUNIT_CASE(cpuid_supported_xsave_leaves),
	{}
};

static struct kunit_suite cpuid_test_suite = {
	.name = "hvx_cpuid",
	.test_cases = cpuid_test_cases,
	.exit = cpuid_free,
};

kunit_test_suite(cpuid_test_suite);
