// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on every CPU.
 *
 * hvx owns VMX while anyone uses it: the module itself when loaded with
 * enable_at_load=1, otherwise each VM for its lifetime.  The first user
 * turns VMX on (VMXON) on every online CPU, the last turns it off again,
 * and CPU hotplug, suspend and reboot keep every CPU in step:
 *
 *   hvx_vmx_get()/hvx_vmx_put()     count users, VMXON/VMXOFF everywhere
 *   hvx_cpu_online()/_offline()     a CPU joins or leaves while in use
 *   hvx_vmx_suspend()/_resume()     the last CPU across a system sleep
 *   hvx_vmx_reboot()                VMX blocks INIT: off before a reboot
 *   hvx_vmx_emergency_off()         the same on the emergency reboot path
 *
 * The users count and the per-CPU state change under hvx_vmx_lock, always
 * taken inside the CPU hotplug lock, so hotplug callbacks and users never
 * race.
 *
 * The emergency reboot path (kdump, a panic that reboots, an emergency
 * restart) runs no reboot notifier: it stops the other CPUs with an NMI
 * and jumps to the crash kernel or resets.  A CPU it leaves in VMX
 * operation cannot be started again (INIT is blocked), and the CPU that
 * jumps to a crash kernel faults when the jump clears CR4.VMXE.  So the
 * kernel calls one callback on every CPU on that path, from NMI or crash
 * context, and has one slot for it: registering over a callback already
 * there, or unregistering someone else's, WARNs and does nothing.
 * kvm_intel takes the slot (6.1: from its load; 6.12: while it holds
 * virtualization, by default from its load), and its callback turns VMX
 * off on any CPU with CR4.VMXE set, hvx's CPUs too.  hvx takes the slot
 * while it holds VMX and kvm.ko is not loaded, so the two never ask for
 * it at once: hvx_vmx_get() and hvx_vmx_put() take it with the first user
 * and give it back after the last, asking at that moment whether kvm.ko
 * is loaded (hvx_kvm_probe()), and a module notifier gives it up when
 * kvm.ko comes (before its init, so before kvm_intel's can register) and
 * takes it back when kvm.ko is gone (after its exit, so after kvm_intel
 * let go).  All of it is under hvx_vmx_lock.
 *
 * The one gap: while kvm.ko is loaded but KVM holds no slot (kvm.ko
 * without kvm_intel, or 6.12's kvm_intel with enable_virt_at_load=0 and
 * no VM), nobody turns hvx's VMX off in an emergency.  hvx cannot fill
 * it: KVM may take the slot at any moment (6.12: when it creates a VM)
 * and would find it taken.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "../compat.h"
#include "../hvx.h"
#include "capabilities.h"
#include "vcpu.h"
#include "vmx_ops.h"

struct hvx_cpu {
	/* The VMXON region: one page, owned by the CPU while in VMX. */
	struct page *vmxon_page;
	bool vmx_on;
	/* The error of the last attempt to turn VMX on here, 0 if none. */
	int error;
};

static DEFINE_PER_CPU(struct hvx_cpu, hvx_cpu);
static DEFINE_MUTEX(hvx_vmx_lock);
static unsigned int hvx_vmx_users;
static bool hvx_vmx_rebooting;
/* kvm.ko is known to be loaded: found by hvx_kvm_probe() or notified. */
static bool hvx_kvm_loaded;
/* hvx_vmx_emergency_off() is in the kernel's emergency slot. */
static bool hvx_emergency_held;
static enum cpuhp_state hvx_cpuhp_state;
static struct hvx_vmx_msrs hvx_boot_msrs __ro_after_init;

/* Read the capability MSRs the CPU has; the others read as 0. */
static void hvx_read_vmx_msrs(struct hvx_vmx_msrs *m)
{
	bool true_ctls;

	memset(m, 0, sizeof(*m));
	rdmsrl(MSR_IA32_VMX_BASIC, m->basic);
	true_ctls = m->basic & VMX_BASIC_TRUE_CTLS;
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
	       MSR_IA32_VMX_PINBASED_CTLS, m->pinbased);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, m->procbased);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
	       MSR_IA32_VMX_EXIT_CTLS, m->exit);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
	       MSR_IA32_VMX_ENTRY_CTLS, m->entry);
	rdmsrl(MSR_IA32_VMX_MISC, m->misc);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, m->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, m->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, m->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, m->cr4_fixed1);

	/* The MSRs below exist only where the controls that need them do. */
	if (!(upper_32_bits(m->procbased) &
	      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return;
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, m->procbased2);
	if (upper_32_bits(m->procbased2) &
	    (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID))
		rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, m->ept_vpid_cap);
}

/*
 * Is VMX usable on this CPU at all?  CPUID says whether the CPU has it;
 * IA32_FEATURE_CONTROL, locked by firmware, says whether it may be used
 * outside SMX.  The kernel hides the VMX CPUID flag when firmware disabled
 * VMX, so ask CPUID itself to tell the two apart.
 */
static int hvx_cpu_vmx_usable(int cpu, bool verbose)
{
	u64 feat;

	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31))) {
		if (verbose)
			pr_err_ratelimited("CPU%d has no VMX (VT-x): hvx needs an Intel CPU with VT-x and EPT\n",
					   cpu);
		return -EOPNOTSUPP;
	}
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		if (verbose)
			pr_err_ratelimited("CPU%d: VMX is disabled by firmware (IA32_FEATURE_CONTROL=%#llx): enable VT-x (\"Intel Virtualization Technology\") in the firmware setup\n",
					   cpu, feat);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Every CPU must offer exactly what the boot CPU offered: one VMCS may be
 * loaded on any of them.
 */
static int hvx_cpu_compatible(int cpu, bool verbose)
{
	struct hvx_vmx_msrs msrs;
	int r;

	r = hvx_cpu_vmx_usable(cpu, verbose);
	if (r)
		return r;
	hvx_read_vmx_msrs(&msrs);
	if (memcmp(&msrs, &hvx_boot_msrs, sizeof(msrs))) {
		if (verbose)
			pr_err_ratelimited("CPU%d's VMX capabilities differ from CPU%d's: hvx cannot use this machine's CPUs together\n",
					   cpu, cpumask_first(cpu_online_mask));
		return -EIO;
	}
	return 0;
}

/* Enter VMX operation on this CPU.  Interrupts must be off. */
static int hvx_vmx_on_this_cpu(void)
{
	struct hvx_cpu *c = this_cpu_ptr(&hvx_cpu);
	int cpu = smp_processor_id();
	unsigned long cr0 = read_cr0();
	unsigned long cr4 = cr4_read_shadow();
	int r;

	lockdep_assert_irqs_disabled();
	if (c->vmx_on)
		return 0;

	/*
	 * CR4.VMXE set by anyone else means another hypervisor is in VMX
	 * operation here, and VMX operation cannot be shared.
	 */
	if (cr4 & X86_CR4_VMXE) {
		pr_err_ratelimited("CPU%d: CR4.VMXE is already set: another hypervisor owns VMX (kvm_intel with a VM running or loaded with enable_virt_at_load=1, VirtualBox, VMware). Stop its VMs or unload it, or load hvx with enable_at_load=0 to take turns with it\n",
				   cpu);
		return -EBUSY;
	}

	r = hvx_cpu_compatible(cpu, true);
	if (r)
		return r;

	/* SDM "Restrictions on VMX Operation": CR0 and CR4 fixed bits. */
	if (!hvx_cr_fixed_ok(cr0, hvx_vmcs_config.cr0_fixed0,
			     hvx_vmcs_config.cr0_fixed1) ||
	    !hvx_cr_fixed_ok(cr4 | X86_CR4_VMXE, hvx_vmcs_config.cr4_fixed0,
			     hvx_vmcs_config.cr4_fixed1)) {
		pr_err_ratelimited("CPU%d: CR0=%#lx CR4=%#lx do not meet VMX's fixed bits (CR0 %#llx/%#llx, CR4 %#llx/%#llx)\n",
				   cpu, cr0, cr4,
				   hvx_vmcs_config.cr0_fixed0, hvx_vmcs_config.cr0_fixed1,
				   hvx_vmcs_config.cr4_fixed0, hvx_vmcs_config.cr4_fixed1);
		return -EIO;
	}

	/* The region starts with the VMCS revision identifier. */
	*(u32 *)page_address(c->vmxon_page) = hvx_vmcs_config.revision_id;

	cr4_set_bits(X86_CR4_VMXE);
	r = hvx_vmxon(page_to_phys(c->vmxon_page));
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err_ratelimited("CPU%d: VMXON %s\n", cpu,
				   r == -EFAULT ? "faulted" : "failed");
		return -EIO;
	}
	WRITE_ONCE(c->vmx_on, true);
	/* Whatever EPT translations the CPU kept from before are stale. */
	hvx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	return 0;
}

/* Leave VMX operation on this CPU.  Interrupts must be off. */
static void hvx_vmx_off_this_cpu(void)
{
	struct hvx_cpu *c = this_cpu_ptr(&hvx_cpu);

	lockdep_assert_irqs_disabled();
	if (!c->vmx_on)
		return;
	/* VMXOFF does not write back the VMCSs the CPU caches: VMCLEAR them. */
	hvx_vmx_cpu_dying();
	/* hvx entered VMX here: leaving it cannot fail but for a bug. */
	WARN_ONCE(hvx_vmxoff(), "hvx: VMXOFF failed on CPU%d\n",
		  smp_processor_id());
	cr4_clear_bits(X86_CR4_VMXE);
	WRITE_ONCE(c->vmx_on, false);
}

static void hvx_vmx_on_ipi(void *unused)
{
	this_cpu_ptr(&hvx_cpu)->error = hvx_vmx_on_this_cpu();
}

static void hvx_vmx_off_ipi(void *unused)
{
	hvx_vmx_off_this_cpu();
}

/*
 * The emergency reboot path's callback, on every CPU, in NMI or crash
 * context: no locks, no printk, nothing that sleeps.  Go by CR4.VMXE,
 * not by hvx's own vmx_on: an NMI may land between VMXON and the write
 * of vmx_on.  VMXOFF without VMXON raises #UD, which hvx_vmxoff()
 * catches; then CR4.VMXE can be cleared.  vmx_on follows, so hvx's
 * bookkeeping tells the truth afterwards (the KUnit test relies on it).
 */
static void hvx_vmx_emergency_off(void)
{
	if (!(__read_cr4() & X86_CR4_VMXE))
		return;
	hvx_vmx_emergency_vmclear();
	hvx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	WRITE_ONCE(this_cpu_ptr(&hvx_cpu)->vmx_on, false);
}

/*
 * Is kvm.ko loaded?  kvm_rebooting is exported by kvm.ko in every kernel
 * hvx supports; __symbol_get() never loads a module, and finds a module
 * only once its init has run.
 */
static bool hvx_kvm_probe(void)
{
	if (!__symbol_get("kvm_rebooting"))
		return false;
	__symbol_put("kvm_rebooting");
	return true;
}

/*
 * Hold the emergency slot while @vmx_held and kvm.ko is not loaded, and
 * only then.  Called under hvx_vmx_lock whenever either may change.
 */
static void hvx_emergency_set(bool vmx_held)
{
	bool want = vmx_held && !hvx_kvm_loaded;

	lockdep_assert_held(&hvx_vmx_lock);
	if (want == hvx_emergency_held)
		return;
	if (want)
		hvx_emergency_register(hvx_vmx_emergency_off);
	else
		hvx_emergency_unregister(hvx_vmx_emergency_off);
	hvx_emergency_held = want;
}

/*
 * kvm.ko comes and goes.  The loader notifies COMING before the module's
 * init runs and GOING after its exit has run (or its init failed).  LIVE
 * counts as COMING, for a kvm.ko whose COMING came before this notifier
 * was registered and whose init was still running when hvx_kvm_probe()
 * looked; kvm_intel then has only the instant between kvm.ko going live
 * and this notifier hearing of it to find the slot taken, and only if
 * hvx loaded while kvm.ko's init ran.
 */
static int hvx_vmx_module_event(struct notifier_block *nb,
				unsigned long state, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm"))
		return NOTIFY_DONE;
	mutex_lock(&hvx_vmx_lock);
	hvx_kvm_loaded = state != MODULE_STATE_GOING;
	hvx_emergency_set(hvx_vmx_users > 0);
	mutex_unlock(&hvx_vmx_lock);
	return NOTIFY_OK;
}

static struct notifier_block hvx_module_nb = {
	.notifier_call = hvx_vmx_module_event,
};

/*
 * Turn VMX on everywhere, or nowhere: a CPU that fails rolls every CPU
 * back.  Called with the hotplug lock and hvx_vmx_lock held.
 */
static int hvx_vmx_on_all_cpus(void)
{
	int cpu, r = 0;

	on_each_cpu(hvx_vmx_on_ipi, NULL, 1);
	for_each_online_cpu(cpu) {
		r = per_cpu_ptr(&hvx_cpu, cpu)->error;
		if (r)
			break;
	}
	if (r)
		on_each_cpu(hvx_vmx_off_ipi, NULL, 1);
	return r;
}

/**
 * hvx_vmx_get - take a reference on VMX operation
 *
 * The first reference enters VMX operation on every online CPU.
 *
 * Return: 0, -EBUSY when another hypervisor owns VMX or the machine is
 * going down, -EIO when a CPU failed to enter VMX operation.
 */
int hvx_vmx_get(void)
{
	int r = 0;

	cpus_read_lock();
	mutex_lock(&hvx_vmx_lock);
	if (hvx_vmx_rebooting) {
		r = -EBUSY;
	} else if (!hvx_vmx_users) {
		/* The slot first, so that it covers every CPU's VMXON. */
		hvx_kvm_loaded |= hvx_kvm_probe();
		hvx_emergency_set(true);
		r = hvx_vmx_on_all_cpus();
		if (!r)
			hvx_vmx_users = 1;
		else
			hvx_emergency_set(false);
	} else {
		hvx_vmx_users++;
	}
	mutex_unlock(&hvx_vmx_lock);
	cpus_read_unlock();
	return r;
}

/**
 * hvx_vmx_put - drop a reference taken by hvx_vmx_get()
 *
 * The last reference turns VMX off on every CPU.
 */
void hvx_vmx_put(void)
{
	cpus_read_lock();
	mutex_lock(&hvx_vmx_lock);
	if (!WARN_ON_ONCE(!hvx_vmx_users) && !--hvx_vmx_users) {
		on_each_cpu(hvx_vmx_off_ipi, NULL, 1);
		hvx_emergency_set(false);
	}
	mutex_unlock(&hvx_vmx_lock);
	cpus_read_unlock();
}

/*
 * CPU hotplug callbacks.  They run on the CPU coming up or going down, in
 * its hotplug thread, under the hotplug lock.
 */
static int hvx_cpu_online(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&hvx_vmx_lock);
	if (hvx_vmx_users && !hvx_vmx_rebooting) {
		local_irq_disable();
		r = hvx_vmx_on_this_cpu();
		local_irq_enable();
	}
	mutex_unlock(&hvx_vmx_lock);
	return r;
}

static int hvx_cpu_offline(unsigned int cpu)
{
	mutex_lock(&hvx_vmx_lock);
	local_irq_disable();
	hvx_vmx_off_this_cpu();
	local_irq_enable();
	mutex_unlock(&hvx_vmx_lock);
	return 0;
}

/*
 * System sleep.  By the time syscore callbacks run, every other CPU has
 * gone through hvx_cpu_offline() and interrupts are off: only this CPU is
 * left to take out of VMX operation and, on resume, back into it.
 */
static int hvx_vmx_suspend(HVX_SYSCORE_ARGS)
{
	hvx_vmx_off_this_cpu();
	return 0;
}

static void hvx_vmx_resume(HVX_SYSCORE_ARGS)
{
	if (hvx_vmx_users && !hvx_vmx_rebooting)
		WARN_ON_ONCE(hvx_vmx_on_this_cpu());
}

static struct syscore_ops hvx_syscore_ops = {
	.suspend = hvx_vmx_suspend,
	.resume = hvx_vmx_resume,
};

DEFINE_HVX_SYSCORE(hvx_syscore, hvx_syscore_ops);

/*
 * VMX operation blocks INIT, which a reboot or a kexec'd kernel uses to
 * start the other CPUs: leave it everywhere first, for good.
 */
static int hvx_vmx_reboot(struct notifier_block *nb, unsigned long code,
			  void *unused)
{
	mutex_lock(&hvx_vmx_lock);
	hvx_vmx_rebooting = true;
	on_each_cpu(hvx_vmx_off_ipi, NULL, 1);
	mutex_unlock(&hvx_vmx_lock);
	pr_info("VMX turned off on all CPUs for reboot\n");
	return NOTIFY_OK;
}

static struct notifier_block hvx_reboot_nb = {
	.notifier_call = hvx_vmx_reboot,
};

/**
 * hvx_vmx_cpus - the CPUs in VMX operation now
 * @mask: filled with the CPUs
 */
void hvx_vmx_cpus(struct cpumask *mask)
{
	int cpu;

	cpumask_clear(mask);
	for_each_possible_cpu(cpu)
		if (READ_ONCE(per_cpu_ptr(&hvx_cpu, cpu)->vmx_on))
			cpumask_set_cpu(cpu, mask);
}

/* What the CPUs offer, in words; see hvx_format_vmx_flags(). */
int hvx_vmx_format_flags(char *buf, size_t size)
{
	return hvx_format_vmx_flags(&hvx_boot_msrs, buf, size);
}

u32 hvx_vmx_revision_id(void)
{
	return hvx_vmcs_config.revision_id;
}

static void hvx_check_compat_ipi(void *ret)
{
	int r = hvx_cpu_compatible(smp_processor_id(), true);

	if (r)
		cmpxchg((int *)ret, 0, r);
}

static void hvx_free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct hvx_cpu *c = per_cpu_ptr(&hvx_cpu, cpu);

		if (c->vmxon_page)
			__free_page(c->vmxon_page);
		c->vmxon_page = NULL;
	}
}

static int hvx_alloc_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct hvx_cpu *c = per_cpu_ptr(&hvx_cpu, cpu);

		c->vmxon_page = alloc_pages_node(cpu_to_node(cpu),
						 GFP_KERNEL | __GFP_ZERO, 0);
		if (!c->vmxon_page) {
			hvx_free_vmxon_regions();
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Work out the VMX configuration on this CPU and check every online CPU
 * offers the same.  Nothing is changed on any CPU yet.
 */
static int hvx_setup_config(void)
{
	struct hvx_vmx_missing missing;
	char *why;
	int r, cpu;

	cpus_read_lock();
	cpu = get_cpu();
	r = hvx_cpu_vmx_usable(cpu, true);
	if (!r) {
		hvx_read_vmx_msrs(&hvx_boot_msrs);
		r = hvx_setup_vmcs_config(&hvx_boot_msrs, &hvx_vmcs_config,
					  &missing);
	}
	put_cpu();
	if (r == -EIO) {
		why = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (why)
			hvx_format_vmx_missing(&missing, why, PAGE_SIZE);
		pr_err("this CPU's VMX lacks what hvx needs: %s. hvx needs VT-x with EPT and unrestricted guest (Intel Westmere or later)\n",
		       why ?: "(out of memory)");
		kfree(why);
	}
	if (!r)
		on_each_cpu(hvx_check_compat_ipi, &r, 1);
	cpus_read_unlock();
	return r;
}

int hvx_vmx_init(void)
{
	int r;

	r = hvx_setup_config();
	if (r)
		return r;

	r = hvx_alloc_vmxon_regions();
	if (r)
		return r;
	r = hvx_vmx_setup_globals();
	if (r)
		goto err_free_regions;

	/*
	 * Register the hotplug callbacks without calling them: no CPU is to
	 * enter VMX until the first hvx_vmx_get().
	 */
	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hvx/vmx:online",
				      hvx_cpu_online, hvx_cpu_offline);
	if (r < 0)
		goto err_free_regions;
	hvx_cpuhp_state = r;

	hvx_register_syscore(hvx_syscore);
	r = register_reboot_notifier(&hvx_reboot_nb);
	if (r)
		goto err_unregister_syscore;
	r = register_module_notifier(&hvx_module_nb);
	if (r)
		goto err_unregister_reboot;
	return 0;

err_unregister_reboot:
	unregister_reboot_notifier(&hvx_reboot_nb);
err_unregister_syscore:
	hvx_unregister_syscore(hvx_syscore);
	cpuhp_remove_state_nocalls(hvx_cpuhp_state);
err_free_regions:
	hvx_vmx_free_globals();
	hvx_free_vmxon_regions();
	return r;
}

void hvx_vmx_exit(void)
{
	unregister_module_notifier(&hvx_module_nb);
	unregister_reboot_notifier(&hvx_reboot_nb);
	hvx_unregister_syscore(hvx_syscore);
	cpuhp_remove_state_nocalls(hvx_cpuhp_state);
	/* Every user is gone: the module cannot unload while one exists. */
	WARN_ON_ONCE(hvx_vmx_users || hvx_emergency_held);
	hvx_vmx_free_globals();
	hvx_free_vmxon_regions();
}
