// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 8254 interval timer and port 0x61, driven through its ports
 * as a guest drives it, on a made-up clock: each mode's count and OUT,
 * the byte protocol, latches and read-back, gate 2, what Linux's TSC
 * calibration sees, counter 0's timer, and KVM_GET/SET_PIT2.
 */
#include <kunit/test.h>

#include "../../kmod/irq/pit.c"

#define T0		5000000123LL	/* an arbitrary moment, in ns */
#define CH(i)		(HVX_PIT_PORT_COUNTER0 + (i))
#define CTL		HVX_PIT_PORT_CONTROL
#define SPK		HVX_PIT_PORT_SPEAKER

/* The first nanosecond at which @ticks ticks have passed since @base. */
static s64 at(s64 base, u64 ticks)
{
	return base + DIV_ROUND_UP_ULL(ticks * NSEC_PER_SEC, HVX_PIT_FREQ_HZ);
}

static u8 rd(struct hvx_pit *pit, u16 port, s64 now)
{
	return hvx_pit_read(pit, port, now);
}

static bool wr(struct hvx_pit *pit, u16 port, u8 val, s64 now)
{
	return hvx_pit_write(pit, port, val, now);
}

static struct hvx_pit *new_pit(struct kunit *test, u32 config_flags)
{
	struct hvx_pit *pit = kunit_kzalloc(test, sizeof(*pit), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pit);
	KUNIT_ASSERT_EQ(test, hvx_pit_init(pit, config_flags, T0), 0);
	return pit;
}

/* Control word for counter @ch: LSB then MSB, @mode, binary; then @count. */
static bool program(struct hvx_pit *pit, unsigned int ch, u8 mode,
		    u32 count, s64 now)
{
	hvx_pit_write(pit, CTL, ch << 6 | 3 << 4 | mode << 1, now);
	hvx_pit_write(pit, CH(ch), count & 0xff, now);
	return hvx_pit_write(pit, CH(ch), (count >> 8) & 0xff, now);
}

/* A counter latch command, then the latched count, LSB then MSB. */
static u16 count_of(struct hvx_pit *pit, unsigned int ch, s64 now)
{
	u8 lsb;

	hvx_pit_write(pit, CTL, ch << 6, now);
	lsb = hvx_pit_read(pit, CH(ch), now);
	return lsb | hvx_pit_read(pit, CH(ch), now) << 8;
}

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

/* Counter 0 programmed at T0, and what its timer does. */
static struct hvx_pit_timer timer_of(struct hvx_pit *pit, u8 mode, u32 n)
{
	struct hvx_pit_timer t;

	program(pit, 0, mode, n, T0);
	hvx_pit_timer(pit, T0, &t);
	return t;
}

static void gate2(struct hvx_pit *pit, bool high, s64 now)
{
	hvx_pit_write(pit, SPK, high ? HVX_PIT_SPK_GATE2 : 0, now);
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

static struct kunit_case pit_cases[] = {
	KUNIT_CASE(pit_mode0_terminal_count),
	KUNIT_CASE(pit_mode1_hardware_one_shot), KUNIT_CASE(pit_mode2_reloads),
	KUNIT_CASE(pit_mode3_square_wave), KUNIT_CASE(pit_mode4_mode5_strobe),
	KUNIT_CASE(pit_lsb_msb_access), KUNIT_CASE(pit_counter_latch),
	KUNIT_CASE(pit_read_back), KUNIT_CASE(pit_gate_holds_count),
	KUNIT_CASE(pit_gate_retriggers), KUNIT_CASE(pit_tsc_calibration_out2),
	KUNIT_CASE(pit_tsc_calibration_msb), KUNIT_CASE(pit_speaker_port),
	KUNIT_CASE(pit_timer_query), KUNIT_CASE(pit_timer_min_period),
	KUNIT_CASE(pit_state_round_trip), KUNIT_CASE(pit_state_restore_time),
	KUNIT_CASE_PARAM(pit_set_state_checks, state_gen_params),
	KUNIT_CASE(pit_hostile_guest), {} };

static struct kunit_suite pit_suite = {
	.name = "hvx_pit",
	.test_cases = pit_cases,
};

kunit_test_suite(pit_suite);
