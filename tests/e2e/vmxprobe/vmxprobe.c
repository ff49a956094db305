// SPDX-License-Identifier: GPL-2.0
/*
 * vmxprobe: a test-only module that reports, for each online CPU, whether
 * CR4.VMXE is set and whether the CPU is in VMX operation, asking the CPU
 * itself rather than any hypervisor's bookkeeping.
 *
 * VMPTRST executes only in VMX operation and raises #UD outside it, so a
 * VMPTRST that does not fault proves the CPU is in VMX operation.
 *
 *   cat /sys/kernel/debug/vmxprobe/cpus  ->  "cpu0 vmxe=1 vmx=1" per CPU
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

struct probe_result {
	bool vmxe;
	bool vmx;
};

static void probe_cpu(void *data)
{
	struct probe_result *res = data;
	u64 vmcs_ptr;

	res->vmxe = __read_cr4() & X86_CR4_VMXE;
	res->vmx = false;
	asm goto("1: vmptrst %0\n\t"
		 _ASM_EXTABLE(1b, %l[ud])
		 : : "m" (vmcs_ptr) : "memory" : ud);
	res->vmx = true;
ud:
	return;
}

static int cpus_show(struct seq_file *m, void *unused)
{
	struct probe_result res;
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		smp_call_function_single(cpu, probe_cpu, &res, 1);
		seq_printf(m, "cpu%d vmxe=%d vmx=%d\n", cpu, res.vmxe, res.vmx);
	}
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cpus);

static struct dentry *dir;

static int __init vmxprobe_init(void)
{
	dir = debugfs_create_dir("vmxprobe", NULL);
	debugfs_create_file("cpus", 0444, dir, NULL, &cpus_fops);
	return 0;
}

static void __exit vmxprobe_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(vmxprobe_init);
module_exit(vmxprobe_exit);
MODULE_DESCRIPTION("Test probe: CR4.VMXE and VMX operation per CPU");
MODULE_LICENSE("GPL");
