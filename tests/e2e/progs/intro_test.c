// SPDX-License-Identifier: GPL-2.0
/*
 * intro_test: introspection (uapi/hvx.h, HVX_INTROSPECT) of a running
 * guest (tests/guests/intro.S) from another process.
 *
 *   intro_test DEVICE GUEST.bin
 *
 * This process is the VMM: it creates the VM, runs vCPU 0 and checks what
 * the guest reports.  A child process is the introspector: it attaches
 * by the VM's id (from the VM fd's fdinfo), switches on the events, and
 * answers each one the guest raises, in the guest's order, checking its
 * payload and acting on it: CONTINUE, SKIP and RETRY, registers and
 * values set, memory read and written, addresses translated, an
 * exception injected, the vCPU paused.  In the guest's last step, a storm
 * of INT3s, the introspector kills itself while a vCPU waits for its
 * reply: the guest must finish as if never watched, and a new
 * introspector may attach.  Refusals are checked too: an unprivileged
 * process, a second introspector, malformed commands.
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "guest32.h"
#include "../../../uapi/hvx.h"
#include "vm_id.h"

#define STORM		300
#define KILL_AT		50	/* the storm's INT3 the introspector dies in */
#define ALIAS		0x40000000
#define P_VALS		32

static int vals[P_VALS], nvals, vecs[8], nvecs;

static int attach(uint32_t id)
{
	struct hvx_introspect req = { .vm_id = id };

	return ioctl(sys, HVX_INTROSPECT, &req);
}

/* The introspector's side: its failures, counted for the VMM. */
static int fd, failed;

#define CHECK(cond, ...) do {						\
	bool __ok = (cond);						\
	tap_result(__ok, __VA_ARGS__);					\
	failed += !__ok;						\
} while (0)

/* The next event; it must be @id, or the introspector gives up. */
static void next(struct hvx_intro_event *ev, unsigned int id)
{
	ssize_t n = read(fd, ev, sizeof(*ev));

	if (n != sizeof(*ev) || ev->size != sizeof(*ev) || ev->event != id) {
		printf("#   read %zd: event %u, expected %u (errno %d)\n", n,
		       n > 0 ? ev->event : 0, id, errno);
		CHECK(false, "introspector: the guest's next event is %u", id);
		exit(1);
	}
}

static void reply(const struct hvx_intro_event *ev, uint32_t action,
		  uint32_t flags, uint64_t value, const struct kvm_regs *regs)
{
	struct hvx_intro_reply r = {
		.vcpu = ev->vcpu, .seq = ev->seq, .action = action,
		.flags = flags, .value = value,
	};

	if (regs)
		r.regs = *regs;
	if (ioctl(fd, HVX_INTRO_REPLY, &r) < 0) {
		CHECK(false, "introspector: reply to event %u", ev->seq);
		exit(1);
	}
}

static uint32_t read32(uint64_t gpa)
{
	uint32_t v = 0;
	struct hvx_intro_mem m = { .gpa = gpa, .size = 4,
				   .buf = (uintptr_t)&v };

	if (ioctl(fd, HVX_INTRO_READ_MEM, &m) < 0)
		return 0xdeadbeef;
	return v;
}

/* Refusals, before the guest runs: each changes nothing. */
static void malformed(void)
{
	struct hvx_intro_control c = { .vcpu = 0, .events = 1ull << 40 };
	struct hvx_intro_regs r = { .vcpu = 0 };
	struct hvx_intro_mem m = { .gpa = 0, .size = HVX_INTRO_MEM_MAX + 1 };
	struct hvx_intro_reply rep = { .vcpu = 0, .seq = 12345 };
	uint8_t b;

	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c), EINVAL,
			 "introspector: an unknown event");
	c.events = 0;
	c.crs = 1 << 2;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c), EINVAL,
			 "introspector: watching CR2");
	c.crs = 0;
	c.vcpu = 5;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c), ENOENT,
			 "introspector: events of a vCPU the VM lacks");
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_GET_REGS, &r), EBUSY,
			 "introspector: registers of a vCPU not stopped");
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_READ_MEM, &m), EINVAL,
			 "introspector: a read over HVX_INTRO_MEM_MAX");
	m.gpa = MEM_SIZE;
	m.size = 1;
	m.buf = (uintptr_t)&b;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_READ_MEM, &m), ENOENT,
			 "introspector: a read where no memory is");
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_REPLY, &rep), ENOENT,
			 "introspector: a reply to no event");
	rep.action = 9;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_REPLY, &rep), EINVAL,
			 "introspector: an unknown action");
	TAP_EXPECT_ERRNO(ioctl(fd, _IO(HVXIO, 0x7f)), ENOTTY,
			 "introspector: an unknown command");
}

/* Step 5: at CPUID 0x4856, with paging on. */
static void stopped_checks(struct hvx_intro_event *ev)
{
	struct hvx_intro_translate t = { .vcpu = 0, .gva = ALIAS + ev->regs.rbx };
	struct hvx_intro_sregs s = { .vcpu = 0 };
	struct hvx_intro_cpuid c = { .vcpu = 0 };
	struct hvx_intro_regs r = { .vcpu = 0 };
	struct hvx_intro_exception e = { .vcpu = 0, .vector = 2 };

	CHECK(!ioctl(fd, HVX_INTRO_GET_SREGS, &s) &&
	      (s.sregs.cr0 & 0x80000000) && s.sregs.cr3 == ev->cr3 &&
	      (s.sregs.cr4 & 0x10), "introspector: GET_SREGS: paging on, CR3 %#llx",
	      (unsigned long long)s.sregs.cr3);
	CHECK(!ioctl(fd, HVX_INTRO_TRANSLATE, &t) && t.valid &&
	      t.gpa == ev->regs.rbx,
	      "introspector: TRANSLATE %#llx gives %#llx through the 4 MiB alias",
	      (unsigned long long)t.gva, (unsigned long long)t.gpa);
	CHECK(read32(t.gpa) == 0x5a5a1234,
	      "introspector: READ_MEM there finds what the guest stored through the alias");
	t.gva = 0x80000000;
	CHECK(!ioctl(fd, HVX_INTRO_TRANSLATE, &t) && !t.valid,
	      "introspector: TRANSLATE of an unmapped address: not valid");
	CHECK(!ioctl(fd, HVX_INTRO_GET_CPUID, &c) && c.eax == (uint32_t)ev->regs.rsi,
	      "introspector: GET_CPUID of leaf 0 is what the guest got (%#x)", c.eax);
	CHECK(!ioctl(fd, HVX_INTRO_GET_REGS, &r) && r.regs.rip == ev->regs.rip,
	      "introspector: GET_REGS of the stopped vCPU");
	r.regs.rdi = 0x600dcafe;
	CHECK(!ioctl(fd, HVX_INTRO_SET_REGS, &r), "introspector: SET_REGS (EDI)");
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_INJECT_EXCEPTION, &e), EINVAL,
			 "introspector: injecting vector 2 (not an exception)");
	e.vector = 13;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_INJECT_EXCEPTION, &e), EINVAL,
			 "introspector: #GP without its error code");
	e.vector = 6;
	CHECK(!ioctl(fd, HVX_INTRO_INJECT_EXCEPTION, &e),
	      "introspector: INJECT_EXCEPTION #UD");
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_INJECT_EXCEPTION, &e), EBUSY,
			 "introspector: a second exception while one waits");
}

/* Step 7: pause the spinning vCPU, look, and let it out. */
static void pause_checks(const struct hvx_intro_event *at)
{
	uint64_t loop = at->regs.rbx, flag = at->regs.rdx, counter = at->regs.rsi;
	struct hvx_intro_vcpu p = { .vcpu = HVX_INTRO_ALL_VCPUS };
	struct hvx_intro_event ev;
	uint32_t one = 1, c1, c2;
	struct hvx_intro_mem m = { .gpa = flag, .size = 4,
				   .buf = (uintptr_t)&one };

	usleep(20000);
	CHECK(!ioctl(fd, HVX_INTRO_PAUSE, &p), "introspector: PAUSE every vCPU");
	next(&ev, HVX_INTRO_EV_PAUSE);
	CHECK(ev.vcpu == 0 && ev.insn_len == 0 &&
	      ev.regs.rip >= loop && ev.regs.rip < loop + 15,	/* INC, CMP, JE */
	      "introspector: the PAUSE event, in the guest's loop (RIP %#llx)",
	      (unsigned long long)ev.regs.rip);
	c1 = read32(counter);
	usleep(20000);
	c2 = read32(counter);
	CHECK(c1 && c1 == c2, "introspector: the paused guest counts no more (%u, %u)",
	      c1, c2);
	CHECK(!ioctl(fd, HVX_INTRO_PAUSE, &p),
	      "introspector: PAUSE of a stopped vCPU: asked no more");
	CHECK(!ioctl(fd, HVX_INTRO_WRITE_MEM, &m),
	      "introspector: WRITE_MEM sets the guest's flag");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
}

static void introspector(uint32_t id, int status)
{
	struct hvx_intro_control c = {
		.vcpu = HVX_INTRO_ALL_VCPUS, .crs = 1 << 0 | 1 << 3 | 1 << 4,
		.events = 1 << HVX_INTRO_EV_CR | 1 << HVX_INTRO_EV_BREAKPOINT |
			  1 << HVX_INTRO_EV_CPUID | 1 << HVX_INTRO_EV_HYPERCALL |
			  1 << HVX_INTRO_EV_XSETBV | 1 << HVX_INTRO_EV_MSR,
	};
	struct hvx_intro_msr msr = { .vcpu = HVX_INTRO_ALL_VCPUS, .enable = 1 };
	struct hvx_intro_info info;
	struct hvx_intro_event ev;
	struct kvm_regs regs;
	uint8_t nop = 0x90;
	struct hvx_intro_mem m = { .size = 1, .buf = (uintptr_t)&nop };
	int i;

	fd = attach(id);
	CHECK(fd >= 0, "introspector: HVX_INTROSPECT attaches to VM %u", id);
	if (fd < 0)
		exit(1);
	CHECK(!ioctl(fd, HVX_INTRO_GET_INFO, &info) &&
	      info.version == HVX_INTRO_VERSION && info.vm_id == id &&
	      info.nr_vcpus == 1 && info.max_gfn == MEM_SIZE / 4096 - 1 &&
	      info.events == (1u << HVX_INTRO_EV_COUNT) - 1,
	      "introspector: GET_INFO: version, VM, vCPUs, highest frame, events");
	TAP_EXPECT_ERRNO(attach(id), EBUSY, "a second introspector");
	malformed();
	CHECK(!ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c),
	      "introspector: CONTROL_EVENTS: CR0/3/4, INT3, CPUID, VMCALL, XSETBV, MSR");
	msr.msr = 0x176;
	CHECK(!ioctl(fd, HVX_INTRO_CONTROL_MSR, &msr),
	      "introspector: CONTROL_MSR: IA32_SYSENTER_EIP");
	msr.msr = 0xc0000082;
	CHECK(!ioctl(fd, HVX_INTRO_CONTROL_MSR, &msr),
	      "introspector: CONTROL_MSR: LSTAR");
	msr.msr = 0x40000000;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_CONTROL_MSR, &msr), EINVAL,
			 "introspector: CONTROL_MSR of an MSR outside the bitmaps");
	/* The VMM may run the guest now. */
	if (write(status, "g", 1) != 1)
		exit(1);

	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0 && ev.insn_len == 2 && ev.mode == 4 &&
	      ev.cpl == 0, "introspector: CPUID leaf 0, 2 bytes, 32-bit code, CPL 0");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 1, "introspector: CPUID leaf 1");
	regs = ev.regs;
	regs.rax = 0x11223344;
	reply(&ev, HVX_INTRO_SKIP, HVX_INTRO_REPLY_REGS, 0, &regs);

	next(&ev, HVX_INTRO_EV_HYPERCALL);
	CHECK(ev.regs.rax == 0x4856 && ev.insn_len == 3,
	      "introspector: VMCALL 0x4856");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_HYPERCALL);
	regs = ev.regs;
	regs.rax = 0xabcd;
	reply(&ev, HVX_INTRO_SKIP, HVX_INTRO_REPLY_REGS, 0, &regs);

	next(&ev, HVX_INTRO_EV_BREAKPOINT);
	CHECK(ev.breakpoint.gva == ev.regs.rip && ev.breakpoint.gpa == ev.regs.rip &&
	      ev.insn_len == 1 && (read32(ev.breakpoint.gpa) & 0xff) == 0xcc,
	      "introspector: INT3 at %#llx, unpaged: its GPA, and 0xcc there",
	      (unsigned long long)ev.regs.rip);
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);	/* not ours */
	next(&ev, HVX_INTRO_EV_BREAKPOINT);
	m.gpa = ev.breakpoint.gpa;
	CHECK(!ioctl(fd, HVX_INTRO_WRITE_MEM, &m),
	      "introspector: WRITE_MEM of a NOP over its INT3");
	reply(&ev, HVX_INTRO_RETRY, 0, 0, NULL);

	next(&ev, HVX_INTRO_EV_CR);
	CHECK(ev.cr.cr == 4 && ev.cr.new_value == (ev.cr.old_value | 0x10),
	      "introspector: MOV to CR4 setting PSE");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_CR);
	CHECK(ev.cr.cr == 3 && ev.cr.new_value && !(ev.cr.new_value & 0xfff),
	      "introspector: MOV to CR3 (%#llx)",
	      (unsigned long long)ev.cr.new_value);
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_CR);
	CHECK(ev.cr.cr == 0 && (ev.cr.new_value & 0x80000000) &&
	      !(ev.cr.old_value & 0x80000000), "introspector: MOV to CR0 setting PG");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_CR);
	CHECK(ev.cr.cr == 3 && ev.cr.new_value == 0x5000 && ev.cr3 == ev.cr.old_value,
	      "introspector: MOV of 0x5000 to CR3");
	reply(&ev, HVX_INTRO_CONTINUE, HVX_INTRO_REPLY_VALUE, ev.cr.old_value, NULL);

	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0x4856, "introspector: CPUID 0x4856, paging on");
	stopped_checks(&ev);
	reply(&ev, HVX_INTRO_RETRY, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0x4856 && ev.regs.rdi == 0x600dcafe,
	      "introspector: after the #UD's handler, the same CPUID again");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);

	next(&ev, HVX_INTRO_EV_CR);
	CHECK(ev.cr.cr == 4 && (ev.cr.new_value & 0x40000),
	      "introspector: MOV to CR4 setting OSXSAVE");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_XSETBV);
	CHECK(ev.xsetbv.xcr == 0 && ev.xsetbv.new_value == 3,
	      "introspector: XSETBV of 3 to XCR0 (was %#llx)",
	      (unsigned long long)ev.xsetbv.old_value);
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);

	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0x4857, "introspector: CPUID 0x4857, before the loop");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	pause_checks(&ev);

	next(&ev, HVX_INTRO_EV_MSR);
	CHECK(ev.msr.msr == 0x176 && ev.msr.new_value == 0x1234,
	      "introspector: WRMSR of 0x1234 to IA32_SYSENTER_EIP, which exits only for it");
	reply(&ev, HVX_INTRO_CONTINUE, HVX_INTRO_REPLY_VALUE, 0x5678, NULL);
	next(&ev, HVX_INTRO_EV_MSR);
	CHECK(ev.msr.msr == 0xc0000082 && ev.msr.new_value == 0xabc000 &&
	      ev.msr.old_value == 0,
	      "introspector: WRMSR to LSTAR, and not the unwatched SYSENTER_ESP's before it");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);

	for (i = 1; i <= KILL_AT; i++) {
		next(&ev, HVX_INTRO_EV_BREAKPOINT);
		if (i < KILL_AT)
			reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	}
	CHECK(true, "introspector: %d INT3s of the storm seen; dying with a vCPU waiting",
	      KILL_AT);
	/* The VMM learns how it went, then the introspector dies mid-event. */
	if (write(status, &failed, sizeof(failed)) != sizeof(failed))
		exit(1);
	kill(getpid(), SIGKILL);
}

/* An unprivileged process may not attach. */
static void unprivileged(uint32_t id)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			exit(2);
		exit(attach(id) == -1 && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "as uid 65534, HVX_INTROSPECT fails with EPERM");
}

int main(int argc, char **argv)
{
	int status[2], child_failed = -1, fd2, st;
	struct kvm_sregs s;
	uint32_t id;
	char go;
	pid_t pid;

	sys = open_device(argc, argv);
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, HVX_CAP_INTROSPECT),
		       HVX_INTRO_VERSION, "KVM_CHECK_EXTENSION(HVX_CAP_INTROSPECT)");
	create_guest_vm(argv[2], false);
	create_vcpu0(&s);
	start_flat32(&s);
	id = hvx_vm_id_of(vm);
	tap_result(id != ~0u, "the VM fd's fdinfo names its id (%u)", id);
	{
		struct hvx_introspect bad = { .vm_id = id, .flags = 1 };

		TAP_EXPECT_ERRNO(ioctl(sys, HVX_INTROSPECT, &bad), EINVAL,
				 "HVX_INTROSPECT with unknown flags");
	}
	TAP_EXPECT_ERRNO(attach(~0u), ENOENT, "HVX_INTROSPECT of no VM");
	unprivileged(id);

	if (pipe(status))
		bail_errno("pipe");
	pid = fork();
	if (!pid) {
		close(status[0]);
		introspector(id, status[1]);
		exit(1);
	}
	close(status[1]);
	if (read(status[0], &go, 1) != 1)
		bail("the introspector did not attach");

	for (;;) {
		struct kvm_regs r2;

		run_timed(60, now_ms, "the guest did not finish in 60 s", &r2);
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO) {
			printf("#   exit %u at %#llx\n", run->exit_reason,
			       (unsigned long long)r2.rip);
			bail("the guest stopped for something else");
		}
		if (run->io.port == P_VAL && nvals < P_VALS)
			vals[nvals++] = io_value(run);
		else if (run->io.port == P_VEC && nvecs < 8)
			vecs[nvecs++] = io_value(run) & 0xff;
		else if (run->io.port == P_DEAD)
			bail("the guest took an exception it did not expect");
	}
	if (read(status[0], &child_failed, sizeof(child_failed)) != sizeof(child_failed))
		child_failed = -1;
	waitpid(pid, &st, 0);
	tap_result(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !child_failed,
		   "the introspector passed its checks, and died by SIGKILL mid-storm");

	tap_result(nvals == 14, "the guest reported 14 values (%d)", nvals);
	if (nvals < 14)
		return 1;
	tap_result(vals[0] > 0, "guest: CPUID leaf 0 answered (%#x)", vals[0]);
	tap_result(vals[1] == 0x11223344,
		   "guest: CPUID leaf 1 skipped, EAX the introspector's");
	tap_result(vals[2] == (int)0xfffffc18,
		   "guest: VMCALL 0x4856 went on to hvx: -KVM_ENOSYS");
	tap_result(vals[3] == 0xabcd,
		   "guest: VMCALL 0x4857 skipped, EAX the introspector's");
	tap_result(vals[4] == 1,
		   "guest: the INT3 that was not the introspector's reached its handler");
	tap_result(vals[5] == 1 && vals[6] == 0x90,
		   "guest: the introspector's INT3 ran again as its NOP, unseen");
	tap_result(vals[7] != 0x5000 && vals[7] >= LOAD && !(vals[7] & 0xfff),
		   "guest: CR3 after the mended MOV is the page directory (%#x)",
		   vals[7]);
	tap_result(vals[8] == 0x600dcafe, "guest: EDI as SET_REGS left it");
	tap_result(vals[9] == 3, "guest: XGETBV reads the 3 it wrote");
	tap_result(vals[10] > 0, "guest: its loop counted (%d) and ended",
		   vals[10]);
	tap_result(vals[11] == 0x5678,
		   "guest: IA32_SYSENTER_EIP holds the introspector's value");
	tap_result(vals[12] == 0xabc000, "guest: LSTAR holds its own value");
	tap_result(vals[13] == STORM,
		   "guest: all %d INT3s of the storm reached its handler (%d)",
		   STORM, vals[13]);
	tap_result(nvecs == 1 && vecs[0] == 6,
		   "the guest's handler took the injected #UD, and nothing else");

	fd2 = attach(id);
	tap_result(fd2 >= 0, "after the introspector's death, another may attach");
	close(fd2);
	return tap_failed;
}
