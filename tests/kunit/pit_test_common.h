/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: what the 8254's two suites share (pit_test.c, which includes
 * pit.c, and pit_timer_test.c): making a PIT and driving its ports as a
 * guest does, on a made-up clock.
 */
#ifndef HVX_PIT_TEST_COMMON_H
#define HVX_PIT_TEST_COMMON_H

#include <kunit/test.h>
#include <linux/math.h>
#include <linux/time64.h>

#include "../../kmod/irq/pit.h"

#define T0		5000000123LL	/* an arbitrary moment, in ns */
#define CH(i)		(HVX_PIT_PORT_COUNTER0 + (i))
#define CTL		HVX_PIT_PORT_CONTROL
#define SPK		HVX_PIT_PORT_SPEAKER

/* The first nanosecond at which @ticks ticks have passed since @base. */
static inline s64 at(s64 base, u64 ticks)
{
	return base + DIV_ROUND_UP_ULL(ticks * NSEC_PER_SEC, HVX_PIT_FREQ_HZ);
}

static inline u8 rd(struct hvx_pit *pit, u16 port, s64 now)
{
	return hvx_pit_read(pit, port, now);
}

static inline bool wr(struct hvx_pit *pit, u16 port, u8 val, s64 now)
{
	return hvx_pit_write(pit, port, val, now);
}

static inline struct hvx_pit *new_pit(struct kunit *test, u32 config_flags)
{
	struct hvx_pit *pit = kunit_kzalloc(test, sizeof(*pit), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pit);
	KUNIT_ASSERT_EQ(test, hvx_pit_init(pit, config_flags, T0), 0);
	return pit;
}

/* Control word for counter @ch: LSB then MSB, @mode, binary; then @count. */
static inline bool program(struct hvx_pit *pit, unsigned int ch, u8 mode,
			   u32 count, s64 now)
{
	hvx_pit_write(pit, CTL, ch << 6 | 3 << 4 | mode << 1, now);
	hvx_pit_write(pit, CH(ch), count & 0xff, now);
	return hvx_pit_write(pit, CH(ch), (count >> 8) & 0xff, now);
}

/* A counter latch command, then the latched count, LSB then MSB. */
static inline u16 count_of(struct hvx_pit *pit, unsigned int ch, s64 now)
{
	u8 lsb;

	hvx_pit_write(pit, CTL, ch << 6, now);
	lsb = hvx_pit_read(pit, CH(ch), now);
	return lsb | hvx_pit_read(pit, CH(ch), now) << 8;
}

/* Counter 0 programmed at T0, and what its timer does. */
static inline struct hvx_pit_timer timer_of(struct hvx_pit *pit, u8 mode,
					    u32 n)
{
	struct hvx_pit_timer t;

	program(pit, 0, mode, n, T0);
	hvx_pit_timer(pit, T0, &t);
	return t;
}

static inline void gate2(struct hvx_pit *pit, bool high, s64 now)
{
	hvx_pit_write(pit, SPK, high ? HVX_PIT_SPK_GATE2 : 0, now);
}

#endif /* HVX_PIT_TEST_COMMON_H */
