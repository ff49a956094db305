// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's CPUID, built from what the device supports
 * (KVM_GET_SUPPORTED_CPUID) as a VMM does.  Every guest gets its APIC ID
 * in leaf 1, the "running on a hypervisor" bit, and no VMX (KVM would
 * offer nested VMX; hvx does not).
 *
 * A Linux guest also learns the TSC's rate instead of measuring it, which
 * under an emulated CPU is slow and often wrong:
 *
 *   leaf 0x15  TSC/crystal ratio and the crystal's rate.  The crystal is
 *              the LAPIC timer's 1 GHz clock (hvx's and KVM's APIC bus),
 *              so Linux also skips calibrating the LAPIC timer.  A known
 *              crystal makes the TSC rate "known" (TSC_KNOWN_FREQ): no
 *              calibration against the PIT and no later refinement.
 *   leaf 0x16  the processor's base and maximum MHz, for cpu_khz.
 *
 * and the TSC-deadline timer, which the device supports but leaves to the
 * VMM to offer (it only works with an in-kernel LAPIC).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "boot.h"
#include "cpuid.h"

#define MAX_ENTRIES		256
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_DEADLINE	(1u << 24)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define CRYSTAL_HZ		1000000000u	/* the APIC bus */

static unsigned int gcd(unsigned int a, unsigned int b)
{
	while (b) {
		unsigned int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Leaf 0x15 for a TSC of tsc_khz: TSC = crystal * ebx / eax.  Linux
 * multiplies the crystal's kHz by EBX in 32 bits, so EBX stays at or
 * below 4294; when the exact ratio needs more, the rate is given to the
 * nearest MHz.
 */
void cpuid_tsc_leaf(uint32_t tsc_khz, struct kvm_cpuid_entry2 *e)
{
	unsigned int crystal_khz = CRYSTAL_HZ / 1000, g;

	g = gcd(tsc_khz, crystal_khz);
	e->function = 0x15;
	e->index = e->flags = 0;
	e->eax = crystal_khz / g;
	e->ebx = tsc_khz / g;
	if (e->ebx > 4294) {
		e->eax = 1000;
		e->ebx = tsc_khz / 1000;
	}
	e->ecx = CRYSTAL_HZ;
	e->edx = 0;
}

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid2 *c, uint32_t function)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == function)
			return &c->entries[i];
	return NULL;
}

static struct kvm_cpuid_entry2 *add(struct kvm_cpuid2 *c, uint32_t function)
{
	struct kvm_cpuid_entry2 *e = find(c, function);

	if (!e && c->nent < MAX_ENTRIES)
		e = &c->entries[c->nent++];
	if (e)
		*e = (struct kvm_cpuid_entry2) { .function = function };
	return e;
}

/* What a Linux guest needs beyond the image guests' leaves. */
static void linux_leaves(struct vcpu *v, struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 *e;
	int tsc_khz;

	e = find(c, 1);
	if (e && ioctl(v->m->sys_fd, KVM_CHECK_EXTENSION,
		       KVM_CAP_TSC_DEADLINE_TIMER) > 0)
		e->ecx |= CPUID_1_ECX_DEADLINE;

	tsc_khz = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
	e = find(c, 0);
	if (tsc_khz <= 0 || !e)
		return;		/* Linux measures it, slowly */
	if (e->eax < 0x16)
		e->eax = 0x16;
	e = add(c, 0x15);
	if (e)
		cpuid_tsc_leaf(tsc_khz, e);
	e = add(c, 0x16);
	if (e) {
		e->eax = e->ebx = tsc_khz / 1000;
		e->ecx = CRYSTAL_HZ / 1000000;
	}
}

/* Set the vCPU's CPUID; leaf 1 is also returned, for the MP table. */
int cpuid_setup(struct vcpu *v, struct kvm_cpuid_entry2 *leaf1)
{
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *c;
	int r = 0;

	c = calloc(1, sizeof(*c) + MAX_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = MAX_ENTRIES;
	if (ioctl(v->m->sys_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		r = -errno;
		goto out;
	}
	e = find(c, 1);
	if (e) {
		e->ebx = (e->ebx & 0x00ffffff) | ((uint32_t)v->id << 24);
		e->ecx = (e->ecx & ~CPUID_1_ECX_VMX) | CPUID_1_ECX_HYPERVISOR;
	}
	if (v->m->linux_guest)
		linux_leaves(v, c);
	if (leaf1 && e)
		*leaf1 = *find(c, 1);
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		r = -errno;
out:
	free(c);
	return r;
}
