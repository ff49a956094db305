// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 8254 interval timer, driven through its ports as a guest
 * drives it, on a made-up clock: each mode's count and OUT, the byte
 * protocol, latches and read-back, gate 2, and KVM_GET/SET_PIT2.  Port
 * 0x61, what Linux's TSC calibration sees and counter 0's timer have
 * their own suite, pit_timer_test.c.
 */
#include <kunit/test.h>

#include "../../kmod/irq/pit.c"
#include "pit_test_common.h"

/* A read-back of @ch's status alone. */
static u8 status_of(struct hvx_pit *pit, unsigned int ch, s64 now)
{
	hvx_pit_write(pit, CTL, 0xc0 | PIT_RB_NO_COUNT | PIT_RB_COUNTER(ch),
		      now);
	return hvx_pit_read(pit, CH(ch), now);
}

static bool out_of(struct hvx_pit *pit, unsigned int ch, s64 now)
{
	return status_of(pit, ch, now) & PIT_ST_OUT;
}

static void pit_mode0_terminal_count(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);

	program(pit, 1, 0, 1000, T0);
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, T0), 1000);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, T0));
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 500)), 500);
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 999)), 1);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, at(T0, 999)));
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, at(T0, 1000) - 1));
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 1000)), 0);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 1000)));
	/* Past zero it wraps and counts on; OUT stays high. */
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 1001)), 0xffff);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 1001)));
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 1000 + 0x10000)), 0);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 1000 + 0x10000)));
	/* A new count starts it again, OUT low. */
	program(pit, 1, 0, 10, at(T0, 5000));
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, at(T0, 5000)));
}

static void pit_mode1_hardware_one_shot(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	s64 g;

	gate2(pit, true, T0);
	program(pit, 2, 1, 100, T0);
	/* OUT is low for the one-shot's N ticks, then high. */
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, T0));
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 99)), 1);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(T0, 99)));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(T0, 100)));
	/* A low gate does not stop mode 1. */
	gate2(pit, false, at(T0, 150));
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 190)), (u16)(100 - 190));
	/* A rising gate triggers it again. */
	g = at(T0, 200);
	gate2(pit, true, g);
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, g), 100);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, g));
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(g, 99)));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(g, 100)));
}

static void pit_mode2_reloads(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);
	unsigned int k;

	program(pit, 1, 2, 10, T0);
	for (k = 0; k < 35; k++) {
		/* N, N-1, ... 1, N, ...; OUT low only while the count is 1. */
		KUNIT_EXPECT_EQ_MSG(test, count_of(pit, 1, at(T0, k)),
				    10 - k % 10, "tick %u", k);
		KUNIT_EXPECT_EQ_MSG(test, out_of(pit, 1, at(T0, k)),
				    k % 10 != 9, "tick %u", k);
	}
	/* Mode 6 is mode 2. */
	program(pit, 1, 6, 4, T0);
	KUNIT_EXPECT_EQ(test, status_of(pit, 1, T0) & 0x0e, 2 << 1);
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 5)), 3);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, at(T0, 7)));
}

static void pit_mode3_square_wave(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);
	unsigned int k, p;

	/* Even: two halves of 5 ticks, each counting 10, 8, ... 2. */
	program(pit, 1, 3, 10, T0);
	for (k = 0; k < 30; k++) {
		p = k % 10;
		KUNIT_EXPECT_EQ_MSG(test, count_of(pit, 1, at(T0, k)),
				    10 - 2 * (p % 5), "tick %u", k);
		KUNIT_EXPECT_EQ_MSG(test, out_of(pit, 1, at(T0, k)), p < 5,
				    "tick %u", k);
	}
	/* Odd: high for 3 ticks (4, 2, 0), low for 2 (4, 2). */
	program(pit, 1, 3, 5, T0);
	for (k = 0; k < 20; k++) {
		static const u16 counts[] = { 4, 2, 0, 4, 2 };

		p = k % 5;
		KUNIT_EXPECT_EQ_MSG(test, count_of(pit, 1, at(T0, k)),
				    counts[p], "tick %u", k);
		KUNIT_EXPECT_EQ_MSG(test, out_of(pit, 1, at(T0, k)), p < 3,
				    "tick %u", k);
	}
	/* Mode 7 is mode 3; a count of 0 is 65536: 0x8000 ticks a half. */
	program(pit, 1, 7, 0, T0);
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, T0), 0);
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 1)), 0xfffe);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 0x7fff)));
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, at(T0, 0x8000)));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 0x10000)));
}

static void pit_mode4_mode5_strobe(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	s64 g;

	program(pit, 1, 4, 50, T0);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, T0));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 49)));
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 50)), 0);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 1, at(T0, 50)));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, at(T0, 51)));
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(T0, 51)), 0xffff);

	/* Mode 5: the strobe comes N ticks after each rising gate. */
	gate2(pit, true, T0);
	program(pit, 2, 5, 20, T0);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(T0, 20)));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(T0, 21)));
	gate2(pit, false, at(T0, 25));
	/* ...and a low gate does not stop it. */
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 30)), (u16)(20 - 30));
	g = at(T0, 40);
	gate2(pit, true, g);
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, g), 20);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(g, 19)));
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(g, 20)));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(g, 21)));
}

static void pit_lsb_msb_access(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);
	s64 l = at(T0, 3);

	/* LSB only: one byte loads the count, reads give the LSB. */
	wr(pit, CTL, 1 << 6 | 1 << 4 | 2 << 1, T0);
	wr(pit, CH(1), 0x34, T0);
	KUNIT_EXPECT_EQ(test, pit->ch[1].count, 0x34);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 4)), 0x30);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 4)), 0x30);
	/* ...and 0 is 65536 there too. */
	wr(pit, CH(1), 0, T0);
	KUNIT_EXPECT_EQ(test, pit->ch[1].count, 0x10000);

	/* MSB only: the byte is the high half, the low half zero. */
	wr(pit, CTL, 1 << 6 | 2 << 4 | 2 << 1, T0);
	wr(pit, CH(1), 0x12, T0);
	KUNIT_EXPECT_EQ(test, pit->ch[1].count, 0x1200);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 0x100)), 0x11);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 0x100)), 0x11);

	/* LSB then MSB: nothing loads until the MSB. */
	wr(pit, CTL, 1 << 6 | 3 << 4 | 2 << 1, T0);
	wr(pit, CH(1), 0x78, T0);
	KUNIT_EXPECT_EQ(test, pit->ch[1].count, 0x1200);
	wr(pit, CH(1), 0x56, l);
	KUNIT_EXPECT_EQ(test, pit->ch[1].count, 0x5678);
	KUNIT_EXPECT_EQ(test, pit->ch[1].load_ns, l);
	/* Reads alternate LSB, MSB, each of the live counter. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(l, 0x10)), 0x68);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(l, 0x100)), 0x55);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(l, 0x100)), 0x78);
	/* A control word puts both flip-flops back to the LSB. */
	wr(pit, CH(1), 0x01, l);
	wr(pit, CTL, 1 << 6 | 3 << 4 | 2 << 1, l);
	KUNIT_EXPECT_EQ(test, pit->ch[1].read_state, HVX_PIT_RW_WORD0);
	KUNIT_EXPECT_EQ(test, pit->ch[1].write_state, HVX_PIT_RW_WORD0);
	wr(pit, CH(1), 0x00, l);
	wr(pit, CH(1), 0x02, l);
	KUNIT_EXPECT_EQ(test, pit->ch[1].count, 0x200);

	/* The control word register is write-only: 0x43 reads as 0xff. */
	KUNIT_EXPECT_EQ(test, rd(pit, CTL, T0), 0xff);
}

static void pit_counter_latch(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);

	program(pit, 0, 2, 0x1000, T0);
	wr(pit, CTL, 0 << 6, at(T0, 0x10));
	/* A second latch before the read is ignored. */
	wr(pit, CTL, 0 << 6, at(T0, 0x20));
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x500)), 0xf0);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x600)), 0x0f);
	/* Read out, the counter is live again. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x700)), 0x00);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x700)), 0x09);
	/* The latch leaves the live read flip-flop alone. */
	rd(pit, CH(0), at(T0, 0x700));
	wr(pit, CTL, 0 << 6, at(T0, 0x800));
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x00);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x08);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x07);
	/* A control word drops a latch not read yet. */
	wr(pit, CTL, 0 << 6, at(T0, 0x800));
	wr(pit, CTL, 0 << 6 | 3 << 4 | 2 << 1, at(T0, 0x800));
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x00);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x07);
}

static void pit_read_back(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	s64 t = at(T0, 0x100);

	program(pit, 0, 2, 0x1000, T0);
	wr(pit, CTL, 1 << 6 | 1 << 4 | 0 << 1 | 1, T0);
	wr(pit, CH(1), 0x80, T0);
	gate2(pit, true, T0);
	program(pit, 2, 3, 0x400, T0);

	/* Count and status of all three: status first, then the count. */
	wr(pit, CTL, 0xc0 | PIT_RB_COUNTER(0) | PIT_RB_COUNTER(1) |
		      PIT_RB_COUNTER(2), t);
	/* OUT high, RW 3, mode 2, binary. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0xb4);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x00);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x0f);
	/* OUT high (terminal count passed), RW 1, mode 0, BCD. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 0x900)), 0x91);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 0x900)),
			(u8)(0x80 - 0x100));
	/* OUT high (first half of 0x400), RW 3, mode 3. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(2), at(T0, 0x900)), 0xb6);
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, t), 0x400 - 0x200);
	/* After the latched bytes, counter 0 is live again. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x900)), 0x00);

	/*
	 * Status alone, counters 0 and 2; a second one before the read is
	 * ignored (OUT2 is high again by then).
	 */
	wr(pit, CTL, 0xc0 | PIT_RB_NO_COUNT | PIT_RB_COUNTER(0) |
		      PIT_RB_COUNTER(2), at(T0, 0x200));
	wr(pit, CTL, 0xc0 | PIT_RB_NO_COUNT | PIT_RB_COUNTER(2), at(T0, 0x400));
	/* Latched at 0x200 ticks: OUT low (second half), RW 3, mode 3. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(2), at(T0, 0x400)), 0x36);
	/* Then the live counter: 0x400 ticks in, reloaded to 0x400. */
	KUNIT_EXPECT_EQ(test, rd(pit, CH(2), at(T0, 0x400)), 0x00);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(2), at(T0, 0x400)), 0x04);
	KUNIT_EXPECT_EQ(test, rd(pit, CH(0), at(T0, 0x400)), 0xb4);
	KUNIT_EXPECT_FALSE(test, pit->ch[1].status_latched);

	/* Count alone: no status comes first. */
	wr(pit, CTL, 0xc0 | PIT_RB_NO_STATUS | PIT_RB_COUNTER(1), at(T0, 0x10));
	KUNIT_EXPECT_EQ(test, rd(pit, CH(1), at(T0, 0x300)), 0x70);
	/* Neither count nor status: nothing is latched. */
	wr(pit, CTL, 0xfe, at(T0, 0x10));
	KUNIT_EXPECT_FALSE(test, pit->ch[0].status_latched);
	KUNIT_EXPECT_EQ(test, pit->ch[0].count_latched, 0);

	/* A counter not programmed since reset says NULL COUNT. */
	hvx_pit_reset(pit, T0);
	KUNIT_EXPECT_EQ(test, status_of(pit, 1, T0), PIT_ST_NULL_COUNT);
}

static void pit_gate_holds_count(struct kunit *test)
{
	static const u8 modes[] = { 0, 4 };
	struct hvx_pit *pit;
	unsigned int i;
	s64 g;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		/* Modes 0 and 4: a low gate stops the count; high resumes. */
		pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
		gate2(pit, true, T0);
		program(pit, 2, modes[i], 1000, T0);
		gate2(pit, false, at(T0, 300));
		KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 700)), 700);
		KUNIT_EXPECT_EQ(test, out_of(pit, 2, at(T0, 700)),
				modes[i] == 4);
		g = at(T0, 700);
		gate2(pit, true, g);
		KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(g, 100)), 600);
		KUNIT_EXPECT_EQ(test, out_of(pit, 2, at(g, 699)),
				modes[i] == 4);
		KUNIT_EXPECT_EQ(test, out_of(pit, 2, at(g, 700)),
				modes[i] == 0);
	}

	/* A count written while the gate is low (as after reset) waits. */
	pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	program(pit, 2, 0, 10, T0);
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 50)), 10);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(T0, 50)));
}

static void pit_gate_retriggers(struct kunit *test)
{
	static const u8 modes[] = { 2, 3 };
	struct hvx_pit *pit;
	unsigned int i;
	s64 g;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
		gate2(pit, true, T0);
		program(pit, 2, modes[i], 100, T0);
		/*
		 * A low gate stops the count and sets OUT high at once,
		 * even in mode 3's low half.
		 */
		gate2(pit, false, at(T0, 60));
		KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 90)),
				modes[i] == 2 ? 40 : 80);
		KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(T0, 90)));
		/* A rising gate reloads the count. */
		g = at(T0, 1000);
		gate2(pit, true, g);
		KUNIT_EXPECT_EQ(test, count_of(pit, 2, g), 100);
		KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(g, 10)),
				modes[i] == 2 ? 90 : 80);
		/* Count 1 in mode 2, the low half in mode 3. */
		KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(g, 99)));
		KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(g, 100)));
	}

	/* A low gate holds a rate generator on its count of 1, OUT high. */
	pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	gate2(pit, true, T0);
	program(pit, 2, 2, 100, T0);
	KUNIT_EXPECT_FALSE(test, out_of(pit, 2, at(T0, 99)));
	gate2(pit, false, at(T0, 99));
	KUNIT_EXPECT_TRUE(test, out_of(pit, 2, at(T0, 99)));
	KUNIT_EXPECT_EQ(test, count_of(pit, 2, at(T0, 500)), 1);
}

static void pit_state_round_trip(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	struct hvx_pit *copy = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	struct kvm_pit_state2 s, s2;
	struct hvx_pit_timer ta, tb;
	s64 t = at(T0, 1000), later;
	unsigned int i;

	/* A fresh PIT's state, as KVM's: unprogrammed counters. */
	hvx_pit_get_state(pit, &s, T0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, s.channels[i].mode, 0xff);
		KUNIT_EXPECT_EQ(test, s.channels[i].count, 0x10000u);
		KUNIT_EXPECT_EQ(test, s.channels[i].gate, i != 2);
		KUNIT_EXPECT_EQ(test, s.channels[i].count_load_time, T0);
	}

	program(pit, 0, 2, 1193, T0);
	program(pit, 1, 0, 5000, T0);
	wr(pit, CTL, 0xc0 | PIT_RB_COUNTER(1), at(T0, 10));
	rd(pit, CH(1), t);			/* status read */
	rd(pit, CH(1), t);			/* LSB of the count */
	wr(pit, SPK, HVX_PIT_SPK_GATE2 | HVX_PIT_SPK_DATA, T0);
	wr(pit, CTL, 0xb6, T0);
	wr(pit, CH(2), 0x34, T0);		/* MSB to come */
	rd(pit, CH(0), t);			/* MSB to come */

	hvx_pit_get_state(pit, &s, t);
	KUNIT_EXPECT_EQ(test, s.channels[0].read_state, HVX_PIT_RW_WORD1);
	KUNIT_EXPECT_EQ(test, s.channels[1].count_latched, HVX_PIT_RW_MSB);
	KUNIT_EXPECT_EQ(test, s.channels[2].write_state, HVX_PIT_RW_WORD1);
	KUNIT_EXPECT_EQ(test, s.channels[2].write_latch, 0x34);
	KUNIT_EXPECT_EQ(test, s.flags, KVM_PIT_FLAGS_SPEAKER_DATA_ON);
	KUNIT_EXPECT_EQ(test, s.channels[0].count_load_time, T0);
	KUNIT_ASSERT_EQ(test, hvx_pit_set_state(copy, &s, t), 0);
	hvx_pit_get_state(copy, &s2, t);
	KUNIT_EXPECT_EQ(test, memcmp(&s, &s2, sizeof(s)), 0);

	/* The copy behaves as the original, byte for byte, later on. */
	later = at(T0, 7777);
	wr(pit, CH(2), 0x12, later);
	wr(copy, CH(2), 0x12, later);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, rd(pit, CH(i), later),
				rd(copy, CH(i), later));
		KUNIT_EXPECT_EQ(test, rd(pit, CH(i), later),
				rd(copy, CH(i), later));
		KUNIT_EXPECT_EQ(test, status_of(pit, i, later),
				status_of(copy, i, later));
	}
	KUNIT_EXPECT_EQ(test, rd(pit, SPK, later), rd(copy, SPK, later));
	hvx_pit_timer(pit, later, &ta);
	hvx_pit_timer(copy, later, &tb);
	KUNIT_EXPECT_FALSE(test, pit_timer_differs(&ta, &tb));
	KUNIT_EXPECT_TRUE(test, tb.armed);

	/* A counter its gate holds comes back holding the same count. */
	wr(pit, SPK, 0, later);
	program(pit, 2, 0, 1000, T0);
	wr(pit, SPK, HVX_PIT_SPK_GATE2, at(T0, 100));
	wr(pit, SPK, 0, at(at(T0, 100), 300));
	hvx_pit_get_state(pit, &s, later);
	KUNIT_ASSERT_EQ(test, hvx_pit_set_state(copy, &s, later), 0);
	KUNIT_EXPECT_EQ(test, count_of(copy, 2, later), 700);
	wr(copy, SPK, HVX_PIT_SPK_GATE2, later);
	KUNIT_EXPECT_EQ(test, count_of(copy, 2, at(later, 50)), 650);
}

static void pit_state_restore_time(struct kunit *test)
{
	struct hvx_pit *pit = new_pit(test, 0);
	struct kvm_pit_state2 s;
	struct hvx_pit_timer t;
	s64 now = at(T0, 1000000);

	program(pit, 0, 2, 100, T0);
	program(pit, 1, 0, 100, T0);
	hvx_pit_get_state(pit, &s, T0);

	/* A load time in the future (another host's clock) is now. */
	s.channels[0].count_load_time = now + 1000000000;
	s.channels[1].count_load_time = S64_MAX;
	KUNIT_ASSERT_EQ(test, hvx_pit_set_state(pit, &s, now), 0);
	KUNIT_EXPECT_EQ(test, count_of(pit, 0, now), 100);
	KUNIT_EXPECT_EQ(test, count_of(pit, 1, at(now, 30)), 70);
	hvx_pit_timer(pit, now, &t);
	KUNIT_EXPECT_EQ(test, t.expires_ns, at(now, 100));

	/* One from the start of time: counting since, nothing overflows. */
	s.channels[0].count_load_time = S64_MIN;
	s.channels[1].count_load_time = S64_MIN;
	KUNIT_ASSERT_EQ(test, hvx_pit_set_state(pit, &s, now), 0);
	hvx_pit_timer(pit, now, &t);
	KUNIT_EXPECT_TRUE(test, t.armed);
	KUNIT_EXPECT_GT(test, t.expires_ns, now);
	KUNIT_EXPECT_LE(test, t.expires_ns, now + (s64)t.period_ns);
	KUNIT_EXPECT_GE(test, count_of(pit, 0, now), 1);
	KUNIT_EXPECT_LE(test, count_of(pit, 0, now), 100);
	KUNIT_EXPECT_TRUE(test, out_of(pit, 1, now));
	/* A one-shot that long expired has nothing to come. */
	program(pit, 0, 0, 100, T0);
	hvx_pit_get_state(pit, &s, now);
	s.channels[0].count_load_time = S64_MIN;
	KUNIT_ASSERT_EQ(test, hvx_pit_set_state(pit, &s, now), 0);
	hvx_pit_timer(pit, now, &t);
	KUNIT_EXPECT_FALSE(test, t.armed);
}

/*
 * One change to a state that is taken as is: to the flags, a reserved
 * word, a counter's count, its three RW bytes (rw_mode, read_state,
 * write_state, one a byte of @val) or any other byte of it (at @off).
 */
enum spoil { FLAGS, RESERVED, COUNT, RW, BYTE };

struct state_case {
	const char *what;
	enum spoil kind;
	size_t off;
	unsigned int ch;
	u32 val;
	int ret;
};

#define OFF(field)	offsetof(struct kvm_pit_channel_state, field)
#define RW3(rw, r, w)	((rw) | (r) << 8 | (w) << 16)
#define W0		HVX_PIT_RW_WORD0
#define W1		HVX_PIT_RW_WORD1

static const struct state_case state_cases[] = {
	{ "an unknown flag", FLAGS, 0, 0, BIT(2), -EINVAL },
	{ "a reserved word set", RESERVED, 0, 0, 1, -EINVAL },
	{ "count 0x10001", COUNT, 0, 1, 0x10001, -EINVAL },
	{ "count 0xffffffff", COUNT, 0, 0, U32_MAX, -EINVAL },
	{ "mode 6 (only a control word aliases it)", BYTE, OFF(mode), 0, 6, -EINVAL },
	{ "mode 0x80", BYTE, OFF(mode), 2, 0x80, -EINVAL },
	{ "rw_mode 4", RW, 0, 1, RW3(4, W0, W0), -EINVAL },
	{ "read_state 5", RW, 0, 1, RW3(3, 5, W0), -EINVAL },
	{ "write_state 5", RW, 0, 1, RW3(3, W0, 5), -EINVAL },
	{ "LSB read next in LSB-then-MSB mode", RW, 0, 1, RW3(3, 1, W0),
	  -EINVAL },
	{ "MSB written next in LSB-then-MSB mode", RW, 0, 2, RW3(3, W0, 2),
	  -EINVAL },
	{ "LSB-only mode in word states", RW, 0, 1, RW3(1, W0, W0), -EINVAL },
	{ "MSB-only mode, writes in word state", RW, 0, 1, RW3(2, 2, W0),
	  -EINVAL },
	{ "count_latched MSB-first", BYTE, OFF(count_latched), 1, W1, -EINVAL },
	{ "status_latched 2", BYTE, OFF(status_latched), 1, 2, -EINVAL },
	{ "bcd 2", BYTE, OFF(bcd), 1, 2, -EINVAL },
	{ "gate 2", BYTE, OFF(gate), 2, 2, -EINVAL },
	{ "counter 0's gate low", BYTE, OFF(gate), 0, 0, -EINVAL },
	{ "counter 1's gate low", BYTE, OFF(gate), 1, 0, -EINVAL },
	{ "mode 0xff: not programmed", BYTE, OFF(mode), 0, 0xff, 0 },
	{ "count 0: 65536", COUNT, 0, 1, 0, 0 },
	{ "counter 2's gate low", BYTE, OFF(gate), 2, 0, 0 },
	{ "the MSB read next", RW, 0, 1, RW3(3, W1, W0), 0 },
	{ "HPET legacy", FLAGS, 0, 0, KVM_PIT_FLAGS_HPET_LEGACY, 0 },
	{ "RW not programmed", RW, 0, 1, RW3(0, 0, 0), 0 },
	{ "MSB only", RW, 0, 1, RW3(2, 2, 2), 0 },
};

static void spoil(struct kvm_pit_state2 *s, const struct state_case *c)
{
	struct kvm_pit_channel_state *k = &s->channels[c->ch];

	switch (c->kind) {
	case FLAGS:
		s->flags |= c->val;
		break;
	case RESERVED:
		s->reserved[8] = c->val;
		break;
	case COUNT:
		k->count = c->val;
		break;
	case BYTE:
		((u8 *)k)[c->off] = c->val;
		break;
	case RW:
		k->rw_mode = c->val & 0xff;
		k->read_state = (c->val >> 8) & 0xff;
		k->write_state = c->val >> 16;
		break;
	}
}

static void state_gen_desc(const struct state_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(state, state_cases, state_gen_desc);

static void pit_set_state_checks(struct kunit *test)
{
	const struct state_case *c = test->param_value;
	struct hvx_pit *pit = new_pit(test, KVM_PIT_SPEAKER_DUMMY);
	struct kvm_pit_state2 s, before, after;

	gate2(pit, true, T0);
	program(pit, 0, 2, 1193, T0);
	program(pit, 1, 0, 100, T0);
	program(pit, 2, 3, 100, T0);
	hvx_pit_get_state(pit, &before, T0);
	/* The unspoiled state is taken: the spoiling alone decides. */
	KUNIT_ASSERT_EQ(test, hvx_pit_set_state(pit, &before, T0), 0);

	s = before;
	spoil(&s, c);
	KUNIT_EXPECT_EQ(test, hvx_pit_set_state(pit, &s, T0), c->ret);
	hvx_pit_get_state(pit, &after, T0);
	if (c->ret) {
		/* A refusal changes nothing. */
		KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(after)), 0);
		return;
	}
	if (s.channels[1].count == 0)
		s.channels[1].count = 0x10000;
	KUNIT_EXPECT_EQ(test, memcmp(&s, &after, sizeof(after)), 0);
}

static struct kunit_case pit_cases[] = {
	KUNIT_CASE(pit_mode0_terminal_count),
	KUNIT_CASE(pit_mode1_hardware_one_shot), KUNIT_CASE(pit_mode2_reloads),
	KUNIT_CASE(pit_mode3_square_wave), KUNIT_CASE(pit_mode4_mode5_strobe),
	KUNIT_CASE(pit_lsb_msb_access), KUNIT_CASE(pit_counter_latch),
	KUNIT_CASE(pit_read_back), KUNIT_CASE(pit_gate_holds_count),
	KUNIT_CASE(pit_gate_retriggers),
	KUNIT_CASE(pit_state_round_trip), KUNIT_CASE(pit_state_restore_time),
	KUNIT_CASE_PARAM(pit_set_state_checks, state_gen_params), {} };

static struct kunit_suite pit_suite = {
	.name = "hvx_pit",
	.test_cases = pit_cases,
};

kunit_test_suite(pit_suite);
