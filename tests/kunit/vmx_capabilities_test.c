// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: turning VMX capability MSRs into hvx's configuration.
 *
 * The logic under test is pure (kmod/vmx/capabilities.c takes MSR values,
 * not CPUs), so it is built into this module and fed made-up CPUs: one
 * like a Skylake server, and variants that lack what hvx needs.
 */
#include <kunit/test.h>

#include "../../kmod/vmx/capabilities.c"

/* Capability MSR values as a Skylake server reports them. */
static const struct hvx_vmx_msrs skylake = {
	.basic		= 0x00da040000000004ULL,
	.pinbased	= 0x000000ff00000016ULL,
	.procbased	= 0xfff9fffe04006172ULL,
	.procbased2	= 0x00553cfe00000000ULL,
	.exit		= 0x01ffffff00036dfbULL,
	.entry		= 0x0003ffff000011fbULL,
	.misc		= 0x00000000000401e7ULL,
	.ept_vpid_cap	= 0x00000f0106734141ULL,
	.cr0_fixed0	= 0x80000021ULL,
	.cr0_fixed1	= 0xffffffffULL,
	.cr4_fixed0	= 0x00002000ULL,
	.cr4_fixed1	= 0x003727ffULL,
};

static void adjust_controls_sets_required_and_available_optional(struct kunit *test)
{
	u32 result = 0, missing = 0;

	/* Bits 0-3 may be 1; required 0 and 1, optional 2 and 8. */
	KUNIT_EXPECT_EQ(test, hvx_adjust_controls(0x3, 0x104, 0xfULL << 32,
						  &result, &missing), 0);
	KUNIT_EXPECT_EQ(test, result, 0x7u);
	KUNIT_EXPECT_EQ(test, missing, 0u);
}

static void adjust_controls_forces_must_be_one_bits(struct kunit *test)
{
	u32 result = 0, missing = 0;

	/* Bit 4 must be 1 though hvx did not ask for it. */
	KUNIT_EXPECT_EQ(test, hvx_adjust_controls(0x1, 0, 0x11ULL << 32 | 0x10,
						  &result, &missing), 0);
	KUNIT_EXPECT_EQ(test, result, 0x11u);
}

static void adjust_controls_rejects_missing_required(struct kunit *test)
{
	u32 result = 0xdead, missing = 0;

	KUNIT_EXPECT_EQ(test, hvx_adjust_controls(0x9, 0, 0x1ULL << 32,
						  &result, &missing), -EIO);
	KUNIT_EXPECT_EQ(test, missing, 0x8u);
	/* Nothing is chosen for a field that cannot work. */
	KUNIT_EXPECT_EQ(test, result, 0xdeadu);
}

static void setup_config_accepts_skylake(struct kunit *test)
{
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;

	KUNIT_ASSERT_EQ(test, hvx_setup_vmcs_config(&skylake, &conf, &missing), 0);
	KUNIT_EXPECT_EQ(test, conf.revision_id, 4u);
	KUNIT_EXPECT_EQ(test, conf.size, 0x400u);
	KUNIT_EXPECT_TRUE(test, conf.cpu_based2 & SECONDARY_EXEC_ENABLE_EPT);
	KUNIT_EXPECT_TRUE(test, conf.cpu_based2 & SECONDARY_EXEC_UNRESTRICTED_GUEST);
	KUNIT_EXPECT_TRUE(test, conf.cpu_based2 & SECONDARY_EXEC_ENABLE_VPID);
	KUNIT_EXPECT_TRUE(test, conf.cpu_based & CPU_BASED_USE_MSR_BITMAPS);
	KUNIT_EXPECT_TRUE(test, conf.pin_based & PIN_BASED_VMX_PREEMPTION_TIMER);
	/* Must-be-1 settings survive; IA32E_MODE is per guest, not base. */
	KUNIT_EXPECT_EQ(test, conf.cpu_based & 0x04006172u, 0x04006172u);
	KUNIT_EXPECT_FALSE(test, conf.vmentry & VM_ENTRY_IA32E_MODE);
	/* With EPT there is no reason to exit on CR3 accesses. */
	KUNIT_EXPECT_FALSE(test, conf.cpu_based & CPU_BASED_CR3_LOAD_EXITING);
	KUNIT_EXPECT_FALSE(test, conf.cpu_based & CPU_BASED_CR3_STORE_EXITING);
}

static void setup_config_rejects_cpu_without_ept(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = skylake;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;
	char buf[128];

	msrs.procbased2 &= ~((u64)(SECONDARY_EXEC_ENABLE_EPT |
				   SECONDARY_EXEC_UNRESTRICTED_GUEST) << 32);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_EQ(test, missing.cpu_based2,
			(u32)(SECONDARY_EXEC_ENABLE_EPT |
			      SECONDARY_EXEC_UNRESTRICTED_GUEST));
	hvx_format_vmx_missing(&missing, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "ept unrestricted_guest");
}

static void setup_config_rejects_cpu_without_secondary_controls(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = skylake;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;
	char buf[128];

	/* A CPU without them reports neither PROCBASED_CTLS2 nor EPT caps. */
	msrs.procbased &= ~((u64)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32);
	msrs.procbased2 = 0;
	msrs.ept_vpid_cap = 0;
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	hvx_format_vmx_missing(&missing, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf,
			   "secondary_controls ept unrestricted_guest ept_4level ept_wb invept invept_global");
}

/* hvx sets the window exits only while an event waits: they must exist. */
static void setup_config_rejects_cpu_without_nmi_window(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = skylake;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;
	char buf[64];

	msrs.procbased &= ~((u64)CPU_BASED_NMI_WINDOW_EXITING << 32);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_EQ(test, missing.cpu_based, (u32)CPU_BASED_NMI_WINDOW_EXITING);
	hvx_format_vmx_missing(&missing, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "nmi_window_exiting");
	msrs = skylake;
	msrs.pinbased &= ~((u64)PIN_BASED_VIRTUAL_NMIS << 32);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_EQ(test, missing.pin_based, (u32)PIN_BASED_VIRTUAL_NMIS);
}

static void setup_config_rejects_missing_exit_control(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = skylake;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;

	msrs.exit &= ~((u64)VM_EXIT_LOAD_IA32_EFER << 32);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_EQ(test, missing.vmexit, (u32)VM_EXIT_LOAD_IA32_EFER);
	KUNIT_EXPECT_EQ(test, missing.cpu_based2, 0u);
}

static void setup_config_rejects_unusable_vmcs_region(struct kunit *test)
{
	struct hvx_vmx_msrs msrs;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;

	/* Uncacheable VMCS memory. */
	msrs = skylake;
	msrs.basic &= ~(0xfULL << 50);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_TRUE(test, missing.basic);

	/* A region larger than a page. */
	msrs = skylake;
	msrs.basic = (msrs.basic & ~(0x1fffULL << 32)) | (0x1001ULL << 32);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_TRUE(test, missing.basic);

	/* Regions limited to 32-bit physical addresses. */
	msrs = skylake;
	msrs.basic |= HVX_VMX_BASIC_32BIT_PHYS;
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_TRUE(test, missing.basic);
}

static void setup_config_drops_vpid_without_invvpid(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = skylake;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;

	msrs.ept_vpid_cap &= ~((u64)VMX_VPID_INVVPID_BIT << 32);
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), 0);
	KUNIT_EXPECT_FALSE(test, conf.cpu_based2 & SECONDARY_EXEC_ENABLE_VPID);
}

static void setup_config_requires_invept_global(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = skylake;
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;

	msrs.ept_vpid_cap &= ~VMX_EPT_EXTENT_GLOBAL_BIT;
	KUNIT_EXPECT_EQ(test, hvx_setup_vmcs_config(&msrs, &conf, &missing), -EIO);
	KUNIT_EXPECT_EQ(test, missing.ept_vpid_cap, VMX_EPT_EXTENT_GLOBAL_BIT);
}

/*
 * The backstop's count: Skylake's timer counts every 2^7 TSC ticks
 * (IA32_VMX_MISC 0x...e7); two ticks of HZ=250 at 3 GHz are 24,000,000
 * ticks, 187,500 counts.  Never 0, never past 32 bits.
 */
static void preemption_timer_counts_the_tsc_shifted(struct kunit *test)
{
	struct hvx_vmcs_config conf;
	struct hvx_vmx_missing missing;

	KUNIT_ASSERT_EQ(test, hvx_setup_vmcs_config(&skylake, &conf, &missing),
			0);
	KUNIT_EXPECT_EQ(test, conf.preemption_timer_rate, 7);
	KUNIT_EXPECT_EQ(test, hvx_preemption_timer_value(3000000, 7,
							 8000000), 187500u);
	/* Bochs: a 20 MHz TSC, rate 0. */
	KUNIT_EXPECT_EQ(test, hvx_preemption_timer_value(20000, 0, 8000000),
			160000u);
	KUNIT_EXPECT_EQ(test, hvx_preemption_timer_value(1, 31, 1), 1u);
	KUNIT_EXPECT_EQ(test, hvx_preemption_timer_value(U32_MAX, 0,
							 NSEC_PER_SEC),
			U32_MAX);
}

static void format_flags_names_what_the_cpu_offers(struct kunit *test)
{
	struct hvx_vmx_msrs msrs = {
		.pinbased = (u64)PIN_BASED_VIRTUAL_NMIS << 32,
		.procbased2 = (u64)(SECONDARY_EXEC_ENABLE_EPT |
				    SECONDARY_EXEC_UNRESTRICTED_GUEST) << 32,
		.ept_vpid_cap = VMX_EPT_AD_BIT | VMX_EPT_1GB_PAGE_BIT,
	};
	char buf[128];
	int len;

	len = hvx_format_vmx_flags(&msrs, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "vnmi ept unrestricted_guest ept_1gb ept_ad");
	KUNIT_EXPECT_EQ(test, len, (int)strlen(buf));
}

static void format_flags_truncates_safely(struct kunit *test)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	hvx_format_vmx_flags(&skylake, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, strnlen(buf, sizeof(buf)), sizeof(buf) - 1);
}

static void cr_fixed_bits_are_enforced(struct kunit *test)
{
	/* PE, NE and PG must be 1; nothing is forbidden. */
	KUNIT_EXPECT_TRUE(test, hvx_cr_fixed_ok(0x80050033, 0x80000021, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, hvx_cr_fixed_ok(0x80000011, 0x80000021, 0xffffffff));
	/* VMXE must be 1; bit 23 may not be. */
	KUNIT_EXPECT_TRUE(test, hvx_cr_fixed_ok(0x3626f0, 0x2000, 0x3727ff));
	KUNIT_EXPECT_FALSE(test, hvx_cr_fixed_ok(0x3606f0, 0x2000, 0x3727ff));
	KUNIT_EXPECT_FALSE(test, hvx_cr_fixed_ok(0xb626f0, 0x2000, 0x3727ff));
}

static struct kunit_case vmx_capabilities_cases[] = {
	KUNIT_CASE(adjust_controls_sets_required_and_available_optional),
	KUNIT_CASE(adjust_controls_forces_must_be_one_bits),
	KUNIT_CASE(adjust_controls_rejects_missing_required),
	KUNIT_CASE(setup_config_accepts_skylake),
	KUNIT_CASE(setup_config_rejects_cpu_without_ept),
	KUNIT_CASE(setup_config_rejects_cpu_without_secondary_controls),
	KUNIT_CASE(setup_config_rejects_cpu_without_nmi_window),
	KUNIT_CASE(setup_config_rejects_missing_exit_control),
	KUNIT_CASE(setup_config_rejects_unusable_vmcs_region),
	KUNIT_CASE(setup_config_drops_vpid_without_invvpid),
	KUNIT_CASE(setup_config_requires_invept_global),
	KUNIT_CASE(format_flags_names_what_the_cpu_offers),
	KUNIT_CASE(format_flags_truncates_safely),
	KUNIT_CASE(cr_fixed_bits_are_enforced),
	KUNIT_CASE(preemption_timer_counts_the_tsc_shifted),
	{}
};

static struct kunit_suite vmx_capabilities_suite = {
	.name = "hvx_vmx_capabilities",
	.test_cases = vmx_capabilities_cases,
};

kunit_test_suite(vmx_capabilities_suite);

MODULE_DESCRIPTION("KUnit tests for hvx");
MODULE_LICENSE("GPL");
