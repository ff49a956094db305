// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's time-stamp counter: what RDTSC, IA32_TSC and IA32_TSC_ADJUST
 * give a vCPU, its rate (KVM_GET/SET_TSC_KHZ), and a guest TSC value in
 * host time, for the APIC's TSC-deadline timer.
 *
 * A VM's TSC starts at 0 when the VM is created, and its vCPUs agree on
 * it.  hvx keeps each vCPU's TSC as a function of one clock:
 *
 *	guest TSC = (host TSC - VM's origin) * ratio + base
 *
 * where the origin is the host's TSC at KVM_CREATE_VM, the ratio is the
 * guest's rate over the host's (1.0 unless KVM_SET_TSC_KHZ changed it, on
 * a CPU that can scale: VT-x's TSC multiplier, 48 fraction bits) and the
 * base is what writes to the TSC moved it by.  The CPU computes RDTSC as
 * host TSC * multiplier + offset, so the VMCS gets the ratio and
 * base - origin * ratio.  vCPUs with the same ratio and base read the same
 * TSC at the same instant, whenever each was created or scaled.
 *
 * Writes, as KVM handles them:
 * - the guest's WRMSR to IA32_TSC moves its own vCPU's base only, and
 *   adds the same amount to its IA32_TSC_ADJUST; a WRMSR to
 *   IA32_TSC_ADJUST moves the base by the change (SDM "Time-Stamp
 *   Counter Adjustment");
 * - the VMM's KVM_SET_MSRS of IA32_TSC is taken as synchronising the
 *   vCPUs when it writes 0 (a vCPU's reset: QEMU writes 0 to each in
 *   turn) or a value within one second of what the VM's last such write
 *   has counted up to since: the vCPU then takes that write's base, so the
 *   vCPUs agree exactly rather than by the microseconds between the VMM's
 *   calls.  Any other value starts a new reference for the VM.  A new
 *   vCPU is such a write of 0.  The VMM's write of IA32_TSC_ADJUST sets
 *   the MSR and leaves the TSC alone (restoring state);
 * - the VMM's KVM_VCPU_TSC_OFFSET sets the vCPU's TSC as an offset from
 *   the host's, and becomes the VM's reference too.
 *
 * Without TSC scaling, KVM_SET_TSC_KHZ accepts a rate within 250 ppm of
 * the host's (what KVM calls the same rate: no scaling) and refuses
 * others with -EINVAL; KVM instead accepts a higher one and keeps
 * catching the guest's TSC up by hand, which hvx does not do.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "../vm.h"
#include "guest.h"
#include "tsc.h"

/* VT-x's TSC multiplier: a fixed-point number with 48 fraction bits. */
#define HVX_TSC_FRAC_BITS	48
#define HVX_TSC_RATIO_ONE	BIT_ULL(HVX_TSC_FRAC_BITS)
/* A rate this close to the host's is the host's (KVM's tsc_tolerance_ppm). */
#define HVX_TSC_TOLERANCE_PPM	250

static u64 hvx_tsc_scale(u64 ticks, u64 ratio)
{
	return mul_u64_u64_shr(ticks, ratio, HVX_TSC_FRAC_BITS);
}

/* The vCPU's TSC when the host's reads @host_tsc. */
u64 hvx_tsc_at(const struct hvx_vcpu *vcpu, u64 host_tsc)
{
	return hvx_tsc_scale(host_tsc - vcpu->vm->tsc.origin,
			     vcpu->tsc.ratio) + vcpu->tsc.base;
}

u64 hvx_tsc_read(const struct hvx_vcpu *vcpu)
{
	return hvx_tsc_at(vcpu, rdtsc());
}

/* Give the CPU the vCPU's ratio and base (its VMCS is loaded). */
static void hvx_tsc_load(struct hvx_vcpu *vcpu)
{
	u64 ratio = vcpu->tsc.ratio;

	hvx_vmcs_set_tsc(vcpu, vcpu->tsc.base -
			 hvx_tsc_scale(vcpu->vm->tsc.origin, ratio), ratio);
	hvx_kvmclock_tsc_changed(vcpu);
}

/*
 * The ratio for a guest TSC of *@khz (0: the host's, filled in).
 * Return: 0, or -EINVAL for a rate the CPU cannot give.
 */
static int hvx_tsc_ratio(u32 *khz, u64 *ratio)
{
	u32 host = tsc_khz, slack;

	if (!host)
		return -EINVAL;
	if (!*khz)
		*khz = host;
	*ratio = HVX_TSC_RATIO_ONE;
	slack = div_u64((u64)host * HVX_TSC_TOLERANCE_PPM, 1000000);
	if (*khz >= host - slack && *khz <= host + slack)
		return 0;
	if (!hvx_vmx_can_scale_tsc()) {
		pr_info_ratelimited("hvx: a TSC of %u kHz needs TSC scaling, which this CPU lacks (host: %u kHz)\n",
				    *khz, host);
		return -EINVAL;
	}
	/* A ratio below 2^16 fits the multiplier. */
	if ((u64)*khz >= (u64)host << 16)
		return -EINVAL;
	*ratio = mul_u64_u32_div(HVX_TSC_RATIO_ONE, *khz, host);
	return 0;
}

void hvx_tsc_vm_init(struct hvx_vm *vm)
{
	spin_lock_init(&vm->tsc.lock);
	vm->tsc.origin = rdtsc();
	vm->tsc.sync_khz = tsc_khz;
	vm->tsc.default_khz = tsc_khz;
}

/* The VMM writes @value to IA32_TSC (a new vCPU: 0). */
static void hvx_tsc_host_write(struct hvx_vcpu *vcpu, u64 value)
{
	struct hvx_vm_tsc *vt = &vcpu->vm->tsc;
	u64 now, one_second;
	s64 drift;

	spin_lock(&vt->lock);
	now = hvx_tsc_scale(rdtsc() - vt->origin, vcpu->tsc.ratio);
	one_second = (u64)vcpu->tsc.khz * MSEC_PER_SEC;
	drift = value - (now + vt->sync_base);
	if (vcpu->tsc.khz == vt->sync_khz &&
	    (!value || (drift < (s64)one_second && -drift < (s64)one_second))) {
		vcpu->tsc.base = vt->sync_base;
	} else {
		vcpu->tsc.base = value - now;
		vt->sync_base = vcpu->tsc.base;
		vt->sync_khz = vcpu->tsc.khz;
	}
	spin_unlock(&vt->lock);
}

/* Before the vCPU's VMCS is set up: the VM's rate, the VM's TSC. */
void hvx_tsc_vcpu_init(struct hvx_vcpu *vcpu)
{
	u32 khz = READ_ONCE(vcpu->vm->tsc.default_khz);
	u64 ratio;

	/* Checked when it was set; only a host without a TSC fails here. */
	if (hvx_tsc_ratio(&khz, &ratio)) {
		khz = tsc_khz;
		ratio = HVX_TSC_RATIO_ONE;
	}
	vcpu->tsc.khz = khz;
	vcpu->tsc.ratio = ratio;
	hvx_tsc_host_write(vcpu, 0);
}

/* For the VMCS's TSC offset and multiplier at set-up. */
void hvx_tsc_vcpu_setup(struct hvx_vcpu *vcpu)
{
	hvx_tsc_load(vcpu);
}

/**
 * hvx_tsc_get_msr - IA32_TSC and IA32_TSC_ADJUST
 * @vcpu: the vCPU
 * @index: the MSR
 * @val: filled in
 *
 * Return: 0, or -ENOENT if @index is neither.
 */
int hvx_tsc_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val)
{
	switch (index) {
	case MSR_IA32_TSC:
		*val = hvx_tsc_read(vcpu);
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*val = vcpu->tsc.adjust;
		return 0;
	}
	return -ENOENT;
}

/**
 * hvx_tsc_set_msr - IA32_TSC and IA32_TSC_ADJUST (the vCPU's VMCS loaded)
 * @vcpu: the vCPU
 * @index: the MSR
 * @val: the value
 * @host: the VMM writes it
 *
 * A write of IA32_TSC_ADJUST changes nothing unless the guest's CPUID
 * offers the MSR, as in KVM (which does not fault the guest either).
 *
 * Return: 0, or -ENOENT if @index is neither.
 */
int hvx_tsc_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val, bool host)
{
	s64 adj;

	switch (index) {
	case MSR_IA32_TSC:
		if (host) {
			hvx_tsc_host_write(vcpu, val);
		} else {
			adj = val - hvx_tsc_read(vcpu);
			vcpu->tsc.base += adj;
			vcpu->tsc.adjust += adj;
		}
		break;
	case MSR_IA32_TSC_ADJUST:
		if (!vcpu->tsc.cpuid_adjust)
			return 0;
		if (!host)
			vcpu->tsc.base += val - vcpu->tsc.adjust;
		vcpu->tsc.adjust = val;
		break;
	default:
		return -ENOENT;
	}
	hvx_tsc_load(vcpu);
	return 0;
}

/*
 * KVM_VCPU_TSC_OFFSET (KVM_GET/SET_DEVICE_ATTR on the vCPU): the offset
 * in KVM's sense, guest TSC = host TSC * ratio + offset, which is what the
 * VMCS holds.  A VMM restoring a vCPU sets it; the VM's later new vCPUs
 * and writes of IA32_TSC near it synchronise with it, as with a VMM's
 * write of IA32_TSC.
 */
u64 hvx_tsc_get_offset(const struct hvx_vcpu *vcpu)
{
	return vcpu->tsc.base - hvx_tsc_scale(vcpu->vm->tsc.origin,
					      vcpu->tsc.ratio);
}

/* The vCPU's VMCS is loaded. */
void hvx_tsc_set_offset(struct hvx_vcpu *vcpu, u64 offset)
{
	struct hvx_vm_tsc *vt = &vcpu->vm->tsc;

	spin_lock(&vt->lock);
	vcpu->tsc.base = offset + hvx_tsc_scale(vt->origin, vcpu->tsc.ratio);
	vt->sync_base = vcpu->tsc.base;
	vt->sync_khz = vcpu->tsc.khz;
	spin_unlock(&vt->lock);
	hvx_tsc_load(vcpu);
}

u32 hvx_tsc_get_khz(const struct hvx_vcpu *vcpu)
{
	return vcpu->tsc.khz;
}

/**
 * hvx_tsc_set_khz - KVM_SET_TSC_KHZ (the vCPU's VMCS loaded)
 * @vcpu: the vCPU
 * @khz: the guest's TSC rate; 0 for the host's
 *
 * The guest's TSC keeps counting from its origin at the new rate, as in
 * KVM: a VMM sets the rate before the vCPU runs, then writes IA32_TSC.
 *
 * Return: 0, or -EINVAL for a rate the CPU cannot give.
 */
int hvx_tsc_set_khz(struct hvx_vcpu *vcpu, u32 khz)
{
	u64 ratio;
	int r;

	r = hvx_tsc_ratio(&khz, &ratio);
	if (r)
		return r;
	vcpu->tsc.khz = khz;
	vcpu->tsc.ratio = ratio;
	hvx_tsc_load(vcpu);
	return 0;
}

/**
 * hvx_tsc_vm_set_khz - KVM_SET_TSC_KHZ on the VM: the rate of its vCPUs
 * created from now on (KVM_CAP_VM_TSC_CONTROL)
 * @vm: the VM
 * @khz: the rate; 0 for the host's
 *
 * Return: 0, or -EINVAL for a rate the CPU cannot give.
 */
int hvx_tsc_vm_set_khz(struct hvx_vm *vm, u32 khz)
{
	u64 ratio;
	int r;

	r = hvx_tsc_ratio(&khz, &ratio);
	if (!r)
		WRITE_ONCE(vm->tsc.default_khz, khz);
	return r;
}

/**
 * hvx_tsc_deadline_ns - when the vCPU's TSC reaches @tsc, on ktime_get()
 * @vcpu: the vCPU
 * @tsc: a guest TSC value
 *
 * Return: nanoseconds on the caller's clock; now for a value that has
 * passed; at most about a day ahead (an hrtimer re-armed then is as good
 * as one for a later deadline that no guest will wait for).
 */
s64 hvx_tsc_deadline_ns(const struct hvx_vcpu *vcpu, u64 tsc)
{
	const u64 max_ns = 86400ULL * NSEC_PER_SEC;
	s64 now_ns = ktime_get_ns();
	u64 now = hvx_tsc_read(vcpu), ticks, ns;

	if (tsc <= now || !vcpu->tsc.khz)
		return now_ns;
	ticks = tsc - now;
	/* ticks / (khz * 1000) seconds, without overflowing. */
	if (ticks / vcpu->tsc.khz >= max_ns / NSEC_PER_MSEC)
		return now_ns + max_ns;
	ns = mul_u64_u32_div(ticks, NSEC_PER_MSEC, vcpu->tsc.khz);
	return now_ns + ns;
}
