// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's userspace interrupt model, as a VMM without KVM_CREATE_IRQCHIP
 * uses it: KVM_INTERRUPT, KVM_NMI, request_interrupt_window and
 * KVM_EXIT_IRQ_WINDOW_OPEN, if_flag and ready_for_interrupt_injection,
 * KVM_EXIT_HLT, KVM_GET/SET_VCPU_EVENTS and KVM_GET/SET_DEBUGREGS.
 *
 *   irq_test DEVICE GUEST.bin      (tests/guests/irq.S)
 *
 * The guest starts at 0x10000 in flat 32-bit protected mode with IF=0.
 * It announces each step with an OUT and reports every handler it
 * enters, where that handler will return to and its IRET, so the order
 * of exits says where each event landed.  Scenarios, one function each:
 * the interrupt window after STI (1), KVM_INTERRUPT's queue (2), HLT (3),
 * NMIs and NMI blocking (4), MOV SS's shadow (5), events set with
 * KVM_SET_VCPU_EVENTS (6), the debug registers (7), the capabilities
 * (8), and KVM_INTERRUPT while IF=0 (9, last: it ends the vCPU).
 *
 * The checks hold on /dev/kvm (kvm_intel, Linux 6.1), which is the
 * reference; where KVM does something one might not expect, a comment
 * says so.  Output: TAP, and a transcript of every exit (reason, port
 * and value, RIP, if_flag, ready_for_interrupt_injection) and of what
 * the state ioctls returned, as "# | " lines, which 91-interrupts.sh
 * compares between hvx and KVM.
 */
#include "../../../uapi/hvx.h"

#define NO_VALUE	0	/* guest_value() when the guest announces none */
#include "guest32_steps.h"

#define DR6_RESET	0xffff0ff0ull
#define DR7_RESET	0x400ull
/* DR7: L0, with R/W0 = 01 (writes) and LEN0 = 11 (4 bytes). */
#define DR7_WATCH0	(DR7_RESET | 1 | 1 << 16 | 3 << 18)
/* VM-entry failure, invalid guest state (SDM: VM-Entry Failures). */
#define ENTRY_FAIL_GUEST_STATE	0x80000021ull
/* What KVM_GET_VCPU_EVENTS sets in flags without optional capabilities. */
#define EVENTS_FLAGS	(KVM_VCPUEVENT_VALID_NMI_PENDING | \
			 KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM)

static uint32_t dr6_seen;	/* what the guest's #DB handler read */

/* KVM_RUN to the next exit, which goes into ex and the transcript. */
static void next_exit(void)
{
	unsigned long long why;
	struct kvm_regs r;
	char what[64];

	if (ioctl(vcpu, KVM_RUN, 0) < 0 || ioctl(vcpu, KVM_GET_REGS, &r) < 0) {
		printf("#   errno %d %s\n", errno, strerror(errno));
		bail("KVM_RUN or KVM_GET_REGS failed");
	}
	record_exit(&r, what, sizeof(what));
	if (ex.reason == KVM_EXIT_FAIL_ENTRY) {
		why = run->fail_entry.hardware_entry_failure_reason;
		snprintf(what, sizeof(what), "FAIL_ENTRY reason %#llx", why);
	} else if (ex.reason == KVM_EXIT_IRQ_WINDOW_OPEN) {
		snprintf(what, sizeof(what), "IRQ_WINDOW_OPEN (%u)", ex.reason);
	}
	trace("exit %s rip %#llx if %u ready %u", what,
	      (unsigned long long)ex.rip, run->if_flag,
	      run->ready_for_interrupt_injection);
	bail_if_stuck(false);	/* step 9 ends in a failed entry on KVM */
}

/*
 * The guest's #DB handler runs next, from entry to IRET; it reports DR6
 * (into dr6_seen) before the address it returns to.
 */
static bool db_handler_ran(void)
{
	if (!step(P_VEC, 1) || !step(P_VAL, ANY))
		return false;
	dr6_seen = ex.value;
	return handler_done(1, NULL);
}

/*
 * The result @r of an ioctl that returns 0 or fails, into the transcript:
 * "0", or errno's message for anything else; errno is kept.
 */
static int logged_0(const char *what, int r)
{
	int e = errno;

	trace("%s: %s", what, r ? strerror(e) : "0");
	errno = e;
	return r;
}

static int interrupt(uint32_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };
	char what[32];

	snprintf(what, sizeof(what), "KVM_INTERRUPT %#x", vector);
	return logged_0(what, ioctl(vcpu, KVM_INTERRUPT, &irq));
}

static int nmi(void)
{
	return logged_0("KVM_NMI", ioctl(vcpu, KVM_NMI, 0));
}

/*
 * KVM_GET_VCPU_EVENTS, logged as @when.  A vector is shown only while
 * it is injected or pending: KVM leaves the last one delivered in nr,
 * which means nothing then.
 */
static void get_events(const char *when, struct kvm_vcpu_events *e)
{
	char exc[48] = "-", intr[32] = "-";

	if (ioctl(vcpu, KVM_GET_VCPU_EVENTS, e) < 0)
		bail("KVM_GET_VCPU_EVENTS failed");
	if (e->exception.injected || e->exception.pending)
		snprintf(exc, sizeof(exc), "%s%s %u ec %u:%#x",
			 e->exception.injected ? "injected" : "",
			 e->exception.pending ? "pending" : "",
			 e->exception.nr, e->exception.has_error_code,
			 e->exception.error_code);
	if (e->interrupt.injected)
		snprintf(intr, sizeof(intr), "%#x soft %u", e->interrupt.nr,
			 e->interrupt.soft);
	trace("events %s: exception %s | interrupt %s shadow %u | nmi injected %u pending %u masked %u | sipi %u | smi %u %u %u %u | flags %#x",
	      when, exc, intr, e->interrupt.shadow, e->nmi.injected,
	      e->nmi.pending, e->nmi.masked, e->sipi_vector, e->smi.smm,
	      e->smi.pending, e->smi.smm_inside_nmi, e->smi.latched_init,
	      e->flags);
}

static int set_events(struct kvm_vcpu_events *e)
{
	return logged_0("KVM_SET_VCPU_EVENTS",
			ioctl(vcpu, KVM_SET_VCPU_EVENTS, e));
}

/*
 * Equal events.  triple_fault.pending is left out: KVM writes it only
 * with KVM_CAP_X86_TRIPLE_FAULT_EVENT enabled.
 */
static bool same_events(struct kvm_vcpu_events a, struct kvm_vcpu_events b)
{
	a.triple_fault.pending = b.triple_fault.pending = 0;
	return !memcmp(&a, &b, sizeof(a));
}

static void get_debugregs(const char *when, struct kvm_debugregs *d)
{
	if (ioctl(vcpu, KVM_GET_DEBUGREGS, d) < 0)
		bail("KVM_GET_DEBUGREGS failed");
	trace("debugregs %s: %#llx %#llx %#llx %#llx dr6 %#llx dr7 %#llx flags %#llx",
	      when, (unsigned long long)d->db[0], (unsigned long long)d->db[1],
	      (unsigned long long)d->db[2], (unsigned long long)d->db[3],
	      (unsigned long long)d->dr6, (unsigned long long)d->dr7,
	      (unsigned long long)d->flags);
}

/* Before step 1: the guest's IDT works; kvm_run and the events at rest. */
static void guest_starts(void)
{
	struct kvm_vcpu_events e;
	struct kvm_sregs s;

	tap_result(handler_ran(3, NULL),
		   "the guest's IDT works: its INT3 reaches its #BP handler");
	sync_to(0x01);
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		bail("KVM_GET_SREGS failed");
	trace("kvm_run cr8 %#llx apic_base %#llx",
	      (unsigned long long)run->cr8, (unsigned long long)run->apic_base);
	tap_result(run->cr8 == 0 && run->apic_base == s.apic_base,
		   "kvm_run: cr8 0, apic_base the vCPU's APIC base (%#llx)",
		   (unsigned long long)s.apic_base);

	get_events("at rest", &e);
	tap_result(e.flags == EVENTS_FLAGS,
		   "KVM_GET_VCPU_EVENTS flags: NMI_PENDING | SHADOW | SMM (%#x)",
		   e.flags);
	/* The vectors of the last events stay behind: only the flags count. */
	tap_result(!e.exception.injected && !e.exception.pending &&
		   !e.interrupt.injected && !e.interrupt.shadow &&
		   !e.nmi.injected && !e.nmi.pending && !e.nmi.masked &&
		   !e.smi.smm && !e.smi.pending,
		   "KVM_GET_VCPU_EVENTS after a plain exit: nothing injected, pending, masked or shadowed");
}

/* 1: with IF=0 no window; STI opens one after its shadow. */
static void window_after_sti(void)
{
	uint32_t open, ret;
	bool ok;

	sync_to(0x10);
	tap_result(!run->if_flag && !run->ready_for_interrupt_injection,
		   "IF=0: if_flag 0, ready_for_interrupt_injection 0");
	open = guest_value();
	run->request_interrupt_window = 1;
	next_exit();
	run->request_interrupt_window = 0;
	ok = ex.reason == KVM_EXIT_IRQ_WINDOW_OPEN && ex.rip == open;
	tap_result(ok, "request_interrupt_window: KVM_EXIT_IRQ_WINDOW_OPEN after STI and the instruction in its shadow (RIP %#x)",
		   open);
	tap_result(ok && run->if_flag && run->ready_for_interrupt_injection,
		   "...with if_flag 1, ready_for_interrupt_injection 1");
	TAP_EXPECT_RET(interrupt(0x21), 0, "KVM_INTERRUPT 0x21 in the open window");
	ok = handler_ran(0x21, &ret) && ret == open && step(P_MARK, 0x11);
	tap_result(ok, "the handler for 0x21 runs there, before the guest's next step");
}

/*
 * 2: without an in-kernel irqchip KVM_INTERRUPT does not refuse a second
 * vector (the EEXIST of the API document is the split irqchip's): it
 * replaces the one not yet delivered.
 */
static void interrupt_replaced(void)
{
	struct kvm_vcpu_events e;

	sync_to(0x20);
	TAP_EXPECT_ERRNO(interrupt(256), EINVAL, "KVM_INTERRUPT of vector 256");
	TAP_EXPECT_ERRNO(interrupt(ANY), EINVAL, "KVM_INTERRUPT of vector 0xffffffff");
	TAP_EXPECT_RET(interrupt(0x23), 0, "KVM_INTERRUPT 0x23");
	TAP_EXPECT_RET(interrupt(0x24), 0,
		       "a second KVM_INTERRUPT (0x24) before the first is delivered");
	get_events("two vectors queued", &e);
	tap_result(e.interrupt.injected && e.interrupt.nr == 0x24,
		   "KVM_GET_VCPU_EVENTS shows 0x24 as the injected interrupt");
	tap_result(handler_ran(0x24, NULL) && step(P_MARK, 0x21),
		   "only 0x24 is delivered, once");
}

/* 3: HLT with no irqchip is KVM_EXIT_HLT, past the HLT. */
static void hlt_exits(void)
{
	uint32_t after, ret;
	bool ok;

	sync_to(0x30);
	after = guest_value();
	next_exit();
	ok = ex.reason == KVM_EXIT_HLT && ex.rip == after;
	tap_result(ok, "HLT exits to the VMM with KVM_EXIT_HLT, RIP past the HLT (%#x)",
		   after);
	/* The HLT was in STI's shadow; stepping past it ends the shadow. */
	tap_result(ok && run->if_flag && run->ready_for_interrupt_injection,
		   "...with if_flag 1, ready_for_interrupt_injection 1");
	TAP_EXPECT_RET(interrupt(0x25), 0, "KVM_INTERRUPT 0x25 at the HLT exit");
	ok = handler_ran(0x25, &ret) && ret == after && step(P_MARK, 0x31);
	tap_result(ok, "the handler runs and the guest goes on after its HLT");
}

/* 4: NMIs ignore IF, and wait for the IRET of the NMI handler. */
static void nmis(void)
{
	struct kvm_vcpu_events e;
	bool ok, done = false;
	int n = 0;

	sync_to(0x40);
	TAP_EXPECT_RET(nmi(), 0, "KVM_NMI with IF=0");
	tap_result(step(P_VEC, 2), "the NMI handler runs with IF=0");
	get_events("in the NMI handler", &e);
	tap_result(e.nmi.masked && !e.nmi.pending && !e.nmi.injected,
		   "KVM_GET_VCPU_EVENTS in the NMI handler: nmi.masked, nothing pending");
	TAP_EXPECT_RET(nmi(), 0, "a second KVM_NMI inside the NMI handler");
	ok = step(P_RET, ANY) && step(P_IRET, 2) && step(P_VEC, 2);
	tap_result(ok, "the second NMI waits for the handler's IRET, after its last OUT");
	TAP_EXPECT_RET(nmi(), 0, "a third KVM_NMI inside the second handler");
	TAP_EXPECT_RET(nmi(), 0, "and a fourth, before the guest runs again");
	ok = step(P_RET, ANY) && step(P_IRET, 2);
	for (int i = 0; ok && i < 20 && !done; i++) {
		next_exit();
		n += is_out(P_VEC, 2);
		done = is_out(P_MARK, 0x41);
	}
	/* One NMI can wait while one is handled: KVM keeps one of the two. */
	tap_result(ok && done && n == 1,
		   "the third and fourth NMIs, raised while NMIs were blocked, are delivered as one (%d)",
		   n);
}

/* 5: no interrupt between MOV SS and the next instruction. */
static void mov_ss_shadow(void)
{
	struct kvm_vcpu_events e;
	uint32_t after, ret;
	bool ok;

	sync_to(0x50);
	after = guest_value();
	ok = step(P_MARK, 0x51);
	get_events("at the OUT after MOV SS", &e);
	tap_result(ok && run->if_flag && !run->ready_for_interrupt_injection &&
		   e.interrupt.shadow == KVM_X86_SHADOW_INT_MOV_SS,
		   "an OUT right after MOV SS: if_flag 1, ready_for_interrupt_injection 0, shadow MOV_SS");
	run->request_interrupt_window = 1;
	next_exit();
	run->request_interrupt_window = 0;
	ok = ex.reason == KVM_EXIT_IRQ_WINDOW_OPEN && ex.rip == after;
	tap_result(ok, "the window opens only once that OUT is done (RIP %#x)", after);
	TAP_EXPECT_RET(interrupt(0x26), 0, "KVM_INTERRUPT 0x26");
	ok = handler_ran(0x26, &ret) && ret == after && step(P_MARK, 0x52);
	tap_result(ok, "the handler for 0x26 runs there");
}

/* 6: NMIs, exceptions and interrupts set with KVM_SET_VCPU_EVENTS. */
static void events_inject(void)
{
	struct kvm_vcpu_events e;

	sync_to(0x60);
	get_events("before nmi.pending", &e);
	e.nmi.pending = 1;
	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	TAP_EXPECT_RET(set_events(&e), 0, "KVM_SET_VCPU_EVENTS of nmi.pending");
	tap_result(handler_ran(2, NULL) && step(P_MARK, 0x61),
		   "the NMI is delivered on the next KVM_RUN");

	get_events("before #UD", &e);
	e.exception.injected = 1;
	e.exception.nr = 6;
	e.exception.has_error_code = 0;
	e.flags = 0;
	TAP_EXPECT_RET(set_events(&e), 0, "KVM_SET_VCPU_EVENTS of an injected #UD");
	tap_result(handler_ran(6, NULL) && step(P_MARK, 0x62),
		   "the #UD handler runs on the next KVM_RUN");

	/* Without KVM_CAP_EXCEPTION_PAYLOAD, KVM drops exception.pending. */
	get_events("before a pending #UD", &e);
	e.exception.pending = 1;
	e.exception.nr = 6;
	e.flags = 0;
	TAP_EXPECT_RET(set_events(&e), 0,
		       "KVM_SET_VCPU_EVENTS of exception.pending without KVM_CAP_EXCEPTION_PAYLOAD");
	get_events("after a pending #UD", &e);
	tap_result(!e.exception.pending && !e.exception.injected,
		   "...which drops it");
	tap_result(step(P_MARK, 0x63), "...and the guest goes on without a #UD");

	get_events("before an interrupt", &e);
	e.interrupt.injected = 1;
	e.interrupt.nr = 0x22;
	e.flags = 0;
	TAP_EXPECT_RET(set_events(&e), 0, "KVM_SET_VCPU_EVENTS of an injected interrupt 0x22");
	tap_result(handler_ran(0x22, NULL) && step(P_MARK, 0x64),
		   "the handler for 0x22 runs on the next KVM_RUN");
}

/* 6: a masked NMI waits for the guest's next IRET. */
static void events_nmi_masked(void)
{
	struct kvm_vcpu_events e;
	uint32_t target, ret;
	bool ok;

	sync_to(0x65);
	target = guest_value();
	get_events("before nmi.masked", &e);
	e.nmi.masked = 1;
	e.nmi.pending = 1;
	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	TAP_EXPECT_RET(set_events(&e), 0,
		       "KVM_SET_VCPU_EVENTS of nmi.masked and nmi.pending");
	get_events("NMI masked and pending", &e);
	tap_result(e.nmi.masked && e.nmi.pending,
		   "KVM_GET_VCPU_EVENTS gives them back");
	ok = step(P_MARK, 0x66) && handler_ran(2, &ret) && ret == target &&
	     step(P_MARK, 0x67);
	tap_result(ok, "the NMI waits while masked and comes right after the guest's IRET");
}

/* 6: an STI shadow set at a HLT exit delays the window by an instruction. */
static void events_sti_shadow(void)
{
	struct kvm_vcpu_events e;
	uint32_t open, ret;
	bool ok;

	sync_to(0x68);
	open = guest_value();
	next_exit();
	ok = ex.reason == KVM_EXIT_HLT;
	get_events("at the HLT exit", &e);
	e.interrupt.shadow = KVM_X86_SHADOW_INT_STI;
	e.flags = KVM_VCPUEVENT_VALID_SHADOW;
	TAP_EXPECT_RET(set_events(&e), 0,
		       "KVM_SET_VCPU_EVENTS of interrupt.shadow STI at a HLT exit");
	get_events("shadow set", &e);
	tap_result(e.interrupt.shadow == KVM_X86_SHADOW_INT_STI,
		   "KVM_GET_VCPU_EVENTS gives the shadow back");
	run->request_interrupt_window = 1;
	next_exit();
	run->request_interrupt_window = 0;
	ok = ok && ex.reason == KVM_EXIT_IRQ_WINDOW_OPEN && ex.rip == open;
	tap_result(ok, "the window opens one instruction later (RIP %#x)", open);
	TAP_EXPECT_RET(interrupt(0x27), 0, "KVM_INTERRUPT 0x27");
	ok = handler_ran(0x27, &ret) && ret == open && step(P_MARK, 0x69);
	tap_result(ok, "the handler for 0x27 runs there");
}

/* 6: what KVM_SET_VCPU_EVENTS takes back, and what it refuses. */
static void events_round_trip(void)
{
	struct kvm_vcpu_events a, b, bad;

	sync_to(0x6a);
	get_events("round trip", &a);
	TAP_EXPECT_RET(set_events(&a), 0,
		       "KVM_SET_VCPU_EVENTS of what KVM_GET_VCPU_EVENTS gave");
	get_events("round trip again", &b);
	tap_result(same_events(a, b), "...and KVM_GET_VCPU_EVENTS gives the same");

	bad = a;
	bad.flags |= 1u << 31;
	TAP_EXPECT_ERRNO(set_events(&bad), EINVAL,
			 "KVM_SET_VCPU_EVENTS with an unknown flag");
	bad = a;
	bad.exception.injected = 1;
	bad.exception.nr = 32;
	TAP_EXPECT_ERRNO(set_events(&bad), EINVAL,
			 "KVM_SET_VCPU_EVENTS of exception vector 32");
	bad.exception.nr = 2;
	TAP_EXPECT_ERRNO(set_events(&bad), EINVAL,
			 "KVM_SET_VCPU_EVENTS of exception vector 2 (NMI)");
	bad = a;
	bad.flags |= KVM_VCPUEVENT_VALID_PAYLOAD;
	TAP_EXPECT_ERRNO(set_events(&bad), EINVAL,
			 "KVM_SET_VCPU_EVENTS with a payload, KVM_CAP_EXCEPTION_PAYLOAD not enabled");
	/* KVM checks this last, having set the rest: the rest is @a's. */
	bad = a;
	bad.flags |= KVM_VCPUEVENT_VALID_TRIPLE_FAULT;
	TAP_EXPECT_ERRNO(set_events(&bad), EINVAL,
			 "KVM_SET_VCPU_EVENTS of triple_fault, KVM_CAP_X86_TRIPLE_FAULT_EVENT not enabled");
	get_events("after the refusals", &b);
	tap_result(same_events(a, b), "the refused calls changed nothing");
}

/* 7: KVM_GET/SET_DEBUGREGS, as the guest sees them. */
static void debug_registers(void)
{
	struct kvm_debugregs d, want = { .dr6 = DR6_RESET, .dr7 = DR7_WATCH0 };
	struct kvm_debugregs bad;
	uint32_t got[6] = { 0 };
	bool ok = true;

	sync_to(0x70);
	want.db[0] = guest_value();	/* the variable the guest writes */
	want.db[1] = 0x11110000;
	want.db[2] = 0x22220000;
	want.db[3] = 0x33330000;
	get_debugregs("at RESET", &d);
	tap_result(!d.db[0] && !d.db[1] && !d.db[2] && !d.db[3] &&
		   d.dr6 == DR6_RESET && d.dr7 == DR7_RESET && !d.flags,
		   "KVM_GET_DEBUGREGS before any set: DR0-DR3 0, DR6 %#llx, DR7 %#llx",
		   DR6_RESET, DR7_RESET);
	bad = want;
	bad.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_DEBUGREGS, &bad), EINVAL,
			 "KVM_SET_DEBUGREGS with flags");
	bad = want;
	bad.dr6 |= 1ull << 32;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_DEBUGREGS, &bad), EINVAL,
			 "KVM_SET_DEBUGREGS of DR6 with bit 32 set");
	bad = want;
	bad.dr7 |= 1ull << 63;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_DEBUGREGS, &bad), EINVAL,
			 "KVM_SET_DEBUGREGS of DR7 with bit 63 set");
	get_debugregs("after the refusals", &d);
	tap_result(!d.db[0] && d.dr7 == DR7_RESET,
		   "the refused calls changed nothing");
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_DEBUGREGS, &want), 0,
		       "KVM_SET_DEBUGREGS of DR0-DR3, DR6 and a DR0 write watchpoint in DR7");
	get_debugregs("set", &d);
	tap_result(!memcmp(&d, &want, sizeof(d)),
		   "KVM_GET_DEBUGREGS gives back what was set");

	for (int i = 0; ok && i < 6; i++) {
		ok = step(P_VAL, ANY);
		got[i] = ex.value;
	}
	tap_result(ok && got[0] == want.db[0] && got[1] == want.db[1] &&
		   got[2] == want.db[2] && got[3] == want.db[3] &&
		   got[4] == want.dr6 && got[5] == want.dr7,
		   "the guest reads the same in DR0-DR3, DR6 and DR7");
	ok = db_handler_ran() && (dr6_seen & 1) && step(P_MARK, 0x71);
	tap_result(ok, "its write to DR0's address is a #DB with B0 in DR6 (%#x)",
		   dr6_seen);
	get_debugregs("after the #DB", &d);
	/* KVM keeps DR6 and DR7 as given, even without their fixed bits. */
	memset(&want, 0, sizeof(want));
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_DEBUGREGS, &want), 0,
		       "KVM_SET_DEBUGREGS of zeroes, which disarms the watchpoint");
	get_debugregs("zeroes set", &d);
}

/*
 * 8: the capabilities behind this ABI.  KVM_CAP_INTR_SHADOW is only
 * shown: KVM never reports it (KVM_CHECK_EXTENSION gives 0), although
 * KVM_VCPUEVENT_VALID_SHADOW, which the API document says it announces,
 * works.
 */
static void capabilities(void)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
		{ KVM_CAP_USER_NMI, "KVM_CAP_USER_NMI" },
		{ KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS" },
		{ KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS" },
	};

	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		int r = ioctl(sys, KVM_CHECK_EXTENSION, caps[i].cap);

		trace("%s: %d", caps[i].name, r);
		tap_result(r > 0, "KVM_CHECK_EXTENSION(%s) on the system fd is nonzero",
			   caps[i].name);
	}
	printf("#   KVM_CAP_INTR_SHADOW: %d\n",
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_INTR_SHADOW));
}

/*
 * 9, last: KVM_INTERRUPT while IF=0, where the two devices differ on
 * purpose, so this step is outside the compared transcript.  KVM queues
 * the vector without looking at IF and injects it at the next entry,
 * which the CPU refuses (SDM: Checks on Guest Non-Register State: an
 * external interrupt needs IF=1): a VMM must wait for
 * ready_for_interrupt_injection.  hvx holds the vector until the guest
 * sets IF, as a CPU would hold an interrupt line: the guest goes on with
 * IF=0 and takes it after STI and its shadow.
 */
static void interrupt_with_if0(bool hvx)
{
	struct kvm_vcpu_events e;
	uint32_t ret = 0;

	sync_to(0x90);
	in_transcript = false;	/* the devices differ from here on */
	tap_result(!run->if_flag && !run->ready_for_interrupt_injection,
		   "IF=0 again: if_flag 0, ready_for_interrupt_injection 0");
	TAP_EXPECT_RET(interrupt(0x28), 0, "KVM_INTERRUPT 0x28 with IF=0");
	get_events("0x28 queued with IF=0", &e);
	tap_result(e.interrupt.injected && e.interrupt.nr == 0x28,
		   "KVM_GET_VCPU_EVENTS shows 0x28 injected");
	next_exit();
	if (!hvx) {
		tap_result(ex.reason == KVM_EXIT_FAIL_ENTRY &&
			   run->fail_entry.hardware_entry_failure_reason ==
			   ENTRY_FAIL_GUEST_STATE,
			   "KVM: the entry that injects it fails: KVM_EXIT_FAIL_ENTRY, invalid guest state");
		return;
	}
	tap_result(is_out(P_MARK, 0x91),
		   "hvx: the guest goes on with IF=0 and 0x28 waits");
	tap_result(handler_ran(0x28, &ret),
		   "hvx: 0x28 is delivered once the guest sets IF");
	tap_result(step(P_MARK, 0x92) && ret == ex.rip - 2,
		   "hvx: ...after STI's shadow, returning to the instruction after it");
}

/* Is @fd hvx's (HVX_CAP_HVX, uapi/hvx.h)? */
static bool device_is_hvx(int fd)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, HVX_CAP_HVX) > 0;
}

/* A VM with guest memory at 0, @path at LOAD, and its vCPU at LOAD. */
static void create_vm(const char *path)
{
	struct kvm_sregs s;

	create_guest_vm(path, false);
	create_vcpu0(&s);
	start_flat32(&s);
}

int main(int argc, char **argv)
{
	sys = open_device(argc, argv);
	capabilities();
	create_vm(argv[2]);

	guest_starts();
	window_after_sti();
	interrupt_replaced();
	hlt_exits();
	nmis();
	mov_ss_shadow();
	events_inject();
	events_nmi_masked();
	events_sti_shadow();
	events_round_trip();
	debug_registers();
	trace("end");
	interrupt_with_if0(device_is_hvx(sys));
	return tap_failed;
}
