/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM side of tests/guests/probe.S, the guest that does what its
 * mailbox asks: a VM with the guest loaded, and a function for each
 * request.  Each request starts and ends with the guest waiting at its
 * P_MARK 1 exit.  Results go into the transcript (guest32.h's trace()),
 * which the scripts compare between hvx and KVM.
 */
#ifndef HVX_TESTS_PROBE_H
#define HVX_TESTS_PROBE_H

#include <linux/kvm_para.h>
#include <string.h>

#include "guest32.h"

#define RUN_TIMEOUT	20	/* seconds: the guest never waits */

/* The mailbox (tests/guests/probe.S). */
#define BOX		0x9000
enum { OP_RDMSR, OP_WRMSR, OP_STORE, OP_LOAD, OP_VMCALL };
struct box {
	uint32_t op, msr, lo, hi, addr;
};

/* Guest memory at 0, MEM_SIZE bytes. */
static uint8_t *mem;

/* An exception vector, or one of these, as a request's outcome. */
#define DONE		0	/* the request was carried out */
#define SHUTDOWN	-1	/* KVM_EXIT_SHUTDOWN: the guest is gone */
#define LOST		-2	/* anything else: a bug */

static void probe_exit(void)
{
	struct kvm_regs r;
	char what[64];

	run_timed(RUN_TIMEOUT, now_ms, "KVM_RUN did not come back in time", &r);
	record_exit(&r, what, sizeof(what));
}

/*
 * Run to the guest's next report: DONE at P_MARK 1 (waiting) or 2 (a
 * request done), the vector of an exception it took, SHUTDOWN, or LOST.
 */
static int probe_report(uint32_t *val)
{
	probe_exit();
	if (is_out(P_MARK, 1) || is_out(P_MARK, 2))
		return DONE;
	if (is_out(P_VAL, ANY)) {
		*val = ex.value;
		return DONE;
	}
	if (is_out(P_VEC, ANY))
		return ex.value;
	if (ex.reason == KVM_EXIT_SHUTDOWN)
		return SHUTDOWN;
	printf("#   unexpected exit %u at %#llx\n", ex.reason,
	       (unsigned long long)ex.rip);
	return LOST;
}

/*
 * Run until the guest waits for a request: DONE, or the vector of the
 * exception it took on the way, or SHUTDOWN or LOST (where it stopped).
 */
static int probe_idle(void)
{
	int r, first = DONE;
	uint32_t v;

	do {
		r = probe_report(&v);
		if (r < 0)
			return r;
		if (first == DONE)
			first = r;
	} while (!is_out(P_MARK, 1));
	return first;
}

/*
 * Send a request; DONE with the one or two values it reports in @val, or
 * the vector of the exception it raised (after which the guest waits
 * again), SHUTDOWN or LOST.
 */
static int probe(uint32_t op, uint32_t msr, uint64_t data, uint32_t addr,
		 uint64_t *val)
{
	struct box b = { op, msr, (uint32_t)data, data >> 32, addr };
	uint32_t lo = 0, hi = 0;
	int r;

	memcpy(mem + BOX, &b, sizeof(b));
	r = probe_report(&lo);
	if (r == DONE && op == OP_RDMSR)
		r = probe_report(&hi);
	/* On to the next wait; an exception came first (or nothing did). */
	if (r >= 0 && probe_idle() != DONE)
		r = LOST;
	if (val)
		*val = (uint64_t)hi << 32 | lo;
	return r;
}

/* "0x..." for DONE with a value, "#N" for an exception, and so on. */
static const char *outcome(int r, uint64_t val)
{
	static char s[32];

	if (r == DONE)
		snprintf(s, sizeof(s), "%#llx", (unsigned long long)val);
	else if (r > 0)
		snprintf(s, sizeof(s), "#%d", r);
	else
		snprintf(s, sizeof(s), r == SHUTDOWN ? "shutdown" : "lost");
	return s;
}

/*
 * The hypervisor leaves of a CPUID table made the same on both devices:
 * KVM's signature (hvx's own table has its own), and of KVM's paravirtual
 * features only PV_SCHED_YIELD, which both have.
 */
static void probe_pv_leaves(struct kvm_cpuid2 *c)
{
	unsigned int i;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == KVM_CPUID_SIGNATURE) {
			e->eax = KVM_CPUID_FEATURES;
			memcpy(&e->ebx, KVM_SIGNATURE, 4);
			memcpy(&e->ecx, KVM_SIGNATURE + 4, 4);
			memcpy(&e->edx, KVM_SIGNATURE + 8, 4);
		} else if (e->function == KVM_CPUID_FEATURES) {
			e->eax = 1 << KVM_FEATURE_PV_SCHED_YIELD;
			e->ebx = e->ecx = e->edx = 0;
		}
	}
}

/*
 * vm and vCPU 0 of the device on the command line, the guest loaded and
 * waiting for its first request, with KVM_GET_SUPPORTED_CPUID as its
 * CPUID but for the hypervisor leaves (probe_pv_leaves()).
 */
static void probe_start(int argc, char **argv)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} cpuid = { .c.nent = 100 };
	struct kvm_sregs s;

	sys = open_device(argc, argv);
	catch_alarm();
	mem = create_guest_vm(argv[2], false);
	create_vcpu0(&s);
	if (ioctl(sys, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0)
		bail_errno("KVM_GET_SUPPORTED_CPUID");
	probe_pv_leaves(&cpuid.c);
	if (ioctl(vcpu, KVM_SET_CPUID2, &cpuid) < 0)
		bail_errno("the supported CPUID");
	start_flat32(&s);
	if (probe_idle() != DONE)
		bail("the guest did not start");
}

#endif /* HVX_TESTS_PROBE_H */
