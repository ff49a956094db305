// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the local APIC timer on a made-up clock (the divider, one-shot
 * and periodic counts, the shortest period, TSC-deadline mode, changes of
 * mode and divider while it runs) and KVM_GET/SET_LAPIC, whose hard part
 * is restoring the timer.  The APIC's code comes from lapic_test.c,
 * which includes lapic.c; this file sees only lapic.h.
 */
#include <kunit/test.h>

#include "lapic_test_common.h"

#define ONESHOT		APIC_LVT_TIMER_ONESHOT
#define PERIODIC	APIC_LVT_TIMER_PERIODIC
#define DEADLINE	APIC_LVT_TIMER_TSCDEADLINE
#define DIV1		APIC_TDR_DIV_1

static struct hvx_lapic_timer query(struct hvx_lapic *apic)
{
	struct hvx_lapic_timer t;

	hvx_lapic_timer(apic, &t);
	return t;
}

/* The timer in @mode, vector 0xec, divided by the TDCR value @tdcr. */
static struct hvx_lapic *timer_apic(struct kunit *test, u32 mode, u32 tdcr)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);

	wr(apic, APIC_LVTT, mode | 0xec, T0);
	wr(apic, APIC_TDCR, tdcr, T0);
	return apic;
}

static void lapic_timer_divide_config(struct kunit *test)
{
	static const struct { u32 tdcr, div; } d[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 },
		{ 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 }, { 0x4, 2 }, { 0xf, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		struct hvx_lapic *apic = timer_apic(test, ONESHOT, d[i].tdcr);
		struct hvx_lapic_action act = wr(apic, APIC_TMICT, 1000, T0);

		KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_TIMER);
		KUNIT_EXPECT_EQ_MSG(test, query(apic).expires_ns,
				    T0 + 1000LL * d[i].div, "tdcr %#x",
				    d[i].tdcr);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 10 * d[i].div),
				990u);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 9 * d[i].div),
				991u);
	}
}

static void lapic_timer_one_shot(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, ONESHOT, DIV1);
	struct hvx_lapic_timer t;

	wr(apic, APIC_TMICT, 5000, T0);
	t = query(apic);
	KUNIT_EXPECT_TRUE(test, t.armed);
	KUNIT_EXPECT_FALSE(test, t.periodic);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 5000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0), 5000u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 1234), 3766u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 5000), 0u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT, T0 + 5000), 5000u);
	/* An hrtimer that fires early (a stale one) changes nothing. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 4999),
			HVX_LAPIC_DROPPED);
	KUNIT_EXPECT_TRUE(test, query(apic).armed);
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 5001),
			HVX_LAPIC_IRR);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_IRR, 0xec));
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 9000),
			HVX_LAPIC_DROPPED);
	/* Masked, it still runs out, silently. */
	wr(apic, APIC_LVTT, APIC_LVT_MASKED | 0xed, T0 + 9000);
	wr(apic, APIC_TMICT, 10, T0 + 9000);
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 9010),
			HVX_LAPIC_DROPPED);
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_IRR, 0xed));
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
}

static void lapic_timer_periodic(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, PERIODIC, DIV1);
	struct hvx_lapic_timer t;

	wr(apic, APIC_TMICT, 300000, T0);
	t = query(apic);
	KUNIT_EXPECT_TRUE(test, t.armed && t.periodic && !t.clamped);
	KUNIT_EXPECT_EQ(test, t.period_ns, 300000ULL);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 300000);
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 300000),
			HVX_LAPIC_IRR);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 600000);
	/* The count reloads: it reads from the initial count again. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 300000), 300000u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 450000), 150000u);
	/* A late hrtimer: one interrupt, and the phase is kept. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 1000123),
			HVX_LAPIC_COALESCED);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 1200000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 1000123), 199877u);
}

/* KVM's min_timer_period_us: a count of 1 interrupts every 200 us. */
static void lapic_timer_min_period(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, PERIODIC, DIV1);
	struct hvx_lapic_timer t;
	s64 now;

	wr(apic, APIC_TMICT, 1, T0);
	t = query(apic);
	KUNIT_EXPECT_TRUE(test, t.periodic && t.clamped);
	KUNIT_EXPECT_EQ(test, t.period_ns, (u64)HVX_LAPIC_MIN_PERIOD_NS);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + HVX_LAPIC_MIN_PERIOD_NS);
	hvx_lapic_timer_fired(apic, t.expires_ns);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns,
			T0 + 2 * HVX_LAPIC_MIN_PERIOD_NS);
	/* Reads keep to the guest's count of 1. */
	for (now = T0; now < T0 + 10; now++)
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, now), 1u);
	/* Just at the limit: not clamped. */
	wr(apic, APIC_TMICT, HVX_LAPIC_MIN_PERIOD_NS, T0);
	KUNIT_EXPECT_FALSE(test, query(apic).clamped);
	/* A one-shot count is not clamped: it interrupts once. */
	wr(apic, APIC_LVTT, ONESHOT | 0xec, T0);
	wr(apic, APIC_TMICT, 1, T0);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 1);
}

static void lapic_timer_stop_and_restart(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, PERIODIC, 0);
	struct hvx_lapic_action act;

	wr(apic, APIC_TMICT, 1000000, T0);
	act = wr(apic, APIC_TMICT, 0, T0 + 10);
	KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_TIMER);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 20), 0u);
	/* A new count starts over from now. */
	wr(apic, APIC_TMICT, 1000000, T0 + 30);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 30 + 2000000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 30), 1000000u);
	/* Other registers leave the timer alone. */
	act = wr(apic, APIC_TASKPRI, 0x10, T0 + 40);
	KUNIT_EXPECT_FALSE(test, act.flags & HVX_LAPIC_ACT_TIMER);
	act = wr(apic, APIC_TDCR, 0, T0 + 40);
	KUNIT_EXPECT_FALSE(test, act.flags & HVX_LAPIC_ACT_TIMER);
}

/* A new divider: the count left stays, counted at the new rate. */
static void lapic_timer_divide_change(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, ONESHOT, 0);
	struct hvx_lapic_action act;

	wr(apic, APIC_TMICT, 1000, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 1000), 500u);
	act = wr(apic, APIC_TDCR, APIC_TDR_DIV_4, T0 + 1000);
	KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_TIMER);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 1000), 500u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 1400), 400u);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 3000);
	/* Periodic: the period follows; the next expiry scales. */
	wr(apic, APIC_LVTT, PERIODIC | 0xec, T0 + 1000);
	KUNIT_EXPECT_EQ(test, query(apic).period_ns, 200000ULL);
	wr(apic, APIC_TMICT, 100000, T0 + 1000);
	wr(apic, APIC_TDCR, APIC_TDR_DIV_8, T0 + 1000);
	KUNIT_EXPECT_EQ(test, query(apic).period_ns, 800000ULL);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 1000 + 800000);
}

static void lapic_timer_mode_changes(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, ONESHOT, DIV1);
	struct hvx_lapic_action act;
	struct hvx_lapic_timer t;

	/* One-shot to periodic: the count runs on, then reloads. */
	wr(apic, APIC_TMICT, 400000, T0);
	act = wr(apic, APIC_LVTT, PERIODIC | 0xec, T0 + 100000);
	KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_TIMER);
	t = query(apic);
	KUNIT_EXPECT_TRUE(test, t.armed && t.periodic);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 400000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 100000), 300000u);
	hvx_lapic_timer_fired(apic, T0 + 400000);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 800000);
	/* ... and back: one more interrupt, then none. */
	wr(apic, APIC_LVTT, ONESHOT | 0xec, T0 + 500000);
	KUNIT_EXPECT_FALSE(test, query(apic).periodic);
	hvx_lapic_timer_fired(apic, T0 + 800000);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	/* A one-shot that ran out does not start again as periodic. */
	wr(apic, APIC_LVTT, PERIODIC | 0xec, T0 + 900000);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	/* Into TSC-deadline mode: disarmed, the count cleared. */
	wr(apic, APIC_TMICT, 400000, T0);
	act = wr(apic, APIC_LVTT, DEADLINE | 0xec, T0 + 10);
	KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_TIMER);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT, T0), 0u);
	/* Out of it: the deadline is gone. */
	hvx_lapic_set_tsc_deadline(apic, 1000, T0 + 50);
	wr(apic, APIC_LVTT, ONESHOT | 0xec, T0 + 20);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	wr(apic, APIC_LVTT, DEADLINE | 0xec, T0 + 20);
	KUNIT_EXPECT_EQ(test, hvx_lapic_tsc_deadline(apic), 0ULL);
	/* The reserved mode 3 stands still; so does its count. */
	wr(apic, APIC_LVTT, ONESHOT | 0xec, T0);
	wr(apic, APIC_TMICT, 400000, T0);
	wr(apic, APIC_LVTT, (3 << 17) | 0xec, T0);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	wr(apic, APIC_TMICT, 400000, T0);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0), 0u);
}

static void lapic_timer_tsc_deadline(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, DEADLINE, DIV1);
	struct hvx_lapic_timer t;

	KUNIT_EXPECT_TRUE(test, hvx_lapic_set_tsc_deadline(apic, 123456,
							   T0 + 500));
	t = query(apic);
	KUNIT_EXPECT_TRUE(test, t.armed && !t.periodic);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 500);
	KUNIT_EXPECT_EQ(test, hvx_lapic_tsc_deadline(apic), 123456ULL);
	/* The count registers are out of use. */
	wr(apic, APIC_TMICT, 1000, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT, T0), 0u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0), 0u);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 500);
	/* Fired: the interrupt, and the deadline reads 0. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 500),
			HVX_LAPIC_IRR);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_IRR, 0xec));
	KUNIT_EXPECT_EQ(test, hvx_lapic_tsc_deadline(apic), 0ULL);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	/* A deadline already passed is reported as it is: it fires at once. */
	hvx_lapic_set_tsc_deadline(apic, 5, T0 - 1000);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 - 1000);
	/* Zero disarms. */
	KUNIT_EXPECT_TRUE(test, hvx_lapic_set_tsc_deadline(apic, 0, T0));
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	/* In other modes the MSR reads 0 and ignores writes. */
	wr(apic, APIC_LVTT, ONESHOT | 0xec, T0);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_set_tsc_deadline(apic, 77, T0 + 9));
	KUNIT_EXPECT_EQ(test, hvx_lapic_tsc_deadline(apic), 0ULL);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
}

/* The largest count and divider: no overflow, in reads or expiries. */
static void lapic_timer_count_extremes(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, PERIODIC, APIC_TDR_DIV_128);
	u64 full = 0xffffffffULL * 128;

	wr(apic, APIC_TMICT, U32_MAX, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0), U32_MAX);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 128), U32_MAX - 1);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + (s64)full);
	KUNIT_EXPECT_EQ(test, query(apic).period_ns, full);
	hvx_lapic_timer_fired(apic, T0 + 3 * (s64)full + 5);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 4 * (s64)full);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 4 * (s64)full - 1),
			0u);
	/* A clock before the count started reads the full count. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 - 1000), U32_MAX);
}

static void lapic_timer_while_disabled(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, PERIODIC, DIV1);

	wr(apic, APIC_TMICT, 300000, T0);
	/* Disabled in software: the LVT is masked, the count runs on. */
	wr(apic, APIC_SPIV, 0xff, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 300000),
			HVX_LAPIC_DROPPED);
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_IRR, 0xec));
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 600000);
	/* The TSC deadline MSR is ignored while the APIC is disabled. */
	wr(apic, APIC_SPIV, 0x1ff, T0);
	wr(apic, APIC_LVTT, DEADLINE | 0xec, T0);
	apic->base &= ~MSR_IA32_APICBASE_ENABLE;
	KUNIT_EXPECT_FALSE(test, hvx_lapic_set_tsc_deadline(apic, 9, T0));
}

static void lapic_timer_state_restore(struct kunit *test)
{
	struct hvx_lapic *apic = timer_apic(test, ONESHOT, 0);
	struct kvm_lapic_state *s = kunit_kzalloc(test, sizeof(*s),
						  GFP_KERNEL);
	u32 *r;

	KUNIT_ASSERT_NOT_NULL(test, s);
	r = (u32 *)s->regs;
	/* A one-shot with 400 to go: it fires 800 ns after the restore. */
	wr(apic, APIC_TMICT, 1000, T0);
	hvx_lapic_get_state(apic, s, T0 + 1200);
	KUNIT_EXPECT_EQ(test, r[APIC_TMCCT / 4], 400u);
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0 + 50000), 0);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 50800);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 50000), 400u);
	/* One that ran out does not fire again (KVM's would). */
	hvx_lapic_get_state(apic, s, T0 + 60000);
	KUNIT_EXPECT_EQ(test, r[APIC_TMCCT / 4], 0u);
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0 + 70000), 0);
	KUNIT_EXPECT_FALSE(test, query(apic).armed);
	/* A periodic one at zero reloads at once. */
	r[APIC_LVTT / 4] = PERIODIC | 0xec;
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0 + 70000), 0);
	KUNIT_EXPECT_TRUE(test, query(apic).periodic);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 70000);
	/* A TSC deadline outlives KVM_SET_LAPIC in TSC-deadline mode. */
	wr(apic, APIC_LVTT, DEADLINE | 0xec, T0);
	hvx_lapic_set_tsc_deadline(apic, 4444, T0 + 999);
	hvx_lapic_get_state(apic, s, T0);
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0 + 10), 0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_tsc_deadline(apic), 4444ULL);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 999);
	/* ... but not a change of mode. */
	r[APIC_LVTT / 4] = ONESHOT | 0xec;
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0 + 10), 0);
	r[APIC_LVTT / 4] = DEADLINE | 0xec;
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0 + 10), 0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_tsc_deadline(apic), 0ULL);
}

/* The same count through the x2APIC MSRs. */
static void lapic_timer_x2apic(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, true);

	wr(apic, APIC_LVTT, PERIODIC | 0xec, T0);
	wr(apic, APIC_TDCR, DIV1, T0);
	wr(apic, APIC_TMICT, 250000, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT, T0 + 1), 249999u);
	KUNIT_EXPECT_EQ(test, hvx_lapic_timer_fired(apic, T0 + 250000),
			HVX_LAPIC_IRR);
	KUNIT_EXPECT_EQ(test, query(apic).expires_ns, T0 + 500000);
}

static void lapic_state_round_trip(struct kunit *test)
{
	struct hvx_lapic *apic, *copy;
	struct kvm_lapic_state *s, *s2;
	struct hvx_irq irq;
	unsigned int x2;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	s2 = kunit_kzalloc(test, sizeof(*s2), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s && s2);
	for (x2 = 0; x2 < 2; x2++) {
		apic = new_apic(test, 7, x2);
		copy = new_apic(test, 7, x2);
		wr(apic, APIC_TASKPRI, 0x21, T0);
		wr(apic, APIC_LVT0, APIC_DM_EXTINT, T0);
		irq = fixed(0x66, true);
		hvx_lapic_accept(apic, &irq);
		hvx_lapic_acknowledge(apic, 0x66);
		irq.vector = 0xa0;
		hvx_lapic_accept(apic, &irq);
		wr(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0xef, T0);
		wr(apic, APIC_TMICT, 100000, T0);
		hvx_lapic_get_state(apic, s, T0 + 30000);
		KUNIT_EXPECT_EQ(test, *(u32 *)(s->regs + APIC_ID), 7u << 24);
		KUNIT_EXPECT_EQ(test, *(u32 *)(s->regs + APIC_TMCCT), 85000u);
		KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(copy, s, T0 + 90000),
				0);
		KUNIT_EXPECT_EQ(test, rd(copy, APIC_ID, T0), x2 ? 7u : 7u << 24);
		KUNIT_EXPECT_EQ(test, rd(copy, APIC_PROCPRI, T0), 0x60u);
		KUNIT_EXPECT_EQ(test, hvx_lapic_pending(copy), 0xa0);
		/* The count resumes where it was. */
		KUNIT_EXPECT_EQ(test, rd(copy, APIC_TMCCT, T0 + 100000), 80000u);
		hvx_lapic_get_state(copy, s2, T0 + 90000);
		KUNIT_EXPECT_EQ(test, memcmp(s, s2, sizeof(*s)), 0);
	}
}

/* Each a page hvx could not have produced: refused, nothing changed. */
static const struct { u32 reg, val; bool x2; } bad_states[] = {
	{ APIC_ID, 0x00000001 }, { APIC_ID, 0x08000000, true },
	{ APIC_ID, 0x00000007, true }, { APIC_TASKPRI, 0x100 },
	{ APIC_LDR, 0x00800000 }, { APIC_DFR, 0xfffffff0 },
	{ APIC_SPIV, 0x400 }, { APIC_SPIV, APIC_SPIV_DIRECTED_EOI },
	{ APIC_ESR, APIC_ESR_ILLREGA }, { APIC_ICR, APIC_ICR_BUSY },
	{ APIC_ICR, APIC_ICR_BUSY, true }, { APIC_ICR2, 0x00ff0000 },
	{ APIC_LVTT, 0x1000 }, { APIC_LVTT, 0x80000 },
	{ APIC_LVTTHMR, 0x2000 }, { APIC_LVTPC, 0x8000 },
	{ APIC_LVT0, APIC_LVT_REMOTE_IRR }, { APIC_LVT1, 0x20000 },
	{ APIC_LVTERR, 0x700 }, { APIC_TDCR, 0x4 }, { APIC_TDCR, 0x10 },
	{ APIC_TMCCT, 1 },
};

static void bad_state_desc(typeof(bad_states[0]) *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "reg %#x = %#x%s", p->reg,
		 p->val, p->x2 ? " x2apic" : "");
}

KUNIT_ARRAY_PARAM(bad_state, bad_states, bad_state_desc);

static void lapic_set_state_refuses(struct kunit *test)
{
	typeof(bad_states[0]) *p = (typeof(p))test->param_value;
	struct hvx_lapic *apic = new_apic(test, 7, p->x2);
	struct hvx_lapic *before = kunit_kzalloc(test, sizeof(*before),
						 GFP_KERNEL);
	struct kvm_lapic_state *s = kunit_kzalloc(test, sizeof(*s),
						  GFP_KERNEL);

	KUNIT_ASSERT_TRUE(test, before && s);
	wr(apic, APIC_TASKPRI, 0x30, T0);
	hvx_lapic_get_state(apic, s, T0);
	*before = *apic;
	/* The page as it is loads; with the one change it does not. */
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0), 0);
	memcpy(s->regs + p->reg, &p->val, sizeof(p->val));
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_state(apic, s, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(before, apic, sizeof(*apic)), 0);
}

static void lapic_set_state_timer_checks(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct kvm_lapic_state *s = kunit_kzalloc(test, sizeof(*s),
						  GFP_KERNEL);
	u32 *r;

	KUNIT_ASSERT_NOT_NULL(test, s);
	r = (u32 *)s->regs;
	hvx_lapic_get_state(apic, s, T0);
	r[APIC_TMICT / 4] = 10;
	r[APIC_TMCCT / 4] = 11;
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_state(apic, s, T0), -EINVAL);
	r[APIC_TMCCT / 4] = 10;
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_state(apic, s, T0), 0);
	/* TSC-deadline mode has no count. */
	r[APIC_LVTT / 4] = APIC_LVT_TIMER_TSCDEADLINE;
	r[APIC_TMCCT / 4] = 0;
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_state(apic, s, T0), -EINVAL);
	r[APIC_TMICT / 4] = 0;
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_state(apic, s, T0), 0);
	/* Unless CPUID offers it. */
	hvx_lapic_set_cpuid(apic, false, false);
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_state(apic, s, T0), -EINVAL);
}

/* What hvx computes or does not keep is ignored, as KVM ignores it. */
static void lapic_set_state_ignores(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, true);
	struct kvm_lapic_state *s = kunit_kzalloc(test, sizeof(*s),
						  GFP_KERNEL);
	u32 *r;

	KUNIT_ASSERT_NOT_NULL(test, s);
	r = (u32 *)s->regs;
	hvx_lapic_get_state(apic, s, T0);
	r[APIC_LVR / 4] = 0x60014;
	r[APIC_PROCPRI / 4] = 0xff;
	r[APIC_ARBPRI / 4] = 0x10;
	r[APIC_LDR / 4] = 0x12345678;
	r[APIC_ICR2 / 4] = 0x12345678;
	r[APIC_LVTCMCI / 4] = APIC_LVT_MASKED;
	r[APIC_ISR / 4] = 0xffff;
	r[APIC_IRR / 4] = 0x18000;
	r[APIC_ICR / 4 + 1] = 0x12345678;
	KUNIT_ASSERT_EQ(test, hvx_lapic_set_state(apic, s, T0), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVR, T0), 0x50014u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR, T0), 0x2u);
	/* Vectors 0-15 stay, as KVM keeps them, but are never delivered. */
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_ISR / 4], 0xffffu);
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_IRR / 4], 0x18000u);
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_LVTCMCI / 4], 0u);
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_ARBPRI / 4], 0u);
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_ICR / 4 + 1], 0u);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), 0x10);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_acknowledge(apic, 0x10));
	/* Its EOI leaves vector 15 in service: the PPR is 0, and 15 waits. */
	wr(apic, APIC_EOI, 0, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI, T0), 0u);
	KUNIT_EXPECT_EQ(test, hvx_lapic_pending(apic), -1);
}

static struct kunit_case lapic_timer_cases[] = {
	KUNIT_CASE(lapic_timer_divide_config), KUNIT_CASE(lapic_timer_one_shot),
	KUNIT_CASE(lapic_timer_periodic), KUNIT_CASE(lapic_timer_min_period),
	KUNIT_CASE(lapic_timer_stop_and_restart),
	KUNIT_CASE(lapic_timer_divide_change),
	KUNIT_CASE(lapic_timer_mode_changes),
	KUNIT_CASE(lapic_timer_tsc_deadline),
	KUNIT_CASE(lapic_timer_count_extremes),
	KUNIT_CASE(lapic_timer_while_disabled),
	KUNIT_CASE(lapic_timer_state_restore), KUNIT_CASE(lapic_timer_x2apic),
	KUNIT_CASE(lapic_state_round_trip),
	KUNIT_CASE_PARAM(lapic_set_state_refuses, bad_state_gen_params),
	KUNIT_CASE(lapic_set_state_timer_checks),
	KUNIT_CASE(lapic_set_state_ignores),
	{}
};

static struct kunit_suite lapic_timer_suite = {
	.name = "hvx_lapic_timer",
	.test_cases = lapic_timer_cases,
};

kunit_test_suite(lapic_timer_suite);
