// SPDX-License-Identifier: GPL-2.0
/*
 * VT-x's help with the in-kernel local APIC (SDM "APIC Virtualization and
 * Virtual Interrupts"), as far as hvx uses it: the APIC-access page and
 * the TPR shadow, for every vCPU of a VM with KVM_CREATE_IRQCHIP, where
 * the CPU has them.
 *
 * - The APIC-access page: kmod/ept/mmu.c maps one page of the VM's where
 *   the guest's xAPIC registers are, and the CPU turns each guest access
 *   to it into an "APIC access" exit whose qualification gives the
 *   register's offset and whether it is a read or a write.  No slot is
 *   looked up, and the access goes straight to the APIC's MMIO handler
 *   (the instruction is still decoded for its operand and length, as KVM
 *   does but for its EOI shortcut: see hvx_handle_apic_access()).
 *
 * - The TPR shadow: each vCPU has a virtual-APIC page whose offset 0x80
 *   is the TPR the guest reads and writes without exits, at offset 0x80
 *   of the APIC page and as CR8 (MOV to and from CR8 no longer exit).
 *   hvx's APIC (kmod/irq/lapic.c) keeps the TPR of record: the vCPU takes
 *   the page's back after each exit, and puts the APIC's into the page
 *   before an entry where something else changed it.
 *   The guest lowering its TPR exits ("TPR below threshold") only when
 *   that lets in an interrupt the TPR held back; raising it never exits.
 *   Another vCPU choosing the lowest-priority destination sees this
 *   vCPU's TPR as of its last exit.
 *
 * KVM with APICv goes further (APIC-register virtualization, virtual
 * interrupt delivery, posted interrupts), where every read and the EOI no
 * longer exit; hvx does not, so its interrupts are still injected as
 * events, and every other register still exits.  KVM keeps the whole
 * register page in the virtual-APIC page; hvx copies one byte.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <asm/apicdef.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../irq/irqchip.h"
#include "../x86/events.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "capabilities.h"
#include "vmx_ops.h"

/**
 * hvx_vmx_apic_init - give a vCPU with an in-kernel APIC VT-x's help
 * @vcpu: the vCPU, just created, with vm->lock held
 *
 * Return: 0, or -ENOMEM.
 */
int hvx_vmx_apic_init(struct hvx_vcpu *vcpu)
{
	const struct hvx_vmcs_config *c = &hvx_vmcs_config;
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	struct page *access = NULL;

	if (!vcpu->apic)
		return 0;
	if (c->cpu_based & CPU_BASED_TPR_SHADOW) {
		vmx->vapic = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!vmx->vapic)
			return -ENOMEM;
	}
	if (c->cpu_based2 & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES) {
		access = hvx_mmu_apic_access_page(vcpu->vm);
		if (!access)
			return -ENOMEM;
	}

	hvx_vcpu_load(vcpu);
	if (vmx->vapic) {
		/* CR8 is the shadow's now: MOV to and from it need no exit. */
		vmx->cpu_based |= CPU_BASED_TPR_SHADOW;
		vmx->cpu_based &= ~(CPU_BASED_CR8_LOAD_EXITING |
				    CPU_BASED_CR8_STORE_EXITING);
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
			     vmx->cpu_based | vmx->windows);
		vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, __pa(vmx->vapic));
		vmcs_write32(TPR_THRESHOLD, 0);
		vmx->vtpr = 0;
		vmx->tpr_threshold = 0;
	}
	if (access) {
		vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
			     vmcs_read32(SECONDARY_VM_EXEC_CONTROL) |
			     SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES);
		vmcs_write64(APIC_ACCESS_ADDR, page_to_phys(access));
	}
	hvx_vcpu_put(vcpu);
	return 0;
}

void hvx_vmx_apic_free(struct hvx_vcpu *vcpu)
{
	free_page((unsigned long)vcpu->vmx.vapic);
	vcpu->vmx.vapic = NULL;
}

/**
 * hvx_vmx_set_tpr_shadow - the TPR for the next entry
 * @vcpu: the vCPU, loaded
 * @tpr: the APIC's TPR
 * @threshold: the priority class below which a lower TPR must exit, 0 for
 *	none.  It is never above @tpr's class, which VM entry checks.
 */
void hvx_vmx_set_tpr_shadow(struct hvx_vcpu *vcpu, u8 tpr, u8 threshold)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	if (!vmx->vapic)
		return;
	/*
	 * vtpr is what the page holds (hvx_vmx_tpr_exited() took the
	 * guest's last write); the APIC's TPR differs only where an exit
	 * or the VMM changed it (an x2APIC WRMSR, KVM_SET_LAPIC, INIT).
	 * Bits 31:8 of the shadow are 0, as a MOV to CR8 leaves them.
	 */
	if (tpr != vmx->vtpr) {
		WRITE_ONCE(vmx->vapic[APIC_TASKPRI / 4], tpr);
		vmx->vtpr = tpr;
	}
	if (threshold != vmx->tpr_threshold) {
		vmcs_write32(TPR_THRESHOLD, threshold);
		vmx->tpr_threshold = threshold;
	}
}

/*
 * After every exit: the TPR the guest wrote without exiting becomes the
 * APIC's, before anything reads it.
 */
void hvx_vmx_tpr_exited(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	u8 tpr;

	if (!vmx->vapic)
		return;
	tpr = READ_ONCE(vmx->vapic[APIC_TASKPRI / 4]);
	if (tpr != vmx->vtpr) {
		vmx->vtpr = tpr;
		hvx_irqchip_set_tpr(vcpu, tpr);
	}
}

/*
 * The guest lowered its TPR below the threshold: hvx_vmx_tpr_exited() has
 * taken it, and the interrupt it lets in is injected on the way back in.
 * The exit is trap-like: the instruction is complete.
 */
int hvx_handle_tpr_below_threshold(struct hvx_vcpu *vcpu)
{
	return 1;
}

/**
 * hvx_handle_apic_access - the guest accessed its xAPIC page
 * @vcpu: the vCPU, loaded
 *
 * The qualification gives the register's offset and the kind of access.
 * A data read or write by an instruction is emulated through the APIC's
 * MMIO handler, with the decoder for the operand and the instruction's
 * length.  (KVM skips the decoding for a write to EOI, whose value does
 * not matter, and steps over the instruction by the exit's instruction
 * length; hvx keeps to the one path, which needs nothing from the exit
 * but its qualification.)  Anything else, an access while an event was
 * being delivered (the IDT or a stack on the APIC page) or one by the
 * CPU's own page walk, cannot be emulated: KVM_EXIT_INTERNAL_ERROR, as
 * for MMIO.
 *
 * Return: 1 to enter again, 0 to go to the VMM, or an errno.
 */
int hvx_handle_apic_access(struct hvx_vcpu *vcpu)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	u32 offset = qual & APIC_ACCESS_OFFSET;
	u32 type = qual & APIC_ACCESS_TYPE;
	bool data = (type == TYPE_LINEAR_APIC_INST_READ ||
		     type == TYPE_LINEAR_APIC_INST_WRITE) &&
		    !hvx_event_in_delivery(vcpu);

	/* Decoded and emulated as MMIO is, and flushed as it is. */
	vcpu->vmx.l1d_flush = true;
	/* The linear address's page offset is the register's too. */
	return hvx_emulate_mmio(vcpu, APIC_DEFAULT_PHYS_BASE + offset, offset,
				data, type == TYPE_LINEAR_APIC_INST_WRITE);
}
