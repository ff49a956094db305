// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: creating a VM, its ioctls, and its end.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hvx.h"
#include "vm.h"

static void hvx_vm_destroy(struct kref *ref)
{
	struct hvx_vm *vm = container_of(ref, struct hvx_vm, ref);
	unsigned int i;

	hvx_vm_debugfs_remove(vm);
	for (i = 0; i < HVX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hvx_vcpu_free(vm->vcpus[i]);
	hvx_mmu_destroy(vm);
	hvx_vmx_put();
	mmdrop(vm->mm);
	kfree(vm);
}

void hvx_vm_put(struct hvx_vm *vm)
{
	kref_put(&vm->ref, hvx_vm_destroy);
}

static int hvx_vm_release(struct inode *inode, struct file *filp)
{
	hvx_vm_put(filp->private_data);
	return 0;
}

static int hvx_vm_set_memory(struct hvx_vm *vm, void __user *argp)
{
	struct kvm_userspace_memory_region m;
	struct hvx_memslot_request req;

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
	return hvx_mmu_set_slot(vm, &req);
}

static int hvx_vm_create_vcpu(struct hvx_vm *vm, unsigned long id)
{
	struct hvx_vcpu *vcpu;
	int fd;

	if (id >= HVX_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		fd = -EEXIST;
		goto out;
	}
	vcpu = hvx_vcpu_create(vm, id);
	if (IS_ERR(vcpu)) {
		fd = PTR_ERR(vcpu);
		goto out;
	}
	/* The vCPU fd holds a reference on the VM. */
	kref_get(&vm->ref);
	fd = hvx_vcpu_fd(vcpu);
	if (fd < 0) {
		kref_put(&vm->ref, hvx_vm_destroy);	/* never the last */
		hvx_vcpu_free(vcpu);
		goto out;
	}
	vm->vcpus[id] = vcpu;
	vm->nr_vcpus++;
out:
	mutex_unlock(&vm->lock);
	return fd;
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
	case KVM_CREATE_VCPU:
		return hvx_vm_create_vcpu(vm, arg);
	case KVM_SET_TSS_ADDR:
		/*
		 * KVM needs three pages for the real-mode TSS it uses without
		 * unrestricted guest.  hvx always has unrestricted guest and
		 * needs nothing, but rejects what KVM rejects.
		 */
		if (arg > (unsigned int)(-3 * PAGE_SIZE))
			return -EINVAL;
		return 0;
	case KVM_SET_IDENTITY_MAP_ADDR: {
		u64 addr;

		/* Likewise: for KVM's real mode without unrestricted guest. */
		if (copy_from_user(&addr, argp, sizeof(addr)))
			return -EFAULT;
		return 0;
	}
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
	vm->mm = current->mm;
	mmgrab(vm->mm);

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
	hvx_vm_debugfs_add(vm, fd);
	/* The VM is complete: only now may userspace see it. */
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_mmu:
	hvx_mmu_destroy(vm);
err_put_vmx:
	hvx_vmx_put();
err_free_vm:
	mmdrop(vm->mm);
	kfree(vm);
	return r;
}
