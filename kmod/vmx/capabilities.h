/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this CPU's VMX can do, computed once at load from the capability
 * MSRs and frozen: the rest of hvx asks through one-line predicates.
 */
#ifndef HVX_VMX_CAPABILITIES_H
#define HVX_VMX_CAPABILITIES_H

#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

/*
 * IA32_VMX_BASIC fields that the 6.1 and 6.12 headers spell differently
 * (SDM appendix "Basic VMX Information").
 */
#define HVX_VMX_BASIC_32BIT_PHYS	BIT_ULL(48)
#define HVX_VMX_BASIC_MEMTYPE(basic)	(((basic) >> 50) & 0xf)

/* The raw capability MSRs of one CPU. */
struct hvx_vmx_msrs {
	u64 basic;
	u64 pinbased;		/* the TRUE_ variants where BASIC offers them */
	u64 procbased;
	u64 procbased2;		/* 0 without secondary controls */
	u64 exit;
	u64 entry;
	u64 misc;
	u64 ept_vpid_cap;	/* 0 without EPT and VPID */
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
};

/*
 * The VMX configuration hvx runs with: each control field as hvx will
 * program it, plus what the CPU offers beyond that (for the user's view).
 */
struct hvx_vmcs_config {
	u32 revision_id;
	u32 size;
	u32 pin_based;
	u32 cpu_based;
	u32 cpu_based2;
	u32 vmexit;
	u32 vmentry;
	u64 ept_vpid_cap;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	/* The VMX preemption timer counts the TSC shifted right by this. */
	u8 preemption_timer_rate;
};

/* One control field's required controls that the CPU lacks. */
struct hvx_vmx_missing {
	u32 pin_based;
	u32 cpu_based;
	u32 cpu_based2;
	u32 vmexit;
	u32 vmentry;
	u64 ept_vpid_cap;
	bool basic;		/* VMCS too large, not write-back, or 32-bit */
};

extern struct hvx_vmcs_config hvx_vmcs_config;

int hvx_adjust_controls(u32 required, u32 optional, u64 cap_msr,
			u32 *result, u32 *missing);
u32 hvx_preemption_timer_value(u32 tsc_khz, u8 rate, u64 ns);
int hvx_setup_vmcs_config(const struct hvx_vmx_msrs *msrs,
			  struct hvx_vmcs_config *conf,
			  struct hvx_vmx_missing *missing);
bool hvx_cr_fixed_ok(u64 val, u64 fixed0, u64 fixed1);
int hvx_format_vmx_flags(const struct hvx_vmx_msrs *msrs, char *buf,
			 size_t size);
int hvx_format_vmx_missing(const struct hvx_vmx_missing *missing, char *buf,
			   size_t size);

static inline bool cpu_has_vmx_ept_2m_page(void)
{
	return hvx_vmcs_config.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT;
}

static inline bool cpu_has_vmx_ept_execute_only(void)
{
	return hvx_vmcs_config.ept_vpid_cap & VMX_EPT_EXECUTE_ONLY_BIT;
}

static inline bool cpu_has_vmx_ept_ad_bits(void)
{
	return hvx_vmcs_config.ept_vpid_cap & VMX_EPT_AD_BIT;
}

static inline bool cpu_has_vmx_invept_context(void)
{
	return hvx_vmcs_config.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT;
}

static inline bool cpu_has_vmx_vpid(void)
{
	return hvx_vmcs_config.cpu_based2 & SECONDARY_EXEC_ENABLE_VPID;
}

/* VM exits for LGDT, LIDT, LLDT, LTR and their stores. */
static inline bool cpu_has_vmx_desc_exits(void)
{
	return hvx_vmcs_config.cpu_based2 & SECONDARY_EXEC_DESC;
}

static inline bool cpu_has_vmx_preemption_timer(void)
{
	return hvx_vmcs_config.pin_based & PIN_BASED_VMX_PREEMPTION_TIMER;
}

#endif /* HVX_VMX_CAPABILITIES_H */
