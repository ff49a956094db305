// SPDX-License-Identifier: GPL-2.0
/*
 * hostdbg_test: a hardware watchpoint of the VMM's own keeps firing on
 * the host across guest runs, and never fires in the guest.
 *
 * VM exit sets DR7 to 400H: a hypervisor that does not put the host's
 * debug registers back after each exit silently switches off the
 * breakpoints of ptrace, perf and kgdb on that CPU.  And one that loaded
 * the guest's DR7 late would let the host's breakpoints fire on the
 * guest's accesses.
 *
 * The VMM maps a page at 0x80000 and asks perf for a write watchpoint on
 * it (PERF_TYPE_BREAKPOINT, this thread only).  A real-mode guest writes
 * to its own linear address 0x80000, runs CPUID (an exit handled in the
 * kernel) and OUTs to the VMM, forever.  After each of ROUNDS exits to the
 * VMM, the VMM writes its variable once: the watchpoint must count
 * exactly ROUNDS writes, none of the guest's, and the guest must have
 * written ROUNDS times to its memory.
 *
 *   hostdbg_test DEVICE       /dev/hvx or /dev/kvm
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

#define ROUNDS		200
#define WATCHED		0x80000UL
#define GUEST_MEM	0x100000UL
#define GUEST_CODE	0x1000

static const uint8_t guest[] = {
	0xb8, 0x00, 0x80,		/* mov $0x8000, %ax */
	0x8e, 0xd8,			/* mov %ax, %ds */
	0x66, 0x31, 0xc0,		/* 1: xor %eax, %eax */
	0x0f, 0xa2,			/* cpuid */
	0xff, 0x06, 0x00, 0x00,		/* incw (0): linear 0x80000 */
	0xe6, 0x10,			/* out %al, $0x10 */
	0xeb, 0xf3,			/* jmp 1b */
};

static long perf_open(struct perf_event_attr *attr)
{
	return syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
}

int main(int argc, char **argv)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = WATCHED,
		.bp_len = HW_BREAKPOINT_LEN_2,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	struct kvm_userspace_memory_region slot = {
		.memory_size = GUEST_MEM,
	};
	const char *dev = argc > 1 ? argv[1] : "/dev/hvx";
	int kvm, vm, vcpu, bp, round, good = 1;
	volatile uint16_t *var;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint64_t hits = 0;
	uint8_t *mem;

	printf("# hostdbg_test on %s\n", dev);
	var = mmap((void *)WATCHED, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	kvm = open(dev, O_RDWR);
	if (var != (void *)WATCHED || mem == MAP_FAILED || kvm < 0) {
		tap_result(0, "set up: the VMM's page at %#lx, guest memory, %s",
			   WATCHED, dev);
		return 1;
	}
	memcpy(mem + GUEST_CODE, guest, sizeof(guest));
	slot.userspace_addr = (uintptr_t)mem;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) ||
	    (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0) {
		tap_result(0, "a VM with memory and a vCPU (errno %d)", errno);
		return 1;
	}
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ioctl(vcpu, KVM_GET_SREGS, &sregs);
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	ioctl(vcpu, KVM_SET_SREGS, &sregs);
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE;
	regs.rflags = 2;
	ioctl(vcpu, KVM_SET_REGS, &regs);

	bp = perf_open(&attr);
	tap_result(bp >= 0, "perf gives the VMM a write watchpoint at %#lx",
		   WATCHED);
	if (bp < 0) {
		printf("#   perf_event_open: %s\n", strerror(errno));
		return 1;
	}

	for (round = 0; round < ROUNDS && good; round++) {
		if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO ||
		    run->io.port != 0x10) {
			printf("#   round %d: KVM_RUN %s, exit reason %u\n", round,
			       strerror(errno), run->exit_reason);
			good = 0;
			break;
		}
		(*var)++;
	}
	tap_result(good, "the guest wrote and came back %d times", ROUNDS);
	if (read(bp, &hits, sizeof(hits)) != sizeof(hits))
		hits = ~0ULL;
	tap_result(hits == ROUNDS,
		   "the watchpoint counted the VMM's %d writes, no more, no fewer",
		   ROUNDS);
	if (hits != ROUNDS)
		printf("#   it counted %llu\n", (unsigned long long)hits);
	tap_result(*var == ROUNDS && *(uint16_t *)(mem + WATCHED) == ROUNDS,
		   "the VMM's variable and the guest's word both read %d",
		   ROUNDS);
	if (*var != ROUNDS || *(uint16_t *)(mem + WATCHED) != ROUNDS)
		printf("#   VMM %u, guest %u\n", *var,
		       *(uint16_t *)(mem + WATCHED));
	return tap_failed;
}
