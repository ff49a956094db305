// SPDX-License-Identifier: GPL-2.0
/*
 * Turning the VMX capability MSRs into the configuration hvx runs with.
 *
 * Pure logic on MSR values handed in by the caller, so that KUnit can feed
 * it any CPU it likes (tests/kunit/vmx_capabilities_test.c).
 */
#include <linux/cache.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include <asm/mtrr.h>
#include <asm/page.h>
#include <asm/vmx.h>
#include <linux/string.h>

#include "capabilities.h"

/*
 * The controls hvx cannot run a guest without, and those it uses when the
 * CPU has them.  Everything else stays at the CPU's default, which with the
 * TRUE_ capability MSRs is "off" for every control that may be off.
 */
/*
 * Virtual NMIs make the CPU track the guest's NMI blocking, which the NMI
 * window needs.
 */
#define HVX_PIN_REQUIRED	(PIN_BASED_EXT_INTR_MASK |		\
				 PIN_BASED_NMI_EXITING |		\
				 PIN_BASED_VIRTUAL_NMIS)
/* The preemption timer bounds each stay in the guest (vcpu.c). */
#define HVX_PIN_OPTIONAL	PIN_BASED_VMX_PREEMPTION_TIMER

/*
 * CR8 exiting keeps a guest's MOV to CR8 off the host's task priority (a
 * vCPU with an in-kernel APIC uses the TPR shadow instead, where the CPU
 * has one: kmod/vmx/apic.c); MOV DR exiting lets hvx switch debug
 * registers lazily; MWAIT and MONITOR would let a guest idle the host CPU
 * on the host's behalf.
 */
#define HVX_CPU_REQUIRED	(CPU_BASED_HLT_EXITING |		\
				 CPU_BASED_CR8_LOAD_EXITING |		\
				 CPU_BASED_CR8_STORE_EXITING |		\
				 CPU_BASED_MOV_DR_EXITING |		\
				 CPU_BASED_USE_IO_BITMAPS |		\
				 CPU_BASED_USE_MSR_BITMAPS |		\
				 CPU_BASED_MWAIT_EXITING |		\
				 CPU_BASED_MONITOR_EXITING |		\
				 CPU_BASED_RDPMC_EXITING |		\
				 CPU_BASED_USE_TSC_OFFSETTING |		\
				 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
#define HVX_CPU_OPTIONAL	CPU_BASED_TPR_SHADOW
/* Not in the base value, but set while an interrupt or NMI waits. */
#define HVX_CPU_ON_DEMAND	(CPU_BASED_INTR_WINDOW_EXITING |	\
				 CPU_BASED_NMI_WINDOW_EXITING)

#define HVX_CPU2_REQUIRED	(SECONDARY_EXEC_ENABLE_EPT |		\
				 SECONDARY_EXEC_UNRESTRICTED_GUEST |	\
				 SECONDARY_EXEC_WBINVD_EXITING)
#define HVX_CPU2_OPTIONAL	(SECONDARY_EXEC_ENABLE_VPID |		\
				 SECONDARY_EXEC_ENABLE_RDTSCP |		\
				 SECONDARY_EXEC_ENABLE_INVPCID |	\
				 SECONDARY_EXEC_TSC_SCALING |		\
				 SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES | \
				 SECONDARY_EXEC_DESC)

#define HVX_EXIT_REQUIRED	(VM_EXIT_SAVE_DEBUG_CONTROLS |		\
				 VM_EXIT_HOST_ADDR_SPACE_SIZE |		\
				 VM_EXIT_SAVE_IA32_EFER |		\
				 VM_EXIT_LOAD_IA32_EFER)
#define HVX_EXIT_OPTIONAL	(VM_EXIT_SAVE_IA32_PAT |		\
				 VM_EXIT_LOAD_IA32_PAT)

/*
 * IA32E_MODE is switched per guest as it enters and leaves long mode: it
 * must be allowed, but it is not part of the base value.
 */
#define HVX_ENTRY_REQUIRED	(VM_ENTRY_LOAD_DEBUG_CONTROLS |		\
				 VM_ENTRY_LOAD_IA32_EFER |		\
				 VM_ENTRY_IA32E_MODE)
#define HVX_ENTRY_OPTIONAL	VM_ENTRY_LOAD_IA32_PAT

/* A 4-level, write-back EPT that hvx can invalidate. */
#define HVX_EPT_REQUIRED	(VMX_EPT_PAGE_WALK_4_BIT |		\
				 VMX_EPTP_WB_BIT |			\
				 VMX_EPT_INVEPT_BIT |			\
				 VMX_EPT_EXTENT_GLOBAL_BIT)

/* IA32_VMX_MISC bits 4:0 (SDM "Miscellaneous Data"). */
#define HVX_VMX_MISC_TIMER_RATE	GENMASK_ULL(4, 0)

struct hvx_vmcs_config hvx_vmcs_config __ro_after_init;

/**
 * hvx_adjust_controls - choose the value of one VMX control field
 * @required: controls hvx needs
 * @optional: controls hvx uses where the CPU has them
 * @cap_msr: the field's capability MSR: bits 31:0 are the allowed-0
 *           settings (a 1 there means the control must be 1), bits 63:32
 *           the allowed-1 settings (a 0 there means it must be 0)
 * @result: the field's value on success
 * @missing: the required controls the CPU cannot turn on
 *
 * Return: 0, or -EIO when a required control is missing.
 */
int hvx_adjust_controls(u32 required, u32 optional, u64 cap_msr,
			u32 *result, u32 *missing)
{
	u32 must_be_1 = lower_32_bits(cap_msr);
	u32 may_be_1 = upper_32_bits(cap_msr);

	*missing = required & ~may_be_1;
	if (*missing)
		return -EIO;

	*result = ((required | optional) & may_be_1) | must_be_1;
	return 0;
}

/**
 * hvx_cr_fixed_ok - does a CR0 or CR4 value suit VMX operation?
 * @val: the register's value
 * @fixed0: IA32_VMX_CRn_FIXED0: bits that must be 1
 * @fixed1: IA32_VMX_CRn_FIXED1: bits that may be 1
 */
bool hvx_cr_fixed_ok(u64 val, u64 fixed0, u64 fixed1)
{
	return (val & fixed0) == fixed0 && !(val & ~fixed1);
}

/**
 * hvx_setup_vmcs_config - compute the configuration for one CPU
 * @msrs: the CPU's capability MSRs
 * @conf: the configuration, valid when 0 is returned
 * @missing: what the CPU lacks, valid when -EIO is returned
 *
 * Return: 0, or -EIO when the CPU lacks something hvx needs.
 */
int hvx_setup_vmcs_config(const struct hvx_vmx_msrs *msrs,
			  struct hvx_vmcs_config *conf,
			  struct hvx_vmx_missing *missing)
{
	int r = 0;

	memset(conf, 0, sizeof(*conf));
	memset(missing, 0, sizeof(*missing));

	conf->revision_id = vmx_basic_vmcs_revision_id(msrs->basic);
	conf->size = vmx_basic_vmcs_size(msrs->basic);
	/*
	 * hvx allocates VMCSs as single pages anywhere in memory and maps
	 * them write-back (SDM "Basic VMX Information").
	 */
	if (!conf->size || conf->size > PAGE_SIZE ||
	    HVX_VMX_BASIC_MEMTYPE(msrs->basic) != MTRR_TYPE_WRBACK ||
	    (msrs->basic & HVX_VMX_BASIC_32BIT_PHYS)) {
		missing->basic = true;
		r = -EIO;
	}

	/* Adjust every field, even after a failure, to name all that lacks. */
	if (hvx_adjust_controls(HVX_PIN_REQUIRED, HVX_PIN_OPTIONAL,
				msrs->pinbased, &conf->pin_based,
				&missing->pin_based))
		r = -EIO;
	if (hvx_adjust_controls(HVX_CPU_REQUIRED, HVX_CPU_OPTIONAL,
				msrs->procbased, &conf->cpu_based,
				&missing->cpu_based))
		r = -EIO;
	missing->cpu_based |= HVX_CPU_ON_DEMAND & ~(u32)(msrs->procbased >> 32);
	if (missing->cpu_based)
		r = -EIO;
	/* The secondary controls have no allowed-0 half: all may be 0. */
	if (hvx_adjust_controls(HVX_CPU2_REQUIRED, HVX_CPU2_OPTIONAL,
				msrs->procbased2 & GENMASK_ULL(63, 32),
				&conf->cpu_based2, &missing->cpu_based2))
		r = -EIO;
	if (hvx_adjust_controls(HVX_EXIT_REQUIRED, HVX_EXIT_OPTIONAL,
				msrs->exit, &conf->vmexit, &missing->vmexit))
		r = -EIO;
	if (hvx_adjust_controls(HVX_ENTRY_REQUIRED, HVX_ENTRY_OPTIONAL,
				msrs->entry, &conf->vmentry,
				&missing->vmentry))
		r = -EIO;
	conf->vmentry &= ~VM_ENTRY_IA32E_MODE;

	missing->ept_vpid_cap = HVX_EPT_REQUIRED & ~msrs->ept_vpid_cap;
	if (missing->ept_vpid_cap)
		r = -EIO;
	conf->ept_vpid_cap = msrs->ept_vpid_cap;
	/* VPID is of no use without INVVPID to flush its translations. */
	if (!(msrs->ept_vpid_cap & ((u64)VMX_VPID_INVVPID_BIT << 32)))
		conf->cpu_based2 &= ~SECONDARY_EXEC_ENABLE_VPID;

	conf->cr0_fixed0 = msrs->cr0_fixed0;
	conf->cr0_fixed1 = msrs->cr0_fixed1;
	conf->cr4_fixed0 = msrs->cr4_fixed0;
	conf->cr4_fixed1 = msrs->cr4_fixed1;
	conf->preemption_timer_rate = msrs->misc & HVX_VMX_MISC_TIMER_RATE;
	return r;
}

/**
 * hvx_preemption_timer_value - the VMX preemption timer's count for @ns
 * @tsc_khz: the TSC's rate
 * @rate: IA32_VMX_MISC's bits 4:0: the timer counts down by one every
 *	2^@rate TSC ticks
 * @ns: the time
 *
 * Return: the count, at least 1 (0 would exit before the guest runs an
 * instruction) and at most the field's 32 bits.
 */
u32 hvx_preemption_timer_value(u32 tsc_khz, u8 rate, u64 ns)
{
	u64 ticks = div_u64((u64)tsc_khz * ns, NSEC_PER_MSEC) >> rate;

	return clamp_t(u64, ticks, 1, U32_MAX);
}

struct hvx_flag_name {
	u64 bit;
	const char *name;
};

#define FLAG(b, n) { .bit = (b), .name = (n) }

/* Names as in the "vmx flags" line of /proc/cpuinfo where it has one. */
static const struct hvx_flag_name pin_names[] = {
	FLAG(PIN_BASED_EXT_INTR_MASK, "ext_intr_exiting"),
	FLAG(PIN_BASED_NMI_EXITING, "nmi_exiting"),
	FLAG(PIN_BASED_VIRTUAL_NMIS, "vnmi"),
	FLAG(PIN_BASED_VMX_PREEMPTION_TIMER, "preemption_timer"),
	FLAG(PIN_BASED_POSTED_INTR, "posted_intr"),
};

static const struct hvx_flag_name cpu_names[] = {
	FLAG(CPU_BASED_INTR_WINDOW_EXITING, "intr_window_exiting"),
	FLAG(CPU_BASED_HLT_EXITING, "hlt_exiting"),
	FLAG(CPU_BASED_CR8_LOAD_EXITING, "cr8_load_exiting"),
	FLAG(CPU_BASED_CR8_STORE_EXITING, "cr8_store_exiting"),
	FLAG(CPU_BASED_TPR_SHADOW, "vtpr"),
	FLAG(CPU_BASED_NMI_WINDOW_EXITING, "nmi_window_exiting"),
	FLAG(CPU_BASED_MOV_DR_EXITING, "mov_dr_exiting"),
	FLAG(CPU_BASED_USE_TSC_OFFSETTING, "tsc_offset"),
	FLAG(CPU_BASED_USE_IO_BITMAPS, "io_bitmap"),
	FLAG(CPU_BASED_USE_MSR_BITMAPS, "msr_bitmap"),
	FLAG(CPU_BASED_MONITOR_TRAP_FLAG, "mtf"),
	FLAG(CPU_BASED_MWAIT_EXITING, "mwait_exiting"),
	FLAG(CPU_BASED_MONITOR_EXITING, "monitor_exiting"),
	FLAG(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, "secondary_controls"),
};

static const struct hvx_flag_name cpu2_names[] = {
	FLAG(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES, "flexpriority"),
	FLAG(SECONDARY_EXEC_ENABLE_EPT, "ept"),
	FLAG(SECONDARY_EXEC_ENABLE_RDTSCP, "rdtscp"),
	FLAG(SECONDARY_EXEC_ENABLE_VPID, "vpid"),
	FLAG(SECONDARY_EXEC_UNRESTRICTED_GUEST, "unrestricted_guest"),
	FLAG(SECONDARY_EXEC_APIC_REGISTER_VIRT, "vapic_reg"),
	FLAG(SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY, "vid"),
	FLAG(SECONDARY_EXEC_PAUSE_LOOP_EXITING, "ple"),
	FLAG(SECONDARY_EXEC_ENABLE_INVPCID, "invpcid"),
	FLAG(SECONDARY_EXEC_SHADOW_VMCS, "shadow_vmcs"),
	FLAG(SECONDARY_EXEC_ENABLE_PML, "pml"),
	FLAG(SECONDARY_EXEC_TSC_SCALING, "tsc_scaling"),
};

static const struct hvx_flag_name exit_names[] = {
	FLAG(VM_EXIT_HOST_ADDR_SPACE_SIZE, "host_64bit"),
	FLAG(VM_EXIT_ACK_INTR_ON_EXIT, "ack_intr_on_exit"),
	FLAG(VM_EXIT_SAVE_IA32_PAT, "save_pat"),
	FLAG(VM_EXIT_LOAD_IA32_PAT, "load_pat_on_exit"),
	FLAG(VM_EXIT_SAVE_IA32_EFER, "save_efer"),
	FLAG(VM_EXIT_LOAD_IA32_EFER, "load_efer_on_exit"),
};

static const struct hvx_flag_name entry_names[] = {
	FLAG(VM_ENTRY_IA32E_MODE, "ia32e_mode_guest"),
	FLAG(VM_ENTRY_LOAD_IA32_PAT, "load_pat_on_entry"),
	FLAG(VM_ENTRY_LOAD_IA32_EFER, "load_efer_on_entry"),
};

static const struct hvx_flag_name ept_names[] = {
	FLAG(VMX_EPT_EXECUTE_ONLY_BIT, "ept_x_only"),
	FLAG(VMX_EPT_PAGE_WALK_4_BIT, "ept_4level"),
	FLAG(VMX_EPT_PAGE_WALK_5_BIT, "ept_5level"),
	FLAG(VMX_EPTP_WB_BIT, "ept_wb"),
	FLAG(VMX_EPT_2MB_PAGE_BIT, "ept_2mb"),
	FLAG(VMX_EPT_1GB_PAGE_BIT, "ept_1gb"),
	FLAG(VMX_EPT_INVEPT_BIT, "invept"),
	FLAG(VMX_EPT_AD_BIT, "ept_ad"),
	FLAG(VMX_EPT_EXTENT_CONTEXT_BIT, "invept_single"),
	FLAG(VMX_EPT_EXTENT_GLOBAL_BIT, "invept_global"),
	FLAG((u64)VMX_VPID_INVVPID_BIT << 32, "invvpid"),
};

#undef FLAG

/* Append the names of the bits of @val to @buf at *@len. */
static void append_names(char *buf, size_t size, size_t *len, u64 val,
			 const struct hvx_flag_name *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(val & names[i].bit))
			continue;
		*len += scnprintf(buf + *len, size - *len, "%s%s",
				  *len ? " " : "", names[i].name);
	}
}

/**
 * hvx_format_vmx_flags - name what the CPU's VMX offers
 * @msrs: the CPU's capability MSRs
 * @buf: where to write the space-separated names
 * @size: the size of @buf
 *
 * Return: the length written, excluding the terminating NUL.
 */
int hvx_format_vmx_flags(const struct hvx_vmx_msrs *msrs, char *buf,
			 size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	append_names(buf, size, &len, upper_32_bits(msrs->pinbased),
		     pin_names, ARRAY_SIZE(pin_names));
	append_names(buf, size, &len, upper_32_bits(msrs->procbased),
		     cpu_names, ARRAY_SIZE(cpu_names));
	append_names(buf, size, &len, upper_32_bits(msrs->procbased2),
		     cpu2_names, ARRAY_SIZE(cpu2_names));
	append_names(buf, size, &len, upper_32_bits(msrs->exit),
		     exit_names, ARRAY_SIZE(exit_names));
	append_names(buf, size, &len, upper_32_bits(msrs->entry),
		     entry_names, ARRAY_SIZE(entry_names));
	append_names(buf, size, &len, msrs->ept_vpid_cap,
		     ept_names, ARRAY_SIZE(ept_names));
	return len;
}

/**
 * hvx_format_vmx_missing - name what a CPU lacks
 * @missing: as filled in by hvx_setup_vmcs_config()
 * @buf: where to write the space-separated names
 * @size: the size of @buf
 *
 * Return: the length written, excluding the terminating NUL.
 */
int hvx_format_vmx_missing(const struct hvx_vmx_missing *missing, char *buf,
			   size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	if (missing->basic)
		len += scnprintf(buf, size, "vmcs_wb_4k_64bit");
	append_names(buf, size, &len, missing->pin_based,
		     pin_names, ARRAY_SIZE(pin_names));
	append_names(buf, size, &len, missing->cpu_based,
		     cpu_names, ARRAY_SIZE(cpu_names));
	append_names(buf, size, &len, missing->cpu_based2,
		     cpu2_names, ARRAY_SIZE(cpu2_names));
	append_names(buf, size, &len, missing->vmexit,
		     exit_names, ARRAY_SIZE(exit_names));
	append_names(buf, size, &len, missing->vmentry,
		     entry_names, ARRAY_SIZE(entry_names));
	append_names(buf, size, &len, missing->ept_vpid_cap,
		     ept_names, ARRAY_SIZE(ept_names));
	return len;
}
