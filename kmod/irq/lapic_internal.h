/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the local APIC, for lapic.c, lapic_regs.c, lapic_timer.c and
 * lapic_state.c alone: the register page's layout and the few functions
 * they share.  Everything else uses lapic.h.
 */
#ifndef HVX_IRQ_LAPIC_INTERNAL_H
#define HVX_IRQ_LAPIC_INTERNAL_H

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/types.h>
#include <asm/msr-index.h>

#include "lapic.h"

#define XAPIC_BROADCAST		0xffu
#define X2APIC_BROADCAST	0xffffffffu
#define XAPIC_ID_BITS		GENMASK(31, 24)	/* ID, LDR, ICR2 */
#define DFR_MODEL		GENMASK(31, 28)
#define DFR_MODEL_FLAT		0xf
#define DFR_MODEL_CLUSTER	0x0
#define NR_VECTOR_REGS		8	/* ISR, TMR, IRR: 8 x 32 bits */
#define FIRST_LEGAL_VECTOR	16

#define SVR_BITS	(APIC_VECTOR_MASK | APIC_SPIV_APIC_ENABLED | \
			 APIC_SPIV_FOCUS_DISABLED)
#define ESR_BITS	(APIC_ESR_SENDILL | APIC_ESR_RECVILL)
#define TDCR_BITS	(BIT(3) | BIT(1) | BIT(0))

/* The ICR's low half (SDM "Interrupt Command Register (ICR)"). */
#define ICR_DELIVERY_MODE	GENMASK(10, 8)
#define ICR_SHORTHAND		GENMASK(19, 18)
#define ICR_LOW_BITS	(APIC_VECTOR_MASK | ICR_DELIVERY_MODE | \
			 APIC_DEST_LOGICAL | APIC_INT_ASSERT | \
			 APIC_INT_LEVELTRIG | ICR_SHORTHAND)
#define ICR_DM_REMOTE_READ	3

/* The LVT (SDM "Local Vector Table"). */
#define LVT_BASIC_BITS	(APIC_VECTOR_MASK | APIC_LVT_MASKED)
#define LVT_TIMER_MODE	GENMASK(18, 17)
#define LVT_LINT_BITS	(LVT_BASIC_BITS | APIC_MODE_MASK | \
			 APIC_INPUT_POLARITY | APIC_LVT_LEVEL_TRIGGER)
/*
 * Timer, thermal, performance, LINT0, LINT1, error, and CMCI where the
 * vCPU's machine-check capabilities have it (lapic_nr_lvts()).
 */
extern const u32 lapic_lvts[7];

static inline unsigned int lapic_nr_lvts(const struct hvx_lapic *apic)
{
	return 6 + apic->cmci;
}

/* The version register, which counts the LVT entries. */
static inline u32 lapic_version(const struct hvx_lapic *apic)
{
	return apic->cmci ? HVX_LAPIC_VERSION_CMCI : HVX_LAPIC_VERSION;
}

/* IA32_APIC_BASE (SDM "Local APIC Status and Location"). */
#define BASE_EN		MSR_IA32_APICBASE_ENABLE
#define BASE_EXTD	X2APIC_ENABLE
#define BASE_MODE	(BASE_EN | BASE_EXTD)
#define BASE_LOW_RESERVED	(GENMASK_ULL(7, 0) | BIT_ULL(9))

static inline u32 lapic_reg(const struct hvx_lapic *apic, u32 reg)
{
	return apic->regs[array_index_nospec(reg / 4, ARRAY_SIZE(apic->regs))];
}

static inline void lapic_set_reg(struct hvx_lapic *apic, u32 reg, u32 val)
{
	apic->regs[array_index_nospec(reg / 4, ARRAY_SIZE(apic->regs))] = val;
}

static inline bool lapic_hw_enabled(const struct hvx_lapic *apic)
{
	return apic->base & BASE_EN;
}

static inline bool lapic_sw_enabled(const struct hvx_lapic *apic)
{
	return lapic_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

/* lapic.c */
void lapic_update_ppr(struct hvx_lapic *apic);
enum hvx_lapic_delivery lapic_local(struct hvx_lapic *apic, u32 reg);
void lapic_eoi(struct hvx_lapic *apic, struct hvx_lapic_action *act);
void lapic_send(struct hvx_lapic *apic, u32 low, u32 high,
		struct hvx_lapic_action *act);

/* lapic_regs.c */
u32 lapic_lvt_bits(const struct hvx_lapic *apic, u32 reg);

/* lapic_timer.c */
u32 lapic_timer_mode(const struct hvx_lapic *apic);
bool lapic_counts(u32 mode);
u32 lapic_divide(const struct hvx_lapic *apic);
u32 lapic_current_count(const struct hvx_lapic *apic, s64 now_ns);
void lapic_start(struct hvx_lapic *apic, s64 now_ns, u64 left_ns);
void lapic_stop(struct hvx_lapic *apic);
void lapic_write_tmict(struct hvx_lapic *apic, u32 val, s64 now_ns,
		       struct hvx_lapic_action *act);
void lapic_write_tdcr(struct hvx_lapic *apic, u32 val, s64 now_ns,
		      struct hvx_lapic_action *act);
void lapic_write_lvtt(struct hvx_lapic *apic, u32 val, s64 now_ns,
		      struct hvx_lapic_action *act);

#endif /* HVX_IRQ_LAPIC_INTERNAL_H */
