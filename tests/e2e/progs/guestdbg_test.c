// SPDX-License-Identifier: GPL-2.0
/*
 * guestdbg_test: the VMM debugs its guest (tests/guests/debug.S) with
 * KVM_SET_GUEST_DEBUG, as QEMU's gdbstub does: a software breakpoint, an
 * instruction breakpoint in each of DR0-DR3 and the resume flag past it,
 * a data breakpoint in each, single steps with interrupts held back,
 * DR7.GD, and the #BP and #DB handed to the guest.  The guest's own
 * debugging beside it: its DR7.GD, and its own TF over an instruction the
 * hypervisor carries out.
 *
 *   guestdbg_test DEVICE GUEST.bin
 *
 * Every exit, register the VMM reads and ioctl result goes into the
 * transcript, which 95-vm-api.sh compares between hvx and kvm_intel; the
 * checks here are what KVM's API documentation and the SDM promise.
 */
#include "guest32.h"

#define RUN_TIMEOUT	20
#define P_STEP		0x90
#define DR7_FIXED	0x400
#define DR7_GD		(1u << 13)
#define DR6_ACTIVE_LOW	0xffff0ff0u
#define DR6_BD		(1u << 13)
#define DR6_BS		(1u << 14)
#define X86_TF		(1u << 8)
#define X86_RF		(1u << 16)
#define GDB		(KVM_GUESTDBG_ENABLE)

/* The last KVM_EXIT_DEBUG; whether this is hvx (guestdbg_test's own checks). */
static struct kvm_debug_exit_arch dbg;
static bool on_hvx;

/* KVM_SET_GUEST_DEBUG with @control and DR@dr (if >= 0) = @addr, DR7. */
static int set_debug(uint32_t control, int dr, uint64_t addr, uint64_t dr7)
{
	struct kvm_guest_debug d = { .control = control };
	char what[64];

	if (dr >= 0)
		d.arch.debugreg[dr] = addr;
	d.arch.debugreg[7] = dr7;
	snprintf(what, sizeof(what), "KVM_SET_GUEST_DEBUG %#x DR%d %#llx DR7 %#llx",
		 control, dr, (unsigned long long)addr,
		 (unsigned long long)dr7);
	return logged(what, ioctl(vcpu, KVM_SET_GUEST_DEBUG, &d));
}

/*
 * Run to the next exit, into ex, dbg and the transcript.  DR7 of a
 * single step's exit stays out: KVM leaves the last #DB exit's there when
 * the step was over an instruction it carried out.
 */
static void step(void)
{
	struct kvm_regs r;

	run_timed(RUN_TIMEOUT, now_ms, "KVM_RUN did not come back in time", &r);
	if (run->exit_reason != KVM_EXIT_DEBUG) {
		trace_exit(&r);
		return;
	}
	memset(&ex, 0, sizeof(ex));
	ex.reason = KVM_EXIT_DEBUG;
	ex.rip = r.rip;
	dbg = run->debug.arch;
	/* KVM leaves DR6 and DR7 of a #BP exit as they were: not compared. */
	if (dbg.exception == 1 && (dbg.dr6 & DR6_BS))
		trace("exit DEBUG #DB pc %#llx dr6 %#llx tf %d",
		      (unsigned long long)dbg.pc, (unsigned long long)dbg.dr6,
		      !!(r.rflags & X86_TF));
	else if (dbg.exception == 1)
		trace("exit DEBUG #DB pc %#llx dr6 %#llx dr7 %#llx tf %d",
		      (unsigned long long)dbg.pc, (unsigned long long)dbg.dr6,
		      (unsigned long long)dbg.dr7, !!(r.rflags & X86_TF));
	else
		trace("exit DEBUG vector %u pc %#llx", dbg.exception,
		      (unsigned long long)dbg.pc);
}

/* Run to the guest's next OUT to @port, which must come next. */
static uint32_t expect_out(uint16_t port, const char *what)
{
	step();
	if (!is_out(port, ANY)) {
		tap_result(0, "%s", what);
		bail("the guest went elsewhere");
	}
	return ex.value;
}

/* Run to a KVM_EXIT_DEBUG for @vector at @pc with DR6 @dr6 (#DB only). */
static void expect_debug(uint32_t vector, uint64_t pc, uint64_t dr6,
			 const char *what)
{
	step();
	tap_result(ex.reason == KVM_EXIT_DEBUG && dbg.exception == vector &&
		   dbg.pc == pc && (vector != 1 || dbg.dr6 == dr6), "%s", what);
}

static void set_rip(uint64_t rip, uint32_t set_flags)
{
	struct kvm_regs r;

	if (ioctl(vcpu, KVM_GET_REGS, &r) < 0)
		bail_errno("KVM_GET_REGS");
	r.rip = rip;
	r.rflags |= set_flags;
	if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		bail_errno("KVM_SET_REGS");
}

/* 2: an instruction breakpoint in each of DR0-DR3, then RF past it. */
static void instruction_breakpoints(void)
{
	uint32_t hw_bp = expect_out(P_VAL, "step 2: the NOP's address");
	char what[80];
	int i;

	for (i = 0; i < 4; i++) {
		set_debug(GDB | KVM_GUESTDBG_USE_HW_BP, i, hw_bp,
			  DR7_FIXED | 2u << (2 * i));
		snprintf(what, sizeof(what),
			 "DR%d: the instruction breakpoint exits before the NOP", i);
		expect_debug(1, hw_bp, DR6_ACTIVE_LOW | 1u << i, what);
	}
	/* The breakpoint stays; RF lets the NOP run once. */
	set_rip(hw_bp, X86_RF);
	tap_result(expect_out(P_MARK, "RF") == 3,
		   "with RF set the NOP runs past the breakpoint");
}

/* 3: a 4-byte write breakpoint in each of DR0-DR3 on the guest's store. */
static void data_breakpoints(void)
{
	uint32_t data = expect_out(P_VAL, "step 3: the data's address");
	uint32_t store = expect_out(P_VAL, "step 3: the store's address");
	uint64_t after = 0;
	char what[80];
	int i;

	for (i = 0; i < 4; i++) {
		set_debug(GDB | KVM_GUESTDBG_USE_HW_BP, i, data,
			  DR7_FIXED | 2u << (2 * i) | 0xdu << (16 + 4 * i));
		step();
		snprintf(what, sizeof(what),
			 "DR%d: the data breakpoint exits after the store", i);
		tap_result(ex.reason == KVM_EXIT_DEBUG && dbg.exception == 1 &&
			   dbg.pc > store &&
			   dbg.dr6 == (DR6_ACTIVE_LOW | 1u << i), "%s", what);
		after = dbg.pc;
		if (i < 3)
			set_rip(store, 0);	/* and again */
	}
	trace("the store is %llu bytes", (unsigned long long)(after - store));
	set_debug(0, -1, 0, 0);
	tap_result(expect_out(P_VAL, "the data") == 1234,
		   "the store was made once the breakpoint exit came");
}

/*
 * 4: single steps, interrupts held back, to the end of the stretch.  The
 * first is the guest's OUT that said where it starts (the step takes
 * effect as the VMM finishes that OUT); the OUT to the VMM in the middle
 * exits as port I/O first.  Every step moves the guest on.  Not so on
 * kvm_intel in Bochs: after the exits of CPUID and RDMSR Bochs leaves a
 * single step pending in the VMCS, which KVM keeps, so the entry after
 * the step's exit raises it again where the guest stands (and KVM's own
 * selftest debug_regs fails there).  The transcript has each place once.
 */
static void single_steps(void)
{
	uint32_t end = expect_out(P_VAL, "step 4: where stepping ends");
	uint32_t start = expect_out(P_VAL, "step 4: where stepping starts");
	int exits = 0, steps = 0, repeats = 0, tf_seen = 0;
	uint64_t first = 0, last = 0;
	struct kvm_regs r;
	bool io = false;

	set_debug(GDB | KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_BLOCKIRQ, -1,
		  0, DR7_FIXED);
	in_transcript = false;
	while (exits++ < 20) {
		step();
		if (is_out(P_STEP, ANY)) {
			io = true;
			continue;
		}
		if (ex.reason != KVM_EXIT_DEBUG || dbg.exception != 1 ||
		    dbg.dr6 != (DR6_ACTIVE_LOW | DR6_BS))
			break;
		if (ioctl(vcpu, KVM_GET_REGS, &r) == 0 && (r.rflags & X86_TF))
			tf_seen++;
		if (dbg.pc == last) {
			repeats++;
			continue;
		}
		in_transcript = true;
		trace("step to %#llx", (unsigned long long)dbg.pc);
		in_transcript = false;
		if (!steps)
			first = dbg.pc;
		last = dbg.pc;
		steps++;
		if (dbg.pc == end)
			break;
	}
	in_transcript = true;
	tap_result(last == end && steps == 8,
		   "8 single steps from the OUT before STI to after the CLI (%d)",
		   steps);
	tap_result(first == start, "the first step ends where stepping starts");
	tap_result(io, "the OUT in between exits to the VMM first");
	tap_result(!tf_seen, "KVM_GET_REGS never shows the stepping's TF");
	if (on_hvx)
		tap_result(!repeats, "every step moves the guest on (%d did not)",
			   repeats);
	set_debug(0, -1, 0, 0);
	tap_result(expect_out(P_VEC, "the interrupt") == 0x40,
		   "the interrupt held back comes once the guest sets IF alone");
	expect_out(P_RET, "its return");
	expect_out(P_IRET, "its IRET");
}

/* 5: MOV DR with the VMM's DR7.GD, then with the guest's own. */
static void general_detect(void)
{
	uint32_t gd = expect_out(P_VAL, "step 5: the MOV DR's address");
	uint32_t gd_own;

	set_debug(GDB | KVM_GUESTDBG_USE_HW_BP, -1, 0, DR7_FIXED | DR7_GD);
	expect_debug(1, gd, DR6_ACTIVE_LOW | DR6_BD,
		     "the VMM's DR7.GD: the MOV DR exits before it runs");
	set_debug(0, -1, 0, 0);
	gd_own = expect_out(P_VAL, "the guest's own GD");
	tap_result(expect_out(P_VEC, "the guest's #DB") == 1,
		   "the guest's DR7.GD: its MOV DR raises #DB");
	tap_result(expect_out(P_RET, "#DB's return") == gd_own,
		   "...before the MOV, which then runs");
	expect_out(P_IRET, "its IRET");
	tap_result(expect_out(P_VAL, "DR6") == (DR6_ACTIVE_LOW | DR6_BD),
		   "...with DR6.BD set");
	tap_result(expect_out(P_VAL, "DR7") == DR7_FIXED,
		   "...and GD clear in DR7");
}

/* 6 and 7: a #BP and a #DB the VMM hands to the guest. */
static void injected(void)
{
	uint32_t int3 = expect_out(P_VAL, "step 6: the INT3's address");

	set_debug(GDB | KVM_GUESTDBG_USE_SW_BP, -1, 0, 0);
	expect_debug(3, int3, 0, "the INT3 exits as the VMM's #BP");
	set_debug(KVM_GUESTDBG_INJECT_BP, -1, 0, 0);
	tap_result(expect_out(P_VEC, "#BP") == 3, "INJECT_BP: the guest's #BP");
	tap_result(expect_out(P_RET, "#BP's return") == int3 + 1,
		   "...returns after the INT3");
	expect_out(P_IRET, "its IRET");
	tap_result(expect_out(P_MARK, "7") == 7, "step 7");

	set_debug(KVM_GUESTDBG_INJECT_DB, -1, 0, 0);
	errno = 0;
	tap_result(set_debug(KVM_GUESTDBG_INJECT_BP, -1, 0, 0) < 0 &&
		   errno == EBUSY,
		   "a second exception before the first is delivered: EBUSY");
	tap_result(expect_out(P_VEC, "#DB") == 1, "INJECT_DB: the guest's #DB");
	expect_out(P_RET, "#DB's return");
	expect_out(P_IRET, "its IRET");
}

int main(int argc, char **argv)
{
	struct kvm_sregs s;
	uint32_t sw_bp;

	sys = open_device(argc, argv);
	on_hvx = !strcmp(argv[1], "/dev/hvx");
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_alarm();
	logged("KVM_CAP_SET_GUEST_DEBUG",
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG));
	logged("KVM_CAP_SET_GUEST_DEBUG2",
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2));
	create_guest_vm(argv[2], true);
	create_vcpu0(&s);
	start_flat32(&s);

	/* 1: the VMM's INT3, and over it by hand as KVM's selftest does. */
	tap_result(expect_out(P_MARK, "1") == 1, "step 1");
	sw_bp = expect_out(P_VAL, "the INT3's address");
	set_debug(GDB | KVM_GUESTDBG_USE_SW_BP, -1, 0, 0);
	expect_debug(3, sw_bp, 0, "the INT3 exits as the VMM's #BP");
	set_debug(0, -1, 0, 0);
	set_rip(sw_bp + 1, 0);
	tap_result(expect_out(P_MARK, "2") == 2, "step 2");

	instruction_breakpoints();
	data_breakpoints();
	tap_result(expect_out(P_MARK, "4") == 4, "step 4");
	single_steps();
	tap_result(expect_out(P_MARK, "5") == 5, "step 5");
	general_detect();
	tap_result(expect_out(P_MARK, "6") == 6, "step 6");
	injected();

	/* 8: the guest's own TF, over a CPUID the hypervisor carries out. */
	tap_result(expect_out(P_MARK, "8") == 8, "step 8");
	tap_result(expect_out(P_VEC, "#DB") == 1,
		   "the guest's own TF: a #DB after the CPUID");
	expect_out(P_RET, "#DB's return");
	expect_out(P_IRET, "its IRET");
	tap_result(expect_out(P_VAL, "DR6") == (DR6_ACTIVE_LOW | DR6_BS),
		   "...with DR6.BS set");
	tap_result(expect_out(P_MARK, "9") == 9, "step 9: the guest's end");
	trace("end");
	return tap_failed;
}
