// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what keeps host and guest apart that can be checked on the CPU
 * the test runs on: the guest's syscall MSRs go into the CPU and the
 * host's come back; a machine check is told from every other exit; the
 * ARCH_CAPABILITIES a guest reads follow the host kernel's view of its CPU.
 */
/* First, so that its pr_fmt is the one printk.h finds. */
#include "../../kmod/vmx/isolation.c"

#include <kunit/test.h>

/* kmod/vmx/debug.c's, for hvx_isolation_enter(), which no case here runs. */
const unsigned long *hvx_debug_regs(struct hvx_vcpu *vcpu)
{
	return NULL;
}

static void hvx_read_syscall_msrs(u64 *v)
{
	int i;

	for (i = 0; i < HVX_NR_URET_MSRS; i++)
		rdmsrl(hvx_uret_msrs[i], v[i]);
}

/*
 * The guest's values, zero included, are what the CPU holds after
 * hvx_uret_load(); the host's are back after the CPU gives them up.
 * Interrupts stay off throughout: with the guest's LSTAR in the CPU a
 * system call would go astray.
 */
static void isolation_syscall_msrs_switch_and_restore(struct kunit *test)
{
	const u64 guests[][HVX_NR_URET_MSRS] = {
		{ 0, 0, 0, 0 },
		{ 0x0023001000000000ULL, 0x1000, 0x2000, 0x47700 },
	};
	u64 host[HVX_NR_URET_MSRS], seen[HVX_NR_URET_MSRS];
	u64 after[HVX_NR_URET_MSRS];
	unsigned long flags;
	bool registered;
	int g;

	for (g = 0; g < ARRAY_SIZE(guests); g++) {
		local_irq_save(flags);
		hvx_read_syscall_msrs(host);
		hvx_uret_load(guests[g]);
		hvx_read_syscall_msrs(seen);
		hvx_isolation_cpu_dying();
		hvx_read_syscall_msrs(after);
		registered = this_cpu_ptr(&hvx_uret)->registered;
		local_irq_restore(flags);

		KUNIT_EXPECT_EQ(test, memcmp(seen, guests[g], sizeof(seen)), 0);
		KUNIT_EXPECT_EQ(test, memcmp(after, host, sizeof(after)), 0);
		KUNIT_EXPECT_FALSE(test, registered);
	}
}

/* An exit reason and interruption information, and whether it is a #MC. */
struct mc_case {
	u32 reason;
	u32 info;
	bool mc;
};

static void isolation_machine_check_is_told_apart(struct kunit *test)
{
	const u32 valid = INTR_INFO_VALID_MASK;
	const struct mc_case cases[] = {
		{ EXIT_REASON_EXCEPTION_NMI,
		  valid | INTR_TYPE_HARD_EXCEPTION | MC_VECTOR, true },
		{ EXIT_REASON_MCE_DURING_VMENTRY |
		  VMX_EXIT_REASONS_FAILED_VMENTRY, 0, true },
		/* The NMI is the host's too, but another handler's. */
		{ EXIT_REASON_EXCEPTION_NMI,
		  valid | INTR_TYPE_NMI_INTR | 2, false },
		{ EXIT_REASON_EXCEPTION_NMI,
		  valid | INTR_TYPE_HARD_EXCEPTION | DB_VECTOR, false },
		/* A guest's INT 18 is its own software interrupt. */
		{ EXIT_REASON_EXCEPTION_NMI,
		  valid | INTR_TYPE_SOFT_INTR | MC_VECTOR, false },
		{ EXIT_REASON_EXCEPTION_NMI,
		  INTR_TYPE_HARD_EXCEPTION | MC_VECTOR, false },
		{ EXIT_REASON_EXTERNAL_INTERRUPT, valid | MC_VECTOR, false },
		{ EXIT_REASON_INVALID_STATE |
		  VMX_EXIT_REASONS_FAILED_VMENTRY, 0, false },
	};
	const struct mc_case *c;

	for (c = cases; c < cases + ARRAY_SIZE(cases); c++)
		KUNIT_EXPECT_EQ_MSG(test,
				    hvx_exit_is_machine_check(c->reason, c->info),
				    c->mc, "exit reason %#x, info %#x",
				    c->reason, c->info);
}

static void isolation_arch_capabilities_follow_the_host(struct kunit *test)
{
	u64 caps = hvx_guest_arch_capabilities();

	/* The guest has no VMX, hence no guests of its own to protect. */
	KUNIT_EXPECT_TRUE(test, caps & ARCH_CAP_PSCHANGE_MC_NO);
	KUNIT_EXPECT_TRUE(test, caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
	KUNIT_EXPECT_EQ(test, !!(caps & ARCH_CAP_MDS_NO),
			!boot_cpu_has_bug(X86_BUG_MDS));
	KUNIT_EXPECT_EQ(test, !!(caps & ARCH_CAP_RDCL_NO),
			!boot_cpu_has_bug(X86_BUG_CPU_MELTDOWN));
	KUNIT_EXPECT_EQ(test, !!(caps & ARCH_CAP_SSB_NO),
			!boot_cpu_has_bug(X86_BUG_SPEC_STORE_BYPASS));
	/* Nothing the CPU's own MSR has that hvx does not pass on. */
	KUNIT_EXPECT_EQ(test, caps & ARCH_CAP_TSX_CTRL_MSR, 0);
}

static struct kunit_case isolation_test_cases[] = {
	KUNIT_CASE(isolation_syscall_msrs_switch_and_restore),
	KUNIT_CASE(isolation_machine_check_is_told_apart),
	KUNIT_CASE(isolation_arch_capabilities_follow_the_host),
	{}
};

static struct kunit_suite isolation_test_suite = {
	.name = "hvx_isolation",
	.test_cases = isolation_test_cases,
};

kunit_test_suite(isolation_test_suite);
