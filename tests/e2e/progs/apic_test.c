// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC between two vCPUs and on its own, with the in-kernel
 * irqchip: an NMI IPI, the all-excluding-self and all-including-self
 * shorthands and the physical broadcast, logical destinations in the
 * flat and the cluster model, the timer in TSC-deadline mode
 * (IA32_TSC_DEADLINE), and x2APIC mode: IA32_APIC_BASE.EXTD, the ID,
 * LDR, ICR, SELF IPI and EOI registers as MSRs, x2APIC destinations.
 * The TPR and a self IPI through the xAPIC page are irqchip_test's.
 *
 *   apic_test DEVICE GUEST.bin      (tests/guests/apic.S)
 *
 * The vCPUs get the supported CPUID table (x2APIC), with the TSC-deadline
 * timer added when KVM_CAP_TSC_DEADLINE_TIMER says so, as QEMU does:
 * KVM's KVM_GET_SUPPORTED_CPUID does not offer it.  vCPU 0 starts vCPU 1
 * with INIT and start-up IPIs; each runs on a thread of its own, which
 * records the guest's reports (each an OUT) until vCPU 0's last.  The
 * checks then read the records: each names a step of the guest (a
 * P_MARK) and what must follow it up to the next step.  Output: TAP, and
 * as "# | " lines each vCPU's reports and its APIC as KVM_GET_LAPIC and
 * KVM_GET_MSRS give it at the end, which 93-apic.sh compares between hvx
 * and KVM; how late the timer came, which varies, is only a comment.
 */
#include <pthread.h>

#include "guest32.h"

#define P_TSC		0x90	/* dword: how late the timer was, in ticks */
#define END_MARK	0xff	/* vCPU 0's last report */
#define RUN_LIMIT	120	/* seconds for the whole guest */
#define MAX_EVENTS	128
#define MAX_CPUID	256

#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)
#define MSR_IA32_APICBASE	0x1b

/* Local APIC registers: offsets in kvm_lapic_state.regs. */
#define APIC_ID		0x20
#define APIC_LDR	0xd0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define ICR_WAKE	0x4030	/* the guest's last IPI: V_WAKE, fixed */

/* A guest report; in an expected list, @any matches whatever value. */
struct event {
	uint16_t port;
	bool any;
	uint32_t value;
};

#define VEC(x)		{ .port = P_VEC, .value = (x) }
#define VALUE(x)	{ .port = P_VAL, .value = (x) }
#define SOME(p)		{ .port = (p), .any = true }

struct vcpu {
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	struct event ev[MAX_EVENTS];	/* its reports, in order */
	unsigned int nr;
	char end[64];			/* why its run ended */
	bool eagain;		/* KVM_RUN said EAGAIN (not started yet) */
	bool late_seen;
	int32_t late;		/* P_TSC */
	volatile bool stop;
	volatile bool done;
};

static struct vcpu vcpus[2];

static const char *port_name(uint16_t port)
{
	switch (port) {
	case P_MARK:
		return "mark";
	case P_VEC:
		return "vec";
	case P_RET:
		return "ret";
	case P_VAL:
		return "val";
	case P_DEAD:
		return "dead";
	}
	return "port?";
}

/*
 * Run a vCPU until vCPU 0's END_MARK, an exit that is not an OUT, the
 * guest's P_DEAD, or until told to stop.  KVM_RUN failing with EAGAIN
 * (KVM's answer while a vCPU waits for its start-up) or EINTR (the
 * signal that stops it) is run again.
 */
static void *run_vcpu(void *arg)
{
	struct vcpu *v = arg;
	uint32_t val;
	uint16_t port;

	snprintf(v->end, sizeof(v->end), "stopped by the VMM");
	while (!v->stop) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EAGAIN) {
				v->eagain = true;
				continue;
			}
			if (errno == EINTR)
				continue;
			snprintf(v->end, sizeof(v->end), "KVM_RUN: %s",
				 strerror(errno));
			break;
		}
		if (v->run->exit_reason != KVM_EXIT_IO ||
		    v->run->io.direction != KVM_EXIT_IO_OUT) {
			struct kvm_regs r = { 0 };

			ioctl(v->fd, KVM_GET_REGS, &r);
			snprintf(v->end, sizeof(v->end),
				 "exit reason %u at rip %#llx",
				 v->run->exit_reason,
				 (unsigned long long)r.rip);
			break;
		}
		port = v->run->io.port;
		val = io_value(v->run);
		if (port == P_TSC) {
			v->late = (int32_t)val;
			v->late_seen = true;
			continue;
		}
		if (v->nr < MAX_EVENTS)
			v->ev[v->nr++] = (struct event){ .port = port,
							 .value = val };
		if (port == P_DEAD) {
			snprintf(v->end, sizeof(v->end),
				 "exception %u it did not expect", val);
			break;
		}
		if (v->id == 0 && port == P_MARK && val == END_MARK) {
			snprintf(v->end, sizeof(v->end), "its last report");
			break;
		}
	}
	v->done = true;
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;	/* only to interrupt KVM_RUN */
}

/* Stop @v's thread: a halted vCPU sleeps in KVM_RUN until the signal. */
static void stop_vcpu(struct vcpu *v)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500 && !v->done; i++) {
		v->stop = true;
		pthread_kill(v->thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	if (!v->done)
		bail("a vCPU never returned from KVM_RUN");
	pthread_join(v->thread, NULL);
}

/*
 * The CPUID table for both vCPUs: the supported one, which must offer
 * x2APIC, with the TSC-deadline timer added as the capability says.
 */
static struct kvm_cpuid2 *guest_cpuid(void)
{
	struct kvm_cpuid2 *c;
	struct kvm_cpuid_entry2 *leaf1 = NULL;
	unsigned int i;
	int cap;

	c = calloc(1, sizeof(*c) + MAX_CPUID * sizeof(c->entries[0]));
	if (!c)
		bail("out of memory");
	c->nent = MAX_CPUID;
	if (ioctl(sys, KVM_GET_SUPPORTED_CPUID, c) < 0)
		bail_errno("KVM_GET_SUPPORTED_CPUID");
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			leaf1 = &c->entries[i];
	if (!leaf1)
		bail("KVM_GET_SUPPORTED_CPUID has no leaf 1");
	tap_result(leaf1->ecx & CPUID1_ECX_X2APIC,
		   "KVM_GET_SUPPORTED_CPUID offers x2APIC (leaf 1, ECX bit 21)");
	printf("#   KVM_GET_SUPPORTED_CPUID %s the TSC-deadline timer (leaf 1, ECX bit 24)\n",
	       leaf1->ecx & CPUID1_ECX_TSC_DEADLINE ? "offers" : "does not offer");
	cap = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER);
	tap_result(cap > 0, "KVM_CHECK_EXTENSION(KVM_CAP_TSC_DEADLINE_TIMER) is %d",
		   cap);
	if (cap > 0)
		leaf1->ecx |= CPUID1_ECX_TSC_DEADLINE;
	return c;
}

/* The VM: irqchip, memory, the guest, two vCPUs, vCPU 0 at LOAD. */
static void create(const char *path)
{
	struct kvm_regs r = { .rip = LOAD, .rflags = FIXED_FLAGS };
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs s;
	char what[64];
	int size, i;

	cpuid = guest_cpuid();
	/* guest32.h's VM; the irqchip is checked here, before any vCPU. */
	create_guest_vm(path, false);
	TAP_EXPECT_RET(ioctl(vm, KVM_CREATE_IRQCHIP, 0), 0, "KVM_CREATE_IRQCHIP");

	size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	for (i = 0; i < 2; i++) {
		vcpus[i].id = i;
		vcpus[i].fd = ioctl(vm, KVM_CREATE_VCPU, i);
		if (vcpus[i].fd < 0)
			bail_errno("KVM_CREATE_VCPU");
		vcpus[i].run = mmap(NULL, size, PROT_READ | PROT_WRITE,
				    MAP_SHARED, vcpus[i].fd, 0);
		if (vcpus[i].run == MAP_FAILED)
			bail_errno("mmap kvm_run");
		snprintf(what, sizeof(what), "KVM_SET_CPUID2 on vCPU %d", i);
		TAP_EXPECT_RET(ioctl(vcpus[i].fd, KVM_SET_CPUID2, cpuid), 0,
			       what);
	}
	free(cpuid);

	if (ioctl(vcpus[0].fd, KVM_GET_SREGS, &s) < 0)
		bail_errno("KVM_GET_SREGS");
	flat32_sregs(&s);
	if (ioctl(vcpus[0].fd, KVM_SET_SREGS, &s) < 0 ||
	    ioctl(vcpus[0].fd, KVM_SET_REGS, &r) < 0)
		bail_errno("cannot set vCPU 0's registers");
}

/* ---- The guest's reports, step by step ---- */

/*
 * The reports after @v's MARK @mark, up to its next MARK: n is -1 if
 * the mark never came or no mark followed (the vCPU stopped in between),
 * so that a check that something did not come cannot pass on a run that
 * was cut short.
 */
struct seg {
	const struct event *e;
	int n;
};

static struct seg segment(const struct vcpu *v, uint32_t mark)
{
	struct seg s = { NULL, -1 };
	unsigned int i, j;

	for (i = 0; i < v->nr; i++)
		if (v->ev[i].port == P_MARK && v->ev[i].value == mark)
			break;
	for (j = i + 1; j < v->nr && v->ev[j].port != P_MARK; j++)
		;
	if (j < v->nr) {
		s.e = &v->ev[i + 1];
		s.n = j - i - 1;
	}
	return s;
}

/* Say what came after @v's MARK @mark, for a check that failed. */
static void show(const struct vcpu *v, uint32_t mark)
{
	struct seg s = segment(v, mark);
	int i;

	printf("#   vcpu %d after mark %#x:", v->id, mark);
	if (s.n < 0)
		printf(" (the mark, or the next one, never came)");
	for (i = 0; i < s.n; i++)
		printf(" %s %#x", port_name(s.e[i].port), s.e[i].value);
	printf("\n");
}

static bool seg_is(struct seg s, const struct event *want, int n)
{
	int i;

	if (s.n != n)
		return false;
	for (i = 0; i < n; i++)
		if (s.e[i].port != want[i].port ||
		    (!want[i].any && s.e[i].value != want[i].value))
			return false;
	return true;
}

static bool seg_has(struct seg s, uint16_t port, uint32_t value)
{
	int i;

	for (i = 0; i < s.n; i++)
		if (s.e[i].port == port && s.e[i].value == value)
			return true;
	return false;
}

/* Report @i of the step, or ANY if there are not that many. */
static uint32_t seg_value(struct seg s, int i)
{
	return i < s.n ? s.e[i].value : ANY;
}

/* One TAP line: @v's step @mark is exactly @want. */
static bool expect_seg(const struct vcpu *v, uint32_t mark,
		       const struct event *want, int n, const char *what)
{
	bool ok = seg_is(segment(v, mark), want, n);

	tap_result(ok, "%s", what);
	if (!ok)
		show(v, mark);
	return ok;
}

#define EXPECT(v, mark, what, ...)					\
	expect_seg(v, mark, (const struct event[]){ __VA_ARGS__ },	\
		   sizeof((const struct event[]){ __VA_ARGS__ }) /	\
		   sizeof(struct event), what)

/*
 * Who took vector @vec in vCPU 0's step @m0 and vCPU 1's step @m1: one
 * TAP line, which passes only if both steps are whole and @to0 and @to1
 * say who.
 */
static void took(uint32_t m0, uint32_t m1, uint8_t vec, bool to0, bool to1,
		 const char *what)
{
	struct seg s0 = segment(&vcpus[0], m0), s1 = segment(&vcpus[1], m1);
	bool ok = s0.n >= 0 && s1.n >= 0 &&
		  seg_has(s0, P_VEC, vec) == to0 &&
		  seg_has(s1, P_VEC, vec) == to1;

	tap_result(ok, "%s", what);
	if (!ok) {
		show(&vcpus[0], m0);
		show(&vcpus[1], m1);
	}
}

/* vCPU 1 comes up; the guest sees what CPUID gave it. */
static void check_start(void)
{
	EXPECT(&vcpus[0], 0x01,
	       "the guest's CPUID.1:ECX has x2APIC (bit 21) and TSC-deadline (bit 24)",
	       VALUE(CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE));
	EXPECT(&vcpus[1], 0x81,
	       "vCPU 1 runs from its start-up IPI and reads its xAPIC ID, 1 << 24",
	       VALUE(1u << 24));
}

/*
 * An NMI IPI to APIC 1, which waits in HLT with IF=0; the handler says
 * where it returns to (announced first) and IF as it came.
 */
static void check_nmi(void)
{
	struct seg s = segment(&vcpus[1], 0x82);
	bool ok;

	ok = EXPECT(&vcpus[1], 0x82,
		    "NMI IPI (delivery mode 100b) to APIC 1: taken with IF=0, vector 2",
		    SOME(P_VAL), VEC(2), SOME(P_RET), VALUE(0));
	tap_result(ok && seg_value(s, 0) == seg_value(s, 2),
		   "...it ends the HLT, and its IRET returns past it");
	EXPECT(&vcpus[0], 0x10, "the NMI IPI to APIC 1 does not reach the sender");
}

/* All excluding self, all including self, physical 0xff. */
static void check_broadcast(void)
{
	took(0x20, 0x83, 0x5c, false, true,
	     "all-excluding-self shorthand: APIC 1 takes 0x5c, the sender does not");
	took(0x20, 0x83, 0x5b, true, true,
	     "all-including-self shorthand: both take 0x5b");
	took(0x20, 0x83, 0x5a, true, true,
	     "physical destination 0xff in xAPIC mode is a broadcast: both take 0x5a");
	EXPECT(&vcpus[0], 0x20, "broadcasts: the sender takes 0x5b, 0x5a, in order, nothing more",
	       VEC(0x5b), VEC(0x5a));
	EXPECT(&vcpus[1], 0x83, "broadcasts: APIC 1 takes 0x5c, 0x5b, 0x5a, in order, nothing more",
	       VEC(0x5c), VEC(0x5b), VEC(0x5a));
}

/* The flat model: LDR bit 0 is vCPU 0, bit 1 vCPU 1. */
static void check_flat(void)
{
	struct seg s0 = segment(&vcpus[0], 0x30), s1 = segment(&vcpus[1], 0x84);

	tap_result(s0.n >= 2 && s1.n >= 2 &&
		   seg_value(s0, 0) == 0x01000000 &&
		   seg_value(s0, 1) == 0xffffffff &&
		   seg_value(s1, 0) == 0x02000000 &&
		   seg_value(s1, 1) == 0xffffffff,
		   "flat model: LDR (0x01000000, 0x02000000) and DFR 0xffffffff read back");
	took(0x30, 0x84, 0x6c, false, true,
	     "flat logical destination 0x02: APIC 1 alone takes 0x6c");
	took(0x30, 0x84, 0x6b, true, true,
	     "flat logical destination 0x03: both take 0x6b");
	took(0x30, 0x84, 0x6a, false, false,
	     "flat logical destination 0x04 is no one's LDR: nobody takes 0x6a");
	took(0x30, 0x84, 0x69, true, false,
	     "flat logical destination 0x01: the sender alone takes 0x69");
	EXPECT(&vcpus[0], 0x30, "flat model: the sender's reports, in order",
	       VALUE(0x01000000), VALUE(0xffffffff), VEC(0x6b), VEC(0x69));
	EXPECT(&vcpus[1], 0x84, "flat model: APIC 1's reports, in order",
	       VALUE(0x02000000), VALUE(0xffffffff), VEC(0x6c), VEC(0x6b));
}

/* The cluster model: cluster 1, vCPU 0 member bit 0, vCPU 1 bit 1. */
static void check_cluster(void)
{
	struct seg s0 = segment(&vcpus[0], 0x40), s1 = segment(&vcpus[1], 0x85);

	tap_result(seg_value(s0, 0) == 0x0fffffff &&
		   seg_value(s0, 1) == 0x11000000 &&
		   seg_value(s1, 0) == 0x0fffffff &&
		   seg_value(s1, 1) == 0x12000000,
		   "cluster model: DFR 0x0fffffff and LDR (0x11000000, 0x12000000) read back");
	took(0x40, 0x85, 0x7c, false, true,
	     "cluster logical destination 0x12 (cluster 1, member bit 1): APIC 1 alone takes 0x7c");
	took(0x40, 0x85, 0x7b, true, true,
	     "cluster logical destination 0x13 (cluster 1, bits 0 and 1): both take 0x7b");
	took(0x40, 0x85, 0x7a, false, false,
	     "cluster logical destination 0x22 is cluster 2: nobody takes 0x7a (a flat reading would give APIC 1)");
	took(0x40, 0x85, 0x79, false, false,
	     "cluster logical destination 0x21 is cluster 2: nobody takes 0x79 (a flat reading would give APIC 0)");
	took(0x40, 0x85, 0x78, true, false,
	     "cluster logical destination 0x11: the sender alone takes 0x78");
	EXPECT(&vcpus[0], 0x40, "cluster model: the sender's reports, in order",
	       VALUE(0x0fffffff), VALUE(0x11000000), VEC(0x7b), VEC(0x78));
	EXPECT(&vcpus[1], 0x85, "cluster model: APIC 1's reports, in order",
	       VALUE(0x0fffffff), VALUE(0x12000000), VEC(0x7c), VEC(0x7b));
}

/*
 * vCPU 0's timer in TSC-deadline mode.  The guest reports the MSR's
 * reads as 1 for "reads 0" (VAL_ZERO64), and compares TSCs itself.
 */
static void check_tsc_deadline(void)
{
	struct seg s = segment(&vcpus[0], 0x50);
	bool ok;

	tap_result(seg_value(s, 0) == 1,
		   "outside TSC-deadline mode, IA32_TSC_DEADLINE ignores a write: reads 0");
	tap_result(seg_value(s, 1) == 0x40040,
		   "the LVT timer takes mode 10b, TSC-deadline: reads 0x40040");
	tap_result(seg_value(s, 2) == 0 && s.n == 3,
		   "in TSC-deadline mode the initial count ignores a write: reads 0");

	s = segment(&vcpus[0], 0x51);
	tap_result(seg_value(s, 0) == 1,
		   "IA32_TSC_DEADLINE reads back the deadline written");
	ok = seg_is(s, (const struct event[]){ VALUE(1), SOME(P_VAL),
					       VEC(0x40), SOME(P_RET) }, 4) &&
	     seg_value(s, 1) == seg_value(s, 3);
	tap_result(ok, "the deadline ends HLT (IF=1) with the LVT timer's vector 0x40, once");
	if (!ok)
		show(&vcpus[0], 0x51);
	if (vcpus[0].late_seen)
		printf("#   the timer's handler read the TSC %d ticks after the deadline\n",
		       vcpus[0].late);
	s = segment(&vcpus[0], 0x52);
	tap_result(seg_value(s, 0) == 1,
		   "the timer's interrupt came no earlier than the deadline (the TSC its handler read)");
	tap_result(seg_value(s, 1) == 1 && seg_value(s, 2) == 1 && s.n == 3,
		   "IA32_TSC_DEADLINE reads 0 once the timer fired, and it fired once");

	ok = EXPECT(&vcpus[0], 0x53,
		    "writing 0 to IA32_TSC_DEADLINE disarms: reads 0, no interrupt though the deadline has long passed",
		    VALUE(1), VALUE(1));
	EXPECT(&vcpus[1], 0x87,
	       "...which vCPU 1's one-shot timer (0x38) measured", VEC(0x38));

	s = segment(&vcpus[0], 0x55);
	ok = EXPECT(&vcpus[0], 0x55,
		    "a deadline in the past fires at once: spent by the next exit (reads 0), taken at STI",
		    VALUE(1), SOME(P_VAL), VEC(0x40), SOME(P_RET));
	tap_result(ok && seg_value(s, 1) == seg_value(s, 3),
		   "...right after STI and the instruction in its shadow");
	EXPECT(&vcpus[0], 0x56, "two timer interrupts in all", VALUE(2));
}

/* x2APIC mode on both vCPUs, and its destinations. */
static void check_x2apic(void)
{
	struct seg s0 = segment(&vcpus[0], 0x61), s1 = segment(&vcpus[1], 0x88);

	EXPECT(&vcpus[0], 0x60,
	       "RDMSR of an x2APIC register (ID, 0x802) in xAPIC mode: #GP",
	       VEC(13));
	tap_result(seg_value(s0, 0) == 0xfee00900 &&
		   seg_value(s0, 1) == 0xfee00d00 &&
		   seg_value(s1, 0) == 0xfee00800 &&
		   seg_value(s1, 1) == 0xfee00c00,
		   "IA32_APIC_BASE: the guest sets EXTD (0xfee00900 -> 0xfee00d00, 0xfee00800 -> 0xfee00c00)");
	tap_result(seg_value(s0, 2) == 0 && seg_value(s1, 2) == 1,
		   "the x2APIC ID (MSR 0x802) is the vCPU's id: 0 and 1");
	tap_result(seg_value(s0, 3) == 1 && seg_value(s1, 3) == 2 &&
		   s0.n == 4 && s1.n == 4,
		   "the x2APIC LDR (MSR 0x80d) is derived from the ID: 0x1 and 0x2");
	EXPECT(&vcpus[0], 0x62,
	       "SELF IPI (MSR 0x83f) of 0x4e, twice: each EOI by MSR 0x80b ends it, the ISR (MSR 0x812) is clear",
	       VEC(0x4e), VEC(0x4e), VALUE(0));
	EXPECT(&vcpus[1], 0x89,
	       "WRMSR of IA32_APIC_BASE from x2APIC to xAPIC mode: #GP", VEC(13));

	took(0x64, 0x8a, 0x77, false, true,
	     "ICR MSR 0x830, physical destination 1 in bits 63:32: APIC 1 alone takes 0x77");
	took(0x64, 0x8a, 0x76, false, true,
	     "x2APIC logical destination 0x2 (cluster 0, bit 1): APIC 1 alone takes 0x76");
	took(0x64, 0x8a, 0x75, true, true,
	     "x2APIC logical destination 0x3: both take 0x75");
	took(0x64, 0x8a, 0x74, false, false,
	     "x2APIC logical destination 0x10002 is cluster 1: nobody takes 0x74");
	took(0x64, 0x8a, 0x73, true, true,
	     "x2APIC physical destination 0xffffffff is a broadcast: both take 0x73");
	took(0x64, 0x8a, 0x72, false, false,
	     "x2APIC physical destination 0xff is APIC ID 255, no broadcast: nobody takes 0x72");
	took(0x64, 0x8a, 0x71, false, true,
	     "all-excluding-self shorthand by the ICR MSR: APIC 1 alone takes 0x71");
	EXPECT(&vcpus[0], 0x64, "x2APIC IPIs: the sender's reports, in order",
	       VEC(0x75), VEC(0x73));
	EXPECT(&vcpus[1], 0x8a,
	       "x2APIC IPIs: APIC 1 still in x2APIC mode, its reports in order",
	       VALUE(0xfee00c00), VEC(0x77), VEC(0x76), VEC(0x75), VEC(0x73),
	       VEC(0x71));
}

/*
 * Each vCPU's APIC from the VMM's side at the end, in x2APIC mode:
 * KVM_GET_LAPIC gives the ID as an xAPIC ID (without
 * KVM_CAP_X2APIC_API), the LDR as derived, and the 64-bit ICR as its
 * halves, ICR2 the whole 32-bit destination: each vCPU's last IPI was
 * V_WAKE to the other.  KVM_GET_MSRS gives the base.
 */
static void check_state(void)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} msrs;
	struct kvm_lapic_state s;
	bool ok[4] = { true, true, true, true };
	uint32_t id, ldr, icr, icr2;
	int i;

	for (i = 0; i < 2; i++) {
		memset(&msrs, 0, sizeof(msrs));
		msrs.h.nmsrs = 1;
		msrs.e.index = MSR_IA32_APICBASE;
		if (ioctl(vcpus[i].fd, KVM_GET_LAPIC, &s) < 0 ||
		    ioctl(vcpus[i].fd, KVM_GET_MSRS, &msrs) != 1)
			bail_errno("KVM_GET_LAPIC or KVM_GET_MSRS");
		memcpy(&id, s.regs + APIC_ID, sizeof(id));
		memcpy(&ldr, s.regs + APIC_LDR, sizeof(ldr));
		memcpy(&icr, s.regs + APIC_ICR, sizeof(icr));
		memcpy(&icr2, s.regs + APIC_ICR2, sizeof(icr2));
		trace("vcpu %d at the end: lapic id %#x ldr %#x icr %#x icr2 %#x, apic_base %#llx",
		      i, id, ldr, icr, icr2, (unsigned long long)msrs.e.data);
		ok[0] &= id == (uint32_t)i << 24;
		ok[1] &= ldr == 1u << i;
		ok[2] &= icr == ICR_WAKE && icr2 == (uint32_t)!i;
		ok[3] &= msrs.e.data == (i ? 0xfee00c00 : 0xfee00d00);
	}
	tap_result(ok[0], "KVM_GET_LAPIC in x2APIC mode: the ID register is the vCPU's id << 24");
	tap_result(ok[1], "KVM_GET_LAPIC in x2APIC mode: the LDR is derived from the id (0x1, 0x2)");
	tap_result(ok[2], "KVM_GET_LAPIC in x2APIC mode: the last ICR MSR write as ICR 0x4030 and ICR2 the destination (1, 0)");
	tap_result(ok[3], "KVM_GET_MSRS: IA32_APIC_BASE with EXTD (0xfee00d00, 0xfee00c00)");
}

static void print_transcript(void)
{
	unsigned int i, n;
	int k;

	for (k = 0; k < 2; k++) {
		struct vcpu *v = &vcpus[k];

		for (i = 0; i < v->nr; i++)
			trace("vcpu %d: %s %#x", k, port_name(v->ev[i].port),
			      v->ev[i].value);
		n = v->nr;
		trace("vcpu %d: %u reports, then %s", k, n, v->end);
		if (v->eagain)
			printf("#   vcpu %d: KVM_RUN said EAGAIN before its start-up\n",
			       k);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	bool ended;
	int i;

	sys = open_device(argc, argv);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN gets EINTR */
	create(argv[2]);

	if (pthread_create(&vcpus[1].thread, NULL, run_vcpu, &vcpus[1]) ||
	    pthread_create(&vcpus[0].thread, NULL, run_vcpu, &vcpus[0]))
		bail_errno("pthread_create");
	for (i = 0; i < RUN_LIMIT * 100 && !vcpus[0].done; i++)
		nanosleep(&ts, NULL);
	stop_vcpu(&vcpus[0]);
	stop_vcpu(&vcpus[1]);	/* halted with IF=0 for good */
	ended = vcpus[0].nr && vcpus[0].ev[vcpus[0].nr - 1].port == P_MARK &&
		vcpus[0].ev[vcpus[0].nr - 1].value == END_MARK;
	tap_result(ended, "the guest reached its end within %d s", RUN_LIMIT);
	for (i = 0; i < 2; i++)
		if (!ended)
			printf("#   vcpu %d: %s\n", i, vcpus[i].end);

	check_start();
	check_nmi();
	check_broadcast();
	check_flat();
	check_cluster();
	check_tsc_deadline();
	check_x2apic();
	print_transcript();
	check_state();
	trace("end");
	return tap_failed;
}
