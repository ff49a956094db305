// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's timer (SDM "APIC Timer") as arithmetic on the
 * caller's clock: the divider, the one-shot and periodic counts,
 * TSC-deadline mode, and what the vCPU's hrtimer must do (see lapic.h
 * for the contract).
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "lapic_internal.h"

u32 lapic_timer_mode(const struct hvx_lapic *apic)
{
	return lapic_reg(apic, APIC_LVTT) & LVT_TIMER_MODE;
}

/* One-shot and periodic count; TSC-deadline does not; mode 3 is reserved. */
bool lapic_counts(u32 mode)
{
	return mode == APIC_LVT_TIMER_ONESHOT || mode == APIC_LVT_TIMER_PERIODIC;
}

/* "Divide Configuration Register": bits 3, 1, 0 encode 2 to 128, and 1. */
u32 lapic_divide(const struct hvx_lapic *apic)
{
	u32 tdcr = lapic_reg(apic, APIC_TDCR);
	u32 v = (tdcr & 3) | (tdcr & BIT(3)) >> 1;

	return v == 7 ? 1 : 2 << v;
}

static u64 lapic_period(u64 count_ns)
{
	return max_t(u64, count_ns, HVX_LAPIC_MIN_PERIOD_NS);
}

/*
 * The time until the count reaches 0 (one-shot) or reloads (periodic),
 * 0 when the timer is stopped.  The count runs on the guest's initial
 * count, also where the interrupts keep HVX_LAPIC_MIN_PERIOD_NS apart.
 */
static u64 lapic_left_ns(const struct hvx_lapic *apic, s64 now_ns)
{
	u64 count = apic->tmr.count_ns, elapsed, rem;
	u32 mode = lapic_timer_mode(apic);

	if (!apic->tmr.armed || !count || !lapic_counts(mode))
		return 0;
	elapsed = now_ns > apic->tmr.start_ns ? now_ns - apic->tmr.start_ns : 0;
	if (mode == APIC_LVT_TIMER_ONESHOT)
		return elapsed < count ? count - elapsed : 0;
	div64_u64_rem(elapsed, count, &rem);
	return count - rem;
}

u32 lapic_current_count(const struct hvx_lapic *apic, s64 now_ns)
{
	return div_u64(lapic_left_ns(apic, now_ns), lapic_divide(apic) *
		       HVX_LAPIC_BUS_CYCLE_NS);
}

/*
 * Count from now, the next interrupt @left_ns away (the count reads as
 * far from zero, up to the initial count), and for a periodic timer
 * every period after it.
 */
void lapic_start(struct hvx_lapic *apic, s64 now_ns, u64 left_ns)
{
	u32 mode = lapic_timer_mode(apic);

	apic->tmr.count_ns = (u64)lapic_reg(apic, APIC_TMICT) *
			     lapic_divide(apic) * HVX_LAPIC_BUS_CYCLE_NS;
	apic->tmr.armed = apic->tmr.count_ns && lapic_counts(mode);
	apic->tmr.period_ns = 0;
	if (!apic->tmr.armed)
		return;
	apic->tmr.expires_ns = now_ns + left_ns;
	left_ns = min(left_ns, apic->tmr.count_ns);
	apic->tmr.start_ns = now_ns - (s64)(apic->tmr.count_ns - left_ns);
	if (mode == APIC_LVT_TIMER_PERIODIC)
		apic->tmr.period_ns = lapic_period(apic->tmr.count_ns);
}

void lapic_stop(struct hvx_lapic *apic)
{
	memset(&apic->tmr, 0, sizeof(apic->tmr));
}

/*
 * SDM "APIC Timer": writing the initial count starts the count; 0 stops
 * it.  The first interrupt of a periodic timer waits its (clamped)
 * period, as KVM's.  In TSC-deadline mode the write is ignored.
 */
void lapic_write_tmict(struct hvx_lapic *apic, u32 val, s64 now_ns,
		       struct hvx_lapic_action *act)
{
	u64 count = (u64)val * lapic_divide(apic) * HVX_LAPIC_BUS_CYCLE_NS;

	if (lapic_timer_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE)
		return;
	lapic_set_reg(apic, APIC_TMICT, val);
	if (lapic_timer_mode(apic) == APIC_LVT_TIMER_PERIODIC)
		lapic_start(apic, now_ns, lapic_period(count));
	else
		lapic_start(apic, now_ns, count);
	act->flags |= HVX_LAPIC_ACT_TIMER;
}

/*
 * A new divider while the timer runs: the time left scales with it, as
 * KVM's (the count left stays, counted at the new rate).
 */
void lapic_write_tdcr(struct hvx_lapic *apic, u32 val, s64 now_ns,
		      struct hvx_lapic_action *act)
{
	u32 old_div = lapic_divide(apic), new_div;
	u64 left = lapic_left_ns(apic, now_ns);
	s64 expires = apic->tmr.expires_ns;

	lapic_set_reg(apic, APIC_TDCR, val);
	new_div = lapic_divide(apic);
	if (new_div == old_div || !apic->tmr.armed ||
	    !lapic_counts(lapic_timer_mode(apic)))
		return;
	lapic_start(apic, now_ns, mul_u64_u32_div(left, new_div, old_div));
	/* The next interrupt moves by as much; a due one stays due. */
	if (expires > now_ns)
		expires = now_ns + mul_u64_u32_div(expires - now_ns, new_div,
						   old_div);
	apic->tmr.expires_ns = expires;
	act->flags |= HVX_LAPIC_ACT_TIMER;
}

/*
 * A write to the timer's LVT entry.  Moving into or out of TSC-deadline
 * mode disarms the timer (SDM "TSC-Deadline Mode") and, as KVM, clears
 * the initial count.  Between one-shot and periodic the count runs on,
 * as KVM's: what follows its next zero is the new mode's.  In the
 * reserved mode 3 the timer stands still.
 */
void lapic_write_lvtt(struct hvx_lapic *apic, u32 val, s64 now_ns,
		      struct hvx_lapic_action *act)
{
	u32 old = lapic_timer_mode(apic), new = val & LVT_TIMER_MODE;
	u64 left = lapic_left_ns(apic, now_ns);
	bool armed = apic->tmr.armed;
	s64 expires = apic->tmr.expires_ns;

	lapic_set_reg(apic, APIC_LVTT, val);
	if (old == new)
		return;
	act->flags |= HVX_LAPIC_ACT_TIMER;
	if (old == APIC_LVT_TIMER_TSCDEADLINE ||
	    new == APIC_LVT_TIMER_TSCDEADLINE) {
		lapic_set_reg(apic, APIC_TMICT, 0);
		lapic_stop(apic);
		return;
	}
	if (!armed || !lapic_counts(old))
		left = 0;
	lapic_start(apic, now_ns, left);
	apic->tmr.armed = armed && lapic_counts(new) && apic->tmr.count_ns;
	apic->tmr.expires_ns = expires;
}

/**
 * hvx_lapic_timer - what the timer's hrtimer must do now
 * @apic: the APIC
 * @t: filled in
 */
void hvx_lapic_timer(const struct hvx_lapic *apic, struct hvx_lapic_timer *t)
{
	memset(t, 0, sizeof(*t));
	if (!apic->tmr.armed)
		return;
	t->armed = true;
	t->expires_ns = apic->tmr.expires_ns;
	t->period_ns = apic->tmr.period_ns;
	t->periodic = t->period_ns;
	t->clamped = t->periodic &&
		     apic->tmr.count_ns < HVX_LAPIC_MIN_PERIOD_NS;
}

/**
 * hvx_lapic_timer_fired - the timer's hrtimer expired
 * @apic: the APIC
 * @now_ns: the caller's clock
 *
 * A call before the expiry hvx_lapic_timer() gave (a stale hrtimer)
 * changes nothing.  Otherwise the timer's LVT entry raises its interrupt,
 * unless masked.  A one-shot timer stops, a TSC deadline is spent (the
 * MSR reads 0, as KVM's); a periodic timer's next expiry is the first of
 * its period's multiples after @now_ns: a late hrtimer loses the ticks it
 * missed, as KVM's, but not the timer's phase.
 *
 * Return: as hvx_lapic_accept() (kick the vCPU unless DROPPED).
 */
enum hvx_lapic_delivery hvx_lapic_timer_fired(struct hvx_lapic *apic,
					      s64 now_ns)
{
	u64 late, rem;

	if (!apic->tmr.armed || now_ns < apic->tmr.expires_ns)
		return HVX_LAPIC_DROPPED;
	if (apic->tmr.period_ns) {
		late = now_ns - apic->tmr.expires_ns;
		div64_u64_rem(late, apic->tmr.period_ns, &rem);
		apic->tmr.expires_ns = now_ns + (apic->tmr.period_ns - rem);
	} else {
		apic->tmr.armed = false;
		apic->tmr.tsc_deadline = 0;
	}
	return lapic_local(apic, APIC_LVTT);
}

/**
 * hvx_lapic_set_tsc_deadline - the guest writes IA32_TSC_DEADLINE
 * @apic: the APIC
 * @tsc: the value, in guest TSC ticks; 0 disarms
 * @expires_ns: when the guest's TSC reaches @tsc, on the caller's clock
 *	(the caller converts: hvx does not know the guest's TSC)
 *
 * Outside TSC-deadline mode the write is ignored (SDM "TSC-Deadline
 * Mode"), as while the APIC is disabled.
 *
 * Return: true when the timer changed: the caller re-arms it.
 */
bool hvx_lapic_set_tsc_deadline(struct hvx_lapic *apic, u64 tsc,
				s64 expires_ns)
{
	if (!lapic_hw_enabled(apic) ||
	    lapic_timer_mode(apic) != APIC_LVT_TIMER_TSCDEADLINE)
		return false;
	lapic_stop(apic);
	apic->tmr.tsc_deadline = tsc;
	apic->tmr.armed = tsc;
	apic->tmr.expires_ns = expires_ns;
	return true;
}

/* IA32_TSC_DEADLINE as the guest reads it: 0 outside TSC-deadline mode. */
u64 hvx_lapic_tsc_deadline(const struct hvx_lapic *apic)
{
	if (!lapic_hw_enabled(apic) ||
	    lapic_timer_mode(apic) != APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	return apic->tmr.tsc_deadline;
}
