// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSR accesses that its VMM takes over: KVM_X86_SET_MSR_FILTER
 * says which RDMSRs and WRMSRs hvx may answer itself, and
 * KVM_CAP_X86_USER_SPACE_MSR which of those it does not (or cannot)
 * answer go to the VMM as KVM_EXIT_X86_RDMSR and KVM_EXIT_X86_WRMSR
 * instead of a #GP.  Documentation/virt/kvm/api.rst has the ABI.
 *
 * A filter is up to 16 ranges, each a bitmap over MSRs from a base, for
 * reads, writes or both, and a default for MSRs no range covers.  The
 * first range that covers an access decides it (a 1 bit allows), as in
 * KVM; the x2APIC's MSRs are never filtered (the APIC has its own
 * rules), and neither are the VMM's own KVM_GET/SET_MSRS.  A new filter
 * replaces the old one whole, under RCU.
 *
 * The guest's accesses to MSRs hvx passes through (FS and GS base and the
 * others in kmod/vmx/vcpu.c) never exit, so no filter could see them.
 * When the filter denies one, the vCPU's MSR bitmap is recomputed to make
 * that access exit (hvx_vmcs_filter_msrs()), as KVM does.
 *
 * An access that goes to the VMM leaves RIP at the instruction.  The next
 * KVM_RUN finishes it with what the VMM put in kvm_run->msr: a #GP if it
 * set error, or else RDMSR's value into EDX:EAX, and steps past it.
 */
#include <linux/kvm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>

#include "../vm.h"
#include "guest.h"
#include "regs.h"
#include "x86.h"

#define HVX_MSR_EXIT_REASONS	(KVM_MSR_EXIT_REASON_INVAL |	\
				 KVM_MSR_EXIT_REASON_UNKNOWN |	\
				 KVM_MSR_EXIT_REASON_FILTER)

#define HVX_MSR_FILTER_RANGE_FLAGS	(KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE)

/* The x2APIC's MSRs: never filtered. */
#define HVX_X2APIC_MSR_FIRST	0x800
#define HVX_X2APIC_MSR_LAST	0x8ff

struct hvx_msr_filter_range {
	u32 flags;		/* KVM_MSR_FILTER_READ, _WRITE */
	u32 base;
	u32 nmsrs;
	unsigned long *bitmap;	/* a 1 allows */
};

struct hvx_msr_filter {
	bool default_allow;
	unsigned int count;
	struct hvx_msr_filter_range ranges[KVM_MSR_FILTER_MAX_RANGES];
};

static void hvx_msr_filter_free_one(struct hvx_msr_filter *f)
{
	unsigned int i;

	if (!f)
		return;
	for (i = 0; i < f->count; i++)
		kfree(f->ranges[i].bitmap);
	kfree(f);
}

/* Copy in one range of the VMM's; one with no MSRs is left out. */
static int hvx_msr_filter_add(struct hvx_msr_filter *f,
			      const struct kvm_msr_filter_range *r)
{
	struct hvx_msr_filter_range *range = &f->ranges[f->count];
	size_t size;

	if (!r->nmsrs)
		return 0;
	if (!r->flags || (r->flags & ~HVX_MSR_FILTER_RANGE_FLAGS))
		return -EINVAL;
	size = BITS_TO_LONGS(r->nmsrs) * sizeof(long);
	if (size > KVM_MSR_FILTER_MAX_BITMAP_SIZE)
		return -EINVAL;
	range->bitmap = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!range->bitmap)
		return -ENOMEM;
	/* What the VMM gives is bytes, as many as its MSRs need. */
	if (copy_from_user(range->bitmap, (const void __user *)r->bitmap,
			   DIV_ROUND_UP(r->nmsrs, 8))) {
		kfree(range->bitmap);
		return -EFAULT;
	}
	range->flags = r->flags;
	range->base = r->base;
	range->nmsrs = r->nmsrs;
	f->count++;
	return 0;
}

/**
 * hvx_msr_filter_set - KVM_X86_SET_MSR_FILTER
 * @vm: the VM
 * @argp: the VMM's struct kvm_msr_filter
 *
 * A filter with no ranges that allows by default is no filter.  Every
 * vCPU takes the new one before its next entry.
 *
 * Return: 0; -EINVAL for unknown flags, a range with none or unknown
 * ones, a bitmap over KVM's limit, or a filter of no ranges that denies
 * everything; -EFAULT; -ENOMEM.
 */
int hvx_msr_filter_set(struct hvx_vm *vm, const void __user *argp)
{
	struct hvx_msr_filter *f = NULL, *old;
	struct kvm_msr_filter uf;
	bool empty = true;
	unsigned int i;
	int r;

	if (copy_from_user(&uf, argp, sizeof(uf)))
		return -EFAULT;
	if (uf.flags & ~KVM_MSR_FILTER_DEFAULT_DENY)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(uf.ranges); i++)
		empty &= !uf.ranges[i].nmsrs;
	if (empty && (uf.flags & KVM_MSR_FILTER_DEFAULT_DENY))
		return -EINVAL;
	if (!empty) {
		f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
		if (!f)
			return -ENOMEM;
		f->default_allow = !(uf.flags & KVM_MSR_FILTER_DEFAULT_DENY);
		for (i = 0; i < ARRAY_SIZE(uf.ranges); i++) {
			r = hvx_msr_filter_add(f, &uf.ranges[i]);
			if (r) {
				hvx_msr_filter_free_one(f);
				return r;
			}
		}
	}

	/* Under vm->lock, so that no vCPU being created misses it. */
	mutex_lock(&vm->lock);
	old = rcu_replace_pointer(vm->msr_filter, f, lockdep_is_held(&vm->lock));
	hvx_vm_request_all(vm, HVX_REQ_MSR_FILTER);
	mutex_unlock(&vm->lock);
	synchronize_rcu();
	hvx_msr_filter_free_one(old);
	return 0;
}

/* The VM goes: no vCPU runs. */
void hvx_msr_filter_free(struct hvx_vm *vm)
{
	hvx_msr_filter_free_one(rcu_dereference_protected(vm->msr_filter, 1));
}

/* A new vCPU (vm->lock held) starts with the VM's filter. */
void hvx_msr_filter_vcpu_init(struct hvx_vcpu *vcpu)
{
	if (rcu_access_pointer(vcpu->vm->msr_filter))
		set_bit(HVX_REQ_MSR_FILTER, &vcpu->requests);
}

/* HVX_REQ_MSR_FILTER, the vCPU loaded: the MSR bitmap for its filter. */
void hvx_msr_filter_reload(struct hvx_vcpu *vcpu)
{
	clear_bit(HVX_REQ_MSR_FILTER, &vcpu->requests);
	hvx_vmcs_filter_msrs(vcpu);
}

/**
 * hvx_msr_allowed - may hvx answer the guest's access to @index itself?
 * @vcpu: the vCPU
 * @index: the MSR
 * @write: WRMSR rather than RDMSR
 */
bool hvx_msr_allowed(struct hvx_vcpu *vcpu, u32 index, bool write)
{
	u32 type = write ? KVM_MSR_FILTER_WRITE : KVM_MSR_FILTER_READ;
	const struct hvx_msr_filter *f;
	bool allowed;
	unsigned int i;

	if (likely(!rcu_access_pointer(vcpu->vm->msr_filter)) ||
	    (index >= HVX_X2APIC_MSR_FIRST && index <= HVX_X2APIC_MSR_LAST))
		return true;
	rcu_read_lock();
	f = rcu_dereference(vcpu->vm->msr_filter);
	allowed = !f || f->default_allow;
	for (i = 0; f && i < f->count; i++) {
		const struct hvx_msr_filter_range *r = &f->ranges[i];

		/* Unsigned: an index below the base is far above the end. */
		if ((r->flags & type) && index - r->base < r->nmsrs) {
			allowed = test_bit(index - r->base, r->bitmap);
			break;
		}
	}
	rcu_read_unlock();
	return allowed;
}

/**
 * hvx_user_space_msr_enable - KVM_ENABLE_CAP of KVM_CAP_X86_USER_SPACE_MSR
 * @vm: the VM
 * @reasons: KVM_MSR_EXIT_REASON_* bits: which refusals go to the VMM
 *
 * Return: 0, or -EINVAL for a bit KVM does not define.
 */
int hvx_user_space_msr_enable(struct hvx_vm *vm, u64 reasons)
{
	if (reasons & ~(u64)HVX_MSR_EXIT_REASONS)
		return -EINVAL;
	WRITE_ONCE(vm->user_space_msrs, reasons);
	return 0;
}

/**
 * hvx_msr_refused - the guest's RDMSR or WRMSR that hvx did not carry out
 * @vcpu: the vCPU, loaded, its exit being handled
 * @write: WRMSR
 * @index: ECX
 * @data: what WRMSR writes
 * @reason: KVM_MSR_EXIT_REASON_FILTER (the filter denied it), _UNKNOWN
 *	(hvx has no such MSR) or _INVAL (hvx has it, but not for this)
 *
 * Return: 0, the access gone to the VMM (kvm_run->exit_reason set), if the
 * VMM asked for this reason; else 1, a #GP injected.
 */
int hvx_msr_refused(struct hvx_vcpu *vcpu, bool write, u32 index, u64 data,
		    u32 reason)
{
	struct kvm_run *run = vcpu->run;

	if (!(READ_ONCE(vcpu->vm->user_space_msrs) & reason))
		return hvx_inject_gp(vcpu);
	run->exit_reason = write ? KVM_EXIT_X86_WRMSR : KVM_EXIT_X86_RDMSR;
	run->msr.error = 0;
	memset(run->msr.pad, 0, sizeof(run->msr.pad));
	run->msr.reason = reason;
	run->msr.index = index;
	run->msr.data = write ? data : 0;
	vcpu->msr_exit.pending = true;
	vcpu->msr_exit.write = write;
	vcpu->msr_exit.rip = hvx_guest_rip(vcpu);
	return 0;
}

/**
 * hvx_complete_msr - finish an RDMSR or WRMSR that went to the VMM
 * @vcpu: the vCPU, loaded
 *
 * Called at the start of KVM_RUN, as hvx_complete_pio() is.  If the VMM
 * moved the vCPU elsewhere since (KVM_SET_REGS), the access is dropped.
 *
 * Return: 1 to enter the guest.
 */
int hvx_complete_msr(struct hvx_vcpu *vcpu)
{
	struct hvx_msr_exit *m = &vcpu->msr_exit;
	const struct kvm_run *run = vcpu->run;
	unsigned long *g = vcpu->regs;

	if (!m->pending)
		return 1;
	m->pending = false;
	if (hvx_guest_rip(vcpu) != m->rip)
		return 1;
	if (run->msr.error)
		return hvx_inject_gp(vcpu);
	if (!m->write) {
		g[HVX_REG_RAX] = (u32)run->msr.data;
		g[HVX_REG_RDX] = run->msr.data >> 32;
	}
	hvx_skip_instruction(vcpu);
	return 1;
}
