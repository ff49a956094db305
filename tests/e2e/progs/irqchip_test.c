// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's in-kernel irqchip, as a VMM with KVM_CREATE_IRQCHIP uses it: the
 * 8259A PICs, the IOAPIC and GSI routing behind KVM_IRQ_LINE(_STATUS),
 * KVM_SIGNAL_MSI and KVM_SET_GSI_ROUTING, KVM_GET_IRQCHIP, the local
 * APIC with KVM_GET/SET_LAPIC, its IPIs and timer, and HLT, which waits
 * in the kernel for the next interrupt instead of exiting.
 *
 *   irqchip_test DEVICE GUEST.bin      (tests/guests/irqchip.S)
 *
 * The guest starts at 0x10000 in flat 32-bit protected mode with IF=0.
 * It announces each step with an OUT and reports every handler it
 * enters (before its EOI), where it will return to and its IRET.
 * Scenarios, one function each: the ioctls' refusals (0), the PIC, with
 * a HLT that a second thread's KVM_IRQ_LINE ends (1), the IOAPIC's level
 * and edge pins (2), MSIs and routing (3), KVM_GET/SET_LAPIC and the TPR
 * (4), a self IPI and the APIC timer (5), an MSI while IF=0 (6).
 *
 * The checks hold on /dev/kvm (kvm_intel, Linux 6.1), which is the
 * reference; where KVM does something one might not expect, a comment
 * says so.  Output: TAP, and a transcript of every exit and of what the
 * ioctls returned (errors, statuses, registers) as "# | " lines, which
 * 92-irqchip.sh compares between hvx and KVM.  A KVM_RUN that does not
 * come back within RUN_TIMEOUT seconds (an interrupt that never came)
 * ends the test.
 */
#include <pthread.h>

#include "guest32_steps.h"

#define RUN_TIMEOUT	20	/* seconds */
#define WAKE_DELAY_MS	100	/* the thread's wait before it raises IRQ 1 */
#define MSI_ADDR	0xfee00000u	/* fixed, physical, APIC ID 0 */

/* Local APIC registers: offsets in kvm_lapic_state.regs. */
#define APIC_ID		0x20
#define APIC_LVR	0x30
#define APIC_TPR	0x80
#define APIC_SVR	0xf0
#define APIC_IRR	0x200
/* IOAPIC redirection entry: Remote IRR (82093AA datasheet). */
#define REDIR_REMOTE_IRR	(1ull << 14)

static long run_ms;		/* how long the last KVM_RUN took */
static const char *device;	/* argv[1] */

/* KVM_RUN to the next exit, which goes into ex and the transcript. */
static void next_exit(void)
{
	struct kvm_regs r;

	run_ms = run_timed(RUN_TIMEOUT, now_ms,
			   "KVM_RUN did not come back in time: the guest waits for an interrupt that never came",
			   &r);
	trace_exit(&r);
}

#define STATUS_ERR	(-1000)	/* the ioctl itself failed */

/* KVM_IRQ_LINE_STATUS: the status (> 0 delivered, 0 coalesced, < 0 not). */
static int irq_line(uint32_t gsi, uint32_t level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	if (ioctl(vm, KVM_IRQ_LINE_STATUS, &l) < 0) {
		trace("KVM_IRQ_LINE_STATUS gsi %u level %u: %s", gsi, level,
		      strerror(errno));
		return STATUS_ERR;
	}
	trace("KVM_IRQ_LINE_STATUS gsi %u level %u: status %d", gsi, level,
	      l.status);
	return l.status;
}

static int signal_msi(int fd, uint32_t data, uint32_t flags)
{
	struct kvm_msi msi = { .address_lo = MSI_ADDR, .data = data,
			       .flags = flags };
	char what[64];

	snprintf(what, sizeof(what), "KVM_SIGNAL_MSI data %#x flags %#x",
		 data, flags);
	return logged(what, ioctl(fd, KVM_SIGNAL_MSI, &msi));
}

static int set_routing(int fd, const struct kvm_irq_routing_entry *e,
		       uint32_t nr, uint32_t flags, const char *what)
{
	struct kvm_irq_routing *r;
	int ret;

	r = calloc(1, sizeof(*r) + nr * sizeof(*e));
	if (!r)
		bail("out of memory");
	r->nr = nr;
	r->flags = flags;
	memcpy(r->entries, e, nr * sizeof(*e));
	ret = logged(what, ioctl(fd, KVM_SET_GSI_ROUTING, r));
	free(r);
	return ret;
}

static void get_irqchip(uint32_t id, struct kvm_irqchip *c)
{
	memset(c, 0, sizeof(*c));
	c->chip_id = id;
	if (ioctl(vm, KVM_GET_IRQCHIP, c) < 0)
		bail("KVM_GET_IRQCHIP failed");
}

static void trace_pic(const char *which, uint32_t id, struct kvm_pic_state *p)
{
	struct kvm_irqchip c;

	get_irqchip(id, &c);
	*p = c.chip.pic;
	trace("pic %s: irr %#x imr %#x isr %#x irq_base %#x init_state %u elcr %#x",
	      which, p->irr, p->imr, p->isr, p->irq_base, p->init_state,
	      p->elcr);
}

/* KVM_GET_IRQCHIP of the IOAPIC: its IRR and redirection entry @pin. */
static uint64_t ioapic_entry(const char *when, unsigned int pin)
{
	struct kvm_irqchip c;

	get_irqchip(KVM_IRQCHIP_IOAPIC, &c);
	trace("ioapic %s: irr %#x pin %u %#llx", when, c.chip.ioapic.irr, pin,
	      (unsigned long long)c.chip.ioapic.redirtbl[pin].bits);
	return c.chip.ioapic.redirtbl[pin].bits;
}

static uint32_t apic_reg(const struct kvm_lapic_state *s, unsigned int off)
{
	uint32_t v;

	memcpy(&v, s->regs + off, sizeof(v));
	return v;
}

static void get_lapic(const char *when, struct kvm_lapic_state *s)
{
	if (ioctl(vcpu, KVM_GET_LAPIC, s) < 0)
		bail("KVM_GET_LAPIC failed");
	trace("lapic %s: id %#x version %#x tpr %#x svr %#x irr[0x40-0x5f] %#x",
	      when, apic_reg(s, APIC_ID), apic_reg(s, APIC_LVR),
	      apic_reg(s, APIC_TPR), apic_reg(s, APIC_SVR),
	      apic_reg(s, APIC_IRR + 0x20));
}

#define IRQCHIP_ENTRY(g, chip, p) { .gsi = (g), \
	.type = KVM_IRQ_ROUTING_IRQCHIP, \
	.u.irqchip = { .irqchip = (chip), .pin = (p) } }

/*
 * 0: what KVM refuses, on VMs of their own.  Without an irqchip, KVM
 * answers KVM_IRQ_LINE and KVM_GET_IRQCHIP with ENXIO, but
 * KVM_GET_LAPIC, KVM_SIGNAL_MSI and KVM_SET_GSI_ROUTING with EINVAL.
 */
static void api(void)
{
	static const struct {
		struct kvm_irq_routing_entry e[2];
		uint32_t nr, flags;
		const char *what;
	} bad[] = {
		{ { IRQCHIP_ENTRY(0, KVM_IRQCHIP_IOAPIC, 24) }, 1, 0,
		  "IOAPIC pin 24" },
		{ { IRQCHIP_ENTRY(0, KVM_IRQCHIP_PIC_MASTER, 8) }, 1, 0,
		  "PIC master pin 8" },
		{ { IRQCHIP_ENTRY(0, KVM_IRQCHIP_PIC_SLAVE, 8) }, 1, 0,
		  "PIC slave pin 8" },
		{ { IRQCHIP_ENTRY(0, 3, 0) }, 1, 0, "irqchip 3" },
		{ { { .gsi = 0, .type = 99 } }, 1, 0, "an unknown type (99)" },
		{ { { .gsi = 0, .type = KVM_IRQ_ROUTING_IRQCHIP, .flags = 1,
		      .u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC } } }, 1, 0,
		  "flags in an IOAPIC entry" },
		{ { IRQCHIP_ENTRY(4096, KVM_IRQCHIP_IOAPIC, 0) }, 1, 0,
		  "GSI 4096 (KVM_MAX_IRQ_ROUTES)" },
		{ { IRQCHIP_ENTRY(0, KVM_IRQCHIP_IOAPIC, 0),
		    IRQCHIP_ENTRY(0, KVM_IRQCHIP_IOAPIC, 1) }, 2, 0,
		  "GSI 0 on the IOAPIC twice" },
		{ { IRQCHIP_ENTRY(0, KVM_IRQCHIP_IOAPIC, 0) }, 1, 1,
		  "kvm_irq_routing.flags 1" },
	};
	struct kvm_irq_level line = { .irq = 1, .level = 1 };
	struct kvm_irqchip chip = { .chip_id = 3 };
	struct kvm_lapic_state lapic;
	char what[96];
	int fresh, bare, cpu;

	fresh = ioctl(sys, KVM_CREATE_VM, 0);
	bare = ioctl(sys, KVM_CREATE_VM, 0);
	if (fresh < 0 || bare < 0)
		bail("KVM_CREATE_VM failed");
	TAP_EXPECT_RET(logged("KVM_CREATE_IRQCHIP",
			      ioctl(fresh, KVM_CREATE_IRQCHIP, 0)), 0,
		       "KVM_CREATE_IRQCHIP on a fresh VM");
	TAP_EXPECT_ERRNO(logged("KVM_CREATE_IRQCHIP again",
				ioctl(fresh, KVM_CREATE_IRQCHIP, 0)), EEXIST,
			 "a second KVM_CREATE_IRQCHIP");
	TAP_EXPECT_ERRNO(logged("KVM_GET_IRQCHIP chip 3",
				ioctl(fresh, KVM_GET_IRQCHIP, &chip)), EINVAL,
			 "KVM_GET_IRQCHIP of chip_id 3");
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "KVM_SET_GSI_ROUTING with %s",
			 bad[i].what);
		TAP_EXPECT_ERRNO(set_routing(fresh, bad[i].e, bad[i].nr,
					     bad[i].flags, what), EINVAL, what);
	}
	/* x86 takes KVM_MSI_VALID_DEVID (1) here; 2 is unknown. */
	TAP_EXPECT_ERRNO(signal_msi(fresh, 0x40, 2), EINVAL,
			 "KVM_SIGNAL_MSI with flags 2");
	close(fresh);

	cpu = ioctl(bare, KVM_CREATE_VCPU, 0);
	if (cpu < 0)
		bail("KVM_CREATE_VCPU failed");
	chip.chip_id = KVM_IRQCHIP_PIC_MASTER;
	TAP_EXPECT_ERRNO(logged("no irqchip: KVM_IRQ_LINE",
				ioctl(bare, KVM_IRQ_LINE, &line)), ENXIO,
			 "KVM_IRQ_LINE without an irqchip");
	TAP_EXPECT_ERRNO(logged("no irqchip: KVM_GET_IRQCHIP",
				ioctl(bare, KVM_GET_IRQCHIP, &chip)), ENXIO,
			 "KVM_GET_IRQCHIP without an irqchip");
	TAP_EXPECT_ERRNO(logged("no irqchip: KVM_GET_LAPIC",
				ioctl(cpu, KVM_GET_LAPIC, &lapic)), EINVAL,
			 "KVM_GET_LAPIC without an irqchip");
	TAP_EXPECT_ERRNO(logged("no irqchip: KVM_SET_VAPIC_ADDR 0",
				ioctl(cpu, KVM_SET_VAPIC_ADDR,
				      &(struct kvm_vapic_addr){ 0 })), EINVAL,
			 "KVM_SET_VAPIC_ADDR without an irqchip");
	TAP_EXPECT_ERRNO(signal_msi(bare, 0x40, 0), EINVAL,
			 "KVM_SIGNAL_MSI without an irqchip");
	TAP_EXPECT_ERRNO(set_routing(bare, bad[0].e, 0, 0,
				     "no irqchip: KVM_SET_GSI_ROUTING"), EINVAL,
			 "KVM_SET_GSI_ROUTING without an irqchip");
	TAP_EXPECT_ERRNO(logged("KVM_CREATE_IRQCHIP after KVM_CREATE_VCPU",
				ioctl(bare, KVM_CREATE_IRQCHIP, 0)), EINVAL,
			 "KVM_CREATE_IRQCHIP on a VM that has a vCPU");
	close(cpu);
	close(bare);
}

/* The second thread of step 1: IRQ 1 up and down after a while. */
static struct {
	int ret[2], status[2];
} wake;

static void *raise_irq1(void *unused)
{
	struct kvm_irq_level l;

	(void)unused;
	block_alarm();
	usleep(WAKE_DELAY_MS * 1000);
	for (int i = 0; i < 2; i++) {
		l = (struct kvm_irq_level){ .irq = 1, .level = !i };
		wake.ret[i] = ioctl(vm, KVM_IRQ_LINE_STATUS, &l);
		wake.status[i] = l.status;
	}
	return NULL;
}

/*
 * 1: the PIC.  The guest HLTs with IF=1; the vCPU waits in the kernel
 * (no KVM_EXIT_HLT) until the thread raises IRQ 1.  KVM sets each GSI
 * below 16 on both chips and adds up the statuses of those that did
 * not ignore it: a fresh edge on the PIC is 1 (the IOAPIC's masked pin
 * ignores it); lowering is 1 from each chip, 2.
 */
static void pic(void)
{
	struct kvm_pic_state p;
	uint32_t woken, ret;
	pthread_t thread;
	bool ok;

	tap_result(handler_ran(3, NULL),
		   "the guest's IDT works: its INT3 reaches its #BP handler");
	sync_to(0x10);
	trace_pic("master", KVM_IRQCHIP_PIC_MASTER, &p);
	tap_result(p.irq_base == 0x20 && p.imr == 0xfd && !p.init_state,
		   "KVM_GET_IRQCHIP: the guest initialised the master PIC (vectors 0x20, IRQ 1 unmasked)");
	trace_pic("slave", KVM_IRQCHIP_PIC_SLAVE, &p);
	tap_result(p.irq_base == 0x28 && p.imr == 0xff && !p.init_state,
		   "KVM_GET_IRQCHIP: ... and the slave (vectors 0x28, all masked)");
	woken = guest_value();

	if (pthread_create(&thread, NULL, raise_irq1, NULL))
		bail("pthread_create failed");
	next_exit();
	pthread_join(thread, NULL);
	printf("#   KVM_RUN slept %ld ms (the thread waited %d ms)\n",
	       run_ms, WAKE_DELAY_MS);
	trace("thread: KVM_IRQ_LINE_STATUS gsi 1 level 1: %d status %d, level 0: %d status %d",
	      wake.ret[0], wake.status[0], wake.ret[1], wake.status[1]);
	ok = was(P_VEC, 0x21);
	tap_result(ok, "HLT with IF=1 does not exit: the next exit is the handler for 0x21 (IRQ 1)");
	tap_result(ok && run_ms >= WAKE_DELAY_MS / 2,
		   "...and KVM_RUN waited in the kernel until the thread raised IRQ 1");
	tap_result(!wake.ret[0] && wake.status[0] == 1,
		   "KVM_IRQ_LINE_STATUS: a fresh edge on an unmasked PIC line: status 1");
	ok = handler_done(0x21, &ret) && ret == woken && step(P_MARK, 0x11);
	tap_result(ok, "the handler returns past the HLT and the guest goes on");

	/* IRQ 3 is masked on both chips: each ignores it, -1. */
	tap_result(irq_line(3, 1) == -1,
		   "KVM_IRQ_LINE_STATUS on a masked PIC line: status -1");
	irq_line(3, 0);
	tap_result(irq_line(1, 1) == 1,
		   "KVM_IRQ_LINE_STATUS raising IRQ 1 at an exit: status 1");
	irq_line(1, 0);
	tap_result(handler_ran(0x21, NULL) && step(P_MARK, 0x12),
		   "the edge stays in the PIC's IRR though lowered: 0x21 runs once, 0x23 not at all");
	trace_pic("master", KVM_IRQCHIP_PIC_MASTER, &p);
	tap_result(!p.isr && (p.irr & 0x0a) == 0x08,
		   "KVM_GET_IRQCHIP: nothing in service, IRQ 3's edge waits in the IRR behind its mask");
}

/*
 * 2: the IOAPIC.  A level-triggered pin is not sent again while its
 * Remote IRR waits for the EOI: KVM's status for that is -1 (ignored),
 * not 0 (coalesced); an edge raised again while high is 0.
 */
static void ioapic(void)
{
	uint64_t e;
	bool ok;

	sync_to(0x20);
	tap_result(irq_line(5, 1) == 1,
		   "level pin 5 raised: status 1 (delivered)");
	ok = step(P_VEC, 0x35);
	tap_result(ok, "the handler for 0x35 runs");
	e = ioapic_entry("in the handler, before the EOI", 5);
	tap_result(ok && (e & REDIR_REMOTE_IRR),
		   "KVM_GET_IRQCHIP: Remote IRR set in pin 5's entry before the EOI");
	tap_result(irq_line(5, 1) == -1,
		   "pin 5 raised again before the EOI: status -1, not delivered");
	ok = handler_done(0x35, NULL) && step(P_VEC, 0x35);
	tap_result(ok, "the EOI with the line still high delivers 0x35 again");
	logged("KVM_IRQ_LINE gsi 5 level 0",
	       ioctl(vm, KVM_IRQ_LINE,
		     &(struct kvm_irq_level){ .irq = 5, .level = 0 }));
	ok = ok && handler_done(0x35, NULL) && step(P_MARK, 0x21);
	tap_result(ok, "lowered before the second EOI: no third delivery");
	e = ioapic_entry("after the EOIs", 5);
	tap_result(!(e & REDIR_REMOTE_IRR), "Remote IRR clear after the EOI");

	tap_result(irq_line(6, 1) == 1, "edge pin 6 raised: status 1");
	tap_result(handler_ran(0x36, NULL) && step(P_MARK, 0x22),
		   "the handler for 0x36 runs once");
	tap_result(irq_line(6, 1) == 0,
		   "pin 6 raised again while high: status 0 (coalesced)");
	tap_result(step(P_MARK, 0x23), "...and not delivered");
	irq_line(6, 0);
	tap_result(irq_line(6, 1) == 1, "pin 6 lowered and raised: status 1");
	tap_result(handler_ran(0x36, NULL) && step(P_MARK, 0x24),
		   "the handler for 0x36 runs again, once");
}

/*
 * 3: MSIs.  A routing table replaces the whole default one: GSI 30 goes
 * to an MSI, GSI 6 keeps its IOAPIC pin, GSI 1 has no route (-1).
 */
static void msi_routing(void)
{
	static const struct kvm_irq_routing_entry table[] = {
		{ .gsi = 30, .type = KVM_IRQ_ROUTING_MSI,
		  .u.msi = { .address_lo = MSI_ADDR, .data = 0x41 } },
		IRQCHIP_ENTRY(6, KVM_IRQCHIP_IOAPIC, 6),
	};

	sync_to(0x30);
	tap_result(signal_msi(vm, 0x40, 0) == 1,
		   "KVM_SIGNAL_MSI of vector 0x40 returns 1 (one APIC took it)");
	tap_result(handler_ran(0x40, NULL) && step(P_MARK, 0x31),
		   "the handler for 0x40 runs on the next KVM_RUN");

	TAP_EXPECT_RET(set_routing(vm, table, 2, 0,
				   "KVM_SET_GSI_ROUTING 30 -> MSI 0x41, 6 -> IOAPIC 6"),
		       0, "KVM_SET_GSI_ROUTING of an MSI route and an IOAPIC pin");
	tap_result(irq_line(30, 1) == 1, "GSI 30 raised: status 1");
	tap_result(handler_ran(0x41, NULL) && step(P_MARK, 0x32),
		   "the handler for 0x41 runs");
	irq_line(30, 0);	/* an MSI route ignores level 0 */
	tap_result(irq_line(1, 1) == -1,
		   "GSI 1, no longer routed: status -1");
	irq_line(6, 0);
	tap_result(irq_line(6, 1) == 1, "GSI 6 through the new table: status 1");
	tap_result(handler_ran(0x36, NULL) && step(P_MARK, 0x33),
		   "the handler for 0x36 runs");
}

/*
 * hvx's count of one exit reason for this process's VM, as `vmctl stats
 * --json` gives it (hvx's netlink family), or -1 on another device: KVM
 * counts no APIC-access exits apart from the others.
 */
static long long hvx_exits(const char *reason)
{
	char cmd[64], buf[8192], key[64], *p, *end;
	unsigned int id = 0, pid;
	long long n = -1;
	size_t len;
	FILE *f;

	if (strcmp(device, "/dev/hvx"))
		return -1;
	f = popen("vmctl list", "r");
	if (!f)
		bail_errno("vmctl list");
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "%u %u", &id, &pid) == 2 &&
		    pid == (unsigned int)getpid())
			break;
	pclose(f);
	snprintf(cmd, sizeof(cmd), "vmctl stats --json %u", id);
	f = popen(cmd, "r");
	if (!f)
		bail_errno(cmd);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = 0;
	pclose(f);
	/* The VM's exits come first; a reason never seen is left out. */
	p = strstr(buf, "\"exits\":{");
	end = p ? strchr(p, '}') : NULL;
	if (!end)
		return -2;
	*end = 0;
	snprintf(key, sizeof(key), "\"%s\":", reason);
	p = strstr(p, key);
	n = p ? strtoll(p + strlen(key), NULL, 10) : 0;
	printf("#   hvx: %lld %s exits\n", n, reason);
	return n;
}

/* 4: the local APIC's registers through KVM_GET/SET_LAPIC, and the TPR. */
static void lapic_state(void)
{
	struct kvm_lapic_state s;
	uint32_t after, ret;
	long long exits;
	bool ok;

	sync_to(0x40);
	get_lapic("after the guest's SVR and TPR", &s);
	tap_result(apic_reg(&s, APIC_SVR) == 0x1ff,
		   "KVM_GET_LAPIC: SVR at 0xf0 is the guest's 0x1ff");
	tap_result(apic_reg(&s, APIC_TPR) == 0x10,
		   "KVM_GET_LAPIC: TPR at 0x80 is the guest's 0x10");
	tap_result(apic_reg(&s, APIC_ID) == 0,
		   "KVM_GET_LAPIC: the ID at 0x20 is vCPU 0's, in xAPIC format (id << 24)");
	memcpy(s.regs + APIC_TPR, &(uint32_t){ 0x20 }, sizeof(uint32_t));
	TAP_EXPECT_RET(logged("KVM_SET_LAPIC tpr 0x20",
			      ioctl(vcpu, KVM_SET_LAPIC, &s)), 0,
		       "KVM_SET_LAPIC with TPR 0x20");
	/* What QEMU does at every APIC reset: no vAPIC page. */
	TAP_EXPECT_RET(logged("KVM_SET_VAPIC_ADDR 0",
			      ioctl(vcpu, KVM_SET_VAPIC_ADDR,
				    &(struct kvm_vapic_addr){ 0 })), 0,
		       "KVM_SET_VAPIC_ADDR 0");
	tap_result(guest_value() == 0x20 && step(P_MARK, 0x41),
		   "the guest reads 0x20 at 0xfee00080");

	tap_result(signal_msi(vm, 0x30, 0) == 1, "KVM_SIGNAL_MSI of vector 0x30");
	tap_result(handler_ran(0x30, NULL) && step(P_MARK, 0x42),
		   "0x30 is above TPR 0x20's class: taken at once");
	sync_to(0x43);
	tap_result(signal_msi(vm, 0x41, 0) == 1, "KVM_SIGNAL_MSI of vector 0x41");
	tap_result(step(P_MARK, 0x44),
		   "with TPR 0x40 the guest does not take 0x41");
	get_lapic("0x41 held back by the TPR", &s);
	tap_result(apic_reg(&s, APIC_TPR) == 0x40 &&
		   apic_reg(&s, APIC_IRR + 0x20) == 0x2,
		   "KVM_GET_LAPIC: TPR 0x40, 0x41 waits in the IRR");
	after = guest_value();
	ok = handler_ran(0x41, &ret) && ret == after && step(P_MARK, 0x45);
	tap_result(ok, "the guest's write of TPR 0 lets 0x41 in right after it");

	sync_to(0x46);
	exits = hvx_exits("APIC_ACCESS");
	tap_result(guest_value() == 0x35 && step(P_MARK, 0x47),
		   "the guest reads back the TPR it wrote, 0x35 (100 times)");
	if (exits < 0)
		printf("#   not counted: KVM counts no APIC-access exits apart\n");
	else
		tap_result(hvx_exits("APIC_ACCESS") == exits,
			   "its 300 TPR accesses made no APIC-access exit (the TPR shadow)");
}

/* 5: a self IPI, and the APIC timer waking HLT, one-shot and periodic. */
static void ipi_timer(void)
{
	uint32_t after, ret;
	bool ok;

	sync_to(0x50);
	after = guest_value();
	ok = handler_ran(0x50, &ret) && ret == after && step(P_MARK, 0x51);
	tap_result(ok, "a self IPI (ICR 0x40050) runs the handler for 0x50 right after the ICR write");

	sync_to(0x52);
	after = guest_value();
	next_exit();
	ok = was(P_VEC, 0x60);
	printf("#   the one-shot timer woke the guest after %ld ms\n",
	       run_ms);
	tap_result(ok, "one-shot timer, HLT: the next exit is the handler for 0x60, not KVM_EXIT_HLT");
	tap_result(ok && handler_done(0x60, &ret) && ret == after,
		   "...which returns past the HLT");
	tap_result(guest_value() == 0,
		   "the current count (0xfee00390) reads 0 once it ran out");

	sync_to(0x53);
	tap_result(guest_value() == 5,
		   "periodic timer: 5 ticks, with a HLT before each");
	tap_result(guest_value() == 0x30061,
		   "LVT timer masked by the last tick: 0x30061");
}

/* 6: an MSI that arrives while IF=0 waits for STI and its shadow. */
static void msi_if0(void)
{
	uint32_t open, ret;
	bool ok;

	sync_to(0x60);
	tap_result(!run->if_flag, "IF=0: if_flag 0");
	tap_result(signal_msi(vm, 0x42, 0) == 1, "KVM_SIGNAL_MSI of vector 0x42");
	tap_result(step(P_MARK, 0x61) && step(P_MARK, 0x62),
		   "the guest goes on with IF=0 and does not take it");
	open = guest_value();
	ok = handler_ran(0x42, &ret) && ret == open && step(P_MARK, 0x63);
	tap_result(ok, "0x42 is taken after STI and the instruction in its shadow");
}

/* A VM with an irqchip, guest memory at 0, @path at LOAD, a vCPU at LOAD. */
static void create_vm(const char *path)
{
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs s;

	create_guest_vm(path, true);
	create_vcpu0(&s);
	/*
	 * KVM lets the LVT timer take periodic mode only once a CPUID
	 * table is set (its timer_mode_mask is 0 until KVM_SET_CPUID2).
	 */
	cpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));
	if (!cpuid)
		bail("out of memory");
	cpuid->nent = 256;
	if (ioctl(sys, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 ||
	    ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0)
		bail("cannot give the vCPU the supported CPUID table");
	free(cpuid);
	start_flat32(&s);
	trace("apic_base %#llx", (unsigned long long)s.apic_base);
}

int main(int argc, char **argv)
{
	sys = open_device(argc, argv);
	device = argv[1];
	catch_alarm();
	printf("#   KVM_CAP_IRQCHIP %d KVM_CAP_IRQ_ROUTING %d KVM_CAP_SIGNAL_MSI %d\n",
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP),
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING),
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI));
	api();
	create_vm(argv[2]);

	pic();
	ioapic();
	msi_routing();
	lapic_state();
	ipi_timer();
	msi_if0();
	trace("end");
	return tap_failed;
}
