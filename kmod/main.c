// SPDX-License-Identifier: GPL-2.0
/*
 * hvx: a VT-x hypervisor with KVM's ioctl ABI.
 *
 * The module core: /dev/hvx, its ioctls and the lifetime of VMs.  The
 * device is registered as the last step of init, once everything it hands
 * out can work, and unregistered first.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/anon_inodes.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "hvx.h"
#include "../uapi/hvx.h"

static bool enable_at_load = true;
module_param(enable_at_load, bool, 0444);
MODULE_PARM_DESC(enable_at_load,
		 "Turn VMX on at load and keep it until unload (default). When off, VMX is on only while a VM exists, so hvx and another hypervisor can take turns.");

/* A VM.  For now it holds VMX operation for its lifetime and no more. */
struct hvx_vm {
	/* The process that created the VM; its fds work only there. */
	struct mm_struct *mm;
};

static long hvx_check_extension(long ext)
{
	switch (ext) {
	case HVX_CAP_HVX:
		return 1;
	default:
		/* Nothing of KVM's is claimed before it works. */
		return 0;
	}
}

static int hvx_vm_release(struct inode *inode, struct file *filp)
{
	struct hvx_vm *vm = filp->private_data;

	hvx_vmx_put();
	mmdrop(vm->mm);
	kfree(vm);
	return 0;
}

static long hvx_vm_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	struct hvx_vm *vm = filp->private_data;

	/* As in KVM: a VM belongs to its creator's address space. */
	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CHECK_EXTENSION:
		return hvx_check_extension(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hvx_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= hvx_vm_release,
	.unlocked_ioctl	= hvx_vm_ioctl,
	.llseek		= noop_llseek,
};

static int hvx_create_vm(unsigned long type)
{
	struct hvx_vm *vm;
	struct file *file;
	int fd, r;

	/* Only KVM's default VM type exists on VMX. */
	if (type)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	vm->mm = current->mm;
	mmgrab(vm->mm);

	r = hvx_vmx_get();
	if (r)
		goto err_free_vm;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_put_vmx;
	}
	file = anon_inode_getfile("hvx-vm", &hvx_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_put_fd;
	}
	/* The VM is complete: only now may userspace see it. */
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put_vmx:
	hvx_vmx_put();
err_free_vm:
	mmdrop(vm->mm);
	kfree(vm);
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
		return hvx_check_extension(arg);
	case KVM_CREATE_VM:
		return hvx_create_vm(arg);
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

	r = misc_register(&hvx_dev);
	if (r) {
		pr_err("cannot register /dev/hvx: %d\n", r);
		goto err_vmx_put;
	}
	pr_info("VMX ready (%s), /dev/hvx registered\n",
		enable_at_load ? "on at load" : "on while a VM exists");
	return 0;

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
	if (enable_at_load)
		hvx_vmx_put();
	hvx_vmx_exit();
}

module_init(hvx_init);
module_exit(hvx_exit);

MODULE_DESCRIPTION("hvx: a VT-x hypervisor with KVM's ioctl ABI");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVX_MODULE_VERSION);
