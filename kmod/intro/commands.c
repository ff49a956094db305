// SPDX-License-Identifier: GPL-2.0
/*
 * The introspection channel's commands (uapi/hvx.h): the VM's memory and
 * facts, which need no vCPU; the events each vCPU sends, and pausing it;
 * and a stopped vCPU's state, which the introspector's thread reads and
 * writes itself while the vCPU's own thread sleeps (intro.h says why
 * that is safe).
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../vm.h"
#include "../x86/emulate.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "intro.h"

#define HVX_INTRO_EVENTS	(BIT(HVX_INTRO_EV_COUNT) - 1)
#define HVX_INTRO_CRS		(BIT(0) | BIT(3) | BIT(4))

/* The events this CPU can give: DESC needs VT-x's descriptor-table exits. */
static u64 hvx_intro_events(void)
{
	if (hvx_vmx_has_desc_exits())
		return HVX_INTRO_EVENTS;
	return HVX_INTRO_EVENTS & ~BIT(HVX_INTRO_EV_DESC);
}

/* The highest guest frame of address space 0, under mmu_lock. */
static u64 hvx_intro_max_gfn(struct hvx_vm *vm)
{
	const struct hvx_memslots *slots = &vm->slots[0];
	u64 max = 0;
	unsigned int i;

	mutex_lock(&vm->mmu_lock);
	for (i = 0; i < slots->end; i++)
		if (slots->slot[i].npages)
			max = max_t(u64, max, slots->slot[i].base_gfn +
					      slots->slot[i].npages - 1);
	mutex_unlock(&vm->mmu_lock);
	return max;
}

static long hvx_intro_get_info(struct hvx_vm *vm, void __user *argp)
{
	struct hvx_intro_info info = {
		.version = HVX_INTRO_VERSION,
		.vm_id = vm->id,
		.nr_vcpus = READ_ONCE(vm->nr_vcpus),
		.max_vcpu_id = READ_ONCE(vm->max_vcpu_ids) ?: HVX_MAX_VCPUS,
		.max_gfn = hvx_intro_max_gfn(vm),
		.events = hvx_intro_events(),
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

/*
 * @fn on the vCPU @id names, or on each with HVX_INTRO_ALL_VCPUS, under
 * vm->intro_lock; then each is kicked to act on it before it next enters
 * the guest.
 */
static long hvx_intro_each_vcpu(struct hvx_vm *vm, u32 id,
				void (*fn)(struct hvx_vcpu_intro *vi,
					   const void *arg),
				const void *arg)
{
	struct hvx_vcpu *vcpu;
	unsigned int i;

	if (id != HVX_INTRO_ALL_VCPUS &&
	    (id >= HVX_MAX_VCPUS || !hvx_vm_vcpu(vm, id)))
		return -ENOENT;
	mutex_lock(&vm->intro_lock);
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		vcpu = hvx_vm_vcpu(vm, i);
		if (!vcpu || (id != HVX_INTRO_ALL_VCPUS && id != i))
			continue;
		fn(&vcpu->intro, arg);
		set_bit(HVX_REQ_INTRO, &vcpu->requests);
		hvx_vcpu_kick(vcpu);
	}
	mutex_unlock(&vm->intro_lock);
	return 0;
}

static void hvx_intro_set_pause(struct hvx_vcpu_intro *vi, const void *arg)
{
	if (vi->state == HVX_INTRO_RUNS)
		WRITE_ONCE(vi->pause, true);
}

static void hvx_intro_set_events(struct hvx_vcpu_intro *vi, const void *arg)
{
	const struct hvx_intro_control *c = arg;

	WRITE_ONCE(vi->crs, c->crs);
	WRITE_ONCE(vi->events, c->events & ~BIT(HVX_INTRO_EV_PAUSE));
}

static long hvx_intro_pause_cmd(struct hvx_vm *vm, void __user *argp)
{
	struct hvx_intro_vcpu req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	return hvx_intro_each_vcpu(vm, req.vcpu, hvx_intro_set_pause, NULL);
}

static long hvx_intro_control(struct hvx_vm *vm, void __user *argp)
{
	struct hvx_intro_control c;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if ((c.events & ~HVX_INTRO_EVENTS) || (c.crs & ~HVX_INTRO_CRS))
		return -EINVAL;
	if (c.events & ~hvx_intro_events())
		return -EOPNOTSUPP;
	return hvx_intro_each_vcpu(vm, c.vcpu, hvx_intro_set_events, &c);
}

static void hvx_intro_set_msr(struct hvx_vcpu_intro *vi, const void *arg)
{
	const struct hvx_intro_msr *m = arg;

	if (!vi->msrs)		/* a vCPU made since the bitmaps were */
		return;
	if (m->enable)
		set_bit(hvx_intro_msr_bit(m->msr), vi->msrs);
	else
		clear_bit(hvx_intro_msr_bit(m->msr), vi->msrs);
}

/*
 * HVX_INTRO_CONTROL_MSR.  Each vCPU's bitmap is made here, the first
 * time, under vm->intro_lock, and then kept: an exit handler may read it
 * without the lock.
 */
static long hvx_intro_control_msr(struct hvx_vm *vm, void __user *argp)
{
	struct hvx_intro_msr m;
	struct hvx_vcpu *vcpu;
	unsigned long *msrs;
	unsigned int i;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	if (m.enable > 1 || memchr_inv(m.pad, 0, sizeof(m.pad)) ||
	    hvx_intro_msr_bit(m.msr) < 0)
		return -EINVAL;
	mutex_lock(&vm->intro_lock);
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		vcpu = hvx_vm_vcpu(vm, i);
		if (!vcpu || vcpu->intro.msrs)
			continue;
		msrs = bitmap_zalloc(HVX_INTRO_NR_MSR_BITS, GFP_KERNEL_ACCOUNT);
		if (!msrs) {
			mutex_unlock(&vm->intro_lock);
			return -ENOMEM;
		}
		WRITE_ONCE(vcpu->intro.msrs, msrs);
	}
	mutex_unlock(&vm->intro_lock);
	return hvx_intro_each_vcpu(vm, m.vcpu, hvx_intro_set_msr, &m);
}

/* HVX_INTRO_READ_MEM and HVX_INTRO_WRITE_MEM, through a bounce buffer. */
static long hvx_intro_mem(struct hvx_intro *intro, void __user *argp,
			  bool write)
{
	struct hvx_vm *vm = intro->vm;
	struct hvx_intro_mem m;
	void __user *ubuf;
	void *buf;
	long r;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	if ((m.flags & ~(write ? HVX_INTRO_MEM_UNDO : 0)) || m.pad ||
	    m.size > HVX_INTRO_MEM_MAX || m.gpa + m.size < m.gpa)
		return -EINVAL;
	if (m.flags & HVX_INTRO_MEM_UNDO) {
		u8 bytes[HVX_INTRO_UNDO_MAX];

		if (!m.size || m.size > sizeof(bytes))
			return -EINVAL;
		if (copy_from_user(bytes, u64_to_user_ptr(m.buf), m.size))
			return -EFAULT;
		return hvx_intro_write_undoable(intro, m.gpa, bytes, m.size);
	}
	if (!m.size)
		return 0;
	ubuf = u64_to_user_ptr(m.buf);
	buf = kvmalloc(m.size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (write) {
		r = -EFAULT;
		if (!copy_from_user(buf, ubuf, m.size))
			r = hvx_write_guest(vm, 0, m.gpa, buf, m.size);
	} else {
		r = hvx_read_guest(vm, 0, m.gpa, buf, m.size);
		if (!r && copy_to_user(ubuf, buf, m.size))
			r = -EFAULT;
	}
	kvfree(buf);
	return r;
}

/* HVX_INTRO_SET_PAGE_ACCESS (ept/access.c keeps the rights). */
static long hvx_intro_page_access(struct hvx_vm *vm, void __user *argp)
{
	struct hvx_intro_page_access a;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (!a.count || a.count > HVX_INTRO_PAGES_MAX ||
	    !PAGE_ALIGNED(a.gpa) || a.gpa >> HVX_MAX_GPA_BITS ||
	    a.access & ~HVX_INTRO_ACCESS_RWX ||
	    memchr_inv(a.pad, 0, sizeof(a.pad)))
		return -EINVAL;
	return hvx_access_set(vm, a.gpa, a.count, a.access);
}

/*
 * The stopped vCPU @id, with vm->intro_lock taken (the caller drops it),
 * or an ERR_PTR: ENOENT for no such vCPU, EBUSY for one that runs.
 */
static struct hvx_vcpu *hvx_intro_stopped(struct hvx_vm *vm, u32 id)
{
	struct hvx_vcpu *vcpu;

	vcpu = id < HVX_MAX_VCPUS ? hvx_vm_vcpu(vm, id) : NULL;
	if (!vcpu)
		return ERR_PTR(-ENOENT);
	mutex_lock(&vm->intro_lock);
	if (vcpu->intro.state != HVX_INTRO_WAITS) {
		mutex_unlock(&vm->intro_lock);
		return ERR_PTR(-EBUSY);
	}
	return vcpu;
}

/*
 * A command on one stopped vCPU: its argument (@size bytes, which begin
 * with the vCPU's id) in, @fn, and the argument back out when @out.
 */
static long hvx_intro_vcpu_cmd(struct hvx_vm *vm, void __user *argp,
			       size_t size, bool out,
			       long (*fn)(struct hvx_vcpu *vcpu, void *arg))
{
	struct hvx_vcpu *vcpu;
	void *arg;
	long r;

	arg = memdup_user(argp, size);
	if (IS_ERR(arg))
		return PTR_ERR(arg);
	vcpu = hvx_intro_stopped(vm, *(u32 *)arg);
	r = PTR_ERR_OR_ZERO(vcpu);
	if (!r) {
		r = fn(vcpu, arg);
		mutex_unlock(&vm->intro_lock);
	}
	if (r >= 0 && out && copy_to_user(argp, arg, size))
		r = -EFAULT;
	kfree(arg);
	return r;
}

static long hvx_intro_get_regs(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_regs *r = arg;

	if (r->pad)
		return -EINVAL;
	hvx_vmx_get_regs(vcpu, &r->regs);
	return 0;
}

static long hvx_intro_set_regs(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_regs *r = arg;

	if (r->pad)
		return -EINVAL;
	return hvx_vmx_set_regs(vcpu, &r->regs);
}

static long hvx_intro_get_sregs(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_sregs *s = arg;

	if (s->pad)
		return -EINVAL;
	hvx_vmx_get_sregs(vcpu, &s->sregs);
	return 0;
}

static long hvx_intro_set_sregs(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_sregs *s = arg;

	if (s->pad)
		return -EINVAL;
	return hvx_vmx_set_sregs(vcpu, &s->sregs);
}

static long hvx_intro_translate(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_translate *t = arg;
	int r;

	r = hvx_guest_translate(vcpu, t->gva, &t->gpa);
	if (r < 0)
		return r;
	t->valid = !r;
	if (r)
		t->gpa = 0;
	return 0;
}

/* HVX_INTRO_GET_MSRS and _SET_MSRS: as KVM_GET_MSRS and KVM_SET_MSRS. */
static long hvx_intro_msrs(struct hvx_vcpu *vcpu, void *arg, bool set)
{
	struct hvx_intro_msrs *m = arg;
	void __user *uentries = u64_to_user_ptr(m->entries);
	struct kvm_msr_entry *e;
	u32 i;

	if (m->nmsrs > HVX_INTRO_MSRS_MAX)
		return -EINVAL;
	e = memdup_user(uentries, m->nmsrs * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	hvx_vcpu_load(vcpu);
	for (i = 0; i < m->nmsrs; i++)
		if (set ? hvx_set_msr(vcpu, e[i].index, e[i].data) :
			  hvx_get_msr(vcpu, e[i].index, &e[i].data))
			break;
	hvx_vcpu_put(vcpu);
	if (!set && copy_to_user(uentries, e, i * sizeof(*e)))
		i = -EFAULT;
	kfree(e);
	return i;
}

static long hvx_intro_get_msrs(struct hvx_vcpu *vcpu, void *arg)
{
	return hvx_intro_msrs(vcpu, arg, false);
}

static long hvx_intro_set_msrs(struct hvx_vcpu *vcpu, void *arg)
{
	return hvx_intro_msrs(vcpu, arg, true);
}

static long hvx_intro_get_cpuid(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_cpuid *c = arg;

	if (c->pad)
		return -EINVAL;
	hvx_cpuid_lookup(vcpu, c->function, c->index,
			 &c->eax, &c->ebx, &c->ecx, &c->edx);
	return 0;
}

/* Exceptions that push an error code (SDM "Exception Error Codes"). */
#define HVX_ERROR_CODE_VECTORS	(BIT(DF_VECTOR) | BIT(TS_VECTOR) |	\
				 BIT(NP_VECTOR) | BIT(SS_VECTOR) |	\
				 BIT(GP_VECTOR) | BIT(PF_VECTOR) |	\
				 BIT(AC_VECTOR) | BIT(21))	/* #CP */
/* The vectors the SDM reserves or that are not exceptions: 2, 15, 22-27. */
#define HVX_NOT_EXCEPTIONS	(BIT(2) | BIT(15) | GENMASK(27, 22))

static long hvx_intro_inject(struct hvx_vcpu *vcpu, void *arg)
{
	struct hvx_intro_exception *e = arg;
	u8 v = e->vector;

	if (e->pad || e->pad2 || v > 31 || (BIT(v) & HVX_NOT_EXCEPTIONS) ||
	    e->has_error > 1 ||
	    !!e->has_error != !!(BIT(v) & HVX_ERROR_CODE_VECTORS))
		return -EINVAL;
	if (hvx_exception_waiting(vcpu))
		return -EBUSY;
	if (v == PF_VECTOR)
		vcpu->cr2 = e->address;
	hvx_inject_exception(vcpu, v, e->has_error, e->error_code);
	return 0;
}

/**
 * hvx_intro_command - a command on the channel
 * @intro: the channel
 * @ioctl: HVX_INTRO_*, but REPLY (channel.c)
 * @argp: its argument
 *
 * Return: 0, or a negative errno; -ENOTTY for no such command.
 */
long hvx_intro_command(struct hvx_intro *intro, unsigned int ioctl,
		       void __user *argp)
{
	struct hvx_vm *vm = intro->vm;

	switch (ioctl) {
	case HVX_INTRO_GET_INFO:
		return hvx_intro_get_info(vm, argp);
	case HVX_INTRO_PAUSE:
		return hvx_intro_pause_cmd(vm, argp);
	case HVX_INTRO_CONTROL_EVENTS:
		return hvx_intro_control(vm, argp);
	case HVX_INTRO_CONTROL_MSR:
		return hvx_intro_control_msr(vm, argp);
	case HVX_INTRO_SET_PAGE_ACCESS:
		return hvx_intro_page_access(vm, argp);
	case HVX_INTRO_READ_MEM:
		return hvx_intro_mem(intro, argp, false);
	case HVX_INTRO_WRITE_MEM:
		return hvx_intro_mem(intro, argp, true);
	case HVX_INTRO_GET_REGS:
		return hvx_intro_vcpu_cmd(vm, argp, sizeof(struct hvx_intro_regs),
					  true, hvx_intro_get_regs);
	case HVX_INTRO_SET_REGS:
		return hvx_intro_vcpu_cmd(vm, argp, sizeof(struct hvx_intro_regs),
					  false, hvx_intro_set_regs);
	case HVX_INTRO_GET_SREGS:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_sregs), true,
					  hvx_intro_get_sregs);
	case HVX_INTRO_SET_SREGS:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_sregs), false,
					  hvx_intro_set_sregs);
	case HVX_INTRO_TRANSLATE:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_translate),
					  true, hvx_intro_translate);
	case HVX_INTRO_GET_MSRS:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_msrs), false,
					  hvx_intro_get_msrs);
	case HVX_INTRO_SET_MSRS:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_msrs), false,
					  hvx_intro_set_msrs);
	case HVX_INTRO_GET_CPUID:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_cpuid), true,
					  hvx_intro_get_cpuid);
	case HVX_INTRO_INJECT_EXCEPTION:
		return hvx_intro_vcpu_cmd(vm, argp,
					  sizeof(struct hvx_intro_exception),
					  false, hvx_intro_inject);
	default:
		return -ENOTTY;
	}
}
