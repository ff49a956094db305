/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM side of the 32-bit test guests (tests/guests/pm32.h): a VM with
 * GUEST.bin at LOAD, vCPUs in flat 32-bit protected mode there, the
 * guests' ports, and the transcript, whose "# | " lines the scripts
 * compare between hvx and KVM (compare_devices in tests/e2e/lib.sh).
 */
#ifndef HVX_TESTS_GUEST32_H
#define HVX_TESTS_GUEST32_H

#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define LOAD		0x10000
#define MEM_SIZE	(1 << 20)
#define FIXED_FLAGS	2	/* RFLAGS bit 1 */

/* The guests' ports (tests/guests/pm32.h). */
#define P_MARK	0x80
#define P_VEC	0x81
#define P_IRET	0x82
#define P_RET	0x84
#define P_VAL	0x88
#define P_DEAD	0x8c
#define ANY	(~0u)

/*
 * The device and the test's VM; for a test that runs one vCPU exit by
 * exit, vCPU 0, its kvm_run and its last exit, as record_exit() read it.
 */
static int sys, vm, vcpu;
static struct kvm_run *run;
static struct {
	uint32_t reason;
	uint16_t port;
	uint32_t value;		/* an OUT's data */
	uint64_t rip;
} ex;

static inline void __attribute__((noreturn)) bail(const char *why)
{
	printf("Bail out! %s\n", why);
	exit(1);
}

/* Bail out with errno's message. */
static inline void __attribute__((noreturn)) bail_errno(const char *why)
{
	printf("Bail out! %s: %s\n", why, strerror(errno));
	exit(1);
}

/*
 * The transcript: a "# | " line for each trace().  Once in_transcript
 * is cleared, trace() writes "#   " comments, which are not compared.
 */
static bool in_transcript = true;

static inline void __attribute__((format(printf, 1, 2)))
trace(const char *fmt, ...)
{
	va_list ap;

	printf(in_transcript ? "# | " : "#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* An ioctl's result @r, into the transcript; errno is kept. */
static inline int logged(const char *what, int r)
{
	int e = errno;

	if (r < 0)
		trace("%s: %s", what, strerror(e));
	else
		trace("%s: %d", what, r);
	errno = e;
	return r;
}

/* The monotonic clock, in milliseconds and in microseconds. */
static inline long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static inline void on_alarm(int sig)
{
	(void)sig;	/* only to interrupt KVM_RUN */
}

/* SIGALRM, for run_timed(). */
static inline void catch_alarm(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN gets EINTR */
}

/* In a helper thread: SIGALRM is for the vCPU thread's KVM_RUN. */
static inline void block_alarm(void)
{
	sigset_t alrm;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
}

/*
 * KVM_RUN on vCPU 0, then its registers into @r: how long that took, on
 * @clock.  A KVM_RUN that does not come back within @timeout seconds
 * (SIGALRM, with catch_alarm()) bails out with @late, as any other
 * failure does with a message of its own.
 */
static inline long run_timed(unsigned int timeout, long (*clock)(void),
			     const char *late, struct kvm_regs *r)
{
	long t0 = clock();
	int ret;

	alarm(timeout);
	ret = ioctl(vcpu, KVM_RUN, 0);
	alarm(0);
	if (ret < 0 || ioctl(vcpu, KVM_GET_REGS, r) < 0) {
		int e = errno;

		printf("#   errno %d %s\n", e, strerror(e));
		bail(e == EINTR ? late : "KVM_RUN or KVM_GET_REGS failed");
	}
	return clock() - t0;
}

/* The device of the command line (DEVICE GUEST.bin), open. */
static inline int open_device(int argc, char **argv)
{
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEVICE GUEST.bin\n", argv[0]);
		exit(2);
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		bail_errno(argv[1]);
	return fd;
}

/* @mem, MEM_SIZE bytes, as vm's memory at guest physical address 0. */
static inline int set_guest_memory(uint8_t *mem)
{
	struct kvm_userspace_memory_region slot = {
		.memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot);
}

/* The guest at @path into @mem at LOAD: false (errno set) if it cannot. */
static inline bool load_guest(uint8_t *mem, const char *path)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, mem + LOAD, MEM_SIZE - LOAD);
	close(fd);
	return n > 0;
}

/*
 * vm: a VM with guest memory at 0 and the guest at @path at LOAD; with
 * @irqchip, KVM_CREATE_IRQCHIP before the memory.  Returns the memory.
 */
static inline uint8_t *create_guest_vm(const char *path, bool irqchip)
{
	uint8_t *mem;

	vm = ioctl(sys, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		bail("KVM_CREATE_VM or mmap failed");
	if (irqchip && ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		bail("KVM_CREATE_IRQCHIP failed");
	if (set_guest_memory(mem) < 0)
		bail("KVM_SET_USER_MEMORY_REGION failed");
	if (!load_guest(mem, path))
		bail("cannot read the guest");
	return mem;
}

/* vcpu and run: vm's vCPU 0 and its kvm_run; *@s: its sregs at RESET. */
static inline void create_vcpu0(struct kvm_sregs *s)
{
	int size;

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		bail("KVM_CREATE_VCPU failed");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, s) < 0)
		bail("cannot map kvm_run or read the vCPU");
}

/*
 * Flat 32-bit code (0x08) and data (0x10) in @s, in protected mode
 * without paging; the guest loads its own GDT with the same selectors.
 */
static inline void flat32_sregs(struct kvm_sregs *s)
{
	s->cs = (struct kvm_segment){ .limit = 0xffffffff, .selector = 0x08,
				      .type = 11, .present = 1, .s = 1,
				      .db = 1, .g = 1 };
	s->ds = s->cs;
	s->ds.type = 3;
	s->ds.selector = 0x10;
	s->es = s->ss = s->ds;
	s->cr0 = 0x11;		/* PE, ET */
}

/* vCPU 0, with @s from create_vcpu0(), to start at LOAD in flat32_sregs(). */
static inline void start_flat32(struct kvm_sregs *s)
{
	struct kvm_regs r = { .rip = LOAD, .rflags = FIXED_FLAGS };

	flat32_sregs(s);
	s->tr.type = 11;	/* a busy TSS, as after RESET */
	if (ioctl(vcpu, KVM_SET_SREGS, s) < 0 ||
	    ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		bail("cannot set the vCPU's registers");
}

/* The data of the port I/O that @from exited for (0 if over 4 bytes). */
static inline uint32_t io_value(const struct kvm_run *from)
{
	uint32_t v = 0;

	if (from->io.size <= 4)
		memcpy(&v, (const uint8_t *)from + from->io.data_offset,
		       from->io.size);
	return v;
}

/*
 * vCPU 0's exit into ex, with the RIP in @r, and what it was into @what,
 * for the transcript: an I/O exit's port, size and data, else "HLT" or
 * "other" and the exit reason.
 */
static inline void record_exit(const struct kvm_regs *r, char *what,
			       size_t size)
{
	memset(&ex, 0, sizeof(ex));
	ex.reason = run->exit_reason;
	ex.rip = r->rip;
	if (ex.reason == KVM_EXIT_IO) {
		ex.port = run->io.port;
		ex.value = io_value(run);
		snprintf(what, size, "IO %s port %#x size %u value %#x",
			 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 ex.port, run->io.size, ex.value);
	} else {
		snprintf(what, size, "%s (%u)",
			 ex.reason == KVM_EXIT_HLT ? "HLT" : "other",
			 ex.reason);
	}
}

/* Was the last exit the guest's OUT of @value (or ANY) to @port? */
static inline bool is_out(uint16_t port, uint32_t value)
{
	return ex.reason == KVM_EXIT_IO &&
	       run->io.direction == KVM_EXIT_IO_OUT && ex.port == port &&
	       (value == ANY || ex.value == value);
}

/*
 * Bail out after an exit the guest cannot go on from: its report of an
 * exception it did not expect, a shutdown or an internal error, and,
 * with @fail_entry, a failed VM entry.
 */
static inline void bail_if_stuck(bool fail_entry)
{
	if (is_out(P_DEAD, ANY))
		bail("the guest took an exception it did not expect");
	if (ex.reason == KVM_EXIT_SHUTDOWN ||
	    ex.reason == KVM_EXIT_INTERNAL_ERROR ||
	    (fail_entry && ex.reason == KVM_EXIT_FAIL_ENTRY))
		bail("the guest cannot go on");
}

/*
 * vCPU 0's exit, with the registers @r read after it, into ex and the
 * transcript, with IF, ready_for_interrupt_injection and CR8; bail out if
 * the guest cannot go on (a failed VM entry included).
 */
static inline void trace_exit(const struct kvm_regs *r)
{
	char what[64];

	record_exit(r, what, sizeof(what));
	trace("exit %s rip %#llx if %u ready %u cr8 %llu", what,
	      (unsigned long long)ex.rip, run->if_flag,
	      run->ready_for_interrupt_injection,
	      (unsigned long long)run->cr8);
	bail_if_stuck(true);
}

/* Was the last exit that OUT?  Say what was expected if not. */
static inline bool was(uint16_t port, uint32_t value)
{
	if (is_out(port, value))
		return true;
	printf("#   expected here: OUT %#x to port %#x\n", value, port);
	return false;
}

#endif /* HVX_TESTS_GUEST32_H */
