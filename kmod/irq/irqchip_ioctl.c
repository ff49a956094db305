// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel irqchip's ioctls: KVM_IRQ_LINE(_STATUS), KVM_SIGNAL_MSI,
 * KVM_SET_GSI_ROUTING and KVM_GET/SET_IRQCHIP on the VM, KVM_GET/SET_LAPIC
 * on a vCPU.  Everything the VMM gives is checked by the device it goes
 * to before anything changes.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../vm.h"
#include "irqchip.h"

/**
 * hvx_irqchip_ioctl - the VM ioctls of the irqchip
 * @vm: the VM
 * @ioctl: KVM_CREATE_IRQCHIP, KVM_IRQ_LINE(_STATUS), KVM_SIGNAL_MSI,
 *	KVM_SET_GSI_ROUTING, KVM_GET/SET_IRQCHIP, and the PIT's
 *	KVM_CREATE_PIT2 and KVM_GET/SET_PIT2
 * @argp: its argument
 *
 * Return: as each ioctl; -ENOTTY for any other.
 */
long hvx_irqchip_ioctl(struct hvx_vm *vm, unsigned int ioctl,
		       void __user *argp)
{
	struct kvm_irqchip *chip;
	struct kvm_irq_level line;
	struct kvm_msi msi;
	long r;

	switch (ioctl) {
	case KVM_CREATE_IRQCHIP:
		return hvx_irqchip_create(vm);
	case KVM_IRQ_LINE:
	case KVM_IRQ_LINE_STATUS:
		if (copy_from_user(&line, argp, sizeof(line)))
			return -EFAULT;
		r = hvx_irqchip_line(vm, &line);
		if (!r && ioctl == KVM_IRQ_LINE_STATUS &&
		    copy_to_user(argp, &line, sizeof(line)))
			r = -EFAULT;
		return r;
	case KVM_SIGNAL_MSI:
		if (copy_from_user(&msi, argp, sizeof(msi)))
			return -EFAULT;
		return hvx_irqchip_signal_msi(vm, &msi);
	case KVM_SET_GSI_ROUTING:
		return hvx_irqchip_set_routing(vm, argp);
	case KVM_CREATE_PIT2:
		return hvx_pit_create(vm, argp);
	case KVM_GET_PIT2:
	case KVM_SET_PIT2:
		return hvx_pit_ioctl(vm, ioctl == KVM_SET_PIT2, argp);
	case KVM_GET_IRQCHIP:
	case KVM_SET_IRQCHIP:
		chip = memdup_user(argp, sizeof(*chip));
		if (IS_ERR(chip))
			return PTR_ERR(chip);
		if (ioctl == KVM_SET_IRQCHIP) {
			r = hvx_irqchip_set(vm, chip);
		} else {
			r = hvx_irqchip_get(vm, chip);
			if (!r && copy_to_user(argp, chip, sizeof(*chip)))
				r = -EFAULT;
		}
		kfree(chip);
		return r;
	}
	return -ENOTTY;
}

/**
 * hvx_irqchip_line - KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS
 * @vm: the VM
 * @line: the GSI and level; @line->status gets the result
 *
 * Return: 0, or -ENXIO without an irqchip.
 */
int hvx_irqchip_line(struct hvx_vm *vm, struct kvm_irq_level *line)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);

	if (!chip)
		return -ENXIO;
	line->status = hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_VMM, line->irq,
					   line->level);
	return 0;
}

/**
 * hvx_irqchip_signal_msi - KVM_SIGNAL_MSI
 * @vm: the VM
 * @msi: the message
 *
 * Return: as KVM: how many APICs took it, or -1 (-EPERM to the VMM) when
 * none did; -EINVAL for a bad message or without an irqchip.
 */
int hvx_irqchip_signal_msi(struct hvx_vm *vm, const struct kvm_msi *msi)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);
	unsigned long flags;
	struct hvx_irq irq;
	int r;

	if (!chip)
		return -EINVAL;
	if (msi->flags || memchr_inv(msi->pad, 0, sizeof(msi->pad)) ||
	    !hvx_msi_valid(msi->address_lo, msi->address_hi))
		return -EINVAL;
	hvx_msi_decode(msi->address_lo, msi->address_hi, msi->data, &irq);
	raw_spin_lock_irqsave(&chip->lock, flags);
	r = hvx_irqchip_deliver(chip, &irq, NULL);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return r;
}

/**
 * hvx_irqchip_set_routing - KVM_SET_GSI_ROUTING
 * @vm: the VM
 * @argp: the VMM's struct kvm_irq_routing and its entries
 *
 * The new table replaces the old one whole; lines already raised stay
 * as the devices have them.
 *
 * Return: 0, -EINVAL for a table routing.c refuses or without an irqchip
 * (as KVM), -EFAULT, -ENOMEM.
 */
int hvx_irqchip_set_routing(struct hvx_vm *vm,
			    struct kvm_irq_routing __user *argp)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);
	struct kvm_irq_routing_entry *e = NULL;
	struct hvx_routing *rt, *old;
	struct kvm_irq_routing h;

	if (!chip)
		return -EINVAL;
	if (copy_from_user(&h, argp, sizeof(h)))
		return -EFAULT;
	if (h.nr > HVX_ROUTING_MAX_ROUTES || h.flags)
		return -EINVAL;
	if (h.nr) {
		e = vmemdup_user(argp->entries, array_size(sizeof(*e), h.nr));
		if (IS_ERR(e))
			return PTR_ERR(e);
	}
	rt = hvx_routing_build(e, h.nr);
	kvfree(e);
	if (IS_ERR(rt))
		return PTR_ERR(rt);

	mutex_lock(&chip->routing_lock);
	old = rcu_replace_pointer(chip->routing, rt,
				  lockdep_is_held(&chip->routing_lock));
	mutex_unlock(&chip->routing_lock);
	synchronize_rcu();
	hvx_routing_free(old);
	return 0;
}

/**
 * hvx_irqchip_get - KVM_GET_IRQCHIP
 * @vm: the VM
 * @chip: chip_id in; the state out
 *
 * Return: 0, -EINVAL for an unknown chip, -ENXIO without an irqchip.
 */
int hvx_irqchip_get(struct hvx_vm *vm, struct kvm_irqchip *chip)
{
	struct hvx_irqchip *ic = hvx_irqchip(vm);
	unsigned long flags;
	int r = 0;

	if (!ic)
		return -ENXIO;
	memset(&chip->chip, 0, sizeof(chip->chip));
	raw_spin_lock_irqsave(&ic->lock, flags);
	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		r = hvx_pic_get_state(&ic->pic, chip->chip_id, &chip->chip.pic);
		break;
	case KVM_IRQCHIP_IOAPIC:
		hvx_ioapic_get_state(&ic->ioapic, &chip->chip.ioapic);
		break;
	default:
		r = -EINVAL;
	}
	raw_spin_unlock_irqrestore(&ic->lock, flags);
	return r;
}

/**
 * hvx_irqchip_set - KVM_SET_IRQCHIP
 * @vm: the VM
 * @chip: the chip and its state, checked before anything changes
 *
 * Return: 0, -EINVAL for an unknown chip or a state it cannot be in,
 * -ENXIO without an irqchip.
 */
int hvx_irqchip_set(struct hvx_vm *vm, const struct kvm_irqchip *chip)
{
	struct hvx_irqchip *ic = hvx_irqchip(vm);
	unsigned long flags;
	int r;

	if (!ic)
		return -ENXIO;
	raw_spin_lock_irqsave(&ic->lock, flags);
	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		r = hvx_pic_set_state(&ic->pic, chip->chip_id, &chip->chip.pic);
		hvx_irqchip_pic_update(ic);
		break;
	case KVM_IRQCHIP_IOAPIC:
		r = hvx_ioapic_set_state(&ic->ioapic, &chip->chip.ioapic);
		break;
	default:
		r = -EINVAL;
	}
	raw_spin_unlock_irqrestore(&ic->lock, flags);
	return r;
}

/* KVM_GET_LAPIC.  Return: 0, or -EINVAL without an irqchip (as KVM). */
int hvx_irqchip_get_lapic(struct hvx_vcpu *vcpu, struct kvm_lapic_state *s)
{
	unsigned long flags;

	if (!vcpu->apic)
		return -EINVAL;
	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	hvx_lapic_get_state(&vcpu->apic->lapic, s, ktime_get_ns());
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
	return 0;
}

/* KVM_SET_LAPIC.  Return: 0, or -EINVAL for bad state or no irqchip. */
int hvx_irqchip_set_lapic(struct hvx_vcpu *vcpu,
			  const struct kvm_lapic_state *s)
{
	unsigned long flags;
	int r;

	if (!vcpu->apic)
		return -EINVAL;
	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	r = hvx_lapic_set_state(&vcpu->apic->lapic, s, ktime_get_ns());
	if (!r) {
		hvx_apic_timer_update(vcpu->apic);
		hvx_vcpu_kick(vcpu);
	}
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
	return r;
}
