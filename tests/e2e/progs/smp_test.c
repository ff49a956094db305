// SPDX-License-Identifier: GPL-2.0
/*
 * Starting a second vCPU the way a PC's BSP starts its APs, with the
 * in-kernel irqchip: the second vCPU starts UNINITIALIZED and waits inside
 * KVM_RUN; vCPU 0's INIT and start-up IPIs start it in real mode at the
 * vector's page; the two meet by IPI; each halted vCPU sleeps in the
 * kernel.  KVM_GET/SET_MP_STATE along the way, and KVM_SET_BOOT_CPU_ID
 * in a VM of its own.  The guest is
 * tests/guests/smp.S.  Each vCPU runs on a thread of its own.
 *
 *   smp_test DEVICE GUEST.bin
 *
 * Prints TAP, and each vCPU's exits as "# | " lines (vCPU 0's, then vCPU
 * 1's) for 93-smp.sh to compare between hvx and KVM.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "guest32.h"

struct vcpu {
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	char log[4096];		/* the transcript of its exits */
	size_t len;
	uint32_t marks[16];	/* what it reported, in order */
	unsigned int nr_marks;
	bool eagain;		/* a KVM_RUN returned EAGAIN (KVM's wake-up) */
	volatile bool stop;
	bool done;
};

static struct vcpu vcpus[2];

/* A line of @v's transcript, printed at the end: "# | vcpu N: ...". */
static void vlog(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void vlog(struct vcpu *v, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	if (v->len >= sizeof(v->log) - 128)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	v->len += snprintf(v->log + v->len, sizeof(v->log) - v->len,
			   "# | vcpu %d: %s\n", v->id, line);
}

static int mp_state(struct vcpu *v)
{
	struct kvm_mp_state mp;

	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		return -errno;
	return mp.mp_state;
}

/*
 * Run a vCPU until it reports @last on P_MARK, or until told to stop: each
 * OUT is logged; KVM_RUN failing with EAGAIN (KVM's answer when a vCPU
 * that was not started gets INIT) or EINTR (a signal) is run again.
 */
static void *run_vcpu(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_regs r;
	struct kvm_sregs s;
	uint32_t val;

	while (!v->stop) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EAGAIN) {
				if (!v->eagain)
					vlog(v, "KVM_RUN EAGAIN");
				v->eagain = true;
				continue;
			}
			if (errno == EINTR)
				continue;
			vlog(v, "KVM_RUN errno %d", errno);
			break;
		}
		if (v->run->exit_reason != KVM_EXIT_IO ||
		    v->run->io.direction != KVM_EXIT_IO_OUT) {
			vlog(v, "exit %u", v->run->exit_reason);
			break;
		}
		val = io_value(v->run);
		ioctl(v->fd, KVM_GET_REGS, &r);
		ioctl(v->fd, KVM_GET_SREGS, &s);
		vlog(v, "out %#x size %u value %#x rip %#llx cs %#x base %#llx",
		     v->run->io.port, v->run->io.size, val,
		     (unsigned long long)r.rip, s.cs.selector,
		     (unsigned long long)s.cs.base);
		if (v->run->io.port == P_MARK && v->nr_marks < 16)
			v->marks[v->nr_marks++] = val;
		if (v->run->io.port == P_VEC && v->nr_marks < 16)
			v->marks[v->nr_marks++] = 0x100 | val;
		if (v->id == 0 && v->run->io.port == P_MARK && val == 0x04)
			break;
	}
	vlog(v, "mp_state at the end %d", mp_state(v));
	v->done = true;
	return NULL;
}

/* The capabilities behind the in-kernel irqchip and vCPU start-up. */
static void check_caps(void)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
		{ KVM_CAP_IRQ_INJECT_STATUS, "KVM_CAP_IRQ_INJECT_STATUS" },
		{ KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI" },
		{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
		{ KVM_CAP_HLT, "KVM_CAP_HLT" },
	};
	unsigned int i;
	int r;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		r = ioctl(sys, KVM_CHECK_EXTENSION, caps[i].cap);
		tap_result(r > 0, "KVM_CHECK_EXTENSION(%s) is %d", caps[i].name, r);
	}
}

/*
 * KVM_SET_BOOT_CPU_ID, in a VM of its own: with vCPU 1 as the bootstrap
 * processor, it starts RUNNABLE with IA32_APIC_BASE.BSP, and vCPU 0
 * UNINITIALIZED without it; the id may not change once a vCPU exists;
 * after an INIT vCPU 1 goes on and vCPU 0 waits for a start-up IPI.
 */
static void check_boot_cpu_id(bool hvx)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m;
	uint64_t base[2] = { 0, 0 };
	int st[2] = { -1, -1 };
	int v, fd[2], i;

	tap_result(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_BOOT_CPU_ID) > 0,
		   "KVM_CHECK_EXTENSION(KVM_CAP_SET_BOOT_CPU_ID)");
	v = ioctl(sys, KVM_CREATE_VM, 0);
	if (v < 0)
		bail_errno("KVM_CREATE_VM");
	TAP_EXPECT_RET(ioctl(v, KVM_CREATE_IRQCHIP, 0), 0,
		       "boot cpu: KVM_CREATE_IRQCHIP");
	/* KVM 6.1 takes any id; hvx, as later KVMs, only one a vCPU can have. */
	if (hvx) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_MAX_VCPU_ID, .args[0] = 0,
		};

		TAP_EXPECT_ERRNO(ioctl(v, KVM_SET_BOOT_CPU_ID, 4096), EINVAL,
				 "KVM_SET_BOOT_CPU_ID above the vCPU ids");
		TAP_EXPECT_RET(ioctl(v, KVM_SET_BOOT_CPU_ID, 1), 0,
			       "KVM_SET_BOOT_CPU_ID 1, before KVM_CAP_MAX_VCPU_ID");
		TAP_EXPECT_ERRNO(ioctl(v, KVM_ENABLE_CAP, &cap), EINVAL,
				 "KVM_CAP_MAX_VCPU_ID below the boot CPU's id");
	}
	TAP_EXPECT_RET(ioctl(v, KVM_SET_BOOT_CPU_ID, 1), 0,
		       "KVM_SET_BOOT_CPU_ID 1");
	for (i = 0; i < 2; i++) {
		fd[i] = ioctl(v, KVM_CREATE_VCPU, i);
		if (fd[i] < 0)
			bail_errno("KVM_CREATE_VCPU");
		memset(&m, 0, sizeof(m));
		m.h.nmsrs = 1;
		m.e.index = 0x1b;	/* IA32_APIC_BASE */
		if (ioctl(fd[i], KVM_GET_MSRS, &m) == 1)
			base[i] = m.e.data;
		st[i] = mp_state(&(struct vcpu){ .fd = fd[i] });
	}
	tap_result(st[1] == KVM_MP_STATE_RUNNABLE &&
		   st[0] == KVM_MP_STATE_UNINITIALIZED,
		   "boot cpu 1: vCPU 1 starts RUNNABLE, vCPU 0 UNINITIALIZED (%d, %d)",
		   st[1], st[0]);
	tap_result((base[1] & (1u << 8)) && !(base[0] & (1u << 8)),
		   "boot cpu 1: IA32_APIC_BASE.BSP is vCPU 1's (%#llx, %#llx)",
		   (unsigned long long)base[1], (unsigned long long)base[0]);
	TAP_EXPECT_ERRNO(ioctl(v, KVM_SET_BOOT_CPU_ID, 0), EBUSY,
			 "KVM_SET_BOOT_CPU_ID once a vCPU exists");

	/*
	 * INIT, by MSI, to each: the BSP goes on from the reset vector, the
	 * other waits for a start-up IPI (KVM_GET_MP_STATE takes the INIT).
	 */
	for (i = 0; i < 2; i++) {
		struct kvm_msi msi = {
			.address_lo = 0xfee00000u | (uint32_t)i << 12,
			.data = 5u << 8 | 1u << 14,	/* INIT, assert */
		};

		if (ioctl(v, KVM_SIGNAL_MSI, &msi) < 0)
			printf("#   KVM_SIGNAL_MSI of INIT to %d: %s\n", i,
			       strerror(errno));
		st[i] = mp_state(&(struct vcpu){ .fd = fd[i] });
	}
	tap_result(st[1] == KVM_MP_STATE_RUNNABLE &&
		   st[0] == KVM_MP_STATE_INIT_RECEIVED,
		   "boot cpu 1: after INIT, vCPU 1 runs and vCPU 0 waits for a start-up IPI (%d, %d)",
		   st[1], st[0]);
	close(fd[0]);
	close(fd[1]);
	close(v);
}

static void on_signal(int sig)
{
	(void)sig;
}

static void create(const char *path)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = LOAD, .rflags = FIXED_FLAGS };
	int size, i;
	uint8_t *mem;

	vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (vm < 0)
		bail_errno("KVM_CREATE_VM");
	TAP_EXPECT_RET(ioctl(vm, KVM_CREATE_IRQCHIP, 0), 0, "KVM_CREATE_IRQCHIP");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		bail_errno("mmap");
	if (set_guest_memory(mem) < 0)
		bail_errno("KVM_SET_USER_MEMORY_REGION");
	if (!load_guest(mem, path))
		bail_errno("cannot read the guest");

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
	}

	/* vCPU 0: flat 32-bit protected mode at LOAD. */
	if (ioctl(vcpus[0].fd, KVM_GET_SREGS, &s) < 0)
		bail_errno("KVM_GET_SREGS");
	flat32_sregs(&s);
	if (ioctl(vcpus[0].fd, KVM_SET_SREGS, &s) < 0 ||
	    ioctl(vcpus[0].fd, KVM_SET_REGS, &r) < 0)
		bail_errno("cannot set vCPU 0's registers");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const uint32_t want0[] = { 0x01, 0x02, 0x03, 0x130, 0x04 };
	static const uint32_t want1[] = { 0x11, 0x12 };
	struct kvm_mp_state mp = { .mp_state = 42 };
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct vcpu *ap = &vcpus[1];
	bool ok;
	int i;

	sys = open_device(argc, argv);
	sigaction(SIGUSR1, &sa, NULL);
	check_caps();
	check_boot_cpu_id(strstr(argv[1], "hvx") != NULL);
	create(argv[2]);

	TAP_EXPECT_RET(mp_state(&vcpus[0]), KVM_MP_STATE_RUNNABLE,
		       "vCPU 0 starts RUNNABLE");
	TAP_EXPECT_RET(mp_state(ap), KVM_MP_STATE_UNINITIALIZED,
		       "vCPU 1 starts UNINITIALIZED");
	TAP_EXPECT_ERRNO(ioctl(ap->fd, KVM_SET_MP_STATE, &mp), EINVAL,
			 "KVM_SET_MP_STATE with a state x86 has not");

	if (pthread_create(&ap->thread, NULL, run_vcpu, ap) ||
	    pthread_create(&vcpus[0].thread, NULL, run_vcpu, &vcpus[0]))
		bail_errno("pthread_create");
	pthread_join(vcpus[0].thread, NULL);
	/* vCPU 1 ends halted with IF=0, asleep in KVM_RUN: wake it to stop. */
	for (i = 0; i < 500 && !ap->done; i++) {
		ap->stop = true;
		pthread_kill(ap->thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	if (!ap->done)
		bail_errno("vCPU 1 never returned from KVM_RUN");
	pthread_join(ap->thread, NULL);

	ok = vcpus[0].nr_marks == 5 &&
	     !memcmp(vcpus[0].marks, want0, sizeof(want0));
	tap_result(ok, "vCPU 0: APIC on, INIT, start-up IPI, then the AP's IPI 0x30 wakes its HLT");
	ok = ap->nr_marks == 2 && !memcmp(ap->marks, want1, sizeof(want1));
	tap_result(ok, "vCPU 1: started by the start-up IPI, it sends its IPI");
	tap_result(strstr(ap->log, "out 0x88 size 2 value 0x800 rip 0x2 cs 0x800 base 0x8000") != NULL,
		   "vCPU 1 starts in real mode at CS 0x800 (base 0x8000), IP 0");
	tap_result(mp_state(ap) == KVM_MP_STATE_HALTED,
		   "vCPU 1 ends HALTED: HLT with IF=0 sleeps in the kernel");
	TAP_EXPECT_RET(ioctl(ap->fd, KVM_SET_MP_STATE,
			     &(struct kvm_mp_state){ KVM_MP_STATE_RUNNABLE }),
		       0, "KVM_SET_MP_STATE RUNNABLE");
	TAP_EXPECT_RET(mp_state(ap), KVM_MP_STATE_RUNNABLE,
		       "KVM_GET_MP_STATE says RUNNABLE after it");

	fputs(vcpus[0].log, stdout);
	fputs(ap->log, stdout);
	trace("end");
	return tap_failed;
}
