// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_guest: run a tiny real-mode guest on any device that speaks KVM's
 * ABI, to prove which hypervisor owns VMX.  The guest counts in AX and
 * writes AL to port 0x80 forever; every exit is checked against the count.
 *
 *   kvm_guest [--device PATH] [--exits N]   run N exits, then exit 0
 *   kvm_guest --hold [--progress FILE]      run until SIGTERM, write the
 *                                           exit count to FILE as it goes
 *   kvm_guest --create-only [--hold]        only create a VM (and keep it)
 *
 * Exit status: 0 success, 1 a KVM call failed (errno printed), 2 the guest
 * misbehaved.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_MEM	0x10000
#define GUEST_CODE	0x1000

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

#define CHECK(cond, what) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "kvm_guest: %s: %s\n", what,		\
			strerror(errno));				\
		exit(1);						\
	}								\
} while (0)

/*
 * Write the exit count to FILE through a rename, so that a reader never
 * sees the file empty or half written.
 */
static void write_progress(const char *file, unsigned long n)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%lu\n", n);
	if (fclose(f) == 0)
		rename(tmp, file);
}

int main(int argc, char **argv)
{
	/* 1000: inc ax; out 0x80, al; jmp 1000 */
	static const uint8_t code[] = { 0x40, 0xe6, 0x80, 0xeb, 0xfb };
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "exits", required_argument, NULL, 'n' },
		{ "hold", no_argument, NULL, 'h' },
		{ "progress", required_argument, NULL, 'p' },
		{ "create-only", no_argument, NULL, 'c' },
		{ }
	};
	const char *device = "/dev/kvm", *progress = NULL;
	unsigned long exits = 1000, n = 0;
	int hold = 0, create_only = 0, opt;
	int sys, vm, vcpu, size;
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint8_t *mem;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': device = optarg; break;
		case 'n': exits = strtoul(optarg, NULL, 0); break;
		case 'h': hold = 1; break;
		case 'p': progress = optarg; break;
		case 'c': create_only = 1; break;
		default: return 1;
		}
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);

	sys = open(device, O_RDWR | O_CLOEXEC);
	CHECK(sys >= 0, device);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	CHECK(vm >= 0, "KVM_CREATE_VM");
	printf("kvm_guest: VM created on %s\n", device);
	fflush(stdout);
	if (create_only) {
		while (hold && !stop)
			pause();
		return 0;
	}

	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap guest memory");
	memcpy(mem + GUEST_CODE, code, sizeof(code));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = GUEST_MEM, .userspace_addr = (uintptr_t)mem,
	};
	CHECK(!ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region),
	      "KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	CHECK(vcpu >= 0, "KVM_CREATE_VCPU");
	size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	CHECK(size > 0, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	CHECK(run != MAP_FAILED, "mmap kvm_run");

	CHECK(!ioctl(vcpu, KVM_GET_SREGS, &sregs), "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	CHECK(!ioctl(vcpu, KVM_SET_SREGS, &sregs), "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE;
	regs.rflags = 2;
	CHECK(!ioctl(vcpu, KVM_SET_REGS, &regs), "KVM_SET_REGS");

	while (hold ? !stop : n < exits) {
		uint8_t al;

		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			CHECK(0, "KVM_RUN");
		}
		if (run->exit_reason != KVM_EXIT_IO || run->io.port != 0x80 ||
		    run->io.direction != KVM_EXIT_IO_OUT) {
			fprintf(stderr, "kvm_guest: unexpected exit %u after %lu exits\n",
				run->exit_reason, n);
			return 2;
		}
		al = *((uint8_t *)run + run->io.data_offset);
		if (al != (uint8_t)(n + 1)) {
			fprintf(stderr, "kvm_guest: guest wrote %u, expected %u\n",
				al, (uint8_t)(n + 1));
			return 2;
		}
		n++;
		if (progress && !(n % 64))
			write_progress(progress, n);
	}
	printf("kvm_guest: %lu exits, all as expected\n", n);
	return 0;
}
