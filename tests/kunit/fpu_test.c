// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the rules for XCR0 (XSETBV and KVM_SET_XCRS) and what
 * KVM_SET_XSAVE accepts, against a host that offers x87, SSE and AVX
 * state with the usual layout and MXCSR mask.  Nothing here touches the
 * CPU's own FPU.
 */
#include <kunit/test.h>

#include "../../kmod/x86/fpu.c"

#define FP	XFEATURE_MASK_FP
#define SSE	XFEATURE_MASK_SSE
#define YMM	XFEATURE_MASK_YMM

struct xcr0_case {
	const char *what;
	u64 allowed;		/* what the guest's CPUID offers */
	u64 xcr0;
	int ret;
};

static const struct xcr0_case xcr0_cases[] = {
	{ "x87 alone", FP | SSE | YMM, FP, 0 },
	{ "x87 and SSE", FP | SSE | YMM, FP | SSE, 0 },
	{ "x87, SSE and AVX", FP | SSE | YMM, FP | SSE | YMM, 0 },
	{ "nothing", FP | SSE | YMM, 0, 1 },
	{ "SSE without x87", FP | SSE | YMM, SSE, 1 },
	{ "AVX without SSE", FP | SSE | YMM, FP | YMM, 1 },
	{ "PKRU, never offered", FP | SSE | YMM, FP | SSE | BIT_ULL(9), 1 },
	{ "a reserved high bit", FP | SSE | YMM, FP | BIT_ULL(63), 1 },
	{ "AVX where CPUID leaves it out", FP | SSE, FP | SSE | YMM, 1 },
	{ "x87 alone where CPUID has no XSAVE (RESET's value)", 0, FP, 0 },
	{ "SSE where CPUID has no XSAVE", 0, FP | SSE, 1 },
};

static void xcr0_gen_desc(const struct xcr0_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xcr0, xcr0_cases, xcr0_gen_desc);

static void xcr0_rules(struct kunit *test)
{
	const struct xcr0_case *c = test->param_value;
	struct hvx_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	hvx_xcr0_supported = FP | SSE | YMM;
	vcpu->xcr0_allowed = c->allowed;
	vcpu->xcr0 = FP;
	KUNIT_EXPECT_EQ(test, hvx_set_xcr0(vcpu, c->xcr0), c->ret);
	KUNIT_EXPECT_EQ(test, vcpu->xcr0, c->ret ? FP : c->xcr0);
}

/* A vCPU as after RESET, on a host with x87, SSE and AVX state. */
static struct hvx_vcpu *fpu_vcpu(struct kunit *test)
{
	struct hvx_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	hvx_xcr0_supported = FP | SSE | YMM;
	hvx_mxcsr_mask = 0xffff;
	hvx_ymm_end = 832;
	vcpu->xcr0_allowed = hvx_xcr0_supported;
	vcpu->fpu = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vcpu->fpu);
	hvx_fpu_reset(vcpu);
	return vcpu;
}

static struct kvm_xsave *xsave_of(struct kunit *test, struct hvx_vcpu *vcpu)
{
	struct kvm_xsave *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, x);
	hvx_vmx_get_xsave(vcpu, x);
	return x;
}

static void xsave_reset_state(struct kunit *test)
{
	struct hvx_vcpu *vcpu = fpu_vcpu(test);
	struct kvm_xsave *x = xsave_of(test, vcpu);
	struct fxregs_state *fx = (void *)x->region;

	KUNIT_EXPECT_EQ(test, vcpu->xcr0, FP);
	KUNIT_EXPECT_EQ(test, fx->cwd, 0x37f);
	KUNIT_EXPECT_EQ(test, fx->mxcsr, 0x1f80);
	KUNIT_EXPECT_EQ(test, *hvx_xstate_bv(x->region), FP | SSE);
	KUNIT_EXPECT_EQ(test, hvx_xsave_size(FP | SSE), 576);
	KUNIT_EXPECT_EQ(test, hvx_xsave_size(FP | SSE | YMM), 832);
}

/* Each of these would make XRSTOR fault: an errno, and nothing changes. */
static void xsave_refuses_what_xrstor_faults_on(struct kunit *test)
{
	static const struct { const char *what; unsigned int off; u32 val; } bad[] = {
		{ "PKRU in XSTATE_BV", HVX_XSTATE_BV, FP | SSE | BIT(9) },
		{ "XCOMP_BV's compacted bit", HVX_XSTATE_BV + 12, BIT(31) },
		{ "a reserved header byte", HVX_XSTATE_BV + 40, 1 },
		{ "MXCSR bit 16", 24, 0x11f80 },
	};
	struct hvx_vcpu *vcpu = fpu_vcpu(test);
	struct kvm_xsave *x = xsave_of(test, vcpu);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct kvm_xsave *y = kunit_kmalloc(test, sizeof(*y), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, y);
		memcpy(y, x, sizeof(*y));
		memcpy((u8 *)y->region + bad[i].off, &bad[i].val, 4);
		KUNIT_EXPECT_EQ_MSG(test, hvx_vmx_set_xsave(vcpu, y), -EINVAL,
				    "%s", bad[i].what);
	}
	KUNIT_EXPECT_EQ(test, memcmp(xsave_of(test, vcpu), x, sizeof(*x)), 0);
}

/* XSTATE_BV bits clear: those components come back in their initial state. */
static void xsave_init_components(struct kunit *test)
{
	struct hvx_vcpu *vcpu = fpu_vcpu(test);
	struct kvm_xsave *x = xsave_of(test, vcpu);
	struct fxregs_state *fx = (void *)x->region;
	struct kvm_xsave *got;

	fx->cwd = 0x27f;
	memset(fx->st_space, 0x55, sizeof(fx->st_space));
	memset(fx->xmm_space, 0xaa, sizeof(fx->xmm_space));
	memset((u8 *)x->region + 576, 0xcc, 256);
	*hvx_xstate_bv(x->region) = YMM;
	KUNIT_ASSERT_EQ(test, hvx_vmx_set_xsave(vcpu, x), 0);
	got = xsave_of(test, vcpu);
	fx = (void *)got->region;
	KUNIT_EXPECT_EQ(test, fx->cwd, 0x37f);
	KUNIT_EXPECT_EQ(test, fx->st_space[0], 0);
	KUNIT_EXPECT_EQ(test, fx->xmm_space[0], 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)got->region)[576], 0xcc);
	KUNIT_EXPECT_EQ(test, *hvx_xstate_bv(got->region), YMM);
}

/* KVM_SET_FPU's registers must survive the XRSTOR of the next entry. */
static void set_fpu_marks_x87_and_sse_in_use(struct kunit *test)
{
	struct hvx_vcpu *vcpu = fpu_vcpu(test);
	struct kvm_fpu fpu = { .fcw = 0x27f };

	*hvx_xstate_bv(vcpu->fpu) = 0;
	hvx_vmx_set_fpu(vcpu, &fpu);
	KUNIT_EXPECT_EQ(test, *hvx_xstate_bv(vcpu->fpu), FP | SSE);
}

static void xcrs_all_or_nothing(struct kunit *test)
{
	struct hvx_vcpu *vcpu = fpu_vcpu(test);
	struct kvm_xcrs x = { .nr_xcrs = 2 };

	x.xcrs[0].value = FP | SSE | YMM;
	x.xcrs[1].value = FP | YMM;		/* the second is bad */
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &x), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->xcr0, FP);
	x.nr_xcrs = 1;
	x.xcrs[0].xcr = 1;
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &x), -EINVAL);
	x.xcrs[0].xcr = 0;
	x.xcrs[0].reserved = 1;
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &x), -EINVAL);
	x.xcrs[0].reserved = 0;
	x.nr_xcrs = KVM_MAX_XCRS + 1;
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &x), -EINVAL);
	x.nr_xcrs = 1;
	x.flags = 1;
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &x), -EINVAL);
	x.flags = 0;
	KUNIT_EXPECT_EQ(test, vcpu->xcr0, FP);
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &x), 0);
	KUNIT_EXPECT_EQ(test, vcpu->xcr0, FP | SSE | YMM);
}

/* A host booted with "noxsave": FXSAVE's state, and no XCR0 to set. */
static void fpu_without_host_xsave(struct kunit *test)
{
	struct hvx_vcpu *vcpu = fpu_vcpu(test);
	struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs[0].value = FP };
	struct kvm_xsave *x;
	struct fxregs_state *fx;

	hvx_xcr0_supported = 0;
	vcpu->xcr0_allowed = 0;		/* as hvx_cpuid_limits() makes it */
	hvx_fpu_reset(vcpu);
	KUNIT_EXPECT_EQ(test, vcpu->xcr0, 0);
	KUNIT_EXPECT_EQ(test, hvx_set_xcr0(vcpu, FP), 1);
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xcrs(vcpu, &xcrs), -EINVAL);

	x = xsave_of(test, vcpu);
	KUNIT_EXPECT_EQ(test, *hvx_xstate_bv(x->region), FP | SSE);
	*hvx_xstate_bv(x->region) = FP | SSE | YMM;
	KUNIT_EXPECT_EQ(test, hvx_vmx_set_xsave(vcpu, x), -EINVAL);

	/* SSE state left out: its registers come back zero. */
	fx = (void *)x->region;
	memset(fx->xmm_space, 0xaa, sizeof(fx->xmm_space));
	fx->cwd = 0x27f;
	*hvx_xstate_bv(x->region) = FP;
	KUNIT_ASSERT_EQ(test, hvx_vmx_set_xsave(vcpu, x), 0);
	fx = (void *)xsave_of(test, vcpu)->region;
	KUNIT_EXPECT_EQ(test, fx->cwd, 0x27f);
	KUNIT_EXPECT_EQ(test, fx->xmm_space[0], 0);
	KUNIT_EXPECT_EQ(test, *hvx_xstate_bv(vcpu->fpu), 0);
}

static struct kunit_case fpu_test_cases[] = {
	KUNIT_CASE_PARAM(xcr0_rules, xcr0_gen_params),
	KUNIT_CASE(xsave_reset_state),
	KUNIT_CASE(xsave_refuses_what_xrstor_faults_on),
	KUNIT_CASE(xsave_init_components),
	KUNIT_CASE(set_fpu_marks_x87_and_sse_in_use),
	KUNIT_CASE(xcrs_all_or_nothing),
	KUNIT_CASE(fpu_without_host_xsave),
	{}
};

static struct kunit_suite fpu_test_suite = {
	.name = "hvx_fpu",
	.test_cases = fpu_test_cases,
};

kunit_test_suite(fpu_test_suite);
