// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the local APIC's registers in xAPIC and x2APIC mode, their
 * reserved bits, IA32_APIC_BASE, acceptance, destinations, IPIs and
 * LINT0/1, as a guest and a VMM drive them.  Priorities and EOI
 * (lapic_prio_test.c), the timer and KVM_GET/SET_LAPIC
 * (lapic_timer_test.c) have suites of their own.
 */
#include <kunit/test.h>

#include "../../kmod/irq/lapic.c"
#include "../../kmod/irq/lapic_regs.c"
#include "../../kmod/irq/lapic_state.c"
#include "../../kmod/irq/lapic_timer.c"
#include "lapic_test_common.h"

static struct hvx_irq to(u32 dest, bool logical)
{
	return (struct hvx_irq){ .vector = 0x40, .dest_id = dest,
				 .dest_logical = logical, .assert = true };
}

/* The ESR as a guest reads it: write, then read. */
static u32 esr(struct hvx_lapic *apic)
{
	wr(apic, APIC_ESR, 0, T0);
	return rd(apic, APIC_ESR, T0);
}

static void lapic_reset_state(struct kunit *test)
{
	struct hvx_lapic *bsp = kunit_kzalloc(test, sizeof(*bsp), GFP_KERNEL);
	struct hvx_lapic *ap = kunit_kzalloc(test, sizeof(*ap), GFP_KERNEL);

	KUNIT_ASSERT_TRUE(test, bsp && ap);
	hvx_lapic_init(bsp, 0, 40, true);
	hvx_lapic_init(ap, 3, 40, false);
	KUNIT_EXPECT_EQ(test, bsp->base, XAPIC_EN | MSR_IA32_APICBASE_BSP);
	KUNIT_EXPECT_EQ(test, ap->base, XAPIC_EN);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_ID, T0), 3u << 24);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_LVR, T0), 0x50014u);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_DFR, T0), U32_MAX);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_SPIV, T0), 0xffu);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_LVTT, T0), (u32)APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_LVT0, T0), (u32)APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_LVTERR, T0), (u32)APIC_LVT_MASKED);
	/* The BSP's LINT0 is the PIC's virtual wire, as KVM's. */
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_LVT0, T0), (u32)APIC_DM_EXTINT);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_accepts_pic(bsp));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_accepts_pic(ap));
	/* INIT keeps the ID a guest wrote; RESET does not. */
	wr(ap, APIC_ID, 9u << 24, T0);
	wr(ap, APIC_TASKPRI, 0x20, T0);
	hvx_lapic_reset(ap, true, false);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_ID, T0), 9u << 24);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_TASKPRI, T0), 0u);
	hvx_lapic_reset(ap, false, false);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_ID, T0), 3u << 24);
}

static void lapic_xapic_access_sizes(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 0x12, false);
	struct hvx_lapic_action act;
	u64 v = ~0ULL;
	u32 val = 0x80;

	/* Bytes within the first dword read; wider or across it read 0. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, APIC_ID + 3, 1, &v, T0), 0);
	KUNIT_EXPECT_EQ(test, v & 0xff, 0x12ULL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, APIC_LVR, 2, &v, T0), 0);
	KUNIT_EXPECT_EQ(test, v & 0xffff, 0x14ULL);
	hvx_lapic_read(apic, APIC_ID + 2, 4, &v, T0);
	KUNIT_EXPECT_EQ(test, v & 0xffffffff, 0ULL);
	hvx_lapic_read(apic, APIC_LVR, 8, &v, T0);
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, APIC_LVR + 4, 4, &v, T0), 0);
	KUNIT_EXPECT_EQ(test, v & 0xffffffff, 0ULL);
	/* Out of the page, or no size at all: refused, untouched. */
	v = 7;
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, 0xffe, 4, &v, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, 0x1000, 1, &v, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, 0, 0, &v, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_read(apic, 0, 9, &v, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 7ULL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_write(apic, 0xffd, 4, &val, T0, &act),
			-EINVAL);
	/* Only an aligned 4-byte write reaches a register. */
	hvx_lapic_write(apic, APIC_TASKPRI, 2, &val, T0, &act);
	hvx_lapic_write(apic, APIC_TASKPRI + 4, 4, &val, T0, &act);
	hvx_lapic_write(apic, APIC_TASKPRI + 1, 4, &val, T0, &act);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI, T0), 0u);
	hvx_lapic_write(apic, APIC_TASKPRI, 4, &val, T0, &act);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI, T0), 0x80u);
}

/* Every register: what a write of all ones leaves, in xAPIC mode. */
static void lapic_xapic_reserved_bits(struct kunit *test)
{
	static const struct { u32 reg, after; } regs[] = {
		{ APIC_ID, 0xff000000 }, { APIC_LVR, 0x50014 },
		{ APIC_TASKPRI, 0xff }, { APIC_ARBPRI, 0 },
		{ APIC_PROCPRI, 0xff }, { APIC_RRR, 0 },
		{ APIC_LDR, 0xff000000 }, { APIC_DFR, 0xffffffff },
		{ APIC_SPIV, 0x3ff }, { APIC_ISR, 0 }, { APIC_TMR + 0x70, 0 },
		{ APIC_IRR + 0x30, 0 }, { APIC_ESR, 0 }, { 0x2f0, 0 },
		{ APIC_ICR2, 0xff000000 }, { APIC_LVTT, 0x700ff },
		{ APIC_LVTTHMR, 0x107ff }, { APIC_LVTPC, 0x107ff },
		{ APIC_LVT0, 0x1a7ff }, { APIC_LVT1, 0x1a7ff },
		{ APIC_LVTERR, 0x100ff }, { APIC_TMCCT, 0 }, { APIC_TDCR, 0xb },
		{ APIC_SELF_IPI, 0 }, { 0x3d0, 0 },
	};
	struct hvx_lapic *apic = new_apic(test, 1, false);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		wr(apic, regs[i].reg, U32_MAX, T0);
		KUNIT_EXPECT_EQ_MSG(test, rd(apic, regs[i].reg, T0),
				    regs[i].after, "reg %#x", regs[i].reg);
	}
	/* A mask bit of 1 masked the entries: unmask and read again. */
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0xff, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTT, T0), 0x200ffu);
	/*
	 * The ICR keeps every bit but the delivery status, the reserved
	 * ones too (as KVM's xAPIC).
	 */
	wr(apic, APIC_ICR, U32_MAX & ~0x700, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ICR, T0), 0xffffe8ffu);
	/* Without TSC-deadline in CPUID, the timer mode is one bit. */
	hvx_lapic_set_cpuid(apic, true, false);
	wr(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x30, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTT, T0), 0x30u);
}

static void lapic_sw_disable_masks_lvt(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_irq irq = fixed(0x50, false);

	wr(apic, APIC_LVT1, APIC_DM_NMI, T0);
	wr(apic, APIC_LVTERR, 0xee, T0);
	wr(apic, APIC_SPIV, 0xff, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVT1, T0),
			(u32)(APIC_DM_NMI | APIC_LVT_MASKED));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTERR, T0), 0x100eeu);
	wr(apic, APIC_LVTERR, 0xee, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTERR, T0), 0x100eeu);
	/* Fixed interrupts are refused; NMI, INIT and SIPI are not. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_DROPPED);
	irq.delivery_mode = HVX_DM_NMI;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_NMI);
	irq.delivery_mode = HVX_DM_STARTUP;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_SIPI);
	wr(apic, APIC_SPIV, 0x1ff, T0);
	wr(apic, APIC_LVTERR, 0xee, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTERR, T0), 0xeeu);
}

/*
 * CMCI, once the vCPU's IA32_MCG_CAP has MCG_CMCI_P: the LVT entry comes
 * masked, the version register counts seven entries, and the entry raises
 * what it names.  Without it the register reads 0 and takes nothing, and
 * raises nothing; x2APIC mode reaches it by MSR 0x82f.
 */
static void lapic_cmci(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_lapic_action act;
	u8 threshold;

	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVR, T0), (u32)HVX_LAPIC_VERSION);
	wr(apic, APIC_LVTCMCI, 0xa9, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTCMCI, T0), 0u);
	KUNIT_EXPECT_EQ(test, hvx_lapic_cmci(apic), HVX_LAPIC_DROPPED);

	hvx_lapic_set_cmci(apic, true);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVR, T0),
			(u32)HVX_LAPIC_VERSION_CMCI);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTCMCI, T0), APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, hvx_lapic_cmci(apic), HVX_LAPIC_DROPPED);
	/* Reserved bits go; the vector and the delivery mode stay. */
	wr(apic, APIC_LVTCMCI, 0xa9 | APIC_LVT_LEVEL_TRIGGER, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTCMCI, T0), 0xa9u);
	KUNIT_EXPECT_EQ(test, hvx_lapic_cmci(apic), HVX_LAPIC_IRR);
	KUNIT_EXPECT_EQ(test, hvx_lapic_next(apic, &threshold), 0xa9);
	wr(apic, APIC_LVTCMCI, APIC_DM_NMI, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_cmci(apic), HVX_LAPIC_NMI);
	/* Disabled in software, the APIC masks it as the others. */
	wr(apic, APIC_SPIV, 0xff, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTCMCI, T0),
			(u32)(APIC_DM_NMI | APIC_LVT_MASKED));
	/* An INIT keeps it, masked. */
	hvx_lapic_reset(apic, true, false);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVR, T0),
			(u32)HVX_LAPIC_VERSION_CMCI);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTCMCI, T0), APIC_LVT_MASKED);

	apic = new_apic(test, 2, true);
	hvx_lapic_set_cmci(apic, true);
	wr(apic, APIC_LVTCMCI, 0xa9, T0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTCMCI, T0), 0xa9u);
	hvx_lapic_set_cmci(apic, false);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVR, T0), (u32)HVX_LAPIC_VERSION);
	KUNIT_EXPECT_NE(test, wr_rc(apic, APIC_LVTCMCI, 0xa9, T0, &act), 0);
}

static void lapic_mmio_when_disabled_or_x2apic(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, true);
	struct hvx_lapic_action act;
	u32 v = 0, val = 0x50;

	hvx_lapic_read(apic, APIC_ID, 4, &v, T0);
	KUNIT_EXPECT_EQ(test, v, U32_MAX);
	hvx_lapic_write(apic, APIC_TASKPRI, 4, &val, T0, &act);
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_TASKPRI / 4], 0u);
	hvx_lapic_set_base(apic, 0, false, &act);
	v = 0;
	hvx_lapic_read(apic, APIC_LVR, 4, &v, T0);
	KUNIT_EXPECT_EQ(test, v, U32_MAX);
	/* Not in x2APIC mode: every MSR faults. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_wrmsr(apic, 0x808, 0, T0, &act),
			-EINVAL);
	hvx_lapic_set_base(apic, XAPIC_EN, false, &act);
	KUNIT_EXPECT_EQ(test, hvx_lapic_wrmsr(apic, 0x808, 0, T0, &act),
			-EINVAL);
}

static void lapic_x2apic_registers(struct kunit *test)
{
	static const u32 unreadable[] = { 0x809, 0x80b, 0x80c, 0x80e, 0x82f,
					  0x831, 0x83f, 0x801, 0x840, 0x8ff };
	static const u32 read_only[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810,
					 0x818, 0x820, 0x827, 0x839 };
	struct hvx_lapic *apic = new_apic(test, 0x12b, true);
	struct hvx_lapic_action act;
	unsigned int i;
	u64 v;

	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID, T0), 0x12bu);
	/* Cluster 0x12, bit 11: "Logical x2APIC ID". */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR, T0), 0x120800u);
	for (i = 0; i < ARRAY_SIZE(unreadable); i++)
		KUNIT_EXPECT_EQ_MSG(test, hvx_lapic_rdmsr(apic, unreadable[i],
							  &v, T0),
				    -EINVAL, "msr %#x", unreadable[i]);
	for (i = 0; i < ARRAY_SIZE(read_only); i++)
		KUNIT_EXPECT_EQ_MSG(test, hvx_lapic_wrmsr(apic, read_only[i], 0,
							  T0, &act),
				    -EINVAL, "msr %#x", read_only[i]);
	KUNIT_EXPECT_EQ(test, hvx_lapic_rdmsr(apic, 0x7ff, &v, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_rdmsr(apic, 0x900, &v, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID, T0), 0x12bu);
}

/* Every reserved bit of every x2APIC register faults; the others do not. */
static void lapic_x2apic_reserved_bits(struct kunit *test)
{
	static const struct { u32 reg; u64 ok; } regs[] = {
		{ APIC_TASKPRI, 0xff }, { APIC_EOI, 0 }, { APIC_SPIV, 0x3ff },
		{ APIC_ESR, 0 }, { APIC_LVTT, 0x710ff },
		{ APIC_LVTTHMR, 0x117ff }, { APIC_LVTPC, 0x117ff },
		{ APIC_LVT0, 0x1f7ff }, { APIC_LVT1, 0x1f7ff },
		{ APIC_LVTERR, 0x110ff }, { APIC_TMICT, U32_MAX },
		{ APIC_TDCR, 0xb }, { APIC_SELF_IPI, 0xff },
		{ APIC_ICR, 0xffffffff000cdfffULL },
	};
	struct hvx_lapic *apic = new_apic(test, 1, true);
	struct hvx_lapic_action act;
	unsigned int i, b;
	int r;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		for (b = 0; b < 64; b++) {
			u64 val = BIT_ULL(b);

			/* Keep the APIC enabled, and any IPI legal. */
			if (regs[i].reg == APIC_SPIV)
				val |= 0x1f0;
			if (regs[i].reg == APIC_ICR ||
			    regs[i].reg == APIC_SELF_IPI)
				val |= 0xf0;
			r = hvx_lapic_wrmsr(apic, lapic_test_msr(regs[i].reg),
					    val, T0, &act);
			KUNIT_EXPECT_EQ_MSG(test, r, regs[i].ok & BIT_ULL(b) ?
					    0 : -EINVAL, "reg %#x bit %u",
					    regs[i].reg, b);
		}
	}
	/* The delivery status bit is carried back, not stored. */
	KUNIT_EXPECT_EQ(test, wr_rc(apic, APIC_LVTERR, APIC_SEND_PENDING | 0xfe,
				    T0, &act), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTERR, T0), 0xfeu);
	/* TSC-deadline mode is reserved unless CPUID offers it. */
	hvx_lapic_set_cpuid(apic, true, false);
	KUNIT_EXPECT_EQ(test, wr_rc(apic, APIC_LVTT,
				    APIC_LVT_TIMER_TSCDEADLINE, T0, &act),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, wr_rc(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC,
				    T0, &act), 0);
}

static void lapic_x2apic_icr_and_self_ipi(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, true);
	struct hvx_lapic_action act;
	u64 v;

	KUNIT_EXPECT_EQ(test, hvx_lapic_wrmsr(apic, 0x830,
					      0x12345678ULL << 32 | 0x4c831,
					      T0, &act), 0);
	KUNIT_EXPECT_EQ(test, act.flags, (u32)HVX_LAPIC_ACT_IPI);
	KUNIT_EXPECT_EQ(test, act.ipi.dest_id, 0x12345678u);
	KUNIT_EXPECT_EQ(test, act.ipi.vector, 0x31);
	KUNIT_EXPECT_EQ(test, act.ipi.delivery_mode, HVX_DM_FIXED);
	KUNIT_EXPECT_TRUE(test, act.ipi.dest_logical && act.ipi.level &&
			  act.ipi.assert);
	KUNIT_EXPECT_EQ(test, act.ipi.shorthand, HVX_SH_SELF);
	/* The busy bit is ignored and reads 0. */
	hvx_lapic_wrmsr(apic, 0x830, 7ULL << 32 | APIC_ICR_BUSY | 0x4041,
			T0, &act);
	KUNIT_EXPECT_EQ(test, hvx_lapic_rdmsr(apic, 0x830, &v, T0), 0);
	KUNIT_EXPECT_EQ(test, v, 7ULL << 32 | 0x4041);
	/* A fault leaves the ICR as it was. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_wrmsr(apic, 0x830, 9ULL << 32 | BIT(13),
					      T0, &act), -EINVAL);
	hvx_lapic_rdmsr(apic, 0x830, &v, T0);
	KUNIT_EXPECT_EQ(test, v, 7ULL << 32 | 0x4041);
	/* SELF IPI: fixed, edge, to this APIC. */
	act = wr(apic, APIC_SELF_IPI, 0x55, T0);
	KUNIT_EXPECT_EQ(test, act.flags, (u32)HVX_LAPIC_ACT_IPI);
	KUNIT_EXPECT_EQ(test, act.ipi.vector, 0x55);
	KUNIT_EXPECT_EQ(test, act.ipi.shorthand, HVX_SH_SELF);
	KUNIT_EXPECT_FALSE(test, act.ipi.level);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(apic, &act.ipi, apic));
	/* An illegal vector is not sent: the send error is logged. */
	act = wr(apic, APIC_SELF_IPI, 0x0f, T0);
	KUNIT_EXPECT_EQ(test, act.flags, 0u);
	KUNIT_EXPECT_EQ(test, esr(apic), (u32)APIC_ESR_SENDILL);
}

static void lapic_base_transitions(struct kunit *test)
{
	/* SDM "x2APIC State Transitions": from, to, guest may, host may. */
	static const struct { u64 from, to; bool guest, host; } t[] = {
		{ XAPIC_EN, X2APIC_EN, true, true },
		{ XAPIC_EN, HVX_LAPIC_BASE, true, true },
		{ X2APIC_EN, HVX_LAPIC_BASE, true, true },
		{ X2APIC_EN, XAPIC_EN, false, true },
		{ HVX_LAPIC_BASE, X2APIC_EN, false, true },
		{ HVX_LAPIC_BASE, XAPIC_EN, true, true },
		{ XAPIC_EN, HVX_LAPIC_BASE | X2APIC_ENABLE, false, false },
		{ X2APIC_EN, HVX_LAPIC_BASE | X2APIC_ENABLE, false, false },
	};
	struct hvx_lapic *apic = new_apic(test, 5, false);
	struct hvx_lapic_action act;
	unsigned int i, h, b;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		for (h = 0; h < 2; h++) {
			bool ok = h ? t[i].host : t[i].guest;
			int r;

			hvx_lapic_set_base(apic, t[i].from, true, &act);
			r = hvx_lapic_set_base(apic, t[i].to, h, &act);
			KUNIT_EXPECT_EQ_MSG(test, r, ok ? 0 : -EINVAL,
					    "case %u host %u", i, h);
			KUNIT_EXPECT_EQ(test, apic->base,
					ok ? t[i].to : t[i].from);
		}
	}
	/* Reserved: bits 7:0 and 9, MAXPHYADDR (40) and up, EXTD w/o CPUID. */
	hvx_lapic_set_base(apic, XAPIC_EN, true, &act);
	for (b = 0; b < 64; b++) {
		bool reserved = b < 8 || b == 9 || b >= 40;

		KUNIT_EXPECT_EQ_MSG(test, hvx_lapic_set_base(apic, XAPIC_EN |
					    BIT_ULL(b), true, &act),
				    reserved ? -EINVAL : 0, "bit %u", b);
		hvx_lapic_set_base(apic, XAPIC_EN, true, &act);
	}
	hvx_lapic_set_cpuid(apic, false, true);
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_base(apic, X2APIC_EN, true, &act),
			-EINVAL);
	/* A moved base reads back, and the caller hears of it. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_set_base(apic, 0xfe000000 |
						 MSR_IA32_APICBASE_ENABLE,
						 false, &act), 0);
	KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_MOVED);
	KUNIT_EXPECT_EQ(test, apic->base,
			0xfe000000ULL | MSR_IA32_APICBASE_ENABLE);
	hvx_lapic_set_base(apic, XAPIC_EN, false, &act);
	KUNIT_EXPECT_FALSE(test, act.flags & HVX_LAPIC_ACT_MOVED);
}

static void lapic_base_disable_and_x2apic_switch(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 0x21, false);
	struct hvx_lapic_action act;

	wr(apic, APIC_TASKPRI, 0x40, T0);
	wr(apic, APIC_ID, 0x7u << 24, T0);
	/* Into x2APIC: the ID is the vCPU's, the LDR derived; TPR kept. */
	hvx_lapic_set_base(apic, X2APIC_EN, false, &act);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID, T0), 0x21u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR, T0), 0x20002u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI, T0), 0x40u);
	/* Disabled: nothing is kept, and the timer stops. */
	wr(apic, APIC_TMICT, 1000, T0);
	hvx_lapic_set_base(apic, HVX_LAPIC_BASE, false, &act);
	KUNIT_EXPECT_TRUE(test, act.flags & HVX_LAPIC_ACT_TIMER);
	KUNIT_EXPECT_FALSE(test, apic->tmr.armed);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(apic, &(struct hvx_irq){
		.dest_id = 0xff }, NULL));
	hvx_lapic_set_base(apic, XAPIC_EN, false, &act);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID, T0), 0x21u << 24);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI, T0), 0u);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_SPIV, T0), 0xffu);
	/* The VMM may go from x2APIC to xAPIC: the xAPIC ID comes back. */
	hvx_lapic_set_base(apic, X2APIC_EN, false, &act);
	hvx_lapic_set_base(apic, XAPIC_EN, true, &act);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID, T0), 0x21u << 24);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR, T0), 0u);
}

static void lapic_accept_fixed(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_irq irq = fixed(0x61, true);
	struct hvx_lapic_action act;

	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_IRR);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_IRR, 0x61));
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_TMR, 0x61));
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq),
			HVX_LAPIC_COALESCED);
	/* An edge-triggered one clears the TMR bit. */
	irq.level = false;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq),
			HVX_LAPIC_COALESCED);
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_TMR, 0x61));
	/* A level de-assert does nothing. */
	irq = fixed(0x62, true);
	irq.assert = false;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_DROPPED);
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_IRR, 0x62));
	/* Lowest priority is fixed to the one it reaches, and counted. */
	irq = fixed(0xf5, false);
	irq.delivery_mode = HVX_DM_LOWEST;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_IRR);
	KUNIT_EXPECT_EQ(test, apic->lowest_taken, 1u);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_IRR, 0xf5));
	/* A disabled APIC takes nothing. */
	hvx_lapic_set_base(apic, HVX_LAPIC_BASE, false, &act);
	irq.delivery_mode = HVX_DM_NMI;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_DROPPED);
}

static void lapic_accept_illegal_vector(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_irq irq;
	unsigned int v;

	for (v = 0; v < 16; v++) {
		irq = fixed(v, false);
		KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq),
				HVX_LAPIC_ILLEGAL);
	}
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_IRR / 4], 0u);
	/* Write-then-read: the errors appear after the write. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ESR, T0), 0u);
	KUNIT_EXPECT_EQ(test, esr(apic), (u32)APIC_ESR_RECVILL);
	KUNIT_EXPECT_EQ(test, esr(apic), 0u);
	/* The error interrupt, when unmasked. */
	wr(apic, APIC_LVTERR, 0xfe, T0);
	irq = fixed(3, false);
	hvx_lapic_accept(apic, &irq);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_IRR, 0xfe));
	/* An illegal error vector is itself an error, not a loop. */
	wr(apic, APIC_LVTERR, 0x05, T0);
	esr(apic);
	wr(apic, APIC_ICR, 0x03, T0);
	KUNIT_EXPECT_EQ(test, esr(apic),
			(u32)(APIC_ESR_SENDILL | APIC_ESR_RECVILL));
	irq.delivery_mode = HVX_DM_LOWEST;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_ILLEGAL);
	KUNIT_EXPECT_EQ(test, esr(apic), (u32)APIC_ESR_RECVILL);
	KUNIT_EXPECT_EQ(test, apic->regs[APIC_IRR / 4], 0u);
}

static void lapic_accept_events(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_irq irq = fixed(0, false);

	irq.delivery_mode = HVX_DM_NMI;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_NMI);
	irq.delivery_mode = HVX_DM_SMI;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_SMI);
	irq.delivery_mode = HVX_DM_EXTINT;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_EXTINT);
	irq.delivery_mode = HVX_DM_STARTUP;
	irq.vector = 0x9a;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_SIPI);
	irq.delivery_mode = HVX_DM_INIT;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_INIT);
	/* "INIT Level De-assert" does nothing. */
	irq.level = true;
	irq.assert = false;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_DROPPED);
	irq.delivery_mode = 3;
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &irq), HVX_LAPIC_DROPPED);
	/* No event touches the IRR. */
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_IRR, 0x9a));
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_IRR, 0));
}

static void lapic_physical_destination(struct kunit *test)
{
	struct hvx_lapic *x = new_apic(test, 3, false);
	struct hvx_lapic *x2 = new_apic(test, 0x103, true);
	struct hvx_irq irq;

	irq = to(3, false);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x, &irq, NULL));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(x2, &irq, NULL));
	irq = to(0x103, false);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x2, &irq, NULL));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(x, &irq, NULL));
	/* The xAPIC ID is the one the guest wrote. */
	wr(x, APIC_ID, 0x40u << 24, T0);
	irq = to(0x40, false);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x, &irq, NULL));
	/* Broadcast: 0xff in xAPIC, all ones in x2APIC... */
	irq = to(0xff, false);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x, &irq, x2));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(x2, &irq, x));
	irq = to(X2APIC_BROADCAST, false);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x2, &irq, x));
	/* ... and 0xff from an IOAPIC or MSI to x2APIC too (KVM's quirk). */
	irq = to(0xff, false);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x2, &irq, NULL));
	irq.dest_logical = true;
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x2, &irq, NULL));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(x2, &irq, x));
}

static void lapic_logical_destination(struct kunit *test)
{
	struct hvx_lapic *a = new_apic(test, 1, false);
	struct hvx_lapic *x2 = new_apic(test, 0x35, true);
	struct hvx_irq irq;

	/* Flat: a bit per APIC. */
	wr(a, APIC_LDR, 0x24u << 24, T0);
	irq = to(0x04, true);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(a, &irq, NULL));
	irq = to(0x41, true);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, NULL));
	/* Physical mode ignores the LDR. */
	irq = to(0x04, false);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, NULL));
	/* Cluster: cluster 2, bit 2 of four. */
	wr(a, APIC_DFR, 0x0fffffff, T0);
	irq = to(0x24, true);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(a, &irq, NULL));
	irq = to(0x14, true);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, NULL));
	irq = to(0x2b, true);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, NULL));
	irq = to(0xff, true);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(a, &irq, NULL));
	/* A reserved model matches nothing but broadcasts. */
	wr(a, APIC_DFR, 0x5fffffff, T0);
	irq = to(0x24, true);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, NULL));
	/* x2APIC: cluster 3, bit 5. */
	irq = to(0x30020, true);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(x2, &irq, NULL));
	irq = to(0x20020, true);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(x2, &irq, NULL));
	irq = to(0x3ffdf, true);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(x2, &irq, NULL));
}

static void lapic_shorthands(struct kunit *test)
{
	struct hvx_lapic *a = new_apic(test, 1, false);
	struct hvx_lapic *b = new_apic(test, 2, false);
	struct hvx_irq irq = to(1, false);

	irq.shorthand = HVX_SH_SELF;
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(a, &irq, a));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(b, &irq, a));
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, NULL));
	irq.shorthand = HVX_SH_ALL;
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(a, &irq, a) &&
			  hvx_lapic_matches(b, &irq, a));
	irq.shorthand = HVX_SH_OTHERS;
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, a));
	KUNIT_EXPECT_TRUE(test, hvx_lapic_matches(b, &irq, a));
	irq.shorthand = 4;
	KUNIT_EXPECT_FALSE(test, hvx_lapic_matches(a, &irq, a));
}

static void lapic_icr_sends(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_lapic_action act;

	wr(apic, APIC_ICR2, 0x0f000000 | 0xabcdef, T0);
	act = wr(apic, APIC_ICR, APIC_DEST_ALLBUT | APIC_DM_INIT |
		 APIC_INT_LEVELTRIG | APIC_ICR_BUSY, T0);
	KUNIT_EXPECT_EQ(test, act.flags, (u32)HVX_LAPIC_ACT_IPI);
	KUNIT_EXPECT_EQ(test, act.ipi.dest_id, 0x0fu);
	KUNIT_EXPECT_EQ(test, act.ipi.delivery_mode, HVX_DM_INIT);
	KUNIT_EXPECT_EQ(test, act.ipi.shorthand, HVX_SH_OTHERS);
	KUNIT_EXPECT_TRUE(test, act.ipi.level && !act.ipi.assert);
	/* Delivery is instant: the delivery status bit reads 0. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ICR, T0) & APIC_ICR_BUSY, 0u);
	/* A de-assert reaches the others, which do nothing with it. */
	KUNIT_EXPECT_EQ(test, hvx_lapic_accept(apic, &act.ipi),
			HVX_LAPIC_DROPPED);
	act = wr(apic, APIC_ICR, APIC_DM_STARTUP | 0x9a, T0);
	KUNIT_EXPECT_EQ(test, act.ipi.delivery_mode, HVX_DM_STARTUP);
	KUNIT_EXPECT_EQ(test, act.ipi.vector, 0x9a);
	/* An NMI's vector is not looked at. */
	act = wr(apic, APIC_ICR, APIC_DM_NMI, T0);
	KUNIT_EXPECT_EQ(test, act.flags, (u32)HVX_LAPIC_ACT_IPI);
	/* Remote read and ExtINT are reserved in the ICR: nothing goes. */
	act = wr(apic, APIC_ICR, APIC_DM_REMRD | 0x40, T0);
	KUNIT_EXPECT_EQ(test, act.flags, 0u);
	act = wr(apic, APIC_ICR, APIC_DM_EXTINT | 0x40, T0);
	KUNIT_EXPECT_EQ(test, act.flags, 0u);
	/* Illegal vectors in fixed and lowest priority: a send error. */
	act = wr(apic, APIC_ICR, APIC_DM_LOWEST | 0x0f, T0);
	KUNIT_EXPECT_EQ(test, act.flags, 0u);
	KUNIT_EXPECT_EQ(test, esr(apic), (u32)APIC_ESR_SENDILL);
}

static void lapic_lint_pins(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 1, false);
	struct hvx_lapic_action act;

	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 0, true),
			HVX_LAPIC_DROPPED);
	wr(apic, APIC_LVT0, APIC_DM_EXTINT, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 0, true),
			HVX_LAPIC_EXTINT);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_accepts_pic(apic));
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 0, false),
			HVX_LAPIC_DROPPED);
	wr(apic, APIC_LVT0, APIC_LVT_LEVEL_TRIGGER | 0x31, T0);
	KUNIT_EXPECT_FALSE(test, hvx_lapic_accepts_pic(apic));
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 0, true),
			HVX_LAPIC_IRR);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_TMR, 0x31));
	/* LINT1 is edge-triggered whatever its entry says. */
	wr(apic, APIC_LVT1, APIC_LVT_LEVEL_TRIGGER | 0x32, T0);
	hvx_lapic_local_irq(apic, 1, true);
	KUNIT_EXPECT_TRUE(test, in_reg(apic, APIC_IRR, 0x32));
	KUNIT_EXPECT_FALSE(test, in_reg(apic, APIC_TMR, 0x32));
	wr(apic, APIC_LVT1, APIC_DM_NMI, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 1, true),
			HVX_LAPIC_NMI);
	/* Reserved modes, an illegal vector, a pin that does not exist. */
	wr(apic, APIC_LVT1, APIC_DM_STARTUP | 0x40, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 1, true),
			HVX_LAPIC_DROPPED);
	wr(apic, APIC_LVT1, 0x02, T0);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 1, true),
			HVX_LAPIC_ILLEGAL);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 2, true),
			HVX_LAPIC_DROPPED);
	/* Disabled, the pins are the CPU's INTR and NMI. */
	hvx_lapic_set_base(apic, HVX_LAPIC_BASE, false, &act);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 0, true),
			HVX_LAPIC_EXTINT);
	KUNIT_EXPECT_EQ(test, hvx_lapic_local_irq(apic, 1, true),
			HVX_LAPIC_NMI);
	KUNIT_EXPECT_TRUE(test, hvx_lapic_accepts_pic(apic));
}

/*
 * A guest writing anything anywhere, through both interfaces, with
 * messages from outside: every state it reaches must be one
 * KVM_SET_LAPIC takes back, with no reserved bit set.
 */
static void lapic_hostile_guest(struct kunit *test)
{
	struct hvx_lapic *apic = new_apic(test, 2, false);
	struct hvx_lapic *scratch = new_apic(test, 2, false);
	struct kvm_lapic_state *s = kunit_kzalloc(test, sizeof(*s),
						  GFP_KERNEL);
	struct hvx_lapic_action act;
	struct hvx_irq irq;
	u32 seed = 4242, r, val;
	unsigned int i;
	s64 now = T0;
	u64 v;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		r = seed >> 4;
		val = seed * 2654435761u;
		if (i % 8 == 0)
			val &= 0x1ffff;
		now += r % 5000;
		switch (r % 7) {
		case 0:
			hvx_lapic_write(apic, (r >> 3) & 0x3f0, 4, &val, now,
					&act);
			break;
		case 1:
			hvx_lapic_wrmsr(apic, 0x800 + ((r >> 3) & 0x3f), val,
					now, &act);
			break;
		case 2:
			hvx_lapic_rdmsr(apic, 0x800 + ((r >> 3) & 0xff), &v,
					now);
			hvx_lapic_read(apic, (r >> 3) & 0xfff, 1 + r % 8, &v,
				       now);
			break;
		case 3:
			irq = (struct hvx_irq){ .vector = val,
				.delivery_mode = r >> 8, .level = r & 8,
				.assert = r & 16 };
			hvx_lapic_accept(apic, &irq);
			hvx_lapic_local_irq(apic, (r >> 5) & 1, true);
			break;
		case 4:
			if (hvx_lapic_pending(apic) >= 0)
				hvx_lapic_acknowledge(apic,
						      hvx_lapic_pending(apic));
			hvx_lapic_timer_fired(apic, now);
			break;
		case 5:
			if (r & 0x100)
				hvx_lapic_set_base(apic, r & 0x200 ? X2APIC_EN :
						   XAPIC_EN, r & 0x400, &act);
			else
				hvx_lapic_set_tsc_deadline(apic, val, now + val);
			break;
		default:
			hvx_lapic_set_cr8(apic, val & 0x1f);
			break;
		}
		hvx_lapic_get_state(apic, s, now);
		scratch->base = apic->base;
		KUNIT_ASSERT_EQ_MSG(test, hvx_lapic_set_state(scratch, s, now),
				    0, "step %u", i);
		KUNIT_ASSERT_EQ(test, rd(apic, APIC_PROCPRI, now) & ~0xffu, 0u);
		KUNIT_ASSERT_TRUE(test, hvx_lapic_pending(apic) < 0 ||
				  hvx_lapic_pending(apic) >= 16);
	}
}

static struct kunit_case lapic_cases[] = {
	KUNIT_CASE(lapic_reset_state), KUNIT_CASE(lapic_xapic_access_sizes),
	KUNIT_CASE(lapic_xapic_reserved_bits),
	KUNIT_CASE(lapic_sw_disable_masks_lvt), KUNIT_CASE(lapic_cmci),
	KUNIT_CASE(lapic_mmio_when_disabled_or_x2apic),
	KUNIT_CASE(lapic_x2apic_registers),
	KUNIT_CASE(lapic_x2apic_reserved_bits),
	KUNIT_CASE(lapic_x2apic_icr_and_self_ipi),
	KUNIT_CASE(lapic_base_transitions),
	KUNIT_CASE(lapic_base_disable_and_x2apic_switch),
	KUNIT_CASE(lapic_accept_fixed), KUNIT_CASE(lapic_accept_illegal_vector),
	KUNIT_CASE(lapic_accept_events), KUNIT_CASE(lapic_physical_destination),
	KUNIT_CASE(lapic_logical_destination), KUNIT_CASE(lapic_shorthands),
	KUNIT_CASE(lapic_icr_sends), KUNIT_CASE(lapic_lint_pins),
	KUNIT_CASE(lapic_hostile_guest),
	{}
};

static struct kunit_suite lapic_suite = {
	.name = "hvx_lapic",
	.test_cases = lapic_cases,
};

kunit_test_suite(lapic_suite);
