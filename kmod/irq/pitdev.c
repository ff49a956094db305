// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's in-kernel PIT (KVM_CREATE_PIT2): the 8254 of pit.c at ports
 * 0x40-0x43 (and 0x61 with KVM_PIT_SPEAKER_DUMMY), channel 0's interrupt
 * on GSI 0 from an hrtimer, and KVM_GET/SET_PIT2.  A tick the guest has
 * not taken yet when the next comes is lost, as with KVM's reinjection
 * off: the guest's clock runs on the TSC, not on counted ticks.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../vm.h"
#include "irqchip.h"
#include "pitdev.h"

/**
 * struct hvx_pitdev - the PIT of a VM
 * @vm: the VM
 * @lock: @pit; taken in the timer's hard interrupt context, never with the
 *	irqchip's lock held (the tick raises GSI 0 after dropping it)
 * @pit: the counters (pit.c)
 * @timer: channel 0's interrupt
 */
struct hvx_pitdev {
	struct hvx_vm *vm;
	raw_spinlock_t lock;
	struct hvx_pit pit;
	struct hrtimer timer;
};

static struct hvx_pitdev *hvx_pitdev(struct hvx_vm *vm)
{
	/* Pairs with the release in hvx_pit_create(). */
	return smp_load_acquire(&vm->pit);
}

/* Arm or stop channel 0's timer as the counters say (lock held). */
static void hvx_pit_timer_update(struct hvx_pitdev *dev)
{
	struct hvx_pit_timer t;

	hvx_pit_timer(&dev->pit, ktime_get_ns(), &t);
	if (!t.armed) {
		hrtimer_try_to_cancel(&dev->timer);
		return;
	}
	if (t.clamped)
		pr_info_ratelimited("PIT period raised to %ld us\n",
				    HVX_PIT_MIN_PERIOD_NS / NSEC_PER_USEC);
	hrtimer_start(&dev->timer, ns_to_ktime(t.expires_ns),
		      HRTIMER_MODE_ABS_HARD);
}

/* Channel 0 reached its count: a pulse on GSI 0, and the next period. */
static enum hrtimer_restart hvx_pit_timer_fn(struct hrtimer *timer)
{
	struct hvx_pitdev *dev = container_of(timer, struct hvx_pitdev, timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct hvx_pit_timer t;
	unsigned long flags;

	raw_spin_lock_irqsave(&dev->lock, flags);
	hvx_pit_timer(&dev->pit, ktime_get_ns(), &t);
	if (t.armed && t.periodic) {
		hrtimer_set_expires(timer, ns_to_ktime(t.expires_ns));
		ret = HRTIMER_RESTART;
	}
	raw_spin_unlock_irqrestore(&dev->lock, flags);

	hvx_irqchip_pit_tick(dev->vm);
	return ret;
}

/**
 * hvx_pit_create - KVM_CREATE_PIT2
 * @vm: the VM
 * @argp: struct kvm_pit_config
 *
 * Return: 0; -EEXIST when it has one; -ENXIO without the irqchip, which
 * its interrupt needs (KVM lets the PIT tick into nothing); -EINVAL for
 * flags other than KVM_PIT_SPEAKER_DUMMY; -EFAULT, -ENOMEM.
 */
int hvx_pit_create(struct hvx_vm *vm, void __user *argp)
{
	struct kvm_pit_config config;
	struct hvx_pitdev *dev;
	int r;

	if (copy_from_user(&config, argp, sizeof(config)))
		return -EFAULT;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);
	if (!dev)
		return -ENOMEM;
	dev->vm = vm;
	raw_spin_lock_init(&dev->lock);
	hrtimer_init(&dev->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	dev->timer.function = hvx_pit_timer_fn;
	r = hvx_pit_init(&dev->pit, config.flags, ktime_get_ns());
	if (r)
		goto err;

	mutex_lock(&vm->lock);
	if (vm->pit)
		r = -EEXIST;
	else if (!vm->irqchip)
		r = -ENXIO;
	else	/* published whole: pairs with hvx_pitdev()'s acquire */
		smp_store_release(&vm->pit, dev);
	mutex_unlock(&vm->lock);
	if (!r)
		return 0;
err:
	kfree(dev);
	return r;
}

/* With the VM. */
void hvx_pit_free(struct hvx_vm *vm)
{
	if (!vm->pit)
		return;
	hrtimer_cancel(&vm->pit->timer);
	kfree(vm->pit);
	vm->pit = NULL;
}

/**
 * hvx_pit_pio - port I/O to the PIT
 * @vcpu: the vCPU
 * @port: the port
 * @size: bytes per element: the PIT answers bytes only, as KVM's (a wider
 *	read gives zero, a wider write is dropped)
 * @count: elements
 * @in: IN or INS
 * @data: the elements
 *
 * Return: true when the port is the PIT's.
 */
bool hvx_pit_pio(struct hvx_vcpu *vcpu, u16 port, unsigned int size,
		 unsigned int count, bool in, void *data)
{
	struct hvx_pitdev *dev = hvx_pitdev(vcpu->vm);
	bool rearm = false;
	unsigned long flags;
	unsigned int i;
	u8 *p = data;

	if (!dev || !hvx_pit_handles_port(&dev->pit, port))
		return false;
	if (size != 1) {
		if (in)
			memset(data, 0, size * count);
		return true;
	}
	raw_spin_lock_irqsave(&dev->lock, flags);
	for (i = 0; i < count; i++) {
		if (in)
			p[i] = hvx_pit_read(&dev->pit, port, ktime_get_ns());
		else
			rearm |= hvx_pit_write(&dev->pit, port, p[i],
					       ktime_get_ns());
	}
	if (rearm)
		hvx_pit_timer_update(dev);
	raw_spin_unlock_irqrestore(&dev->lock, flags);
	return true;
}

/**
 * hvx_pit_ioctl - KVM_GET_PIT2 and KVM_SET_PIT2
 * @vm: the VM
 * @set: KVM_SET_PIT2
 * @argp: struct kvm_pit_state2
 *
 * Return: 0; -ENXIO without a PIT; -EINVAL for a state pit.c refuses;
 * -EFAULT.
 */
int hvx_pit_ioctl(struct hvx_vm *vm, bool set, void __user *argp)
{
	struct hvx_pitdev *dev = hvx_pitdev(vm);
	struct kvm_pit_state2 s;
	unsigned long flags;
	int r = 0;

	if (!dev)
		return -ENXIO;
	if (set && copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	raw_spin_lock_irqsave(&dev->lock, flags);
	if (set) {
		r = hvx_pit_set_state(&dev->pit, &s, ktime_get_ns());
		if (!r)
			hvx_pit_timer_update(dev);
	} else {
		hvx_pit_get_state(&dev->pit, &s, ktime_get_ns());
	}
	raw_spin_unlock_irqrestore(&dev->lock, flags);
	if (!r && !set && copy_to_user(argp, &s, sizeof(s)))
		r = -EFAULT;
	return r;
}
