// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd: its ioctls, the mmap of struct kvm_run, and KVM_RUN's loop.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vm.h"
#include "vmx/isolation.h"
#include "x86/fpu.h"
#include "x86/x86.h"

static int hvx_vcpu_release(struct inode *inode, struct file *filp)
{
	struct hvx_vcpu *vcpu = filp->private_data;

	/* The vCPU itself lives as long as its VM. */
	hvx_vm_put(vcpu->vm);
	return 0;
}

/*
 * KVM_CAP_SYNC_REGS: registers passed in struct kvm_run's s.regs instead
 * of by ioctls.  Before the run, each set the VMM marks dirty is taken,
 * as KVM_SET_REGS, KVM_SET_SREGS and KVM_SET_VCPU_EVENTS would take it,
 * from a copy (the page is the VMM's to change at any time); after, each
 * it marks valid is written there.  Unknown bits in either mask: EINVAL.
 */
static int hvx_sync_regs_in(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 dirty = READ_ONCE(run->kvm_dirty_regs);
	struct kvm_vcpu_events events;
	struct kvm_sregs *sregs;
	struct kvm_regs regs;
	int r;

	if ((READ_ONCE(run->kvm_valid_regs) | dirty) &
	    ~KVM_SYNC_X86_VALID_FIELDS)
		return -EINVAL;
	if (dirty & KVM_SYNC_X86_REGS) {
		memcpy(&regs, &run->s.regs.regs, sizeof(regs));
		r = hvx_vmx_set_regs(vcpu, &regs);
		if (r)
			return r;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_REGS;
	}
	if (dirty & KVM_SYNC_X86_SREGS) {
		sregs = kmemdup(&run->s.regs.sregs, sizeof(*sregs),
				GFP_KERNEL_ACCOUNT);
		if (!sregs)
			return -ENOMEM;
		r = hvx_vmx_set_sregs(vcpu, sregs);
		kfree(sregs);
		if (r)
			return r;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_SREGS;
	}
	if (dirty & KVM_SYNC_X86_EVENTS) {
		memcpy(&events, &run->s.regs.events, sizeof(events));
		r = hvx_set_vcpu_events(vcpu, &events);
		if (r)
			return r;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_EVENTS;
	}
	return 0;
}

static void hvx_sync_regs_out(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 valid = READ_ONCE(run->kvm_valid_regs);

	if (valid & KVM_SYNC_X86_REGS)
		hvx_vmx_get_regs(vcpu, &run->s.regs.regs);
	if (valid & KVM_SYNC_X86_SREGS)
		hvx_vmx_get_sregs(vcpu, &run->s.regs.sregs);
	if (valid & KVM_SYNC_X86_EVENTS)
		hvx_get_vcpu_events(vcpu, &run->s.regs.events);
}

/*
 * Remember the thread that runs the vCPU, for the guest's directed yields
 * to it (KVM_HC_SCHED_YIELD, kmod/x86/x86.c).  It changes rarely: the old
 * pid goes once no reader can still see it.
 */
static void hvx_vcpu_note_thread(struct hvx_vcpu *vcpu)
{
	struct pid *old = rcu_access_pointer(vcpu->pid);

	if (likely(old == task_pid(current)))
		return;
	rcu_assign_pointer(vcpu->pid, get_task_pid(current, PIDTYPE_PID));
	if (old) {
		synchronize_rcu();
		put_pid(old);
	}
}

/*
 * Before an entry, with preemption on: the guest's kvmclock, wall clock
 * and steal time, if a request or a wait for a CPU made them stale.
 */
static inline void hvx_kvmclock_update(struct hvx_vcpu *vcpu)
{
	const struct hvx_vcpu_kvmclock *kc = &vcpu->kvmclock;

	if (unlikely(READ_ONCE(vcpu->requests) & HVX_KVMCLOCK_REQS) ||
	    unlikely((kc->steal_time & KVM_MSR_ENABLED) &&
		     hvx_run_delay() != kc->run_delay))
		__hvx_kvmclock_update(vcpu);
}

/*
 * KVM_RUN: enter the guest until an exit needs userspace, a signal is
 * pending, or something fails.  Between two entries the thread may be
 * preempted and moved; hvx_vcpu_load() follows it.
 *
 * With immediate_exit set, KVM_RUN finishes the port I/O or MMIO the last
 * exit left to the VMM and returns -EINTR without entering the guest or
 * touching exit_reason, as KVM: a VMM does this to have the vCPU's state
 * complete before it saves it (KVM's selftests after every port I/O
 * exit).  As in KVM, the registers the VMM passes in kvm_run (SYNC_REGS)
 * go in before kvm_run's CR8, and a vCPU not yet started takes neither.
 */
static int hvx_vcpu_run(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool immediate_exit;
	int r;

	immediate_exit = hvx_run_immediate_exit(run);
	hvx_vcpu_note_thread(vcpu);

	WRITE_ONCE(vcpu->state, HVX_VCPU_RUNNING);
	/* Never started: wait for INIT or start-up, then back (as KVM). */
	if (vcpu->apic && vcpu->mp_state == KVM_MP_STATE_UNINITIALIZED) {
		r = -EINTR;
		if (immediate_exit)
			goto out;
		r = hvx_vcpu_wait_started(vcpu);
		if (r == -EINTR)
			run->exit_reason = KVM_EXIT_INTR;
		goto out;
	}
	r = hvx_sync_regs_in(vcpu);
	if (!r && hvx_load_run_state(vcpu))
		r = -EINVAL;
	if (r)
		goto out;
	hvx_vcpu_load(vcpu);
	hvx_vmx_prepare_run(vcpu);
	r = hvx_complete_pio(vcpu);
	if (r > 0)
		r = hvx_complete_mmio(vcpu);
	if (r > 0)
		r = hvx_complete_msr(vcpu);
	hvx_vcpu_put(vcpu);
	if (r > 0 && immediate_exit)
		r = -EINTR;
	hvx_kvmclock_run_start(vcpu);

	while (r > 0) {
		/*
		 * A halted vCPU, or one not yet started, sleeps here until it
		 * may run (in-kernel irqchip); a paused VM holds its vCPUs
		 * here (VM_PAUSE, netlink).
		 */
		if (signal_pending(current) ||
		    (vcpu->apic && hvx_vcpu_wait_runnable(vcpu)) ||
		    (READ_ONCE(vcpu->vm->paused) && hvx_vcpu_wait_resume(vcpu))) {
			run->exit_reason = KVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		cond_resched();
		hvx_kvmclock_update(vcpu);
		hvx_smm_check(vcpu);
		hvx_vcpu_load(vcpu);
		if (unlikely(test_bit(HVX_REQ_MSR_FILTER, &vcpu->requests)))
			hvx_msr_filter_reload(vcpu);
		if (unlikely(test_bit(HVX_REQ_INTRO, &vcpu->requests)))
			r = hvx_intro_request(vcpu);	/* enters next time */
		else
			r = hvx_vmx_run(vcpu);
		if (r > 0 && hvx_irq_window_exit(vcpu))
			r = 0;
		hvx_vcpu_put(vcpu);
	}
out:
	WRITE_ONCE(vcpu->state, HVX_VCPU_IDLE);
	hvx_sync_regs_out(vcpu);
	hvx_vcpu_load(vcpu);
	hvx_save_run_state(vcpu);
	hvx_vcpu_put(vcpu);

	/* The exits that say the guest is in trouble are events too. */
	if (!r && run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		hvx_notify(HVX_EVENT_FAILED_ENTRY, vcpu->vm, vcpu,
			   run->fail_entry.hardware_entry_failure_reason);
	else if (!r && run->exit_reason == KVM_EXIT_SHUTDOWN)
		hvx_notify(HVX_EVENT_SHUTDOWN, vcpu->vm, vcpu, 0);
	else if (!r && run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		hvx_notify(HVX_EVENT_INTERNAL_ERROR, vcpu->vm, vcpu,
			   run->internal.suberror);
	return r;
}

/*
 * KVM_GET_MSRS and KVM_SET_MSRS.  As in KVM, the entries are handled in
 * order until one is refused (an MSR hvx does not have, or a value it may
 * not hold: the guest's own WRMSR checks), and the return value says how
 * many were.  A VMM compares it with nmsrs.
 */
static long hvx_vcpu_msrs(struct hvx_vcpu *vcpu, struct kvm_msrs __user *argp,
			  bool set)
{
	struct kvm_msr_entry *e;
	u32 i, n;
	long r;

	e = hvx_msrs_copy_in(argp, &n);
	if (IS_ERR_OR_NULL(e))
		return PTR_ERR_OR_ZERO(e);

	hvx_vcpu_load(vcpu);
	for (i = 0; i < n; i++) {
		if (set ? hvx_set_msr(vcpu, e[i].index, e[i].data) :
			  hvx_get_msr(vcpu, e[i].index, &e[i].data))
			break;
	}
	hvx_vcpu_put(vcpu);

	r = i;
	if (!set && copy_to_user(argp->entries, e, i * sizeof(*e)))
		r = -EFAULT;
	kfree(e);
	return r;
}

/*
 * KVM_HAS/GET/SET_DEVICE_ATTR on a vCPU: as in KVM, one group,
 * KVM_VCPU_TSC_CTRL, with one attribute, KVM_VCPU_TSC_OFFSET (a u64 at
 * attr.addr).  Anything else is ENXIO.
 */
static long hvx_vcpu_attr(struct hvx_vcpu *vcpu, unsigned int ioctl,
			  struct kvm_device_attr __user *argp)
{
	struct kvm_device_attr attr;
	u64 __user *uaddr;
	u64 offset;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;
	if (attr.group != KVM_VCPU_TSC_CTRL ||
	    attr.attr != KVM_VCPU_TSC_OFFSET)
		return -ENXIO;
	if (ioctl == KVM_HAS_DEVICE_ATTR)
		return 0;
	uaddr = u64_to_user_ptr(attr.addr);
	if ((u64)(unsigned long)uaddr != attr.addr)
		return -EFAULT;
	if (ioctl == KVM_GET_DEVICE_ATTR)
		return put_user(hvx_tsc_get_offset(vcpu), uaddr);
	if (get_user(offset, uaddr))
		return -EFAULT;
	hvx_vcpu_load(vcpu);
	hvx_tsc_set_offset(vcpu, offset);
	hvx_vcpu_put(vcpu);
	return 0;
}

/*
 * KVM_ENABLE_CAP on a vCPU.  KVM_CAP_ENFORCE_PV_FEATURE_CPUID, at any
 * time: whether the guest may use only the paravirtual features its CPUID
 * table offers (hvx_guest_pv_has()).  KVM's others on a vCPU are Hyper-V's,
 * which hvx does not emulate: they, any other capability and any flag are
 * EINVAL, as in KVM.
 */
static long hvx_vcpu_enable_cap(struct hvx_vcpu *vcpu,
				struct kvm_enable_cap __user *argp)
{
	struct kvm_enable_cap cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.flags || cap.cap != KVM_CAP_ENFORCE_PV_FEATURE_CPUID)
		return -EINVAL;
	vcpu->pv_enforce = cap.args[0];
	return 0;
}

static long hvx_vcpu_get_cpuid(struct hvx_vcpu *vcpu,
			       struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid2 c;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent < vcpu->cpuid_nent) {
		c.nent = vcpu->cpuid_nent;
		if (copy_to_user(argp, &c, sizeof(c)))
			return -EFAULT;
		return -E2BIG;
	}
	c.nent = vcpu->cpuid_nent;
	if (copy_to_user(argp, &c, sizeof(c)) ||
	    copy_to_user(argp->entries, vcpu->cpuid,
			 c.nent * sizeof(*vcpu->cpuid)))
		return -EFAULT;
	return 0;
}

static long hvx_vcpu_set_cpuid2(struct hvx_vcpu *vcpu,
				struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *entries;
	struct kvm_cpuid2 c;
	long r;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent > HVX_MAX_CPUID_ENTRIES)
		return -E2BIG;
	entries = memdup_user(argp->entries, c.nent * sizeof(*entries) ?: 1);
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	r = hvx_vcpu_set_cpuid(vcpu, entries, c.nent);
	kfree(entries);
	/* The APIC's x2APIC and TSC-deadline modes follow the table. */
	if (!r && vcpu->apic)
		hvx_irqchip_set_cpuid(vcpu);
	return r;
}

/* KVM_GET_LAPIC and KVM_SET_LAPIC: the 1 KiB register page. */
static long hvx_vcpu_lapic_ioctl(struct hvx_vcpu *vcpu, bool set,
				 void __user *argp)
{
	struct kvm_lapic_state *s;
	long r;

	s = set ? memdup_user(argp, sizeof(*s)) : kzalloc(sizeof(*s), GFP_KERNEL);
	if (IS_ERR_OR_NULL(s))
		return s ? PTR_ERR(s) : -ENOMEM;
	if (set) {
		r = hvx_irqchip_set_lapic(vcpu, s);
	} else {
		r = hvx_irqchip_get_lapic(vcpu, s);
		if (!r && copy_to_user(argp, s, sizeof(*s)))
			r = -EFAULT;
	}
	kfree(s);
	return r;
}

/*
 * The ioctls of interrupts and of the state a VMM saves and restores with
 * them: KVM_INTERRUPT, KVM_NMI, KVM_SMI, KVM_GET/SET_VCPU_EVENTS,
 * KVM_SET_GUEST_DEBUG, KVM_GET/SET_DEBUGREGS, KVM_GET/SET_LAPIC,
 * KVM_SET_VAPIC_ADDR, KVM_GET/SET_MP_STATE, KVM_X86_SETUP_MCE and
 * KVM_X86_SET_MCE.
 */
static long hvx_vcpu_events_ioctl(struct hvx_vcpu *vcpu, unsigned int ioctl,
				  void __user *argp)
{
	struct kvm_vcpu_events events;
	struct kvm_debugregs dbg;
	struct kvm_interrupt irq;
	struct kvm_mp_state mp;
	struct kvm_x86_mce mce;
	u64 mcg_cap;
	long r;

	switch (ioctl) {
	case KVM_INTERRUPT:
		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		return hvx_vcpu_interrupt(vcpu, irq.irq);
	case KVM_NMI:
		hvx_vcpu_nmi(vcpu);
		return 0;
	case KVM_SMI:
		/* Taken before the next entry (kmod/x86/smm.c). */
		vcpu->smm.pending = true;
		return 0;
	case KVM_GET_VCPU_EVENTS:
		hvx_get_vcpu_events(vcpu, &events);
		return copy_to_user(argp, &events, sizeof(events)) ? -EFAULT : 0;
	case KVM_SET_VCPU_EVENTS:
		if (copy_from_user(&events, argp, sizeof(events)))
			return -EFAULT;
		return hvx_set_vcpu_events(vcpu, &events);
	case KVM_SET_GUEST_DEBUG: {
		struct kvm_guest_debug gd;

		if (copy_from_user(&gd, argp, sizeof(gd)))
			return -EFAULT;
		return hvx_set_guest_debug(vcpu, &gd);
	}
	case KVM_GET_DEBUGREGS:
		hvx_vmx_get_debugregs(vcpu, &dbg);
		return copy_to_user(argp, &dbg, sizeof(dbg)) ? -EFAULT : 0;
	case KVM_SET_DEBUGREGS:
		if (copy_from_user(&dbg, argp, sizeof(dbg)))
			return -EFAULT;
		return hvx_vmx_set_debugregs(vcpu, &dbg);
	case KVM_GET_LAPIC:
	case KVM_SET_LAPIC:
		return hvx_vcpu_lapic_ioctl(vcpu, ioctl == KVM_SET_LAPIC, argp);
	case KVM_SET_VAPIC_ADDR: {
		struct kvm_vapic_addr va;

		/*
		 * KVM's vAPIC page mirrors the TPR and the highest pending
		 * vectors for guests whose TPR accesses QEMU patched into
		 * memory accesses.  hvx has none (KVM_CAP_VAPIC is 0): it
		 * takes only address 0, "no page", which QEMU sets at every
		 * APIC reset.
		 */
		if (copy_from_user(&va, argp, sizeof(va)))
			return -EFAULT;
		return vcpu->apic && !va.vapic_addr ? 0 : -EINVAL;
	}
	case KVM_GET_MP_STATE:
		r = hvx_get_mp_state(vcpu, &mp);
		if (!r && copy_to_user(argp, &mp, sizeof(mp)))
			r = -EFAULT;
		return r;
	case KVM_SET_MP_STATE:
		if (copy_from_user(&mp, argp, sizeof(mp)))
			return -EFAULT;
		return hvx_set_mp_state(vcpu, &mp);
	case KVM_X86_SETUP_MCE:
		if (copy_from_user(&mcg_cap, argp, sizeof(mcg_cap)))
			return -EFAULT;
		return hvx_mce_setup(vcpu, mcg_cap);
	case KVM_X86_SET_MCE:
		if (copy_from_user(&mce, argp, sizeof(mce)))
			return -EFAULT;
		return hvx_mce_inject(vcpu, &mce);
	}
	return -ENOTTY;
}

static long hvx_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	struct hvx_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (ioctl) {
	case KVM_RUN:
		r = arg ? -EINVAL : hvx_vcpu_run(vcpu);
		break;
	case KVM_GET_REGS: {
		struct kvm_regs regs;

		hvx_vmx_get_regs(vcpu, &regs);
		r = copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
		break;
	}
	case KVM_SET_REGS: {
		struct kvm_regs regs;

		r = -EFAULT;
		if (copy_from_user(&regs, argp, sizeof(regs)))
			break;
		r = hvx_vmx_set_regs(vcpu, &regs);
		break;
	}
	case KVM_GET_SREGS: {
		struct kvm_sregs *sregs = kzalloc(sizeof(*sregs), GFP_KERNEL);

		r = -ENOMEM;
		if (!sregs)
			break;
		hvx_vmx_get_sregs(vcpu, sregs);
		r = copy_to_user(argp, sregs, sizeof(*sregs)) ? -EFAULT : 0;
		kfree(sregs);
		break;
	}
	case KVM_SET_SREGS: {
		struct kvm_sregs *sregs = memdup_user(argp, sizeof(*sregs));

		r = PTR_ERR_OR_ZERO(sregs);
		if (r)
			break;
		r = hvx_vmx_set_sregs(vcpu, sregs);
		kfree(sregs);
		break;
	}
	case KVM_SET_CPUID2:
		r = hvx_vcpu_set_cpuid2(vcpu, argp);
		break;
	case KVM_GET_FPU: {
		struct kvm_fpu *fpu = kmalloc(sizeof(*fpu), GFP_KERNEL);

		r = -ENOMEM;
		if (!fpu)
			break;
		hvx_vmx_get_fpu(vcpu, fpu);
		r = copy_to_user(argp, fpu, sizeof(*fpu)) ? -EFAULT : 0;
		kfree(fpu);
		break;
	}
	case KVM_SET_FPU: {
		struct kvm_fpu *fpu = memdup_user(argp, sizeof(*fpu));

		r = PTR_ERR_OR_ZERO(fpu);
		if (r)
			break;
		hvx_vmx_set_fpu(vcpu, fpu);
		kfree(fpu);
		break;
	}
	case KVM_GET_XSAVE: {
		struct kvm_xsave *xsave = kmalloc(sizeof(*xsave), GFP_KERNEL);

		r = -ENOMEM;
		if (!xsave)
			break;
		hvx_vmx_get_xsave(vcpu, xsave);
		r = copy_to_user(argp, xsave, sizeof(*xsave)) ? -EFAULT : 0;
		kfree(xsave);
		break;
	}
	case KVM_SET_XSAVE: {
		struct kvm_xsave *xsave = memdup_user(argp, sizeof(*xsave));

		r = PTR_ERR_OR_ZERO(xsave);
		if (r)
			break;
		r = hvx_vmx_set_xsave(vcpu, xsave);
		kfree(xsave);
		break;
	}
	case KVM_GET_XCRS: {
		struct kvm_xcrs xcrs;

		hvx_vmx_get_xcrs(vcpu, &xcrs);
		r = copy_to_user(argp, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
		break;
	}
	case KVM_SET_XCRS: {
		struct kvm_xcrs xcrs;

		r = -EFAULT;
		if (copy_from_user(&xcrs, argp, sizeof(xcrs)))
			break;
		r = hvx_vmx_set_xcrs(vcpu, &xcrs);
		break;
	}
	case KVM_GET_MSRS:
		r = hvx_vcpu_msrs(vcpu, argp, false);
		break;
	case KVM_SET_MSRS:
		r = hvx_vcpu_msrs(vcpu, argp, true);
		break;
	case KVM_GET_CPUID2:
		r = hvx_vcpu_get_cpuid(vcpu, argp);
		break;
	case KVM_GET_TSC_KHZ:
		r = hvx_tsc_get_khz(vcpu) ?: -EIO;
		break;
	case KVM_HAS_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_SET_DEVICE_ATTR:
		r = hvx_vcpu_attr(vcpu, ioctl, argp);
		break;
	case KVM_GET_STATS_FD:
		r = hvx_stats_fd(vcpu->vm, vcpu);
		break;
	case KVM_ENABLE_CAP:
		r = hvx_vcpu_enable_cap(vcpu, argp);
		break;
	case KVM_SET_TSC_KHZ:
		/* KVM takes the rate from the argument's low 32 bits. */
		hvx_vcpu_load(vcpu);
		r = hvx_tsc_set_khz(vcpu, (u32)arg);
		hvx_vcpu_put(vcpu);
		break;
	default:
		r = hvx_vcpu_events_ioctl(vcpu, ioctl, argp);
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

/* The mmap of a vCPU fd: page 0 is struct kvm_run, page 1 port I/O data. */
static vm_fault_t hvx_vcpu_fault(struct vm_fault *vmf)
{
	struct hvx_vcpu *vcpu = vmf->vma->vm_file->private_data;
	void *addr;

	if (vmf->pgoff == 0)
		addr = vcpu->run;
	else if (vmf->pgoff == HVX_PIO_PAGE_OFFSET)
		addr = vcpu->pio_data;
	else
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(addr);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct hvx_vcpu_vm_ops = {
	.fault = hvx_vcpu_fault,
};

static int hvx_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff >= HVX_VCPU_MMAP_PAGES ||
	    vma_pages(vma) > HVX_VCPU_MMAP_PAGES - vma->vm_pgoff)
		return -EINVAL;
	vma->vm_ops = &hvx_vcpu_vm_ops;
	return 0;
}

static const struct file_operations hvx_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= hvx_vcpu_release,
	.unlocked_ioctl	= hvx_vcpu_ioctl,
	.mmap		= hvx_vcpu_mmap,
	.llseek		= noop_llseek,
};

/**
 * hvx_vcpu_create - a new vCPU in its reset state
 * @vm: the VM
 * @id: the vCPU id
 *
 * Return: the vCPU or an ERR_PTR.
 */
struct hvx_vcpu *hvx_vcpu_create(struct hvx_vm *vm, u32 id)
{
	struct kvm_cpuid_entry2 *cpuid;
	struct hvx_vcpu *vcpu;
	int r = -ENOMEM;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->stats.last_cpu = -1;
	vcpu->microcode_version = HVX_MICROCODE_VERSION;
	vcpu->arch_capabilities = hvx_guest_arch_capabilities();
	hvx_mce_init(vcpu);
	mutex_init(&vcpu->mutex);
	rcuwait_init(&vcpu->wait);
	hvx_vcpu_intro_init(vcpu);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->pio_data)
		goto err;

	/* Until KVM_SET_CPUID2, the guest sees what hvx supports. */
	cpuid = kcalloc(HVX_MAX_CPUID_ENTRIES, sizeof(*cpuid), GFP_KERNEL);
	if (!cpuid)
		goto err;
	r = hvx_supported_cpuid(cpuid, HVX_MAX_CPUID_ENTRIES);
	if (r >= 0)
		r = hvx_vcpu_set_cpuid(vcpu, cpuid, r);
	kfree(cpuid);
	if (r)
		goto err;

	hvx_tsc_vcpu_init(vcpu);
	hvx_msr_filter_vcpu_init(vcpu);
	r = hvx_vmx_vcpu_init(vcpu);
	if (!r)
		r = hvx_irqchip_vcpu_create(vcpu);
	if (!r)
		r = hvx_vmx_apic_init(vcpu);
	if (r)
		goto err;
	hvx_mp_state_init(vcpu);
	hvx_smm_init(vcpu);
	return vcpu;

err:
	hvx_vcpu_free(vcpu);
	return ERR_PTR(r);
}

void hvx_vcpu_free(struct hvx_vcpu *vcpu)
{
	put_pid(rcu_dereference_protected(vcpu->pid, true));
	hvx_vcpu_intro_free(vcpu);
	hvx_irqchip_vcpu_free(vcpu);
	hvx_vmx_vcpu_free(vcpu);
	kfree(vcpu->cpuid);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/*
 * The file behind @vcpu's fd, for the caller to install once the vCPU is
 * where VM_PAUSE finds it.  Return: the file or an ERR_PTR.
 */
struct file *hvx_vcpu_file(struct hvx_vcpu *vcpu)
{
	char name[16];

	snprintf(name, sizeof(name), "hvx-vcpu:%u", vcpu->id);
	return anon_inode_getfile(name, &hvx_vcpu_fops, vcpu, O_RDWR);
}
