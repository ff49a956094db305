// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_STATS_FD: a VM's or a vCPU's statistics in KVM's binary format
 * (Documentation/virt/kvm/api.rst), for the tools that read KVM's (QEMU's
 * query-stats, kvm_stat): a header, an id string, one descriptor a
 * statistic, then the values, a u64 each, read live.  The layout is fixed
 * when the fd is made; a read or pread at any offset gets the bytes
 * there, as from a file.  The fd holds a reference on the VM.
 *
 * A VM's: its EPT leaves (pages_4k and pages_2m, KVM's names), EPT table
 * pages (ept_tables) and the pages charged to RLIMIT_MEMLOCK
 * (locked_pages), all instant values.  A vCPU's: every exit (exits), one
 * cumulative counter per VMX basic exit reason, named after the SDM's
 * (exit_io_instruction, exit_ept_violation, ...), the TSC cycles it
 * spent in the guest (guest_tsc_cycles), and its directed yields
 * (directed_yield_attempted and _successful, KVM's names).  The exits
 * and cycles are the figures debugfs and the netlink family (vmctl
 * stats) give.
 *
 * The id string starts with "kvm", as the format asks: "kvm-PID" and
 * "kvm-PID/vcpu-ID", KVM's own, with the VM's creator's PID.
 */
#include <linux/anon_inodes.h>
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/vmx.h>

#include "vm.h"

/* As KVM's KVM_STATS_NAME_SIZE: the id and every name, NUL included. */
#define HVX_STATS_NAME_SIZE	48

static const struct {
	u32 reason;
	const char *name;
} hvx_exit_names[] = { VMX_EXIT_REASONS };

static const char *const hvx_vm_stat_names[] = {
	"pages_4k", "pages_2m", "ept_tables", "locked_pages",
};

struct hvx_stats_file {
	struct hvx_vm *vm;
	struct hvx_vcpu *vcpu;		/* NULL: the VM's */
	u32 reasons[ARRAY_SIZE(hvx_exit_names)];	/* a vCPU's counters */
	unsigned int nr_reasons;
	unsigned int nr_stats;
	void *layout;			/* header, id, descriptors */
	size_t layout_size;
};

static size_t hvx_stats_desc_size(void)
{
	return sizeof(struct kvm_stats_desc) + HVX_STATS_NAME_SIZE;
}

/* Descriptor @i, named @name: a u64 at offset @i of the values. */
static void hvx_stats_describe(struct hvx_stats_file *sf, unsigned int i,
			       const char *name, u32 flags)
{
	const struct kvm_stats_header *h = sf->layout;
	struct kvm_stats_desc *d = sf->layout + h->desc_offset +
				   i * hvx_stats_desc_size();

	d->flags = flags;
	d->size = 1;
	d->offset = i * sizeof(u64);
	strscpy(d->name, name, HVX_STATS_NAME_SIZE);
}

static int hvx_stats_layout(struct hvx_stats_file *sf)
{
	const u32 counter = KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE |
			    KVM_STATS_BASE_POW10;
	const u32 instant = KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_NONE |
			    KVM_STATS_BASE_POW10;
	struct kvm_stats_header *h;
	char name[HVX_STATS_NAME_SIZE];
	unsigned int i, j;

	if (sf->vcpu) {
		for (i = 0; i < ARRAY_SIZE(hvx_exit_names); i++)
			if (hvx_exit_names[i].reason < HVX_NR_EXIT_REASONS)
				sf->reasons[sf->nr_reasons++] =
					hvx_exit_names[i].reason;
		sf->nr_stats = sf->nr_reasons + 4;
	} else {
		sf->nr_stats = ARRAY_SIZE(hvx_vm_stat_names);
	}
	sf->layout_size = sizeof(*h) + HVX_STATS_NAME_SIZE +
			  sf->nr_stats * hvx_stats_desc_size();
	sf->layout = kzalloc(sf->layout_size, GFP_KERNEL_ACCOUNT);
	if (!sf->layout)
		return -ENOMEM;

	h = sf->layout;
	h->name_size = HVX_STATS_NAME_SIZE;
	h->num_desc = sf->nr_stats;
	h->id_offset = sizeof(*h);
	h->desc_offset = h->id_offset + HVX_STATS_NAME_SIZE;
	h->data_offset = sf->layout_size;
	if (sf->vcpu)
		snprintf(sf->layout + h->id_offset, HVX_STATS_NAME_SIZE,
			 "kvm-%d/vcpu-%u", pid_nr(sf->vm->owner), sf->vcpu->id);
	else
		snprintf(sf->layout + h->id_offset, HVX_STATS_NAME_SIZE,
			 "kvm-%d", pid_nr(sf->vm->owner));

	if (!sf->vcpu) {
		for (i = 0; i < sf->nr_stats; i++)
			hvx_stats_describe(sf, i, hvx_vm_stat_names[i],
					   instant);
		return 0;
	}
	hvx_stats_describe(sf, 0, "exits", counter);
	for (i = 0; i < sf->nr_reasons; i++) {
		const char *reason = NULL;

		for (j = 0; j < ARRAY_SIZE(hvx_exit_names); j++)
			if (hvx_exit_names[j].reason == sf->reasons[i])
				reason = hvx_exit_names[j].name;
		snprintf(name, sizeof(name), "exit_%s", reason);
		for (j = 0; name[j]; j++)
			name[j] = tolower(name[j]);
		hvx_stats_describe(sf, 1 + i, name, counter);
	}
	hvx_stats_describe(sf, sf->nr_stats - 3, "guest_tsc_cycles",
			   KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_CYCLES |
			   KVM_STATS_BASE_POW10);
	hvx_stats_describe(sf, sf->nr_stats - 2, "directed_yield_attempted",
			   counter);
	hvx_stats_describe(sf, sf->nr_stats - 1, "directed_yield_successful",
			   counter);
	return 0;
}

/* The values, as they are now. */
static void hvx_stats_values(const struct hvx_stats_file *sf, u64 *v)
{
	const struct hvx_vcpu_stats *s;
	struct hvx_ept ept;
	unsigned int i;
	u64 sum = 0;

	if (!sf->vcpu) {
		/* Both address spaces' EPTs (SMM's is mostly empty). */
		hvx_mmu_totals(sf->vm, &ept);
		v[0] = ept.nr_4k;
		v[1] = ept.nr_2m;
		v[2] = ept.nr_tables;
		v[3] = ept.nr_locked;
		return;
	}
	s = &sf->vcpu->stats;
	for (i = 0; i < HVX_NR_EXIT_REASONS; i++)
		sum += READ_ONCE(s->exits[i]);
	v[0] = sum;
	for (i = 0; i < sf->nr_reasons; i++)
		v[1 + i] = READ_ONCE(s->exits[sf->reasons[i]]);
	v[sf->nr_stats - 3] = READ_ONCE(s->guest_tsc);
	v[sf->nr_stats - 2] = READ_ONCE(s->yields_attempted);
	v[sf->nr_stats - 1] = READ_ONCE(s->yields_successful);
}

static ssize_t hvx_stats_read(struct file *file, char __user *buf,
			      size_t len, loff_t *pos)
{
	const struct hvx_stats_file *sf = file->private_data;
	size_t size = sf->layout_size + sf->nr_stats * sizeof(u64);
	ssize_t r;
	void *all;

	all = kmalloc(size, GFP_KERNEL);
	if (!all)
		return -ENOMEM;
	memcpy(all, sf->layout, sf->layout_size);
	hvx_stats_values(sf, all + sf->layout_size);
	r = simple_read_from_buffer(buf, len, pos, all, size);
	kfree(all);
	return r;
}

static int hvx_stats_release(struct inode *inode, struct file *file)
{
	struct hvx_stats_file *sf = file->private_data;

	hvx_vm_put(sf->vm);
	kfree(sf->layout);
	kfree(sf);
	return 0;
}

static const struct file_operations hvx_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= hvx_stats_read,
	.release	= hvx_stats_release,
	.llseek		= noop_llseek,
};

/**
 * hvx_stats_fd - KVM_GET_STATS_FD on a VM or a vCPU
 * @vm: the VM
 * @vcpu: the vCPU, or NULL for the VM's statistics
 *
 * Return: a read-only fd, or an errno.
 */
int hvx_stats_fd(struct hvx_vm *vm, struct hvx_vcpu *vcpu)
{
	struct hvx_stats_file *sf;
	struct file *file;
	int fd, r;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->vm = vm;
	sf->vcpu = vcpu;
	r = hvx_stats_layout(sf);
	if (r)
		goto err;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err;
	}
	file = anon_inode_getfile(vcpu ? "hvx-vcpu-stats" : "hvx-vm-stats",
				  &hvx_stats_fops, sf, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		r = PTR_ERR(file);
		goto err;
	}
	/* pread() at the offsets the header gives, as KVM's fd allows. */
	file->f_mode |= FMODE_PREAD;
	kref_get(&vm->ref);
	fd_install(fd, file);
	return fd;

err:
	kfree(sf->layout);
	kfree(sf);
	return r;
}
