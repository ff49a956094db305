// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency and teardown, on /dev/hvx or any KVM-style device:
 *
 *   run      several VMs, each with several vCPUs on their own threads,
 *            run at once while another thread moves the vCPU threads
 *            between CPUs (and, with --hotplug, takes CPU 1 offline and
 *            back); every vCPU's guest state must survive every move
 *   close    a VM's fds closed by another thread while its vCPUs run: the
 *            running KVM_RUNs finish, the next ones fail with EBADF
 *   kill     a process with running VMs killed with SIGKILL, several times
 *
 * Whether anything leaked is for the caller to see (rmmod, kmemleak, no
 * VM left in `vmctl list`).  Prints TAP.
 *
 * The guest, in real mode at 0x1000, counts in EAX and reports each count
 * with OUT to port 0x10, so each exit says whether its registers are what
 * they were at the previous one:
 *   sti; xor eax, eax; 1: inc eax; out 0x10, eax; jmp 1b
 * (STI: under Bochs a host interrupt only exits a guest that has IF set.)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define CODE		0x1000
#define MEM_SIZE	0x10000
#define PORT		0x10
#define MAX_VCPUS	4

static const uint8_t guest[] = {
	0xfb,				/* sti */
	0x66, 0x31, 0xc0,		/* xor eax, eax */
	0x66, 0x40,			/* 1: inc eax */
	0x66, 0xe7, PORT,		/* out PORT, eax */
	0xeb, 0xf9,			/* jmp 1b */
};

static const char *device = "/dev/hvx";
static int sys_fd;
static long run_size;
static volatile bool stop;

struct vcpu {
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	pid_t tid;
	unsigned long exits, bad, unexpected;
	int last_errno;
};

struct vm {
	int fd;
	uint8_t *mem;
	int nr_vcpus;
	struct vcpu vcpus[MAX_VCPUS];
};

static void nop_handler(int sig)
{
	(void)sig;
}

static int make_vm(struct vm *vm, int nr_vcpus)
{
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->nr_vcpus = nr_vcpus;
	vm->fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -1;
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		return -1;
	memcpy(vm->mem + CODE, guest, sizeof(guest));
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -1;
	for (i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct kvm_regs regs = { .rip = CODE, .rflags = 2 };
		struct kvm_sregs sregs;

		v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0)
			return -1;
		v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED ||
		    ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
			return -1;
		sregs.cs.selector = 0;
		sregs.cs.base = 0;
		if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0 ||
		    ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
			return -1;
	}
	return 0;
}

/* KVM_RUN until told to stop or until KVM_RUN fails for good. */
static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	uint32_t want = 1, got;

	v->tid = syscall(SYS_gettid);
	while (!stop) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			v->last_errno = errno;
			break;
		}
		if (v->run->exit_reason != KVM_EXIT_IO ||
		    v->run->io.port != PORT || v->run->io.size != 4) {
			v->unexpected++;
			break;
		}
		memcpy(&got, (uint8_t *)v->run + v->run->io.data_offset, 4);
		if (got != want)
			v->bad++;
		want = got + 1;
		v->exits++;
	}
	return NULL;
}

static void start(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread,
			       &vm->vcpus[i]);
}

static void join(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		pthread_kill(vm->vcpus[i].thread, SIGUSR1);
		pthread_join(vm->vcpus[i].thread, NULL);
	}
}

static void free_vm(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run && vm->vcpus[i].run != MAP_FAILED)
			munmap(vm->vcpus[i].run, run_size);
		if (vm->vcpus[i].fd > 0)
			close(vm->vcpus[i].fd);
	}
	if (vm->fd > 0)
		close(vm->fd);
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, MEM_SIZE);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void set_cpu1_online(bool on)
{
	int fd = open("/sys/devices/system/cpu/cpu1/online", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, on ? "1" : "0", 1) != 1)
			printf("# cpu1 online=%d: %s\n", on, strerror(errno));
		close(fd);
	}
}

/* Move every vCPU thread to CPU (round + its index) % 2, 40 rounds. */
static void migrate(struct vm *vms, int nr_vms, bool hotplug)
{
	int round, i, j, n;

	for (round = 0; round < 40; round++) {
		if (hotplug && round % 10 == 5)
			set_cpu1_online(false);
		if (hotplug && round % 10 == 8)
			set_cpu1_online(true);
		for (i = 0, n = 0; i < nr_vms; i++) {
			for (j = 0; j < vms[i].nr_vcpus; j++, n++) {
				cpu_set_t set;

				CPU_ZERO(&set);
				CPU_SET((round + n) % 2, &set);
				if (vms[i].vcpus[j].tid)
					sched_setaffinity(vms[i].vcpus[j].tid,
							  sizeof(set), &set);
			}
		}
		sleep_ms(50);
	}
	if (hotplug)
		set_cpu1_online(true);
}

static void test_run(int nr_vms, int nr_vcpus, bool hotplug)
{
	struct vm vms[4];
	unsigned long min_exits = ~0UL, bad = 0, unexpected = 0, errors = 0;
	int i, j, made = 0;

	for (i = 0; i < nr_vms; i++)
		made += !make_vm(&vms[i], nr_vcpus);
	tap_result(made == nr_vms, "run: %d VMs with %d vCPUs each created",
		   nr_vms, nr_vcpus);
	if (made != nr_vms)
		return;
	stop = false;
	for (i = 0; i < nr_vms; i++)
		start(&vms[i]);
	sleep_ms(200);
	migrate(vms, nr_vms, hotplug);
	stop = true;
	for (i = 0; i < nr_vms; i++)
		join(&vms[i]);
	for (i = 0; i < nr_vms; i++) {
		for (j = 0; j < nr_vcpus; j++) {
			struct vcpu *v = &vms[i].vcpus[j];

			if (v->exits < min_exits)
				min_exits = v->exits;
			bad += v->bad;
			unexpected += v->unexpected;
			errors += v->last_errno != 0;
			if (v->last_errno)
				printf("# VM %d vCPU %d: KVM_RUN: %s\n", i, j,
				       strerror(v->last_errno));
		}
		free_vm(&vms[i]);
	}
	tap_result(errors == 0 && unexpected == 0,
		   "run%s: every vCPU ran until stopped, with no error or unexpected exit",
		   hotplug ? " with CPU 1 going offline" : "");
	tap_result(min_exits >= 50,
		   "run%s: every vCPU made progress while moved between CPUs (fewest exits: %lu)",
		   hotplug ? " with CPU 1 going offline" : "", min_exits);
	tap_result(bad == 0,
		   "run%s: every vCPU's registers survived every move (%lu wrong counts)",
		   hotplug ? " with CPU 1 going offline" : "", bad);
}

static void test_close(void)
{
	struct vm vm;
	int i, ebadf = 0;

	if (make_vm(&vm, 2)) {
		tap_result(0, "close: a VM with 2 vCPUs created");
		return;
	}
	stop = false;
	start(&vm);
	sleep_ms(300);
	/* Everything closed under the running vCPUs, by this thread. */
	for (i = 0; i < vm.nr_vcpus; i++)
		close(vm.vcpus[i].fd);
	close(vm.fd);
	sleep_ms(300);
	for (i = 0; i < vm.nr_vcpus; i++) {
		pthread_join(vm.vcpus[i].thread, NULL);
		ebadf += vm.vcpus[i].last_errno == EBADF;
		munmap(vm.vcpus[i].run, run_size);
	}
	munmap(vm.mem, MEM_SIZE);
	tap_result(ebadf == vm.nr_vcpus,
		   "close: with their fds closed by another thread, both vCPU threads got EBADF and ended");
}

static void test_kill(int times)
{
	int i, killed = 0;

	for (i = 0; i < times; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			struct vm vms[2];

			if (make_vm(&vms[0], 2) || make_vm(&vms[1], 2))
				_exit(1);
			start(&vms[0]);
			start(&vms[1]);
			for (;;)
				pause();
		}
		sleep_ms(300 + 100 * i);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	}
	tap_result(killed == times,
		   "kill: %d processes running 2 VMs of 2 vCPUs each died of SIGKILL mid-run",
		   times);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = nop_handler };
	bool hotplug = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hotplug"))
			hotplug = true;
		else
			device = argv[i];
	}
	sigaction(SIGUSR1, &sa, NULL);
	sys_fd = open(device, O_RDWR);
	if (sys_fd < 0) {
		tap_result(0, "open %s", device);
		return 1;
	}
	run_size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	test_run(3, 2, false);
	if (hotplug)
		test_run(2, 2, true);
	test_close();
	test_kill(5);
	return tap_failed;
}
