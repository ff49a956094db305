// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: one directory per VM under /sys/kernel/debug/hvx/, named
 * "<pid>-<fd>" after the process that created the VM and the VM's fd
 * there, as KVM names its own.  Read-only figures about the VM's EPT, for
 * people looking into hvx and for its tests:
 *
 *   pages_4k     guest memory mapped with 4 KiB EPT leaves
 *   pages_2m     ... with 2 MiB leaves
 *   ept_tables   EPT paging-structure pages, the root included
 *   locked_pages 4 KiB pages charged to the VMM's RLIMIT_MEMLOCK for the
 *                guest memory hvx has pinned (pages_4k + 512 * pages_2m)
 *
 * The counts change under the VM's mmu_lock; a read sees a value that was
 * true a moment ago.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>

#include "hvx.h"
#include "vm.h"

static struct dentry *hvx_debugfs_root;

void hvx_debugfs_init(void)
{
	hvx_debugfs_root = debugfs_create_dir("hvx", NULL);
}

void hvx_debugfs_exit(void)
{
	debugfs_remove_recursive(hvx_debugfs_root);
}

/*
 * debugfs failures are not errors (a kernel may have no debugfs at all):
 * a VM without its directory runs the same.
 */
void hvx_vm_debugfs_add(struct hvx_vm *vm, int fd)
{
	struct dentry *old;
	char name[32];

	snprintf(name, sizeof(name), "%d-%d", task_pid_nr(current), fd);
	/*
	 * An older VM of this process may still hold the name (a vCPU fd
	 * keeps it alive after its VM fd was closed and the number reused).
	 * The new VM goes without: debugfs would complain in the log, once
	 * per VM a user cares to create.
	 */
	old = debugfs_lookup(name, hvx_debugfs_root);
	if (old) {
		dput(old);
		return;
	}
	vm->debugfs = debugfs_create_dir(name, hvx_debugfs_root);
	/* The EPT of address space 0, the one a vCPU out of SMM uses. */
	debugfs_create_ulong("pages_4k", 0444, vm->debugfs, &vm->ept[0].nr_4k);
	debugfs_create_ulong("pages_2m", 0444, vm->debugfs, &vm->ept[0].nr_2m);
	debugfs_create_ulong("ept_tables", 0444, vm->debugfs,
			     &vm->ept[0].nr_tables);
	debugfs_create_ulong("locked_pages", 0444, vm->debugfs,
			     &vm->ept[0].nr_locked);
}

/* Waits for readers of the VM's files to finish. */
void hvx_vm_debugfs_remove(struct hvx_vm *vm)
{
	debugfs_remove_recursive(vm->debugfs);
	vm->debugfs = NULL;
}
