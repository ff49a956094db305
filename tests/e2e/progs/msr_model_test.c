// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs that belong to the CPU model a VMM chooses, as QEMU uses them
 * and a guest sees them: IA32_ARCH_CAPABILITIES set by the VMM, kvmclock
 * as QEMU saves and restores it and a guest reads it, the MTRRs, and the machine-check
 * architecture (KVM_CAP_MCE, KVM_X86_GET_MCE_CAP_SUPPORTED,
 * KVM_X86_SETUP_MCE, the banks, and errors raised with KVM_X86_SET_MCE),
 * and KVM's hypercalls, with and without KVM_CAP_ENFORCE_PV_FEATURE_CPUID.
 *
 *   msr_model_test DEVICE GUEST.bin      (tests/guests/probe.S)
 *
 * Every RDMSR and WRMSR is the guest's own (probe.h), and its outcome, a
 * value or an exception, goes into the transcript, which 95-vm-api.sh
 * compares between hvx and kvm_intel; so do the VMM's KVM_GET/SET_MSRS.
 * Where hvx is deliberately stricter than KVM (values a VMM may not set),
 * the checks are hvx's own and stay out of the transcript.
 */
#include <time.h>

#include "probe.h"

#define MSR_IA32_TSC		0x10
#define MSR_MTRRCAP		0xfe
#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17a
#define MSR_MCG_CTL		0x17b
#define MSR_MTRR_BASE(n)	(0x200 + 2 * (n))
#define MSR_MTRR_MASK(n)	(0x201 + 2 * (n))
#define MSR_MTRR_FIX64K		0x250
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_MC_CTL(n)		(0x400 + 4 * (n))
#define MSR_MC_STATUS(n)	(0x401 + 4 * (n))
#define MSR_MC_ADDR(n)		(0x402 + 4 * (n))
#define MSR_MC_CTL2(n)		(0x280 + (n))
#define MSR_ARCH_CAPABILITIES	0x10a

/* Where the guest asks for kvmclock's structure and the wall clock. */
#define PVTI			0x8000
#define WALL_CLOCK		0x8040

/* Documentation/virt/kvm/x86/msr.rst */
struct pvclock_vcpu_time_info {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags, pad[2];
} __attribute__((packed));

struct pvclock_wall_clock {
	uint32_t version, sec, nsec;
} __attribute__((packed));

#define PVCLOCK_TSC_STABLE_BIT	1

#define MCG_CTL_P		(1ULL << 8)
#define MCG_EXT_P		(1ULL << 9)
#define MCG_CMCI_P		(1ULL << 10)
#define MCG_SER_P		(1ULL << 24)
#define CTL2_CMCI_EN		(1ULL << 30)
#define MCI_VAL			(1ULL << 63)
#define MCI_OVER		(1ULL << 62)
#define MCI_UC			(1ULL << 61)
#define MCI_EN			(1ULL << 60)
#define MCI_PCC			(1ULL << 57)
#define MCG_RIPV_EIPV_MCIP	7
#define CR4_MCE			(1ULL << 6)
#define MC_VECTOR		18
#define GP_VECTOR		13

/* hvx: its own checks run too (argv[1] names /dev/hvx). */
static bool own;

static int rd(uint32_t msr, uint64_t *val)
{
	int r = probe(OP_RDMSR, msr, 0, 0, val);

	trace("rdmsr %#x: %s", msr, outcome(r, *val));
	return r;
}

static int wr(uint32_t msr, uint64_t val)
{
	int r = probe(OP_WRMSR, msr, val, 0, NULL);

	trace("wrmsr %#x %#llx: %s", msr, (unsigned long long)val,
	      outcome(r, 0));
	return r;
}

/* KVM_GET_MSRS of one MSR: how many it read (0 or 1), value in *@val. */
static int host_get(uint32_t msr, uint64_t *val)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h.nmsrs = 1, .e.index = msr,
	};
	int r = ioctl(vcpu, KVM_GET_MSRS, &m);

	*val = m.e.data;
	return r;
}

static int host_set(uint32_t msr, uint64_t val)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h.nmsrs = 1, .e.index = msr, .e.data = val,
	};

	return ioctl(vcpu, KVM_SET_MSRS, &m);
}

/* The guest's RDMSR of @msr gives @want. */
static void expect_rd(uint32_t msr, uint64_t want, const char *what)
{
	uint64_t v = 0;
	int r = rd(msr, &v);

	tap_result(r == DONE && v == want, "%s (%s)", what, outcome(r, v));
}

/* The guest's WRMSR of @val to @msr: done, or the exception @want. */
static void expect_wr(uint32_t msr, uint64_t val, int want, const char *what)
{
	int r = wr(msr, val);

	tap_result(r == want, "%s (%s)", what, outcome(r, 0));
}

static void expect_host(uint32_t msr, uint64_t want, const char *what)
{
	uint64_t v = 0;
	int n = host_get(msr, &v);

	trace("KVM_GET_MSRS %#x: %d %#llx", msr, n, (unsigned long long)v);
	tap_result(n == 1 && v == want, "%s (%d, %#llx)", what, n,
		   (unsigned long long)v);
}

/*
 * IA32_ARCH_CAPABILITIES: a VMM may take bits away (QEMU's qemu64 model
 * sets 0); the guest reads what it set, and cannot write it.
 */
static void arch_capabilities(void)
{
	uint64_t caps = 0, extra;
	int i;

	host_get(MSR_ARCH_CAPABILITIES, &caps);
	TAP_EXPECT_RET(host_set(MSR_ARCH_CAPABILITIES, 0), 1,
		       "arch_capabilities: KVM_SET_MSRS of 0 (QEMU's qemu64)");
	expect_rd(MSR_ARCH_CAPABILITIES, 0,
		  "arch_capabilities: the guest reads the VMM's 0");
	expect_wr(MSR_ARCH_CAPABILITIES, 0, GP_VECTOR,
		  "arch_capabilities: the guest's WRMSR raises #GP");
	if (own) {
		/* The lowest bit hvx does not report. */
		for (i = 0; i < 64 && (caps >> i & 1); i++)
			;
		extra = caps | 1ULL << i;
		TAP_EXPECT_RET(host_set(MSR_ARCH_CAPABILITIES, extra), 0,
			       "arch_capabilities: hvx refuses a bit it does not report");
	}
	TAP_EXPECT_RET(host_set(MSR_ARCH_CAPABILITIES, caps), 1,
		       "arch_capabilities: KVM_SET_MSRS restores the original");
}

/*
 * kvmclock, as QEMU and a guest use it.  QEMU writes and reads its MSRs
 * whatever its CPU model, 0 (off) both ways.  The guest turns it on with
 * MSR_KVM_SYSTEM_TIME_NEW and finds its structure written by its next
 * instruction: an even version, the flags, and a clock that, at the TSC
 * the guest reads, lies between the VMM's KVM_GET_CLOCK before and
 * after.  The wall clock plus kvmclock is the time of day.  Off, the
 * structure is left alone.  The transcript has the flags and versions;
 * the clock's values differ from run to run, so only their checks do.
 */
static uint64_t pvclock_read(const struct pvclock_vcpu_time_info *p,
			     uint64_t tsc)
{
	uint64_t delta = tsc - p->tsc_timestamp;

	if (p->tsc_shift < 0)
		delta >>= -p->tsc_shift;
	else
		delta <<= p->tsc_shift;
	return p->system_time +
	       (uint64_t)(((unsigned __int128)delta * p->tsc_to_system_mul) >> 32);
}

static void kvmclock(void)
{
	struct pvclock_vcpu_time_info *p = (void *)(mem + PVTI);
	struct pvclock_wall_clock *wc = (void *)(mem + WALL_CLOCK);
	struct kvm_clock_data before, after, set = { .clock = 1000000000 };
	uint64_t tsc = 0, ns, wall, real;
	struct timespec now;
	uint32_t version;

	TAP_EXPECT_RET(host_set(MSR_KVM_SYSTEM_TIME, 0), 1,
		       "kvmclock: KVM_SET_MSRS of SYSTEM_TIME 0");
	TAP_EXPECT_RET(host_set(MSR_KVM_WALL_CLOCK, 0), 1,
		       "kvmclock: KVM_SET_MSRS of WALL_CLOCK 0");
	expect_host(MSR_KVM_SYSTEM_TIME, 0, "kvmclock: SYSTEM_TIME reads 0");

	memset(p, 0, sizeof(*p));
	TAP_EXPECT_RET(ioctl(vm, KVM_SET_CLOCK, &set), 0,
		       "kvmclock: KVM_SET_CLOCK to 1 s");
	expect_wr(MSR_KVM_SYSTEM_TIME_NEW, PVTI | 1, DONE,
		  "kvmclock: the guest turns it on");
	expect_rd(MSR_KVM_SYSTEM_TIME_NEW, PVTI | 1,
		  "kvmclock: SYSTEM_TIME_NEW reads back");
	tap_result(p->version && !(p->version & 1),
		   "kvmclock: its structure is written, with an even version");
	trace("pvclock flags %#x", p->flags);
	TAP_EXPECT_RET(p->flags, PVCLOCK_TSC_STABLE_BIT,
		       "kvmclock: the structure says the clock is stable");
	in_transcript = false;		/* the TSC's value */
	ioctl(vm, KVM_GET_CLOCK, &before);
	rd(MSR_IA32_TSC, &tsc);
	ioctl(vm, KVM_GET_CLOCK, &after);
	ns = pvclock_read(p, tsc);
	tap_result(before.clock <= ns && ns <= after.clock &&
		   before.clock >= set.clock,
		   "kvmclock: the guest's clock (%llu ns) is the VM's [%llu, %llu]",
		   (unsigned long long)ns, (unsigned long long)before.clock,
		   (unsigned long long)after.clock);
	in_transcript = true;

	memset(wc, 0, sizeof(*wc));
	expect_wr(MSR_KVM_WALL_CLOCK_NEW, WALL_CLOCK, DONE,
		  "kvmclock: the guest asks for the wall clock");
	ioctl(vm, KVM_GET_CLOCK, &after);
	clock_gettime(CLOCK_REALTIME, &now);
	tap_result(wc->version && !(wc->version & 1),
		   "kvmclock: the wall clock is written, with an even version");
	wall = wc->sec * 1000000000ULL + wc->nsec + after.clock;
	real = now.tv_sec * 1000000000ULL + now.tv_nsec;
	tap_result(real - wall + 1000000000ULL < 2000000000ULL,
		   "kvmclock: wall clock plus kvmclock is the time of day (%lld ns off)",
		   (long long)(wall - real));

	expect_wr(MSR_KVM_SYSTEM_TIME_NEW, PVTI, DONE,
		  "kvmclock: the guest turns it off");
	version = p->version;
	ioctl(vm, KVM_SET_CLOCK, &set);
	expect_rd(MSR_KVM_SYSTEM_TIME_NEW, PVTI, "kvmclock: off, it reads back");
	TAP_EXPECT_RET(p->version, version,
		       "kvmclock: off, KVM_SET_CLOCK leaves the structure alone");
}

static void mtrrs(void)
{
	expect_rd(MSR_MTRRCAP, 0x508,
		  "mtrr: MTRRCAP says 8 variable ranges, fixed ranges, WC");
	expect_wr(MSR_MTRRCAP, 0x508, GP_VECTOR, "mtrr: MTRRCAP is read-only");
	expect_rd(MSR_MTRR_DEF_TYPE, 0, "mtrr: DEF_TYPE starts at 0 (off)");
	expect_wr(MSR_MTRR_DEF_TYPE, 0xc06, DONE,
		  "mtrr: DEF_TYPE takes E, FE and WB");
	expect_host(MSR_MTRR_DEF_TYPE, 0xc06, "mtrr: KVM_GET_MSRS sees it");
	expect_wr(MSR_MTRR_DEF_TYPE, 0x2, GP_VECTOR,
		  "mtrr: memory type 2 is reserved");
	expect_wr(MSR_MTRR_DEF_TYPE, 0x206, GP_VECTOR,
		  "mtrr: DEF_TYPE bit 9 is reserved");
	expect_wr(MSR_MTRR_FIX64K, 0x0606060606060606ULL, DONE,
		  "mtrr: a fixed range of WB");
	expect_wr(MSR_MTRR_FIX64K, 0x0706060606060606ULL, GP_VECTOR,
		  "mtrr: a fixed range of type 7 (PAT's UC-)");
	expect_wr(MSR_MTRR_BASE(7), 0x80000000 | 1, DONE,
		  "mtrr: variable base 7, WC");
	expect_wr(MSR_MTRR_MASK(7), 0xff8000800ULL, DONE,
		  "mtrr: variable mask 7, valid");
	expect_rd(MSR_MTRR_MASK(7), 0xff8000800ULL, "mtrr: mask 7 reads back");
	expect_wr(MSR_MTRR_MASK(7), 0xff8000820ULL, GP_VECTOR,
		  "mtrr: mask bits 10:0 but V are reserved");
	expect_wr(MSR_MTRR_BASE(7), 0x80000100, GP_VECTOR,
		  "mtrr: base bits 11:8 are reserved");
	expect_wr(MSR_MTRR_BASE(8), 0, GP_VECTOR,
		  "mtrr: there is no variable range 8");
	TAP_EXPECT_RET(host_set(MSR_MTRR_BASE(0), 0x6), 1,
		       "mtrr: KVM_SET_MSRS of base 0");
	expect_rd(MSR_MTRR_BASE(0), 0x6, "mtrr: the guest reads the VMM's base 0");
}

/* KVM_X86_SET_MCE of @status in @bank, then the guest runs to its wait. */
static int raise_mce(uint8_t bank, uint64_t status, uint64_t addr,
		     uint64_t mcg_status, const char *what)
{
	struct kvm_x86_mce m = {
		.status = status, .addr = addr, .misc = 0x86,
		.mcg_status = mcg_status, .bank = bank,
	};
	int r = ioctl(vcpu, KVM_X86_SET_MCE, &m);
	int e = errno;

	trace("KVM_X86_SET_MCE bank %u status %#llx: %s", bank,
	      (unsigned long long)status, r ? strerror(e) : "0");
	errno = e;
	if (r)
		return -100 - e;
	r = probe_idle();
	trace("%s: the guest %s", what, outcome(r, 0));
	return r;
}

static void set_cr4_mce(bool on)
{
	struct kvm_sregs s;

	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.cr4 = on ? s.cr4 | CR4_MCE : s.cr4 & ~CR4_MCE;
	ioctl(vcpu, KVM_SET_SREGS, &s);
}

static void machine_check(void)
{
	const uint64_t cap = 10 | MCG_CTL_P | MCG_SER_P;
	uint64_t supported = 0, v;

	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_MCE), 32,
		       "mce: KVM_CAP_MCE says 32 banks");
	v = ioctl(sys, KVM_X86_GET_MCE_CAP_SUPPORTED, &supported);
	tap_result(!v && (supported & (MCG_CTL_P | MCG_SER_P)) ==
		   (MCG_CTL_P | MCG_SER_P),
		   "mce: KVM_X86_GET_MCE_CAP_SUPPORTED offers MCG_CTL_P and MCG_SER_P (%#llx)",
		   (unsigned long long)supported);
	expect_rd(MSR_MCG_CAP, 32, "mce: before setup, MCG_CAP says 32 banks");

	v = 0;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_X86_SETUP_MCE, &v), EINVAL,
			 "mce: KVM_X86_SETUP_MCE of no bank");
	v = 33;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_X86_SETUP_MCE, &v), EINVAL,
			 "mce: KVM_X86_SETUP_MCE of 33 banks");
	v = 10 | MCG_EXT_P;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_X86_SETUP_MCE, &v), EINVAL,
			 "mce: KVM_X86_SETUP_MCE of a capability not offered");
	TAP_EXPECT_RET(ioctl(vcpu, KVM_X86_SETUP_MCE, &cap), 0,
		       "mce: KVM_X86_SETUP_MCE of 10 banks, MCG_CTL_P, MCG_SER_P (QEMU's)");

	expect_rd(MSR_MCG_CAP, cap, "mce: the guest reads that MCG_CAP");
	expect_rd(MSR_MCG_CTL, ~0ULL, "mce: MCG_CTL is enabled");
	expect_rd(MSR_MC_CTL(9), ~0ULL, "mce: bank 9 is enabled");
	expect_rd(MSR_MC_STATUS(9), 0, "mce: bank 9 has no error");
	tap_result(rd(MSR_MC_CTL(10), &v) == GP_VECTOR,
		   "mce: there is no bank 10");

	/*
	 * CMCI (MCG_CMCI_P): each bank's CTL2 holds CMCI_EN and a threshold
	 * and nothing else; without CMCI there is no CTL2.  Then back to
	 * QEMU's capabilities for the rest.
	 */
	tap_result(rd(MSR_MC_CTL2(0), &v) == GP_VECTOR,
		   "mce: without MCG_CMCI_P a bank has no CTL2");
	v = 4 | MCG_CMCI_P;
	TAP_EXPECT_RET(ioctl(vcpu, KVM_X86_SETUP_MCE, &v), 0,
		       "mce: KVM_X86_SETUP_MCE of 4 banks and CMCI");
	expect_rd(MSR_MC_CTL2(3), 0, "mce: bank 3's CTL2 starts at 0");
	expect_wr(MSR_MC_CTL2(3), CTL2_CMCI_EN | 0x7fff, DONE,
		  "mce: the guest sets CMCI_EN and the threshold");
	expect_rd(MSR_MC_CTL2(3), CTL2_CMCI_EN | 0x7fff,
		  "mce: ...and reads them back");
	expect_wr(MSR_MC_CTL2(3), 1ULL << 29, GP_VECTOR,
		  "mce: a reserved bit of CTL2 is #GP");
	tap_result(rd(MSR_MC_CTL2(4), &v) == GP_VECTOR,
		   "mce: there is no CTL2 for bank 4");
	TAP_EXPECT_RET(ioctl(vcpu, KVM_X86_SETUP_MCE, &cap), 0,
		       "mce: KVM_X86_SETUP_MCE as QEMU's again");
	expect_wr(MSR_MCG_CAP, cap, GP_VECTOR, "mce: MCG_CAP is read-only");
	expect_wr(MSR_MC_CTL(1), 0x12, GP_VECTOR,
		  "mce: a bank's CTL is all ones or 0");
	expect_wr(MSR_MC_CTL(1), ~1ULL, DONE,
		  "mce: ...but bit 0 may be clear (UnixWare does)");
	expect_wr(MSR_MC_STATUS(0), 1, GP_VECTOR,
		  "mce: the guest cannot set a bank's STATUS");
	expect_wr(MSR_MC_STATUS(0), 0, DONE, "mce: ...but may clear it");
	expect_wr(MSR_MCG_CTL, 5, GP_VECTOR, "mce: MCG_CTL is all ones or 0");
	TAP_EXPECT_RET(host_set(MSR_MC_STATUS(3), 5), 1,
		       "mce: the VMM may set a bank's STATUS");
	expect_rd(MSR_MC_STATUS(3), 5, "mce: the guest reads it");
	host_set(MSR_MC_STATUS(3), 0);

	{
		struct kvm_x86_mce m = { .status = MCI_VAL, .bank = 10 };

		TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_X86_SET_MCE, &m), EINVAL,
				 "mce: KVM_X86_SET_MCE in a bank the vCPU lacks");
		m.bank = 2;
		m.status = 0;
		TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_X86_SET_MCE, &m), EINVAL,
				 "mce: KVM_X86_SET_MCE of a status without VAL");
	}

	/* Corrected errors are logged, no #MC; a second one sets OVER. */
	tap_result(raise_mce(2, MCI_VAL | MCI_EN, 0x1234, 0, "corrected") == DONE,
		   "mce: a corrected error raises no #MC");
	expect_host(MSR_MC_STATUS(2), MCI_VAL | MCI_EN,
		    "mce: it is in bank 2's STATUS");
	expect_host(MSR_MC_ADDR(2), 0x1234, "mce: and its ADDR");
	raise_mce(2, MCI_VAL | MCI_EN, 0x5678, 0, "corrected again");
	expect_host(MSR_MC_STATUS(2), MCI_VAL | MCI_EN | MCI_OVER,
		    "mce: a second one sets OVER");

	/* Uncorrected, no action required (UCNA): logged, no #MC. */
	tap_result(raise_mce(6, MCI_VAL | MCI_UC | MCI_EN, 0x7000, 0,
			     "uncorrected, no action required") == DONE,
		   "mce: a UCNA error raises no #MC");
	expect_host(MSR_MC_STATUS(6), MCI_VAL | MCI_UC | MCI_EN,
		    "mce: it is in bank 6's STATUS");

	/* Uncorrected: #MC, if CR4.MCE and the banks say so. */
	set_cr4_mce(true);
	expect_wr(MSR_MCG_CTL, 0, DONE, "mce: the guest turns MCG_CTL off");
	tap_result(raise_mce(4, MCI_VAL | MCI_UC | MCI_EN | MCI_PCC, 0x9000,
			     MCG_RIPV_EIPV_MCIP, "uncorrected, MCG_CTL off") == DONE,
		   "mce: an uncorrected error with MCG_CTL off raises nothing");
	expect_host(MSR_MC_STATUS(4), 0, "mce: nor is it logged");
	expect_wr(MSR_MCG_CTL, ~0ULL, DONE, "mce: the guest turns MCG_CTL on");
	tap_result(raise_mce(4, MCI_VAL | MCI_UC | MCI_EN | MCI_PCC, 0x9000,
			     MCG_RIPV_EIPV_MCIP, "uncorrected") == MC_VECTOR,
		   "mce: an uncorrected error raises #MC in the guest");
	expect_rd(MSR_MCG_STATUS, MCG_RIPV_EIPV_MCIP,
		  "mce: the guest's MCG_STATUS is the VMM's");
	expect_rd(MSR_MC_STATUS(4), MCI_VAL | MCI_UC | MCI_EN | MCI_PCC,
		  "mce: the guest finds the error in bank 4");
	tap_result(raise_mce(5, MCI_VAL | MCI_UC | MCI_EN | MCI_PCC, 0xa000,
			     MCG_RIPV_EIPV_MCIP, "uncorrected during MCIP") == SHUTDOWN,
		   "mce: a second one while MCG_STATUS.MCIP is set shuts the guest down");
}

/* A hypercall from the guest (32-bit: its result is 32 bits too). */
static void hcall(uint32_t nr, uint32_t a0, uint32_t want, const char *what)
{
	uint64_t v = 0;
	int r = probe(OP_VMCALL, 0, nr, a0, &v);

	trace("vmcall %u(%u): %s", nr, a0, outcome(r, v));
	tap_result(r == DONE && v == want, "%s (%s)", what, outcome(r, v));
}

static void enforce_pv_cpuid(int on)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID, .args[0] = on,
	};

	TAP_EXPECT_RET(ioctl(vcpu, KVM_ENABLE_CAP, &cap), 0,
		       on ? "hypercall: KVM_CAP_ENFORCE_PV_FEATURE_CPUID on" :
			    "hypercall: KVM_CAP_ENFORCE_PV_FEATURE_CPUID off");
}

/*
 * KVM's hypercalls, from a guest whose CPUID offers one paravirtual
 * feature, PV_SCHED_YIELD (probe_pv_leaves()).  SCHED_YIELD (to its own
 * APIC ID: nothing to yield to) and VAPIC_POLL_IRQ return 0 and a number
 * no hypercall has -KVM_ENOSYS, enforced or not.  Once the vCPU holds the
 * guest to its CPUID, KICK_CPU and SEND_IPI, whose features it lacks, are
 * -KVM_ENOSYS too (KVM has them, hvx not yet: they are only tried then).
 */
static void hypercalls(void)
{
	const uint32_t enosys = -KVM_ENOSYS;

	tap_result(ioctl(sys, KVM_CHECK_EXTENSION,
			 KVM_CAP_ENFORCE_PV_FEATURE_CPUID) > 0,
		   "hypercall: KVM_CAP_ENFORCE_PV_FEATURE_CPUID is claimed");
	hcall(KVM_HC_SCHED_YIELD, 0, 0, "hypercall: SCHED_YIELD returns 0");
	hcall(KVM_HC_VAPIC_POLL_IRQ, 0, 0, "hypercall: VAPIC_POLL_IRQ returns 0");
	hcall(0x7fff, 0, enosys, "hypercall: 0x7fff does not exist");
	enforce_pv_cpuid(1);
	hcall(KVM_HC_SCHED_YIELD, 0, 0,
	      "hypercall: SCHED_YIELD, offered, returns 0 when enforced");
	hcall(KVM_HC_VAPIC_POLL_IRQ, 0, 0,
	      "hypercall: VAPIC_POLL_IRQ returns 0 when enforced");
	hcall(KVM_HC_KICK_CPU, 0, enosys,
	      "hypercall: KICK_CPU, not offered, does not exist when enforced");
	hcall(KVM_HC_SEND_IPI, 0, enosys,
	      "hypercall: SEND_IPI, not offered, does not exist when enforced");
	enforce_pv_cpuid(0);
	hcall(KVM_HC_SCHED_YIELD, 0, 0,
	      "hypercall: SCHED_YIELD returns 0 once no longer enforced");
}

int main(int argc, char **argv)
{
	probe_start(argc, argv);
	own = strstr(argv[1], "hvx") != NULL;

	arch_capabilities();
	kvmclock();
	mtrrs();
	hypercalls();
	machine_check();
	trace("end");
	return tap_failed;
}
