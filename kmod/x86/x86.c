// SPDX-License-Identifier: GPL-2.0
/*
 * The instructions whose exits the x86 layer finishes alone, whatever
 * runs the guest: CPUID, VMCALL (KVM's hypercalls), XSETBV, MONITOR and
 * MWAIT, and the #UD of AMD's VMMCALL.  Each returns 1 to go back into
 * the guest, as the VT-x layer's exit handlers do.
 */
#include <linux/kvm_para.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <linux/sched/task.h>
#include <asm/fpu/xcr.h>

#include "../vm.h"
#include "../irq/irqchip.h"
#include "decode.h"
#include "emulate.h"
#include "fpu.h"
#include "guest.h"
#include "x86.h"

/* CPUID: the answer from the vCPU's table (kmod/x86/cpuid.c). */
int hvx_emulate_cpuid(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u32 eax, ebx, ecx, edx;
	int r;

	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_CPUID)) {
		r = hvx_intro_cpuid(vcpu);
		if (r != HVX_INTRO_GO)
			return r;
	}
	hvx_cpuid_lookup(vcpu, g[HVX_REG_RAX], g[HVX_REG_RCX],
			 &eax, &ebx, &ecx, &edx);
	g[HVX_REG_RAX] = eax;
	g[HVX_REG_RBX] = ebx;
	g[HVX_REG_RCX] = ecx;
	g[HVX_REG_RDX] = edx;
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * KVM_HC_SCHED_YIELD: the guest waits on the vCPU with APIC ID @dest (a
 * lock holder, say).  If that vCPU's thread is runnable but not running,
 * it gets the rest of this thread's time slice (yield_to() does nothing
 * otherwise).  A hint, as in KVM: the guest carries on whatever happens,
 * and without the in-kernel APIC no ID names a vCPU.  The vCPU's
 * statistics count the hypercalls and the yields that happened, as KVM's
 * directed_yield_attempted and _successful.
 */
static void hvx_sched_yield(struct hvx_vcpu *vcpu, unsigned long dest)
{
	struct hvx_vcpu *target = NULL;
	struct task_struct *task;

	vcpu->stats.yields_attempted++;
	if (single_task_running())
		return;
	if (vcpu->apic && dest <= U32_MAX)
		target = hvx_irqchip_vcpu_by_apic_id(vcpu->vm, dest);
	if (!target || target == vcpu)
		return;
	rcu_read_lock();
	task = get_pid_task(rcu_dereference(target->pid), PIDTYPE_PID);
	rcu_read_unlock();
	if (!task)
		return;
	hvx_vcpu_put(vcpu);
	if (yield_to(task, true) > 0)
		vcpu->stats.yields_successful++;
	hvx_vcpu_load(vcpu);
	put_task_struct(task);
}

/*
 * VMCALL: KVM's hypercall convention (number in RAX, first argument in
 * RBX, result in RAX; 32 bits of each outside 64-bit code), from CPL 0
 * only.  hvx has KVM's two that need no paravirtual device: SCHED_YIELD
 * (KVM_FEATURE_PV_SCHED_YIELD, so refused as unknown when the VMM holds
 * the guest to a CPUID table without it) and the no-op VAPIC_POLL_IRQ,
 * which KVM never refuses.  Every other number gets KVM's "no such
 * hypercall".  (hvx's CPUID offers no KVM leaves, so a guest only finds
 * these by trying, as KVM's selftests do.)
 */
int hvx_emulate_vmcall(struct hvx_vcpu *vcpu)
{
	unsigned long nr = vcpu->regs[HVX_REG_RAX];
	unsigned long a0 = vcpu->regs[HVX_REG_RBX];
	bool wide = hvx_64bit_code(vcpu);
	long ret = -KVM_ENOSYS;
	int r;

	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_HYPERCALL)) {
		r = hvx_intro_hypercall(vcpu);
		if (r != HVX_INTRO_GO)
			return r;
		/* The introspector may have changed the call. */
		nr = vcpu->regs[HVX_REG_RAX];
		a0 = vcpu->regs[HVX_REG_RBX];
	}
	if (!wide) {
		nr = (u32)nr;
		a0 = (u32)a0;
	}
	if (hvx_cpl(vcpu)) {
		ret = -KVM_EPERM;
	} else if (nr == KVM_HC_SCHED_YIELD &&
		   hvx_guest_pv_has(vcpu, KVM_FEATURE_PV_SCHED_YIELD)) {
		hvx_sched_yield(vcpu, a0);
		ret = 0;
	} else if (nr == KVM_HC_VAPIC_POLL_IRQ) {
		ret = 0;
	}
	if (!wide)
		ret = (u32)ret;
	vcpu->regs[HVX_REG_RAX] = ret;
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * The #UD a guest raised (the exception bitmap sends each one here).  hvx
 * acts on two instructions:
 *
 *  - RSM in SMM, which the CPU refuses as it is not really in SMM
 *    (kmod/x86/smm.c carries it out);
 *  - AMD's hypercall, VMMCALL (0f 01 d9, no prefix), which is #UD on
 *    Intel: a guest kernel patched for AMD, or moved from an AMD host, runs
 *    it.  As in KVM (KVM_X86_QUIRK_FIX_HYPERCALL_INSN), hvx writes VMCALL
 *    over it, as the guest's own store would (its paging's checks, and a
 *    #PF where they refuse), and the guest runs it again.
 *
 * With the quirk off, for any other instruction, and where the code is
 * not in RAM, the guest gets its #UD.
 */
int hvx_handle_ud(struct hvx_vcpu *vcpu)
{
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 }, rsm[] = { 0x0f, 0xaa };
	u8 insn[HVX_INSN_MAX], vmcall[] = { 0x0f, 0x01, 0xc1 };
	unsigned int len = hvx_fetch_insn(vcpu, insn);
	u64 gva;

	if (vcpu->smm.active && len >= sizeof(rsm) &&
	    !memcmp(insn, rsm, sizeof(rsm)))
		return hvx_emulate_rsm(vcpu);
	if (!hvx_quirk(vcpu->vm, KVM_X86_QUIRK_FIX_HYPERCALL_INSN) ||
	    len < sizeof(vmmcall) || memcmp(insn, vmmcall, sizeof(vmmcall)))
		goto ud;
	gva = hvx_guest_linear_rip(vcpu);
	if (hvx_guest_linear_copy(vcpu, gva, vmcall, sizeof(vmcall), true) >= 0)
		return 1;
ud:
	hvx_inject_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

/*
 * MONITOR and MWAIT always exit: a guest must neither idle the host's CPU
 * nor have it watch memory.  As in KVM (KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS)
 * they do nothing, so the guest's MWAIT returns at once, as after a
 * wake-up the SDM allows for no reason.  With the quirk off they are the
 * #UD of a CPU without them, unless the guest's CPUID offers MWAIT
 * (hvx_guest_has_mwait()).
 */
int hvx_emulate_monitor_mwait(struct hvx_vcpu *vcpu)
{
	if (!hvx_quirk(vcpu->vm, KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS) &&
	    !hvx_guest_has_mwait(vcpu)) {
		hvx_inject_exception(vcpu, UD_VECTOR, false, 0);
		return 1;
	}
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * XSETBV exits whatever it writes.  #UD for CR4.OSXSAVE clear came before
 * the exit; the rest of the instruction's checks are hvx's: CPL 0, XCR0
 * the only register, a value hvx_set_xcr0() accepts.
 */
int hvx_emulate_xsetbv(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u64 val = (u64)(u32)g[HVX_REG_RDX] << 32 | (u32)g[HVX_REG_RAX];
	int r;

	if (hvx_intro_wants(vcpu, HVX_INTRO_EV_XSETBV)) {
		r = hvx_intro_xsetbv(vcpu, &val);
		if (r != HVX_INTRO_GO)
			return r;
	}
	if (hvx_cpl(vcpu) || (u32)g[HVX_REG_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    hvx_set_xcr0(vcpu, val))
		return hvx_inject_gp(vcpu);
	hvx_skip_instruction(vcpu);
	return 1;
}
