// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC as pure logic (see lapic.h for the locking contract):
 * acceptance, destinations, priority, EOI and what an ICR write sends.
 * The registers themselves, through the xAPIC page and the x2APIC MSRs,
 * are lapic_regs.c's; the timer is lapic_timer.c's; reset,
 * IA32_APIC_BASE and KVM_GET/SET_LAPIC are lapic_state.c's.
 *
 * Not modelled: focus processor checking, checks of the ICR's shorthand
 * and delivery mode combinations, CMCI and thermal or performance
 * interrupts (hvx has no sources for them), EOI-broadcast suppression.
 */
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/string.h>

#include "lapic_internal.h"

const u32 lapic_lvts[] = {
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR,
	APIC_LVTCMCI,
};

/* ISR, TMR and IRR: bit v of the 256 is bit v % 32 of register v / 32. */
static u32 vec_reg(u32 bitmap, u8 v)
{
	return bitmap + (v / 32) * 0x10;
}

static bool vec_test(const struct hvx_lapic *apic, u32 bitmap, u8 v)
{
	return lapic_reg(apic, vec_reg(bitmap, v)) & BIT(v % 32);
}

static void vec_assign(struct hvx_lapic *apic, u32 bitmap, u8 v, bool set)
{
	u32 r = lapic_reg(apic, vec_reg(bitmap, v));

	r = set ? r | BIT(v % 32) : r & ~BIT(v % 32);
	lapic_set_reg(apic, vec_reg(bitmap, v), r);
}

static int vec_highest(const struct hvx_lapic *apic, u32 bitmap)
{
	int i;

	for (i = NR_VECTOR_REGS - 1; i >= 0; i--) {
		u32 r = lapic_reg(apic, bitmap + i * 0x10);

		if (r)
			return i * 32 + __fls(r);
	}
	return -1;
}

bool hvx_lapic_x2apic_mode(const struct hvx_lapic *apic)
{
	return (apic->base & BASE_MODE) == BASE_MODE;
}

/**
 * hvx_lapic_set_cmci - the vCPU's IA32_MCG_CAP gained or lost CMCI
 * @apic: the APIC
 * @on: MCG_CMCI_P is set
 *
 * The LVT CMCI entry comes (masked) or goes, and the version register
 * counts it, as KVM's.  One that goes keeps its value, out of reach.
 */
void hvx_lapic_set_cmci(struct hvx_lapic *apic, bool on)
{
	if (on && !apic->cmci)
		lapic_set_reg(apic, APIC_LVTCMCI, APIC_LVT_MASKED);
	apic->cmci = on;
	lapic_set_reg(apic, APIC_LVR, lapic_version(apic));
}

/**
 * hvx_lapic_cmci - a corrected machine-check interrupt
 * @apic: the APIC
 *
 * What the LVT CMCI entry says (SDM "CMCI Local APIC Interface"), unless
 * it is masked or the vCPU has no CMCI.
 *
 * Return: as hvx_lapic_accept().
 */
enum hvx_lapic_delivery hvx_lapic_cmci(struct hvx_lapic *apic)
{
	if (!apic->cmci)
		return HVX_LAPIC_DROPPED;
	return lapic_local(apic, APIC_LVTCMCI);
}

/* The APIC's ID as a physical destination names it. */
u32 hvx_lapic_id(const struct hvx_lapic *apic)
{
	if (hvx_lapic_x2apic_mode(apic))
		return apic->vcpu_id;
	return lapic_reg(apic, APIC_ID) >> 24;
}

/*
 * SDM "Task and Processor Priorities": the PPR is the TPR, unless the
 * highest vector in service is of a higher class; then that class.
 */
void lapic_update_ppr(struct hvx_lapic *apic)
{
	u32 tpr = lapic_reg(apic, APIC_TASKPRI);
	u32 isrv = max(vec_highest(apic, APIC_ISR), 0);

	lapic_set_reg(apic, APIC_PROCPRI,
		      (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0);
}

/*
 * The arbitration priority (SDM "Lowest Priority Delivery Mode"): the
 * TPR while it is above what is in service and not below what is
 * requested, else the highest class of the three.  APR reads 0, as KVM's.
 */
static u32 lapic_apr(const struct hvx_lapic *apic)
{
	u32 tpr = lapic_reg(apic, APIC_TASKPRI);
	u32 isrv = max(vec_highest(apic, APIC_ISR), 0) & 0xf0;
	u32 irrv = max(vec_highest(apic, APIC_IRR), 0) & 0xf0;

	if ((tpr & 0xf0) >= irrv && (tpr & 0xf0) > isrv)
		return tpr;
	return max3(tpr & 0xf0, isrv, irrv);
}

/* A fixed interrupt into the IRR, its trigger mode into the TMR. */
static enum hvx_lapic_delivery lapic_set_irr(struct hvx_lapic *apic, u8 v,
					     bool level)
{
	bool pending = vec_test(apic, APIC_IRR, v);

	vec_assign(apic, APIC_IRR, v, true);
	vec_assign(apic, APIC_TMR, v, level);
	return pending ? HVX_LAPIC_COALESCED : HVX_LAPIC_IRR;
}

/*
 * SDM "Error Handling": log @bit and raise the error interrupt.  An error
 * LVT with an illegal vector is itself an error, logged and not raised.
 */
static void lapic_error(struct hvx_lapic *apic, u32 bit)
{
	u32 lvt = lapic_reg(apic, APIC_LVTERR);
	u8 vector = lvt & APIC_VECTOR_MASK;

	apic->esr_pending |= bit;
	if ((lvt & APIC_LVT_MASKED) || !lapic_hw_enabled(apic) ||
	    !lapic_sw_enabled(apic))
		return;
	if (vector < FIRST_LEGAL_VECTOR)
		apic->esr_pending |= APIC_ESR_RECVILL;
	else
		lapic_set_irr(apic, vector, false);
}

/**
 * hvx_lapic_accept - an interrupt message reaches this APIC
 * @apic: the APIC, which hvx_lapic_matches() chose
 * @irq: the message
 *
 * Fixed and lowest-priority interrupts need the APIC enabled in software
 * too (SDM "Local APIC State After It Has Been Software Disabled": it
 * still takes NMI, SMI, INIT and SIPI), and a legal vector.  A level
 * de-assert (INIT's, or a fixed one's) does nothing.
 *
 * Return: what became of it, enum hvx_lapic_delivery.
 */
enum hvx_lapic_delivery hvx_lapic_accept(struct hvx_lapic *apic,
					 const struct hvx_irq *irq)
{
	bool deassert = irq->level && !irq->assert;

	if (!lapic_hw_enabled(apic))
		return HVX_LAPIC_DROPPED;
	switch (irq->delivery_mode) {
	case HVX_DM_FIXED:
	case HVX_DM_LOWEST:
		if (deassert || !lapic_sw_enabled(apic))
			return HVX_LAPIC_DROPPED;
		if (irq->vector < FIRST_LEGAL_VECTOR) {
			lapic_error(apic, APIC_ESR_RECVILL);
			return HVX_LAPIC_ILLEGAL;
		}
		if (irq->delivery_mode == HVX_DM_LOWEST)
			apic->lowest_taken++;
		return lapic_set_irr(apic, irq->vector, irq->level);
	case HVX_DM_SMI:
		return HVX_LAPIC_SMI;
	case HVX_DM_NMI:
		return HVX_LAPIC_NMI;
	case HVX_DM_INIT:
		return deassert ? HVX_LAPIC_DROPPED : HVX_LAPIC_INIT;
	case HVX_DM_STARTUP:
		return HVX_LAPIC_SIPI;
	case HVX_DM_EXTINT:
		return HVX_LAPIC_EXTINT;
	}
	return HVX_LAPIC_DROPPED;
}

/*
 * The interrupt an unmasked LVT entry raises: timer, LINT0/1, error or
 * CMCI (the last three in the delivery mode their entry names).
 */
enum hvx_lapic_delivery lapic_local(struct hvx_lapic *apic, u32 reg)
{
	u32 lvt = lapic_reg(apic, reg);
	struct hvx_irq irq = {
		.vector = lvt & APIC_VECTOR_MASK,
		.delivery_mode = HVX_DM_FIXED,
		.assert = true,
	};

	if (lvt & APIC_LVT_MASKED)
		return HVX_LAPIC_DROPPED;
	if (reg == APIC_LVT0 || reg == APIC_LVT1 || reg == APIC_LVTCMCI)
		irq.delivery_mode = GET_APIC_DELIVERY_MODE(lvt);
	/* "LINT1 pin does not support level-sensitive interrupts". */
	if (reg == APIC_LVT0)
		irq.level = lvt & APIC_LVT_LEVEL_TRIGGER;
	/* Start-up and lowest priority are reserved in the LVT. */
	if (irq.delivery_mode == HVX_DM_STARTUP ||
	    irq.delivery_mode == HVX_DM_LOWEST)
		return HVX_LAPIC_DROPPED;
	return hvx_lapic_accept(apic, &irq);
}

/**
 * hvx_lapic_local_irq - a level change on the LINT0 or LINT1 pin
 * @apic: the APIC
 * @lint: 0 or 1
 * @level: the pin is asserted now
 *
 * The pin raises what its LVT entry says: a fixed interrupt (level- or
 * edge-triggered on LINT0), an NMI, ExtINT (the PIC's), SMI or INIT.  A
 * de-assert raises nothing; pin levels are not kept, so every assert is
 * an edge.  With the APIC disabled the pins are the CPU's own INTR and
 * NMI (SDM "Enabling or Disabling the Local APIC").
 *
 * Return: as hvx_lapic_accept(); HVX_LAPIC_DROPPED for a bad @lint.
 */
enum hvx_lapic_delivery hvx_lapic_local_irq(struct hvx_lapic *apic,
					    unsigned int lint, bool level)
{
	if (lint > 1 || !level)
		return HVX_LAPIC_DROPPED;
	if (!lapic_hw_enabled(apic))
		return lint ? HVX_LAPIC_NMI : HVX_LAPIC_EXTINT;
	return lapic_local(apic, lint ? APIC_LVT1 : APIC_LVT0);
}

/**
 * hvx_lapic_accepts_pic - may the PIC's interrupt reach this vCPU?
 * @apic: the APIC
 *
 * Yes when the APIC is disabled (the PIC drives INTR) or LINT0 is
 * unmasked in ExtINT mode, the "virtual wire" (SDM "Local Vector Table").
 */
bool hvx_lapic_accepts_pic(const struct hvx_lapic *apic)
{
	u32 lvt0 = lapic_reg(apic, APIC_LVT0);

	return !lapic_hw_enabled(apic) ||
	       (!(lvt0 & APIC_LVT_MASKED) &&
		GET_APIC_DELIVERY_MODE(lvt0) == APIC_MODE_EXTINT);
}

/*
 * Broadcast: all ones in the receiver's mode.  As KVM without
 * KVM_CAP_X2APIC_API (which hvx does not offer), 0xff from an IOAPIC or an
 * MSI (no @source), which cannot say more than 8 bits, is a broadcast to
 * x2APIC-mode APICs too.
 */
static bool lapic_broadcast(const struct hvx_lapic *apic, u32 dest,
			    const struct hvx_lapic *source)
{
	if (dest == X2APIC_BROADCAST)
		return true;
	return dest == XAPIC_BROADCAST &&
	       (!hvx_lapic_x2apic_mode(apic) || !source);
}

/* SDM "Logical Destination Mode": flat, cluster, or x2APIC's cluster. */
static bool lapic_logical_match(const struct hvx_lapic *apic, u32 dest)
{
	u32 ldr = lapic_reg(apic, APIC_LDR), id;

	if (hvx_lapic_x2apic_mode(apic))
		return ldr >> 16 == dest >> 16 && (ldr & dest & 0xffff);
	if (dest > XAPIC_BROADCAST)
		return false;
	id = ldr >> 24;
	switch (FIELD_GET(DFR_MODEL, lapic_reg(apic, APIC_DFR))) {
	case DFR_MODEL_FLAT:
		return id & dest;
	case DFR_MODEL_CLUSTER:
		return id >> 4 == dest >> 4 && (id & dest & 0xf);
	}
	return false;
}

/**
 * hvx_lapic_matches - is this APIC a destination of @irq?
 * @apic: the APIC
 * @irq: the message
 * @source: the APIC that sent it (an IPI), or NULL (IOAPIC, MSI)
 *
 * A disabled APIC is no destination.  Shorthands name @source, all, or
 * all but @source; else the destination is an APIC ID (physical) or a
 * logical one the LDR and DFR match (SDM "Determining IPI Destination").
 * For lowest priority the caller picks one of the matches with
 * hvx_lapic_compare_prio().
 */
bool hvx_lapic_matches(const struct hvx_lapic *apic, const struct hvx_irq *irq,
		       const struct hvx_lapic *source)
{
	u32 dest = irq->dest_id;

	if (!lapic_hw_enabled(apic))
		return false;
	switch (irq->shorthand) {
	case HVX_SH_SELF:
		return apic == source;
	case HVX_SH_ALL:
		return true;
	case HVX_SH_OTHERS:
		return apic != source;
	case HVX_SH_NONE:
		break;
	default:
		return false;
	}
	if (lapic_broadcast(apic, dest, source))
		return true;
	if (irq->dest_logical)
		return lapic_logical_match(apic, dest);
	return dest == hvx_lapic_id(apic);
}

/**
 * hvx_lapic_compare_prio - which of two matches takes a lowest-priority
 * interrupt
 * @a: an APIC that matched
 * @b: another
 *
 * One enabled in software before one that is not (it would drop it), then
 * the lower arbitration priority (SDM "Lowest Priority Delivery Mode"),
 * then the one that took fewer lowest-priority interrupts (KVM's only
 * rule, with vector hashing off).  KVM's default, vector hashing, picks by the
 * vector alone; hvx does not.
 *
 * Return: < 0 if @a goes first, > 0 if @b does, 0 for a tie.
 */
int hvx_lapic_compare_prio(const struct hvx_lapic *a,
			   const struct hvx_lapic *b)
{
	bool ea = lapic_sw_enabled(a), eb = lapic_sw_enabled(b);
	u32 pa = lapic_apr(a), pb = lapic_apr(b);

	if (ea != eb)
		return ea ? -1 : 1;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (a->lowest_taken != b->lowest_taken)
		return a->lowest_taken < b->lowest_taken ? -1 : 1;
	return 0;
}

/**
 * hvx_lapic_next - the interrupt the vCPU should take next
 * @apic: the APIC
 * @threshold: if not NULL, set to how low the TPR must go to let an
 *	interrupt in.  With VT-x's TPR shadow the guest changes its TPR
 *	without exits, and the CPU exits only when the TPR's class falls
 *	below a threshold: the class of the highest requested vector, when
 *	the TPR is what holds it back, else 0 for "no exit needed".  What
 *	the ISR holds back comes with an EOI, which exits anyway.
 *
 * One look at the IRR gives both answers, before every entry.
 *
 * Return: the highest vector in the IRR whose priority class is above the
 * PPR's (SDM "Interrupt, Task, and Processor Priority"), or -1.
 */
int hvx_lapic_next(const struct hvx_lapic *apic, u8 *threshold)
{
	int v = vec_highest(apic, APIC_IRR);
	bool requested = lapic_hw_enabled(apic) && v >= 0;

	if (threshold)
		*threshold = requested && (v >> 4) <=
			     (lapic_reg(apic, APIC_TASKPRI) >> 4) ? v >> 4 : 0;
	if (!requested ||
	    (v & 0xf0) <= (lapic_reg(apic, APIC_PROCPRI) & 0xf0))
		return -1;
	return v;
}

/**
 * hvx_lapic_acknowledge - the vCPU takes @vector (from hvx_lapic_next())
 * @apic: the APIC
 * @vector: the vector, which moves from the IRR to the ISR
 *
 * Return: false, changing nothing, if @vector was not requested.
 */
bool hvx_lapic_acknowledge(struct hvx_lapic *apic, u8 vector)
{
	if (!vec_test(apic, APIC_IRR, vector))
		return false;
	vec_assign(apic, APIC_IRR, vector, false);
	vec_assign(apic, APIC_ISR, vector, true);
	lapic_update_ppr(apic);
	return true;
}

/**
 * hvx_lapic_set_cr8 - MOV to CR8, which is the TPR's bits 7:4
 * @apic: the APIC
 * @cr8: the value
 *
 * Return: 0, or -EINVAL (#GP) when bits 63:4, reserved, are set.
 */
int hvx_lapic_set_cr8(struct hvx_lapic *apic, u64 cr8)
{
	if (cr8 & ~0xfULL)
		return -EINVAL;
	hvx_lapic_set_tpr(apic, cr8 << 4);
	return 0;
}

u8 hvx_lapic_get_tpr(const struct hvx_lapic *apic)
{
	return lapic_reg(apic, APIC_TASKPRI);
}

/* The TPR the guest wrote where no exit saw it (VT-x's TPR shadow). */
void hvx_lapic_set_tpr(struct hvx_lapic *apic, u8 tpr)
{
	lapic_set_reg(apic, APIC_TASKPRI, tpr);
	lapic_update_ppr(apic);
}

/* MOV from CR8: the TPR's priority class. */
u64 hvx_lapic_get_cr8(const struct hvx_lapic *apic)
{
	return (lapic_reg(apic, APIC_TASKPRI) >> 4) & 0xf;
}

/*
 * SDM "Signaling Interrupt Servicing Completion": the highest vector in
 * service leaves it; a level-triggered one goes on to the IOAPIC.
 */
void lapic_eoi(struct hvx_lapic *apic, struct hvx_lapic_action *act)
{
	int v = vec_highest(apic, APIC_ISR);

	if (v < 0)
		return;
	vec_assign(apic, APIC_ISR, v, false);
	lapic_update_ppr(apic);
	act->flags |= HVX_LAPIC_ACT_EOI;
	act->eoi_vector = v;
	act->eoi_level = vec_test(apic, APIC_TMR, v);
}

/*
 * SDM "Issuing Interprocessor Interrupts": decode the ICR into a message
 * for the caller.  Delivery is instant (the delivery status bit reads 0,
 * as KVM's).  A fixed or lowest-priority IPI with an illegal vector is
 * not sent but logged as an error; remote read and ExtINT, reserved in
 * the ICR, are not sent either.
 */
void lapic_send(struct hvx_lapic *apic, u32 low, u32 high,
		struct hvx_lapic_action *act)
{
	struct hvx_irq irq = {
		.vector = low & APIC_VECTOR_MASK,
		.delivery_mode = FIELD_GET(ICR_DELIVERY_MODE, low),
		.dest_id = hvx_lapic_x2apic_mode(apic) ? high : high >> 24,
		.dest_logical = low & APIC_DEST_LOGICAL,
		.level = low & APIC_INT_LEVELTRIG,
		.assert = low & APIC_INT_ASSERT,
		.shorthand = FIELD_GET(ICR_SHORTHAND, low),
	};

	if (irq.delivery_mode == ICR_DM_REMOTE_READ ||
	    irq.delivery_mode == HVX_DM_EXTINT)
		return;
	if ((irq.delivery_mode == HVX_DM_FIXED ||
	     irq.delivery_mode == HVX_DM_LOWEST) &&
	    irq.vector < FIRST_LEGAL_VECTOR) {
		lapic_error(apic, APIC_ESR_SENDILL);
		return;
	}
	act->ipi = irq;
	act->flags |= HVX_LAPIC_ACT_IPI;
}
