// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kvmclock.  The scale from TSC ticks to nanoseconds at the rates
 * CPUs have; that the structure a vCPU is given makes the guest read the
 * clock KVM_GET_CLOCK reads, whatever the vCPU's TSC is offset or scaled
 * to; KVM_SET_CLOCK's rules; and steal time's MSR and the sum it keeps.
 * Guest memory, the vCPU's TSC and the requests to every vCPU are this
 * file's stand-ins.
 */
#include <kunit/test.h>

#include "../../kmod/x86/kvmclock.c"

/*
 * Guest-physical memory: two pages at address 0, in address space 0 (the
 * paravirtual structures are never SMRAM's).
 */
static u8 test_mem[2 * PAGE_SIZE];

int __hvx_read_guest(struct hvx_vm *vm, int as, u64 gpa, void *buf,
		     size_t len)
{
	if (as || gpa > sizeof(test_mem) || len > sizeof(test_mem) - gpa)
		return -ENOENT;
	memcpy(buf, test_mem + gpa, len);
	return 0;
}

int __hvx_write_guest(struct hvx_vm *vm, int as, u64 gpa, const void *buf,
		      size_t len)
{
	if (as || gpa > sizeof(test_mem) || len > sizeof(test_mem) - gpa)
		return -ENOENT;
	memcpy(test_mem + gpa, buf, len);
	return 0;
}

int hvx_read_guest(struct hvx_vm *vm, int as, u64 gpa, void *buf,
		   size_t len)
{
	return __hvx_read_guest(vm, as, gpa, buf, len);
}

/*
 * The vCPU's TSC: the host's times tsc.khz / tsc_khz, plus tsc.base (the
 * origin is 0), as tsc.c has it for a ratio that is a whole number.
 */
u64 hvx_tsc_at(const struct hvx_vcpu *vcpu, u64 host_tsc)
{
	return host_tsc * (vcpu->tsc.khz / tsc_khz) + vcpu->tsc.base;
}

u32 hvx_tsc_get_khz(const struct hvx_vcpu *vcpu)
{
	return vcpu->tsc.khz;
}

/* The request only: no vCPU runs here to be kicked. */
void hvx_vm_request_all(struct hvx_vm *vm, unsigned int req)
{
	unsigned int i;

	for (i = 0; i < HVX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			set_bit(req, &vm->vcpus[i]->requests);
}

static u64 dist(u64 a, u64 b)
{
	return a > b ? a - b : b - a;
}

/* What the guest's pvclock_clocksource_read() computes. */
static u64 guest_read(const struct pvclock_vcpu_time_info *p, u64 tsc)
{
	u64 delta = tsc - p->tsc_timestamp;

	if (p->tsc_shift < 0)
		delta >>= -p->tsc_shift;
	else
		delta <<= p->tsc_shift;
	return p->system_time + (u64)(((unsigned __int128)delta *
				       p->tsc_to_system_mul) >> 32);
}

static void kvmclock_scale_at_real_rates(struct kunit *test)
{
	static const u64 rates[] = {
		1000000, 999999000, 1000000000, 1000001000, 2100000000,
		2999999000, 3000000000, 4096000000, 5400000000ULL,
		65535000000ULL,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		struct hvx_pvclock_scale s = hvx_pvclock_scale(rates[i]);
		u64 second = hvx_pvclock_ns(rates[i], s);
		u64 day = hvx_pvclock_ns(rates[i] * 86400, s);

		/* All the multiplier's bits carry precision. */
		KUNIT_EXPECT_GE_MSG(test, s.mul, 1U << 31, "%llu Hz", rates[i]);
		/* A second of ticks is a second, to the nanosecond... */
		KUNIT_EXPECT_LE_MSG(test, dist(second, NSEC_PER_SEC), 1,
				    "%llu Hz: %llu ns", rates[i], second);
		/* ...and a day is a day, to a part in 10^9. */
		KUNIT_EXPECT_LE_MSG(test, dist(day, 86400 * NSEC_PER_SEC),
				    86400, "%llu Hz: %llu ns", rates[i], day);
	}
}

static struct hvx_vcpu *kvmclock_vcpu(struct kunit *test, u32 ratio)
{
	struct hvx_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	vcpu->vm = kunit_kzalloc(test, sizeof(*vcpu->vm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vcpu->vm);
	mutex_init(&vcpu->vm->mmu_lock);
	hvx_kvmclock_vm_init(vcpu->vm);
	vcpu->vm->vcpus[0] = vcpu;
	vcpu->tsc.khz = tsc_khz * ratio;
	memset(test_mem, 0xff, sizeof(test_mem));
	return vcpu;
}

/*
 * The guest's clock is the VM's: what it computes from the structure
 * with its own TSC is what KVM_GET_CLOCK computes with the host's, to
 * the nanosecond when the two TSCs tick at the same rate.
 */
static void kvmclock_guest_reads_the_vm_clock(struct kunit *test)
{
	static const u32 ratios[] = { 1, 3 };
	struct pvclock_vcpu_time_info *pvti = (void *)test_mem + 0x40;
	unsigned int i;

	KUNIT_ASSERT_NE(test, tsc_khz, 0);
	for (i = 0; i < ARRAY_SIZE(ratios); i++) {
		struct hvx_vcpu *vcpu = kvmclock_vcpu(test, ratios[i]);
		struct hvx_vm_kvmclock *kc = &vcpu->vm->kvmclock;
		u64 host = 1000000007ULL * 3600;	/* any later host TSC */
		u64 vm_ns, guest_ns;

		vcpu->tsc.base = -123456789LL;		/* a guest TSC write */
		kc->ref_tsc = 5000;
		kc->ref_ns = 42 * NSEC_PER_SEC;
		KUNIT_EXPECT_EQ(test,
				hvx_kvmclock_set_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW,
						     0x40 | KVM_MSR_ENABLED), 0);
		__hvx_kvmclock_update(vcpu);

		KUNIT_EXPECT_EQ(test, pvti->version % 2, 0);
		KUNIT_EXPECT_EQ(test, pvti->system_time, kc->ref_ns);
		KUNIT_EXPECT_EQ(test, pvti->tsc_timestamp,
				hvx_tsc_at(vcpu, kc->ref_tsc));
		KUNIT_EXPECT_EQ(test, !!(pvti->flags & PVCLOCK_TSC_STABLE_BIT),
				hvx_kvmclock_stable());

		vm_ns = hvx_kvmclock_at(vcpu->vm, host);
		guest_ns = guest_read(pvti, hvx_tsc_at(vcpu, host));
		/*
		 * The same, but for the multipliers' rounding at different
		 * rates (a part in 2^32 each): a part in 10^9 of the time.
		 */
		KUNIT_EXPECT_LE_MSG(test, dist(vm_ns, guest_ns),
				    ratios[i] == 1 ? 2 :
				    2 + (vm_ns - kc->ref_ns) / NSEC_PER_SEC,
				    "ratio %u: VM %llu ns, guest %llu ns",
				    ratios[i], vm_ns, guest_ns);
		KUNIT_EXPECT_GT(test, guest_ns, kc->ref_ns);
	}
}

/* Rewritten only when asked, each time with a new even version. */
static void kvmclock_versions_and_requests(struct kunit *test)
{
	struct hvx_vcpu *vcpu = kvmclock_vcpu(test, 1);
	struct pvclock_vcpu_time_info *pvti = (void *)test_mem;
	struct kvm_clock_data data = { .clock = 7 };
	u32 version;

	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set_msr(vcpu, MSR_KVM_SYSTEM_TIME,
						   KVM_MSR_ENABLED), 0);
	KUNIT_EXPECT_TRUE(test, vcpu->requests & BIT(HVX_REQ_CLOCK));
	__hvx_kvmclock_update(vcpu);
	KUNIT_EXPECT_FALSE(test, vcpu->requests & HVX_KVMCLOCK_REQS);
	/* The first MSR's guests are never told the clock is stable. */
	KUNIT_EXPECT_EQ(test, pvti->flags, 0);
	version = pvti->version;
	KUNIT_EXPECT_EQ(test, version % 2, 0);

	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set(vcpu->vm, &data), 0);
	KUNIT_EXPECT_TRUE(test, vcpu->requests & BIT(HVX_REQ_CLOCK));
	__hvx_kvmclock_update(vcpu);
	KUNIT_EXPECT_EQ(test, pvti->version, version + 2);
	KUNIT_EXPECT_EQ(test, pvti->system_time, 7);

	/* A TSC change asks again; off, nothing is written. */
	hvx_kvmclock_tsc_changed(vcpu);
	KUNIT_EXPECT_TRUE(test, vcpu->requests & BIT(HVX_REQ_CLOCK));
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set_msr(vcpu, MSR_KVM_SYSTEM_TIME, 0), 0);
	__hvx_kvmclock_update(vcpu);
	KUNIT_EXPECT_EQ(test, pvti->version, version + 2);
	hvx_kvmclock_tsc_changed(vcpu);
	KUNIT_EXPECT_FALSE(test, vcpu->requests & BIT(HVX_REQ_CLOCK));
}

static void kvmclock_set_clock_rules(struct kunit *test)
{
	struct hvx_vcpu *vcpu = kvmclock_vcpu(test, 1);
	struct hvx_vm *vm = vcpu->vm;
	struct kvm_clock_data data = {
		.clock = 1000,
		.flags = KVM_CLOCK_REALTIME,
		.realtime = ktime_get_real_ns() - 5 * NSEC_PER_SEC,
	};

	/* The time of day since it was read is added... */
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set(vm, &data), 0);
	KUNIT_EXPECT_GE(test, vm->kvmclock.ref_ns, 1000 + 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_LT(test, vm->kvmclock.ref_ns, 1000 + 6 * NSEC_PER_SEC);
	/* ...never taken away... */
	data.realtime = ktime_get_real_ns() + 60 * NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set(vm, &data), 0);
	KUNIT_EXPECT_EQ(test, vm->kvmclock.ref_ns, 1000);
	/* ...what KVM_GET_CLOCK gives may come back; nothing else may. */
	data.flags = KVM_CLOCK_TSC_STABLE | KVM_CLOCK_HOST_TSC;
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set(vm, &data), 0);
	data.flags = BIT(5);
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set(vm, &data), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm->kvmclock.ref_ns, 1000);
}

static void kvmclock_steal_time(struct kunit *test)
{
	struct hvx_vcpu *vcpu = kvmclock_vcpu(test, 1);
	struct kvm_steal_time *st = (void *)test_mem + PAGE_SIZE;
	u64 msr = PAGE_SIZE | KVM_MSR_ENABLED, val, delay;

	if (!sched_info_on())
		kunit_skip(test, "the kernel counts no run delays");
	/* Bits 1 to 5 are reserved: the structure is 64-byte aligned. */
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set_msr(vcpu, MSR_KVM_STEAL_TIME,
						   msr | BIT(3)), 1);
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_set_msr(vcpu, MSR_KVM_STEAL_TIME,
						   msr), 0);
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_get_msr(vcpu, MSR_KVM_STEAL_TIME,
						   &val), 0);
	KUNIT_EXPECT_EQ(test, val, msr);

	memset(st, 0, sizeof(*st));
	st->preempted = 1;
	__hvx_kvmclock_update(vcpu);
	KUNIT_EXPECT_EQ(test, st->version, 2);
	KUNIT_EXPECT_EQ(test, st->steal, 0);	/* this thread's waits start now */
	KUNIT_EXPECT_EQ(test, st->preempted, 0);

	/* Waits for the CPU are added: 1 us made up, and any real ones. */
	vcpu->kvmclock.run_delay -= 1000;
	delay = vcpu->kvmclock.run_delay;
	hvx_kvmclock_run_start(vcpu);
	__hvx_kvmclock_update(vcpu);
	KUNIT_EXPECT_EQ(test, st->version, 4);
	KUNIT_EXPECT_EQ(test, st->steal, vcpu->kvmclock.run_delay - delay);
	KUNIT_EXPECT_GE(test, st->steal, 1000);

	/* Held to a CPUID table without it, the guest may not use it. */
	vcpu->pv_enforce = true;
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_get_msr(vcpu, MSR_KVM_STEAL_TIME,
						   &val), 1);
	vcpu->pv_features = BIT(KVM_FEATURE_STEAL_TIME);
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_get_msr(vcpu, MSR_KVM_STEAL_TIME,
						   &val), 0);
	KUNIT_EXPECT_EQ(test, hvx_kvmclock_get_msr(vcpu, MSR_KVM_SYSTEM_TIME_NEW,
						   &val), 1);
}

static struct kunit_case kvmclock_test_cases[] = {
	KUNIT_CASE(kvmclock_scale_at_real_rates),
	KUNIT_CASE(kvmclock_guest_reads_the_vm_clock),
	KUNIT_CASE(kvmclock_versions_and_requests),
	KUNIT_CASE(kvmclock_set_clock_rules),
	KUNIT_CASE(kvmclock_steal_time),
	{}
};

static struct kunit_suite kvmclock_test_suite = {
	.name = "hvx_kvmclock",
	.test_cases = kvmclock_test_cases,
};

kunit_test_suite(kvmclock_test_suite);
