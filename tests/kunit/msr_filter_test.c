// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MSR filter and MSR exits to the VMM.  Which range decides an
 * access, the default, the x2APIC's MSRs; which refusals go to the VMM
 * and what kvm_run says; how the next KVM_RUN finishes the instruction.
 * The vCPU's registers and the exception it takes are this file's.
 */
#include <kunit/test.h>

#include "../../kmod/x86/msr_filter.c"

static unsigned long test_rip;
static unsigned int test_skipped, test_gp;

unsigned long hvx_guest_rip(struct hvx_vcpu *vcpu)
{
	return test_rip;
}

void hvx_skip_instruction(struct hvx_vcpu *vcpu)
{
	test_skipped++;
}

void hvx_inject_exception(struct hvx_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	if (vector == GP_VECTOR)
		test_gp++;
}

void hvx_vmcs_filter_msrs(struct hvx_vcpu *vcpu)
{
}

static struct hvx_vcpu *filter_vcpu(struct kunit *test)
{
	struct hvx_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	vcpu->vm = kunit_kzalloc(test, sizeof(*vcpu->vm), GFP_KERNEL);
	vcpu->run = kunit_kzalloc(test, sizeof(*vcpu->run), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vcpu->vm);
	KUNIT_ASSERT_NOT_NULL(test, vcpu->run);
	test_rip = 0x1000;
	test_skipped = test_gp = 0;
	return vcpu;
}

/*
 * Reads of 0x10-0x17 allow only 0x11; writes of 0x10-0x8ff deny all; a
 * second read range over 0x10-0x1f is never reached for 0x10-0x17.
 */
static void msr_filter_first_range_decides(struct kunit *test)
{
	static unsigned long allow_11 = BIT(1), none[BITS_TO_LONGS(0x8f0)];
	static unsigned long all = ~0UL;
	struct hvx_vcpu *vcpu = filter_vcpu(test);
	struct hvx_msr_filter f = {
		.default_allow = false,
		.count = 3,
		.ranges = {
			{ KVM_MSR_FILTER_READ, 0x10, 8, &allow_11 },
			{ KVM_MSR_FILTER_WRITE, 0x10, 0x8f0, none },
			{ KVM_MSR_FILTER_READ, 0x10, 16, &all },
		},
	};

	KUNIT_EXPECT_TRUE(test, hvx_msr_allowed(vcpu, 0x10, false));
	rcu_assign_pointer(vcpu->vm->msr_filter, &f);
	KUNIT_EXPECT_FALSE(test, hvx_msr_allowed(vcpu, 0x10, false));
	KUNIT_EXPECT_TRUE(test, hvx_msr_allowed(vcpu, 0x11, false));
	KUNIT_EXPECT_TRUE(test, hvx_msr_allowed(vcpu, 0x18, false));
	KUNIT_EXPECT_FALSE(test, hvx_msr_allowed(vcpu, 0x11, true));
	/* Below every base, and past every end: the default. */
	KUNIT_EXPECT_FALSE(test, hvx_msr_allowed(vcpu, 0x0f, false));
	KUNIT_EXPECT_FALSE(test, hvx_msr_allowed(vcpu, 0xc0000100, true));
	f.default_allow = true;
	KUNIT_EXPECT_TRUE(test, hvx_msr_allowed(vcpu, 0xc0000100, true));
	/* The x2APIC's MSRs, whatever a range says. */
	KUNIT_EXPECT_TRUE(test, hvx_msr_allowed(vcpu, 0x830, true));
	KUNIT_EXPECT_FALSE(test, hvx_msr_allowed(vcpu, 0x7ff, true));
	RCU_INIT_POINTER(vcpu->vm->msr_filter, NULL);
}

static void msr_refused_exits_only_when_asked(struct kunit *test)
{
	struct hvx_vcpu *vcpu = filter_vcpu(test);
	struct kvm_run *run = vcpu->run;
	u64 reasons;

	/* Not asked: a #GP, and nothing for the VMM. */
	KUNIT_EXPECT_EQ(test, hvx_msr_refused(vcpu, false, 0x35, 0,
					      KVM_MSR_EXIT_REASON_FILTER), 1);
	KUNIT_EXPECT_EQ(test, test_gp, 1);
	KUNIT_EXPECT_FALSE(test, vcpu->msr_exit.pending);

	KUNIT_EXPECT_EQ(test, hvx_user_space_msr_enable(vcpu->vm, BIT(3)),
			-EINVAL);
	reasons = KVM_MSR_EXIT_REASON_FILTER | KVM_MSR_EXIT_REASON_UNKNOWN;
	KUNIT_EXPECT_EQ(test, hvx_user_space_msr_enable(vcpu->vm, reasons), 0);
	KUNIT_EXPECT_EQ(test, hvx_msr_refused(vcpu, true, 0x1fc, 0x1234,
					      KVM_MSR_EXIT_REASON_INVAL), 1);
	KUNIT_EXPECT_EQ(test, test_gp, 2);

	/* Asked: the exit, as kvm_run says it. */
	KUNIT_EXPECT_EQ(test, hvx_msr_refused(vcpu, true, 0xdeadbeef, 0x1234,
					      KVM_MSR_EXIT_REASON_UNKNOWN), 0);
	KUNIT_EXPECT_EQ(test, run->exit_reason, KVM_EXIT_X86_WRMSR);
	KUNIT_EXPECT_EQ(test, run->msr.reason, KVM_MSR_EXIT_REASON_UNKNOWN);
	KUNIT_EXPECT_EQ(test, run->msr.index, 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, run->msr.data, 0x1234);
	KUNIT_EXPECT_EQ(test, run->msr.error, 0);
	KUNIT_EXPECT_TRUE(test, vcpu->msr_exit.pending);
	KUNIT_EXPECT_EQ(test, test_gp, 2);
}

static void msr_completion(struct kunit *test)
{
	struct hvx_vcpu *vcpu = filter_vcpu(test);
	struct kvm_run *run = vcpu->run;

	hvx_user_space_msr_enable(vcpu->vm, KVM_MSR_EXIT_REASON_FILTER);

	/* RDMSR: the VMM's value into EDX:EAX, and on. */
	hvx_msr_refused(vcpu, false, 0x35, 0, KVM_MSR_EXIT_REASON_FILTER);
	KUNIT_EXPECT_EQ(test, run->exit_reason, KVM_EXIT_X86_RDMSR);
	run->msr.data = 0x1122334455667788ULL;
	KUNIT_EXPECT_EQ(test, hvx_complete_msr(vcpu), 1);
	KUNIT_EXPECT_EQ(test, vcpu->regs[HVX_REG_RAX], 0x55667788UL);
	KUNIT_EXPECT_EQ(test, vcpu->regs[HVX_REG_RDX], 0x11223344UL);
	KUNIT_EXPECT_EQ(test, test_skipped, 1);
	KUNIT_EXPECT_FALSE(test, vcpu->msr_exit.pending);
	/* Once only. */
	KUNIT_EXPECT_EQ(test, hvx_complete_msr(vcpu), 1);
	KUNIT_EXPECT_EQ(test, test_skipped, 1);

	/* The VMM's error: #GP, RIP left at the instruction. */
	hvx_msr_refused(vcpu, true, 0x35, 1, KVM_MSR_EXIT_REASON_FILTER);
	run->msr.error = 1;
	hvx_complete_msr(vcpu);
	KUNIT_EXPECT_EQ(test, test_gp, 1);
	KUNIT_EXPECT_EQ(test, test_skipped, 1);

	/* The VMM moved RIP meanwhile: the access is dropped. */
	hvx_msr_refused(vcpu, false, 0x35, 0, KVM_MSR_EXIT_REASON_FILTER);
	run->msr.error = 0;
	vcpu->regs[HVX_REG_RAX] = 7;
	test_rip = 0x2000;
	hvx_complete_msr(vcpu);
	KUNIT_EXPECT_EQ(test, vcpu->regs[HVX_REG_RAX], 7UL);
	KUNIT_EXPECT_EQ(test, test_skipped, 1);
	KUNIT_EXPECT_EQ(test, test_gp, 1);
}

static struct kunit_case msr_filter_test_cases[] = {
	KUNIT_CASE(msr_filter_first_range_decides),
	KUNIT_CASE(msr_refused_exits_only_when_asked),
	KUNIT_CASE(msr_completion),
	{}
};

static struct kunit_suite msr_filter_test_suite = {
	.name = "hvx_msr_filter",
	.test_cases = msr_filter_test_cases,
};

kunit_test_suite(msr_filter_test_suite);
