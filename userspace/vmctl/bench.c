// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl bench: what a VMM pays on the host side of a KVM-style device,
 * timed with CLOCK_MONOTONIC.
 *
 *   startup   open() of the device to the guest's first instruction: create
 *             a VM, give it 2 MiB of memory holding one instruction, create
 *             a vCPU and map its kvm_run, set its registers, KVM_RUN until
 *             that instruction (an OUT) comes back as KVM_EXIT_IO.  The
 *             median over the runs, in microseconds.
 *   churn     VMs created and destroyed per second: the same steps from
 *             open() to the mapped kvm_run, then everything closed again,
 *             without running.
 *
 * The output has the guest benchmarks' format, "bench NAME VALUE", so
 * that one script collects both (bench/bench.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmctl.h"

#define MEM_SIZE	(2 << 20)
#define CODE_ADDR	0x1000
#define FIRST_PORT	0x80

struct bench_vm {
	int sys_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	long run_size;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void close_vm(struct bench_vm *b)
{
	if (b->run && b->run != MAP_FAILED)
		munmap(b->run, b->run_size);
	if (b->vcpu_fd >= 0)
		close(b->vcpu_fd);
	if (b->vm_fd >= 0)
		close(b->vm_fd);
	if (b->sys_fd >= 0)
		close(b->sys_fd);
}

/*
 * Open @device and make a VM with @mem as its memory at guest-physical 0
 * and one vCPU, its kvm_run mapped.  Returns NULL or the name of the step
 * that failed (errno says why).
 */
static const char *open_vm(struct bench_vm *b, const char *device, void *mem)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};

	*b = (struct bench_vm){ .sys_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };
	b->sys_fd = open(device, O_RDWR | O_CLOEXEC);
	if (b->sys_fd < 0)
		return "open";
	b->vm_fd = ioctl(b->sys_fd, KVM_CREATE_VM, 0);
	if (b->vm_fd < 0)
		return "KVM_CREATE_VM";
	if (ioctl(b->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return "KVM_SET_USER_MEMORY_REGION";
	b->vcpu_fd = ioctl(b->vm_fd, KVM_CREATE_VCPU, 0);
	if (b->vcpu_fd < 0)
		return "KVM_CREATE_VCPU";
	b->run_size = ioctl(b->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (b->run_size < (long)sizeof(struct kvm_run))
		return "KVM_GET_VCPU_MMAP_SIZE";
	b->run = mmap(NULL, b->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->vcpu_fd, 0);
	if (b->run == MAP_FAILED)
		return "mmap of the vCPU";
	return NULL;
}

/*
 * Real mode at CODE_ADDR, then KVM_RUN until the guest's first OUT.  The
 * segments are set whole rather than taken from KVM_GET_SREGS: in the
 * test machine, kvm_intel's entry sometimes failed on an SS that was not
 * a code or data segment ("VMENTER FAIL: VMCS guest SS not segment" in
 * Bochs' log) when only CS was changed.
 */
static const char *first_instruction(struct bench_vm *b)
{
	const struct kvm_segment real = {
		.limit = 0xffff, .type = 3, .s = 1, .present = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = CODE_ADDR, .rflags = 2 };

	if (ioctl(b->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return "KVM_GET_SREGS";
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = real;
	sregs.cs = real;
	sregs.cs.type = 11;
	if (ioctl(b->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return "KVM_SET_SREGS";
	if (ioctl(b->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return "KVM_SET_REGS";
	if (ioctl(b->vcpu_fd, KVM_RUN, 0) < 0)
		return "KVM_RUN";
	if (b->run->exit_reason != KVM_EXIT_IO ||
	    b->run->io.port != FIRST_PORT) {
		/* Say which exit it was: the device's log may say more. */
		static char why[96];

		snprintf(why, sizeof(why),
			 "KVM_RUN's first exit (reason %u, suberror %u, not the guest's OUT)",
			 b->run->exit_reason, b->run->exit_reason ==
			 KVM_EXIT_INTERNAL_ERROR ? b->run->internal.suberror : 0);
		errno = EPROTO;
		return why;
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const char bench_usage[] =
	"usage: vmctl bench [--device PATH] [--runs N]\n\n"
	"Time the host side of running a VM on a KVM-style device and print\n"
	"\"bench NAME VALUE\" lines:\n"
	"  startup_us     open() of the device to the guest's first instruction\n"
	"                 (VM, memory, vCPU, registers, first KVM_RUN), median\n"
	"                 over N runs, in microseconds\n"
	"  churn_per_s    VMs created (with memory and a vCPU) and destroyed\n"
	"                 per second, over 4 N of them\n\n"
	"  --device PATH  the device (default " HVX_DEVICE "; /dev/kvm to compare)\n"
	"  --runs N       runs of each (default 20)\n\n"
	"The guest benchmarks are a guest: see bench/ in hvx's sources.\n";

int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "runs", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = HVX_DEVICE, *failed = NULL;
	/* out %al, $0x80; hlt */
	static const unsigned char code[] = { 0xe6, FIRST_PORT, 0xf4 };
	struct bench_vm b;
	double *us, t0;
	long runs = 20, i;
	int c, err = 0;
	char *end;
	void *mem;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'n':
			runs = strtol(optarg, &end, 10);
			if (*end || runs < 1 || runs > 100000) {
				fprintf(stderr, "vmctl bench: --runs wants a number from 1 to 100000\n");
				return 2;
			}
			break;
		case 'h':
			fputs(bench_usage, stdout);
			return 0;
		default:
			fputs(bench_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(bench_usage, stderr);
		return 2;
	}

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	us = calloc(runs, sizeof(*us));
	if (mem == MAP_FAILED || !us) {
		fprintf(stderr, "vmctl bench: out of memory\n");
		return 1;
	}
	memcpy((char *)mem + CODE_ADDR, code, sizeof(code));

	for (i = 0; i < runs && !failed; i++) {
		t0 = now_us();
		failed = open_vm(&b, device, mem);
		if (!failed)
			failed = first_instruction(&b);
		us[i] = now_us() - t0;
		err = errno;
		close_vm(&b);
	}
	if (!failed) {
		qsort(us, runs, sizeof(*us), cmp_double);
		printf("bench startup_us %.0f\n", us[runs / 2]);
		fflush(stdout);
		t0 = now_us();
		for (i = 0; i < 4 * runs && !failed; i++) {
			failed = open_vm(&b, device, mem);
			err = errno;
			close_vm(&b);
		}
		if (!failed)
			printf("bench churn_per_s %.0f\n",
			       4 * runs / ((now_us() - t0) / 1e6));
	}
	if (failed)
		fprintf(stderr, "vmctl bench: %s on %s: %s\n", failed, device,
			strerror(err));
	free(us);
	munmap(mem, MEM_SIZE);
	return failed ? 1 : 0;
}
