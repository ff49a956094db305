// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's paravirtual clock (kvmclock) and steal time: the VM's clock that
 * KVM_GET_CLOCK and KVM_SET_CLOCK read and set, the guest's MSRs that ask
 * for it (and for the wall clock and steal time) in guest memory, and the
 * writes that keep those up to date.  Documentation/virt/kvm/x86/msr.rst
 * is the guest's side of the ABI.
 *
 * A VM's kvmclock counts nanoseconds from 0 at KVM_CREATE_VM, as KVM's.
 * hvx keeps it as a function of the host's TSC, which all of hvx's time
 * already follows (kmod/x86/tsc.c):
 *
 *	kvmclock = ref_ns + (host TSC - ref_tsc) in nanoseconds
 *
 * where (ref_tsc, ref_ns) is one point, taken at KVM_CREATE_VM and again
 * at each KVM_SET_CLOCK.  A vCPU's struct pvclock_vcpu_time_info says the
 * same in its own TSC: system_time is ref_ns, tsc_timestamp is what the
 * vCPU's TSC read at ref_tsc, and the scale is the vCPU's TSC rate.  The
 * guest computes
 *
 *	system_time + ((TSC - tsc_timestamp) << tsc_shift) * mul >> 32
 *
 * (tsc_shift negative: a shift right), and KVM_GET_CLOCK computes the
 * same from the host's TSC.  So the structure changes only when that
 * point or the vCPU's TSC does, every vCPU's clock reads the same at the
 * same instant however far apart their TSCs are, and hvx can say
 * PVCLOCK_TSC_STABLE_BIT.  KVM gets there by its "master clock", one
 * snapshot shared by all vCPUs, when the host's clocksource is the TSC
 * and the vCPUs' TSCs match; hvx's vCPUs always share one point, and
 * hvx claims stability where the host's TSC is constant and the kernel
 * trusts it.  As in KVM, a guest that uses the first MSR (0x12) is not
 * told the clock is stable: old guests mishandled it.
 *
 * The writes to guest memory happen in the vCPU's thread just before an
 * entry, with preemption on (they may fault the VMM's memory in):
 * writers of the MSRs, KVM_SET_CLOCK and TSC changes leave a request,
 * and the run loop calls __hvx_kvmclock_update().  Each structure is
 * versioned as the ABI says: odd while hvx writes it, even once it is
 * whole.
 *
 * Steal time: how long the vCPU's thread was runnable but not running
 * (the scheduler's run_delay), added up in the guest's struct
 * kvm_steal_time at every KVM_RUN and after every wait for a CPU, as KVM
 * does at each vcpu_load.  hvx never sets its preempted byte (KVM does,
 * for guests that check it before spinning on a lock holder); it stays 0.
 */
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <linux/timekeeping.h>
#include <asm/pvclock-abi.h>
#include <asm/tsc.h>

#include "../vm.h"
#include "kvmclock.h"
#include "tsc.h"
#include "x86.h"

/* What KVM_GET_CLOCK may say and KVM_SET_CLOCK may be given back. */
#define HVX_CLOCK_FLAGS	(KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | \
			 KVM_CLOCK_HOST_TSC)

/* MSR_KVM_STEAL_TIME: 64-byte aligned, bits 1 to 5 reserved. */
#define HVX_STEAL_ADDR_MASK	(~(u64)KVM_STEAL_ALIGNMENT_BITS)

/* Can a kvmclock that follows the host's TSC be called stable? */
static bool hvx_kvmclock_stable(void)
{
	return boot_cpu_has(X86_FEATURE_CONSTANT_TSC) && !check_tsc_unstable();
}

/**
 * struct hvx_pvclock_scale - ticks to nanoseconds, as pvclock says it
 * @mul: a 32-bit fraction
 * @shift: applied to the ticks first: left, or right if negative
 */
struct hvx_pvclock_scale {
	u32 mul;
	s8 shift;
};

/*
 * The scale for a clock of @hz ticks a second: ns = ticks * 10^9 / @hz.
 * The shift makes the multiplier as large as it can be, in [2^31, 2^32),
 * for the most precision: with n = 10^9 and d = @hz each doubled as
 * needed until n < d <= 2n (doubling d is a shift to the right of the
 * ticks, doubling n one to the left), mul = n * 2^32 / d.
 */
static struct hvx_pvclock_scale hvx_pvclock_scale(u64 hz)
{
	struct hvx_pvclock_scale s = {};
	u64 n = NSEC_PER_SEC, d = hz;

	while (d > 2 * n) {
		n <<= 1;
		s.shift--;
	}
	while (d <= n) {
		d <<= 1;
		s.shift++;
	}
	s.mul = mul_u64_u64_div_u64(n, 1ULL << 32, d);
	return s;
}

/* @ticks in nanoseconds, as the guest's pvclock_scale_delta() does it. */
static u64 hvx_pvclock_ns(u64 ticks, struct hvx_pvclock_scale s)
{
	if (s.shift < 0)
		ticks >>= -s.shift;
	else
		ticks <<= s.shift;
	return mul_u64_u32_shr(ticks, s.mul, 32);
}

void hvx_kvmclock_vm_init(struct hvx_vm *vm)
{
	spin_lock_init(&vm->kvmclock.lock);
	vm->kvmclock.ref_tsc = vm->tsc.origin;
	vm->kvmclock.ref_ns = 0;
}

/* The VM's kvmclock when the host's TSC reads @host_tsc (lock held). */
static u64 hvx_kvmclock_at(struct hvx_vm *vm, u64 host_tsc)
{
	struct hvx_vm_kvmclock *kc = &vm->kvmclock;

	return kc->ref_ns +
	       hvx_pvclock_ns(host_tsc - kc->ref_tsc,
			      hvx_pvclock_scale((u64)tsc_khz * 1000));
}

/*
 * The VM's kvmclock now, with the host's TSC and the time of day it was
 * read at (to within the two reads).
 */
static void hvx_kvmclock_read(struct hvx_vm *vm, struct kvm_clock_data *data)
{
	unsigned long flags;

	spin_lock_irqsave(&vm->kvmclock.lock, flags);
	data->host_tsc = rdtsc();
	data->realtime = ktime_get_real_ns();
	data->clock = hvx_kvmclock_at(vm, data->host_tsc);
	spin_unlock_irqrestore(&vm->kvmclock.lock, flags);
}

/**
 * hvx_kvmclock_get - KVM_GET_CLOCK
 * @vm: the VM
 * @data: filled in: the clock, and where the host's TSC is stable, the
 *	host's TSC and the time of day at the same moment, which a VMM
 *	uses to carry the clock across a migration
 */
void hvx_kvmclock_get(struct hvx_vm *vm, struct kvm_clock_data *data)
{
	memset(data, 0, sizeof(*data));
	hvx_kvmclock_read(vm, data);
	if (hvx_kvmclock_stable())
		data->flags = HVX_CLOCK_FLAGS;
	else
		data->realtime = data->host_tsc = 0;
}

/**
 * hvx_kvmclock_set - KVM_SET_CLOCK
 * @vm: the VM
 * @data: the clock; with KVM_CLOCK_REALTIME, the time of day it was read
 *	at, so that the clock also gains the time since (never loses it:
 *	a time of day in the future moves nothing, as in KVM)
 *
 * The other flags are ignored, as in KVM, so that what KVM_GET_CLOCK gave
 * may come back.  Every vCPU's structure is rewritten before it next runs.
 *
 * Return: 0, or -EINVAL for a flag KVM_GET_CLOCK never gives.
 */
int hvx_kvmclock_set(struct hvx_vm *vm, const struct kvm_clock_data *data)
{
	struct hvx_vm_kvmclock *kc = &vm->kvmclock;
	u64 clock = data->clock;
	unsigned long flags;

	if (data->flags & ~HVX_CLOCK_FLAGS)
		return -EINVAL;
	spin_lock_irqsave(&kc->lock, flags);
	if (data->flags & KVM_CLOCK_REALTIME) {
		u64 now = ktime_get_real_ns();

		if (now > data->realtime)
			clock += now - data->realtime;
	}
	kc->ref_tsc = rdtsc();
	kc->ref_ns = clock;
	spin_unlock_irqrestore(&kc->lock, flags);
	hvx_vm_request_all(vm, HVX_REQ_CLOCK);
	return 0;
}

/**
 * hvx_kvmclock_features - the KVM_FEATURE_* bits of this file's
 *
 * The clock through either pair of MSRs, its stable bit where the host's
 * TSC is, and steal time where the scheduler counts run delays.  Also
 * NOP_IO_DELAY, a hint that needs nothing of hvx: port 0x80, which Linux
 * writes to wait for slow ISA devices, is a full exit to the VMM that
 * waits for nothing.
 */
u32 hvx_kvmclock_features(void)
{
	u32 f = BIT(KVM_FEATURE_CLOCKSOURCE) | BIT(KVM_FEATURE_CLOCKSOURCE2) |
		BIT(KVM_FEATURE_NOP_IO_DELAY);

	if (hvx_kvmclock_stable())
		f |= BIT(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
	if (sched_info_on())
		f |= BIT(KVM_FEATURE_STEAL_TIME);
	return f;
}

bool hvx_is_kvmclock_msr(u32 index)
{
	switch (index) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_WALL_CLOCK_NEW:
	case MSR_KVM_SYSTEM_TIME_NEW:
	case MSR_KVM_STEAL_TIME:
		return true;
	}
	return false;
}

/* The feature each MSR belongs to, for KVM_CAP_ENFORCE_PV_FEATURE_CPUID. */
static unsigned int hvx_kvmclock_msr_feature(u32 index)
{
	switch (index) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		return KVM_FEATURE_CLOCKSOURCE;
	case MSR_KVM_STEAL_TIME:
		return KVM_FEATURE_STEAL_TIME;
	default:
		return KVM_FEATURE_CLOCKSOURCE2;
	}
}

/**
 * hvx_kvmclock_get_msr - read one of the MSRs hvx_is_kvmclock_msr() names
 * @vcpu: the vCPU
 * @index: the MSR
 * @val: what was last written to it
 *
 * Return: 0, or 1 (a #GP) where the guest is held to a CPUID table that
 * does not offer the MSR's feature.
 */
int hvx_kvmclock_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val)
{
	if (!hvx_guest_pv_has(vcpu, hvx_kvmclock_msr_feature(index)))
		return 1;
	switch (index) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		*val = READ_ONCE(vcpu->vm->kvmclock.wall_clock);
		break;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		*val = vcpu->kvmclock.system_time;
		break;
	case MSR_KVM_STEAL_TIME:
		*val = vcpu->kvmclock.steal_time;
		break;
	}
	return 0;
}

/**
 * hvx_kvmclock_set_msr - write one of the MSRs hvx_is_kvmclock_msr() names
 * @vcpu: the vCPU
 * @index: the MSR
 * @val: a guest-physical address, and for the clock and steal time bit 0
 *	to turn them on
 *
 * The guest's WRMSR and the VMM's KVM_SET_MSRS alike.  As in KVM, any
 * address is taken: one with no memory behind it is simply never written.
 * The structures are written before the vCPU next runs.
 *
 * Return: 0, or 1 (a #GP, or KVM_SET_MSRS stopping there) for the
 * reserved bits of steal time, steal time where the scheduler does not
 * count run delays, or a feature the guest is held to not having.
 */
int hvx_kvmclock_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val)
{
	struct hvx_vcpu_kvmclock *kc = &vcpu->kvmclock;

	if (!hvx_guest_pv_has(vcpu, hvx_kvmclock_msr_feature(index)))
		return 1;
	switch (index) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		WRITE_ONCE(vcpu->vm->kvmclock.wall_clock, val);
		set_bit(HVX_REQ_WALL_CLOCK, &vcpu->requests);
		break;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		kc->system_time = val;
		kc->old_msr = index == MSR_KVM_SYSTEM_TIME;
		set_bit(HVX_REQ_CLOCK, &vcpu->requests);
		break;
	case MSR_KVM_STEAL_TIME:
		if (!sched_info_on() || (val & KVM_STEAL_RESERVED_MASK))
			return 1;
		kc->steal_time = val;
		if (val & KVM_MSR_ENABLED)
			set_bit(HVX_REQ_STEAL, &vcpu->requests);
		break;
	}
	return 0;
}

/* The vCPU's TSC moved or changed rate: its structure must follow. */
void hvx_kvmclock_tsc_changed(struct hvx_vcpu *vcpu)
{
	if (vcpu->kvmclock.system_time & KVM_MSR_ENABLED)
		set_bit(HVX_REQ_CLOCK, &vcpu->requests);
}

/* KVM_RUN begins: steal time gets a new version, as KVM's vcpu_load. */
void hvx_kvmclock_run_start(struct hvx_vcpu *vcpu)
{
	if (vcpu->kvmclock.steal_time & KVM_MSR_ENABLED)
		set_bit(HVX_REQ_STEAL, &vcpu->requests);
}

/*
 * Write @len bytes of @data at @gpa between two versions: the u32 at
 * @gpa + @version_at is made odd, the rest written, then made even.  A
 * structure at an address with no memory behind it, or one the VMM's
 * memory faults on, is left as it is.
 */
static void hvx_pv_write(struct hvx_vcpu *vcpu, u64 gpa, void *data,
			 size_t len, size_t version_at)
{
	struct hvx_vm *vm = vcpu->vm;
	u32 version;

	mutex_lock(&vm->mmu_lock);
	if (__hvx_read_guest(vm, 0, gpa + version_at, &version,
			     sizeof(version)))
		goto out;
	/* Odd before the first write is whatever memory held: skip it. */
	version = (version + 1) | 1;
	if (__hvx_write_guest(vm, 0, gpa + version_at, &version,
			      sizeof(version)))
		goto out;
	/* The odd version is seen before any field changes... */
	smp_wmb();
	memcpy(data + version_at, &version, sizeof(version));
	if (__hvx_write_guest(vm, 0, gpa, data, len))
		goto out;
	/* ...and the even one only once they all have. */
	smp_wmb();
	version++;
	__hvx_write_guest(vm, 0, gpa + version_at, &version,
			  sizeof(version));
out:
	mutex_unlock(&vm->mmu_lock);
}

static void hvx_kvmclock_write_clock(struct hvx_vcpu *vcpu)
{
	struct hvx_vm_kvmclock *vkc = &vcpu->vm->kvmclock;
	struct pvclock_vcpu_time_info pvti = {};
	struct hvx_pvclock_scale s;
	u64 ref_tsc, gpa;

	if (!(vcpu->kvmclock.system_time & KVM_MSR_ENABLED))
		return;
	gpa = vcpu->kvmclock.system_time & ~(u64)KVM_MSR_ENABLED;
	spin_lock_irq(&vkc->lock);
	ref_tsc = vkc->ref_tsc;
	pvti.system_time = vkc->ref_ns;
	spin_unlock_irq(&vkc->lock);

	s = hvx_pvclock_scale((u64)hvx_tsc_get_khz(vcpu) * 1000);
	pvti.tsc_timestamp = hvx_tsc_at(vcpu, ref_tsc);
	pvti.tsc_to_system_mul = s.mul;
	pvti.tsc_shift = s.shift;
	if (hvx_kvmclock_stable() && !vcpu->kvmclock.old_msr)
		pvti.flags = PVCLOCK_TSC_STABLE_BIT;
	hvx_pv_write(vcpu, gpa, &pvti, sizeof(pvti),
		     offsetof(struct pvclock_vcpu_time_info, version));
}

/* The time of day at kvmclock 0, which the guest adds its clock to. */
static void hvx_kvmclock_write_wall_clock(struct hvx_vcpu *vcpu)
{
	struct hvx_vm *vm = vcpu->vm;
	struct pvclock_wall_clock wc = {};
	struct kvm_clock_data now;
	u64 gpa = READ_ONCE(vm->kvmclock.wall_clock);
	u64 boot;

	if (!gpa)
		return;
	hvx_kvmclock_read(vm, &now);
	boot = now.realtime - now.clock;
	/* Seconds in 32 bits: enough until 2106, as the ABI has it. */
	wc.sec = div_u64_rem(boot, NSEC_PER_SEC, &wc.nsec);
	hvx_pv_write(vcpu, gpa, &wc, sizeof(wc),
		     offsetof(struct pvclock_wall_clock, version));
}

static void hvx_kvmclock_write_steal(struct hvx_vcpu *vcpu)
{
	struct hvx_vcpu_kvmclock *kc = &vcpu->kvmclock;
	struct kvm_steal_time st;
	u64 gpa = kc->steal_time & HVX_STEAL_ADDR_MASK;
	u64 delay = hvx_run_delay();

	if (!(kc->steal_time & KVM_MSR_ENABLED))
		return;
	/* A new thread runs the vCPU: its waits count from now. */
	if (kc->steal_task != current) {
		kc->steal_task = current;
		kc->run_delay = delay;
	}
	if (hvx_read_guest(vcpu->vm, 0, gpa, &st, sizeof(st)))
		return;
	st.steal += delay - kc->run_delay;
	st.preempted = 0;
	kc->run_delay = delay;
	hvx_pv_write(vcpu, gpa, &st, sizeof(st),
		     offsetof(struct kvm_steal_time, version));
}

/**
 * __hvx_kvmclock_update - act on the requests of this file
 * @vcpu: the vCPU, in its thread, not loaded (preemption on)
 *
 * The run loop calls it before an entry when HVX_KVMCLOCK_REQS has a bit
 * set, or when the thread has waited for a CPU since steal time was last
 * written.
 */
void __hvx_kvmclock_update(struct hvx_vcpu *vcpu)
{
	if (test_and_clear_bit(HVX_REQ_WALL_CLOCK, &vcpu->requests))
		hvx_kvmclock_write_wall_clock(vcpu);
	if (test_and_clear_bit(HVX_REQ_CLOCK, &vcpu->requests))
		hvx_kvmclock_write_clock(vcpu);
	clear_bit(HVX_REQ_STEAL, &vcpu->requests);
	hvx_kvmclock_write_steal(vcpu);
}
