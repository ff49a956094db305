// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfds the VMM hands a VM (KVM_IRQFD, KVM_IOEVENTFD), so that devices
 * in other threads or processes reach the guest without a VM exit to the
 * VMM: a write to an irqfd raises its GSI (an edge: the line goes up and
 * down again); a guest's write to an ioeventfd's port or MMIO address
 * signals it, and the guest goes on.
 *
 * An irqfd waits on its eventfd's wait queue: the wake-up comes with the
 * eventfd's lock held and interrupts off, which the irqchip's raw
 * spinlock allows, so the interrupt goes in right there.  The VMM closing
 * the eventfd (EPOLLHUP) detaches the irqfd from a work item, as it
 * cannot be freed from inside that wake-up.  A level-triggered irqfd
 * (KVM_IRQFD_FLAG_RESAMPLE) holds its GSI up on a line of its own until
 * the guest's EOI of the IOAPIC pin: the line goes down then and its
 * resamplefd is signalled, for the device to say whether it still wants
 * the interrupt (by writing the irqfd again).
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "vm.h"

/* As KVM's NR_IOBUS_DEVS: ioeventfds a VM may have. */
#define HVX_MAX_IOEVENTFDS	1000

struct hvx_irqfd {
	struct hvx_vm *vm;
	struct eventfd_ctx *eventfd;
	struct eventfd_ctx *resamplefd;	/* level-triggered, or NULL */
	u32 gsi;
	wait_queue_entry_t wait;
	poll_table pt;
	/* On vm->irqfds (RCU; irqfds_lock to change it) while @listed. */
	struct list_head node;
	bool listed;
	struct work_struct shutdown;
};

struct hvx_ioeventfd {
	struct list_head node;		/* on vm->ioeventfds (RCU) */
	struct rcu_head rcu;
	struct eventfd_ctx *eventfd;
	u64 addr;
	u32 len;			/* 0: any length */
	bool pio;
	bool wildcard;			/* no datamatch */
	u64 datamatch;
};

static struct workqueue_struct *hvx_irqfd_wq;

int hvx_eventfd_init(void)
{
	hvx_irqfd_wq = alloc_workqueue("hvx-irqfd", 0, 0);
	return hvx_irqfd_wq ? 0 : -ENOMEM;
}

void hvx_eventfd_exit(void)
{
	destroy_workqueue(hvx_irqfd_wq);
}

void hvx_vm_eventfd_init(struct hvx_vm *vm)
{
	spin_lock_init(&vm->irqfds_lock);
	INIT_LIST_HEAD(&vm->irqfds);
	mutex_init(&vm->ioeventfds_lock);
	INIT_LIST_HEAD(&vm->ioeventfds);
}

/* Take an irqfd off vm->irqfds, to be freed (irqfds_lock held). */
static void hvx_irqfd_unlist(struct hvx_irqfd *irqfd)
{
	if (!irqfd->listed)
		return;
	irqfd->listed = false;
	list_del_rcu(&irqfd->node);
	queue_work(hvx_irqfd_wq, &irqfd->shutdown);
}

/*
 * The irqfd is off vm->irqfds: take it off its eventfd and, once no
 * reader of the list can see it (hvx_irqfd_resampled()), free it.
 */
static void hvx_irqfd_shutdown(struct work_struct *work)
{
	struct hvx_irqfd *irqfd = container_of(work, struct hvx_irqfd,
					       shutdown);
	u64 cnt;

	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	synchronize_rcu();
	eventfd_ctx_put(irqfd->eventfd);
	if (irqfd->resamplefd) {
		/* Its line does not stay up without it. */
		hvx_irqchip_resample_lower(irqfd->vm, irqfd->gsi);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	kfree(irqfd);
}

/*
 * The eventfd's wake-up, with its wait queue's lock held: a write (the
 * count is consumed and the GSI pulsed), or the eventfd going away.
 */
static int hvx_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			    int sync, void *key)
{
	struct hvx_irqfd *irqfd = container_of(wait, struct hvx_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct hvx_vm *vm = irqfd->vm;
	unsigned long lflags;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		if (irqfd->resamplefd)
			hvx_irqchip_resample_raise(vm, irqfd->gsi);
		else
			hvx_irqchip_pulse_gsi(vm, irqfd->gsi);
	}
	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&vm->irqfds_lock, lflags);
		hvx_irqfd_unlist(irqfd);
		spin_unlock_irqrestore(&vm->irqfds_lock, lflags);
	}
	return 0;
}

static void hvx_irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				 poll_table *pt)
{
	struct hvx_irqfd *irqfd = container_of(pt, struct hvx_irqfd, pt);

	add_wait_queue_priority(wqh, &irqfd->wait);
}

static int hvx_irqfd_assign(struct hvx_vm *vm, const struct kvm_irqfd *args)
{
	struct eventfd_ctx *eventfd;
	struct hvx_irqfd *irqfd, *tmp;
	struct file *file;
	__poll_t events;
	int r;

	file = fget(args->fd);
	if (!file)
		return -EBADF;
	eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(eventfd)) {
		r = PTR_ERR(eventfd);
		goto out;
	}
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd) {
		eventfd_ctx_put(eventfd);
		r = -ENOMEM;
		goto out;
	}
	irqfd->vm = vm;
	irqfd->eventfd = eventfd;
	irqfd->gsi = args->gsi;
	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		irqfd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			r = PTR_ERR(irqfd->resamplefd);
			eventfd_ctx_put(eventfd);
			kfree(irqfd);
			goto out;
		}
	}
	INIT_LIST_HEAD(&irqfd->node);
	INIT_WORK(&irqfd->shutdown, hvx_irqfd_shutdown);
	init_waitqueue_func_entry(&irqfd->wait, hvx_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, hvx_irqfd_queue_proc);

	/* One irqfd per eventfd in a VM, as KVM. */
	spin_lock_irq(&vm->irqfds_lock);
	list_for_each_entry(tmp, &vm->irqfds, node) {
		if (tmp->eventfd == eventfd) {
			spin_unlock_irq(&vm->irqfds_lock);
			if (irqfd->resamplefd)
				eventfd_ctx_put(irqfd->resamplefd);
			eventfd_ctx_put(eventfd);
			kfree(irqfd);
			r = -EBUSY;
			goto out;
		}
	}
	list_add_tail_rcu(&irqfd->node, &vm->irqfds);
	irqfd->listed = true;
	spin_unlock_irq(&vm->irqfds_lock);

	/* A write that came before: raise the GSI now. */
	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN) {
		if (irqfd->resamplefd)
			hvx_irqchip_resample_raise(vm, irqfd->gsi);
		else
			hvx_irqchip_pulse_gsi(vm, irqfd->gsi);
	}
	r = 0;
out:
	fput(file);
	return r;
}

static int hvx_irqfd_deassign(struct hvx_vm *vm, const struct kvm_irqfd *args)
{
	struct eventfd_ctx *eventfd = eventfd_ctx_fdget(args->fd);
	struct hvx_irqfd *irqfd, *tmp;

	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock_irq(&vm->irqfds_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, node)
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi)
			hvx_irqfd_unlist(irqfd);
	spin_unlock_irq(&vm->irqfds_lock);
	eventfd_ctx_put(eventfd);
	/* Once KVM_IRQFD returns, the eventfd no longer reaches the guest. */
	flush_workqueue(hvx_irqfd_wq);
	return 0;
}

/**
 * hvx_irqfd - KVM_IRQFD
 * @vm: the VM
 * @args: the eventfd, the GSI, KVM_IRQFD_FLAG_DEASSIGN or _RESAMPLE with
 *	its resamplefd
 *
 * Return: 0 (also to deassign one not there, as KVM); -EINVAL for unknown
 * flags or without an irqchip (as KVM); -EBADF, or -EINVAL for an fd
 * that is not an eventfd; -EBUSY for an eventfd this VM has as an irqfd.
 */
int hvx_irqfd(struct hvx_vm *vm, const struct kvm_irqfd *args)
{
	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return hvx_irqfd_deassign(vm, args);
	if (!hvx_irqchip(vm))
		return -EINVAL;
	return hvx_irqfd_assign(vm, args);
}

/**
 * hvx_irqfd_resampled - the EOI of a level irqfd's interrupt came
 * @vm: the VM
 * @gsi: its GSI, whose line went down
 *
 * Every resamplefd of @gsi is signalled, under RCU and not irqfds_lock:
 * an irqfd's wake-up takes irqfds_lock inside its eventfd's lock, and a
 * resamplefd may be another irqfd's eventfd.  Not with the irqchip's
 * lock either.
 */
void hvx_irqfd_resampled(struct hvx_vm *vm, u32 gsi)
{
	struct hvx_irqfd *irqfd;

	rcu_read_lock();
	list_for_each_entry_rcu(irqfd, &vm->irqfds, node)
		if (irqfd->resamplefd && irqfd->gsi == gsi)
			hvx_eventfd_signal(irqfd->resamplefd);
	rcu_read_unlock();
}

/* Does an ioeventfd take this write? */
static bool hvx_ioeventfd_match(const struct hvx_ioeventfd *p, bool pio,
				u64 addr, unsigned int len, const void *val)
{
	u64 data = 0;

	if (p->pio != pio || p->addr != addr || (p->len && p->len != len))
		return false;
	if (p->wildcard)
		return true;
	memcpy(&data, val, len);
	return data == p->datamatch;
}

/**
 * hvx_ioeventfd_write - a guest's write that an ioeventfd may take
 * @vm: the VM
 * @pio: a port (else MMIO)
 * @addr: the port or guest-physical address
 * @len: bytes written, 1 to 8
 * @val: the data
 *
 * Return: true when an ioeventfd took it (it was signalled): the write is
 * done, nothing goes to the VMM.
 */
bool hvx_ioeventfd_write(struct hvx_vm *vm, bool pio, u64 addr,
			 unsigned int len, const void *val)
{
	struct hvx_ioeventfd *p;
	bool taken = false;

	if (list_empty_careful(&vm->ioeventfds))
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(p, &vm->ioeventfds, node) {
		if (hvx_ioeventfd_match(p, pio, addr, len, val)) {
			hvx_eventfd_signal(p->eventfd);
			taken = true;
			break;
		}
	}
	rcu_read_unlock();
	return taken;
}

/*
 * Would @a and @b take the same write?  As KVM's collision check: the
 * same bus and address, and either takes any length, or the lengths are
 * the same and either takes any data or their data is the same.
 */
static bool hvx_ioeventfd_collide(const struct hvx_ioeventfd *a,
				  const struct hvx_ioeventfd *b)
{
	return a->pio == b->pio && a->addr == b->addr &&
	       (!a->len || !b->len ||
		(a->len == b->len &&
		 (a->wildcard || b->wildcard || a->datamatch == b->datamatch)));
}

static void hvx_ioeventfd_free_rcu(struct rcu_head *head)
{
	struct hvx_ioeventfd *p = container_of(head, struct hvx_ioeventfd, rcu);

	eventfd_ctx_put(p->eventfd);
	kfree(p);
}

/**
 * hvx_ioeventfd - KVM_IOEVENTFD
 * @vm: the VM
 * @args: the eventfd, address, length, datamatch and flags
 *
 * Return: 0; -EINVAL for a length other than 0, 1, 2, 4 or 8, a range
 * that wraps, DATAMATCH with length 0, or unknown flags (s390's
 * KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, which KVM takes on x86 too); -EBADF for an fd
 * that is not an eventfd; -EEXIST for one that would take the same
 * writes as another; -ENOENT to deassign one not there; -ENOSPC past
 * HVX_MAX_IOEVENTFDS.
 */
int hvx_ioeventfd(struct hvx_vm *vm, const struct kvm_ioeventfd *args)
{
	u32 known = KVM_IOEVENTFD_FLAG_DATAMATCH | KVM_IOEVENTFD_FLAG_PIO |
		    KVM_IOEVENTFD_FLAG_DEASSIGN;
	struct hvx_ioeventfd *p, *q;
	unsigned int n = 0;
	int r;

	/* As KVM: the checks are for a new one; deassigning only matches. */
	if (!(args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)) {
		if ((args->len & (args->len - 1)) || args->len > 8 ||
		    args->addr + args->len < args->addr ||
		    (args->flags & ~known) ||
		    (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)))
			return -EINVAL;
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(p->eventfd)) {
		r = PTR_ERR(p->eventfd);
		kfree(p);
		return r;
	}
	p->addr = args->addr;
	p->len = args->len;
	p->pio = args->flags & KVM_IOEVENTFD_FLAG_PIO;
	p->wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	p->datamatch = args->datamatch;

	mutex_lock(&vm->ioeventfds_lock);
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN) {
		r = -ENOENT;
		list_for_each_entry(q, &vm->ioeventfds, node) {
			if (q->eventfd == p->eventfd && q->pio == p->pio &&
			    q->addr == p->addr && q->len == p->len &&
			    q->wildcard == p->wildcard &&
			    (q->wildcard || q->datamatch == p->datamatch)) {
				list_del_rcu(&q->node);
				call_rcu(&q->rcu, hvx_ioeventfd_free_rcu);
				r = 0;
				break;
			}
		}
		mutex_unlock(&vm->ioeventfds_lock);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
		return r;
	}
	r = 0;
	list_for_each_entry(q, &vm->ioeventfds, node) {
		if (hvx_ioeventfd_collide(q, p))
			r = -EEXIST;
		n++;
	}
	if (!r && n >= HVX_MAX_IOEVENTFDS)
		r = -ENOSPC;
	if (!r)
		list_add_tail_rcu(&p->node, &vm->ioeventfds);
	mutex_unlock(&vm->ioeventfds_lock);
	if (r) {
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	return r;
}

/* With the VM: no vCPU runs, no ioctl comes. */
void hvx_vm_eventfd_free(struct hvx_vm *vm)
{
	struct hvx_ioeventfd *p, *pn;
	struct hvx_irqfd *irqfd, *tmp;

	spin_lock_irq(&vm->irqfds_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, node)
		hvx_irqfd_unlist(irqfd);
	spin_unlock_irq(&vm->irqfds_lock);
	/* Also the irqfds whose eventfd went away (EPOLLHUP) meanwhile. */
	flush_workqueue(hvx_irqfd_wq);

	list_for_each_entry_safe(p, pn, &vm->ioeventfds, node) {
		list_del(&p->node);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
}
