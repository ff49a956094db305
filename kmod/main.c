// SPDX-License-Identifier: GPL-2.0
/*
 * hvx: a VT-x hypervisor with KVM's ioctl ABI.
 *
 * The module core: /dev/hvx, its ioctls and the lifetime of VMs.  The
 * device is registered as the last step of init, once everything it hands
 * out can work, and unregistered first.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <linux/slab.h>

#include "hvx.h"
#include "vm.h"
#include "x86/fpu.h"
#include "x86/guest.h"
#include "x86/x86.h"
#include "vmx/isolation.h"
#include "../uapi/hvx.h"

static bool enable_at_load = true;
module_param(enable_at_load, bool, 0444);
MODULE_PARM_DESC(enable_at_load,
		 "Turn VMX on at load and keep it until unload (default). When off, VMX is on only while a VM exists, so hvx and another hypervisor can take turns.");

/**
 * hvx_check_extension - KVM_CHECK_EXTENSION on the system or a VM fd
 * @vm: the VM, or NULL on the system fd
 * @ext: the capability
 *
 * Only what works is claimed.
 */
long hvx_check_extension(struct hvx_vm *vm, long ext)
{
	switch (ext) {
	case HVX_CAP_HVX:
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	/* Adjacent slots are separate slots: nothing to join (QEMU asks). */
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_XSAVE:
	case KVM_CAP_USER_NMI:
	case KVM_CAP_GET_TSC_KHZ:
	case KVM_CAP_TSC_DEADLINE_TIMER:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_HLT:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_SIGNAL_MSI:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_PIT2:
	case KVM_CAP_PIT_STATE2:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_IOEVENTFD_NO_LENGTH:
		return 1;
	case KVM_CAP_IRQ_ROUTING:
		return HVX_ROUTING_MAX_ROUTES;
	case KVM_CAP_XCRS:
		return !!hvx_xcr0_supported;
	case KVM_CAP_TSC_CONTROL:
	case KVM_CAP_VM_TSC_CONTROL:
		return hvx_vmx_can_scale_tsc();
	case KVM_CAP_NR_MEMSLOTS:
		return HVX_MAX_MEMSLOTS;
	/* System management mode, and SMRAM's address space (x86/smm.c). */
	case KVM_CAP_X86_SMM:
		return 1;
	case KVM_CAP_MULTI_ADDRESS_SPACE:
		return HVX_NR_ADDRESS_SPACES;
	case KVM_CAP_MCE:
		return HVX_MCE_MAX_BANKS;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return HVX_MAX_VCPUS;
	case KVM_CAP_SYNC_REGS:
		return KVM_SYNC_X86_VALID_FIELDS;
	case KVM_CAP_DISABLE_QUIRKS2:
		return HVX_QUIRKS;
	case KVM_CAP_ENABLE_CAP_VM:	/* MAX_VCPU_ID, MSR_PLATFORM_INFO, quirks */
	case KVM_CAP_X86_USER_SPACE_MSR:
	case KVM_CAP_X86_MSR_FILTER:
	case KVM_CAP_GET_MSR_FEATURES:
	case KVM_CAP_SET_BOOT_CPU_ID:
	case KVM_CAP_MSR_PLATFORM_INFO:
	case KVM_CAP_VCPU_ATTRIBUTES:	/* KVM_VCPU_TSC_OFFSET */
	case KVM_CAP_BINARY_STATS_FD:
	case KVM_CAP_ENABLE_CAP:	/* on a vCPU: ENFORCE_PV_FEATURE_CPUID */
	case KVM_CAP_ENFORCE_PV_FEATURE_CPUID:
		return 1;
	case KVM_CAP_SET_GUEST_DEBUG:
		return 1;
	case KVM_CAP_SET_GUEST_DEBUG2:	/* the KVM_GUESTDBG_* bits taken */
		return hvx_guest_debug_flags();
	case HVX_CAP_INTROSPECT:	/* kmod/intro/ */
		return HVX_INTRO_VERSION;
	case KVM_CAP_ADJUST_CLOCK:	/* the flags KVM_GET_CLOCK may give */
		return KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME |
		       KVM_CLOCK_HOST_TSC;
	default:
		return 0;
	}
}

/*
 * The MSRs KVM_GET_MSR_INDEX_LIST names, those a VMM saves and restores:
 * every MSR hvx lets a guest use that holds state KVM_GET/SET_MSRS reach
 * (hvx_get_msr(), hvx_set_msr()).  IA32_SPEC_CTRL only where the
 * CPU has it; IA32_PRED_CMD and IA32_FLUSH_CMD are commands, with no
 * state; IA32_DEBUGCTL holds none either (a guest may only write 0), and
 * KVM does not list it.  As in KVM, the MTRRs and the machine-check banks
 * are left out although they hold state: how many there are is the CPU
 * model's (CPUID's MTRR bit, IA32_MCG_CAP's bank count), and a VMM saves
 * them by that, as QEMU does.  kvmclock's MSRs are listed whatever
 * CPUID says, as in KVM; steal time's only where hvx has it.
 */
static const u32 hvx_msr_index[] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_CR_PAT,
	MSR_IA32_TSC, MSR_IA32_TSC_ADJUST, MSR_IA32_TSC_DEADLINE,
	MSR_IA32_APICBASE, MSR_IA32_MISC_ENABLE, MSR_IA32_ARCH_CAPABILITIES,
	MSR_PLATFORM_INFO, MSR_IA32_UCODE_REV, MSR_IA32_MCG_STATUS,
	MSR_IA32_MCG_CTL, MSR_IA32_POWER_CTL, MSR_IA32_SMBASE,
	MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK_NEW,
	MSR_KVM_SYSTEM_TIME_NEW,
};

/* Give a VMM a list of MSRs, or -E2BIG and how many it needs room for. */
static long hvx_put_msr_list(struct kvm_msr_list __user *argp,
			     const u32 *indices, u32 count)
{
	struct kvm_msr_list list;
	u32 room;

	if (copy_from_user(&list, argp, sizeof(list)))
		return -EFAULT;
	room = list.nmsrs;
	list.nmsrs = count;
	if (copy_to_user(argp, &list, sizeof(list)))
		return -EFAULT;
	if (room < count)
		return -E2BIG;
	if (copy_to_user(argp->indices, indices, count * sizeof(*indices)))
		return -EFAULT;
	return 0;
}

static long hvx_get_msr_index_list(struct kvm_msr_list __user *argp)
{
	u32 indices[ARRAY_SIZE(hvx_msr_index) + 2];
	u32 n = ARRAY_SIZE(hvx_msr_index);

	memcpy(indices, hvx_msr_index, sizeof(hvx_msr_index));
	if (hvx_spec_ctrl_valid_bits())
		indices[n++] = MSR_IA32_SPEC_CTRL;
	if (hvx_kvmclock_features() & BIT(KVM_FEATURE_STEAL_TIME))
		indices[n++] = MSR_KVM_STEAL_TIME;
	return hvx_put_msr_list(argp, indices, n);
}

/*
 * KVM_GET_MSRS on the system fd: the feature MSRs (kmod/x86/msr.c), read
 * in order up to the first that is not one, as on a vCPU.
 *
 * Return: how many were read, or an errno.
 */
static long hvx_get_feature_msrs(struct kvm_msrs __user *argp)
{
	struct kvm_msr_entry *e;
	u32 i, n;
	long r;

	e = hvx_msrs_copy_in(argp, &n);
	if (IS_ERR_OR_NULL(e))
		return PTR_ERR_OR_ZERO(e);
	for (i = 0; i < n; i++)
		if (hvx_get_feature_msr(e[i].index, &e[i].data))
			break;
	r = copy_to_user(argp->entries, e, i * sizeof(*e)) ? -EFAULT : i;
	kfree(e);
	return r;
}

static long hvx_get_supported_cpuid(struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *entries;
	struct kvm_cpuid2 c;
	int n;
	long r = 0;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent < 1)
		return -E2BIG;
	c.nent = min_t(u32, c.nent, HVX_MAX_CPUID_ENTRIES);
	entries = kvcalloc(c.nent, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	n = hvx_supported_cpuid(entries, c.nent);
	if (n < 0) {
		r = n;
		goto out;
	}
	c.nent = n;
	if (copy_to_user(argp, &c, sizeof(c)) ||
	    copy_to_user(argp->entries, entries, n * sizeof(*entries)))
		r = -EFAULT;
out:
	kvfree(entries);
	return r;
}

static long hvx_dev_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return hvx_check_extension(NULL, arg);
	case KVM_CREATE_VM:
		return hvx_create_vm(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return HVX_VCPU_MMAP_PAGES * PAGE_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return hvx_get_supported_cpuid((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
		return hvx_get_msr_index_list((void __user *)arg);
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		return hvx_put_msr_list((void __user *)arg, hvx_feature_msrs,
					hvx_nr_feature_msrs);
	case KVM_GET_MSRS:
		return hvx_get_feature_msrs((void __user *)arg);
	case KVM_X86_GET_MCE_CAP_SUPPORTED: {
		u64 cap = hvx_mce_supported();

		return copy_to_user((void __user *)arg, &cap, sizeof(cap)) ?
		       -EFAULT : 0;
	}
	case HVX_INTROSPECT:
		return hvx_introspect((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hvx_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= hvx_dev_ioctl,
	.llseek		= noop_llseek,
};

/*
 * The read-only view of VMX under /sys/class/misc/hvx/: what the CPUs
 * offer, in the words of /proc/cpuinfo's "vmx flags", and which CPUs are
 * in VMX operation now.
 */
static ssize_t vmx_flags_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	int len = hvx_vmx_format_flags(buf, PAGE_SIZE - 1);

	return len + sysfs_emit_at(buf, len, "\n");
}
static DEVICE_ATTR_RO(vmx_flags);

static ssize_t vmx_cpus_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	cpumask_var_t mask;
	ssize_t len;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	hvx_vmx_cpus(mask);
	len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return len;
}
static DEVICE_ATTR_RO(vmx_cpus);

static ssize_t vmcs_revision_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#x\n", hvx_vmx_revision_id());
}
static DEVICE_ATTR_RO(vmcs_revision);

static struct attribute *hvx_dev_attrs[] = {
	&dev_attr_vmx_flags.attr,
	&dev_attr_vmx_cpus.attr,
	&dev_attr_vmcs_revision.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvx_dev);

static struct miscdevice hvx_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "hvx",
	.fops	= &hvx_dev_fops,
	.groups	= hvx_dev_groups,
	.mode	= 0600,
};

static int __init hvx_init(void)
{
	int r;

	r = hvx_vmx_init();
	if (r)
		return r;

	if (enable_at_load) {
		r = hvx_vmx_get();
		if (r)
			goto err_vmx_exit;
	}

	r = hvx_eventfd_init();
	if (r)
		goto err_vmx_put;
	hvx_debugfs_init();
	r = hvx_netlink_init();
	if (r) {
		pr_err("cannot register the generic netlink family: %d\n", r);
		goto err_debugfs;
	}
	r = misc_register(&hvx_dev);
	if (r) {
		pr_err("cannot register /dev/hvx: %d\n", r);
		goto err_netlink;
	}
	pr_info("VMX ready (%s), /dev/hvx registered\n",
		enable_at_load ? "on at load" : "on while a VM exists");
	return 0;

err_netlink:
	hvx_netlink_exit();
err_debugfs:
	hvx_debugfs_exit();
	hvx_eventfd_exit();
err_vmx_put:
	if (enable_at_load)
		hvx_vmx_put();
err_vmx_exit:
	hvx_vmx_exit();
	return r;
}

static void __exit hvx_exit(void)
{
	misc_deregister(&hvx_dev);
	hvx_netlink_exit();
	hvx_debugfs_exit();
	hvx_eventfd_exit();
	if (enable_at_load)
		hvx_vmx_put();
	hvx_vmx_exit();
}

module_init(hvx_init);
module_exit(hvx_exit);

MODULE_DESCRIPTION("hvx: a VT-x hypervisor with KVM's ioctl ABI");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVX_MODULE_VERSION);
