// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the emergency reboot path (kdump, panic).  hvx's callback takes
 * the CPU it runs on out of VMX operation, VMCLEARs before VMXOFF, leaves
 * the other CPUs alone and does nothing where VMX is off; and hvx holds
 * the kernel's one emergency slot exactly while it holds VMX and kvm.ko
 * is not loaded.
 *
 * This module has its own copy of kmod/vmx/vmx.c and turns VMX on by
 * itself, so the tests skip when hvx.ko or kvm_intel holds VMX.  KUnit
 * runs the suites from the module notifier chain, where registering a
 * module notifier would deadlock: hvx_vmx_init() is not called, the tests
 * set up what hvx_vmx_get() needs and call the notifier's function with
 * a made-up struct module.  The slot itself is the kernel's: the tests
 * register and unregister for real, so a mistake WARNs.
 */
/* First, so that its pr_fmt is the one printk.h finds. */
#include "../../kmod/vmx/vmx.c"

#include <linux/atomic.h>
#include <linux/string.h>
#include <kunit/test.h>

/*
 * kmod/vmx/vcpu.c's side of vmx.c.  No guest runs here, so no VMCS is
 * ever active: the emergency VMCLEAR only records that it ran, and
 * whether the CPU was still in VMX operation then.  (The real one runs
 * in tests/machine/kdump.sh, with a guest's VMCS active.)
 */
static bool vmclear_ran, vmclear_saw_vmxe;

void hvx_vmx_emergency_vmclear(void)
{
	vmclear_ran = true;
	vmclear_saw_vmxe = __read_cr4() & X86_CR4_VMXE;
}

void hvx_vmx_cpu_dying(void)
{
}

int hvx_vmx_setup_globals(void)
{
	return 0;
}

void hvx_vmx_free_globals(void)
{
}

/* What a test has taken, for the exit hook to give back if it stops. */
struct emergency_ctx {
	bool regions;
	unsigned int gets;
};

static int emergency_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct emergency_ctx),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void emergency_test_exit(struct kunit *test)
{
	struct emergency_ctx *ctx = test->priv;

	for (; ctx->gets; ctx->gets--)
		hvx_vmx_put();
	/*
	 * A made-up kvm.ko must not outlive its test, nor this module's
	 * callback stay in the kernel's slot, whatever the test found.
	 */
	mutex_lock(&hvx_vmx_lock);
	hvx_kvm_loaded = false;
	hvx_emergency_set(hvx_vmx_users > 0);
	mutex_unlock(&hvx_vmx_lock);
	if (ctx->regions)
		hvx_free_vmxon_regions();
}

/* What hvx_vmx_init() prepares for hvx_vmx_get(). */
static void emergency_prepare(struct kunit *test)
{
	struct emergency_ctx *ctx = test->priv;

	if (hvx_setup_config())
		kunit_skip(test, "hvx cannot use this machine's VMX");
	KUNIT_ASSERT_EQ(test, hvx_alloc_vmxon_regions(), 0);
	ctx->regions = true;
}

static void emergency_get(struct kunit *test)
{
	struct emergency_ctx *ctx = test->priv;
	int r = hvx_vmx_get();

	if (r)
		kunit_skip(test, "VMX is not free (%d): hvx.ko or kvm_intel holds it",
			   r);
	ctx->gets++;
}

static void emergency_put(struct kunit *test)
{
	struct emergency_ctx *ctx = test->priv;

	hvx_vmx_put();
	ctx->gets--;
}

/* Is this CPU in VMX operation?  VMPTRST raises #UD outside it. */
static bool in_vmx_operation(void)
{
	u64 vmcs_ptr;

	asm goto("1: vmptrst %0\n\t"
		 _ASM_EXTABLE(1b, %l[ud])
		 : : "m" (vmcs_ptr) : "memory" : ud);
	return true;
ud:
	return false;
}

static void count_in_vmx_ipi(void *count)
{
	if (in_vmx_operation())
		atomic_inc(count);
}

/*
 * With hvx holding VMX everywhere, the callback, called as the kernel
 * calls it (interrupts off, on one CPU), leaves this CPU out of VMX
 * operation with CR4.VMXE clear and the other CPUs in it.  Then this CPU
 * goes back into VMX operation, as hvx keeps every CPU while it has a
 * user, and the last put takes every CPU out.
 */
static void emergency_off_takes_this_cpu_out_of_vmx(struct kunit *test)
{
	bool vmx_before, vmxe_after, vmx_after, marked_after, vmx_back;
	atomic_t others = ATOMIC_INIT(0);
	int cpu, r;

	emergency_prepare(test);
	emergency_get(test);

	/* hvx changes a CPU's VMX state under hvx_vmx_lock. */
	mutex_lock(&hvx_vmx_lock);
	cpu = get_cpu();
	local_irq_disable();
	vmclear_ran = false;
	vmx_before = in_vmx_operation();
	hvx_vmx_emergency_off();
	vmxe_after = __read_cr4() & X86_CR4_VMXE;
	vmx_after = in_vmx_operation();
	marked_after = READ_ONCE(this_cpu_ptr(&hvx_cpu)->vmx_on);
	local_irq_enable();

	/* The other CPUs, asked by IPI while this one is still out. */
	smp_call_function(count_in_vmx_ipi, &others, 1);

	local_irq_disable();
	r = hvx_vmx_on_this_cpu();
	vmx_back = in_vmx_operation();
	local_irq_enable();
	put_cpu();
	mutex_unlock(&hvx_vmx_lock);

	KUNIT_EXPECT_TRUE_MSG(test, vmx_before, "CPU%d", cpu);
	KUNIT_EXPECT_TRUE_MSG(test, vmclear_ran,
			      "CPU%d: no VMCLEAR before VMXOFF", cpu);
	KUNIT_EXPECT_TRUE_MSG(test, vmclear_saw_vmxe,
			      "CPU%d: VMCLEAR ran after VMXOFF", cpu);
	KUNIT_EXPECT_FALSE_MSG(test, vmxe_after, "CPU%d: CR4.VMXE still set",
			       cpu);
	KUNIT_EXPECT_FALSE_MSG(test, vmx_after, "CPU%d: still in VMX operation",
			       cpu);
	KUNIT_EXPECT_FALSE_MSG(test, marked_after,
			       "CPU%d: hvx still counts it in VMX operation",
			       cpu);
	KUNIT_EXPECT_EQ(test, atomic_read(&others), (int)num_online_cpus() - 1);
	KUNIT_EXPECT_EQ(test, r, 0);
	KUNIT_EXPECT_TRUE_MSG(test, vmx_back, "CPU%d: not back in VMX operation",
			      cpu);

	emergency_put(test);
	atomic_set(&others, 0);
	on_each_cpu(count_in_vmx_ipi, &others, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&others), 0);
}

/* On a CPU out of VMX operation the callback touches nothing. */
static void emergency_off_leaves_a_cpu_without_vmx_alone(struct kunit *test)
{
	bool vmxe_before, vmxe_after;
	unsigned long flags;

	emergency_prepare(test);
	local_irq_save(flags);
	vmxe_before = __read_cr4() & X86_CR4_VMXE;
	vmclear_ran = false;
	/* Never turn off VMX that another hypervisor turned on. */
	if (!vmxe_before)
		hvx_vmx_emergency_off();
	vmxe_after = __read_cr4() & X86_CR4_VMXE;
	local_irq_restore(flags);

	if (vmxe_before)
		kunit_skip(test, "another hypervisor holds VMX on this CPU");
	KUNIT_EXPECT_FALSE(test, vmxe_after);
	KUNIT_EXPECT_FALSE(test, vmclear_ran);
}

static void notify(struct module *mod, unsigned long state)
{
	hvx_vmx_module_event(&hvx_module_nb, state, mod);
}

static bool slot_held(void)
{
	bool held;

	mutex_lock(&hvx_vmx_lock);
	held = hvx_emergency_held;
	mutex_unlock(&hvx_vmx_lock);
	return held;
}

/*
 * The slot is held while VMX is held and kvm.ko is not loaded, whichever
 * of the two changes last: a kvm.ko that comes takes it from hvx before
 * its init runs, and gives it back after its exit.
 */
static void emergency_slot_follows_vmx_and_kvm(struct kunit *test)
{
	struct module *kvm, *other;

	emergency_prepare(test);
	if (hvx_kvm_probe())
		kunit_skip(test, "kvm.ko is loaded: the test makes up its own");
	kvm = kunit_kzalloc(test, sizeof(*kvm), GFP_KERNEL);
	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kvm);
	KUNIT_ASSERT_NOT_NULL(test, other);
	strscpy(kvm->name, "kvm", sizeof(kvm->name));
	strscpy(other->name, "kvm_intel", sizeof(other->name));

	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "held with no VMX");
	emergency_get(test);
	KUNIT_EXPECT_TRUE_MSG(test, slot_held(), "not held with VMX, no kvm.ko");

	notify(other, MODULE_STATE_COMING);
	KUNIT_EXPECT_TRUE_MSG(test, slot_held(), "given up for kvm_intel");
	notify(kvm, MODULE_STATE_COMING);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "kept as kvm.ko comes");
	notify(kvm, MODULE_STATE_LIVE);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "taken while kvm.ko is live");
	emergency_get(test);
	emergency_put(test);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "taken by a second user");
	notify(kvm, MODULE_STATE_GOING);
	KUNIT_EXPECT_TRUE_MSG(test, slot_held(), "not taken back as kvm.ko goes");

	emergency_put(test);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "kept after the last user");
	notify(kvm, MODULE_STATE_COMING);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "taken with no VMX");

	/* The first user finds kvm.ko there: no slot until it goes. */
	emergency_get(test);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "taken beside kvm.ko");
	emergency_put(test);
	notify(kvm, MODULE_STATE_GOING);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "taken with no VMX");
	emergency_get(test);
	KUNIT_EXPECT_TRUE_MSG(test, slot_held(), "not held once kvm.ko left");
	emergency_put(test);
	KUNIT_EXPECT_FALSE_MSG(test, slot_held(), "kept after the last user");
}

static struct kunit_case emergency_test_cases[] = {
	KUNIT_CASE(emergency_off_takes_this_cpu_out_of_vmx),
	KUNIT_CASE(emergency_off_leaves_a_cpu_without_vmx_alone),
	KUNIT_CASE(emergency_slot_follows_vmx_and_kvm),
	{}
};

static struct kunit_suite emergency_test_suite = {
	.name = "hvx_vmx_emergency",
	.init = emergency_test_init,
	.exit = emergency_test_exit,
	.test_cases = emergency_test_cases,
};

kunit_test_suite(emergency_test_suite);
