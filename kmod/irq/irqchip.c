// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's in-kernel irqchip: KVM_CREATE_IRQCHIP's PICs, IOAPIC, GSI routing
 * and a local APIC per vCPU, wired together (the IOAPIC's and the ICRs'
 * messages to the APICs they name, EOIs back to the IOAPIC, the PIC to
 * the vCPUs whose LINT0 takes it), to the vCPUs (a kick when one has
 * something to take) and to the guest (their ports, the IOAPIC's and the
 * APICs' MMIO, the x2APIC MSRs, CR8).  The devices themselves are pure
 * state machines (pic.c, ioapic.c, routing.c, lapic*.c); everything here
 * holds chip->lock around them.
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
static void hvx_irqchip_act(struct hvx_vcpu *vcpu,
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
		       vcpu->id == 0);
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = hvx_apic_timer_fn;
	vcpu->apic = apic;
	return 0;
}

/* INIT: the vCPU's APIC goes back to its state after INIT. */
void hvx_irqchip_init_apic(struct hvx_vcpu *vcpu)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vcpu->vm->irqchip->lock, flags);
	hvx_lapic_reset(&vcpu->apic->lapic, true, vcpu->id == 0);
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

/**
 * hvx_irqchip_take_interrupt - the vCPU takes its next interrupt
 * @vcpu: the vCPU, about to enter with interrupts allowed
 *
 * The PIC's, through LINT0 in ExtINT mode, comes first, then the APIC's
 * (as KVM).  Taking it is the CPU's acknowledgment: the PIC's INTA, the
 * APIC's move from IRR to ISR.
 *
 * Return: the vector, or -1.
 */
int hvx_irqchip_take_interrupt(struct hvx_vcpu *vcpu)
{
	struct hvx_irqchip *chip = vcpu->vm->irqchip;
	struct hvx_lapic *lapic = &vcpu->apic->lapic;
	unsigned long flags;
	int vector = -1;

	raw_spin_lock_irqsave(&chip->lock, flags);
	if (hvx_lapic_accepts_pic(lapic) && hvx_pic_output(&chip->pic)) {
		vector = hvx_pic_acknowledge(&chip->pic);
		hvx_irqchip_pic_update(chip);
	} else {
		vector = hvx_lapic_pending(lapic);
		if (vector >= 0)
			hvx_lapic_acknowledge(lapic, vector);
	}
	raw_spin_unlock_irqrestore(&chip->lock, flags);
	return vector;
}

/* Has the vCPU an interrupt to take once it allows interrupts? */
bool hvx_irqchip_has_interrupt(struct hvx_vcpu *vcpu)
{
	struct hvx_irqchip *chip = vcpu->vm->irqchip;
	struct hvx_lapic *lapic = &vcpu->apic->lapic;
	unsigned long flags;
	bool has;

	raw_spin_lock_irqsave(&chip->lock, flags);
	has = (hvx_lapic_accepts_pic(lapic) && hvx_pic_output(&chip->pic)) ||
	      hvx_lapic_pending(lapic) >= 0;
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
	hvx_irqchip_pic_update(chip);
	raw_spin_unlock_irqrestore(&chip->lock, flags);
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
		   !hvx_lapic_x2apic_mode(lapic) &&
		   (lapic->base & MSR_IA32_APICBASE_ENABLE)) {
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
