/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: what the local APIC's suites share (lapic_test.c, which
 * includes lapic.c and lapic_regs.c, lapic_timer_test.c and
 * lapic_prio_test.c): making an APIC and using its registers as a guest
 * does, through the xAPIC page or the x2APIC MSRs.
 */
#ifndef HVX_LAPIC_TEST_COMMON_H
#define HVX_LAPIC_TEST_COMMON_H

#include <kunit/test.h>
#include <asm/msr-index.h>

#include "../../kmod/irq/lapic.h"

#define T0		5000000000LL	/* an arbitrary moment, in ns */
#define XAPIC_EN	(HVX_LAPIC_BASE | MSR_IA32_APICBASE_ENABLE)
#define X2APIC_EN	(XAPIC_EN | X2APIC_ENABLE)

static inline u32 lapic_test_msr(u32 reg)
{
	return HVX_LAPIC_MSR_FIRST + reg / 16;
}

/* A 32-bit write in the APIC's mode; the return is WRMSR's (0 or #GP). */
static inline int wr_rc(struct hvx_lapic *apic, u32 reg, u32 val, s64 now,
			struct hvx_lapic_action *act)
{
	if (hvx_lapic_x2apic_mode(apic))
		return hvx_lapic_wrmsr(apic, lapic_test_msr(reg), val, now,
				       act);
	return hvx_lapic_write(apic, reg, 4, &val, now, act);
}

static inline struct hvx_lapic_action wr(struct hvx_lapic *apic, u32 reg,
					 u32 val, s64 now)
{
	struct hvx_lapic_action act;

	wr_rc(apic, reg, val, now, &act);
	return act;
}

static inline u32 rd(struct hvx_lapic *apic, u32 reg, s64 now)
{
	u64 v = 0;
	u32 v32 = 0;

	if (hvx_lapic_x2apic_mode(apic)) {
		hvx_lapic_rdmsr(apic, lapic_test_msr(reg), &v, now);
		return v;
	}
	hvx_lapic_read(apic, reg, 4, &v32, now);
	return v32;
}

/*
 * An APIC as a guest leaves it after setting it up: enabled in software,
 * in xAPIC or x2APIC mode, its CPUID offering x2APIC and TSC-deadline.
 */
static inline struct hvx_lapic *new_apic(struct kunit *test, u32 id, bool x2)
{
	struct hvx_lapic *apic = kunit_kzalloc(test, sizeof(*apic),
					       GFP_KERNEL);
	struct hvx_lapic_action act;

	KUNIT_ASSERT_NOT_NULL(test, apic);
	hvx_lapic_init(apic, id, 40, id == 0);
	hvx_lapic_set_cpuid(apic, true, true);
	if (x2)
		KUNIT_ASSERT_EQ(test, hvx_lapic_set_base(apic, X2APIC_EN, false,
							 &act), 0);
	wr(apic, APIC_SPIV, APIC_SPIV_APIC_ENABLED | 0xff, T0);
	return apic;
}

static inline struct hvx_irq fixed(u8 vector, bool level)
{
	return (struct hvx_irq){ .vector = vector, .level = level,
				 .assert = true,
				 .delivery_mode = HVX_DM_FIXED };
}

static inline bool in_reg(struct hvx_lapic *apic, u32 bitmap, u8 v)
{
	return apic->regs[(bitmap + v / 32 * 0x10) / 4] & BIT(v % 32);
}

#endif /* HVX_LAPIC_TEST_COMMON_H */
