// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's in-kernel irqchip: KVM_CREATE_IRQCHIP's PICs, IOAPIC, GSI routing
 * and a local APIC per vCPU, wired together (the IOAPIC's and the ICRs'
 * messages to the APICs they name, EOIs back to the IOAPIC, the PIC to
 * the vCPUs whose LINT0 takes it) and to the vCPUs (a kick when one has
 * something to take, the APIC timers); irqchip_vcpu.c wires them to the
 * guest.  The devices themselves are pure state machines (pic.c,
 * ioapic.c, routing.c, lapic*.c); everything here holds chip->lock around
 * them.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../vm.h"
#include "../x86/x86.h"
#include "irqchip.h"

/*
 * Hand @irq to a vCPU's APIC (the lock is held) and kick the vCPU if it
 * has something new to take.  Return: 1 if it took the interrupt.
 */
static int hvx_irqchip_accept(struct hvx_vcpu *vcpu, const struct hvx_irq *irq)
{
	switch (hvx_lapic_accept(&vcpu->apic->lapic, irq)) {
	case HVX_LAPIC_IRR:
		hvx_vcpu_kick(vcpu);
		return 1;
	case HVX_LAPIC_NMI:
		atomic_inc(&vcpu->events.nmi_queued);
		hvx_vcpu_kick(vcpu);
		return 1;
	case HVX_LAPIC_ILLEGAL:
		/* The error LVT may have raised an interrupt of its own. */
		hvx_vcpu_kick(vcpu);
		return 0;
	case HVX_LAPIC_INIT:
		hvx_vcpu_apic_event(vcpu, true, 0);
		return 1;
	case HVX_LAPIC_SIPI:
		hvx_vcpu_apic_event(vcpu, false, irq->vector);
		return 1;
	case HVX_LAPIC_SMI:
		hvx_vcpu_smi(vcpu);
		return 1;
	default:
		return 0;
	}
}

/*
 * Deliver @irq to the APICs it names, from @source (an IPI's sender, or
 * NULL); the lock is held.  A lowest-priority interrupt goes to one of
 * them.  Return: how many took it, or -1 for none (KVM's convention).
 */
int hvx_irqchip_deliver(struct hvx_irqchip *chip, const struct hvx_irq *irq,
			const struct hvx_lapic *source)
{
	struct hvx_vcpu *vcpu, *lowest = NULL;
	unsigned int i;
	int n = 0;

	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		vcpu = hvx_vm_vcpu(chip->vm, i);
		if (!vcpu || !vcpu->apic ||
		    !hvx_lapic_matches(&vcpu->apic->lapic, irq, source))
			continue;
		if (irq->delivery_mode != HVX_DM_LOWEST) {
			n += hvx_irqchip_accept(vcpu, irq);
		} else if (!lowest ||
			   hvx_lapic_compare_prio(&vcpu->apic->lapic,
						  &lowest->apic->lapic) < 0) {
			lowest = vcpu;
		}
	}
	if (lowest)
		n += hvx_irqchip_accept(lowest, irq);
	return n ? n : -1;
}

static int hvx_ioapic_deliver(void *opaque, const struct hvx_irq *irq)
{
	return hvx_irqchip_deliver(opaque, irq, NULL);
}

/*
 * The EOI of a level-triggered IOAPIC pin (the lock is held): a level
 * irqfd's line goes down at once, before the IOAPIC looks at the pin
 * again, as KVM's resampler does; its resamplefd is signalled once the
 * lock is dropped (hvx_irqchip_resample_done()).
 */
static void hvx_ioapic_ack(void *opaque, unsigned int pin)
{
	struct hvx_irqchip *chip = opaque;
	unsigned int s;
	bool any = false;
	int gsi;

	if (!(chip->ioapic_lines[HVX_IRQ_SOURCE_RESAMPLE] & BIT(pin)))
		return;
	chip->ioapic_lines[HVX_IRQ_SOURCE_RESAMPLE] &= ~BIT(pin);
	for (s = 0; s < HVX_NR_IRQ_SOURCES; s++)
		any |= chip->ioapic_lines[s] & BIT(pin);
	hvx_ioapic_set_irq(&chip->ioapic, pin, any);
	rcu_read_lock();
	gsi = hvx_routing_gsi_of_pin(rcu_dereference(chip->routing),
				     KVM_IRQCHIP_IOAPIC, pin);
	rcu_read_unlock();
	if (gsi >= 0 && gsi < KVM_IOAPIC_NUM_PINS)
		__set_bit(gsi, chip->resample);
}

static const struct hvx_ioapic_ops hvx_ioapic_ops = {
	.deliver = hvx_ioapic_deliver,
	.ack = hvx_ioapic_ack,
};

/*
 * An IRQ left the PIC's service (the lock is held, the PIC mid-call): for
 * a level irqfd whose interrupt the guest takes through the PIC, as the
 * IOAPIC's EOI above.  The irqfd's line goes down; if no other source
 * holds the input up, the PIC lowers it before it looks again (KVM's
 * resampler lowers it from the PIC's ack notifier likewise).  Return:
 * whether the input is now low.
 */
static bool hvx_pic_ack(void *opaque, unsigned int irq)
{
	struct hvx_irqchip *chip = opaque;
	unsigned int s;
	bool any = false;
	int gsi;

	if (!(chip->pic_lines[HVX_IRQ_SOURCE_RESAMPLE] & BIT(irq)))
		return false;
	chip->pic_lines[HVX_IRQ_SOURCE_RESAMPLE] &= ~BIT(irq);
	rcu_read_lock();
	gsi = hvx_routing_gsi_of_pin(rcu_dereference(chip->routing),
				     irq < 8 ? KVM_IRQCHIP_PIC_MASTER :
					       KVM_IRQCHIP_PIC_SLAVE, irq & 7);
	rcu_read_unlock();
	if (gsi >= 0 && gsi < KVM_IOAPIC_NUM_PINS)
		__set_bit(gsi, chip->resample);
	for (s = 0; s < HVX_NR_IRQ_SOURCES; s++)
		any |= chip->pic_lines[s] & BIT(irq);
	return !any;
}

/* Are there resamplefds to signal (hvx_irqchip_resample_done())? */
bool hvx_irqchip_resample_pending(struct hvx_irqchip *chip)
{
	return !bitmap_empty(chip->resample, KVM_IOAPIC_NUM_PINS);
}

/* The PIC's output changed: kick the vCPUs that take it (lock held). */
void hvx_irqchip_pic_update(struct hvx_irqchip *chip)
{
	struct hvx_vcpu *vcpu;
	unsigned int i;

	if (!hvx_pic_output(&chip->pic))
		return;
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		vcpu = hvx_vm_vcpu(chip->vm, i);
		if (vcpu && vcpu->apic &&
		    hvx_lapic_accepts_pic(&vcpu->apic->lapic))
			hvx_vcpu_kick(vcpu);
	}
}

/* Arm or stop a vCPU's APIC timer as its registers say (lock held). */
void hvx_apic_timer_update(struct hvx_vcpu_apic *apic)
{
	struct hvx_lapic_timer t;

	hvx_lapic_timer(&apic->lapic, &t);
	if (!t.armed) {
		hrtimer_try_to_cancel(&apic->timer);
		return;
	}
	if (t.clamped)
		pr_info_ratelimited("vCPU %u: APIC timer period raised to %lu us\n",
				    apic->vcpu->id,
				    HVX_LAPIC_MIN_PERIOD_NS / NSEC_PER_USEC);
	hrtimer_start(&apic->timer, ns_to_ktime(t.expires_ns),
		      HRTIMER_MODE_ABS_HARD);
}

static enum hrtimer_restart hvx_apic_timer_fn(struct hrtimer *timer)
{
	struct hvx_vcpu_apic *apic = container_of(timer, struct hvx_vcpu_apic,
						  timer);
	struct hvx_irqchip *chip = apic->vcpu->vm->irqchip;
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct hvx_lapic_timer t;
	unsigned long flags;

	raw_spin_lock_irqsave(&chip->lock, flags);
	if (hvx_lapic_timer_fired(&apic->lapic, ktime_get_ns()) !=
	    HVX_LAPIC_DROPPED)
		hvx_vcpu_kick(apic->vcpu);
	hvx_lapic_timer(&apic->lapic, &t);
	if (t.armed) {
		hrtimer_set_expires(timer, ns_to_ktime(t.expires_ns));
		ret = HRTIMER_RESTART;
	}
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return ret;
}

static enum hrtimer_restart hvx_storm_fn(struct hrtimer *timer)
{
	struct hvx_irqchip *chip = container_of(timer, struct hvx_irqchip,
						storm);
	unsigned long flags;

	raw_spin_lock_irqsave(&chip->lock, flags);
	hvx_ioapic_redeliver(&chip->ioapic);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return HRTIMER_NORESTART;
}

/* Do what a write to @vcpu's APIC asks (lock held). */
void hvx_irqchip_act(struct hvx_vcpu *vcpu,
		     const struct hvx_lapic_action *act)
{
	struct hvx_irqchip *chip = vcpu->vm->irqchip;

	if (act->flags & HVX_LAPIC_ACT_IPI)
		hvx_irqchip_deliver(chip, &act->ipi, &vcpu->apic->lapic);
	if ((act->flags & HVX_LAPIC_ACT_EOI) && act->eoi_level &&
	    hvx_ioapic_eoi(&chip->ioapic, act->eoi_vector))
		hrtimer_start(&chip->storm,
			      ns_to_ktime(HVX_IOAPIC_STORM_DELAY_NS),
			      HRTIMER_MODE_REL_HARD);
	if (act->flags & HVX_LAPIC_ACT_TIMER)
		hvx_apic_timer_update(vcpu->apic);
	if (act->flags & HVX_LAPIC_ACT_MOVED)
		pr_warn_once("vCPU %u: the guest moved its APIC; it answers at %#x only\n",
			     vcpu->id, HVX_LAPIC_BASE);
	/* An EOI or a TPR write may let a waiting interrupt through. */
	hvx_vcpu_kick(vcpu);
}

/**
 * hvx_irqchip_create - KVM_CREATE_IRQCHIP
 * @vm: the VM, with no vCPU yet
 *
 * Return: 0; -EEXIST when it has one, -EINVAL once a vCPU exists (as
 * KVM), -ENOMEM.
 */
int hvx_irqchip_create(struct hvx_vm *vm)
{
	struct hvx_irqchip *chip;
	int r = 0;

	mutex_lock(&vm->lock);
	if (vm->irqchip) {
		r = -EEXIST;
		goto out;
	}
	if (vm->nr_vcpus) {
		r = -EINVAL;
		goto out;
	}
	chip = kzalloc(sizeof(*chip), GFP_KERNEL_ACCOUNT);
	if (!chip) {
		r = -ENOMEM;
		goto out;
	}
	chip->vm = vm;
	raw_spin_lock_init(&chip->lock);
	mutex_init(&chip->routing_lock);
	chip->pic.ack = hvx_pic_ack;
	chip->pic.opaque = chip;
	hvx_pic_reset(&chip->pic);
	hvx_ioapic_init(&chip->ioapic, &hvx_ioapic_ops, chip);
	hrtimer_init(&chip->storm, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	chip->storm.function = hvx_storm_fn;
	RCU_INIT_POINTER(chip->routing, hvx_routing_default());
	if (IS_ERR(rcu_access_pointer(chip->routing))) {
		r = PTR_ERR(rcu_access_pointer(chip->routing));
		kfree(chip);
		goto out;
	}
	/* Published whole: pairs with hvx_irqchip()'s acquire. */
	smp_store_release(&vm->irqchip, chip);
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* With the VM: no vCPU runs, every APIC timer is stopped already. */
void hvx_irqchip_free(struct hvx_vm *vm)
{
	struct hvx_irqchip *chip = vm->irqchip;

	if (!chip)
		return;
	hrtimer_cancel(&chip->storm);
	hvx_routing_free(rcu_dereference_protected(chip->routing, true));
	kfree(chip);
}

/* A vCPU created on a VM with an irqchip gets its APIC (vm->lock held). */
int hvx_irqchip_vcpu_create(struct hvx_vcpu *vcpu)
{
	struct hvx_vcpu_apic *apic;

	if (!vcpu->vm->irqchip)
		return 0;
	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	apic->vcpu = vcpu;
	hvx_lapic_init(&apic->lapic, vcpu->id, boot_cpu_data.x86_phys_bits,
		       hvx_vcpu_is_bsp(vcpu));
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = hvx_apic_timer_fn;
	vcpu->apic = apic;
	hvx_irqchip_set_cpuid(vcpu);
	return 0;
}

/* INIT: the vCPU's APIC goes back to its state after INIT. */
void hvx_irqchip_init_apic(struct hvx_vcpu *vcpu)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	hvx_lapic_reset(&vcpu->apic->lapic, true, hvx_vcpu_is_bsp(vcpu));
	hvx_apic_timer_update(vcpu->apic);
	raw_spin_unlock_irqrestore(&vcpu->vm->irqchip->lock, flags);
}

void hvx_irqchip_vcpu_free(struct hvx_vcpu *vcpu)
{
	if (!vcpu->apic)
		return;
	hrtimer_cancel(&vcpu->apic->timer);
	kfree(vcpu->apic);
	vcpu->apic = NULL;
}

/*
 * Set @gsi's level for @source, through the routing.  Return: as
 * KVM_IRQ_LINE_STATUS: > 0 delivered, 0 coalesced, < 0 masked or nowhere.
 */
int hvx_irqchip_set_gsi(struct hvx_irqchip *chip,
			enum hvx_irq_source source, u32 gsi, bool level)
{
	const struct hvx_route *routes;
	struct hvx_routing *rt;
	unsigned int i, n, pin;
	unsigned long flags;
	struct hvx_irq msi;
	int ret = -1, r;

	rcu_read_lock();
	rt = rcu_dereference(chip->routing);
	n = hvx_routing_lookup(rt, gsi, &routes);
	raw_spin_lock_irqsave(&chip->lock, flags);
	for (i = 0; i < n; i++) {
		const struct hvx_route *e = &routes[i];
		unsigned int s;
		bool any = false;

		switch (e->type) {
		case KVM_IRQ_ROUTING_IRQCHIP:
			if (e->irqchip == KVM_IRQCHIP_IOAPIC) {
				pin = e->pin;
				chip->ioapic_lines[source] &= ~BIT(pin);
				chip->ioapic_lines[source] |= level << pin;
				for (s = 0; s < HVX_NR_IRQ_SOURCES; s++)
					any |= chip->ioapic_lines[s] & BIT(pin);
				r = hvx_ioapic_set_irq(&chip->ioapic, pin, any);
			} else {
				pin = e->pin + (e->irqchip ==
						KVM_IRQCHIP_PIC_SLAVE ? 8 : 0);
				chip->pic_lines[source] &= ~BIT(pin);
				chip->pic_lines[source] |= level << pin;
				for (s = 0; s < HVX_NR_IRQ_SOURCES; s++)
					any |= chip->pic_lines[s] & BIT(pin);
				r = hvx_pic_set_irq(&chip->pic, pin, any);
				hvx_irqchip_pic_update(chip);
			}
			break;
		case KVM_IRQ_ROUTING_MSI:
			/* An MSI is an edge: the rising level sends it. */
			if (!level ||
			    !hvx_msi_valid(e->msi.address_lo, e->msi.address_hi)) {
				r = -1;
				break;
			}
			hvx_msi_decode(e->msi.address_lo, e->msi.address_hi,
				       e->msi.data, &msi);
			r = hvx_irqchip_deliver(chip, &msi, NULL);
			break;
		default:
			r = -1;
			break;
		}
		if (r >= 0)
			ret = r + (ret < 0 ? 0 : ret);
	}
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	rcu_read_unlock();
	return ret;
}

/* An irqfd's edge: @gsi up and down on the VMM's line, as KVM's. */
void hvx_irqchip_pulse_gsi(struct hvx_vm *vm, u32 gsi)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);

	if (!chip)
		return;
	hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_VMM, gsi, true);
	hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_VMM, gsi, false);
}

/* A level irqfd's write: @gsi up on its own line until the EOI. */
void hvx_irqchip_resample_raise(struct hvx_vm *vm, u32 gsi)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);

	if (chip)
		hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_RESAMPLE, gsi, true);
}

/* A level irqfd went away: its line goes down. */
void hvx_irqchip_resample_lower(struct hvx_vm *vm, u32 gsi)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);

	if (chip)
		hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_RESAMPLE, gsi, false);
}

/* After an EOI, with the lock dropped: signal the resamplefds. */
void hvx_irqchip_resample_done(struct hvx_irqchip *chip)
{
	unsigned long flags, gsi;
	DECLARE_BITMAP(done, KVM_IOAPIC_NUM_PINS);

	raw_spin_lock_irqsave(&chip->lock, flags);
	bitmap_copy(done, chip->resample, KVM_IOAPIC_NUM_PINS);
	bitmap_zero(chip->resample, KVM_IOAPIC_NUM_PINS);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	for_each_set_bit(gsi, done, KVM_IOAPIC_NUM_PINS) {
		/* The IOAPIC's pin is down already; the PIC's too now. */
		hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_RESAMPLE, gsi, false);
		hvx_irqfd_resampled(chip->vm, gsi);
	}
}

/* The PIT's tick: GSI 0 up and down again, its own line (KVM's too). */
void hvx_irqchip_pit_tick(struct hvx_vm *vm)
{
	struct hvx_irqchip *chip = hvx_irqchip(vm);

	hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_PIT, 0, true);
	hvx_irqchip_set_gsi(chip, HVX_IRQ_SOURCE_PIT, 0, false);
}
