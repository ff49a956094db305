// SPDX-License-Identifier: GPL-2.0
/*
 * The memory-type range registers: what a guest (and a VMM saving or
 * restoring it) reads and writes in IA32_MTRRCAP, IA32_MTRR_DEF_TYPE, the
 * eleven fixed-range MTRRs and eight variable ranges.
 *
 * They are state only.  EPT maps guest RAM write-back and ignores the
 * guest's own memory types (kmod/ept/ept.h: IPAT), as KVM does for a VM
 * without non-coherent DMA, so what a guest puts here changes no access.
 * But firmware and kernels program them without asking first: SeaBIOS
 * reads IA32_MTRRCAP with no #GP handler in place, Linux sizes its
 * memory map with them, and QEMU saves and restores all of them whenever
 * its CPU model offers MTRRs, which most do.  A register a guest cannot
 * write on real hardware (a reserved bit, an undefined memory type) gets
 * the #GP it would get there.
 */

#include "../vm.h"
#include "mtrr.h"

/* The MSRs, by the SDM's names (<asm/msr-index.h> spells them in CamelCase). */
#define HVX_MSR_MTRRCAP		0xfe
#define HVX_MSR_MTRR_DEF_TYPE	0x2ff
#define HVX_MSR_MTRR_FIX64K	0x250	/* 0-512K */
#define HVX_MSR_MTRR_FIX16K	0x258	/* and 0x259: 512K-768K */
#define HVX_MSR_MTRR_FIX4K	0x268	/* to 0x26f: 768K-1M */

/* IA32_MTRRCAP: the variable-range count, fixed ranges (8), WC (10). */
#define HVX_MTRRCAP		(HVX_MTRR_NR_VAR | BIT(8) | BIT(10))
#define HVX_MTRR_VAR_FIRST	0x200
#define HVX_MTRR_VAR_END	(HVX_MTRR_VAR_FIRST + 2 * HVX_MTRR_NR_VAR)
/* IA32_MTRR_DEF_TYPE: the type in bits 7:0, FE (10), E (11). */
#define HVX_MTRR_DEF_VALID	(0xffULL | BIT(10) | BIT(11))

/*
 * The slot of a fixed-range MTRR, or -1: one 64K register for 0-512K,
 * two 16K ones for 512K-768K, eight 4K ones for 768K-1M.
 */
static int hvx_mtrr_fixed_slot(u32 index)
{
	switch (index) {
	case HVX_MSR_MTRR_FIX64K:
		return 0;
	case HVX_MSR_MTRR_FIX16K ... HVX_MSR_MTRR_FIX16K + 1:
		return 1 + index - HVX_MSR_MTRR_FIX16K;
	case HVX_MSR_MTRR_FIX4K ... HVX_MSR_MTRR_FIX4K + 7:
		return 3 + index - HVX_MSR_MTRR_FIX4K;
	default:
		return -1;
	}
}

bool hvx_is_mtrr(u32 index)
{
	return index == HVX_MSR_MTRRCAP || index == HVX_MSR_MTRR_DEF_TYPE ||
	       hvx_mtrr_fixed_slot(index) >= 0 ||
	       (index >= HVX_MTRR_VAR_FIRST && index < HVX_MTRR_VAR_END);
}

/* The MTRRs' memory types: UC 0, WC 1, WT 4, WP 5, WB 6 (not PAT's UC- 7). */
static bool hvx_mtrr_type_valid(u8 type)
{
	return type == 0 || type == 1 || (type >= 4 && type <= 6);
}

u64 hvx_mtrr_get(struct hvx_vcpu *vcpu, u32 index)
{
	struct hvx_mtrrs *m = &vcpu->mtrr;
	int slot;

	if (index == HVX_MSR_MTRRCAP)
		return HVX_MTRRCAP;
	if (index == HVX_MSR_MTRR_DEF_TYPE)
		return m->def_type;
	slot = hvx_mtrr_fixed_slot(index);
	if (slot >= 0)
		return m->fixed[slot];
	return m->var[index - HVX_MTRR_VAR_FIRST];
}

int hvx_mtrr_set(struct hvx_vcpu *vcpu, u32 index, u64 val)
{
	/*
	 * Bits at and above the guest's MAXPHYADDR are reserved: its CPUID's,
	 * which a VMM may make wider than the host's (QEMU's CPU models say
	 * 40 bits, where many hosts have 39).
	 */
	u64 above = ~0ULL << hvx_guest_maxphyaddr(vcpu);
	struct hvx_mtrrs *m = &vcpu->mtrr;
	int i, slot;

	if (index == HVX_MSR_MTRRCAP)
		return 1;
	if (index == HVX_MSR_MTRR_DEF_TYPE) {
		if ((val & ~HVX_MTRR_DEF_VALID) || !hvx_mtrr_type_valid(val))
			return 1;
		m->def_type = val;
		return 0;
	}
	slot = hvx_mtrr_fixed_slot(index);
	if (slot >= 0) {
		/* Eight ranges, a type in each byte. */
		for (i = 0; i < 8; i++)
			if (!hvx_mtrr_type_valid(val >> (8 * i)))
				return 1;
		m->fixed[slot] = val;
		return 0;
	}
	i = index - HVX_MTRR_VAR_FIRST;
	if (i % 2 == 0) {
		/* IA32_MTRR_PHYSBASEn: the type, bits 11:8 reserved. */
		if ((val & (above | GENMASK_ULL(11, 8))) ||
		    !hvx_mtrr_type_valid(val))
			return 1;
	} else if (val & (above | GENMASK_ULL(10, 0))) {
		/* IA32_MTRR_PHYSMASKn: bits 10:0 reserved, 11 is V. */
		return 1;
	}
	m->var[i] = val;
	return 0;
}
