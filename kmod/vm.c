// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: creating a VM, its ioctls, and its end; pausing a VM.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/pid.h>
#include <linux/seq_file.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "hvx.h"
#include "vm.h"
#include "x86/x86.h"
#include "../uapi/hvx.h"

static void hvx_vm_destroy(struct kref *ref)
{
	struct hvx_vm *vm = container_of(ref, struct hvx_vm, ref);
	unsigned int i;

	/* Out of netlink's sight before anything goes. */
	hvx_vm_list_del(vm);
	hvx_vm_debugfs_remove(vm);
	/* No eventfd reaches the devices or the vCPUs from here on. */
	hvx_vm_eventfd_free(vm);
	hvx_msr_filter_free(vm);
	/*
	 * The PIT's and the IOAPIC's timers reach every APIC; each APIC's
	 * timer only its own.
	 */
	hvx_pit_free(vm);
	if (vm->irqchip)
		hrtimer_cancel(&vm->irqchip->storm);
	for (i = 0; i < HVX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hvx_vcpu_free(vm->vcpus[i]);
	hvx_irqchip_free(vm);
	hvx_mmu_destroy(vm);
	hvx_vmx_put();
	put_pid(vm->owner);
	mmdrop(vm->mm);
	/* A netlink reader may still be looking at it on the list. */
	kfree_rcu(vm, rcu);
}

void hvx_vm_put(struct hvx_vm *vm)
{
	kref_put(&vm->ref, hvx_vm_destroy);
}

static int hvx_vm_release(struct inode *inode, struct file *filp)
{
	if (filp->private_data)
		hvx_vm_put(filp->private_data);
	return 0;
}

/*
 * Sum up the slots for netlink, which reads the sums without mmu_lock:
 * those of address space 0, the guest's memory (SMM's view repeats it).
 * Each change of a slot is followed by a sum taken under the lock, so the
 * last sum written is of the slots as they are.
 */
static void hvx_vm_sum_slots(struct hvx_vm *vm)
{
	unsigned int i, n = 0;
	u64 size = 0;

	mutex_lock(&vm->mmu_lock);
	for (i = 0; i < HVX_MAX_MEMSLOTS; i++) {
		if (!vm->slots[0].slot[i].npages)
			continue;
		n++;
		size += vm->slots[0].slot[i].npages << PAGE_SHIFT;
	}
	WRITE_ONCE(vm->nr_slots, n);
	WRITE_ONCE(vm->mem_size, size);
	mutex_unlock(&vm->mmu_lock);
}

static int hvx_vm_set_memory(struct hvx_vm *vm, void __user *argp)
{
	struct kvm_userspace_memory_region m;
	struct hvx_memslot_request req;
	int r;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	req.id = m.slot;
	req.flags = m.flags;
	req.guest_phys_addr = m.guest_phys_addr;
	req.memory_size = m.memory_size;
	req.userspace_addr = m.userspace_addr;
	/* The slot's memory must be the caller's to give. */
	if (m.memory_size &&
	    !access_ok((void __user *)(unsigned long)m.userspace_addr,
		       m.memory_size))
		return -EINVAL;
	r = hvx_mmu_set_slot(vm, &req);
	if (!r)
		hvx_vm_sum_slots(vm);
	return r;
}

static int hvx_vm_create_vcpu(struct hvx_vm *vm, unsigned long id)
{
	struct hvx_vcpu *vcpu;
	struct file *file;
	int fd;

	if (id >= HVX_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (!vm->max_vcpu_ids)
		vm->max_vcpu_ids = HVX_MAX_VCPUS;
	if (id >= vm->max_vcpu_ids) {
		fd = -EINVAL;
		goto out;
	}
	if (vm->vcpus[id]) {
		fd = -EEXIST;
		goto out;
	}
	vcpu = hvx_vcpu_create(vm, id);
	if (IS_ERR(vcpu)) {
		fd = PTR_ERR(vcpu);
		goto out;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err_free_vcpu;
	/* The vCPU fd holds a reference on the VM. */
	kref_get(&vm->ref);
	file = hvx_vcpu_file(vcpu);
	if (IS_ERR(file)) {
		kref_put(&vm->ref, hvx_vm_destroy);	/* never the last */
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err_free_vcpu;
	}
	/*
	 * In vcpus[] before its fd exists, so that no KVM_RUN can start
	 * unseen by VM_PAUSE; the release pairs with hvx_vm_vcpu().
	 */
	smp_store_release(&vm->vcpus[id], vcpu);
	WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus + 1);
	fd_install(fd, file);
	mutex_unlock(&vm->lock);
	hvx_notify(HVX_EVENT_VCPU_CREATED, vm, vcpu, 0);
	return fd;

err_free_vcpu:
	hvx_vcpu_free(vcpu);
out:
	mutex_unlock(&vm->lock);
	return fd;
}

/**
 * hvx_vcpu_enter_guest_mode - the last check before VM entry
 * @vcpu: the vCPU, loaded, with interrupts off
 *
 * From here until the VM exit, only an interrupt gets the vCPU out of the
 * guest.  Setting ->mode first and reading ->paused after, with a full
 * barrier between, pairs with hvx_vm_pause() setting ->paused before it
 * reads ->mode: either this sees the pause, or the pause sees the vCPU in
 * the guest and interrupts its CPU.  The interrupt stays pending while
 * interrupts are off and makes the VM entry exit at once.  Signals and the
 * scheduler are checked here for the same reason.
 *
 * Return: true to enter; false (mode reset) to go back round the run loop.
 */
bool hvx_vcpu_enter_guest_mode(struct hvx_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->mode, HVX_IN_GUEST);
	smp_mb();	/* pairs with the one in hvx_vm_pause() */
	if (READ_ONCE(vcpu->vm->paused) || signal_pending(current) ||
	    need_resched() || READ_ONCE(vcpu->requests)) {
		WRITE_ONCE(vcpu->mode, HVX_OUTSIDE_GUEST);
		return false;
	}
	return true;
}

/**
 * hvx_vcpu_kick - make a vCPU look again at what it may take
 * @vcpu: the vCPU
 *
 * For an interrupt, an NMI or a changed priority from another thread, a
 * timer or the vCPU itself; any context, any lock held.  The request bit
 * comes first: a vCPU about to enter sees it in
 * hvx_vcpu_enter_guest_mode(); one in the guest gets an IPI, whose VM
 * exit brings it back round its run loop; a halted one wakes.
 */
void hvx_vcpu_kick(struct hvx_vcpu *vcpu)
{
	void (*resched)(int cpu) = smp_ops.smp_send_reschedule;
	int cpu;

	set_bit(HVX_REQ_EVENT, &vcpu->requests);
	smp_mb__after_atomic();	/* pairs with hvx_vcpu_enter_guest_mode() */
	if (READ_ONCE(vcpu->mode) == HVX_IN_GUEST) {
		cpu = READ_ONCE(vcpu->vmx.cpu);
		/*
		 * The reschedule IPI, as KVM's kick: through smp_ops, as
		 * newer kernels make smp_send_reschedule() a macro around a
		 * tracepoint modules cannot reach.
		 */
		if (cpu >= 0 && cpu != raw_smp_processor_id())
			resched(cpu);
	}
	rcuwait_wake_up(&vcpu->wait);
}

/**
 * hvx_vm_request_all - give every vCPU of @vm a request, and kick it
 * @vm: the VM
 * @req: an HVX_REQ_* bit
 *
 * Each vCPU acts on it before its next entry.  A vCPU being created sees
 * it only if the caller holds vm->lock or the creator checks for itself.
 */
void hvx_vm_request_all(struct hvx_vm *vm, unsigned int req)
{
	struct hvx_vcpu *vcpu;
	unsigned int i;

	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		vcpu = hvx_vm_vcpu(vm, i);
		if (vcpu) {
			set_bit(req, &vcpu->requests);
			hvx_vcpu_kick(vcpu);
		}
	}
}

/* An interrupt's only job: the VM exit it causes. */
static void hvx_kick_nop(void *unused)
{
}

/**
 * hvx_vm_pause - VM_PAUSE and VM_RESUME
 * @vm: the VM
 * @pause: pause, or resume
 *
 * Pausing returns once no vCPU of @vm is in the guest; from then on each
 * vCPU that comes to enter it waits in hvx_vcpu_wait_resume().  Pausing a
 * paused VM, or resuming a running one, changes nothing.
 *
 * Neither waits for a vCPU's thread, which may be asleep for as long as
 * the VM's owner likes (in a fault on the VMM's memory, with vcpu->mutex
 * and perhaps mmu_lock held): pausing waits only for the VM exits its
 * interrupts force, and vm->pause_lock is held by nothing else.
 *
 * Return: 0.
 */
int hvx_vm_pause(struct hvx_vm *vm, bool pause)
{
	unsigned int i;

	mutex_lock(&vm->pause_lock);
	if (vm->paused == pause) {
		mutex_unlock(&vm->pause_lock);
		return 0;
	}
	WRITE_ONCE(vm->paused, pause);
	smp_mb();	/* see hvx_vcpu_enter_guest_mode() */
	if (!pause)
		wake_up_all(&vm->pause_wq);
	for (i = 0; pause && i < HVX_MAX_VCPUS; i++) {
		struct hvx_vcpu *vcpu = hvx_vm_vcpu(vm, i);
		int cpu;

		if (!vcpu || READ_ONCE(vcpu->mode) != HVX_IN_GUEST)
			continue;
		/*
		 * In the guest, the vCPU's VMCS is active on the CPU it runs
		 * on; any interrupt there is a VM exit.  (If the vCPU left
		 * meanwhile, its VMCS may have moved or gone: then it is out
		 * already, and cannot come back in.)
		 */
		cpu = READ_ONCE(vcpu->vmx.cpu);
		if (cpu >= 0)
			smp_call_function_single(cpu, hvx_kick_nop, NULL, false);
		while (READ_ONCE(vcpu->mode) == HVX_IN_GUEST)
			cond_resched();
	}
	/* Under the lock, so that the events come in the order of the changes. */
	hvx_notify(pause ? HVX_EVENT_VM_PAUSED : HVX_EVENT_VM_RESUMED, vm,
		   NULL, 0);
	mutex_unlock(&vm->pause_lock);
	return 0;
}

/**
 * hvx_vcpu_wait_resume - hold a vCPU of a paused VM until it is resumed
 * @vcpu: the vCPU, in KVM_RUN
 *
 * Return: 0 once resumed, -EINTR if a signal came first.
 */
int hvx_vcpu_wait_resume(struct hvx_vcpu *vcpu)
{
	int r;

	WRITE_ONCE(vcpu->state, HVX_VCPU_PAUSED);
	r = wait_event_interruptible(vcpu->vm->pause_wq,
				     !READ_ONCE(vcpu->vm->paused));
	WRITE_ONCE(vcpu->state, HVX_VCPU_RUNNING);
	return r ? -EINTR : 0;
}

/*
 * KVM_ENABLE_CAP on the VM.  KVM_CAP_MAX_VCPU_ID, how many vCPU ids the
 * VMM will use (KVM sizes its map of APIC IDs by it; hvx only holds
 * KVM_CREATE_VCPU to it): as in KVM it is set once, before the first
 * vCPU, which otherwise fixes it at the largest; setting the value it has
 * again succeeds, and a limit below KVM_SET_BOOT_CPU_ID's id is EINVAL
 * (as in later KVMs).  KVM_CAP_MSR_PLATFORM_INFO, at any time: whether the guest
 * may read MSR_PLATFORM_INFO (it may until told otherwise, as in KVM).
 * KVM_CAP_DISABLE_QUIRKS2, at any time: the quirks to have off, all of
 * them at once (KVM 6.1 replaces the set rather than adding to it, and
 * its selftests count on that); a quirk hvx does not have is EINVAL.
 * Any other capability, and any flag, is EINVAL.
 */
static int hvx_vm_enable_cap(struct hvx_vm *vm, void __user *argp)
{
	struct kvm_enable_cap cap;
	int r = -EINVAL;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.flags)
		return -EINVAL;
	if (cap.cap == KVM_CAP_MSR_PLATFORM_INFO) {
		WRITE_ONCE(vm->platform_info_hidden, !cap.args[0]);
		return 0;
	}
	if (cap.cap == KVM_CAP_X86_USER_SPACE_MSR)
		return hvx_user_space_msr_enable(vm, cap.args[0]);
	if (cap.cap == KVM_CAP_DISABLE_QUIRKS2) {
		if (cap.args[0] & ~HVX_QUIRKS)
			return -EINVAL;
		WRITE_ONCE(vm->disabled_quirks, cap.args[0]);
		return 0;
	}
	if (cap.cap != KVM_CAP_MAX_VCPU_ID || cap.args[0] > HVX_MAX_VCPUS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->boot_cpu_id > cap.args[0]) {
		r = -EINVAL;
	} else if (vm->max_vcpu_ids == cap.args[0]) {
		r = 0;
	} else if (!vm->max_vcpu_ids) {
		vm->max_vcpu_ids = cap.args[0];
		r = 0;
	}
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * KVM_SET_BOOT_CPU_ID: which vCPU is the bootstrap processor, the one that
 * starts running with IA32_APIC_BASE.BSP set while the others wait for
 * INIT and start-up IPIs (with an in-kernel irqchip).  Only before the
 * first vCPU, as in KVM (EBUSY after).  An id above the vCPU ids is
 * EINVAL, as in later KVMs (6.1 takes any), which take the limit itself,
 * though no vCPU can have it.
 */
static int hvx_vm_set_boot_cpu_id(struct hvx_vm *vm, unsigned long id)
{
	int r = 0;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus)
		r = -EBUSY;
	else if (id > (vm->max_vcpu_ids ?: HVX_MAX_VCPUS))
		r = -EINVAL;
	else
		vm->boot_cpu_id = id;
	mutex_unlock(&vm->lock);
	return r;
}

static long hvx_vm_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	struct hvx_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	/* As in KVM: a VM belongs to its creator's address space. */
	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CHECK_EXTENSION:
		return hvx_check_extension(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		return hvx_vm_set_memory(vm, argp);
	case KVM_GET_DIRTY_LOG:
		return hvx_get_dirty_log(vm, argp);
	case KVM_CREATE_VCPU:
		return hvx_vm_create_vcpu(vm, arg);
	case KVM_ENABLE_CAP:
		return hvx_vm_enable_cap(vm, argp);
	case KVM_SET_BOOT_CPU_ID:
		return hvx_vm_set_boot_cpu_id(vm, arg);
	case KVM_GET_STATS_FD:
		return hvx_stats_fd(vm, NULL);
	case KVM_SET_TSS_ADDR:
		/*
		 * KVM needs three pages for the real-mode TSS it uses without
		 * unrestricted guest.  hvx always has unrestricted guest and
		 * needs nothing, but rejects what KVM rejects.
		 */
		if (arg > (unsigned int)(-3 * PAGE_SIZE))
			return -EINVAL;
		return 0;
	case KVM_SET_TSC_KHZ:
		return hvx_tsc_vm_set_khz(vm, (u32)arg);
	case KVM_GET_TSC_KHZ:
		return READ_ONCE(vm->tsc.default_khz) ?: -EIO;
	case KVM_X86_SET_MSR_FILTER:
		return hvx_msr_filter_set(vm, argp);
	case KVM_GET_CLOCK: {
		struct kvm_clock_data data;

		hvx_kvmclock_get(vm, &data);
		return copy_to_user(argp, &data, sizeof(data)) ? -EFAULT : 0;
	}
	case KVM_SET_CLOCK: {
		struct kvm_clock_data data;

		if (copy_from_user(&data, argp, sizeof(data)))
			return -EFAULT;
		return hvx_kvmclock_set(vm, &data);
	}
	case KVM_SET_NR_MMU_PAGES:
		/*
		 * The size of KVM's cache of shadow page tables.  hvx's EPT
		 * has no such cache (it is sized by the memory the guest
		 * touches): as KVM, refuse fewer than 64 pages, else accept.
		 */
		return arg < 64 ? -EINVAL : 0;
	case KVM_SET_IDENTITY_MAP_ADDR: {
		u64 addr;

		/* Likewise: for KVM's real mode without unrestricted guest. */
		if (copy_from_user(&addr, argp, sizeof(addr)))
			return -EFAULT;
		return 0;
	}
	case KVM_IRQFD: {
		struct kvm_irqfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return hvx_irqfd(vm, &args);
	}
	case KVM_IOEVENTFD: {
		struct kvm_ioeventfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return hvx_ioeventfd(vm, &args);
	}
	default:
		return hvx_irqchip_ioctl(vm, ioctl, argp);
	}
}

/*
 * /proc/PID/fdinfo/FD of a VM fd names the VM's id, by which netlink and
 * HVX_INTROSPECT know it: how a VMM, or whoever may read its fdinfo,
 * learns which VM an fd is.
 */
static void hvx_vm_show_fdinfo(struct seq_file *m, struct file *filp)
{
	struct hvx_vm *vm = filp->private_data;

	seq_printf(m, "hvx-vm-id:\t%u\n", vm->id);
}

static const struct file_operations hvx_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= hvx_vm_release,
	.show_fdinfo	= hvx_vm_show_fdinfo,
	.unlocked_ioctl	= hvx_vm_ioctl,
	.llseek		= noop_llseek,
};

/**
 * hvx_create_vm - KVM_CREATE_VM
 * @type: the VM type; only 0, KVM's default, exists on VMX
 *
 * Return: the VM fd, or a negative errno.
 */
int hvx_create_vm(unsigned long type)
{
	struct hvx_vm *vm;
	struct file *file;
	int fd, r;

	if (type)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	init_waitqueue_head(&vm->pause_wq);
	hvx_vm_eventfd_init(vm);
	mutex_init(&vm->pause_lock);
	mutex_init(&vm->intro_lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->owner = get_pid(task_tgid(current));
	vm->uid = current_euid();
	get_task_comm(vm->comm, current);
	vm->created_ns = ktime_get_real_ns();
	hvx_tsc_vm_init(vm);
	hvx_kvmclock_vm_init(vm);

	r = hvx_vmx_get();
	if (r)
		goto err_free_vm;
	r = hvx_mmu_init(vm);
	if (r)
		goto err_put_vmx;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_mmu;
	}
	file = anon_inode_getfile("hvx-vm", &hvx_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_put_fd;
	}
	r = hvx_vm_list_add(vm);
	if (r)
		goto err_put_file;
	hvx_vm_debugfs_add(vm, fd);
	/* The VM is complete: only now may userspace see it. */
	fd_install(fd, file);
	return fd;

err_put_file:
	/* Its release would put the VM, which is not on the list yet. */
	file->private_data = NULL;
	fput(file);
err_put_fd:
	put_unused_fd(fd);
err_mmu:
	hvx_mmu_destroy(vm);
err_put_vmx:
	hvx_vmx_put();
err_free_vm:
	put_pid(vm->owner);
	mmdrop(vm->mm);
	kfree(vm);
	return r;
}
