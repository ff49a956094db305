/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX side of a vCPU: its VMCS, the guest state the VMCS does not
 * hold, and the functions that run it.
 */
#ifndef HVX_VMX_VCPU_H
#define HVX_VMX_VCPU_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/types.h>

#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "isolation.h"

struct hvx_vcpu;

/*
 * CR0 bits hvx owns.  Guest writes that change them exit, and the guest
 * reads them from the read shadow: PG, because turning paging on or off
 * moves the guest in or out of long mode; NE, which VMX needs set; CD and
 * NW, which stay clear in the real register (guest memory is write-back,
 * as in KVM).
 */
#define HVX_CR0_HOST_OWNED	(X86_CR0_PG | X86_CR0_NE | X86_CR0_CD |	\
				 X86_CR0_NW)

/* CR4 bits a guest may set, where the CPU has them. */
#define HVX_CR4_GUEST_BITS	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE |  \
				 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
				 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |	   \
				 X86_CR4_FSGSBASE | X86_CR4_SMEP |	   \
				 X86_CR4_SMAP | X86_CR4_OSXSAVE)
/* Of those, the ones a guest may change without an exit. */
#define HVX_CR4_GUEST_OWNED	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PGE |  \
				 X86_CR4_PCE | X86_CR4_OSFXSR |		   \
				 X86_CR4_OSXMMEXCPT)

#define HVX_EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/* HVX_CR4_GUEST_BITS, less what this CPU lacks (hvx_vmx_setup_globals()). */
extern unsigned long hvx_cr4_guest_bits;

/*
 * Exceptions that exit: #DB and #AC, because a guest can make their
 * delivery fault again forever without the CPU ever exiting (CVE-2015-5307
 * and CVE-2015-8104); hvx reflects them back into the guest.  #MC, because
 * a machine check is the host's to handle, never the guest's.  #UD, for
 * the VMMCALL hvx rewrites (hvx_handle_ud()); the rest go back.  #BP
 * too while a debugger sets software breakpoints (debug.c).
 */
#define HVX_EXCEPTION_BITMAP	(BIT(DB_VECTOR) | BIT(AC_VECTOR) |	\
				 BIT(MC_VECTOR) | BIT(UD_VECTOR))

/*
 * Debug register values (SDM "Debug Registers"): the DR6 bits that read 1
 * when nothing happened, the ones an exception changes, and DR7's fixed 1.
 */
#define HVX_DR6_ACTIVE_LOW	0xffff0ff0UL
#define HVX_DR6_VOLATILE	0x0001e80fUL
#define HVX_DR6_FIXED_1		0xfffe0ff0UL
#define HVX_DR7_FIXED_1		0x00000400UL
#define HVX_DR7_FIXED_0		0x0000d800UL	/* bits 11, 12, 14, 15 */
#define HVX_DR6_BD		0x00002000UL	/* a MOV DR with DR7.GD set */
#define HVX_DR7_GD		0x00002000UL	/* general detect */

struct hvx_vmx_vcpu {
	void *vmcs;
	u64 vmcs_pa;
	/* The CPU the VMCS is active on (-1: clear), and on its list. */
	int cpu;
	bool launched;
	struct list_head loaded_node;

	/* Host state the VMCS holds, to rewrite only when it changes. */
	unsigned long host_cr3;
	unsigned long host_cr4;
	/*
	 * The VMM thread's data segment selectors and FS base.  They cannot
	 * change while the thread is in KVM_RUN, so they are read once per
	 * KVM_RUN (hvx_vmx_prepare_run()); a VM exit loads null selectors
	 * and HOST_FS_BASE, and hvx_vmx_run() puts back what was there.
	 */
	u16 host_ds, host_es, host_fs, host_gs;
	unsigned long host_fs_base;

	/* Guest state the VMCS does not hold. */
	unsigned long cr8;
	/* debug.c: the guest's own debug registers. */
	unsigned long db[4];
	unsigned long dr6;
	unsigned long dr7;
	/*
	 * debug.c: a debugger's (KVM_SET_GUEST_DEBUG): its DR0-DR3 and DR7;
	 * the DR7 in GUEST_DR7, the guest's or the debugger's, read before
	 * every entry; where single steps began; a step hvx emulated, to
	 * report before the next entry; the last INT3's length.
	 */
	unsigned long debug_db[4];
	unsigned long debug_dr7;
	unsigned long eff_dr7;
	unsigned long step_rip;
	bool step_exit;
	u32 bp_len;
	/*
	 * Host state a VM exit clobbers (isolation.c): the thread's
	 * DEBUGCTL and LDT, read once per KVM_RUN, and whether the CPU's
	 * debug registers hold guest values.
	 */
	unsigned long host_debugctl;
	u16 host_ldt;
	bool host_dr_dirty;
	/* "cond" L1D flush: the host touched memory since the last entry. */
	bool l1d_flush;
	unsigned long nr_switches;
	/*
	 * perf's MSRs that differ between host and guest: loaded by the CPU
	 * on entry (guest values) and exit (host values).  A page of their
	 * own: the lists need physical addresses.
	 */
	struct vmx_msr_entry *perf_guest;
	struct vmx_msr_entry *perf_host;
	unsigned int nr_perf_msrs;
	/* The MSR bitmap, when an MSR filter makes it the vCPU's own. */
	void *msr_bitmap;

	/* The last exit. */
	u32 exit_reason;
	unsigned long exit_qual;

	/* events.c: an event is in VM_ENTRY_INTR_INFO_FIELD; window exits. */
	bool entry_event;
	u32 windows;
	/* The primary controls but for the windows (vcpu.c, apic.c). */
	u32 cpu_based;

	/*
	 * apic.c: the virtual-APIC page of the TPR shadow, or NULL; the TPR
	 * put there before the last entry; the TPR threshold in the VMCS.
	 */
	u32 *vapic;
	u8 vtpr;
	u8 tpr_threshold;
};

int hvx_vmx_setup_globals(void);
void hvx_vmx_free_globals(void);

int hvx_vmx_vcpu_init(struct hvx_vcpu *vcpu);
void hvx_vmx_vcpu_free(struct hvx_vcpu *vcpu);
void hvx_vcpu_load(struct hvx_vcpu *vcpu);
void hvx_vcpu_put(struct hvx_vcpu *vcpu);
void hvx_vmx_prepare_run(struct hvx_vcpu *vcpu);
int hvx_vmx_run(struct hvx_vcpu *vcpu);
void hvx_vmx_cpu_dying(void);
void hvx_vmx_emergency_vmclear(void);

/* kmod/vmx/state.c */
void hvx_vmx_reset(struct hvx_vcpu *vcpu);
void hvx_vmx_get_regs(struct hvx_vcpu *vcpu, struct kvm_regs *regs);
int hvx_vmx_set_regs(struct hvx_vcpu *vcpu, const struct kvm_regs *regs);
void hvx_vmx_get_sregs(struct hvx_vcpu *vcpu, struct kvm_sregs *sregs);
int hvx_vmx_set_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs);
int hvx_vmx_set_system_regs(struct hvx_vcpu *vcpu,
			    const struct kvm_sregs *sregs);
int hvx_set_cr0(struct hvx_vcpu *vcpu, unsigned long val);
int hvx_set_cr4(struct hvx_vcpu *vcpu, unsigned long val);
int hvx_set_cr3(struct hvx_vcpu *vcpu, unsigned long val);

/* kmod/vmx/debug.c */
u32 hvx_guest_debug_flags(void);
void hvx_set_dr7(struct hvx_vcpu *vcpu, unsigned long val);
const unsigned long *hvx_debug_regs(struct hvx_vcpu *vcpu);
int hvx_debug_exception(struct hvx_vcpu *vcpu, u8 vector);
bool hvx_debug_intro_step(struct hvx_vcpu *vcpu);
void hvx_vmx_desc_step(struct hvx_vcpu *vcpu);
bool hvx_vmx_desc_step_done(struct hvx_vcpu *vcpu);
void hvx_debug_step_trap(struct hvx_vcpu *vcpu);
int hvx_debug_step_exit(struct hvx_vcpu *vcpu);
int hvx_handle_dr(struct hvx_vcpu *vcpu);
void hvx_vmx_get_debugregs(struct hvx_vcpu *vcpu, struct kvm_debugregs *d);
int hvx_vmx_set_debugregs(struct hvx_vcpu *vcpu,
			  const struct kvm_debugregs *d);
unsigned long hvx_debug_rflags_out(struct hvx_vcpu *vcpu,
				   unsigned long rflags);
unsigned long hvx_debug_rflags_in(struct hvx_vcpu *vcpu, unsigned long rflags);
int hvx_set_guest_debug(struct hvx_vcpu *vcpu,
			const struct kvm_guest_debug *dbg);

/* kmod/vmx/exits.c */
int hvx_handle_exit(struct hvx_vcpu *vcpu);

/* kmod/vmx/apic.c */
int hvx_vmx_apic_init(struct hvx_vcpu *vcpu);
void hvx_vmx_apic_free(struct hvx_vcpu *vcpu);
void hvx_vmx_tpr_exited(struct hvx_vcpu *vcpu);
int hvx_handle_tpr_below_threshold(struct hvx_vcpu *vcpu);
int hvx_handle_apic_access(struct hvx_vcpu *vcpu);

/* kmod/vmx/events.c */
void hvx_vmx_complete_events(struct hvx_vcpu *vcpu);

/* kmod/vmx/vmenter.S */
int hvx_vmenter(unsigned long *regs, bool launched, u64 guest_spec_ctrl);
void hvx_vmexit(void);

#endif /* HVX_VMX_VCPU_H */
