// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping the host and its guests apart around VM entry and exit.
 *
 * The VMCS switches a good part of the CPU between host and guest; this
 * file does the rest, and follows the host kernel's own view of its CPU
 * (the X86_BUG_* and X86_FEATURE_* bits and the mitigations it chose), so
 * that a CPU that is not affected pays nothing:
 *
 *  - the syscall MSRs (STAR, LSTAR, CSTAR, SFMASK) are the guest's while
 *    it runs, whatever their values; the host's come back before the
 *    thread returns to userspace (a user-return notifier), not after every
 *    exit, since the kernel itself never executes SYSCALL;
 *  - the guest's DR0-DR3 and DR6 are in the CPU while it runs with
 *    breakpoints enabled, and the host's breakpoints (ptrace, perf, kgdb)
 *    and IA32_DEBUGCTL come back after every exit (VM exit sets DR7 to
 *    400H and clears DEBUGCTL);
 *  - perf's counters that must not count or sample the guest are switched
 *    atomically by the CPU, through the VM-entry and VM-exit MSR-load lists
 *    (PERF_GLOBAL_CTRL, and PEBS_ENABLE where PEBS is not isolated);
 *  - what a VM exit clobbers and the host needs: the LDT (a VM exit loads
 *    a null LDTR), the TSS limit (forced to 67H, which hides the I/O bitmap
 *    of ioperm() users);
 *  - the L1D cache is flushed before entry where the host mitigates L1TF
 *    (vmentry_l1d_flush), IBPB separates VMs that share a CPU, and the
 *    VMM's userspace is protected from the guest's branch predictions
 *    where the host mitigates VMSCAPE;
 *  - a machine check that hit the guest goes to the host's handler.
 *
 * KVM does the same in arch/x86/kvm/vmx/vmx.c and arch/x86/kvm/x86.c.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/user-return-notifier.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/hardirq.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "isolation.h"

/* KVM selects it; hvx cannot keep the guest's syscall MSRs without it. */
#if !IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
#error "hvx needs CONFIG_USER_RETURN_NOTIFIER (selected by CONFIG_KVM)"
#endif

/*
 * vmentry_l1d_flush: KVM's parameter, with KVM's words.  "auto" follows
 * the host's L1TF mitigation: off gives never, the flush modes give cond,
 * full gives always.
 */
enum hvx_l1d_flush {
	HVX_L1D_FLUSH_NOT_NEEDED,	/* the CPU is not affected */
	HVX_L1D_FLUSH_NEVER,
	HVX_L1D_FLUSH_COND,
	HVX_L1D_FLUSH_ALWAYS,
};

static const char *const hvx_l1d_flush_names[] = {
	[HVX_L1D_FLUSH_NOT_NEEDED] = "not required",
	[HVX_L1D_FLUSH_NEVER] = "never",
	[HVX_L1D_FLUSH_COND] = "cond",
	[HVX_L1D_FLUSH_ALWAYS] = "always",
};

static char *vmentry_l1d_flush = "auto";
module_param(vmentry_l1d_flush, charp, 0444);
MODULE_PARM_DESC(vmentry_l1d_flush,
		 "L1D cache flush before VM entry: auto (on CPUs with L1TF, as the host's mitigation decides), never, cond (after the host ran code that may have brought secrets into L1D), always");

static enum hvx_l1d_flush hvx_l1d_flush __ro_after_init;
/* The software flush reads this much: twice the largest L1D there is. */
#define HVX_L1D_FLUSH_ORDER	4
static void *hvx_l1d_flush_pages;

static int hvx_l1d_flush_setup(void)
{
	static const char *const words[] = { "auto", "never", "cond",
					     "always" };
	int mode = -1, i;
	u64 caps = 0;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(vmentry_l1d_flush, words[i]))
			mode = i;
	if (mode < 0) {
		pr_err("vmentry_l1d_flush=%s: say auto, never, cond or always\n",
		       vmentry_l1d_flush);
		return -EINVAL;
	}

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl(MSR_IA32_ARCH_CAPABILITIES, caps);
	/*
	 * An explicit cond or always is obeyed even where the CPU does not
	 * need it, so that its cost can be measured anywhere.
	 */
	if (mode == HVX_L1D_FLUSH_COND || mode == HVX_L1D_FLUSH_ALWAYS) {
		hvx_l1d_flush = mode;
	} else if (!boot_cpu_has_bug(X86_BUG_L1TF) ||
		   (caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH)) {
		hvx_l1d_flush = HVX_L1D_FLUSH_NOT_NEEDED;
	} else if (mode) {
		hvx_l1d_flush = mode;		/* never */
	} else {
		switch (l1tf_mitigation) {
		case L1TF_MITIGATION_OFF:
			hvx_l1d_flush = HVX_L1D_FLUSH_NEVER;
			break;
		case L1TF_MITIGATION_FULL:
		case L1TF_MITIGATION_FULL_FORCE:
			hvx_l1d_flush = HVX_L1D_FLUSH_ALWAYS;
			break;
		default:
			hvx_l1d_flush = HVX_L1D_FLUSH_COND;
			break;
		}
	}

	if (hvx_l1d_flush >= HVX_L1D_FLUSH_COND &&
	    !boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
						HVX_L1D_FLUSH_ORDER);

		if (!page)
			return -ENOMEM;
		hvx_l1d_flush_pages = page_address(page);
	}
	pr_info("L1D flush before VM entry: %s%s\n",
		hvx_l1d_flush_names[hvx_l1d_flush],
		hvx_l1d_flush < HVX_L1D_FLUSH_COND ? "" :
		boot_cpu_has(X86_FEATURE_FLUSH_L1D) ? " (IA32_FLUSH_CMD)" :
		" (software)");
	return 0;
}

/*
 * Flush the L1D cache, with the CPU's command where it has one, else by
 * reading twice the size of any L1D: first a byte of each page, so that
 * the loads that follow do not wait on page walks, then every line.
 */
static void hvx_l1d_flush_now(void)
{
	const unsigned int size = PAGE_SIZE << HVX_L1D_FLUSH_ORDER;
	const u8 *p = hvx_l1d_flush_pages;
	unsigned int off;

	if (static_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		return;
	}
	for (off = 0; off < size; off += PAGE_SIZE)
		READ_ONCE(p[off]);
	for (off = 0; off < size; off += L1_CACHE_BYTES)
		READ_ONCE(p[off]);
}

/*
 * "cond": flush only where the host may have brought something into L1D
 * since the last entry: the vCPU came back from userspace or handled an
 * exit that touched memory for the guest (hvx_vmx_vcpu.l1d_flush), the
 * thread was switched out, or an interrupt ran on this CPU (the kernel's
 * per-CPU flag, set by its interrupt entry code for KVM's benefit).
 */
static void hvx_l1d_flush_maybe(struct hvx_vmx_vcpu *vmx)
{
	unsigned long switches = current->nvcsw + current->nivcsw;
	bool flush = hvx_l1d_flush == HVX_L1D_FLUSH_ALWAYS;

	if (hvx_l1d_flush != HVX_L1D_FLUSH_COND && !flush)
		return;
	flush |= vmx->l1d_flush || switches != vmx->nr_switches;
#if IS_ENABLED(CONFIG_KVM_INTEL)
	flush |= kvm_get_cpu_l1tf_flush_l1d();
	kvm_clear_cpu_l1tf_flush_l1d();
#endif
	vmx->l1d_flush = false;
	vmx->nr_switches = switches;
	if (flush)
		hvx_l1d_flush_now();
}

/*
 * The syscall MSRs.  The kernel sets the host's once per CPU and never
 * executes SYSCALL itself, so the guest's may stay in the CPU until this
 * CPU next returns to userspace, where the notifier puts the host's back.
 * hvx_uret.cur[] is what the CPU holds now.
 */
struct hvx_uret {
	struct user_return_notifier urn;
	bool registered;
	u64 host[HVX_NR_URET_MSRS];
	u64 cur[HVX_NR_URET_MSRS];
};

static const u32 hvx_uret_msrs[HVX_NR_URET_MSRS] = {
	[HVX_URET_STAR] = MSR_STAR,
	[HVX_URET_LSTAR] = MSR_LSTAR,
	[HVX_URET_CSTAR] = MSR_CSTAR,
	[HVX_URET_SFMASK] = MSR_SYSCALL_MASK,
};

static DEFINE_PER_CPU(struct hvx_uret, hvx_uret);

/* Put the host's values back on this CPU.  Interrupts are off. */
static void hvx_uret_restore(struct hvx_uret *u)
{
	int i;

	for (i = 0; i < HVX_NR_URET_MSRS; i++) {
		if (u->cur[i] != u->host[i]) {
			wrmsrl(hvx_uret_msrs[i], u->host[i]);
			u->cur[i] = u->host[i];
		}
	}
	user_return_notifier_unregister(&u->urn);
	u->registered = false;
}

static void hvx_uret_on_user_return(struct user_return_notifier *urn)
{
	struct hvx_uret *u = container_of(urn, struct hvx_uret, urn);
	unsigned long flags;

	/* Also called from hvx_isolation_cpu_dying(): keep IRQs off. */
	local_irq_save(flags);
	if (u->registered)
		hvx_uret_restore(u);
	local_irq_restore(flags);
}

static void hvx_uret_load(const u64 *guest)
{
	struct hvx_uret *u = this_cpu_ptr(&hvx_uret);
	int i;

	if (!u->registered) {
		for (i = 0; i < HVX_NR_URET_MSRS; i++) {
			rdmsrl(hvx_uret_msrs[i], u->host[i]);
			u->cur[i] = u->host[i];
		}
		u->urn.on_user_return = hvx_uret_on_user_return;
		user_return_notifier_register(&u->urn);
		u->registered = true;
	}
	for (i = 0; i < HVX_NR_URET_MSRS; i++) {
		if (u->cur[i] != guest[i]) {
			wrmsrl(hvx_uret_msrs[i], guest[i]);
			u->cur[i] = guest[i];
		}
	}
}

/**
 * hvx_isolation_cpu_dying - give this CPU back its host state
 *
 * Called where this CPU leaves VMX operation (offline, suspend, unload):
 * the user-return notifier points into hvx and must not outlive it.
 * Interrupts are off.
 */
void hvx_isolation_cpu_dying(void)
{
	struct hvx_uret *u = this_cpu_ptr(&hvx_uret);

	if (u->registered)
		hvx_uret_restore(u);
}

/* Per CPU: the VM whose vCPU ran here last, by id (never reused). */
static DEFINE_PER_CPU(u32, hvx_last_vm);

/**
 * hvx_isolation_switch_vm - a vCPU of VM @vm_id is about to run here
 * @vm_id: its VM's id
 *
 * Branch predictions one VM trained must not steer another's: IBPB when
 * the CPU moves to another VM, as KVM does (where the host uses IBPB at
 * all).  Preemption is off.
 */
void hvx_isolation_switch_vm(u32 vm_id)
{
	if (this_cpu_read(hvx_last_vm) == vm_id)
		return;
	this_cpu_write(hvx_last_vm, vm_id);
	indirect_branch_prediction_barrier();
}

/**
 * hvx_isolation_prepare_run - the thread's host state, once per KVM_RUN
 * @vmx: the vCPU, loaded
 */
void hvx_isolation_prepare_run(struct hvx_vmx_vcpu *vmx)
{
	u16 ldt;

	vmx->host_debugctl = get_debugctlmsr();
	asm volatile("sldt %0" : "=r" (ldt));
	vmx->host_ldt = ldt;
	/* Back from userspace: its work may have touched anything. */
	vmx->l1d_flush = true;
}

/*
 * perf's MSRs that differ between host and guest go into the VM-entry
 * MSR-load list (guest values) and the VM-exit MSR-load list (host values),
 * so that no counter runs on the host's settings in the guest, nor the
 * other way round, for a single instruction.
 */
static unsigned int hvx_switch_perf_msrs(struct hvx_vmx_vcpu *vmx)
{
	struct perf_guest_switch_msr *msrs;
	unsigned int i, n = 0;
	int nr = 0;

	msrs = perf_guest_get_msrs(&nr, NULL);
	if (msrs) {
		for (i = 0; i < nr && n < HVX_MAX_PERF_MSRS; i++) {
			if (msrs[i].host == msrs[i].guest)
				continue;
			vmx->perf_guest[n].index = msrs[i].msr;
			vmx->perf_guest[n].value = msrs[i].guest;
			vmx->perf_host[n].index = msrs[i].msr;
			vmx->perf_host[n].value = msrs[i].host;
			n++;
		}
		WARN_ON_ONCE(i < nr);
	}
	return n;
}

/**
 * hvx_isolation_enter - switch to the guest's state, just before entry
 * @vcpu: the vCPU, loaded; interrupts are off
 *
 * Return: how many of perf's MSRs the VM-entry and VM-exit MSR-load lists
 * (vmx->perf_guest, vmx->perf_host) now hold, for the VMCS's counts.
 */
unsigned int hvx_isolation_enter(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	const unsigned long *db = hvx_debug_regs(vcpu);
	unsigned int nr_perf_msrs;

	hvx_uret_load(vcpu->syscall_msrs);
	nr_perf_msrs = hvx_switch_perf_msrs(vmx);

	/*
	 * With breakpoints enabled in the DR7 it runs with, the guest needs
	 * DR0-DR3 in the CPU: its own, or a debugger's (debug.c).  The
	 * host's DR7 is live until the entry loads the guest's: disable the
	 * host's breakpoints first, so that none fires in the host on a
	 * guest address.
	 */
	if (db) {
		if (hw_breakpoint_active())
			set_debugreg(0, 7);
		set_debugreg(db[0], 0);
		set_debugreg(db[1], 1);
		set_debugreg(db[2], 2);
		set_debugreg(db[3], 3);
		set_debugreg(vmx->dr6, 6);
		vmx->host_dr_dirty = true;
	}

	hvx_l1d_flush_maybe(vmx);
	return nr_perf_msrs;
}

/**
 * hvx_isolation_exit - back to the host's state, just after an exit
 * @vcpu: the vCPU, loaded; interrupts are off
 */
void hvx_isolation_exit(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	/* VM exit left DR7 at 400H and DEBUGCTL at 0. */
	if (hw_breakpoint_active()) {
		hw_breakpoint_restore();
		vmx->host_dr_dirty = false;
	} else if (vmx->host_dr_dirty) {
		set_debugreg(DR6_RESERVED, 6);
		vmx->host_dr_dirty = false;
	}
	if (vmx->host_debugctl)
		update_debugctlmsr(vmx->host_debugctl);

	if (unlikely(vmx->host_ldt))
		asm volatile("lldt %0" : : "r" (vmx->host_ldt));
	invalidate_tss_limit();

	/* The VMM's userspace must not run on the guest's predictions. */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
}

/*
 * Called by vmenter.S after an exit, before its first RET: the host's
 * SPEC_CTRL back where the guest ran with another, and always where the
 * host uses legacy IBRS, which must be written again after any switch
 * from a less privileged predictor mode.
 */
void hvx_spec_ctrl_restore_host(u64 guest_spec_ctrl)
{
	u64 host = this_cpu_read(x86_spec_ctrl_current);

	if (!cpu_feature_enabled(X86_FEATURE_MSR_SPEC_CTRL))
		return;
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS) ||
	    guest_spec_ctrl != host)
		native_wrmsrl(MSR_IA32_SPEC_CTRL, host);
	barrier_nospec();
}

/**
 * hvx_exit_is_machine_check - whether an exit came from a machine check
 * @exit_reason: the exit reason field, whole
 * @intr_info: the VM-exit interruption information (exception exits)
 *
 * A machine check in the guest (an exception exit, #MC being in the
 * exception bitmap) or during VM entry (exit reason 41 with the failed-
 * entry bit) is the host's: it says nothing about the guest's state.
 */
bool hvx_exit_is_machine_check(u32 exit_reason, u32 intr_info)
{
	u32 mask = INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK |
		   INTR_INFO_VECTOR_MASK;

	if ((u16)exit_reason == EXIT_REASON_MCE_DURING_VMENTRY)
		return true;
	return (u16)exit_reason == EXIT_REASON_EXCEPTION_NMI &&
	       (intr_info & mask) ==
	       (INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION | MC_VECTOR);
}

/**
 * hvx_machine_check - hand a machine check to the host's handler
 *
 * The exit consumed the #MC: raise it again on the host, with interrupts
 * still off, so that the host's handler logs it and decides (KVM does
 * the same).  A kernel without machine-check support has no handler.
 */
void hvx_machine_check(void)
{
#if IS_ENABLED(CONFIG_X86_MCE)
	if (boot_cpu_has(X86_FEATURE_MCE))
		asm volatile("int $0x12");
#endif
}

/**
 * hvx_spec_ctrl_valid_bits - the SPEC_CTRL bits a guest may set
 *
 * What the host's CPU has, as KVM offers them: IBRS and STIBP with the
 * MSR, SSBD where the CPU has it.
 */
u64 hvx_spec_ctrl_valid_bits(void)
{
	u64 bits = 0;

	if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		return 0;
	if (boot_cpu_has(X86_FEATURE_SPEC_CTRL))
		bits |= SPEC_CTRL_IBRS;
	if (boot_cpu_has(X86_FEATURE_INTEL_STIBP))
		bits |= SPEC_CTRL_STIBP;
	if (boot_cpu_has(X86_FEATURE_SPEC_CTRL_SSBD))
		bits |= SPEC_CTRL_SSBD;
	return bits;
}

/**
 * hvx_guest_arch_capabilities - IA32_ARCH_CAPABILITIES as a guest reads it
 *
 * The host's bits that describe the CPU, and the "not affected" bits for
 * every bug the host kernel does not see in it, so that a guest does not
 * pay for mitigations its CPU does not need; as KVM computes it.  The
 * guest has no VMX, so it has no guests of its own to protect: it may
 * skip the L1D flush and the iTLB multihit mitigation they would need.
 */
u64 hvx_guest_arch_capabilities(void)
{
	const u64 passed = ARCH_CAP_RDCL_NO | ARCH_CAP_IBRS_ALL |
			   ARCH_CAP_RSBA | ARCH_CAP_SSB_NO | ARCH_CAP_MDS_NO |
			   ARCH_CAP_TAA_NO | ARCH_CAP_SBDR_SSDP_NO |
			   ARCH_CAP_FBSDP_NO | ARCH_CAP_PSDP_NO |
			   ARCH_CAP_FB_CLEAR | ARCH_CAP_RRSBA |
			   ARCH_CAP_PBRSB_NO | ARCH_CAP_GDS_NO |
			   ARCH_CAP_RFDS_NO | ARCH_CAP_RFDS_CLEAR |
			   ARCH_CAP_BHI_NO;
	u64 caps = 0;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES)) {
		rdmsrl(MSR_IA32_ARCH_CAPABILITIES, caps);
		caps &= passed;
	}
	caps |= ARCH_CAP_PSCHANGE_MC_NO | ARCH_CAP_SKIP_VMENTRY_L1DFLUSH;
	if (!boot_cpu_has_bug(X86_BUG_CPU_MELTDOWN))
		caps |= ARCH_CAP_RDCL_NO;
	if (!boot_cpu_has_bug(X86_BUG_SPEC_STORE_BYPASS))
		caps |= ARCH_CAP_SSB_NO;
	if (!boot_cpu_has_bug(X86_BUG_MDS))
		caps |= ARCH_CAP_MDS_NO;
	if (!boot_cpu_has_bug(X86_BUG_RFDS))
		caps |= ARCH_CAP_RFDS_NO;
	if (!boot_cpu_has_bug(X86_BUG_ITS))
		caps |= ARCH_CAP_ITS_NO;
	/* A guest without TSX cannot be hit by TAA: it knows without. */
	if (!boot_cpu_has(X86_FEATURE_RTM))
		caps &= ~ARCH_CAP_TAA_NO;
	else if (!boot_cpu_has_bug(X86_BUG_TAA))
		caps |= ARCH_CAP_TAA_NO;
	if (!boot_cpu_has_bug(X86_BUG_GDS) || gds_ucode_mitigated())
		caps |= ARCH_CAP_GDS_NO;
	return caps;
}

int hvx_isolation_setup(void)
{
	return hvx_l1d_flush_setup();
}

void hvx_isolation_free(void)
{
	if (hvx_l1d_flush_pages)
		free_pages((unsigned long)hvx_l1d_flush_pages,
			   HVX_L1D_FLUSH_ORDER);
	hvx_l1d_flush_pages = NULL;
}
