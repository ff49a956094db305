// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC as a whole: RESET and INIT, IA32_APIC_BASE and the
 * changes of mode it makes, and the register page KVM_GET/SET_LAPIC
 * carry (see lapic.h for the locking contract).  The ESR's pending
 * errors (those since its last write) are not in struct kvm_lapic_state
 * and do not survive KVM_SET_LAPIC.
 */
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/msr-index.h>

#include "lapic_internal.h"

/* SDM "Logical Destination Mode in x2APIC Mode": derived from the ID. */
static u32 x2apic_ldr(u32 id)
{
	return (id >> 4) << 16 | BIT(id & 0xf);
}

/*
 * SDM "Local APIC State After Power-Up or Reset", and after INIT ("INIT
 * Reset", which keeps the ID): zeros but for the masked LVT entries, DFR
 * all ones, SVR 0xff, the version; the timer stopped.  In x2APIC mode the
 * LDR follows the ID.
 */
static void lapic_clear(struct hvx_lapic *apic, bool keep_id)
{
	u32 id = lapic_reg(apic, APIC_ID);
	unsigned int i;

	if (!keep_id)
		id = hvx_lapic_x2apic_mode(apic) ? apic->vcpu_id :
						   apic->vcpu_id << 24;
	memset(apic->regs, 0, sizeof(apic->regs));
	lapic_set_reg(apic, APIC_ID, id);
	lapic_set_reg(apic, APIC_LVR, lapic_version(apic));
	for (i = 0; i < lapic_nr_lvts(apic); i++)
		lapic_set_reg(apic, lapic_lvts[i], APIC_LVT_MASKED);
	lapic_set_reg(apic, APIC_DFR, APIC_DFR_FLAT);
	lapic_set_reg(apic, APIC_SPIV, 0xff);
	if (hvx_lapic_x2apic_mode(apic))
		lapic_set_reg(apic, APIC_LDR, x2apic_ldr(apic->vcpu_id));
	apic->esr_pending = 0;
	apic->lowest_taken = 0;
	lapic_stop(apic);
}

/**
 * hvx_lapic_reset - RESET or INIT
 * @apic: the APIC
 * @init: INIT: IA32_APIC_BASE and the ID stay (SDM "x2APIC State
 *	Transitions"); else RESET, into xAPIC mode at HVX_LAPIC_BASE
 * @bsp: this is the bootstrap processor
 *
 * As KVM (KVM_X86_QUIRK_LINT0_REENABLED), the BSP's LINT0 comes out of
 * either unmasked in ExtINT mode, so that the PIC reaches it.  The caller
 * then cancels the timer.
 */
void hvx_lapic_reset(struct hvx_lapic *apic, bool init, bool bsp)
{
	if (!init)
		apic->base = HVX_LAPIC_BASE | BASE_EN |
			     (bsp ? MSR_IA32_APICBASE_BSP : 0);
	lapic_clear(apic, init);
	if (bsp)
		lapic_set_reg(apic, APIC_LVT0,
			      SET_APIC_DELIVERY_MODE(0, APIC_MODE_EXTINT));
}

/**
 * hvx_lapic_init - set up a vCPU's APIC, as at RESET
 * @apic: the APIC
 * @vcpu_id: the vCPU's id, which is its APIC ID
 * @phys_bits: the guest's MAXPHYADDR
 * @bsp: this is the bootstrap processor
 *
 * The guest's CPUID offers neither x2APIC nor the TSC-deadline mode until
 * hvx_lapic_set_cpuid() says so.
 */
void hvx_lapic_init(struct hvx_lapic *apic, u32 vcpu_id, u8 phys_bits,
		    bool bsp)
{
	memset(apic, 0, sizeof(*apic));
	apic->vcpu_id = vcpu_id;
	apic->phys_bits = clamp_t(u8, phys_bits, 32, 52);
	hvx_lapic_reset(apic, false, bsp);
}

/**
 * hvx_lapic_set_cpuid - what the guest's CPUID (leaf 1, ECX) offers
 * @apic: the APIC
 * @x2apic: x2APIC: IA32_APIC_BASE.EXTD may be set
 * @tsc_deadline: the timer's TSC-deadline mode may be chosen
 *
 * Later writes see the change; what the APIC holds stays.
 */
void hvx_lapic_set_cpuid(struct hvx_lapic *apic, bool x2apic,
			 bool tsc_deadline)
{
	apic->cpuid_x2apic = x2apic;
	apic->cpuid_tsc_deadline = tsc_deadline;
}

/**
 * hvx_lapic_set_base - WRMSR or KVM_SET_SREGS/MSRS of IA32_APIC_BASE
 * @apic: the APIC
 * @value: the new value
 * @from_host: the VMM sets it: any valid state may follow any other
 * @act: filled in: HVX_LAPIC_ACT_TIMER, HVX_LAPIC_ACT_MOVED
 *
 * Refused (-EINVAL; #GP for the guest): reserved bits (7:0, 9, those at
 * and above MAXPHYADDR, EXTD without x2APIC in CPUID), EXTD without EN,
 * and from the guest the transitions SDM "x2APIC State Transitions"
 * forbids: x2APIC to xAPIC, disabled to x2APIC.  Disabling the APIC
 * resets its registers and stops its timer (SDM "Enabling or Disabling
 * the Local APIC": "prior initialization to the APIC may be lost").
 * Entering x2APIC mode makes the ID the vCPU's and derives the LDR;
 * leaving it for xAPIC (the VMM) does the reverse.
 *
 * Return: 0 or -EINVAL.
 */
int hvx_lapic_set_base(struct hvx_lapic *apic, u64 value, bool from_host,
		       struct hvx_lapic_action *act)
{
	u64 old = apic->base & BASE_MODE, new = value & BASE_MODE;
	u64 reserved = BASE_LOW_RESERVED | ~0ULL << apic->phys_bits;

	memset(act, 0, sizeof(*act));
	if (!apic->cpuid_x2apic)
		reserved |= BASE_EXTD;
	if ((value & reserved) || new == BASE_EXTD)
		return -EINVAL;
	if (!from_host && ((old == BASE_MODE && new == BASE_EN) ||
			   (!old && new == BASE_MODE)))
		return -EINVAL;

	apic->base = value;
	if ((value & GENMASK_ULL(apic->phys_bits - 1, 12)) != HVX_LAPIC_BASE)
		act->flags |= HVX_LAPIC_ACT_MOVED;
	if (old == new)
		return 0;
	if (!new) {
		lapic_clear(apic, false);
		act->flags |= HVX_LAPIC_ACT_TIMER;
	} else if (new == BASE_MODE) {
		lapic_set_reg(apic, APIC_ID, apic->vcpu_id);
		lapic_set_reg(apic, APIC_LDR, x2apic_ldr(apic->vcpu_id));
	} else if (old == BASE_MODE) {
		lapic_set_reg(apic, APIC_ID, apic->vcpu_id << 24);
		lapic_set_reg(apic, APIC_LDR, 0);
		lapic_set_reg(apic, APIC_ICR2, 0);
	}
	return 0;
}

/**
 * hvx_lapic_get_state - the register page KVM_GET_LAPIC returns
 * @apic: the APIC
 * @s: filled in
 * @now_ns: the caller's clock, for the current count
 *
 * In x2APIC mode the ID is given as KVM gives it without
 * KVM_CAP_X2APIC_API (kvm_apic_state_fixup()): in the xAPIC ID's place,
 * bits 31:24.
 */
void hvx_lapic_get_state(const struct hvx_lapic *apic,
			 struct kvm_lapic_state *s, s64 now_ns)
{
	u32 v;

	BUILD_BUG_ON(sizeof(s->regs) != sizeof(apic->regs));
	memcpy(s->regs, apic->regs, sizeof(s->regs));
	v = lapic_current_count(apic, now_ns);
	memcpy(s->regs + APIC_TMCCT, &v, sizeof(v));
	if (hvx_lapic_x2apic_mode(apic)) {
		v = apic->vcpu_id << 24;
		memcpy(s->regs + APIC_ID, &v, sizeof(v));
	}
}

static u32 state_reg(const struct kvm_lapic_state *s, u32 reg)
{
	u32 v;

	memcpy(&v, s->regs + reg, sizeof(v));
	return v;
}

/* Whether @s is a page hvx could have produced, in the APIC's mode. */
static bool lapic_state_ok(const struct hvx_lapic *apic,
			   const struct kvm_lapic_state *s)
{
	bool x2 = hvx_lapic_x2apic_mode(apic);
	u32 lvtt = state_reg(s, APIC_LVTT), mode = lvtt & LVT_TIMER_MODE;
	u32 tmict = state_reg(s, APIC_TMICT), tmcct = state_reg(s, APIC_TMCCT);
	unsigned int i;

	if (x2 ? state_reg(s, APIC_ID) != apic->vcpu_id << 24 :
		 state_reg(s, APIC_ID) & ~XAPIC_ID_BITS)
		return false;
	if (!x2 && ((state_reg(s, APIC_LDR) & ~XAPIC_ID_BITS) ||
		    (state_reg(s, APIC_ICR2) & ~XAPIC_ID_BITS)))
		return false;
	if ((state_reg(s, APIC_TASKPRI) & ~APIC_TPRI_MASK) ||
	    (state_reg(s, APIC_DFR) | DFR_MODEL) != U32_MAX ||
	    (state_reg(s, APIC_SPIV) & ~SVR_BITS) ||
	    (state_reg(s, APIC_ESR) & ~ESR_BITS) ||
	    (state_reg(s, APIC_ICR) & APIC_ICR_BUSY) ||
	    (state_reg(s, APIC_TDCR) & ~TDCR_BITS))
		return false;
	for (i = 0; i < lapic_nr_lvts(apic); i++)
		if (state_reg(s, lapic_lvts[i]) &
		    ~lapic_lvt_bits(apic, lapic_lvts[i]))
			return false;
	/* TSC-deadline mode has no count; the count left is in the count. */
	if (mode == APIC_LVT_TIMER_TSCDEADLINE && tmict)
		return false;
	return lapic_counts(mode) ? tmcct <= tmict : !tmcct;
}

/**
 * hvx_lapic_set_state - load the register page KVM_SET_LAPIC gives
 * @apic: the APIC
 * @s: the page, from userspace
 * @now_ns: the caller's clock
 *
 * The page is refused unless hvx could have produced it in the APIC's
 * present mode (IA32_APIC_BASE is not in it): no reserved bit set, no
 * delivery status or remote IRR, an ID that is the vCPU's in x2APIC
 * mode, a timer mode the guest's CPUID offers, no count in TSC-deadline
 * mode, a current count within the initial count.  Registers hvx
 * computes or does not keep are ignored: the version, APR, PPR, EOI,
 * RRD, the x2APIC LDR, CMCI where the vCPU has none, SELF IPI and the
 * reserved ones.  ISR, TMR and IRR are taken whole, as KVM takes them,
 * vectors 0-15 too, which no interrupt can set: their priority class, 0,
 * is never above the PPR, so none of them is ever delivered (KVM's
 * selftests carry data in them).  The count resumes from the current
 * count, now: a one-shot count at zero does not fire again (KVM's does),
 * a periodic one reloads at once.  A TSC deadline stays if the APIC was
 * and stays in TSC-deadline mode (the VMM restores the MSR afterwards).
 * The caller re-arms the timer.
 *
 * Return: 0, or -EINVAL with @apic unchanged.
 */
int hvx_lapic_set_state(struct hvx_lapic *apic,
			const struct kvm_lapic_state *s, s64 now_ns)
{
	static const u32 kept[] = {
		APIC_TASKPRI, APIC_LDR, APIC_DFR, APIC_SPIV, APIC_ESR,
		APIC_ICR, APIC_ICR2, APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC,
		APIC_LVT0, APIC_LVT1, APIC_LVTERR, APIC_TMICT, APIC_TDCR,
	};
	bool deadline = lapic_timer_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE;
	u64 tsc = apic->tmr.tsc_deadline;
	s64 expires = apic->tmr.expires_ns;
	unsigned int i;

	if (!lapic_state_ok(apic, s))
		return -EINVAL;

	lapic_clear(apic, true);
	if (!hvx_lapic_x2apic_mode(apic))
		lapic_set_reg(apic, APIC_ID, state_reg(s, APIC_ID));
	for (i = 0; i < ARRAY_SIZE(kept); i++)
		if (kept[i] != APIC_LDR || !hvx_lapic_x2apic_mode(apic))
			lapic_set_reg(apic, kept[i], state_reg(s, kept[i]));
	if (apic->cmci)
		lapic_set_reg(apic, APIC_LVTCMCI, state_reg(s, APIC_LVTCMCI));
	for (i = 0; i < NR_VECTOR_REGS; i++) {
		lapic_set_reg(apic, APIC_ISR + i * 0x10,
			      state_reg(s, APIC_ISR + i * 0x10));
		lapic_set_reg(apic, APIC_TMR + i * 0x10,
			      state_reg(s, APIC_TMR + i * 0x10));
		lapic_set_reg(apic, APIC_IRR + i * 0x10,
			      state_reg(s, APIC_IRR + i * 0x10));
	}
	lapic_update_ppr(apic);

	if (lapic_counts(lapic_timer_mode(apic)) &&
	    (state_reg(s, APIC_TMCCT) ||
	     lapic_timer_mode(apic) == APIC_LVT_TIMER_PERIODIC))
		lapic_start(apic, now_ns, (u64)state_reg(s, APIC_TMCCT) *
				lapic_divide(apic) * HVX_LAPIC_BUS_CYCLE_NS);
	if (deadline &&
	    lapic_timer_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE)
		hvx_lapic_set_tsc_deadline(apic, tsc, expires);
	return 0;
}
