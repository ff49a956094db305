// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's in-kernel 8254 PIT (KVM_CREATE_PIT2) with the in-kernel 8259A
 * PICs, as a real-mode guest uses them: counter 0 ticking on IRQ 0 into
 * HLT, the counters read back, counter 2 and port 0x61 as Linux's TSC
 * calibration uses them, and KVM_GET/SET_PIT2.
 *
 *   pit_test DEVICE GUEST.bin      (tests/guests/pit.S)
 *
 * The guest starts in real mode at 0x1000:0 (loaded at 0x10000) with
 * IF=0 and reports by OUT (P_MARK, P_VAL).  Scenarios, one function
 * each: the ioctls (0), TICKS ticks of a 1 ms rate generator, each HLT
 * sleeping in the kernel (1), counter 0 latched and its read-back status
 * (2), counter 2 gated through port 0x61 (3), KVM_GET/SET_PIT2 while
 * counter 0 runs (4).
 *
 * The checks hold on /dev/kvm (kvm_intel, Linux 6.1), the reference.
 * Output: TAP, and a transcript of every exit and of what the ioctls
 * returned as "# | " lines, which 94-pit.sh compares between hvx and
 * KVM.  What depends on time (latched counts, poll counts, durations)
 * and where hvx parts from KVM on purpose is in "#   " lines instead,
 * checked against each device's own behaviour.  A KVM_RUN that does not
 * come back within RUN_TIMEOUT seconds (a tick that never came) ends
 * the test.
 */
#include "../../../uapi/hvx.h"
#include "guest32_steps.h"

#define RUN_TIMEOUT	20	/* seconds */
#define LATCH		1193	/* counter 0's count: about 1 ms */
/*
 * Counter 2's: 55 ms, the longest count.  Linux calibrates with 10 ms; the
 * first read of port 0x61 must come before the count ends, and a vCPU
 * thread the busy test machine keeps off its CPU for 10 ms missed it.
 */
#define CAL_LATCH	0xffff
#define TICKS		20	/* scenario 1 */
#define MORE_TICKS	5	/* scenario 4 */
#define MIN_TICKS_US	15000	/* TICKS ticks take at least this long */
#define POLL_MAX	10000000	/* the guest's poll of OUT2 gives up */

/* Port 0x61 (KVM's speaker_ioport_read) */
#define SPK_GATE2	0x01
#define SPK_DATA	0x02
#define SPK_REFRESH	0x10	/* toggles with the host's clock */
#define SPK_OUT2	0x20

/* The status byte: OUT, NULL COUNT, then the control word's bits. */
#define ST_OUT		0x80

static bool on_hvx;
static long run_us;		/* how long the last KVM_RUN took */

/*
 * KVM_RUN to the next exit, which goes into ex and the transcript; the
 * data of an OUT to P_VAL does not (the scenarios say what of it is the
 * same on both devices).
 */
static void next_exit(void)
{
	struct kvm_regs r;
	char what[64];

	run_us = run_timed(RUN_TIMEOUT, now_us,
			   "KVM_RUN did not come back in time: the guest waits for a tick that never came",
			   &r);
	record_exit(&r, what, sizeof(what));
	if (is_out(P_VAL, ANY))
		snprintf(what, sizeof(what), "IO out port %#x size %u",
			 ex.port, run->io.size);
	trace("exit %s rip %#llx if %u", what, (unsigned long long)ex.rip,
	      run->if_flag);
	bail_if_stuck(true);
}

/*
 * Where hvx refuses on purpose what KVM takes: @r, with errno, is
 * checked against this device's answer (hvx: -1 and @hvx_errno; KVM:
 * 0) and noted outside the transcript.
 */
static void refused_by_hvx(const char *what, int r, int hvx_errno,
			   const char *name)
{
	int e = errno;

	printf("#   %s: %s\n", what, r < 0 ? strerror(e) : "0");
	if (on_hvx)
		tap_result(r == -1 && e == hvx_errno,
			   "hvx: %s fails with %s (KVM takes it)", what, name);
	else
		tap_result(r == 0, "KVM: %s returns 0 (hvx refuses it)", what);
}

/*
 * One counter's state from KVM_GET_PIT2: into the transcript but for
 * what depends on time (the latched count, the load time) and the
 * status byte, whose OUT bit KVM and hvx compute differently in mode 2
 * (see scenario 2): that goes in a comment.
 */
static void trace_channel(unsigned int i, const struct kvm_pit_channel_state *c)
{
	trace("ch%u: count %#x mode %#x rw_mode %u read_state %u write_state %u write_latch %#x count_latched %u status_latched %u bcd %u gate %u",
	      i, c->count, c->mode, c->rw_mode, c->read_state, c->write_state,
	      c->write_latch, c->count_latched, c->status_latched, c->bcd,
	      c->gate);
	printf("#   ch%u: status %#x latched_count %#x count_load_time %lld\n",
	       i, c->status, c->latched_count, (long long)c->count_load_time);
}

static void get_pit(int fd, const char *what, struct kvm_pit_state2 *s)
{
	memset(s, 0, sizeof(*s));
	if (logged(what, ioctl(fd, KVM_GET_PIT2, s)) < 0)
		bail("KVM_GET_PIT2 failed");
	trace("flags %#x", s->flags);
	for (unsigned int i = 0; i < 3; i++)
		trace_channel(i, &s->channels[i]);
}

/*
 * 0: the ioctls.  KVM creates a PIT on a VM without an irqchip (its
 * timer then never starts: create_pit_timer() wants the IOAPIC); hvx
 * refuses with ENXIO, as the PIT's interrupt has nowhere to go.  KVM
 * copies any state KVM_SET_PIT2 gives it; hvx checks it (EINVAL).
 * Both answer KVM_GET/SET_PIT2 on a VM without a PIT with ENXIO.
 */
static void api(void)
{
	struct kvm_pit_config dummy = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct kvm_pit_state2 s, bad;
	int fd, r;

	r = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_PIT2);
	trace("KVM_CAP_PIT2: %d", r);
	tap_result(r > 0, "KVM_CHECK_EXTENSION(KVM_CAP_PIT2) is %d", r);
	r = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_PIT_STATE2);
	trace("KVM_CAP_PIT_STATE2: %d", r);
	tap_result(r > 0, "KVM_CHECK_EXTENSION(KVM_CAP_PIT_STATE2) is %d", r);

	fd = ioctl(sys, KVM_CREATE_VM, 0);
	if (fd < 0)
		bail_errno("KVM_CREATE_VM");
	refused_by_hvx("KVM_CREATE_PIT2 before KVM_CREATE_IRQCHIP",
		       ioctl(fd, KVM_CREATE_PIT2, &dummy), ENXIO, "ENXIO");
	close(fd);

	fd = ioctl(sys, KVM_CREATE_VM, 0);
	if (fd < 0 || ioctl(fd, KVM_CREATE_IRQCHIP, 0) < 0)
		bail_errno("KVM_CREATE_VM or KVM_CREATE_IRQCHIP");
	memset(&s, 0, sizeof(s));
	TAP_EXPECT_ERRNO(logged("no PIT: KVM_GET_PIT2",
				ioctl(fd, KVM_GET_PIT2, &s)), ENXIO,
			 "KVM_GET_PIT2 on a VM without a PIT");
	TAP_EXPECT_ERRNO(logged("no PIT: KVM_SET_PIT2",
				ioctl(fd, KVM_SET_PIT2, &s)), ENXIO,
			 "KVM_SET_PIT2 on a VM without a PIT");

	/* The same VM with a PIT: its state at reset, and bad states. */
	TAP_EXPECT_RET(logged("KVM_CREATE_PIT2 on the scratch VM",
			      ioctl(fd, KVM_CREATE_PIT2, &dummy)), 0,
		       "KVM_CREATE_PIT2 after KVM_CREATE_IRQCHIP");
	get_pit(fd, "KVM_GET_PIT2 at reset", &s);
	tap_result(s.channels[0].mode == 0xff && s.channels[0].count == 0x10000 &&
		   s.channels[0].gate && !s.channels[2].gate && !s.flags,
		   "KVM_GET_PIT2 at reset: no mode (0xff), count 65536, gate 2 low, no flags");
	bad = s;
	bad.channels[0].mode = 9;
	refused_by_hvx("KVM_SET_PIT2 with mode 9 in channel 0",
		       ioctl(fd, KVM_SET_PIT2, &bad), EINVAL, "EINVAL");
	bad = s;
	bad.flags = 0x100;
	refused_by_hvx("KVM_SET_PIT2 with flags 0x100",
		       ioctl(fd, KVM_SET_PIT2, &bad), EINVAL, "EINVAL");
	close(fd);
}

/*
 * The test's VM: an irqchip, a PIT with port 0x61, the guest at LOAD,
 * and vCPU 0 in real mode at LOAD's segment (CS = LOAD >> 4), IP 0.
 */
static void create_vm(const char *path)
{
	struct kvm_pit_config dummy = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct kvm_regs r = { .rip = 0, .rflags = FIXED_FLAGS };
	struct kvm_sregs s;
	int ret;

	create_guest_vm(path, true);
	ret = logged("KVM_CREATE_PIT2 with KVM_PIT_SPEAKER_DUMMY",
		     ioctl(vm, KVM_CREATE_PIT2, &dummy));
	tap_result(!ret, "KVM_CREATE_PIT2 with KVM_PIT_SPEAKER_DUMMY returns 0");
	if (ret)
		bail("no PIT");
	TAP_EXPECT_ERRNO(logged("KVM_CREATE_PIT2 again",
				ioctl(vm, KVM_CREATE_PIT2, &dummy)), EEXIST,
			 "a second KVM_CREATE_PIT2");
	create_vcpu0(&s);
	s.cs.selector = LOAD >> 4;
	s.cs.base = LOAD;
	s.idt.base = 0;
	s.idt.limit = 0x3ff;
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0 ||
	    ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		bail("cannot set the vCPU's registers");
}

/*
 * 1: the guest programs counter 0 as a rate generator of about 1 ms and
 * counts TICKS ticks, HLT before each.  HLT with the in-kernel irqchip
 * sleeps in the kernel: the next exit is the guest's report, no
 * KVM_EXIT_HLT.  The ticks cannot come sooner than the PIT's rate
 * (TICKS ms), nor, with KVM's 200 us floor on a period, all at once.
 */
static void scn_ticks(void)
{
	uint32_t n, lo, hi;
	bool ok;

	sync_to(0x10);
	ok = step(P_VAL, ANY);
	n = ex.value;
	trace("ticks counted: %u", ok ? n : 0);
	printf("#   the KVM_RUN of the %d ticks took %ld us\n", TICKS, run_us);
	tap_result(ok && n == TICKS,
		   "real mode: %d ticks of counter 0 through the PIC's IRQ 0, the HLTs sleeping in the kernel (no KVM_EXIT_HLT)",
		   TICKS);
	tap_result(ok && run_us >= MIN_TICKS_US,
		   "...and they took at least %d us: the PIT ticks at its rate",
		   MIN_TICKS_US);
	lo = guest_value();
	hi = guest_value();
	printf("#   the guest's TSC advanced by %llu over them\n",
	       (unsigned long long)hi << 32 | lo);
	tap_result(lo != ANY && hi != ANY && (lo || hi),
		   "the guest's RDTSC before and after the ticks");
}

/*
 * 2: counter 0 latched twice, some exits apart, while it runs: each
 * count is in 1..LATCH (mode 2 counts LATCH down to 1) and they differ
 * (should the exits take longer than a period, as they may in the
 * emulated machine, they read the same once in about LATCH runs).
 * The read-back command 0xe2 latches counter 0's status: RW 3, mode 2,
 * binary (0x34).  Its OUT bit differs on purpose: KVM has OUT2 of mode
 * 2 high only at the tick the count reloads, hvx low only while the
 * count is 1 (the datasheet's), so it is left out of the transcript.
 */
static void scn_latch(void)
{
	uint32_t a, b, st;
	bool in_range;

	sync_to(0x20);
	a = guest_value();
	b = guest_value();
	st = guest_value();
	in_range = a >= 1 && a <= LATCH && b >= 1 && b <= LATCH;
	printf("#   counter 0 latched: %u, then %u; status byte %#x\n", a, b, st);
	trace("latched counts in 1..%d: %d, different: %d", LATCH, in_range,
	      a != b);
	trace("status byte but OUT: %#x", st & ~ST_OUT);
	tap_result(in_range && a != b,
		   "counter 0 counts down between two latched reads (mode 2, 1..%d)",
		   LATCH);
	tap_result(st != ANY && (st & ~ST_OUT) == 0x34,
		   "read-back 0xe2: counter 0's status is RW 3, mode 2, binary (0x34)");
}

/*
 * 3: counter 2 the way Linux calibrates the TSC against it.  Port 0x61
 * right after the count has gate 2 up and OUT2 low; the poll ends when
 * OUT2 goes high (mode 0: at the terminal count).  Then port 0x61 =
 * 0x02, gate 2 low with the speaker data bit: hvx's counter 2 holds, as
 * the 8254 does in mode 0; KVM's counts on (its pit_set_gate() does
 * nothing in modes 0 and 4), a difference checked per device.
 */
static void scn_channel2(void)
{
	uint32_t first, polls, last, c1, c2, held;

	sync_to(0x30);
	first = guest_value();
	polls = guest_value();
	last = guest_value();
	printf("#   port 0x61: %#x after the count, %#x after %u reads found OUT2 low\n",
	       first, last, polls);
	trace("port 0x61 but the refresh bit: %#x after the count, %#x at the poll's end",
	      first & ~SPK_REFRESH, last & ~SPK_REFRESH);
	tap_result((first & ~SPK_REFRESH) == SPK_GATE2,
		   "after Linux's sequence, port 0x61 has gate 2 up, the speaker off and OUT2 low");
	tap_result(polls < POLL_MAX && (last & ~SPK_REFRESH) == (SPK_GATE2 | SPK_OUT2),
		   "OUT2 goes high at counter 2's terminal count (mode 0) and the poll ends");

	c1 = guest_value();
	c2 = guest_value();
	held = guest_value();
	trace("gate 2 low, speaker data on: port 0x61 but the refresh bit %#x",
	      held & ~SPK_REFRESH);
	tap_result((held & ~SPK_REFRESH) == (SPK_DATA | SPK_OUT2),
		   "port 0x61 reads back gate 2 low and the speaker data bit; OUT2 stays high");
	printf("#   gate 2 low: counter 2 latched: %#x, then %#x\n", c1, c2);
	if (on_hvx)
		tap_result(c1 == c2 && c1 != ANY,
			   "hvx: gate 2 low holds counter 2 in mode 0 (KVM's counts on)");
	else
		tap_result(c1 != c2 && c2 != ANY,
			   "KVM: counter 2 counts on in mode 0 with gate 2 low (hvx's holds)");
}

/*
 * 4: KVM_GET_PIT2 while counter 0 runs: mode 2, count LATCH, RW 3, gate
 * high; counter 2 as scenario 3 left it; KVM_PIT_FLAGS_SPEAKER_DATA_ON
 * from the guest's last write of port 0x61 (bit 1).  KVM_SET_PIT2 of
 * that state goes on with it: the guest counts MORE_TICKS more, of
 * which at most one (IRQ 0's edge waiting in the PIC's IRR while the
 * guest had it masked) comes from before.
 */
static void scn_state(void)
{
	const struct kvm_pit_channel_state *c0, *c2;
	struct kvm_pit_state2 s;
	uint32_t n;
	bool ok;

	sync_to(0x40);
	get_pit(vm, "KVM_GET_PIT2", &s);
	c0 = &s.channels[0];
	c2 = &s.channels[2];
	tap_result(c0->mode == 2 && c0->count == LATCH && c0->rw_mode == 3 &&
		   c0->gate == 1,
		   "KVM_GET_PIT2: counter 0 in mode 2, count %d, RW 3, gate high",
		   LATCH);
	tap_result(c2->mode == 0 && c2->count == CAL_LATCH &&
		   c2->rw_mode == 3 && c2->gate == 0,
		   "KVM_GET_PIT2: counter 2 in mode 0, count %d, RW 3, gate low",
		   CAL_LATCH);
	tap_result(s.flags == KVM_PIT_FLAGS_SPEAKER_DATA_ON,
		   "KVM_GET_PIT2: flags KVM_PIT_FLAGS_SPEAKER_DATA_ON, port 0x61's bit 1");
	TAP_EXPECT_RET(logged("KVM_SET_PIT2 of that state",
			      ioctl(vm, KVM_SET_PIT2, &s)), 0,
		       "KVM_SET_PIT2 of the state KVM_GET_PIT2 gave");
	ok = step(P_VAL, ANY);
	n = ex.value;
	trace("ticks counted after KVM_SET_PIT2: %u", ok ? n : 0);
	printf("#   the KVM_RUN of the %d ticks took %ld us\n", MORE_TICKS,
	       run_us);
	tap_result(ok && n == MORE_TICKS,
		   "counter 0 ticks on after KVM_SET_PIT2: %d more, no KVM_EXIT_HLT",
		   MORE_TICKS);
}

int main(int argc, char **argv)
{
	sys = open_device(argc, argv);
	catch_alarm();
	on_hvx = ioctl(sys, KVM_CHECK_EXTENSION, HVX_CAP_HVX) > 0;
	api();
	create_vm(argv[2]);

	scn_ticks();
	scn_latch();
	scn_channel2();
	scn_state();
	trace("end");
	return tap_failed;
}
