// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfds wired to a VM, as a VMM with KVM_CREATE_IRQCHIP uses them:
 * KVM_IRQFD, whose eventfd raises a GSI when written (an edge, or with
 * KVM_IRQFD_FLAG_RESAMPLE a level that the guest's EOI lowers and reports
 * on a resamplefd), and KVM_IOEVENTFD, whose eventfd counts the guest's
 * writes to a port or an MMIO address instead of an exit.
 *
 *   irqfd_test DEVICE GUEST.bin      (tests/guests/irqfd.S)
 *
 * The guest starts at 0x10000 in flat 32-bit protected mode with IF=0.
 * It announces each step with an OUT and reports every handler it
 * enters (before its EOI), where it will return to and its IRET.
 * Scenarios, one function each: the capabilities (6), the ioctls'
 * refusals (3, and 5's), an irqfd on an edge-triggered IOAPIC pin that a
 * second thread writes while the vCPU sleeps in HLT, then deassigned (1),
 * a resampling irqfd on a level-triggered pin (2) and on level-triggered
 * 8259A lines, the master's and the slave's, that the guest takes through
 * the PICs with the IOAPIC's pins masked (7), ioeventfds on ports (4) and
 * at MMIO (5).
 *
 * The checks hold on /dev/kvm (kvm_intel, Linux 6.1), which is the
 * reference; where KVM does something one might not expect, a comment
 * says so.  Output: TAP, and a transcript of every exit, of what the
 * ioctls returned and of the eventfds' counts as "# | " lines, which
 * 95-irqfd.sh compares between hvx and KVM.  A KVM_RUN that does not
 * come back within RUN_TIMEOUT seconds (an interrupt that never came)
 * ends the test.
 */
#include <pthread.h>
#include <sys/eventfd.h>

#include "guest32_steps.h"

#define RUN_TIMEOUT	20	/* seconds */
#define DELAY_MS	50	/* the thread's wait before each of its steps */
#define MSI_ADDR	0xfee00000u	/* fixed, physical, APIC ID 0 */
#define GSI_EDGE	10	/* IOAPIC pin 10, edge, vector VEC_EDGE */
#define GSI_LEVEL	11	/* IOAPIC pin 11, level, vector VEC_LEVEL */
#define VEC_EDGE	0x3a
#define VEC_MSI		0x3b
#define VEC_LEVEL	0x3c
#define PORT		0x700
#define MMIO_ADDR	0xd0000000ull	/* no memory slot there */
#define MMIO_READ	0x5a5a5a5au	/* what the VMM answers a read with */
/* IOAPIC redirection entry: Remote IRR and Mask (82093AA datasheet). */
#define REDIR_REMOTE_IRR	(1ull << 14)
#define REDIR_MASKED		(1ull << 16)

#define PIO		KVM_IOEVENTFD_FLAG_PIO
#define DM		KVM_IOEVENTFD_FLAG_DATAMATCH
#define DEASSIGN_IO	KVM_IOEVENTFD_FLAG_DEASSIGN
#define DEASSIGN	KVM_IRQFD_FLAG_DEASSIGN
#define RESAMPLE	KVM_IRQFD_FLAG_RESAMPLE

static long run_ms;		/* how long the last KVM_RUN took */

/*
 * The last exit was KVM_EXIT_MMIO: into ex (the data of a write in
 * ex.value) and the transcript; a read is answered with MMIO_READ.  Its
 * RIP is not compared: KVM has already stepped past a write it hands to
 * the VMM, but not past a read.
 */
static void mmio_exit(uint64_t rip)
{
	uint64_t data = 0;

	memset(&ex, 0, sizeof(ex));
	ex.reason = KVM_EXIT_MMIO;
	ex.rip = rip;
	if (run->mmio.is_write)
		memcpy(&data, run->mmio.data,
		       run->mmio.len <= 8 ? run->mmio.len : 8);
	else
		memcpy(run->mmio.data, &(uint64_t){ MMIO_READ }, 8);
	ex.value = data;
	trace("exit MMIO %s %#llx len %u data %#llx",
	      run->mmio.is_write ? "write" : "read",
	      (unsigned long long)run->mmio.phys_addr, run->mmio.len,
	      (unsigned long long)data);
	printf("#   at rip %#llx\n", (unsigned long long)rip);
}

/* KVM_RUN to the next exit, which goes into ex and the transcript. */
static void next_exit(void)
{
	struct kvm_regs r;

	run_ms = run_timed(RUN_TIMEOUT, now_ms,
			   "KVM_RUN did not come back in time: the guest waits for an interrupt that never came",
			   &r);
	if (run->exit_reason == KVM_EXIT_MMIO) {
		mmio_exit(r.rip);
		return;
	}
	trace_exit(&r);
}

/* Run to the next exit: is it an MMIO access of @len at MMIO_ADDR? */
static bool mmio_step(bool write, uint32_t len)
{
	next_exit();
	return ex.reason == KVM_EXIT_MMIO && run->mmio.is_write == write &&
	       run->mmio.phys_addr == MMIO_ADDR && run->mmio.len == len;
}

/* A check that @r (logged()'s) is 0, or a failure with @err if nonzero. */
static void expect(int r, int err, const char *what)
{
	int e = errno;
	bool pass = err ? r == -1 && e == err : r == 0;

	tap_result(pass, "%s: %s", what, err ? strerror(err) : "0");
	if (!pass)
		printf("#   got %d (errno %d %s)\n", r, e, strerror(e));
}

static int irqfd(int fd_vm, int fd, uint32_t gsi, uint32_t flags,
		 int resamplefd, const char *what)
{
	struct kvm_irqfd a = { .fd = fd, .gsi = gsi, .flags = flags,
			       .resamplefd = resamplefd };

	return logged(what, ioctl(fd_vm, KVM_IRQFD, &a));
}

static int ioeventfd(int fd_vm, int fd, uint64_t addr, uint32_t len,
		     uint32_t flags, uint64_t datamatch, const char *what)
{
	struct kvm_ioeventfd a = { .datamatch = datamatch, .addr = addr,
				   .len = len, .fd = fd, .flags = flags };

	return logged(what, ioctl(fd_vm, KVM_IOEVENTFD, &a));
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK);

	if (fd < 0)
		bail_errno("eventfd");
	return fd;
}

/* Add 1 to eventfd @fd: true if it did. */
static bool efd_write(int fd)
{
	return write(fd, &(uint64_t){ 1 }, sizeof(uint64_t)) == 8;
}

/* The count of eventfd @fd, read (which zeroes it): 0 if none (EAGAIN). */
static uint64_t count(const char *name, int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != sizeof(n)) {
		if (errno != EAGAIN)
			bail_errno("reading an eventfd");
		n = 0;
	}
	trace("%s: count %llu", name, (unsigned long long)n);
	return n;
}

/* 6: the capabilities, on the device's fd. */
static void caps(void)
{
#define CAP(c)	{ c, #c }
	static const struct {
		long cap;
		const char *name;
	} c[] = { CAP(KVM_CAP_IRQFD), CAP(KVM_CAP_IRQFD_RESAMPLE),
		  CAP(KVM_CAP_IOEVENTFD), CAP(KVM_CAP_IOEVENTFD_ANY_LENGTH),
		  CAP(KVM_CAP_IOEVENTFD_NO_LENGTH) };
#undef CAP

	for (unsigned int i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		tap_result(logged(c[i].name, ioctl(sys, KVM_CHECK_EXTENSION,
						   c[i].cap)) > 0,
			   "KVM_CHECK_EXTENSION(%s) is nonzero", c[i].name);
}

enum { E1, E2, E3, BADFD, VMFD };	/* the fds of the refusals' tables */

/*
 * 3: KVM_IRQFD's refusals, on VMs of their own: one without an irqchip
 * (which KVM refuses with EINVAL, but deassigns from: nothing, 0) and one
 * with.  KVM refuses an eventfd that is already an irqfd on any GSI
 * (EBUSY); deassigning what is not assigned is 0, not ENOENT; it does not
 * look at the pin's trigger mode for RESAMPLE, nor at the GSI's routes.
 * A RESAMPLE without a resamplefd is written as resamplefd -1 (EBADF):
 * 0 would be the test's stdin, EINVAL if open, EBADF if not.
 */
static void irqfd_errors(void)
{
	static const struct {
		bool chip;
		int fd;
		uint32_t gsi, flags;
		int resamplefd, err;
		const char *what;
	} t[] = {
		{ 0, E1, 10, 0, 0, EINVAL, "no irqchip: KVM_IRQFD" },
		{ 0, E1, 10, RESAMPLE, E2, EINVAL, "no irqchip: KVM_IRQFD with RESAMPLE" },
		{ 0, E1, 10, DEASSIGN, 0, 0, "no irqchip: KVM_IRQFD DEASSIGN" },
		{ 1, E1, 10, 0, 0, 0, "KVM_IRQFD e1 gsi 10" },
		{ 1, E1, 10, 0, 0, EBUSY, "KVM_IRQFD e1 gsi 10 again" },
		{ 1, E1, 12, 0, 0, EBUSY, "KVM_IRQFD e1 gsi 12 too" },
		{ 1, E2, 10, DEASSIGN, 0, 0, "KVM_IRQFD DEASSIGN e2 gsi 10, never assigned" },
		{ 1, E1, 12, DEASSIGN, 0, 0, "KVM_IRQFD DEASSIGN e1 gsi 12, the wrong GSI" },
		{ 1, E1, 10, 0, 0, EBUSY, "KVM_IRQFD e1 gsi 10: still assigned" },
		{ 1, BADFD, 10, 0, 0, EBADF, "KVM_IRQFD fd -1" },
		{ 1, VMFD, 10, 0, 0, EINVAL, "KVM_IRQFD of the VM's fd, not an eventfd" },
		{ 1, BADFD, 10, DEASSIGN, 0, EBADF, "KVM_IRQFD DEASSIGN fd -1" },
		{ 1, E2, 10, 4, 0, EINVAL, "KVM_IRQFD flags 4" },
		{ 1, E2, 10, 4 | DEASSIGN, 0, EINVAL, "KVM_IRQFD flags DEASSIGN | 4" },
		{ 1, E2, 13, RESAMPLE, BADFD, EBADF, "KVM_IRQFD RESAMPLE, resamplefd -1" },
		{ 1, E2, 13, RESAMPLE, VMFD, EINVAL, "KVM_IRQFD RESAMPLE, resamplefd the VM's fd" },
		{ 1, E2, 10, RESAMPLE, E3, 0, "KVM_IRQFD e2 RESAMPLE gsi 10 (an edge pin, beside e1)" },
		{ 1, E2, 10, DEASSIGN, 0, 0, "KVM_IRQFD DEASSIGN e2 gsi 10" },
		{ 1, E3, 1000, 0, 0, 0, "KVM_IRQFD e3 gsi 1000, which no route has" },
		{ 1, E1, 10, DEASSIGN, 0, 0, "KVM_IRQFD DEASSIGN e1 gsi 10" },
		{ 1, E1, 12, 0, 0, 0, "KVM_IRQFD e1 gsi 12 once deassigned" },
	};
	int fd[5] = { new_eventfd(), new_eventfd(), new_eventfd(), -1 };
	int vms[2];

	vms[0] = ioctl(sys, KVM_CREATE_VM, 0);
	vms[1] = ioctl(sys, KVM_CREATE_VM, 0);
	if (vms[0] < 0 || vms[1] < 0 ||
	    ioctl(vms[1], KVM_CREATE_IRQCHIP, 0) < 0)
		bail("KVM_CREATE_VM or KVM_CREATE_IRQCHIP failed");
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fd[VMFD] = vms[t[i].chip];
		expect(irqfd(vms[t[i].chip], fd[t[i].fd], t[i].gsi, t[i].flags,
			     fd[t[i].resamplefd], t[i].what),
		       t[i].err, t[i].what);
	}
	for (int i = 0; i < 3; i++)
		close(fd[i]);
	close(vms[0]);
	close(vms[1]);
}

/*
 * 5 (and 4): KVM_IOEVENTFD's refusals, on a VM of its own (no irqchip
 * needed).  Two registrations at one address collide (EEXIST) unless
 * both have a length and a DATAMATCH and the lengths or the data differ;
 * the eventfd does not matter.  Deassigning must name the registration
 * exactly: address, length, fd, DATAMATCH and its data (ENOENT if not).
 */
static void ioeventfd_errors(void)
{
#define A	(MMIO_ADDR + 0x100)
	static const struct {
		int fd;
		uint64_t addr;
		uint32_t len, flags;
		uint64_t dm;
		int err;
		const char *what;
	} t[] = {
		{ E1, A, 4, DM, 1, 0, "KVM_IOEVENTFD mmio len 4 datamatch 1" },
		{ E2, A, 4, DM, 1, EEXIST, "... again, another eventfd" },
		{ E2, A, 4, DM, 2, 0, "... datamatch 2" },
		{ E2, A, 4, 0, 0, EEXIST, "... without DATAMATCH" },
		{ E2, A, 0, 0, 0, EEXIST, "... len 0 (any length)" },
		{ E2, A, 2, 0, 0, 0, "... len 2 without DATAMATCH" },
		{ E1, A + 8, 3, 0, 0, EINVAL, "KVM_IOEVENTFD len 3" },
		{ E1, A + 8, 0, DM, 0, EINVAL, "KVM_IOEVENTFD len 0 with DATAMATCH" },
		{ E1, PORT, 0, PIO | DM, 0, EINVAL, "KVM_IOEVENTFD pio len 0 with DATAMATCH" },
		{ E1, PORT, 2, PIO | 0x20, 0, EINVAL, "KVM_IOEVENTFD pio flags 0x20" },
		{ E1, ~0ull - 1, 4, 0, 0, EINVAL, "KVM_IOEVENTFD past the end of the address space" },
		{ BADFD, PORT, 2, PIO, 0, EBADF, "KVM_IOEVENTFD fd -1" },
		{ VMFD, PORT, 2, PIO, 0, EINVAL, "KVM_IOEVENTFD of the VM's fd, not an eventfd" },
		{ E1, A + 8, 4, DEASSIGN_IO, 0, ENOENT, "DEASSIGN of nothing" },
		{ E1, A, 4, DEASSIGN_IO | DM, 3, ENOENT, "DEASSIGN datamatch 3 (it is 1)" },
		{ E1, A, 4, DEASSIGN_IO, 0, ENOENT, "DEASSIGN without DATAMATCH" },
		{ E2, A, 4, DEASSIGN_IO | DM, 1, ENOENT, "DEASSIGN with the other eventfd" },
		{ E1, A, 4, DEASSIGN_IO | PIO | DM, 1, ENOENT, "DEASSIGN with PIO" },
		{ BADFD, A, 4, DEASSIGN_IO | DM, 1, EBADF, "DEASSIGN fd -1" },
		{ E1, A, 4, DEASSIGN_IO | DM, 1, 0, "DEASSIGN mmio len 4 datamatch 1" },
		{ E2, A, 4, DM, 1, 0, "KVM_IOEVENTFD mmio len 4 datamatch 1, another eventfd" },
		{ E1, PORT, 2, PIO, 0, 0, "KVM_IOEVENTFD pio 0x700 len 2" },
		{ E2, PORT, 2, PIO, 0, EEXIST, "... again, another eventfd" },
		{ E2, PORT, 2, 0, 0, 0, "KVM_IOEVENTFD mmio 0x700 len 2: another bus" },
	};
#undef A
	int fd[5] = { new_eventfd(), new_eventfd(), -1, -1 };

	fd[VMFD] = ioctl(sys, KVM_CREATE_VM, 0);
	if (fd[VMFD] < 0)
		bail("KVM_CREATE_VM failed");
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect(ioeventfd(fd[VMFD], fd[t[i].fd], t[i].addr, t[i].len,
				 t[i].flags, t[i].dm, t[i].what),
		       t[i].err, t[i].what);
	close(fd[E1]);
	close(fd[E2]);
	close(fd[VMFD]);
}

/*
 * The second thread: after DELAY_MS, a write to the eventfd fd; with
 * msi, DELAY_MS later, KVM_SIGNAL_MSI of that vector.
 */
static struct {
	int fd, wrote, msi_ret;
	uint32_t msi;
} later;

static void *later_thread(void *unused)
{
	struct kvm_msi m = { .address_lo = MSI_ADDR };

	(void)unused;
	block_alarm();
	usleep(DELAY_MS * 1000);
	later.wrote = efd_write(later.fd);
	if (later.msi) {
		usleep(DELAY_MS * 1000);
		m.data = later.msi;
		later.msi_ret = ioctl(vm, KVM_SIGNAL_MSI, &m);
	}
	return NULL;
}

/* The next exit, while the thread writes @fd (and signals @msi). */
static void run_while_thread(int fd, uint32_t msi)
{
	pthread_t thread;

	later.fd = fd;
	later.msi = msi;
	if (pthread_create(&thread, NULL, later_thread, NULL))
		bail("pthread_create failed");
	next_exit();
	pthread_join(thread, NULL);
	printf("#   KVM_RUN slept %ld ms\n", run_ms);
	if (msi)
		trace("thread: eventfd written %d, KVM_SIGNAL_MSI %#x: %d",
		      later.wrote, msi, later.msi_ret);
	else
		trace("thread: eventfd written %d", later.wrote);
}

/*
 * 1: an irqfd on GSI 10.  KVM raises and lowers the GSI for each write
 * (from a work item: the interrupt comes shortly after write() returns)
 * and reads the eventfd itself, which stays at 0.  Once deassigned (KVM
 * has waited for its work to finish), a write raises nothing and stays
 * in the eventfd; the thread's MSI then wakes the guest.
 */
static void irqfd_edge(void)
{
	uint32_t woken, ret;
	int efd = new_eventfd();
	bool ok;

	tap_result(handler_ran(3, NULL),
		   "the guest's IDT works: its INT3 reaches its #BP handler");
	sync_to(0x10);
	expect(irqfd(vm, efd, GSI_EDGE, 0, 0, "KVM_IRQFD gsi 10"), 0,
	       "KVM_IRQFD assigns an eventfd to GSI 10 (IOAPIC pin 10, edge)");
	for (int i = 0; i < 3; i++) {
		woken = guest_value();
		run_while_thread(efd, 0);
		ok = was(P_VEC, VEC_EDGE);
		tap_result(ok && later.wrote && run_ms >= DELAY_MS / 2,
			   "write %d from a thread: the vCPU slept in HLT until it, then the handler for 0x3a runs (no KVM_EXIT_HLT)",
			   i + 1);
		ok = ok && handler_done(VEC_EDGE, &ret) && ret == woken &&
		     step(P_MARK, 0x11 + i);
		tap_result(ok, "...it returns past the HLT, once");
		tap_result(count("irqfd eventfd", efd) == 0,
			   "...and KVM read the eventfd: its count is 0");
	}
	expect(irqfd(vm, efd, GSI_EDGE, DEASSIGN, 0,
		     "KVM_IRQFD DEASSIGN gsi 10"), 0, "KVM_IRQFD DEASSIGN");
	woken = guest_value();
	run_while_thread(efd, VEC_MSI);
	ok = was(P_VEC, VEC_MSI);
	tap_result(ok && run_ms >= DELAY_MS * 3 / 2 && later.msi_ret == 1,
		   "deassigned: the thread's write wakes nothing; its MSI 0x3b does, 50 ms later");
	ok = ok && handler_done(VEC_MSI, &ret) && ret == woken &&
	     step(P_MARK, 0x14);
	tap_result(ok, "...the handler for 0x3b returns past the HLT, and no 0x3a follows");
	tap_result(count("deassigned eventfd", efd) == 1,
		   "the write stays in the deassigned eventfd: count 1");
	close(efd);
}

/* KVM_GET_IRQCHIP of the IOAPIC: its IRR in *@irr, entry @pin returned. */
static uint64_t ioapic_entry(const char *when, unsigned int pin,
			     uint32_t *irr)
{
	struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };

	if (ioctl(vm, KVM_GET_IRQCHIP, &c) < 0)
		bail("KVM_GET_IRQCHIP failed");
	trace("ioapic %s: irr %#x pin %u %#llx", when, c.chip.ioapic.irr, pin,
	      (unsigned long long)c.chip.ioapic.redirtbl[pin].bits);
	*irr = c.chip.ioapic.irr;
	return c.chip.ioapic.redirtbl[pin].bits;
}

/*
 * 2: a resampling irqfd on GSI 11 (level).  A write holds the line high
 * (KVM's irqfd source of its own) until the guest's EOI, which lowers it
 * and signals the resamplefd, before KVM looks at the line again: no
 * second delivery.  The resamplefd is signalled on the EOI, not before.
 */
static void irqfd_resample(void)
{
	int efd = new_eventfd(), rfd = new_eventfd();
	uint32_t woken, irr;
	uint64_t e;
	bool ok;

	sync_to(0x20);
	expect(irqfd(vm, efd, GSI_LEVEL, RESAMPLE, rfd,
		     "KVM_IRQFD RESAMPLE gsi 11"), 0,
	       "KVM_IRQFD with a resamplefd on GSI 11 (IOAPIC pin 11, level)");
	e = ioapic_entry("before", GSI_LEVEL, &irr);
	tap_result(!(e & REDIR_REMOTE_IRR) && !(irr & (1 << GSI_LEVEL)),
		   "KVM_GET_IRQCHIP: pin 11 low, Remote IRR clear");
	for (int i = 0; i < 2; i++) {
		woken = guest_value();
		trace("eventfd written %d", efd_write(efd));
		ok = step(P_VEC, VEC_LEVEL);
		tap_result(ok, "write %d: the handler for 0x3c runs", i + 1);
		e = ioapic_entry("in the handler, before the EOI", GSI_LEVEL,
				 &irr);
		tap_result(ok && (e & REDIR_REMOTE_IRR) &&
			   (irr & (1 << GSI_LEVEL)),
			   "...before its EOI: pin 11 high, Remote IRR set");
		tap_result(count("resamplefd", rfd) == 0,
			   "...and the resamplefd not yet signalled");
		ok = ok && step(P_RET, woken);
		e = ioapic_entry("after the EOI", GSI_LEVEL, &irr);
		tap_result(ok && !(e & REDIR_REMOTE_IRR) &&
			   !(irr & (1 << GSI_LEVEL)),
			   "...after it: KVM lowered pin 11, Remote IRR clear");
		tap_result(count("resamplefd", rfd) == 1,
			   "...and signalled the resamplefd: count 1");
		ok = ok && step(P_IRET, VEC_LEVEL) && step(P_MARK, 0x21 + i);
		tap_result(ok, "...no second delivery: the guest goes on");
	}
	expect(irqfd(vm, efd, GSI_LEVEL, DEASSIGN, 0,
		     "KVM_IRQFD DEASSIGN gsi 11"), 0,
	       "KVM_IRQFD DEASSIGN of the resampling irqfd");
	close(efd);
	close(rfd);
}

/* KVM_GET_IRQCHIP of a PIC (@chip), into the transcript. */
static struct kvm_pic_state pic_state(const char *when, uint32_t chip)
{
	struct kvm_irqchip c = { .chip_id = chip };

	if (ioctl(vm, KVM_GET_IRQCHIP, &c) < 0)
		bail("KVM_GET_IRQCHIP failed");
	trace("pic %s %s: irr %#x isr %#x imr %#x irq_base %#x elcr %#x",
	      chip == KVM_IRQCHIP_PIC_MASTER ? "master" : "slave", when,
	      c.chip.pic.irr, c.chip.pic.isr, c.chip.pic.imr,
	      c.chip.pic.irq_base, c.chip.pic.elcr);
	return c.chip.pic;
}

/*
 * 7: resampling irqfds on GSI 5 and 9, which KVM's default routing sends
 * to the master PIC's IRQ 5 and the slave's IRQ 1 as well as to IOAPIC
 * pins 5 and 9.  The guest leaves those pins masked, makes the two IRQs
 * level-triggered in the ELCR and takes them through LINT0 in ExtINT
 * mode; its handler sends the PIC's EOI, not the APIC's.  KVM tells an
 * irqfd's resampler of the PIC's EOI as of the IOAPIC's (its i8259 ack
 * notifier): the line goes down before the PIC looks at it again, so the
 * level request is gone from the IRR and does not come back, and the
 * resamplefd is signalled on that EOI, once.  On the slave, the guest's
 * second EOI, the master's for IRQ 2, must signal nothing more.
 */
static void irqfd_pic(void)
{
	static const struct {
		uint32_t gsi, chip;
		unsigned int irq;	/* on that chip */
		uint8_t vector;
		const char *name;
	} t[] = {
		{ 5, KVM_IRQCHIP_PIC_MASTER, 5, 0x25, "the master's IRQ 5" },
		{ 9, KVM_IRQCHIP_PIC_SLAVE, 1, 0x29, "the slave's IRQ 1" },
	};
	struct kvm_pic_state master, slave, p;
	uint32_t woken, irr;
	uint64_t e, e9;
	char what[64], desc[96];
	bool ok;

	sync_to(0x70);
	master = pic_state("initialised", KVM_IRQCHIP_PIC_MASTER);
	slave = pic_state("initialised", KVM_IRQCHIP_PIC_SLAVE);
	tap_result(master.irq_base == 0x20 && master.imr == 0xdb &&
		   master.elcr == 0x20 && !master.init_state &&
		   !master.irr && !master.isr,
		   "KVM_GET_IRQCHIP: the guest initialised the master PIC (vectors 0x20, IRQ 2 and 5 unmasked, 5 level), nothing pending");
	tap_result(slave.irq_base == 0x28 && slave.imr == 0xfd &&
		   slave.elcr == 0x02 && !slave.init_state &&
		   !slave.irr && !slave.isr,
		   "...and the slave (vectors 0x28, IRQ 9 unmasked and level), nothing pending");
	e = ioapic_entry("initialised", 5, &irr);
	e9 = ioapic_entry("initialised", 9, &irr);
	tap_result((e & REDIR_MASKED) && (e9 & REDIR_MASKED) &&
		   !(irr & ((1u << 5) | (1u << 9))),
		   "...IOAPIC pins 5 and 9 masked, as reset left them, and low");

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int efd = new_eventfd(), rfd = new_eventfd();
		uint32_t gsi = t[i].gsi, bit = 1u << t[i].irq;

		snprintf(what, sizeof(what), "KVM_IRQFD RESAMPLE gsi %u", gsi);
		snprintf(desc, sizeof(desc),
			 "KVM_IRQFD with a resamplefd on GSI %u (%s, level)",
			 gsi, t[i].name);
		expect(irqfd(vm, efd, gsi, RESAMPLE, rfd, what), 0, desc);
		for (int j = 0; j < 2; j++) {
			woken = guest_value();
			trace("eventfd written %d", efd_write(efd));
			ok = step(P_VEC, t[i].vector);
			tap_result(ok,
				   "GSI %u write %d: the handler for %#x (the PIC's vector) runs",
				   gsi, j + 1, t[i].vector);
			p = pic_state("in the handler, before the EOI",
				      t[i].chip);
			e = ioapic_entry("in the handler, before the EOI",
					 gsi, &irr);
			tap_result(ok && (p.isr & bit) && (p.irr & bit) &&
				   (irr & (1u << gsi)) && (e & REDIR_MASKED),
				   "...before its EOI: IRQ in service and its line still high at the PIC and at the IOAPIC's masked pin");
			tap_result(count("resamplefd", rfd) == 0,
				   "...and the resamplefd not yet signalled");
			ok = ok && step(P_RET, woken);
			p = pic_state("after the EOI", t[i].chip);
			ioapic_entry("after the EOI", gsi, &irr);
			tap_result(ok && !(p.isr & bit) && !(p.irr & bit) &&
				   !(irr & (1u << gsi)),
				   "...after the PIC's EOI: out of service, the line lowered at the PIC and the IOAPIC");
			tap_result(count("resamplefd", rfd) == 1,
				   "...and the resamplefd signalled once: count 1");
			ok = ok && step(P_IRET, t[i].vector) &&
			     step(P_MARK, 0x71 + 2 * i + j);
			tap_result(ok, "...no second delivery: the guest goes on");
		}
		snprintf(what, sizeof(what), "KVM_IRQFD DEASSIGN gsi %u", gsi);
		expect(irqfd(vm, efd, gsi, DEASSIGN, 0, what), 0,
		       "KVM_IRQFD DEASSIGN of the resampling irqfd");
		close(efd);
		close(rfd);
	}
}

/*
 * 4: ioeventfds on ports.  A write of the registered length (and data,
 * with DATAMATCH) only counts; any other is an exit as without one.
 */
static void ioeventfd_pio(void)
{
	int fd[4] = { new_eventfd(), new_eventfd(), new_eventfd(),
		      new_eventfd() };
	int a = fd[0], b = fd[1], c = fd[2], d = fd[3];

	sync_to(0x40);
	expect(ioeventfd(vm, a, PORT, 2, PIO, 0, "KVM_IOEVENTFD pio 0x700 len 2"),
	       0, "KVM_IOEVENTFD on port 0x700, 2 bytes, any data");
	tap_result(step(P_MARK, 0x41),
		   "the guest's outw to 0x700 is no exit: the next is its marker");
	tap_result(count("0x700 len 2", a) == 1, "...and the eventfd counts 1");
	tap_result(step(PORT, 0x22) && run->io.size == 1,
		   "an outb to 0x700 (1 byte, not 2) exits as KVM_EXIT_IO");
	tap_result(step(P_MARK, 0x42) && count("0x700 len 2", a) == 0,
		   "...and does not count");
	expect(ioeventfd(vm, a, PORT, 2, PIO | DEASSIGN_IO, 0,
			 "KVM_IOEVENTFD DEASSIGN pio 0x700 len 2"), 0,
	       "KVM_IOEVENTFD DEASSIGN");
	expect(ioeventfd(vm, b, PORT, 2, PIO | DM, 0x1234,
			 "KVM_IOEVENTFD pio 0x700 len 2 datamatch 0x1234"), 0,
	       "KVM_IOEVENTFD on port 0x700 with DATAMATCH 0x1234");
	tap_result(step(PORT, 0x4321) && run->io.size == 2,
		   "outw 0x1234 is no exit; outw 0x4321 exits as KVM_EXIT_IO with its data");
	tap_result(step(P_MARK, 0x43) && count("0x700 datamatch", b) == 1,
		   "...and the eventfd counts 1");
	expect(ioeventfd(vm, c, PORT + 4, 4, PIO, 0,
			 "KVM_IOEVENTFD pio 0x704 len 4"), 0,
	       "KVM_IOEVENTFD on port 0x704, 4 bytes");
	expect(ioeventfd(vm, d, PORT + 8, 0, PIO, 0,
			 "KVM_IOEVENTFD pio 0x708 len 0"), 0,
	       "KVM_IOEVENTFD on port 0x708, any length");
	tap_result(step(P_MARK, 0x44),
		   "outl to 0x704, outb and outl to 0x708: no exit");
	tap_result(count("0x704 len 4", c) == 1, "0x704 counts 1");
	tap_result(count("0x708 len 0", d) == 2, "0x708 counts 2: outb and outl");
	for (int i = 0; i < 4; i++)
		close(fd[i]);
}

/* 5: an ioeventfd at MMIO, for writes of its length only. */
static void ioeventfd_mmio(void)
{
	int e = new_eventfd();

	sync_to(0x50);
	expect(ioeventfd(vm, e, MMIO_ADDR, 4, 0, 0,
			 "KVM_IOEVENTFD mmio 0xd0000000 len 4"), 0,
	       "KVM_IOEVENTFD at 0xd0000000, 4 bytes, where no slot is");
	tap_result(step(P_MARK, 0x51),
		   "the guest's 4-byte write there is no exit: the next is its marker");
	tap_result(count("mmio len 4", e) == 1, "...and the eventfd counts 1");
	tap_result(mmio_step(false, 4),
		   "a read there exits as KVM_EXIT_MMIO: ioeventfds take writes only");
	tap_result(guest_value() == MMIO_READ,
		   "...and the guest reads the VMM's answer");
	tap_result(mmio_step(true, 2) && ex.value == 0x5566,
		   "a 2-byte write exits as KVM_EXIT_MMIO with its data");
	tap_result(step(P_MARK, 0x52) && count("mmio len 4", e) == 0,
		   "...and does not count");
	expect(ioeventfd(vm, e, MMIO_ADDR, 4, DEASSIGN_IO, 0,
			 "KVM_IOEVENTFD DEASSIGN mmio 0xd0000000 len 4"), 0,
	       "KVM_IOEVENTFD DEASSIGN");
	tap_result(mmio_step(true, 4) && ex.value == 0x778899aa,
		   "deassigned: the 4-byte write exits as KVM_EXIT_MMIO");
	tap_result(step(P_MARK, 0x53) && count("mmio len 4", e) == 0,
		   "...and does not count");
	tap_result(step(P_MARK, 0xff), "the guest reaches its end");
	close(e);
}

/* A VM with an irqchip, guest memory at 0, @path at LOAD, a vCPU at LOAD. */
static void create_vm(const char *path)
{
	struct kvm_sregs s;

	create_guest_vm(path, true);
	create_vcpu0(&s);
	start_flat32(&s);
	trace("apic_base %#llx", (unsigned long long)s.apic_base);
}

int main(int argc, char **argv)
{
	sys = open_device(argc, argv);
	catch_alarm();
	caps();
	irqfd_errors();
	ioeventfd_errors();
	create_vm(argv[2]);

	irqfd_edge();
	irqfd_resample();
	irqfd_pic();
	ioeventfd_pio();
	ioeventfd_mmio();
	trace("end");
	return tap_failed;
}
