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
 * exception injected, the vCPU paused, the descriptor-table instructions
 * carried out, skipped and retried.  In the guest's last step, a storm
 * of INT3s, the introspector kills itself while a vCPU waits for its
 * reply: the guest must finish as if never watched, and a new
 * introspector may attach, and end the halted guest with a CRASH reply to
 * a PAUSE event.  Refusals are checked too: an unprivileged
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

static int set_access(uint64_t gpa, uint32_t count, uint8_t access)
{
	struct hvx_intro_page_access a = { .gpa = gpa, .count = count,
					   .access = access };

	return ioctl(fd, HVX_INTRO_SET_PAGE_ACCESS, &a);
}

/* A reply the PF event refuses: only RETRY and CRASH are its. */
static int bad_reply(const struct hvx_intro_event *ev, uint32_t action)
{
	struct hvx_intro_reply r = { .vcpu = ev->vcpu, .seq = ev->seq,
				     .action = action };

	return ioctl(fd, HVX_INTRO_REPLY, &r);
}

/* At step 9's first stop: the MSRs the guest wrote in step 8. */
static void msr_checks(void)
{
	struct kvm_msr_entry e[3] = {
		{ .index = 0xc0000082 }, { .index = 0x176 }, { .index = 0x4b564dff },
	};
	struct hvx_intro_msrs m = { .vcpu = 0, .nmsrs = 3,
				    .entries = (uintptr_t)e };

	CHECK(ioctl(fd, HVX_INTRO_GET_MSRS, &m) == 2 && e[0].data == 0xabc000 &&
	      e[1].data == 0x5678,
	      "introspector: GET_MSRS: LSTAR and IA32_SYSENTER_EIP as written, then one hvx lacks");
	e[0] = (struct kvm_msr_entry){ .index = 0x175, .data = 0x7000 };
	m.nmsrs = 1;
	CHECK(ioctl(fd, HVX_INTRO_SET_MSRS, &m) == 1 &&
	      (e[0].data = 0, ioctl(fd, HVX_INTRO_GET_MSRS, &m) == 1) &&
	      e[0].data == 0x7000,
	      "introspector: SET_MSRS of IA32_SYSENTER_ESP, read back");
	m.nmsrs = HVX_INTRO_MSRS_MAX + 1;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_GET_MSRS, &m), EINVAL,
			 "introspector: GET_MSRS of too many");
}

/* Step 9: a page without W, one without X, then one execute-only. */
static void page_checks(void)
{
	const uint8_t r = HVX_INTRO_ACCESS_R, w = HVX_INTRO_ACCESS_W,
		      x = HVX_INTRO_ACCESS_X, rwx = HVX_INTRO_ACCESS_RWX;
	struct hvx_intro_event ev;
	uint64_t wpage, xpage;

	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0x4858, "introspector: CPUID 0x4858, before the pages");
	msr_checks();
	wpage = ev.regs.rbx;
	xpage = ev.regs.rdx;
	TAP_EXPECT_ERRNO(set_access(wpage + 8, 1, r | x), EINVAL,
			 "introspector: SET_PAGE_ACCESS of an address not page-aligned");
	TAP_EXPECT_ERRNO(set_access(wpage, 1, w), EINVAL,
			 "introspector: SET_PAGE_ACCESS of W without R");
	TAP_EXPECT_ERRNO(set_access(wpage, 0, r), EINVAL,
			 "introspector: SET_PAGE_ACCESS of no pages");
	TAP_EXPECT_ERRNO(set_access(wpage, HVX_INTRO_PAGES_MAX + 1, r), EINVAL,
			 "introspector: SET_PAGE_ACCESS of too many pages");
	CHECK(!set_access(wpage, 1, r | x) && !set_access(xpage, 1, r | w),
	      "introspector: SET_PAGE_ACCESS: the data page R-X, the code page RW-");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);

	next(&ev, HVX_INTRO_EV_PF);
	CHECK(ev.pf.gpa == wpage && (ev.pf.access & w) && !(ev.pf.access & x) &&
	      ev.pf.gva_valid && ev.pf.gva == wpage,
	      "introspector: PF event: the store to the data page (access %#x)",
	      ev.pf.access);
	CHECK(read32(wpage) == 0, "introspector: the page as it was, before the store");
	TAP_EXPECT_ERRNO(bad_reply(&ev, HVX_INTRO_CONTINUE), EINVAL,
			 "introspector: CONTINUE to a PF event");
	CHECK(!set_access(wpage, 1, rwx), "introspector: the data page's W back");
	reply(&ev, HVX_INTRO_RETRY, 0, 0, NULL);

	next(&ev, HVX_INTRO_EV_PF);
	CHECK(ev.pf.gpa == xpage && ev.pf.access == x && ev.regs.rip == xpage,
	      "introspector: PF event: the fetch from the code page");
	TAP_EXPECT_ERRNO(bad_reply(&ev, HVX_INTRO_SKIP), EINVAL,
			 "introspector: SKIP of a PF event");
	CHECK(!set_access(xpage, 1, rwx), "introspector: the code page's X back");
	reply(&ev, HVX_INTRO_RETRY, 0, 0, NULL);

	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0x4859 && !set_access(xpage, 1, x),
	      "introspector: CPUID 0x4859: the code page execute-only");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_PF);
	CHECK(ev.pf.gpa == xpage && ev.pf.access == r,
	      "introspector: PF event: a load from the execute-only page, not the call");
	CHECK(!set_access(xpage, 1, rwx), "introspector: the code page's R back");
	reply(&ev, HVX_INTRO_RETRY, 0, 0, NULL);
}

/*
 * Step 10: five instructions, one event each, with RIP after each: NOP,
 * INC, NOP, a CPUID hvx carries out, NOP.
 */
static void single_steps(void)
{
	static const int after[] = { 1, 2, 3, 5, 6 };
	struct hvx_intro_control c = {
		.vcpu = 0, .events = 1 << HVX_INTRO_EV_SINGLESTEP |
				     1 << HVX_INTRO_EV_BREAKPOINT,
	};
	struct hvx_intro_event ev;
	uint64_t steps, rax = 0;
	int i, ok = 0;

	next(&ev, HVX_INTRO_EV_CPUID);
	CHECK(ev.cpuid.function == 0x485a, "introspector: CPUID 0x485a, before the steps");
	steps = ev.regs.rbx;
	CHECK(!ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c),
	      "introspector: CONTROL_EVENTS: single steps (and INT3s) only");
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	for (i = 0; i < 5; i++) {
		next(&ev, HVX_INTRO_EV_SINGLESTEP);
		if (ev.regs.rip == steps + after[i] && !(ev.regs.rflags & 0x100))
			ok++;
		else
			printf("#   step %d: rip %#llx rflags %#llx\n", i,
			       (unsigned long long)ev.regs.rip,
			       (unsigned long long)ev.regs.rflags);
		if (i == 0)
			rax = ev.regs.rax;
		if (i == 1)	/* the INC's work, seen at once */
			ok += ev.regs.rax == rax + 1;
		if (i == 4) {
			c.events = 1 << HVX_INTRO_EV_BREAKPOINT |
				   1 << HVX_INTRO_EV_DESC;
			if (ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c))
				ok = -1;
		}
		reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	}
	CHECK(ok == 6, "introspector: five SINGLESTEP events, each after its instruction, TF hidden");
}

/*
 * Step 11: each descriptor-table instruction a DESC event before it, TF
 * hidden, the exit back on after each the guest carried out (the next is
 * an event too).  Before the STR, the events go off and it is retried:
 * it runs unwatched.
 */
static void desc_checks(void)
{
	static const struct {
		uint8_t desc, write;
		uint32_t action;
		const char *insn;
	} want[] = {
		{ HVX_INTRO_DESC_GDTR, 0, HVX_INTRO_CONTINUE, "SGDT" },
		{ HVX_INTRO_DESC_GDTR, 1, HVX_INTRO_CONTINUE, "LGDT" },
		{ HVX_INTRO_DESC_IDTR, 0, HVX_INTRO_SKIP, "SIDT" },
		{ HVX_INTRO_DESC_GDTR, 0, HVX_INTRO_CONTINUE, "SGDT" },
		{ HVX_INTRO_DESC_LDTR, 1, HVX_INTRO_CONTINUE, "LLDT" },
		{ HVX_INTRO_DESC_TR, 0, HVX_INTRO_RETRY, "STR" },
	};
	struct hvx_intro_control c = {
		.vcpu = 0, .events = 1 << HVX_INTRO_EV_BREAKPOINT,
	};
	struct hvx_intro_event ev;
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		next(&ev, HVX_INTRO_EV_DESC);
		CHECK(ev.desc.descriptor == want[i].desc &&
		      ev.desc.write == want[i].write && ev.insn_len >= 3 &&
		      !(ev.regs.rflags & 0x100),
		      "introspector: DESC event %u: %s (descriptor %u, write %u)",
		      i, want[i].insn, ev.desc.descriptor, ev.desc.write);
		if (want[i].action == HVX_INTRO_RETRY)
			CHECK(!ioctl(fd, HVX_INTRO_CONTROL_EVENTS, &c),
			      "introspector: CONTROL_EVENTS: INT3s only, before the STR runs again");
		reply(&ev, want[i].action, 0, 0, NULL);
	}
}

/*
 * Step 12, at the storm's INT3 @ev: an INT3 of the introspector's over the
 * LOOP after it, written with HVX_INTRO_MEM_UNDO, so that hvx takes it
 * back when the introspector dies.
 */
static void storm_breakpoint(const struct hvx_intro_event *ev)
{
	uint8_t bytes[HVX_INTRO_UNDO_MAX + 1] = { 0xcc };
	struct hvx_intro_mem m = { .gpa = ev->breakpoint.gpa + 1, .size = 1,
				   .buf = (uintptr_t)bytes,
				   .flags = HVX_INTRO_MEM_UNDO };
	uint32_t loop = read32(m.gpa);

	CHECK((loop & 0xff) == 0xe2, "introspector: a LOOP after the storm's INT3 (%#x)",
	      loop & 0xff);
	m.size = HVX_INTRO_UNDO_MAX + 1;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_WRITE_MEM, &m), EINVAL,
			 "introspector: an undoable write over HVX_INTRO_UNDO_MAX");
	m.size = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, HVX_INTRO_READ_MEM, &m), EINVAL,
			 "introspector: READ_MEM with HVX_INTRO_MEM_UNDO");
	CHECK(read32(m.gpa) == loop, "introspector: the refusals wrote nothing");
	CHECK(!ioctl(fd, HVX_INTRO_WRITE_MEM, &m) &&
	      read32(m.gpa) == ((loop & ~0xffu) | 0xcc),
	      "introspector: WRITE_MEM with HVX_INTRO_MEM_UNDO of an INT3 over the LOOP");
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
	page_checks();
	single_steps();
	desc_checks();

	for (i = 1; i < KILL_AT; i++) {
		next(&ev, HVX_INTRO_EV_BREAKPOINT);
		reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	}
	next(&ev, HVX_INTRO_EV_BREAKPOINT);
	storm_breakpoint(&ev);
	m.gpa = ev.breakpoint.gpa + 1;
	reply(&ev, HVX_INTRO_CONTINUE, 0, 0, NULL);
	next(&ev, HVX_INTRO_EV_BREAKPOINT);
	CHECK(ev.breakpoint.gpa == m.gpa,
	      "introspector: %d INT3s of the storm seen, then its own; dying with the vCPU there",
	      KILL_AT);
	/* The VMM learns how it went, then the introspector dies mid-event. */
	if (write(status, &failed, sizeof(failed)) != sizeof(failed))
		exit(1);
	kill(getpid(), SIGKILL);
}

/*
 * After the guest's HLT: a new introspector pauses the vCPU and answers
 * the PAUSE event with CRASH, which ends the guest as a triple fault
 * would.
 */
static void crash_check(uint32_t id)
{
	struct hvx_intro_vcpu p = { .vcpu = 0 };
	struct hvx_intro_event ev;
	int sync[2], st;
	struct kvm_regs r;
	pid_t pid;
	char c;

	if (pipe(sync))
		bail_errno("pipe");
	pid = fork();
	if (!pid) {
		fd = attach(id);
		if (fd < 0 || ioctl(fd, HVX_INTRO_PAUSE, &p) ||
		    write(sync[1], "p", 1) != 1)
			exit(1);
		next(&ev, HVX_INTRO_EV_PAUSE);
		reply(&ev, HVX_INTRO_CRASH, 0, 0, NULL);
		exit(failed);
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1)
		bail("the second introspector did not pause the vCPU");
	run_timed(60, now_ms, "the paused guest did not end in 60 s", &r);
	tap_result(run->exit_reason == KVM_EXIT_SHUTDOWN,
		   "a CRASH reply to a PAUSE event: KVM_RUN returns KVM_EXIT_SHUTDOWN (%u)",
		   run->exit_reason);
	waitpid(pid, &st, 0);
	tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "the second introspector paused the vCPU and replied CRASH");
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

	tap_result(nvals == 22, "the guest reported 22 values (%d)", nvals);
	if (nvals < 22)
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
	tap_result(vals[13] == 0x1111 && vals[14] == 0x2222,
		   "guest: its store and its call went through once the rights were back");
	tap_result(vals[15] == 0x2222b8,
		   "guest: its load from the execute-only page read its code");
	tap_result(vals[16] > 0 && vals[16] < 0x7ff,
		   "guest: SGDT stored its GDT's limit (%#x)", vals[16]);
	tap_result(vals[17] == 0, "guest: the skipped SIDT stored nothing");
	tap_result(vals[18] == 0x7ff,
		   "guest: SGDT after its LGDT reads the new limit (%#x)", vals[18]);
	tap_result(vals[19] == s.tr.selector,
		   "guest: the retried STR ran, unwatched (%#x)", vals[19]);
	tap_result(vals[20] == STORM,
		   "guest: all %d INT3s of the storm reached its handler, and not the introspector's (%d)",
		   STORM, vals[20]);
	tap_result(vals[21] == 0xe2,
		   "guest: its LOOP is back, undone at the introspector's death (%#x)",
		   vals[21]);
	tap_result(nvecs == 1 && vecs[0] == 6,
		   "the guest's handler took the injected #UD, and nothing else");

	fd2 = attach(id);
	tap_result(fd2 >= 0, "after the introspector's death, another may attach");
	close(fd2);
	crash_check(id);
	return tap_failed;
}
