// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel irqchip as a vCPU meets it (irqchip.c wires the devices
 * together): the interrupt it takes before each entry, the PICs' ports,
 * the IOAPIC's and its own APIC's MMIO, IA32_APIC_BASE, the x2APIC MSRs
 * and IA32_TSC_DEADLINE, CR8, what its CPUID offers the APIC, which vCPU
 * an APIC ID names, and CMCI.  Each holds chip->lock around the devices' pure
 * logic.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/string.h>

#include "../vm.h"
#include "../x86/x86.h"
#include "irqchip.h"

/* hvx_irqchip_has_interrupt(), with the lock held. */
static bool __hvx_irqchip_has_interrupt(struct hvx_irqchip *chip,
					struct hvx_lapic *lapic,
					struct hvx_tpr_state *tpr)
{
	u8 threshold;
	bool requested = hvx_lapic_next(lapic, &threshold) >= 0;

	if (tpr) {
		tpr->tpr = hvx_lapic_get_tpr(lapic);
		tpr->threshold = threshold;
	}
	return requested ||
	       (hvx_lapic_accepts_pic(lapic) && hvx_pic_output(&chip->pic));
}

/**
 * hvx_irqchip_take_interrupt - the vCPU takes its next interrupt
 * @vcpu: the vCPU, about to enter with interrupts allowed
 * @more: set when another interrupt waits behind it
 * @tpr: filled in for the TPR shadow, after the interrupt is taken
 *
 * The PIC's, through LINT0 in ExtINT mode, comes first, then the APIC's
 * (as KVM).  Taking it is the CPU's acknowledgment: the PIC's INTA, the
 * APIC's move from IRR to ISR.  One lock for both answers: this runs
 * before every entry.
 *
 * Return: the vector, or -1.
 */
int hvx_irqchip_take_interrupt(struct hvx_vcpu *vcpu, bool *more,
			       struct hvx_tpr_state *tpr)
{
	struct hvx_irqchip *chip = vcpu->vm->irqchip;
	struct hvx_lapic *lapic = &vcpu->apic->lapic;
	bool resampled = false;
	unsigned long flags;
	int vector = -1;

	raw_spin_lock_irqsave(&chip->lock, flags);
	if (hvx_lapic_accepts_pic(lapic) && hvx_pic_output(&chip->pic)) {
		/* In automatic-EOI mode, this is the IRQ's EOI too. */
		vector = hvx_pic_acknowledge(&chip->pic);
		resampled = hvx_irqchip_resample_pending(chip);
		hvx_irqchip_pic_update(chip);
	} else {
		vector = hvx_lapic_pending(lapic);
		if (vector >= 0)
			hvx_lapic_acknowledge(lapic, vector);
	}
	*more = __hvx_irqchip_has_interrupt(chip, lapic, tpr);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	if (resampled)
		hvx_irqchip_resample_done(chip);
	return vector;
}

/*
 * Has the vCPU an interrupt to take once it allows interrupts?  @tpr, if
 * not NULL, is filled in for the TPR shadow.
 */
bool hvx_irqchip_has_interrupt(struct hvx_vcpu *vcpu,
			       struct hvx_tpr_state *tpr)
{
	struct hvx_irqchip *chip = vcpu->vm->irqchip;
	unsigned long flags;
	bool has;

	raw_spin_lock_irqsave(&chip->lock, flags);
	has = __hvx_irqchip_has_interrupt(chip, &vcpu->apic->lapic, tpr);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return has;
}

/**
 * hvx_irqchip_pio - port I/O to the PICs and the ELCR
 * @vcpu: the vCPU
 * @port: the port
 * @size: bytes per element
 * @count: elements
 * @in: IN or INS
 * @data: the elements, read or filled in
 *
 * As KVM's, the PIC answers byte accesses only: a wider read gives zero
 * and a wider write is dropped.
 *
 * Return: true when the port is the irqchip's.
 */
bool hvx_irqchip_pio(struct hvx_vcpu *vcpu, u16 port, unsigned int size,
		     unsigned int count, bool in, void *data)
{
	struct hvx_irqchip *chip = hvx_irqchip(vcpu->vm);
	bool resampled;
	unsigned long flags;
	u8 *p = data;
	unsigned int i;

	if (!chip || !hvx_pic_handles_port(port))
		return false;
	if (size != 1) {
		if (in)
			memset(data, 0, size * count);
		return true;
	}
	raw_spin_lock_irqsave(&chip->lock, flags);
	for (i = 0; i < count; i++) {
		if (in)
			p[i] = hvx_pic_read(&chip->pic, port);
		else
			hvx_pic_write(&chip->pic, port, p[i]);
	}
	resampled = hvx_irqchip_resample_pending(chip);
	hvx_irqchip_pic_update(chip);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	if (resampled)
		hvx_irqchip_resample_done(chip);
	return true;
}

/**
 * hvx_irqchip_mmio - an MMIO access to the IOAPIC or the vCPU's own APIC
 * @vcpu: the vCPU
 * @gpa: the address
 * @len: its size, 1 to 8
 * @write: a store
 * @data: the data, read or filled in
 *
 * Return: true when the address is the irqchip's.
 */
bool hvx_irqchip_mmio(struct hvx_vcpu *vcpu, u64 gpa, unsigned int len,
		      bool write, void *data)
{
	struct hvx_irqchip *chip = hvx_irqchip(vcpu->vm);
	struct hvx_lapic_action act = { 0 };
	struct hvx_lapic *lapic;
	unsigned long flags;
	bool mine = true;

	if (!chip)
		return false;
	lapic = &vcpu->apic->lapic;
	raw_spin_lock_irqsave(&chip->lock, flags);
	if (hvx_ioapic_in_window(&chip->ioapic, gpa, len)) {
		if (write)
			hvx_ioapic_mmio_write(&chip->ioapic, gpa, len, data);
		else
			hvx_ioapic_mmio_read(&chip->ioapic, gpa, len, data);
	} else if (gpa >= HVX_LAPIC_BASE &&
		   gpa + len <= HVX_LAPIC_BASE + HVX_LAPIC_MMIO_SIZE &&
		   (hvx_lapic_x2apic_mode(lapic) ||
		    !(lapic->base & MSR_IA32_APICBASE_ENABLE))) {
		/*
		 * The page of an APIC that is off or in x2APIC mode: a
		 * hole that reads all ones, as KVM's (its MMIO-hole quirk).
		 */
		if (!write)
			memset(data, 0xff, len);
	} else if (gpa >= HVX_LAPIC_BASE &&
		   gpa + len <= HVX_LAPIC_BASE + HVX_LAPIC_MMIO_SIZE) {
		if (write) {
			hvx_lapic_write(lapic, gpa - HVX_LAPIC_BASE, len, data,
					ktime_get_ns(), &act);
			hvx_irqchip_act(vcpu, &act);
		} else {
			hvx_lapic_read(lapic, gpa - HVX_LAPIC_BASE, len, data,
				       ktime_get_ns());
		}
	} else {
		mine = false;
	}
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	if (act.flags & HVX_LAPIC_ACT_EOI)
		hvx_irqchip_resample_done(chip);
	return mine;
}

/**
 * hvx_irqchip_rdmsr - IA32_APIC_BASE and the x2APIC MSRs
 * @vcpu: the vCPU
 * @msr: the MSR
 * @val: filled in
 *
 * Return: 0; 1 for #GP; -ENOENT when the MSR is not the APIC's, or the VM
 * has no irqchip.
 */
int hvx_irqchip_rdmsr(struct hvx_vcpu *vcpu, u32 msr, u64 *val)
{
	struct hvx_irqchip *chip = hvx_irqchip(vcpu->vm);
	unsigned long flags;
	int r = 0;

	if (!chip || (msr != MSR_IA32_APICBASE &&
		      (msr < HVX_LAPIC_MSR_FIRST || msr > HVX_LAPIC_MSR_LAST)))
		return -ENOENT;
	raw_spin_lock_irqsave(&chip->lock, flags);
	if (msr == MSR_IA32_APICBASE)
		*val = vcpu->apic->lapic.base;
	else
		r = hvx_lapic_rdmsr(&vcpu->apic->lapic, msr, val,
				    ktime_get_ns()) ? 1 : 0;
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return r;
}

/**
 * hvx_irqchip_wrmsr - IA32_APIC_BASE and the x2APIC MSRs
 * @vcpu: the vCPU
 * @msr: the MSR
 * @val: the value
 * @host: the VMM writes it (KVM_SET_MSRS)
 *
 * Return: 0; 1 for #GP (or a refusal of KVM_SET_MSRS); -ENOENT when the
 * MSR is not the APIC's, or the VM has no irqchip.
 */
int hvx_irqchip_wrmsr(struct hvx_vcpu *vcpu, u32 msr, u64 val, bool host)
{
	struct hvx_irqchip *chip = hvx_irqchip(vcpu->vm);
	struct hvx_lapic_action act = { 0 };
	unsigned long flags;
	int r;

	if (!chip || (msr != MSR_IA32_APICBASE &&
		      (msr < HVX_LAPIC_MSR_FIRST || msr > HVX_LAPIC_MSR_LAST)))
		return -ENOENT;
	raw_spin_lock_irqsave(&chip->lock, flags);
	if (msr == MSR_IA32_APICBASE)
		r = hvx_lapic_set_base(&vcpu->apic->lapic, val, host, &act);
	else
		r = hvx_lapic_wrmsr(&vcpu->apic->lapic, msr, val,
				    ktime_get_ns(), &act);
	if (!r)
		hvx_irqchip_act(vcpu, &act);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	if (act.flags & HVX_LAPIC_ACT_EOI)
		hvx_irqchip_resample_done(chip);
	return r ? 1 : 0;
}

/* CR8 is the APIC's TPR, bits 7:4. */
u64 hvx_irqchip_get_cr8(struct hvx_vcpu *vcpu)
{
	unsigned long flags;
	u64 cr8;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	cr8 = hvx_lapic_get_cr8(&vcpu->apic->lapic);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
	return cr8;
}

/* Return: 0, or 1 for a value above 15 (#GP). */
int hvx_irqchip_set_cr8(struct hvx_vcpu *vcpu, u64 cr8)
{
	unsigned long flags;
	int r;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	r = hvx_lapic_set_cr8(&vcpu->apic->lapic, cr8);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
	/* A lower priority may let a waiting interrupt through. */
	if (!r)
		hvx_vcpu_kick(vcpu);
	return r ? 1 : 0;
}

/*
 * The guest wrote its TPR where no exit saw it (VT-x's TPR shadow), and
 * this vCPU's thread takes the value after an exit.  Nothing to kick:
 * the vCPU looks for interrupts before it enters again.
 */
void hvx_irqchip_set_tpr(struct hvx_vcpu *vcpu, u8 tpr)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	hvx_lapic_set_tpr(&vcpu->apic->lapic, tpr);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
}

/* IA32_TSC_DEADLINE as the guest reads it: 0 outside TSC-deadline mode. */
u64 hvx_irqchip_get_tsc_deadline(struct hvx_vcpu *vcpu)
{
	unsigned long flags;
	u64 tsc;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	tsc = hvx_lapic_tsc_deadline(&vcpu->apic->lapic);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
	return tsc;
}

/*
 * WRMSR IA32_TSC_DEADLINE: arm the APIC timer for when the guest's TSC
 * reaches @tsc (0 disarms; ignored outside TSC-deadline mode).
 */
void hvx_irqchip_set_tsc_deadline(struct hvx_vcpu *vcpu, u64 tsc)
{
	s64 expires_ns = hvx_tsc_deadline_ns(vcpu, tsc);
	unsigned long flags;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	if (hvx_lapic_set_tsc_deadline(&vcpu->apic->lapic, tsc, expires_ns))
		hvx_apic_timer_update(vcpu->apic);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
}

/* The vCPU's CPUID table changed: what it offers the APIC. */
void hvx_irqchip_set_cpuid(struct hvx_vcpu *vcpu)
{
	bool x2apic, tsc_deadline;
	unsigned long flags;

	hvx_cpuid_apic_features(vcpu, &x2apic, &tsc_deadline);
	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	hvx_lapic_set_cpuid(&vcpu->apic->lapic, x2apic, tsc_deadline);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
}

/**
 * hvx_irqchip_vcpu_by_apic_id - the vCPU a physical APIC ID names
 * @vm: the VM, with its in-kernel irqchip
 * @id: the ID (an x2APIC ID for an APIC in x2APIC mode)
 *
 * Return: the vCPU, or NULL if no local APIC has that ID.
 */
struct hvx_vcpu *hvx_irqchip_vcpu_by_apic_id(struct hvx_vm *vm, u32 id)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);
	struct hvx_vcpu *found = NULL;
	unsigned long flags;
	unsigned int i;

	if (!chip)
		return NULL;
	raw_spin_lock_irqsave(&chip->lock, flags);
	for (i = 0; i < HVX_MAX_VCPUS && !found; i++) {
		struct hvx_vcpu *v = hvx_vm_vcpu(vm, i);

		if (v && v->apic && hvx_lapic_id(&v->apic->lapic) == id)
			found = v;
	}
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return found;
}

/* The vCPU's IA32_MCG_CAP gained or lost CMCI (kmod/x86/mce.c). */
void hvx_irqchip_set_cmci(struct hvx_vcpu *vcpu, bool on)
{
	struct hvx_irqchip *chip = hvx_irqchip(vcpu->vm);
	unsigned long flags;

	raw_spin_lock_irqsave(&chip->lock, flags);
	hvx_lapic_set_cmci(&vcpu->apic->lapic, on);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
}

/*
 * A corrected machine check to signal (kmod/x86/mce.c): the interrupt or
 * NMI the APIC's LVT CMCI entry names, unless it is masked.
 */
void hvx_irqchip_cmci(struct hvx_vcpu *vcpu)
{
	struct hvx_irqchip *chip = hvx_irqchip(vcpu->vm);
	enum hvx_lapic_delivery d;
	unsigned long flags;

	raw_spin_lock_irqsave(&chip->lock, flags);
	d = hvx_lapic_cmci(&vcpu->apic->lapic);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	if (d == HVX_LAPIC_NMI)
		atomic_inc(&vcpu->events.nmi_queued);
	if (d != HVX_LAPIC_DROPPED)
		hvx_vcpu_kick(vcpu);
}
