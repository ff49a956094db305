// SPDX-License-Identifier: GPL-2.0
/* Names for the numbers hvx reports: VMX exit reasons and hvx's events. */
#include <stdio.h>

#include "uapi/hvx.h"
#include "vmctl.h"

/* Basic VM exit reasons, as the Intel SDM (vol. 3, appendix C) numbers them. */
static const char *const exit_names[] = {
	[0] = "EXCEPTION_NMI",		[1] = "EXTERNAL_INTERRUPT",
	[2] = "TRIPLE_FAULT",		[3] = "INIT_SIGNAL",
	[4] = "SIPI",			[5] = "IO_SMI",
	[6] = "OTHER_SMI",		[7] = "INTERRUPT_WINDOW",
	[8] = "NMI_WINDOW",		[9] = "TASK_SWITCH",
	[10] = "CPUID",			[11] = "GETSEC",
	[12] = "HLT",			[13] = "INVD",
	[14] = "INVLPG",		[15] = "RDPMC",
	[16] = "RDTSC",			[17] = "RSM",
	[18] = "VMCALL",		[19] = "VMCLEAR",
	[20] = "VMLAUNCH",		[21] = "VMPTRLD",
	[22] = "VMPTRST",		[23] = "VMREAD",
	[24] = "VMRESUME",		[25] = "VMWRITE",
	[26] = "VMXOFF",		[27] = "VMXON",
	[28] = "CR_ACCESS",		[29] = "DR_ACCESS",
	[30] = "IO_INSTRUCTION",	[31] = "RDMSR",
	[32] = "WRMSR",			[33] = "INVALID_GUEST_STATE",
	[34] = "MSR_LOAD_FAIL",		[36] = "MWAIT",
	[37] = "MONITOR_TRAP_FLAG",	[39] = "MONITOR",
	[40] = "PAUSE",			[41] = "MACHINE_CHECK",
	[43] = "TPR_BELOW_THRESHOLD",	[44] = "APIC_ACCESS",
	[45] = "EOI_INDUCED",		[46] = "GDTR_IDTR",
	[47] = "LDTR_TR",		[48] = "EPT_VIOLATION",
	[49] = "EPT_MISCONFIG",		[50] = "INVEPT",
	[51] = "RDTSCP",		[52] = "PREEMPTION_TIMER",
	[53] = "INVVPID",		[54] = "WBINVD",
	[55] = "XSETBV",		[56] = "APIC_WRITE",
	[57] = "RDRAND",		[58] = "INVPCID",
	[59] = "VMFUNC",		[60] = "ENCLS",
	[61] = "RDSEED",		[62] = "PML_FULL",
	[63] = "XSAVES",		[64] = "XRSTORS",
	[67] = "UMWAIT",		[68] = "TPAUSE",
	[74] = "BUS_LOCK",		[75] = "NOTIFY",
};

const char *vmx_exit_name(unsigned int reason)
{
	static char other[24];

	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	snprintf(other, sizeof(other), "REASON_%u", reason);
	return other;
}

static const char *const event_names[] = {
	[HVX_EVENT_VM_CREATED] = "vm-created",
	[HVX_EVENT_VM_DESTROYED] = "vm-destroyed",
	[HVX_EVENT_VCPU_CREATED] = "vcpu-created",
	[HVX_EVENT_FAILED_ENTRY] = "failed-entry",
	[HVX_EVENT_SHUTDOWN] = "shutdown",
	[HVX_EVENT_INTERNAL_ERROR] = "internal-error",
	[HVX_EVENT_VM_PAUSED] = "vm-paused",
	[HVX_EVENT_VM_RESUMED] = "vm-resumed",
};

const char *hvx_event_name(unsigned int event)
{
	if (event < sizeof(event_names) / sizeof(event_names[0]) &&
	    event_names[event])
		return event_names[event];
	return "unknown";
}
