// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the local APIC's priorities: the PPR from the TPR and what is in
 * service, which requested vector is pending, the order of EOIs, the
 * order of lowest-priority arbitration, and the TPR threshold that VT-x's
 * TPR shadow exits on.  The APIC's code comes from lapic_test.c, which
 * includes lapic.c; this file sees only lapic.h.
 */
#include <kunit/test.h>

#include "lapic_test_common.h"

static void lapic_lowest_priority_order(struct kunit *test)
{
	struct hvx_lapic *a = new_apic(test, 1, false);
	struct hvx_lapic *b = new_apic(test, 2, false);
	struct hvx_irq irq = fixed(0x80, false);

	KUNIT_EXPECT_EQ(test, hvx_lapic_compare_prio(a, b), 0);
	/* A higher TPR, a vector in service or pending: arbitrates higher. */
	wr(a, APIC_TASKPRI, 0x20, T0);
	KUNIT_EXPECT_GT(test, hvx_lapic_compare_prio(a, b), 0);
	hvx_lapic_accept(b, &irq);
	KUNIT_EXPECT_LT(test, hvx_lapic_compare_prio(a, b), 0);
	hvx_lapic_acknowledge(b, 0x80);
	KUNIT_EXPECT_LT(test, hvx_lapic_compare_prio(a, b), 0);
	/* An APIC enabled in software goes before one that is not. */
	wr(a, APIC_SPIV, 0xff, T0);
	KUNIT_EXPECT_GT(test, hvx_lapic_compare_prio(a, b), 0);
	/* At equal priority, the one that took fewer goes first. */
	wr(a, APIC_SPIV, 0x1ff, T0);
	wr(a, APIC_TASKPRI, 0, T0);
	wr(b, APIC_EOI, 0, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_compare_prio(a, b), 0);
	irq.delivery_mode = HVX_DM_LOWEST;
	hvx_lapic_accept(a, &irq);
	hvx_lapic_acknowledge(a, 0x80);
	wr(a, APIC_EOI, 0, T0);
	KUNIT_EXPECT_GT(test, hvx_lapic_compare_prio(a, b), 0);
}

static void lapic_priority_and_pending(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_irq irq = fixed(0x35, false);

	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
	wr(apic, APIC_TASKPRI, 0x3a, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0x3au);
	hvx_lapic_accept(apic, &irq);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
	irq.vector = 0x41;
	hvx_lapic_accept(apic, &irq);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), 0x41);
	/* In service, 0x41 raises the PPR to its class, low bits 0. */
	KUNIT_EXPECT_TRUE(test, hvx_lapic_acknowledge(apic, 0x41));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_acknowledge(apic, 0x41));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0x40u);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_ISR, 0x41));
	irq.vector = 0x4f;
	hvx_lapic_accept(apic, &irq);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
	irq.vector = 0x50;
	hvx_lapic_accept(apic, &irq);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), 0x50);
	/* CR8 is the TPR's class. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_get_cr8(apic), 3ULL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_cr8(apic, 5), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI, T0), 0x50u);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_cr8(apic, 0x10), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_get_cr8(apic), 5ULL);
	/* A disabled APIC has nothing pending. */
	hvx_lapic_set_cr8(apic, 0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), 0x50);
	apic->base &= ~MSR_IA32_APICBASE_ENABLE;
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
}

static void lapic_eoi_order(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, true);
	struct hvx_irq level = fixed(0x71, true), edge = fixed(0x92, false);
	struct hvx_lapic_action act;

	hvx_lapic_accept(apic, &level);
	hvx_lapic_acknowledge(apic, hvx_lapic_pending(apic));
	hvx_lapic_accept(apic, &edge);
	hvx_lapic_acknowledge(apic, hvx_lapic_pending(apic));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0x90u);
	/* The highest in service first; its TMR bit says level. */
	act = wr(apic, APIC_EOI, 0, T0);
	KUNIT_EXPECT_EQ(test, act.flags, (u32)HVX_LAPIC_ACT_EOI);
	KUNIT_EXPECT_EQ(test, act.eoi_vector, 0x92);
	KUNIT_EXPECT_FALSE(test, act.eoi_level);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0x70u);
	/* x2APIC's EOI takes only 0. */
	KUNIT_EXPECT_EQ(test, wr_rc(apic, APIC_EOI, 1, T0, &act), -EINVAL);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_ISR, 0x71));
	act = wr(apic, APIC_EOI, 0, T0);
	KUNIT_EXPECT_EQ(test, act.eoi_vector, 0x71);
	KUNIT_EXPECT_TRUE(test, act.eoi_level);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0u);
	act = wr(apic, APIC_EOI, 0, T0);
	KUNIT_EXPECT_EQ(test, act.flags, 0u);
}

/*
 * The TPR shadow's threshold: the class of the highest requested vector
 * while the TPR, and only the TPR, holds it back.
 */
static u8 threshold(const struct hvx_lapic *apic)
{
	u8 t;

	hvx_lapic_next(apic, &t);
	return t;
}

static void lapic_tpr_threshold(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_irq irq = fixed(0x41, false);

	KUNIT_EXPECT_EQ(test, threshold(apic), 0);
	hvx_lapic_set_tpr(apic, 0x45);
	KUNIT_EXPECT_EQ(test, hvx_lapic_get_tpr(apic), 0x45);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0x45u);
	hvx_lapic_accept(apic, &irq);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
	KUNIT_EXPECT_EQ(test, threshold(apic), 4);
	/* A TPR of the class below lets it in: no threshold needed. */
	hvx_lapic_set_tpr(apic, 0x3f);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), 0x41);
	KUNIT_EXPECT_EQ(test, threshold(apic), 0);
	/* Held back by what is in service, not the TPR: the EOI exits. */
	hvx_lapic_acknowledge(apic, 0x41);
	irq.vector = 0x42;
	hvx_lapic_accept(apic, &irq);
	hvx_lapic_set_tpr(apic, 0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
	KUNIT_EXPECT_EQ(test, threshold(apic), 0);
	/* The highest requested counts, not the first. */
	irq.vector = 0x91;
	hvx_lapic_accept(apic, &irq);
	hvx_lapic_set_tpr(apic, 0xa0);
	KUNIT_EXPECT_EQ(test, threshold(apic), 9);
	/* An APIC the guest disabled takes nothing: no threshold. */
	apic->base &= ~MSR_IA32_APICBASE_ENABLE;
	KUNIT_EXPECT_EQ(test, threshold(apic), 0);
}

static struct kunit_case lapic_prio_cases[] = {
	KUNIT_CASE(lapic_priority_and_pending), KUNIT_CASE(lapic_eoi_order),
	KUNIT_CASE(lapic_lowest_priority_order), KUNIT_CASE(lapic_tpr_threshold),
	{}
};

static struct kunit_suite lapic_prio_suite = {
	.name = "hvx_lapic_prio",
	.test_cases = lapic_prio_cases,
};

kunit_test_suite(lapic_prio_suite);
