// SPDX-License-Identifier: GPL-2.0
/*
 * Bad calls to every ioctl of the device, a VM and a vCPU, run on /dev/hvx
 * and on /dev/kvm (the first argument): ioctls on the wrong kind of fd,
 * bad pointers, impossible sizes and ids, overlapping and malformed slots,
 * a wrong mmap, and vCPU state no CPU can be in.  Each row says what hvx
 * answers and what KVM answers; where they differ the row says why.  A bad
 * state may be refused up front (EINVAL) or accepted and then fail the
 * entry (KVM_EXIT_FAIL_ENTRY): both are right, a host problem is not.
 * Prints TAP; the lines are the same on both devices.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"

#define MB	(1UL << 20)
#define BAD_PTR	((void *)8)	/* never mapped */

static int sys, vm, vcpu;
static bool on_hvx;
static uint8_t *mem;
static struct kvm_sregs s0;	/* real mode at 0, as after RESET */
static struct kvm_regs r0;

enum fd_kind { SYS, VM, VCPU };

struct errno_case {
	const char *what;
	enum fd_kind fd;
	unsigned long req;
	void *arg;
	int hvx;		/* errno on hvx */
	int kvm;		/* errno on KVM */
};

/*
 * Unknown ioctls: hvx says ENOTTY, the errno for "not an ioctl of this
 * file"; KVM's x86 code says EINVAL for the system and vCPU fds.
 */
static const struct errno_case fd_cases[] = {
	{ "KVM_CREATE_VCPU on the system fd", SYS, KVM_CREATE_VCPU, 0, ENOTTY, EINVAL },
	{ "KVM_SET_USER_MEMORY_REGION on the system fd", SYS,
	  KVM_SET_USER_MEMORY_REGION, 0, ENOTTY, EINVAL },
	{ "KVM_RUN on the system fd", SYS, KVM_RUN, 0, ENOTTY, EINVAL },
	{ "KVM_GET_REGS on the VM fd", VM, KVM_GET_REGS, 0, ENOTTY, ENOTTY },
	{ "KVM_CREATE_VM on the vCPU fd", VCPU, KVM_CREATE_VM, 0, ENOTTY, EINVAL },
	{ "KVM_CREATE_VCPU on the vCPU fd", VCPU, KVM_CREATE_VCPU, 0, ENOTTY, EINVAL },
	{ "KVM_SET_USER_MEMORY_REGION on the vCPU fd", VCPU,
	  KVM_SET_USER_MEMORY_REGION, 0, ENOTTY, EINVAL },
};

/* Every ioctl that takes a pointer, given one that is not mapped. */
static const struct errno_case fault_cases[] = {
	{ "KVM_GET_SUPPORTED_CPUID", SYS, KVM_GET_SUPPORTED_CPUID, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_MSR_INDEX_LIST", SYS, KVM_GET_MSR_INDEX_LIST, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_MSR_FEATURE_INDEX_LIST", SYS, KVM_GET_MSR_FEATURE_INDEX_LIST, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_MSRS (system)", SYS, KVM_GET_MSRS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_USER_MEMORY_REGION", VM, KVM_SET_USER_MEMORY_REGION, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_CLOCK", VM, KVM_GET_CLOCK, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_X86_SET_MSR_FILTER", VM, KVM_X86_SET_MSR_FILTER, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_CLOCK", VM, KVM_SET_CLOCK, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_REGS", VCPU, KVM_GET_REGS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_REGS", VCPU, KVM_SET_REGS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_SREGS", VCPU, KVM_GET_SREGS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_SREGS", VCPU, KVM_SET_SREGS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_CPUID2", VCPU, KVM_GET_CPUID2, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_CPUID2", VCPU, KVM_SET_CPUID2, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_MSRS", VCPU, KVM_GET_MSRS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_MSRS", VCPU, KVM_SET_MSRS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_FPU", VCPU, KVM_GET_FPU, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_FPU", VCPU, KVM_SET_FPU, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_XSAVE", VCPU, KVM_GET_XSAVE, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_XSAVE", VCPU, KVM_SET_XSAVE, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_GET_XCRS", VCPU, KVM_GET_XCRS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_XCRS", VCPU, KVM_SET_XCRS, BAD_PTR, EFAULT, EFAULT },
	{ "KVM_SET_GUEST_DEBUG", VCPU, KVM_SET_GUEST_DEBUG, BAD_PTR, EFAULT,
	  EFAULT },
};

static int fd_of(enum fd_kind k)
{
	return k == SYS ? sys : k == VM ? vm : vcpu;
}

static void expect_errnos(const struct errno_case *c, unsigned int n,
			  const char *suffix)
{
	for (unsigned int i = 0; i < n; i++) {
		int want = on_hvx ? c[i].hvx : c[i].kvm;
		long r;

		errno = 0;
		r = ioctl(fd_of(c[i].fd), c[i].req, c[i].arg);
		tap_result(r == -1 && errno == want, "%s%s fails with %s",
			   c[i].what, suffix, strerror(want));
		if (!(r == -1 && errno == want))
			printf("#   got %ld, errno %d (%s)\n", r, errno,
			       strerror(errno));
	}
}

static int set_slot(uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, uint64_t hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

static void slots(void)
{
	uint64_t hva = (uintptr_t)mem;

	TAP_EXPECT_RET(set_slot(0, 0, 0, MB, hva), 0, "slot 0 at 0, 1 MiB");
	TAP_EXPECT_ERRNO(set_slot(1, 0, MB / 2, MB, hva + MB), EEXIST,
			 "a slot overlapping slot 0");
	TAP_EXPECT_ERRNO(set_slot(1, 0x80, 2 * MB, MB, hva + MB), EINVAL,
			 "a slot flag nobody defined");
	TAP_EXPECT_ERRNO(set_slot(1, 0, 2 * MB, 1ULL << 62, hva + MB), EINVAL,
			 "a slot of 2^62 bytes");
	TAP_EXPECT_ERRNO(set_slot(1, 0, 2 * MB, MB, -MB), EINVAL,
			 "a slot whose host range wraps");
	TAP_EXPECT_ERRNO(set_slot(0x7fff, 0, 2 * MB, MB, hva + MB), EINVAL,
			 "slot id 0x7fff");
	TAP_EXPECT_ERRNO(set_slot(0x20000, 0, 2 * MB, MB, hva + MB), EINVAL,
			 "address space 2");
	TAP_EXPECT_ERRNO(set_slot(5, 0, 2 * MB, 0, 0), EINVAL,
			 "deleting a slot that does not exist");
}

static void vcpus(void)
{
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, -1), EINVAL, "vCPU id -1");
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, 0x7fffffff), EINVAL,
			 "vCPU id 0x7fffffff");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	tap_result(vcpu >= 0, "vCPU 0");
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, 0), EEXIST, "vCPU 0 again");
}

/*
 * KVM_ENABLE_CAP on VMs of their own: KVM_CAP_MAX_VCPU_ID, set once
 * (again to the same value only) before the first vCPU, bounds the ids
 * of the vCPUs; the first vCPU fixes it at the largest.  A capability the
 * device does not enable, and flags, are EINVAL.  Then a vCPU's.
 */
static void enable_cap(void)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_MAX_VCPU_ID };
	int v = ioctl(sys, KVM_CREATE_VM, 0), w = ioctl(sys, KVM_CREATE_VM, 0);
	int max = ioctl(v, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID), c;
	long quirks, want;

	tap_result(ioctl(v, KVM_CHECK_EXTENSION, KVM_CAP_ENABLE_CAP_VM) > 0,
		   "KVM_CAP_ENABLE_CAP_VM is claimed");
	cap.args[0] = max + 1;
	TAP_EXPECT_ERRNO(ioctl(v, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_CAP_MAX_VCPU_ID above KVM_CHECK_EXTENSION's");
	cap.args[0] = 2;
	cap.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(v, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_ENABLE_CAP with flags");
	cap.flags = 0;
	TAP_EXPECT_RET(ioctl(v, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_MAX_VCPU_ID 2");
	TAP_EXPECT_RET(ioctl(v, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_MAX_VCPU_ID 2 again");
	cap.args[0] = 3;
	TAP_EXPECT_ERRNO(ioctl(v, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_CAP_MAX_VCPU_ID changed to 3");
	TAP_EXPECT_ERRNO(ioctl(v, KVM_CREATE_VCPU, 2), EINVAL,
			 "vCPU id 2 with KVM_CAP_MAX_VCPU_ID 2");
	TAP_EXPECT_RET(ioctl(v, KVM_CREATE_VCPU, 1) >= 0, 1,
		       "vCPU id 1 with KVM_CAP_MAX_VCPU_ID 2");
	cap.cap = 0x7fffffff;
	TAP_EXPECT_ERRNO(ioctl(v, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_ENABLE_CAP of a capability that does not exist");
	TAP_EXPECT_ERRNO(ioctl(v, KVM_ENABLE_CAP, BAD_PTR), EFAULT,
			 "KVM_ENABLE_CAP with an unmapped argument");
	close(v);

	/*
	 * KVM_CAP_DISABLE_QUIRKS2 names the quirks that can be turned off
	 * (KVM has more of them than hvx); any set of those is taken, as is
	 * none, and a bit beyond them is EINVAL.
	 */
	quirks = ioctl(w, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2);
	want = KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT |
	       KVM_X86_QUIRK_FIX_HYPERCALL_INSN |
	       KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS;
	tap_result(quirks > 0 && (quirks & want) == want,
		   "KVM_CAP_DISABLE_QUIRKS2 offers the MWAIT and hypercall quirks");
	cap.cap = KVM_CAP_DISABLE_QUIRKS2;
	cap.args[0] = want;
	TAP_EXPECT_RET(ioctl(w, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_DISABLE_QUIRKS2 turns those three off");
	cap.args[0] = quirks > 0 ? 1ULL << (64 - __builtin_clzll(quirks)) : 1;
	TAP_EXPECT_ERRNO(ioctl(w, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_CAP_DISABLE_QUIRKS2 of a quirk not offered");
	cap.args[0] = 0;
	TAP_EXPECT_RET(ioctl(w, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_DISABLE_QUIRKS2 of none turns them on again");

	c = ioctl(w, KVM_CREATE_VCPU, 3);
	tap_result(c >= 0, "vCPU 3 of another VM");

	/*
	 * On a vCPU: KVM_CAP_ENFORCE_PV_FEATURE_CPUID (msr_model_test has
	 * what it does).  Flags, and a capability of the VM's, are EINVAL.
	 */
	tap_result(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_ENABLE_CAP) > 0,
		   "KVM_CAP_ENABLE_CAP (on a vCPU) is claimed");
	cap.cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID;
	cap.args[0] = 1;
	TAP_EXPECT_RET(ioctl(c, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_ENFORCE_PV_FEATURE_CPUID on a vCPU");
	cap.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(c, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_ENABLE_CAP on a vCPU with flags");
	cap.flags = 0;
	cap.cap = KVM_CAP_MAX_VCPU_ID;
	TAP_EXPECT_ERRNO(ioctl(c, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_ENABLE_CAP on a vCPU of a VM's capability");
	TAP_EXPECT_ERRNO(ioctl(c, KVM_ENABLE_CAP, BAD_PTR), EFAULT,
			 "KVM_ENABLE_CAP on a vCPU with an unmapped argument");

	cap.cap = KVM_CAP_MAX_VCPU_ID;
	cap.args[0] = 2;
	TAP_EXPECT_ERRNO(ioctl(w, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_CAP_MAX_VCPU_ID 2 once a vCPU exists");
	cap.args[0] = max;
	TAP_EXPECT_RET(ioctl(w, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_MAX_VCPU_ID at the largest once a vCPU exists");
	close(w);
}

/* hvx refuses mappings past the run area; KVM's map, then SIGBUS on use. */
/*
 * KVM_GET_CLOCK and KVM_SET_CLOCK: the flags KVM_CAP_ADJUST_CLOCK names,
 * a clock that moves on from what was set, the VM's flags given back,
 * and a flag there is none of refused.  Steal time's reserved bits.
 */
static void clocks(void)
{
	struct kvm_clock_data c = { .clock = 1000000000000ULL }, d;
	int flags = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_ADJUST_CLOCK);
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} steal = {
		.hdr.nmsrs = 1,
		.e = { .index = 0x4b564d03, .data = 0x10000 | 1 | (1 << 3) },
	};

	TAP_EXPECT_RET(flags, KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME |
		       KVM_CLOCK_HOST_TSC, "KVM_CAP_ADJUST_CLOCK: three flags");
	TAP_EXPECT_RET(ioctl(vm, KVM_SET_CLOCK, &c), 0, "KVM_SET_CLOCK to 1000 s");
	TAP_EXPECT_RET(ioctl(vm, KVM_GET_CLOCK, &d), 0, "KVM_GET_CLOCK");
	TAP_EXPECT_RET(d.clock >= c.clock && d.clock < c.clock + 60000000000ULL,
		       1, "the clock went on from 1000 s");
	if (d.clock < c.clock || d.clock >= c.clock + 60000000000ULL)
		printf("#   read %llu ns\n", (unsigned long long)d.clock);
	TAP_EXPECT_RET(d.flags & ~flags, 0, "KVM_GET_CLOCK: no other flag");
	TAP_EXPECT_RET(ioctl(vm, KVM_SET_CLOCK, &d), 0,
		       "KVM_SET_CLOCK takes what KVM_GET_CLOCK gave");
	c.flags = 1U << 7;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_SET_CLOCK, &c), EINVAL,
			 "KVM_SET_CLOCK with an unknown flag");
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_MSRS, &steal), 0,
		       "MSR_KVM_STEAL_TIME with a reserved bit: not set");
	steal.e.data &= ~(1 << 3);
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_MSRS, &steal), 1,
		       "MSR_KVM_STEAL_TIME at 64 KiB: set");
}

/*
 * KVM_X86_SET_MSR_FILTER and KVM_CAP_X86_USER_SPACE_MSR: what each
 * refuses, and a filter that allows by default with no ranges (none).
 */
static void msr_filter(void)
{
	static uint8_t bits[0x601];
	struct kvm_msr_filter f = {
		.ranges[0] = { .flags = KVM_MSR_FILTER_READ, .nmsrs = 8,
			       .base = 0x10, .bitmap = bits },
	};
	struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_USER_SPACE_MSR,
				      .args[0] = 1 << 3 };

	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER),
		       1, "KVM_CAP_X86_MSR_FILTER");
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_ENABLE_CAP, &cap), EINVAL,
			 "KVM_CAP_X86_USER_SPACE_MSR with an unknown reason");
	cap.args[0] = KVM_MSR_EXIT_REASON_FILTER;
	TAP_EXPECT_RET(ioctl(vm, KVM_ENABLE_CAP, &cap), 0,
		       "KVM_CAP_X86_USER_SPACE_MSR for the filter's refusals");
	TAP_EXPECT_RET(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), 0,
		       "KVM_X86_SET_MSR_FILTER of one range");
	f.flags = 1 << 1;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), EINVAL,
			 "KVM_X86_SET_MSR_FILTER with an unknown flag");
	f.flags = 0;
	f.ranges[0].flags = 0;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), EINVAL,
			 "KVM_X86_SET_MSR_FILTER: a range for neither reads nor writes");
	f.ranges[0].flags = 1 << 2 | KVM_MSR_FILTER_READ;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), EINVAL,
			 "KVM_X86_SET_MSR_FILTER: a range with an unknown flag");
	f.ranges[0].flags = KVM_MSR_FILTER_WRITE;
	f.ranges[0].nmsrs = 0x601 * 8;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), EINVAL,
			 "KVM_X86_SET_MSR_FILTER: a bitmap over 0x600 bytes");
	f.ranges[0].nmsrs = 8;
	f.ranges[0].bitmap = BAD_PTR;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), EFAULT,
			 "KVM_X86_SET_MSR_FILTER: an unmapped bitmap");
	memset(&f, 0, sizeof(f));
	f.flags = KVM_MSR_FILTER_DEFAULT_DENY;
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), EINVAL,
			 "KVM_X86_SET_MSR_FILTER: deny everything, with no ranges");
	f.flags = 0;
	TAP_EXPECT_RET(ioctl(vm, KVM_X86_SET_MSR_FILTER, &f), 0,
		       "KVM_X86_SET_MSR_FILTER: no ranges, allow everything");
}

static void mmaps(void)
{
	long size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	void *p;

	p = mmap(NULL, size, PROT_READ, MAP_SHARED, vm, 0);
	tap_result(p == MAP_FAILED && errno == ENODEV,
		   "mmap of the VM fd fails with ENODEV");
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, sys, 0);
	tap_result(p == MAP_FAILED && errno == ENODEV,
		   "mmap of the system fd fails with ENODEV");
	if (on_hvx) {
		p = mmap(NULL, size + 4096, PROT_READ, MAP_SHARED, vcpu, 0);
		tap_result(p == MAP_FAILED && errno == EINVAL,
			   "mmap of the vCPU fd past its run area fails with EINVAL (hvx)");
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, vcpu, size);
		tap_result(p == MAP_FAILED && errno == EINVAL,
			   "mmap of the vCPU fd at an offset past its run area fails with EINVAL (hvx)");
	}
}

static struct kvm_cpuid2 *supported;	/* what the device offers */

static void sizes(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 257 * sizeof(c->entries[0]));
	struct kvm_msrs m = { .nmsrs = 0x7fffffff };

	c->nent = 256;
	ioctl(sys, KVM_GET_SUPPORTED_CPUID, c);
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_CPUID2, c), 0,
		       "KVM_SET_CPUID2 of the supported table");
	supported = malloc(sizeof(*c) + c->nent * sizeof(c->entries[0]));
	memcpy(supported, c, sizeof(*c) + c->nent * sizeof(c->entries[0]));
	c->nent = 257;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_CPUID2, c), E2BIG,
			 "KVM_SET_CPUID2 of 257 entries");
	c->nent = 0x80000000;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_CPUID2, c), E2BIG,
			 "KVM_SET_CPUID2 of 2^31 entries");
	c->nent = 0;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_GET_CPUID2, c), E2BIG,
			 "KVM_GET_CPUID2 into 0 entries");
	c->nent = 0;
	TAP_EXPECT_ERRNO(ioctl(sys, KVM_GET_SUPPORTED_CPUID, c), E2BIG,
			 "KVM_GET_SUPPORTED_CPUID into 0 entries");
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_GET_MSRS, &m), E2BIG,
			 "KVM_GET_MSRS of 2^31 - 1 MSRs");
	m.nmsrs = 0;
	TAP_EXPECT_RET(ioctl(vcpu, KVM_GET_MSRS, &m), 0, "KVM_GET_MSRS of none");
	free(c);
}

/*
 * Run vCPU 0 once in a state no CPU can be in: the answer must be EINVAL
 * from the SET ioctl or FAIL_ENTRY from KVM_RUN, and the vCPU must then
 * run a good state again.
 */
static void impossible(const char *what, const struct kvm_sregs *s,
		       const struct kvm_regs *r)
{
	struct kvm_run *run = mmap(NULL, ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0),
				   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	struct kvm_regs good_r = r0;
	const char *how = NULL;
	int set;

	if (!s)
		ioctl(vcpu, KVM_SET_SREGS, &s0);
	errno = 0;
	set = s ? ioctl(vcpu, KVM_SET_SREGS, s) : ioctl(vcpu, KVM_SET_REGS, r);
	if (set < 0 && errno == EINVAL)
		how = "EINVAL";
	else if (set == 0 && ioctl(vcpu, KVM_RUN, 0) == 0 &&
		 run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		how = "FAIL_ENTRY";
	tap_result(how != NULL, "%s: refused (%s)", what, how ?: "neither");
	if (!how)
		printf("#   set %d errno %d, exit reason %u\n", set, errno,
		       run->exit_reason);

	/* A HLT at 0x1000 in real mode: the vCPU must still work. */
	ioctl(vcpu, KVM_SET_SREGS, &s0);
	good_r.rip = 0x1000;
	good_r.rflags = 2;
	ioctl(vcpu, KVM_SET_REGS, &good_r);
	tap_result(ioctl(vcpu, KVM_RUN, 0) == 0 &&
		   run->exit_reason == KVM_EXIT_HLT,
		   "%s: the vCPU runs a good state afterwards", what);
	munmap(run, ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0));
}

static void states(void)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	mem[0x1000] = 0xf4;		/* hlt */
	ioctl(vcpu, KVM_GET_SREGS, &s0);
	s0.cs.base = 0;
	s0.cs.selector = 0;
	ioctl(vcpu, KVM_GET_REGS, &r0);

	s = s0; s.cr0 = 0x80000010;
	impossible("CR0.PG without CR0.PE", &s, NULL);
	s = s0; s.cr0 |= 1ULL << 40;
	impossible("a reserved CR0 bit (40)", &s, NULL);
	s = s0; s.cr4 = 1UL << 25;
	impossible("a reserved CR4 bit (25)", &s, NULL);
	s = s0; s.efer = 1 << 10;		/* LMA */
	impossible("EFER.LMA without paging", &s, NULL);
	s = s0; s.cs.l = 1;
	impossible("a 64-bit CS outside long mode", &s, NULL);
	s = s0; s.cr0 = 0x80000011; s.cr4 = 0x20; s.efer = 0x500;
	s.cr3 = 1ULL << 62;
	impossible("long mode with CR3 beyond the physical address width", &s, NULL);
	r = r0; r.rflags = ~0ULL;
	impossible("every RFLAGS bit set", NULL, &r);
	r = r0; r.rflags = 2 | 1 << 17; r.rip = 0x1000;
	impossible("virtual-8086 mode in real mode", NULL, &r);
}

/* The vCPU has run: its CPUID table may be set again, but not changed. */
static void cpuid_after_run(void)
{
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_CPUID2, supported), 0,
		       "KVM_SET_CPUID2 of the same table after KVM_RUN");
	supported->nent--;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_CPUID2, supported), EINVAL,
			 "KVM_SET_CPUID2 of another table after KVM_RUN");
}

/*
 * KVM_SET_GUEST_DEBUG: what it refuses, on both, and what hvx refuses
 * where KVM 6.1 takes anything: control bits neither knows, and a DR7 for
 * the guest that VM entry would refuse.  Nothing else changes on a
 * refusal: the vCPU still runs undisturbed by the debugger.
 */
static void guest_debug(void)
{
	struct kvm_guest_debug d = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
	};
	long flags = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);
	struct kvm_vcpu_events ev;

	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG),
		       1, "KVM_CAP_SET_GUEST_DEBUG");
	TAP_EXPECT_RET(flags & KVM_GUESTDBG_BLOCKIRQ, KVM_GUESTDBG_BLOCKIRQ,
		       "KVM_CAP_SET_GUEST_DEBUG2 names BLOCKIRQ");
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d), 0,
		       "KVM_SET_GUEST_DEBUG: hardware breakpoints, none set");
	d.control = KVM_GUESTDBG_INJECT_DB;
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d), 0,
		       "KVM_SET_GUEST_DEBUG: a #DB for the guest");
	d.control = KVM_GUESTDBG_INJECT_BP;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d), EBUSY,
			 "KVM_SET_GUEST_DEBUG: a #BP while the #DB waits");
	/* The #DB goes again, for the tests after these. */
	TAP_EXPECT_RET(ioctl(vcpu, KVM_GET_VCPU_EVENTS, &ev), 0,
		       "KVM_GET_VCPU_EVENTS");
	TAP_EXPECT_RET(ev.exception.injected && ev.exception.nr == 1, 1,
		       "...shows the #DB");
	ev.exception.injected = 0;
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev), 0,
		       "KVM_SET_VCPU_EVENTS without it");
	if (!on_hvx)
		return;
	d.control = KVM_GUESTDBG_ENABLE | (1u << 30);
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d), EINVAL,
			 "KVM_SET_GUEST_DEBUG with an unknown bit (hvx)");
	d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
	d.arch.debugreg[7] = 1ULL << 32 | 0x400;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d), EINVAL,
			 "KVM_SET_GUEST_DEBUG with DR7 bits 63:32 (hvx)");
	d.control = 0;
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d), 0,
		       "KVM_SET_GUEST_DEBUG: all off");
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/hvx";

	on_hvx = !strcmp(dev, "/dev/hvx");
	sys = open(dev, O_RDWR);
	vm = sys < 0 ? -1 : ioctl(sys, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED) {
		printf("Bail out! %s: %s\n", dev, strerror(errno));
		return 1;
	}
	slots();
	vcpus();
	enable_cap();
	clocks();
	msr_filter();
	guest_debug();
	expect_errnos(fd_cases, sizeof(fd_cases) / sizeof(fd_cases[0]), "");
	expect_errnos(fault_cases, sizeof(fault_cases) / sizeof(fault_cases[0]),
		      " with an unmapped argument");
	mmaps();
	sizes();
	states();
	cpuid_after_run();
	return tap_failed;
}
