// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's VMCS: setting it up, keeping it loaded on the right CPU, and
 * one trip into the guest.  The guest state it holds is state.c's.
 *
 * A VMCS is "active" on at most one CPU at a time, and the CPU may keep
 * parts of it cached until VMCLEAR writes it back.  So a vCPU whose thread
 * moved to another CPU must first be VMCLEARed on the old CPU (by IPI),
 * then VMPTRLDed here, and its per-CPU host state (TSS, GDT, per-CPU GS
 * base) rewritten.  hvx_vcpu_load() does that; between it and
 * hvx_vcpu_put() preemption is off and VMREAD/VMWRITE reach this vCPU's
 * VMCS.  Code that may sleep puts the vCPU first and loads it again after.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "capabilities.h"
#include "fpu.h"
#include "vmx_ops.h"

/* Every port exits: one page of ones serves both I/O bitmaps. */
static void *hvx_all_ones_page;

/*
 * MSRs the guest reads and writes without an exit: those the VMCS loads
 * on every entry and saves on every exit (FS and GS base, the SYSENTER
 * MSRs), and KERNEL_GS_BASE, which hvx_vmx_run() swaps around every
 * entry.  The CPU makes its own checks on them (a non-canonical base is
 * #GP).  Every other MSR exits, and these too where the VM's MSR filter
 * denies them (hvx_vmcs_filter_msrs()).
 */
static const u32 hvx_passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static void *hvx_msr_bitmap;

/*
 * Where @msr's read (or @write) bit is (SDM "MSR-Bitmap Address"): 1 KiB
 * of read bits for MSRs 0-1FFFH, 1 KiB for C0000000H-C0001FFFH, then the
 * same two for writes.  Only MSRs in those ranges can pass through.
 */
static unsigned long *hvx_msr_bitmap_word(void *bitmap, u32 msr, bool write)
{
	unsigned int half = 0;

	if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		half = 1024;
	else if (WARN_ON_ONCE(msr > 0x1fff))
		return NULL;
	return bitmap + (write ? 2048 : 0) + half;
}

/* Let the guest read and write @msr without exits. */
static void hvx_msr_passthrough(void *bitmap, u32 msr)
{
	unsigned long *w;

	w = hvx_msr_bitmap_word(bitmap, msr, false);
	if (w)
		__clear_bit(msr & 0x1fff, w);
	w = hvx_msr_bitmap_word(bitmap, msr, true);
	if (w)
		__clear_bit(msr & 0x1fff, w);
}

/**
 * hvx_vmcs_filter_msrs - the MSR bitmap for the VM's MSR filter
 * @vcpu: the vCPU, loaded
 *
 * Every vCPU shares hvx's bitmap, unless the VM's filter
 * (kmod/x86/msr_filter.c) denies the guest a read or write of an MSR it
 * passes through, or an introspector watches its writes (kmod/intro/):
 * then the vCPU uses its own copy, in which those accesses exit, so that
 * the filter or the introspector sees them.  QEMU, for one, filters
 * reads of MSR_CORE_THREAD_COUNT only, which exit anyway.
 */
void hvx_vmcs_filter_msrs(struct hvx_vcpu *vcpu)
{
	void *own = vcpu->vmx.msr_bitmap;
	bool changed = false;
	unsigned int i, rw;

	memcpy(own, hvx_msr_bitmap, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(hvx_passthrough_msrs); i++) {
		u32 msr = hvx_passthrough_msrs[i];

		for (rw = 0; rw < 2; rw++) {
			/* Allowed, and (writes) no introspector watches it? */
			if (hvx_msr_allowed(vcpu, msr, rw) &&
			    !(rw && hvx_intro_msr_watched(&vcpu->intro, msr)))
				continue;
			__set_bit(msr & 0x1fff, hvx_msr_bitmap_word(own, msr, rw));
			changed = true;
		}
	}
	vmcs_write64(MSR_BITMAP, __pa(changed ? own : hvx_msr_bitmap));
}

/* Per CPU: the VMCSs active here, and the one that is current. */
static DEFINE_PER_CPU(struct list_head, hvx_loaded_vmcss);
static DEFINE_PER_CPU(struct hvx_vmx_vcpu *, hvx_current_vmcs);

unsigned long hvx_cr4_guest_bits __ro_after_init;

void hvx_vmread_error(unsigned long field)
{
	pr_err_ratelimited("VMREAD of field %#lx failed\n", field);
}

void hvx_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited("VMWRITE of %#lx to field %#lx failed (VM-instruction error %u)\n",
			   value, field, vmcs_read32(VM_INSTRUCTION_ERROR));
}

void hvx_vmx_free_globals(void)
{
	hvx_isolation_free();
	free_page((unsigned long)hvx_all_ones_page);
	free_page((unsigned long)hvx_msr_bitmap);
	hvx_all_ones_page = NULL;
	hvx_msr_bitmap = NULL;
}

/*
 * The backstop: every entry arms the VMX preemption timer for two host
 * ticks (the count is reloaded from the VMCS at each entry, as its value
 * is not saved on exit).  On hardware the host's own tick, an external
 * interrupt, always makes the guest exit first, and the timer never
 * fires, but on a CPU without ticks (nohz_full) a guest busy in a loop.
 * It is there for a CPU that does not make the guest exit for an
 * interrupt when it should: Bochs' VT-x takes no external-interrupt exit
 * from a guest that was entered with RFLAGS.IF clear and keeps it clear
 * (its VM entry masks the interrupt as if outside VMX), so two such
 * guests on its two CPUs held the machine for good.  KVM keeps its
 * preemption timer armed at its largest count for the same effect, once
 * every few minutes in that machine.
 */
static u32 hvx_backstop_count __ro_after_init;

int hvx_vmx_setup_globals(void)
{
	unsigned int i;
	int cpu, r;

	hvx_all_ones_page = (void *)__get_free_page(GFP_KERNEL);
	hvx_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	if (!hvx_all_ones_page || !hvx_msr_bitmap) {
		hvx_vmx_free_globals();
		return -ENOMEM;
	}
	memset(hvx_all_ones_page, 0xff, PAGE_SIZE);
	memset(hvx_msr_bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(hvx_passthrough_msrs); i++)
		hvx_msr_passthrough(hvx_msr_bitmap, hvx_passthrough_msrs[i]);
	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(per_cpu_ptr(&hvx_loaded_vmcss, cpu));
	r = hvx_fpu_setup();
	if (!r)
		r = hvx_isolation_setup();
	if (r) {
		hvx_vmx_free_globals();
		return r;
	}
	hvx_backstop_count =
		hvx_preemption_timer_value(tsc_khz,
					   hvx_vmcs_config.preemption_timer_rate,
					   2 * TICK_NSEC);
	hvx_cr4_guest_bits = HVX_CR4_GUEST_BITS & hvx_vmcs_config.cr4_fixed1;
	if (!hvx_xcr0_supported)
		hvx_cr4_guest_bits &= ~X86_CR4_OSXSAVE;
	return 0;
}

/* VMCLEAR @vmx on this CPU, where it is active.  Interrupts are off. */
static void hvx_vmcs_clear_here(struct hvx_vmx_vcpu *vmx)
{
	if (vmx->cpu != smp_processor_id())
		return;
	WARN_ON_ONCE(hvx_vmclear(vmx->vmcs_pa));
	if (this_cpu_read(hvx_current_vmcs) == vmx)
		this_cpu_write(hvx_current_vmcs, NULL);
	list_del(&vmx->loaded_node);
	vmx->launched = false;
	/* Everything above must be visible before the VMCS may move. */
	smp_wmb();
	WRITE_ONCE(vmx->cpu, -1);
}

static void hvx_vmcs_clear_ipi(void *arg)
{
	hvx_vmcs_clear_here(arg);
}

/* Make sure @vmx is active nowhere.  Preemption may be on or off. */
static void hvx_vmcs_clear(struct hvx_vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu < 0)
		return;
	smp_call_function_single(cpu, hvx_vmcs_clear_ipi, vmx, 1);
	/* A CPU that went offline cleared its VMCSs on the way down. */
	WARN_ON_ONCE(READ_ONCE(vmx->cpu) >= 0);
}

/**
 * hvx_vmx_cpu_dying - VMCLEAR every VMCS active on this CPU
 *
 * Called on a CPU about to leave VMX operation: VMXOFF does not write
 * cached VMCS state back to memory.
 */
void hvx_vmx_cpu_dying(void)
{
	struct hvx_vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&hvx_loaded_vmcss),
				 loaded_node)
		hvx_vmcs_clear_here(vmx);
	hvx_isolation_cpu_dying();
}

/**
 * hvx_vmx_emergency_vmclear - write back every VMCS active on this CPU
 *
 * Called by the emergency reboot path (kdump, panic), in NMI or crash
 * context, just before VMXOFF: the CPU may hold a guest's state that
 * only VMCLEAR writes to memory, where a crash dump can find it.  The
 * list is only read and nothing else is updated: this CPU never runs a
 * guest again, so a failed VMCLEAR is ignored.  The list changes with
 * interrupts off but not NMIs: an NMI that lands in the middle of a
 * change may find it half done.  KVM's emergency VMCLEAR takes the same
 * chance, for the dump's sake.
 */
void hvx_vmx_emergency_vmclear(void)
{
	struct hvx_vmx_vcpu *vmx;

	list_for_each_entry(vmx, this_cpu_ptr(&hvx_loaded_vmcss), loaded_node)
		hvx_vmclear(vmx->vmcs_pa);
}

/* The base of the TSS this CPU runs on, from its descriptor in the GDT. */
static unsigned long hvx_host_tss_base(const struct desc_ptr *gdt)
{
	const struct ldttss_desc *d =
		(const struct ldttss_desc *)(gdt->address +
					     GDT_ENTRY_TSS * 8);

	return d->base0 | ((unsigned long)d->base1 << 16) |
	       ((unsigned long)d->base2 << 24) |
	       ((unsigned long)d->base3 << 32);
}

/* Host state that differs between CPUs: written when a VMCS moves here. */
static void hvx_vmcs_set_host_percpu(void)
{
	struct desc_ptr gdt, idt;
	u64 v;

	native_store_gdt(&gdt);
	store_idt(&idt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_TR_BASE, hvx_host_tss_base(&gdt));
	rdmsrl(MSR_GS_BASE, v);
	vmcs_writel(HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, v);
}

/**
 * hvx_vcpu_load - make the vCPU's VMCS current on this CPU
 * @vcpu: the vCPU
 *
 * Disables preemption until hvx_vcpu_put().
 */
void hvx_vcpu_load(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	int cpu = get_cpu();

	if (READ_ONCE(vmx->cpu) != cpu) {
		hvx_vmcs_clear(vmx);
		local_irq_disable();
		WARN_ON_ONCE(hvx_vmptrld(vmx->vmcs_pa));
		list_add(&vmx->loaded_node, this_cpu_ptr(&hvx_loaded_vmcss));
		vmx->cpu = cpu;
		this_cpu_write(hvx_current_vmcs, vmx);
		local_irq_enable();
		hvx_vmcs_set_host_percpu();
		hvx_isolation_switch_vm(vcpu->vm->id);
	} else if (this_cpu_read(hvx_current_vmcs) != vmx) {
		WARN_ON_ONCE(hvx_vmptrld(vmx->vmcs_pa));
		this_cpu_write(hvx_current_vmcs, vmx);
		hvx_isolation_switch_vm(vcpu->vm->id);
	}
}

void hvx_vcpu_put(struct hvx_vcpu *vcpu)
{
	put_cpu();
}

/*
 * The EPT of the address space the vCPU sees: SMM switches it.  Each EPT
 * is its own EPTP, so the translations cached for one never serve the
 * other, and nothing needs flushing.  The vCPU is loaded.
 */
void hvx_vmx_load_eptp(struct hvx_vcpu *vcpu)
{
	vmcs_write64(EPT_POINTER, vcpu->vm->eptp[hvx_vcpu_as(vcpu)]);
}

/* The controls and host state that never change for a VMCS. */
static void hvx_vmcs_setup(struct hvx_vcpu *vcpu)
{
	const struct hvx_vmcs_config *c = &hvx_vmcs_config;
	u64 v;

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, c->pin_based);
	if (c->pin_based & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, hvx_backstop_count);
	/* The APIC's controls are for vCPUs with one (apic.c). */
	vcpu->vmx.cpu_based = c->cpu_based & ~CPU_BASED_TPR_SHADOW;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vcpu->vmx.cpu_based);
	/*
	 * No VPID yet (every entry and exit flushes the guest's TLB), and
	 * RDTSCP and INVPCID raise #UD: CPUID does not offer them.  The
	 * descriptor tables exit only for an introspector (debug.c).
	 */
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
		     c->cpu_based2 & ~(SECONDARY_EXEC_ENABLE_VPID |
				       SECONDARY_EXEC_ENABLE_RDTSCP |
				       SECONDARY_EXEC_ENABLE_INVPCID |
				       SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES |
				       SECONDARY_EXEC_DESC));
	vmcs_write32(VM_EXIT_CONTROLS, c->vmexit);
	vmcs_write32(VM_ENTRY_CONTROLS, c->vmentry);
	vmcs_write32(EXCEPTION_BITMAP, HVX_EXCEPTION_BITMAP);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write64(VM_ENTRY_MSR_LOAD_ADDR, __pa(vcpu->vmx.perf_guest));
	vmcs_write64(VM_EXIT_MSR_LOAD_ADDR, __pa(vcpu->vmx.perf_host));
	vcpu->vmx.nr_perf_msrs = 0;
	vmcs_write64(IO_BITMAP_A, __pa(hvx_all_ones_page));
	vmcs_write64(IO_BITMAP_B, __pa(hvx_all_ones_page));
	vmcs_write64(MSR_BITMAP, __pa(hvx_msr_bitmap));
	vmcs_write64(VMCS_LINK_POINTER, -1ULL);
	hvx_vmx_load_eptp(vcpu);
	hvx_tsc_vcpu_setup(vcpu);
	vmcs_writel(CR0_GUEST_HOST_MASK, HVX_CR0_HOST_OWNED);
	vmcs_writel(CR4_GUEST_HOST_MASK,
		    ~(HVX_CR4_GUEST_OWNED & hvx_cr4_guest_bits));

	/* Host state: where a VM exit lands. */
	vmcs_writel(HOST_CR0, read_cr0());
	vcpu->vmx.host_cr3 = __read_cr3();
	vmcs_writel(HOST_CR3, vcpu->vmx.host_cr3);
	vcpu->vmx.host_cr4 = cr4_read_shadow();
	vmcs_writel(HOST_CR4, vcpu->vmx.host_cr4);
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_ES_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	/* The VMM thread's, from hvx_vmx_prepare_run() on. */
	vcpu->vmx.host_fs_base = 0;
	vmcs_writel(HOST_FS_BASE, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_writel(HOST_RIP, (unsigned long)hvx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write32(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write64(HOST_IA32_EFER, v);
	if (c->vmexit & VM_EXIT_LOAD_IA32_PAT) {
		rdmsrl(MSR_IA32_CR_PAT, v);
		vmcs_write64(HOST_IA32_PAT, v);
	}
	hvx_vmcs_set_host_percpu();
}

/**
 * hvx_vmx_vcpu_init - allocate and set up a vCPU's VMCS
 * @vcpu: the vCPU, with vcpu->vm set
 *
 * Return: 0 or -ENOMEM.
 */
int hvx_vmx_vcpu_init(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	vcpu->fpu = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->fpu)
		return -ENOMEM;
	vmx->perf_guest = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->perf_guest)
		return -ENOMEM;
	vmx->perf_host = vmx->perf_guest + HVX_MAX_PERF_MSRS;
	vmx->msr_bitmap = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->msr_bitmap)
		return -ENOMEM;
	vmx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->vmcs)
		return -ENOMEM;
	/* A VMCS starts with the revision identifier, like a VMXON region. */
	*(u32 *)vmx->vmcs = hvx_vmcs_config.revision_id;
	vmx->vmcs_pa = __pa(vmx->vmcs);
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_node);

	/* VMCLEAR initialises a VMCS region before its first VMPTRLD. */
	preempt_disable();
	WARN_ON_ONCE(hvx_vmclear(vmx->vmcs_pa));
	preempt_enable();

	hvx_vcpu_load(vcpu);
	hvx_vmcs_setup(vcpu);
	hvx_vmx_reset(vcpu);
	hvx_vcpu_put(vcpu);
	return 0;
}

void hvx_vmx_vcpu_free(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	free_page((unsigned long)vcpu->fpu);
	vcpu->fpu = NULL;
	free_page((unsigned long)vmx->perf_guest);
	vmx->perf_guest = NULL;
	free_page((unsigned long)vmx->msr_bitmap);
	vmx->msr_bitmap = NULL;
	hvx_vmx_apic_free(vcpu);
	if (!vmx->vmcs)
		return;
	hvx_vmcs_clear(vmx);
	free_page((unsigned long)vmx->vmcs);
	vmx->vmcs = NULL;
}

/*
 * Once per KVM_RUN, with the vCPU loaded: the host state that belongs to
 * the VMM thread rather than to the CPU.
 */
void hvx_vmx_prepare_run(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	unsigned long fs_base;

	hvx_isolation_prepare_run(vmx);
	savesegment(ds, vmx->host_ds);
	savesegment(es, vmx->host_es);
	savesegment(fs, vmx->host_fs);
	savesegment(gs, vmx->host_gs);
	rdmsrl(MSR_FS_BASE, fs_base);
	/* The same thread runs the vCPU most of the time. */
	if (unlikely(fs_base != vmx->host_fs_base)) {
		vmcs_writel(HOST_FS_BASE, fs_base);
		vmx->host_fs_base = fs_base;
	}
}

/**
 * hvx_vmx_run - enter the guest once and handle the exit
 * @vcpu: the vCPU, loaded
 *
 * Return: 1 to enter again, 0 to return to userspace with vcpu->run
 * filled in, or a negative errno.
 */
int hvx_vmx_run(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();
	u64 host_kernel_gs_base, tsc, xcr0;
	unsigned int nr_perf_msrs;
	struct desc_ptr gdt;
	int fail;

	/* Host state that moves under a running thread. */
	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}

	/* A single step the VMM must see first; then the events. */
	if (unlikely(vmx->step_exit))
		return hvx_debug_step_exit(vcpu);
	if (!hvx_inject_events(vcpu))
		return 0;
	/*
	 * A debugger's single step over STI or MOV SS: the CPU would take
	 * TF with their shadow for a single-step trap already pending (VM
	 * entry checks so), but this TF is hvx's.  As KVM, drop the shadow.
	 */
	if (unlikely((vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP) ||
		     hvx_intro_tf(&vcpu->intro)))
		hvx_set_interrupt_shadow(vcpu, 0);

	/*
	 * The guest gets the FPU registers, with its own state in them;
	 * kernel_fpu_begin() has saved the VMM's, to be restored on its way
	 * back to userspace.
	 */
	kernel_fpu_begin();
	hvx_fpu_load(vcpu);

	local_irq_disable();
	if (!hvx_vcpu_enter_guest_mode(vcpu)) {
		/* An event stays injected, for the next entry. */
		local_irq_enable();
		kernel_fpu_end();
		return 1;
	}
	/*
	 * Time in the guest is a quiescent state for RCU, as time in user
	 * mode is; say so at each entry, as KVM does.  Otherwise a vCPU
	 * that stays in its guest, entered with preemption off, holds up
	 * every grace period until RCU makes the scheduler switch it out.
	 */
	rcu_note_context_switch(false);
	native_store_gdt(&gdt);
	rdmsrl(MSR_KERNEL_GS_BASE, host_kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
	if (native_read_cr2() != vcpu->cr2)
		native_write_cr2(vcpu->cr2);
	nr_perf_msrs = hvx_isolation_enter(vcpu);
	if (unlikely(nr_perf_msrs != vmx->nr_perf_msrs)) {
		vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, nr_perf_msrs);
		vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, nr_perf_msrs);
		vmx->nr_perf_msrs = nr_perf_msrs;
	}

	xcr0 = hvx_guest_xcr0(vcpu);
	hvx_xcr0_load(xcr0);

	tsc = rdtsc();
	fail = hvx_vmenter(vcpu->regs, vmx->launched, vcpu->spec_ctrl);
	vcpu->stats.guest_tsc += rdtsc() - tsc;

	hvx_xcr0_put(xcr0);
	WRITE_ONCE(vcpu->mode, HVX_OUTSIDE_GUEST);
	WRITE_ONCE(vcpu->stats.last_cpu, smp_processor_id());

	vcpu->cr2 = native_read_cr2();
	/* A VM exit leaves the GDT limit at 0xffff: put it back. */
	native_load_gdt(&gdt);
	rdmsrl(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, host_kernel_gs_base);
	hvx_isolation_exit(vcpu);
	if (!fail) {
		vmx->exit_reason = vmcs_read32(VM_EXIT_REASON);
		/*
		 * An entry that failed on the guest state (exit reason bit
		 * 31) leaves the VMCS as it was: still clear after a failed
		 * VMLAUNCH, so the next entry must be VMLAUNCH again.
		 */
		if (!(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			vmx->launched = true;
		/*
		 * An NMI or a machine check that arrived in the guest made it
		 * exit and is still the host's to handle: hand it to the
		 * host's handler before interrupts are on again.
		 */
		if ((u16)vmx->exit_reason == EXIT_REASON_EXCEPTION_NMI ||
		    (u16)vmx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY) {
			u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

			if ((info & (INTR_INFO_VALID_MASK |
				     INTR_INFO_INTR_TYPE_MASK)) ==
			    (INTR_INFO_VALID_MASK | INTR_TYPE_NMI_INTR))
				asm volatile("int $2");
			else if (hvx_exit_is_machine_check(vmx->exit_reason,
							   info))
				hvx_machine_check();
		}
	}
	local_irq_enable();

	hvx_fpu_save(vcpu);
	kernel_fpu_end();

	if (unlikely(vmx->host_ds | vmx->host_es)) {
		loadsegment(ds, vmx->host_ds);
		loadsegment(es, vmx->host_es);
	}
	if (unlikely(vmx->host_fs)) {
		loadsegment(fs, vmx->host_fs);
		wrmsrl(MSR_FS_BASE, vmx->host_fs_base);
	}
	if (unlikely(vmx->host_gs))
		load_gs_index(vmx->host_gs);

	if (fail) {
		vmx->exit_reason = VMX_EXIT_REASONS_FAILED_VMENTRY;
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason =
			vmcs_read32(VM_INSTRUCTION_ERROR);
		vcpu->run->fail_entry.cpu = smp_processor_id();
		/* Error 7, control fields: most often the event being injected. */
		pr_err_ratelimited("vCPU %u: VM%s failed, VM-instruction error %u (event %#x, error code %#x, length %u; entry controls %#x; CR0 %#lx)\n",
				   vcpu->id,
				   vmx->launched ? "RESUME" : "LAUNCH",
				   vmcs_read32(VM_INSTRUCTION_ERROR),
				   vmcs_read32(VM_ENTRY_INTR_INFO_FIELD),
				   vmcs_read32(VM_ENTRY_EXCEPTION_ERROR_CODE),
				   vmcs_read32(VM_ENTRY_INSTRUCTION_LEN),
				   vmcs_read32(VM_ENTRY_CONTROLS),
				   vmcs_readl(GUEST_CR0));
		return 0;
	}
	return hvx_handle_exit(vcpu);
}
