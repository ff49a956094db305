// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's AVX state and XCR0: KVM_GET/SET_XSAVE and KVM_GET/SET_XCRS,
 * and isolation.  Two vCPUs of one VM, run by turns from one thread that
 * moves between CPUs, each keep their own YMM0, and the thread's own YMM
 * registers survive every KVM_RUN.  The same checks pass on /dev/kvm
 * (the device is the first argument), except the one marked hvx-only.
 * Prints TAP.
 *
 * The guest, 32-bit flat protected mode at CODE, with EBX = where its
 * 32-byte value is:
 *   CR4 |= OSFXSR | OSXMMEXCPT | OSXSAVE; XCR0 = 7 (XSETBV)
 *   vmovdqu ymm0, [ebx];            out 0x10, al     (exit A)
 *   xgetbv (ECX = 0);               out 0x10, eax    (exit B)
 *   vmovdqu [ebx + 0x1000], ymm0;   hlt              (exit C)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

#define CODE		0x1000
#define XSTATE_BV	512
#define XMM0		160	/* the legacy region's XMM0 */
#define YMM0_HI		576	/* AVX state: the upper half of YMM0 */

static const uint8_t guest_code[] = {
	0x0f, 0x20, 0xe0,			/* mov eax, cr4 */
	0x0d, 0x00, 0x06, 0x04, 0x00,		/* or eax, 0x40600 */
	0x0f, 0x22, 0xe0,			/* mov cr4, eax */
	0x31, 0xc9,				/* xor ecx, ecx */
	0xb8, 0x07, 0x00, 0x00, 0x00,		/* mov eax, 7 */
	0x31, 0xd2,				/* xor edx, edx */
	0x0f, 0x01, 0xd1,			/* xsetbv */
	0xc5, 0xfe, 0x6f, 0x03,			/* vmovdqu ymm0, [ebx] */
	0xe6, 0x10,				/* out 0x10, al */
	0x31, 0xc9,				/* xor ecx, ecx */
	0x0f, 0x01, 0xd0,			/* xgetbv */
	0xe7, 0x10,				/* out 0x10, eax */
	0xc5, 0xfe, 0x7f, 0x83, 0x00, 0x10, 0x00, 0x00,
						/* vmovdqu [ebx+0x1000], ymm0 */
	0xf4,					/* hlt */
};

static int sys, vm;
static uint8_t *mem;
static const char *dev;

struct vcpu {
	int fd;
	struct kvm_run *run;
	uint32_t data;		/* guest-physical address of its value */
};

/* A 32-byte value, different for each @seed. */
static void pattern(uint8_t *p, int seed)
{
	for (int i = 0; i < 32; i++)
		p[i] = (uint8_t)(seed * 37 + i * 11 + 1);
}

static void *map_run(int fd)
{
	int size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);

	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

static void vcpu_init(struct vcpu *v, int id, uint32_t data)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct kvm_regs r = { .rip = CODE, .rflags = 2, .rbx = data };
	struct kvm_sregs s;

	v->fd = ioctl(vm, KVM_CREATE_VCPU, id);
	v->run = map_run(v->fd);
	v->data = data;
	c->nent = 256;
	ioctl(sys, KVM_GET_SUPPORTED_CPUID, c);
	ioctl(v->fd, KVM_SET_CPUID2, c);
	free(c);
	ioctl(v->fd, KVM_GET_SREGS, &s);
	s.cs.base = 0; s.cs.limit = 0xffffffff; s.cs.selector = 8;
	s.cs.type = 11; s.cs.s = 1; s.cs.present = 1; s.cs.db = 1; s.cs.g = 1;
	s.ds = s.cs; s.ds.type = 3; s.ds.selector = 0x10;
	s.es = s.ss = s.ds;
	s.tr.type = 11;
	s.cr0 = 0x11;
	ioctl(v->fd, KVM_SET_SREGS, &s);
	ioctl(v->fd, KVM_SET_REGS, &r);
}

/*
 * KVM_RUN with the thread's YMM0 set to @mine around it, in one asm
 * statement so that no library code in between touches it; *@after gets
 * what YMM0 held when KVM_RUN returned.
 */
static long run_keeping(struct vcpu *v, const uint8_t *mine, uint8_t *after)
{
	long ret;

	asm volatile("vmovdqu (%[in]), %%ymm0\n\t"
		     "syscall\n\t"
		     "vmovdqu %%ymm0, (%[out])"
		     : "=a" (ret)
		     : "0" ((long)SYS_ioctl), "D" ((long)v->fd),
		       "S" ((long)KVM_RUN), "d" (0L),
		       [in] "r" (mine), [out] "r" (after)
		     : "rcx", "r11", "memory", "xmm0");
	return ret < 0 ? (errno = -ret, -1) : ret;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Run @v to its next exit; was it the port 0x10 write (or HLT)? */
static int run_to(struct vcpu *v, int cpu, uint32_t want, const char *what)
{
	uint8_t mine[32], after[32];
	int ok;

	pin(cpu);
	pattern(mine, 100 + cpu);
	ok = run_keeping(v, mine, after) == 0 && v->run->exit_reason == want &&
	     (want != KVM_EXIT_IO || v->run->io.port == 0x10);
	tap_result(ok, "%s: the guest reaches the %s exit on CPU %d", what,
		   want == KVM_EXIT_IO ? "port 0x10" : "HLT", cpu);
	if (!ok)
		printf("#   exit reason %u, errno %d\n", v->run->exit_reason, errno);
	tap_result(!memcmp(mine, after, 32),
		   "%s: the VMM thread's YMM0 is its own after KVM_RUN", what);
	return ok;
}

static uint32_t io_value(struct vcpu *v)
{
	uint32_t x;

	memcpy(&x, (uint8_t *)v->run + v->run->io.data_offset, 4);
	return x;
}

/* The guest's YMM0 as KVM_GET_XSAVE gives it. */
static int xsave_ymm0_is(struct vcpu *v, const uint8_t *want)
{
	struct kvm_xsave x;

	if (ioctl(v->fd, KVM_GET_XSAVE, &x) < 0)
		return 0;
	return !memcmp((uint8_t *)x.region + XMM0, want, 16) &&
	       !memcmp((uint8_t *)x.region + YMM0_HI, want + 16, 16) &&
	       (x.region[XSTATE_BV / 4] & 4);
}

static void xsave_errors(struct vcpu *v)
{
	struct kvm_xsave x, bad, now;

	ioctl(v->fd, KVM_GET_XSAVE, &x);
	bad = x;
	bad.region[XSTATE_BV / 4] |= 1 << 9;
	TAP_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XSAVE, &bad), EINVAL,
			 "KVM_SET_XSAVE with a state component not offered");
	bad = x;
	bad.region[(XSTATE_BV + 8) / 4 + 1] = 0x80000000;
	TAP_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XSAVE, &bad), EINVAL,
			 "KVM_SET_XSAVE in the compacted format");
	bad = x;
	bad.region[(XSTATE_BV + 32) / 4] = 1;
	TAP_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XSAVE, &bad), EINVAL,
			 "KVM_SET_XSAVE with a reserved header byte set");
	bad = x;
	bad.region[24 / 4] = 0xffffffff;
	TAP_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XSAVE, &bad), EINVAL,
			 "KVM_SET_XSAVE with reserved MXCSR bits");
	ioctl(v->fd, KVM_GET_XSAVE, &now);
	tap_result(!memcmp(&x, &now, sizeof(x)),
		   "the refused KVM_SET_XSAVEs changed nothing");
}

static void xcrs_errors(struct vcpu *v)
{
	static const uint64_t bad[] = { 0, 2, 5, 1ULL << 9 | 7, 1ULL << 63 | 7 };
	struct kvm_xcrs x = { .nr_xcrs = 1 }, now;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x.xcrs[0].value = bad[i];
		errno = 0;
		tap_result(ioctl(v->fd, KVM_SET_XCRS, &x) < 0 && errno == EINVAL,
			   "KVM_SET_XCRS refuses XCR0 = %#llx with EINVAL",
			   (unsigned long long)bad[i]);
	}
	x.xcrs[0].value = 7;
	x.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XCRS, &x), EINVAL,
			 "KVM_SET_XCRS with flags");
	if (!strcmp(dev, "/dev/hvx")) {
		x.flags = 0;
		x.nr_xcrs = 2;
		x.xcrs[1].xcr = 1;
		x.xcrs[1].value = 3;
		TAP_EXPECT_ERRNO(ioctl(v->fd, KVM_SET_XCRS, &x), EINVAL,
				 "hvx-only: KVM_SET_XCRS of XCR1, which cannot be written");
	}
	ioctl(v->fd, KVM_GET_XCRS, &now);
	tap_result(now.nr_xcrs == 1 && now.xcrs[0].xcr == 0 &&
		   now.xcrs[0].value == 7,
		   "the refused KVM_SET_XCRS left XCR0 at 7");
}

/*
 * A vCPU whose CPUID has no XSAVE (leaf 1's bit and leaf 0DH gone): XCR0
 * can still be set to 1, its value after RESET (VMMs restore it for every
 * guest), and to nothing else.
 */
static void xcrs_without_xsave(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct kvm_xcrs x = { .nr_xcrs = 1 };
	int fd = ioctl(vm, KVM_CREATE_VCPU, 2);
	unsigned int i, n = 0;

	c->nent = 256;
	ioctl(sys, KVM_GET_SUPPORTED_CPUID, c);
	for (i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 0xd)
			continue;
		if (c->entries[i].function == 1)
			c->entries[i].ecx &= ~(1u << 26 | 1u << 28);
		c->entries[n++] = c->entries[i];
	}
	c->nent = n;
	TAP_EXPECT_RET(ioctl(fd, KVM_SET_CPUID2, c), 0,
		       "KVM_SET_CPUID2 without XSAVE");
	x.xcrs[0].value = 1;
	TAP_EXPECT_RET(ioctl(fd, KVM_SET_XCRS, &x), 0,
		       "KVM_SET_XCRS of XCR0 = 1 without XSAVE in CPUID");
	x.xcrs[0].value = 3;
	TAP_EXPECT_ERRNO(ioctl(fd, KVM_SET_XCRS, &x), EINVAL,
			 "KVM_SET_XCRS of XCR0 = 3 without XSAVE in CPUID");
	free(c);
	close(fd);
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region r = { .memory_size = 1 << 20 };
	uint8_t p[2][32], q[32];
	struct kvm_xcrs xcrs;
	struct kvm_xsave x;
	struct vcpu v[2];

	dev = argc > 1 ? argv[1] : "/dev/hvx";
	sys = open(dev, O_RDWR);
	if (sys < 0) {
		printf("Bail out! %s: %s\n", dev, strerror(errno));
		return 1;
	}
	tap_result(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) > 0 &&
		   ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0,
		   "KVM_CAP_XSAVE and KVM_CAP_XCRS are there");
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	mem = mmap(NULL, r.memory_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r.userspace_addr = (uintptr_t)mem;
	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
	memcpy(mem + CODE, guest_code, sizeof(guest_code));
	for (int i = 0; i < 2; i++) {
		pattern(p[i], i + 1);
		memcpy(mem + 0x2000 + 0x40 * i, p[i], 32);
		vcpu_init(&v[i], i, 0x2000 + 0x40 * i);
	}

	/* Exit A on each vCPU: each holds its own value in YMM0. */
	run_to(&v[0], 0, KVM_EXIT_IO, "vCPU 0");
	run_to(&v[1], 1, KVM_EXIT_IO, "vCPU 1");
	tap_result(xsave_ymm0_is(&v[0], p[0]) && xsave_ymm0_is(&v[1], p[1]),
		   "KVM_GET_XSAVE: each vCPU's YMM0 is what it loaded, all 256 bits");
	ioctl(v[0].fd, KVM_GET_XCRS, &xcrs);
	tap_result(xcrs.nr_xcrs == 1 && xcrs.xcrs[0].xcr == 0 &&
		   xcrs.xcrs[0].value == 7,
		   "KVM_GET_XCRS: XCR0 is 7, as the guest's XSETBV set it");
	xsave_errors(&v[0]);
	xcrs_errors(&v[0]);

	/* vCPU 0 gets a new YMM0 and XCR0 = 3 from the VMM. */
	ioctl(v[0].fd, KVM_GET_XSAVE, &x);
	pattern(q, 9);
	memcpy((uint8_t *)x.region + XMM0, q, 16);
	memcpy((uint8_t *)x.region + YMM0_HI, q + 16, 16);
	TAP_EXPECT_RET(ioctl(v[0].fd, KVM_SET_XSAVE, &x), 0,
		       "KVM_SET_XSAVE of a new YMM0");
	xcrs.xcrs[0].value = 3;
	TAP_EXPECT_RET(ioctl(v[0].fd, KVM_SET_XCRS, &xcrs), 0,
		       "KVM_SET_XCRS of XCR0 = 3");

	/* Exit B: XGETBV sees the VMM's XCR0.  On vCPU 0 from CPU 1 now. */
	if (run_to(&v[0], 1, KVM_EXIT_IO, "vCPU 0"))
		tap_result(io_value(&v[0]) == 3,
			   "the guest's XGETBV reads the XCR0 that KVM_SET_XCRS set");
	run_to(&v[1], 0, KVM_EXIT_IO, "vCPU 1");
	tap_result(io_value(&v[1]) == 7,
		   "the other vCPU's XCR0 is still its own");
	xcrs.xcrs[0].value = 7;
	ioctl(v[0].fd, KVM_SET_XCRS, &xcrs);

	/* Exit C: the guest stores YMM0 where the VMM can read it. */
	run_to(&v[0], 0, KVM_EXIT_HLT, "vCPU 0");
	run_to(&v[1], 1, KVM_EXIT_HLT, "vCPU 1");
	tap_result(!memcmp(mem + 0x3000, q, 32),
		   "vCPU 0's guest stores the YMM0 that KVM_SET_XSAVE gave it");
	tap_result(!memcmp(mem + 0x3040, p[1], 32),
		   "vCPU 1's guest stores its own YMM0, untouched by vCPU 0's");
	xcrs_without_xsave();
	return tap_failed;
}
