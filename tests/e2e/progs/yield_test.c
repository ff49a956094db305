// SPDX-License-Identifier: GPL-2.0
/*
 * yield_test: KVM's directed yield.  A guest vCPU that waits on another
 * (a lock holder, say) asks with KVM_HC_SCHED_YIELD that the other, if it
 * waits for a host CPU, get this one's (tests/guests/yield.S: vCPU 0 asks
 * 200 times for vCPU 1, which spins).
 *
 *   yield_test DEVICE GUEST.bin
 *
 * Both vCPU threads are pinned to CPU 1, so while vCPU 0 runs, vCPU 1's
 * thread waits for that CPU, and a yield to it can happen.  vCPU 0 starts
 * once vCPU 1 runs in its guest (it counts in guest memory): a thread
 * that never ran its vCPU cannot be yielded to (KVM knows a vCPU's
 * thread, and that it was preempted in the guest, only from then on).  vCPU 0's
 * statistics (KVM_GET_STATS_FD: directed_yield_attempted and
 * directed_yield_successful, KVM's names) must count every hypercall, and
 * yields to vCPU 1 only: at least one, none to itself or to an APIC ID no
 * vCPU has.  What is checked is what happened, never how long it took.
 * The transcript ("# | " lines) is compared with kvm_intel's.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "guest32.h"
#include "statsfd.h"

#define YIELDS		200		/* yield.S's */
#define SPIN		0x10800		/* where vCPU 1 spins */
#define COUNT		0x9000		/* and counts its rounds */
#define RUN_TIMEOUT	120

static int vcpu1;
static struct kvm_run *run1;
static uint8_t *mem;
static volatile bool stop;
/* How vCPU 1's KVM_RUN ended: an errno, or an exit reason. */
static int vcpu1_errno, vcpu1_exit = -1;

static void on_signal(int sig)
{
	(void)sig;
}

static void pin_to_cpu1(pthread_t t)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(1, &set);
	if (pthread_setaffinity_np(t, sizeof(set), &set))
		bail("cannot pin a vCPU's thread to CPU 1");
}

/* vCPU 1 spins in its guest until the main thread stops it. */
static void *spin_vcpu1(void *arg)
{
	(void)arg;
	while (!stop) {
		if (ioctl(vcpu1, KVM_RUN, 0) == 0) {
			vcpu1_exit = run1->exit_reason;	/* it never exits */
			break;
		}
		vcpu1_errno = errno;
		if (errno != EINTR)
			break;
	}
	return NULL;
}

/* vCPU 1: RUNNABLE, in flat 32-bit mode as vCPU 0, at SPIN. */
static void create_vcpu1(void)
{
	struct kvm_regs r = { .rip = SPIN, .rflags = FIXED_FLAGS };
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	int size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_sregs s;

	vcpu1 = ioctl(vm, KVM_CREATE_VCPU, 1);
	if (vcpu1 < 0 || size <= 0)
		bail_errno("KVM_CREATE_VCPU 1");
	run1 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu1, 0);
	if (run1 == MAP_FAILED || ioctl(vcpu1, KVM_GET_SREGS, &s) < 0)
		bail_errno("cannot map or read vCPU 1");
	flat32_sregs(&s);
	s.tr.type = 11;
	if (ioctl(vcpu1, KVM_SET_SREGS, &s) < 0 ||
	    ioctl(vcpu1, KVM_SET_REGS, &r) < 0 ||
	    ioctl(vcpu1, KVM_SET_MP_STATE, &mp) < 0)
		bail_errno("cannot set vCPU 1 up");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t attempted, successful;
	bool found_a, found_s;
	struct kvm_regs r;
	struct kvm_sregs s;
	pthread_t t;
	long t0;
	int fd;

	sys = open_device(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_alarm();
	sigaction(SIGUSR1, &sa, NULL);
	mem = create_guest_vm(argv[2], true);
	create_vcpu0(&s);
	start_flat32(&s);
	create_vcpu1();

	pin_to_cpu1(pthread_self());
	if (pthread_create(&t, NULL, spin_vcpu1, NULL))
		bail("pthread_create");
	pin_to_cpu1(t);
	t0 = now_ms();
	while (!*(volatile uint32_t *)(mem + COUNT)) {
		if (now_ms() - t0 > RUN_TIMEOUT * 1000L)
			bail("vCPU 1 never ran its guest");
		sched_yield();
	}

	run_timed(RUN_TIMEOUT, now_ms, "vCPU 0 did not come back", &r);
	trace_exit(&r);
	tap_result(is_out(P_MARK, 1), "vCPU 0 starts");
	run_timed(RUN_TIMEOUT, now_ms, "vCPU 0's yields did not end", &r);
	trace_exit(&r);
	tap_result(is_out(P_MARK, 2),
		   "vCPU 0's %d hypercalls to vCPU 1, one to itself and one to nobody all return 0",
		   YIELDS);

	fd = ioctl(vcpu, KVM_GET_STATS_FD, 0);
	attempted = fd < 0 ? 0 : stat_of(fd, "directed_yield_attempted", &found_a);
	successful = fd < 0 ? 0 : stat_of(fd, "directed_yield_successful", &found_s);
	tap_result(fd >= 0 && found_a && found_s,
		   "vCPU 0's statistics have directed_yield_attempted and _successful");
	printf("#   %llu of %llu hypercalls yielded\n",
	       (unsigned long long)successful, (unsigned long long)attempted);
	trace("directed_yield_attempted %llu", (unsigned long long)attempted);
	tap_result(attempted == YIELDS + 2, "every hypercall counts as asked (%llu)",
		   (unsigned long long)attempted);
	tap_result(successful >= 1 && successful <= YIELDS,
		   "some gave vCPU 1 the CPU, never those to itself or to nobody (%llu)",
		   (unsigned long long)successful);
	trace("some yields happened, only to vCPU 1: %s",
	      successful >= 1 && successful <= YIELDS ? "yes" : "no");

	stop = true;
	run1->immediate_exit = 1;
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	tap_result(vcpu1_exit < 0 && vcpu1_errno == EINTR,
		   "vCPU 1 spun until the VMM stopped it (exit %d, errno %d)",
		   vcpu1_exit, vcpu1_errno);
	trace("end");
	return tap_failed;
}
