/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's 8254 programmable interval timer, as KVM_CREATE_PIT2 gives it
 * to a guest: three counters at ports 0x40-0x42 and their control word at
 * 0x43, clocked at 1,193,182 Hz, and the bits of port 0x61 that belong to
 * counter 2 (its gate, the speaker data bit, OUT2 read back).  Counter 0
 * drives IRQ 0, counter 2 is what Linux calibrates the TSC against.
 *
 * Pure logic: no locks, no timers, no vCPUs.  A counter is its initial
 * count and the time it was loaded; its value and OUT at any moment are
 * worked out from the caller's clock, so nothing here ticks.  Locking
 * contract: the caller holds the VM's irq lock around every call, passes
 * ktime_get() in nanoseconds as @now_ns, and after every call that
 * reports a change of counter 0's timer (hvx_pit_write() returning true,
 * hvx_pit_reset(), hvx_pit_set_state()) cancels its hrtimer and arms it
 * again from hvx_pit_timer(), under the same lock hold.
 */
#ifndef HVX_IRQ_PIT_H
#define HVX_IRQ_PIT_H

#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/types.h>

/*
 * 14.31818 MHz / 12, rounded as Linux's PIT_TICK_RATE; KVM's model
 * counts at 1193181 Hz, a part per million slower.
 */
#define HVX_PIT_FREQ_HZ		1193182

/*
 * The shortest period hvx arms a periodic counter 0 with, as KVM's
 * min_timer_period_us (200 us by default): a guest that programs a rate
 * generator with a count of 1 asks for an interrupt every 838 ns, and
 * the host's hrtimers are not throttled by its scheduler.
 */
#define HVX_PIT_MIN_PERIOD_NS	(200 * 1000)

#define HVX_PIT_PORT_COUNTER0	0x40	/* 0x41, 0x42: counters 1 and 2 */
#define HVX_PIT_PORT_CONTROL	0x43
#define HVX_PIT_PORT_SPEAKER	0x61	/* "NMI status and control" */

/* Port 0x61's bits: the first two are written, all four are read. */
#define HVX_PIT_SPK_GATE2	BIT(0)
#define HVX_PIT_SPK_DATA	BIT(1)
#define HVX_PIT_SPK_REFRESH	BIT(4)	/* toggles every 2^14 ns, as KVM's */
#define HVX_PIT_SPK_OUT2	BIT(5)

/* Counter 0-2 mode, and the mode of a counter not programmed since reset. */
#define HVX_PIT_MODE_NONE	0xff

/*
 * Where a counter's byte flip-flop stands, in the encoding of struct
 * kvm_pit_channel_state's read_state, write_state and count_latched.
 * The first three are also the control word's RW field: LSB only, MSB
 * only, LSB then MSB.
 */
#define HVX_PIT_RW_LSB		1
#define HVX_PIT_RW_MSB		2
#define HVX_PIT_RW_WORD0	3	/* LSB then MSB: the LSB is next */
#define HVX_PIT_RW_WORD1	4	/* LSB then MSB: the MSB is next */

/*
 * One counter.  The fields are those of struct kvm_pit_channel_state, so
 * that KVM_GET/SET_PIT2 carry them one for one, but for time: @load_ns is
 * when the count was loaded (or the gate last triggered it), and while
 * the gate holds the counter @hold_ns is when counting stopped.  Counter
 * 0's interrupts keep to @timer_mode, the mode its count was loaded
 * under, until the next count, as KVM's hrtimer does: a control word
 * alone changes how the counter reads, not when it interrupts.
 */
struct hvx_pit_channel {
	u32 count;		/* initial count, 1-0x10000 */
	u16 latched_count;
	u8 count_latched;	/* HVX_PIT_RW_*: how it is read; 0 none */
	bool status_latched;
	u8 status;		/* the latched status byte */
	u8 read_state;		/* HVX_PIT_RW_*; 0 before programming */
	u8 write_state;		/* HVX_PIT_RW_*; 0 before programming */
	u8 write_latch;		/* the LSB of a count whose MSB is next */
	u8 rw_mode;		/* the control word's RW field; 0 before */
	u8 mode;		/* 0-5, or HVX_PIT_MODE_NONE */
	bool bcd;		/* recorded and reported; counting is binary */
	bool gate;		/* always high on counters 0 and 1 */
	u8 timer_mode;		/* @mode when the count was loaded */
	s64 load_ns;
	s64 hold_ns;
};

/**
 * struct hvx_pit - the 8254 and port 0x61
 * @ch: counters 0, 1 and 2
 * @flags: KVM_PIT_FLAGS_HPET_LEGACY (counter 0 raises no interrupt: the
 *	HPET has taken IRQ 0) and KVM_PIT_FLAGS_SPEAKER_DATA_ON (port 0x61
 *	bit 1), as KVM_GET/SET_PIT2 carry them
 * @speaker_port: port 0x61 is the PIT's, as KVM_PIT_SPEAKER_DUMMY in
 *	KVM_CREATE_PIT2 asks; without it the port goes to the VMM
 */
struct hvx_pit {
	struct hvx_pit_channel ch[3];
	u32 flags;
	bool speaker_port;
};

/**
 * struct hvx_pit_timer - what counter 0's hrtimer must do
 * @armed: counter 0 will interrupt; if clear, the timer is cancelled
 * @periodic: modes 2 and 3: after @expires_ns, every @period_ns
 * @clamped: @period_ns is HVX_PIT_MIN_PERIOD_NS, longer than the
 *	guest's count asks for (the caller may say so, rate-limited)
 * @expires_ns: the next interrupt, on the caller's clock
 * @period_ns: the time between interrupts of a periodic counter
 */
struct hvx_pit_timer {
	bool armed;
	bool periodic;
	bool clamped;
	s64 expires_ns;
	u32 period_ns;
};

int hvx_pit_init(struct hvx_pit *pit, u32 config_flags, s64 now_ns);
void hvx_pit_reset(struct hvx_pit *pit, s64 now_ns);
bool hvx_pit_handles_port(const struct hvx_pit *pit, u16 port);
bool hvx_pit_write(struct hvx_pit *pit, u16 port, u8 val, s64 now_ns);
u8 hvx_pit_read(struct hvx_pit *pit, u16 port, s64 now_ns);
void hvx_pit_timer(const struct hvx_pit *pit, s64 now_ns,
		   struct hvx_pit_timer *t);
void hvx_pit_get_state(const struct hvx_pit *pit, struct kvm_pit_state2 *s,
		       s64 now_ns);
int hvx_pit_set_state(struct hvx_pit *pit, const struct kvm_pit_state2 *s,
		      s64 now_ns);

#endif /* HVX_IRQ_PIT_H */
