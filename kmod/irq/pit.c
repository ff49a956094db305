// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 interval timer and port 0x61 as pure logic (see pit.h): a
 * counter's value and OUT as a function of the time, the byte-wise
 * access protocol of ports 0x40-0x43, the gate of counter 2, counter 0's
 * timer, and KVM_GET/SET_PIT2.
 *
 * A counter is its initial count N and the time it started counting.
 * After d ticks of the 1.193182 MHz clock (Intel 8254 datasheet, "Mode
 * Definitions"; N = 0 counts 65536):
 *
 *   mode 0, interrupt on terminal count: counts N, N-1, ... and on past
 *	0 to 0xffff; OUT low until d = N, then high.
 *   mode 1, hardware one-shot: the same, but a rising gate starts it
 *	again.
 *   mode 2, rate generator: counts N ... 1, then N again; OUT is high
 *	but for the tick at which the count is 1.
 *   mode 3, square wave: counts down by two, twice per period of N
 *	ticks; OUT is high for the first half (the longer one, N + 1 over
 *	2 ticks, when N is odd) and low for the second.
 *   mode 4, software strobe: counts like mode 0; OUT is high but for
 *	the tick at d = N.
 *   mode 5, hardware strobe: mode 4 started again by a rising gate.
 *
 * Where hvx and KVM part (each for the datasheet's sake, none visible to
 * Linux, which reads OUT only through port 0x61, in mode 0):
 *  - KVM has OUT the wrong way round in modes 1, 2, 4 and 5 (high for
 *    the one tick or the one-shot where the datasheet has it low, and
 *    low the rest of the time), and its gate holds no counter; hvx
 *    follows the datasheet ("Gate" and the modes' GATE rules).
 *  - A control word clears the counter's latched count and status
 *    ("all Control Logic is immediately reset"); KVM keeps them.
 *
 * Where hvx follows KVM rather than the datasheet:
 *  - Loading a count starts counting at once, also in modes 1 and 5,
 *    which on the chip wait for a rising gate (counters 0 and 1, whose
 *    gates are tied high, would never start).  The chip's extra tick
 *    before the first decrement is not modelled either.
 *  - A control word takes effect at once: the counter reads on from the
 *    time its count was loaded, under the new mode, and counter 0 keeps
 *    interrupting as it did, until a new count is written (the chip
 *    stops the counter).  Linux always writes the count right after.
 *    This keeps the state in the fields of struct kvm_pit_channel_state.
 *  - BCD counting is recorded and reported in the status byte, but the
 *    counter counts in binary: a count of 0 is 65536, never 10000.
 *  - The status byte's NULL COUNT bit is clear once a counter has been
 *    programmed (a count takes effect as it is written), and set only
 *    for a counter not programmed since reset.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "pit.h"

#define PIT_COUNTERS		3
#define PIT_MAX_COUNT		0x10000

/* The control word (datasheet "Control Word Format"). */
#define PIT_CW_SC(v)		((v) >> 6)	/* counter, or 3: read-back */
#define PIT_CW_RW(v)		(((v) >> 4) & 3)	/* 0: latch command */
#define PIT_CW_MODE(v)		(((v) >> 1) & 7)
#define PIT_CW_BCD		BIT(0)
#define PIT_SC_READ_BACK	3

/* The read-back command ("Read-Back Command Format"): bits are active low. */
#define PIT_RB_NO_COUNT		BIT(5)
#define PIT_RB_NO_STATUS	BIT(4)
#define PIT_RB_COUNTER(i)	BIT((i) + 1)

/* The status byte ("Status Byte"). */
#define PIT_ST_OUT		BIT(7)
#define PIT_ST_NULL_COUNT	BIT(6)

/* Port 0x61's refresh bit: KVM toggles it every 2^14 ns (about 16 us). */
#define PIT_REFRESH_SHIFT	14

static bool pit_mode_holds(u8 mode)
{
	/* "GATE = 0 disables counting" in these modes only. */
	return mode == 0 || mode == 2 || mode == 3 || mode == 4;
}

static bool pit_mode_triggers(u8 mode)
{
	/* A rising gate reloads the count ("trigger") in these modes. */
	return mode == 1 || mode == 2 || mode == 3 || mode == 5;
}

static bool pit_held(const struct hvx_pit_channel *c)
{
	return !c->gate && pit_mode_holds(c->mode);
}

/*
 * The time the counter has counted for: up to now, or up to the moment
 * its gate stopped it.  Unsigned, so that a count_load_time restored
 * from long ago cannot overflow it.
 */
static u64 pit_elapsed_ns(const struct hvx_pit_channel *c, s64 now_ns)
{
	s64 end = pit_held(c) ? c->hold_ns : now_ns;

	if (end <= c->load_ns)
		return 0;
	return (u64)end - (u64)c->load_ns;
}

static u64 pit_ticks(const struct hvx_pit_channel *c, s64 now_ns)
{
	return mul_u64_u32_div(pit_elapsed_ns(c, now_ns), HVX_PIT_FREQ_HZ,
			       NSEC_PER_SEC);
}

/* The first nanosecond at which @ticks ticks have passed. */
static u32 pit_ticks_to_ns(u32 ticks)
{
	return DIV_ROUND_UP_ULL((u64)ticks * NSEC_PER_SEC, HVX_PIT_FREQ_HZ);
}

/*
 * Mode 3 ("Mode 3 - Square Wave Mode"): each half period loads the even
 * number at or below N and counts it down by two; an odd N keeps OUT
 * high for one tick more than low.  Returns the count, 0x10000 as is.
 */
static u32 pit_square(u32 n, u64 d, bool *high)
{
	u32 high_ticks = (n + 1) / 2, p;

	div_u64_rem(d, n, &p);
	*high = p < high_ticks;
	if (!*high)
		p -= high_ticks;
	return (n & ~1u) - 2 * p;
}

/* What the counting element holds: the 16 bits a read returns. */
static u16 pit_count(const struct hvx_pit_channel *c, s64 now_ns)
{
	u64 d = pit_ticks(c, now_ns);
	bool high;
	u32 p;

	switch (c->mode) {
	case 2:
		div_u64_rem(d, c->count, &p);
		return c->count - p;
	case 3:
		return pit_square(c->count, d, &high);
	default:
		/* Past zero the counter wraps to 0xffff and counts on. */
		return (u16)((u64)c->count - d);
	}
}

static bool pit_out(const struct hvx_pit_channel *c, s64 now_ns)
{
	u64 d = pit_ticks(c, now_ns);
	bool high;
	u32 p;

	switch (c->mode) {
	case 0:
	case 1:
		return d >= c->count;
	case 2:
		/* A low gate sets OUT high at once, in modes 2 and 3. */
		if (pit_held(c))
			return true;
		div_u64_rem(d, c->count, &p);
		return p != c->count - 1;
	case 3:
		if (pit_held(c))
			return true;
		pit_square(c->count, d, &high);
		return high;
	case 4:
	case 5:
		return d != c->count;
	default:
		return false;	/* not programmed since reset */
	}
}

/*
 * Make the counter's time base say the same thing whatever its gate and
 * mode become: the time counted so far is kept, and counting resumes
 * from it, now, if the new gate and mode let it count.
 */
static void pit_rebase(struct hvx_pit_channel *c, s64 now_ns)
{
	u64 elapsed = pit_elapsed_ns(c, now_ns);

	c->load_ns = (s64)((u64)now_ns - elapsed);
	c->hold_ns = now_ns;
}

static void pit_set_gate(struct hvx_pit_channel *c, bool gate, s64 now_ns)
{
	if (gate == c->gate)
		return;
	pit_rebase(c, now_ns);
	c->gate = gate;
	if (gate && pit_mode_triggers(c->mode))
		c->load_ns = now_ns;
}

static void pit_load_count(struct hvx_pit_channel *c, u32 val, s64 now_ns)
{
	/* "The largest possible initial count is 0". */
	c->count = val ? val : PIT_MAX_COUNT;
	c->timer_mode = c->mode;
	c->load_ns = now_ns;
	c->hold_ns = now_ns;
}

/* "Counter Latch Command": a second latch before the read is ignored. */
static void pit_latch_count(struct hvx_pit_channel *c, s64 now_ns)
{
	if (c->count_latched)
		return;
	c->latched_count = pit_count(c, now_ns);
	/* A counter not programmed yet reads its LSB, as KVM's. */
	c->count_latched = c->rw_mode ? c->rw_mode : HVX_PIT_RW_LSB;
}

static void pit_latch_status(struct hvx_pit_channel *c, s64 now_ns)
{
	u8 st;

	if (c->status_latched)
		return;
	if (c->mode == HVX_PIT_MODE_NONE) {
		st = PIT_ST_NULL_COUNT;
	} else {
		st = c->rw_mode << 4 | c->mode << 1;
		if (c->bcd)
			st |= PIT_CW_BCD;
	}
	if (pit_out(c, now_ns))
		st |= PIT_ST_OUT;
	c->status = st;
	c->status_latched = true;
}

static void pit_write_control(struct hvx_pit *pit, u8 val, s64 now_ns)
{
	struct hvx_pit_channel *c;
	unsigned int i;
	u8 rw, mode;

	if (PIT_CW_SC(val) == PIT_SC_READ_BACK) {
		for (i = 0; i < PIT_COUNTERS; i++) {
			if (!(val & PIT_RB_COUNTER(i)))
				continue;
			/* Status first: a read returns it before the count. */
			if (!(val & PIT_RB_NO_STATUS))
				pit_latch_status(&pit->ch[i], now_ns);
			if (!(val & PIT_RB_NO_COUNT))
				pit_latch_count(&pit->ch[i], now_ns);
		}
		return;
	}

	c = &pit->ch[PIT_CW_SC(val)];
	rw = PIT_CW_RW(val);
	if (!rw) {
		pit_latch_count(c, now_ns);
		return;
	}
	/*
	 * Modes 6 and 7 are 2 and 3 (the top bit is "don't care" there),
	 * and the status byte says 2 and 3, as KVM's does.
	 */
	mode = PIT_CW_MODE(val);
	if (mode > 5)
		mode -= 4;
	pit_rebase(c, now_ns);
	c->rw_mode = rw;
	c->read_state = rw;
	c->write_state = rw;
	c->mode = mode;
	c->bcd = val & PIT_CW_BCD;
	c->count_latched = 0;
	c->status_latched = false;
}

static void pit_write_counter(struct hvx_pit_channel *c, u8 val, s64 now_ns)
{
	switch (c->write_state) {
	case HVX_PIT_RW_MSB:
		pit_load_count(c, (u32)val << 8, now_ns);
		break;
	case HVX_PIT_RW_WORD0:
		c->write_latch = val;
		c->write_state = HVX_PIT_RW_WORD1;
		break;
	case HVX_PIT_RW_WORD1:
		pit_load_count(c, c->write_latch | (u32)val << 8, now_ns);
		c->write_state = HVX_PIT_RW_WORD0;
		break;
	default:
		/* LSB only, or not programmed yet (KVM takes it as LSB). */
		pit_load_count(c, val, now_ns);
		break;
	}
}

/*
 * "Read Operations": a latched status comes first, then a latched count,
 * and only then the live counter.  In LSB-then-MSB mode each byte of the
 * live counter is read at its own moment: Linux, after the MSB alone,
 * reads the LSB and drops it to get there (pit_verify_msb()).
 */
static u8 pit_read_counter(struct hvx_pit_channel *c, s64 now_ns)
{
	u16 v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		v = c->latched_count;
		switch (c->count_latched) {
		case HVX_PIT_RW_MSB:
			c->count_latched = 0;
			return v >> 8;
		case HVX_PIT_RW_WORD0:
			c->count_latched = HVX_PIT_RW_MSB;
			return v & 0xff;
		default:
			c->count_latched = 0;
			return v & 0xff;
		}
	}
	v = pit_count(c, now_ns);
	switch (c->read_state) {
	case HVX_PIT_RW_MSB:
		return v >> 8;
	case HVX_PIT_RW_WORD0:
		c->read_state = HVX_PIT_RW_WORD1;
		return v & 0xff;
	case HVX_PIT_RW_WORD1:
		c->read_state = HVX_PIT_RW_WORD0;
		return v >> 8;
	default:
		return v & 0xff;
	}
}

/*
 * Port 0x61 as KVM answers it: gate 2, speaker data, a refresh bit that
 * toggles every 2^14 ns (the chipset's toggles about every 15 us; BIOSes
 * time short delays by it) and OUT2.  The parity and I/O check bits read
 * 0, as the board's NMI sources never fire here, and so do their enables
 * (bits 2 and 3), which KVM does not keep either.
 */
static u8 pit_read_speaker(const struct hvx_pit *pit, s64 now_ns)
{
	u8 v = 0;

	if (pit->ch[2].gate)
		v |= HVX_PIT_SPK_GATE2;
	if (pit->flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON)
		v |= HVX_PIT_SPK_DATA;
	if (((u64)now_ns >> PIT_REFRESH_SHIFT) & 1)
		v |= HVX_PIT_SPK_REFRESH;
	if (pit_out(&pit->ch[2], now_ns))
		v |= HVX_PIT_SPK_OUT2;
	return v;
}

static void pit_write_speaker(struct hvx_pit *pit, u8 val, s64 now_ns)
{
	if (val & HVX_PIT_SPK_DATA)
		pit->flags |= KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	else
		pit->flags &= ~KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	pit_set_gate(&pit->ch[2], val & HVX_PIT_SPK_GATE2, now_ns);
}

/**
 * hvx_pit_timer - when counter 0 interrupts next
 * @pit: the PIT
 * @now_ns: the caller's clock
 * @t: filled in; @t->armed clear means no interrupt is coming
 *
 * IRQ 0 rises with OUT0: once, d = N ticks after the count was loaded,
 * in modes 0, 1, 4 and 5 (in 4 and 5 at the strobe, as KVM has it: the
 * chip's OUT rises a tick later); every N ticks in modes 2 and 3.  As
 * KVM does, a periodic counter's first interrupt comes after N ticks
 * and the ones after it no closer together than HVX_PIT_MIN_PERIOD_NS;
 * reads of the counter keep to the guest's N.  A one-shot counter whose
 * interrupt lies in the past has none to come.  The period is rounded
 * down to the nanosecond, as KVM's.
 */
void hvx_pit_timer(const struct hvx_pit *pit, s64 now_ns,
		   struct hvx_pit_timer *t)
{
	const struct hvx_pit_channel *c = &pit->ch[0];
	u32 first_ns, rem;
	u64 elapsed;

	memset(t, 0, sizeof(*t));
	if ((pit->flags & KVM_PIT_FLAGS_HPET_LEGACY) ||
	    c->timer_mode == HVX_PIT_MODE_NONE)
		return;

	first_ns = pit_ticks_to_ns(c->count);
	elapsed = pit_elapsed_ns(c, now_ns);
	t->periodic = c->timer_mode == 2 || c->timer_mode == 3;
	if (!t->periodic) {
		if (elapsed >= first_ns)
			return;
		t->armed = true;
		t->expires_ns = c->load_ns + first_ns;
		return;
	}

	t->armed = true;
	t->period_ns = (u32)mul_u64_u32_div(c->count, NSEC_PER_SEC,
					    HVX_PIT_FREQ_HZ);
	if (t->period_ns < HVX_PIT_MIN_PERIOD_NS) {
		t->period_ns = HVX_PIT_MIN_PERIOD_NS;
		t->clamped = true;
	}
	if (elapsed < first_ns) {
		t->expires_ns = c->load_ns + first_ns;
		return;
	}
	div_u64_rem(elapsed - first_ns, t->period_ns, &rem);
	t->expires_ns = now_ns + (t->period_ns - rem);
}

static bool pit_timer_differs(const struct hvx_pit_timer *a,
			      const struct hvx_pit_timer *b)
{
	if (a->armed != b->armed)
		return true;
	if (!a->armed)
		return false;
	return a->periodic != b->periodic || a->expires_ns != b->expires_ns ||
	       a->period_ns != b->period_ns;
}

/*
 * The power-on state is undefined ("After power-up, the state of the
 * 8254 is undefined"); hvx starts where KVM does: no counter programmed,
 * each holding a count of 65536, gate 2 low, counter 0 silent.
 */
void hvx_pit_reset(struct hvx_pit *pit, s64 now_ns)
{
	unsigned int i;

	memset(pit->ch, 0, sizeof(pit->ch));
	pit->flags = 0;
	for (i = 0; i < PIT_COUNTERS; i++) {
		pit->ch[i].mode = HVX_PIT_MODE_NONE;
		pit->ch[i].gate = i != 2;
		pit_load_count(&pit->ch[i], 0, now_ns);
	}
}

/*
 * KVM_CREATE_PIT2: @config_flags is struct kvm_pit_config's flags.  KVM
 * ignores bits it does not know; hvx refuses them, so that one can be
 * given a meaning later.
 */
int hvx_pit_init(struct hvx_pit *pit, u32 config_flags, s64 now_ns)
{
	if (config_flags & ~KVM_PIT_SPEAKER_DUMMY)
		return -EINVAL;
	memset(pit, 0, sizeof(*pit));
	pit->speaker_port = config_flags & KVM_PIT_SPEAKER_DUMMY;
	hvx_pit_reset(pit, now_ns);
	return 0;
}

/*
 * Port 0x61 is the PIT's only when the VMM asked for it: KVM registers
 * it only under KVM_PIT_SPEAKER_DUMMY (the "dummy" is the speaker, which
 * makes no sound; gate 2 and OUT2 work).
 */
bool hvx_pit_handles_port(const struct hvx_pit *pit, u16 port)
{
	if (port == HVX_PIT_PORT_SPEAKER)
		return pit->speaker_port;
	return port >= HVX_PIT_PORT_COUNTER0 && port <= HVX_PIT_PORT_CONTROL;
}

/*
 * A byte written to @port.  Wider accesses are the caller's to split or
 * narrow; KVM acts on the low byte only.  Returns true when counter 0's
 * timer is no longer what hvx_pit_timer() said before the write: the
 * caller then cancels its hrtimer and arms it from hvx_pit_timer().  A
 * write that leaves it alone (a latch, a control word, the first byte
 * of a two-byte count, anything for counters 1 and 2) returns false, so
 * that a tick that is due is not lost to a needless re-arm.
 */
bool hvx_pit_write(struct hvx_pit *pit, u16 port, u8 val, s64 now_ns)
{
	struct hvx_pit_timer before, after;

	if (!hvx_pit_handles_port(pit, port))
		return false;
	hvx_pit_timer(pit, now_ns, &before);
	if (port == HVX_PIT_PORT_SPEAKER)
		pit_write_speaker(pit, val, now_ns);
	else if (port == HVX_PIT_PORT_CONTROL)
		pit_write_control(pit, val, now_ns);
	else
		pit_write_counter(&pit->ch[port - HVX_PIT_PORT_COUNTER0], val,
				  now_ns);
	hvx_pit_timer(pit, now_ns, &after);
	return pit_timer_differs(&before, &after);
}

/*
 * A byte read from @port.  The control word register is write-only: a
 * read of port 0x43 finds the data bus undriven, 0xff, as does a read
 * of a port that is not the PIT's.
 */
u8 hvx_pit_read(struct hvx_pit *pit, u16 port, s64 now_ns)
{
	if (!hvx_pit_handles_port(pit, port) || port == HVX_PIT_PORT_CONTROL)
		return 0xff;
	if (port == HVX_PIT_PORT_SPEAKER)
		return pit_read_speaker(pit, now_ns);
	return pit_read_counter(&pit->ch[port - HVX_PIT_PORT_COUNTER0], now_ns);
}

/*
 * KVM_GET_PIT2.  count_load_time is on the caller's clock, ktime_get(),
 * as KVM reports it and as QEMU converts it to and from its own clock.
 * A counter its gate holds is reported as if it had been loaded its
 * elapsed time before @now_ns: restored at that moment it holds the
 * same count; restored later, it has counted the time between too (the
 * struct has no field for when the gate fell).
 */
void hvx_pit_get_state(const struct hvx_pit *pit, struct kvm_pit_state2 *s,
		       s64 now_ns)
{
	const struct hvx_pit_channel *c;
	struct kvm_pit_channel_state *k;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < PIT_COUNTERS; i++) {
		c = &pit->ch[i];
		k = &s->channels[i];
		k->count = c->count;
		k->latched_count = c->latched_count;
		k->count_latched = c->count_latched;
		k->status_latched = c->status_latched;
		k->status = c->status;
		k->read_state = c->read_state;
		k->write_state = c->write_state;
		k->write_latch = c->write_latch;
		k->rw_mode = c->rw_mode;
		k->mode = c->mode;
		k->bcd = c->bcd;
		k->gate = c->gate;
		if (pit_held(c))
			k->count_load_time = (s64)((u64)now_ns -
						   pit_elapsed_ns(c, now_ns));
		else
			k->count_load_time = c->load_ns;
	}
	s->flags = pit->flags;
}

/* Whether a flip-flop state may go with the RW mode the counter has. */
static bool pit_rw_state_ok(u8 rw_mode, u8 state)
{
	if (rw_mode == HVX_PIT_RW_WORD0)
		return state == HVX_PIT_RW_WORD0 || state == HVX_PIT_RW_WORD1;
	return state == rw_mode;
}

static int pit_check_channel(const struct kvm_pit_channel_state *k,
			     unsigned int i)
{
	if (k->count > PIT_MAX_COUNT)
		return -EINVAL;
	if (k->mode > 5 && k->mode != HVX_PIT_MODE_NONE)
		return -EINVAL;
	if (k->rw_mode > HVX_PIT_RW_WORD0 ||
	    !pit_rw_state_ok(k->rw_mode, k->read_state) ||
	    !pit_rw_state_ok(k->rw_mode, k->write_state))
		return -EINVAL;
	/* A latched count is read as LSB, MSB or both; never MSB-first. */
	if (k->count_latched > HVX_PIT_RW_WORD0)
		return -EINVAL;
	if (k->status_latched > 1 || k->bcd > 1 || k->gate > 1)
		return -EINVAL;
	/* Counters 0 and 1 have their gates tied high on a PC. */
	if (i != 2 && !k->gate)
		return -EINVAL;
	return 0;
}

/*
 * KVM_SET_PIT2, from the VMM: every field is checked before any is
 * taken, and a refusal leaves the PIT as it was.  A count of 0 is
 * 65536.  count_load_time is on the caller's clock, as
 * hvx_pit_get_state() gives it; one in the future (another host's
 * clock, or nonsense) is taken as @now_ns, and one however far in the
 * past is fine: the counter has been counting since.  KVM instead
 * reloads every counter at the restore, dropping its phase.  The
 * reserved words must be zero.
 */
int hvx_pit_set_state(struct hvx_pit *pit, const struct kvm_pit_state2 *s,
		      s64 now_ns)
{
	const struct kvm_pit_channel_state *k;
	struct hvx_pit_channel *c;
	unsigned int i;

	if (s->flags & ~(KVM_PIT_FLAGS_HPET_LEGACY |
			 KVM_PIT_FLAGS_SPEAKER_DATA_ON))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return -EINVAL;
	for (i = 0; i < PIT_COUNTERS; i++)
		if (pit_check_channel(&s->channels[i], i))
			return -EINVAL;

	for (i = 0; i < PIT_COUNTERS; i++) {
		k = &s->channels[i];
		c = &pit->ch[i];
		c->count = k->count ? k->count : PIT_MAX_COUNT;
		c->latched_count = k->latched_count;
		c->count_latched = k->count_latched;
		c->status_latched = k->status_latched;
		c->status = k->status;
		c->read_state = k->read_state;
		c->write_state = k->write_state;
		c->write_latch = k->write_latch;
		c->rw_mode = k->rw_mode;
		c->mode = k->mode;
		c->bcd = k->bcd;
		c->gate = k->gate;
		c->timer_mode = k->mode;
		c->load_ns = min_t(s64, k->count_load_time, now_ns);
		c->hold_ns = now_ns;
	}
	pit->flags = s->flags;
	return 0;
}
