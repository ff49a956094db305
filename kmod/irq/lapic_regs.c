// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's registers, as pure logic (see lapic.h for the locking
 * contract): who may read and write each one, in xAPIC and in x2APIC
 * mode, their reserved bits, and what a write sets going (an EOI, an
 * IPI, the timer).  Acceptance and priority are lapic.c's.
 *
 * Accesses, as decided here:
 * - xAPIC: a read of 1, 2 or 4 bytes within the first four bytes of a
 *   register's 16 returns those bytes; any other read (wider, across the
 *   dword, a reserved or write-only register) returns zeros.  Only an
 *   aligned 4-byte write reaches a register (SDM "The Local APIC Block
 *   Diagram": "128-bit aligned 32-bit loads or stores"); others are
 *   ignored, as KVM does.  Reserved bits are dropped, and read-only
 *   registers ignore writes.  With the APIC disabled, or in x2APIC mode,
 *   the page reads as all ones and ignores writes, as KVM's "MMIO hole".
 * - x2APIC (SDM "x2APIC Register Address Space"): the MSRs fault (the
 *   caller injects #GP) when the APIC is not in x2APIC mode, for a
 *   reserved register, a read of EOI or SELF IPI, a write of a read-only
 *   one, and a write that sets a reserved bit ("Reserved Bit Checking";
 *   KVM checks only ICR, SELF IPI and ESR).  Read-only status bits (the
 *   LVTs' delivery status and remote IRR) are ignored, not faulted, so
 *   that a read-modify-write works.
 *
 * Not modelled: the illegal-register-address error, and the LVT entries'
 * remote IRR (it reads 0, as KVM's).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/string.h>

#include "lapic_internal.h"

/*
 * Who may read and write each register, by offset / 16 (SDM "Local APIC
 * Register Address Map", "x2APIC Register Address Space"): XR and XW in
 * xAPIC mode, X2R and X2W in x2APIC mode.
 */
#define XR	BIT(0)
#define XW	BIT(1)
#define X2R	BIT(2)
#define X2W	BIT(3)
static const u8 lapic_access[KVM_APIC_REG_SIZE / 16] = {
	[APIC_ID / 16]			= XR | XW | X2R,
	[APIC_LVR / 16]			= XR | X2R,
	[APIC_TASKPRI / 16]		= XR | XW | X2R | X2W,
	[APIC_ARBPRI / 16]		= XR,
	[APIC_PROCPRI / 16]		= XR | X2R,
	[APIC_EOI / 16]			= XW | X2W,
	[APIC_RRR / 16]			= XR,
	[APIC_LDR / 16]			= XR | XW | X2R,
	[APIC_DFR / 16]			= XR | XW,
	[APIC_SPIV / 16]		= XR | XW | X2R | X2W,
	[APIC_ISR / 16 ... APIC_IRR / 16 + NR_VECTOR_REGS - 1] = XR | X2R,
	[APIC_ESR / 16]			= XR | XW | X2R | X2W,
	[APIC_ICR / 16]			= XR | XW | X2R | X2W,
	[APIC_ICR2 / 16]		= XR | XW,
	[APIC_LVTCMCI / 16]		= XR | XW | X2R | X2W,	/* if cmci */
	[APIC_LVTT / 16 ... APIC_LVTERR / 16] = XR | XW | X2R | X2W,
	[APIC_TMICT / 16]		= XR | XW | X2R | X2W,
	[APIC_TMCCT / 16]		= XR | X2R,
	[APIC_TDCR / 16]		= XR | XW | X2R | X2W,
	[APIC_SELF_IPI / 16]		= X2W,
};

/* May @reg be read (@how = XR) or written (XW) in the APIC's mode? */
static bool lapic_may(const struct hvx_lapic *apic, u32 reg, u8 how)
{
	if (reg / 16 >= ARRAY_SIZE(lapic_access) ||
	    (reg == APIC_LVTCMCI && !apic->cmci))
		return false;
	if (hvx_lapic_x2apic_mode(apic))
		how <<= 2;
	return lapic_access[array_index_nospec(reg / 16,
					       ARRAY_SIZE(lapic_access))] & how;
}

static bool lapic_is_lvt(u32 reg)
{
	return (reg >= APIC_LVTT && reg <= APIC_LVTERR) || reg == APIC_LVTCMCI;
}

u32 lapic_lvt_bits(const struct hvx_lapic *apic, u32 reg)
{
	switch (reg) {
	case APIC_LVTT:
		return LVT_BASIC_BITS | (apic->cpuid_tsc_deadline ?
					 LVT_TIMER_MODE :
					 APIC_LVT_TIMER_PERIODIC);
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVTCMCI:
		return LVT_BASIC_BITS | APIC_MODE_MASK;
	case APIC_LVT0:
	case APIC_LVT1:
		return LVT_LINT_BITS;
	}
	return LVT_BASIC_BITS;	/* APIC_LVTERR */
}

/*
 * The bits a write may set in @reg: the others are reserved (dropped in
 * xAPIC mode, a fault in x2APIC mode).  EOI and ESR take any value in
 * xAPIC mode, only 0 in x2APIC mode.
 */
static u32 lapic_write_bits(const struct hvx_lapic *apic, u32 reg)
{
	if (lapic_is_lvt(reg))
		return lapic_lvt_bits(apic, reg);
	switch (reg) {
	case APIC_ID:
	case APIC_LDR:
	case APIC_ICR2:
		return XAPIC_ID_BITS;
	case APIC_DFR:
		return DFR_MODEL;
	case APIC_TASKPRI:
		return APIC_TPRI_MASK;
	case APIC_SPIV:
		return SVR_BITS;
	case APIC_ICR:
		/*
		 * In xAPIC mode every bit but the delivery status reads back
		 * as written, the reserved ones too, as KVM keeps them (the
		 * KVM selftests' xapic_state_test checks it); the IPI sent
		 * reads only the fields.
		 */
		return hvx_lapic_x2apic_mode(apic) ? ICR_LOW_BITS :
		       ~(u32)APIC_ICR_BUSY;
	case APIC_TDCR:
		return TDCR_BITS;
	case APIC_SELF_IPI:
		return APIC_VECTOR_MASK;
	case APIC_EOI:
	case APIC_ESR:
		return hvx_lapic_x2apic_mode(apic) ? 0 : U32_MAX;
	}
	return U32_MAX;		/* APIC_TMICT */
}

static u32 lapic_read_reg(const struct hvx_lapic *apic, u32 reg, s64 now_ns)
{
	if (reg == APIC_TMCCT)
		return lapic_current_count(apic, now_ns);
	return lapic_reg(apic, reg);
}

/* SDM "Spurious Interrupt": disabling in software masks every LVT entry. */
static void lapic_write_svr(struct hvx_lapic *apic, u32 val)
{
	unsigned int i;

	lapic_set_reg(apic, APIC_SPIV, val);
	if (val & APIC_SPIV_APIC_ENABLED)
		return;
	for (i = 0; i < lapic_nr_lvts(apic); i++)
		lapic_set_reg(apic, lapic_lvts[i],
			      lapic_reg(apic, lapic_lvts[i]) | APIC_LVT_MASKED);
}

/* A write lapic_may() let through, its reserved bits dropped. */
static void lapic_write_reg(struct hvx_lapic *apic, u32 reg, u32 val,
			    s64 now_ns, struct hvx_lapic_action *act)
{
	/* "Attempts to reset these bits will be ignored" while disabled. */
	if (lapic_is_lvt(reg) && !lapic_sw_enabled(apic))
		val |= APIC_LVT_MASKED;

	switch (reg) {
	case APIC_TASKPRI:
		lapic_set_reg(apic, APIC_TASKPRI, val);
		lapic_update_ppr(apic);
		break;
	case APIC_EOI:
		lapic_eoi(apic, act);
		break;
	case APIC_DFR:
		lapic_set_reg(apic, APIC_DFR, val | ~DFR_MODEL);
		break;
	case APIC_SPIV:
		lapic_write_svr(apic, val);
		break;
	case APIC_ESR:
		/* "Error Status Register": a write latches the errors seen. */
		lapic_set_reg(apic, APIC_ESR, apic->esr_pending);
		apic->esr_pending = 0;
		break;
	case APIC_ICR:
		lapic_set_reg(apic, APIC_ICR, val);
		lapic_send(apic, val, lapic_reg(apic, APIC_ICR2), act);
		break;
	case APIC_LVTT:
		lapic_write_lvtt(apic, val, now_ns, act);
		break;
	case APIC_TMICT:
		lapic_write_tmict(apic, val, now_ns, act);
		break;
	case APIC_TDCR:
		lapic_write_tdcr(apic, val, now_ns, act);
		break;
	case APIC_SELF_IPI:
		/* SDM "SELF IPI Register": fixed, edge, to this APIC. */
		lapic_send(apic, val | APIC_INT_ASSERT | APIC_DEST_SELF, 0, act);
		break;
	default:	/* ID, LDR, ICR2 and the other LVT entries: as written */
		lapic_set_reg(apic, reg, val);
		break;
	}
}

/**
 * hvx_lapic_read - a guest read of the xAPIC page
 * @apic: the APIC
 * @offset: the offset in the page (the address less HVX_LAPIC_BASE)
 * @len: 1 to 8 bytes
 * @val: @len bytes, filled in (see the top of this file)
 * @now_ns: the caller's clock, for the timer's current count
 *
 * Return: 0; -EINVAL for a size of 0 or over 8, or an access not all in
 * the page (@val is then untouched).
 */
int hvx_lapic_read(struct hvx_lapic *apic, u32 offset, unsigned int len,
		   void *val, s64 now_ns)
{
	u32 reg = offset & ~0xfu, byte = offset & 0xf, data;

	if (!len || len > 8 || offset >= HVX_LAPIC_MMIO_SIZE ||
	    len > HVX_LAPIC_MMIO_SIZE - offset)
		return -EINVAL;
	if (!lapic_hw_enabled(apic) || hvx_lapic_x2apic_mode(apic)) {
		memset(val, 0xff, len);
		return 0;
	}
	memset(val, 0, len);
	if (byte + len > sizeof(data) || !lapic_may(apic, reg, XR))
		return 0;
	data = lapic_read_reg(apic, reg, now_ns);
	memcpy(val, (u8 *)&data + byte, len);
	return 0;
}

/**
 * hvx_lapic_write - a guest write to the xAPIC page
 * @apic: the APIC
 * @offset: the offset in the page
 * @len: 1 to 8 bytes (only 4 reach a register)
 * @val: the @len bytes written
 * @now_ns: the caller's clock
 * @act: filled in: what the caller must do
 *
 * Return: as hvx_lapic_read().
 */
int hvx_lapic_write(struct hvx_lapic *apic, u32 offset, unsigned int len,
		    const void *val, s64 now_ns, struct hvx_lapic_action *act)
{
	u32 data;

	memset(act, 0, sizeof(*act));
	if (!len || len > 8 || offset >= HVX_LAPIC_MMIO_SIZE ||
	    len > HVX_LAPIC_MMIO_SIZE - offset)
		return -EINVAL;
	if (!lapic_hw_enabled(apic) || hvx_lapic_x2apic_mode(apic) ||
	    len != 4 || (offset & 0xf) || !lapic_may(apic, offset, XW))
		return 0;
	memcpy(&data, val, sizeof(data));
	lapic_write_reg(apic, offset, data & lapic_write_bits(apic, offset),
			now_ns, act);
	return 0;
}

/* The x2APIC MSR's register offset, or 0 (never a valid one) if none. */
static u32 x2apic_reg(const struct hvx_lapic *apic, u32 msr)
{
	if (!hvx_lapic_x2apic_mode(apic) || msr < HVX_LAPIC_MSR_FIRST ||
	    msr > HVX_LAPIC_MSR_LAST)
		return 0;
	return (msr - HVX_LAPIC_MSR_FIRST) << 4;
}

/**
 * hvx_lapic_rdmsr - RDMSR of an x2APIC register (0x800-0x8ff)
 * @apic: the APIC
 * @msr: the MSR
 * @val: filled in
 * @now_ns: the caller's clock
 *
 * Return: 0, or -EINVAL: the caller injects #GP.
 */
int hvx_lapic_rdmsr(struct hvx_lapic *apic, u32 msr, u64 *val, s64 now_ns)
{
	u32 reg = x2apic_reg(apic, msr);

	if (reg == APIC_ICR) {
		*val = lapic_reg(apic, APIC_ICR) |
		       (u64)lapic_reg(apic, APIC_ICR2) << 32;
		return 0;
	}
	if (!reg || !lapic_may(apic, reg, XR))
		return -EINVAL;
	*val = lapic_read_reg(apic, reg, now_ns);
	return 0;
}

/**
 * hvx_lapic_wrmsr - WRMSR of an x2APIC register (0x800-0x8ff)
 * @apic: the APIC
 * @msr: the MSR
 * @val: the value; only the ICR (0x830) takes bits 63:32, its destination
 * @now_ns: the caller's clock
 * @act: filled in: what the caller must do
 *
 * Return: 0, or -EINVAL: the caller injects #GP.
 */
int hvx_lapic_wrmsr(struct hvx_lapic *apic, u32 msr, u64 val, s64 now_ns,
		    struct hvx_lapic_action *act)
{
	u32 reg = x2apic_reg(apic, msr), bits, ignored = 0;

	memset(act, 0, sizeof(*act));
	if (!reg || !lapic_may(apic, reg, XW))
		return -EINVAL;
	/* Read-only status bits, which a read-modify-write carries back. */
	if (reg == APIC_ICR || lapic_is_lvt(reg))
		ignored = APIC_SEND_PENDING;
	if (reg == APIC_LVT0 || reg == APIC_LVT1)
		ignored |= APIC_LVT_REMOTE_IRR;
	bits = lapic_write_bits(apic, reg);
	if ((reg != APIC_ICR && val >> 32) || ((u32)val & ~(bits | ignored)))
		return -EINVAL;
	if (reg == APIC_ICR)
		lapic_set_reg(apic, APIC_ICR2, val >> 32);
	lapic_write_reg(apic, reg, (u32)val & bits, now_ns, act);
	return 0;
}
