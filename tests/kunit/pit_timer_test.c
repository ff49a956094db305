// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 8254 as its users see it, on a made-up clock: what Linux's
 * TSC calibration reads through counter 2 and port 0x61, port 0x61
 * itself, counter 0's timer and its shortest period, and a hostile
 * guest.  The PIT's code comes from pit_test.c, which includes pit.c;
 * this file sees only pit.h.
 */
#include <kunit/test.h>

#include "pit_test_common.h"

/*
 * arch/x86/kernel/tsc.c, pit_calibrate_tsc(): gate 2 high, speaker off,
 * counter 2 in mode 0 with 50 ms, then poll port 0x61 bit 5.
 */
static void pit_tsc_calibration_out2(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	u32 latch = HVX_PIT_FREQ_HZ / 20, polls = 0;
	bool seen_high = false;
	s64 t, high_at = 0;
	u8 v;

	wr(pit, SPK, HVX_PIT_SPK_DATA, T0);
	v = rd(pit, SPK, T0);
	KUNIT_EXPECT_EQ(test, v & (HVX_PIT_SPK_GATE2 | HVX_PIT_SPK_DATA),
			HVX_PIT_SPK_DATA);
	wr(pit, SPK, (v & ~HVX_PIT_SPK_DATA) | HVX_PIT_SPK_GATE2, T0);
	wr(pit, CTL, 0xb0, T0);
	wr(pit, CH(2), latch & 0xff, T0);
	wr(pit, CH(2), latch >> 8, T0);

	for (t = T0; t < T0 + 60 * NSEC_PER_MSEC; t += 997) {
		v = rd(pit, SPK, t);
		KUNIT_EXPECT_EQ(test, v & (HVX_PIT_SPK_GATE2 | HVX_PIT_SPK_DATA),
				HVX_PIT_SPK_GATE2);
		if (!(v & HVX_PIT_SPK_OUT2)) {
			/* Once high, OUT2 stays high in mode 0. */
			KUNIT_EXPECT_FALSE(test, seen_high);
			polls++;
			continue;
		}
		if (!seen_high)
			high_at = t;
		seen_high = true;
	}
	KUNIT_EXPECT_TRUE(test, seen_high);
	KUNIT_EXPECT_GT(test, polls, 50000u);
	/* High within one poll of 50 ms (latch ticks). */
	KUNIT_EXPECT_GE(test, high_at, at(T0, latch));
	KUNIT_EXPECT_LT(test, high_at, at(T0, latch) + 997);
	KUNIT_EXPECT_FALSE(test, rd(pit, SPK, at(T0, latch) - 1) &
			   HVX_PIT_SPK_OUT2);
	KUNIT_EXPECT_TRUE(test, rd(pit, SPK, at(T0, latch)) & HVX_PIT_SPK_OUT2);
}

/*
 * quick_pit_calibrate(): mode 0 with 0xffff, then the MSB read as
 * pit_verify_msb() does, LSB and MSB of the live counter.
 */
static void pit_tsc_calibration_msb(struct kunit *test)
{
	static const u32 ticks[] = { 0, 1, 255, 256, 1000, 30000, 65534 };
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	unsigned int i;
	s64 t;

	wr(pit, SPK, HVX_PIT_SPK_GATE2, T0);
	wr(pit, CTL, 0xb0, T0);
	wr(pit, CH(2), 0xff, T0);
	wr(pit, CH(2), 0xff, T0);
	for (i = 0; i < ARRAY_SIZE(ticks); i++) {
		t = at(T0, ticks[i]);
		KUNIT_EXPECT_EQ(test, rd(pit, CH(2), t),
				(0xffff - ticks[i]) & 0xff);
		KUNIT_EXPECT_EQ(test, rd(pit, CH(2), t),
				(0xffff - ticks[i]) >> 8);
		KUNIT_EXPECT_FALSE(test, rd(pit, SPK, t) & HVX_PIT_SPK_OUT2);
	}
	KUNIT_EXPECT_TRUE(test, rd(pit, SPK, at(T0, 0xffff)) &
			  HVX_PIT_SPK_OUT2);
}

static void pit_speaker_port(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	struct hvx_pit *plain = new_pit(test, 0);
	struct hvx_pit none;
	u16 port;

	KUNIT_EXPECT_TRUE(test, hvx_pit_handles_port(pit, SPK));
	KUNIT_EXPECT_FALSE(test, hvx_pit_handles_port(plain, SPK));
	for (port = 0x3e; port < 0x46; port++)
		KUNIT_EXPECT_EQ(test, hvx_pit_handles_port(plain, port),
				port >= 0x40 && port <= 0x43);

	/* The refresh bit toggles every 2^14 ns. */
	KUNIT_EXPECT_EQ(test, rd(pit, SPK, 0) & HVX_PIT_SPK_REFRESH, 0);
	KUNIT_EXPECT_EQ(test, rd(pit, SPK, 1 << 14) &
			HVX_PIT_SPK_REFRESH, HVX_PIT_SPK_REFRESH);
	KUNIT_EXPECT_EQ(test, rd(pit, SPK, 2 << 14) & HVX_PIT_SPK_REFRESH, 0);
	/* Only bits 0 and 1 are kept; bit 1 is the speaker data. */
	wr(pit, SPK, 0xff, T0);
	KUNIT_EXPECT_EQ(test, rd(pit, SPK, 0) & ~HVX_PIT_SPK_OUT2,
			HVX_PIT_SPK_GATE2 | HVX_PIT_SPK_DATA);
	KUNIT_EXPECT_EQ(test, pit->flags, KVM_PIT_FLAGS_SPEAKER_DATA_ON);
	wr(pit, SPK, 0, T0);
	KUNIT_EXPECT_EQ(test, pit->flags, 0u);
	KUNIT_EXPECT_FALSE(test, pit->ch[2].gate);

	/* Without the speaker port, 0x61 is not the PIT's. */
	wr(plain, SPK, HVX_PIT_SPK_GATE2, T0);
	KUNIT_EXPECT_FALSE(test, plain->ch[2].gate);
	KUNIT_EXPECT_EQ(test, rd(plain, SPK, T0), 0xff);
	/* Nor is a port beside it. */
	wr(plain, 0x44, 0x30, T0);
	KUNIT_EXPECT_EQ(test, plain->ch[0].mode, HVX_PIT_MODE_NONE);
	KUNIT_EXPECT_EQ(test, rd(plain, 0x44, T0), 0xff);

	/* KVM_CREATE_PIT2 flags hvx does not know. */
	KUNIT_EXPECT_EQ(test, hvx_pit_init(&none, 2, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_pit_init(&none, BIT(31), T0), -EINVAL);
}

static void pit_timer_query(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	u32 first = DIV_ROUND_UP(1193ULL * NSEC_PER_SEC, HVX_PIT_FREQ_HZ);
	u32 period = 1193ULL * NSEC_PER_SEC / HVX_PIT_FREQ_HZ;
	struct hvx_pit_timer t;
	unsigned int m;
	s64 now;

	/* Nothing programmed: no interrupt. */
	hvx_pit_timer(pit, T0, &t);
	KUNIT_EXPECT_FALSE(test, t.armed);

	/* The control word alone changes no interrupt; the count does. */
	KUNIT_EXPECT_FALSE(test, wr(pit, CTL, 0x34, T0));
	KUNIT_EXPECT_FALSE(test, wr(pit, CH(0), 1193 & 0xff, T0));
	KUNIT_EXPECT_TRUE(test, wr(pit, CH(0), 1193 >> 8, T0));
	hvx_pit_timer(pit, T0, &t);
	KUNIT_EXPECT_TRUE(test, t.armed);
	KUNIT_EXPECT_TRUE(test, t.periodic);
	KUNIT_EXPECT_FALSE(test, t.clamped);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + first);
	KUNIT_EXPECT_EQ(test, t.period_ns, period);
	KUNIT_EXPECT_EQ(test, t.period_ns, 999847u);
	/* Later on: the next one after now, in step with the first. */
	now = T0 + first + 2 * period + period / 2;
	hvx_pit_timer(pit, now, &t);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + first + 3 * (s64)period);
	hvx_pit_timer(pit, T0 + first + period, &t);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + first + 2 * (s64)period);

	/* Writes that leave counter 0's interrupts alone say so. */
	KUNIT_EXPECT_FALSE(test, wr(pit, CTL, 0x00, now));
	KUNIT_EXPECT_FALSE(test, wr(pit, CTL, 0xe2, now));
	KUNIT_EXPECT_FALSE(test, wr(pit, CTL, 0x34, now));
	KUNIT_EXPECT_FALSE(test, program(pit, 1, 2, 2, now));
	KUNIT_EXPECT_FALSE(test, program(pit, 2, 2, 2, now));
	KUNIT_EXPECT_FALSE(test, wr(pit, SPK, 3, now));
	/* Linux's pit_shutdown(): mode 0, count 0: one interrupt, 55 ms. */
	KUNIT_EXPECT_FALSE(test, wr(pit, CTL, 0x30, now));
	KUNIT_EXPECT_FALSE(test, wr(pit, CH(0), 0, now));
	KUNIT_EXPECT_TRUE(test, wr(pit, CH(0), 0, now));
	hvx_pit_timer(pit, now, &t);
	KUNIT_EXPECT_TRUE(test, t.armed);
	KUNIT_EXPECT_FALSE(test, t.periodic);
	KUNIT_EXPECT_EQ(test, t.expires_ns, at(now, 0x10000));
	/* Fired, a one-shot has nothing more to come. */
	hvx_pit_timer(pit, at(now, 0x10000), &t);
	KUNIT_EXPECT_FALSE(test, t.armed);

	/* Modes 1, 4 and 5 are one-shots too, 3 is periodic. */
	for (m = 1; m <= 5; m++) {
		t = timer_of(pit, m, 100);
		KUNIT_EXPECT_TRUE(test, t.armed);
		KUNIT_EXPECT_EQ(test, t.periodic, m == 2 || m == 3);
		KUNIT_EXPECT_EQ(test, t.expires_ns, at(T0, 100));
	}

	/* The HPET has IRQ 0: counter 0 counts, but interrupts no more. */
	pit->flags |= KVM_PIT_FLAGS_HPET_LEGACY;
	hvx_pit_timer(pit, T0, &t);
	KUNIT_EXPECT_FALSE(test, t.armed);
	KUNIT_EXPECT_EQ(test, count_of(pit, 0, at(T0, 10)), 90);
}

static void pit_timer_min_period(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);
	struct hvx_pit_timer t;

	/* A count of 1: the first after 1 tick, then every 200 us. */
	t = timer_of(pit, 2, 1);
	KUNIT_EXPECT_TRUE(test, t.armed && t.periodic && t.clamped);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 839);
	KUNIT_EXPECT_EQ(test, t.period_ns, HVX_PIT_MIN_PERIOD_NS);
	hvx_pit_timer(pit, T0 + 839, &t);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 839 + HVX_PIT_MIN_PERIOD_NS);
	/* The counter still reads the guest's count. */
	KUNIT_EXPECT_EQ(test, count_of(pit, 0, at(T0, 12345)), 1);

	/* Square wave of 100 ticks (84 us): clamped too. */
	t = timer_of(pit, 3, 100);
	KUNIT_EXPECT_TRUE(test, t.clamped);
	KUNIT_EXPECT_EQ(test, t.period_ns, HVX_PIT_MIN_PERIOD_NS);
	/* 238 ticks are 199.5 us, 239 are 200.3 us. */
	KUNIT_EXPECT_TRUE(test, timer_of(pit, 2, 238).clamped);
	t = timer_of(pit, 2, 239);
	KUNIT_EXPECT_FALSE(test, t.clamped);
	KUNIT_EXPECT_EQ(test, t.period_ns, 200304u);

	/* One-shots are not clamped: each costs the guest a write. */
	t = timer_of(pit, 0, 1);
	KUNIT_EXPECT_TRUE(test, t.armed && !t.periodic && !t.clamped);
	KUNIT_EXPECT_EQ(test, t.expires_ns, T0 + 839);
}

/*
 * A guest writing anything to any port in any order, with the clock
 * jumping about: every state it reaches must be one KVM_SET_PIT2 takes,
 * and the timer must never ask for the past or less than the minimum.
 */
static void pit_hostile_guest(struct kunit *test)
{
	static const u16 ports[] = { 0x40, 0x41, 0x42, 0x43, 0x43, 0x61,
				     0x44, 0x60 };
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	struct hvx_pit *scratch = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	struct kvm_pit_state2 s;
	struct hvx_pit_timer t;
	u32 seed = 12345, r;
	unsigned int i, j;
	s64 now = T0;
	u16 port;

	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		r = seed >> 8;
		port = ports[r % ARRAY_SIZE(ports)];
		if (r & BIT(20))
			wr(pit, port, r >> 12, now);
		else
			rd(pit, port, now);
		now += (r & BIT(21)) ? (r >> 3) % 100000 :
				       (s64)(r >> 4) * 1000;

		hvx_pit_get_state(pit, &s, now);
		KUNIT_ASSERT_EQ_MSG(test, hvx_pit_set_state(scratch, &s, now),
				    0, "step %u", i);
		for (j = 0; j < 3; j++)
			KUNIT_ASSERT_TRUE(test, s.channels[j].count >= 1 &&
					  s.channels[j].count <= 0x10000);
		hvx_pit_timer(pit, now, &t);
		if (!t.armed)
			continue;
		KUNIT_ASSERT_GT_MSG(test, t.expires_ns, now, "step %u", i);
		if (t.periodic)
			KUNIT_ASSERT_GE(test, t.period_ns,
					HVX_PIT_MIN_PERIOD_NS);
	}
}

static struct kunit_case pit_timer_cases[] = {
	KUNIT_CASE(pit_tsc_calibration_out2),
	KUNIT_CASE(pit_tsc_calibration_msb), KUNIT_CASE(pit_speaker_port),
	KUNIT_CASE(pit_timer_query), KUNIT_CASE(pit_timer_min_period),
	KUNIT_CASE(pit_hostile_guest), {} };

static struct kunit_suite pit_timer_suite = {
	.name = "hvx_pit_timer",
	.test_cases = pit_timer_cases,
};

kunit_test_suite(pit_timer_suite);
