// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark guest: a freestanding 64-bit program that `vmctl run
 * --mode long` enters at _start with a stack and identity-mapped memory.
 *
 * Each benchmark times N iterations of one operation with RDTSC and prints
 * one line on the debug port 0xe9, "bench NAME CYCLES", CYCLES being the
 * mean TSC ticks per iteration (loop overhead included: it is a few
 * instructions, against thousands for an exit).  What the TSC measures
 * depends on the machine: on hardware, cycles; under Bochs, which advances
 * the TSC by one per emulated instruction, the number of instructions the
 * CPU ran for the operation, hypervisor included: a path length.
 *
 * The operations:
 *   loop      an ADD in a loop: no exit at all, the baseline
 *   cpuid     CPUID leaf 0, answered by the hypervisor in the kernel
 *   vmcall    an unknown hypercall (KVM's ABI: -KVM_ENOSYS in RAX)
 *   rdmsr     RDMSR of IA32_STAR, emulated in the kernel
 *   wrmsr     WRMSR of IA32_STAR with the value it holds
 *   out       OUT to port 0x80: an exit to the VMM (vmctl) and back
 *   in        IN from port 0x80, the VMM supplies the byte
 *   mmio_wr   a 4-byte store to vmctl's MMIO scratch device
 *   mmio_rd   a 4-byte load from it
 *   touch     the first write to each 4 KiB page of 4 MiB that was never
 *             touched: an EPT violation and its mapping, per page
 *   access    the same writes again, now mapped: no exit
 *
 * First, where an introspector (bench/introbench.c, hvx's own) answers
 * the guest's hello (introbench.h), it watches CPUID and INT3, then a
 * page's writes, for these, and switches its events off before the
 * others:
 *   intro_cpuid   CPUID, an event to the introspector and its reply
 *   intro_int3    INT3, an event the introspector answers with SKIP: the
 *                 breakpoint, its reply and the guest's next instruction
 *   intro_vmcall  VMCALL, with the channel attached but not watching it
 *   intro_page_write  a store to a page whose write right the
 *                 introspector took, and which it lets through: its PF
 *                 event, the right given back, the store single-stepped,
 *                 the step's event and the right taken again
 * Where none answers (KVM, or hvx without introbench) the guest says
 * "absent" for them after INTRO_WAIT ticks.
 *
 * Entered by bench/irqbench.c instead of `vmctl run` (RDX = IRQ_MAGIC),
 * the guest runs the interrupt benchmarks on a VM with the in-kernel
 * irqchip and two vCPUs; each prints the median of its samples (one
 * sample per interrupt, so that a host timer tick in one of them does
 * not count).  vCPU 0 measures, vCPU 1 answers IPIs:
 *   ipi       vCPU 0's IPI to vCPU 1, whose handler IPIs back, until
 *             vCPU 0's handler runs (both waiting in HLT)
 *   eoi_mmio  the xAPIC EOI write (MMIO) in a self-IPI's handler
 *   hlt_timer a one-shot APIC timer armed, HLT, its handler: the ticks
 *             beyond the time programmed (calibrated against two counts)
 *   tscdeadline  WRMSR IA32_TSC_DEADLINE, a deadline 4 ms ahead
 *   eoi_msr   the x2APIC EOI write (WRMSR 0x80b) in a self-IPI's handler
 *   tpr_mmio  a write of the TPR through the xAPIC page, nothing waiting
 *   cr8       MOV to CR8, the TPR's class, nothing waiting
 *   irq_line, irqfd  announced here, timed by the VMM (irqbench.c)
 * tscdeadline and eoi_msr need CPUID.1:ECX's TSC_DEADLINE and x2APIC
 * bits; without them the guest prints "absent NAME" instead.
 *
 * Build: see bench/Makefile (no libc, no SSE, linked at 1 MiB).
 */
typedef unsigned long u64;
typedef unsigned int u32;

#define DEBUG_PORT	0xe9
#define EXIT_PORT	0xf4
#define IDLE_PORT	0x80		/* POST codes: vmctl ignores them */
#define MMIO_SCRATCH	0xd0000000UL	/* vmctl's scratch device */
#define MSR_STAR	0xc0000081
#define TOUCH_START	(16UL << 20)	/* above the image, below --mem 64M */
#define TOUCH_SIZE	(4UL << 20)

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	/* LFENCE: nothing before it is still running when the TSC is read. */
	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((u64)hi << 32) | lo;
}

static inline void outb(unsigned short port, unsigned char v)
{
	asm volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void puts_debug(const char *s)
{
	while (*s)
		outb(DEBUG_PORT, *s++);
}

static void put_dec(u64 v)
{
	char buf[24];
	int i = sizeof(buf);

	buf[--i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts_debug(buf + i);
}

static void report(const char *name, u64 ticks, u64 n)
{
	puts_debug("bench ");
	puts_debug(name);
	puts_debug(" ");
	put_dec((ticks + n / 2) / n);
	puts_debug("\n");
}

/*
 * BENCH(name, n, op): time n rounds of the statement op.  One untimed
 * round first, so that a first-time cost (a page of code or data mapped,
 * a cache filled) is not counted.
 */
#define BENCH(name, n, op)					\
	do {							\
		u64 _i, _t0;					\
								\
		op;						\
		_t0 = rdtsc();					\
		for (_i = 0; _i < (n); _i++)			\
			op;					\
		report(name, rdtsc() - _t0, (n));		\
	} while (0)

static void add_once(u64 *acc)
{
	asm volatile("add $1, %0" : "+r"(*acc));
}

static void cpuid0(void)
{
	u32 a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

static void vmcall0(void)
{
	u64 ret = 0;

	asm volatile("vmcall" : "+a"(ret) :: "memory");
}

static void int3(void)
{
	asm volatile("int3" ::: "memory");
}

/* The page of intro_page_write, a page of its own. */
static volatile u64 intro_page[512] __attribute__((aligned(4096)));

static void page_write(void)
{
	intro_page[0]++;
}

static u64 rdmsr(u32 index)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((u64)hi << 32) | lo;
}

static void wrmsr(u32 index, u64 v)
{
	asm volatile("wrmsr" :: "c"(index), "a"((u32)v), "d"((u32)(v >> 32)));
}

static void mmio_write(u32 v)
{
	*(volatile u32 *)MMIO_SCRATCH = v;
}

static u32 mmio_read(void)
{
	return *(volatile u32 *)MMIO_SCRATCH;
}

/* Write one word into each page of the range; ticks per page. */
static void touch(const char *name)
{
	u64 a, t0 = rdtsc();

	for (a = TOUCH_START; a < TOUCH_START + TOUCH_SIZE; a += 4096)
		*(volatile u64 *)a = a;
	report(name, rdtsc() - t0, TOUCH_SIZE / 4096);
}

/* The interrupt benchmarks (irqbench.c's VM): xAPIC and IOAPIC by MMIO. */
#define APIC_BASE	0xfee00000UL
#define APIC_TPR	0x80
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0
#define SVR_ENABLE	0x100		/* APIC Software Enable */
#define ICR_SELF	(1 << 18)	/* destination shorthand: self */
#define LVTT_TSC_DEADLINE (2 << 17)
#define TDCR_DIV_1	0xb
#define IOAPIC_SEL	0xfec00000UL
#define IOAPIC_WIN	0xfec00010UL
#define MSR_APIC_BASE	0x1b
#define APIC_BASE_EXTD	(1 << 10)	/* x2APIC mode */
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_EOI	0x80b
#define MSR_X2APIC_ICR	0x830
#define CPUID_1_X2APIC	(1 << 21)
#define CPUID_1_TSC_DEADLINE (1 << 24)

#define VEC_TIMER	0x30
#define VEC_SELF	0x31
#define VEC_SELF_X2	0x32
#define VEC_PING	0x40		/* vCPU 0 to vCPU 1 */
#define VEC_PONG	0x41		/* vCPU 1 to vCPU 0 */
#define VEC_QUIT	0x42		/* vCPU 1: the benchmarks are over */
#define VEC_SPURIOUS	0xff

#define NR_SAMPLES	128
#define NR_IPI		32
#define NR_TIMER	16		/* per count */
#define NR_VMM		48		/* per RAISE_* */
/* hlt_timer's two counts: ns, as the APIC bus runs at 1 GHz (KVM's). */
#define TIMER_SHORT_NS	1000000UL
#define TIMER_LONG_NS	5000000UL
#define DEADLINE_NS	4000000UL	/* tscdeadline: a tick ahead */

#include "introbench.h"
#include "irqbench.h"

/*
 * A handler: GCC saves what it uses (everything a call may clobber, if it
 * calls) and returns with IRETQ; -mgeneral-regs-only lets it skip the
 * SSE registers.  None takes an error code: the exceptions that push one
 * go to unexpected_isr(), which never returns.
 */
struct iframe;
#define ISR __attribute__((interrupt))

static inline void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(APIC_BASE + reg) = v;
}

static inline u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(APIC_BASE + reg);
}

static inline void outl(unsigned short port, u32 v)
{
	asm volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

static inline void set_cr8(u64 v)
{
	asm volatile("mov %0, %%cr8" :: "r"(v) : "memory");
}

static u32 cpuid_1_ecx(void)
{
	u32 a = 1, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return c;
}

/*
 * Sleep until the handler that sets *@flag has run: HLT with interrupts
 * on, never a spin with them off, and no spin at all (on one host CPU a
 * spinning vCPU would hold off the one it waits for).  STI's shadow
 * covers the HLT, so an interrupt after the check still ends it.
 */
static void wait_for(volatile int *flag)
{
	asm volatile("cli" ::: "memory");
	while (!*flag)
		asm volatile("sti; hlt; cli" ::: "memory");
	asm volatile("sti" ::: "memory");
}

/* The median of @n samples (sorted in place: n is small). */
static u64 median(u64 *s, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		u64 v = s[i];

		for (j = i; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	return s[n / 2];
}

static void report_median(const char *name, u64 *s, int n)
{
	report(name, median(s, n), 1);
}

/* A benchmark the guest's CPUID rules out: report.py shows it as n/a. */
static void report_absent(const char *name)
{
	puts_debug("absent ");
	puts_debug(name);
	puts_debug("\n");
}

/* Handlers' state.  Each interrupt's handler sets its flag. */
static volatile int fired, pong, self_done, raised;
static volatile u64 fired_tsc, pong_tsc;
static u64 samples[NR_SAMPLES], samples2[NR_SAMPLES];
static volatile int nr_eoi;

/* vCPU 0: the one-shot timer. */
static void ISR timer_isr(struct iframe *f)
{
	fired_tsc = rdtsc();
	fired = 1;
	apic_write(APIC_EOI, 0);
}

/* vCPU 0: a self-IPI, whose handler times its own EOI (xAPIC, MMIO). */
static void ISR self_isr(struct iframe *f)
{
	u64 t0 = rdtsc();

	apic_write(APIC_EOI, 0);
	samples[nr_eoi++ % NR_SAMPLES] = rdtsc() - t0;
	self_done = 1;
}

/* The same in x2APIC mode: the EOI is WRMSR 0x80b. */
static void ISR self_x2_isr(struct iframe *f)
{
	u64 t0 = rdtsc();

	wrmsr(MSR_X2APIC_EOI, 0);
	samples[nr_eoi++ % NR_SAMPLES] = rdtsc() - t0;
	self_done = 1;
}

/* vCPU 0: vCPU 1's answer (and its hello). */
static void ISR pong_isr(struct iframe *f)
{
	pong_tsc = rdtsc();
	pong = 1;
	apic_write(APIC_EOI, 0);
}

/* vCPU 1: vCPU 0's IPI; EOI first, as Linux acknowledges an IPI. */
static void ISR ping_isr(struct iframe *f)
{
	apic_write(APIC_EOI, 0);
	apic_write(APIC_ICR, VEC_PONG);
}

/* vCPU 1: done.  Its thread in irqbench ends on this OUT. */
static void ISR quit_isr(struct iframe *f)
{
	outb(EXIT_PORT, 0);
	for (;;)
		asm volatile("cli; hlt");
}

/*
 * vCPU 0: an interrupt the VMM raised.  The DONE exit comes first: the
 * VMM's time ends there, before the EOI.
 */
static void ISR raised_isr(struct iframe *f)
{
	outl(PORT_DONE, 0);
	raised = 1;
	apic_write(APIC_EOI, 0);
}

static void ISR spurious_isr(struct iframe *f)
{
}

/* Anything else: tell the VMM, which ends the run. */
static void ISR unexpected_isr(struct iframe *f)
{
	outl(PORT_DEAD, 0);
	for (;;)
		asm volatile("cli; hlt");
}

struct gate {
	unsigned short off0, sel;
	unsigned char ist, type;
	unsigned short off1;
	u32 off2, zero;
};

static struct gate idt[256];

static void set_gate(int vec, void (*isr)(struct iframe *))
{
	u64 a = (u64)isr;
	unsigned short cs;

	asm("mov %%cs, %0" : "=r"(cs));
	idt[vec] = (struct gate){
		.off0 = a, .sel = cs, .type = 0x8e,	/* P, interrupt gate */
		.off1 = a >> 16, .off2 = a >> 32,
	};
}

/* vCPU 0, before vCPU 1 starts: the IDT both load. */
static void build_idt(void)
{
	int v;

	for (v = 0; v < 256; v++)
		set_gate(v, unexpected_isr);
	set_gate(VEC_TIMER, timer_isr);
	set_gate(VEC_SELF, self_isr);
	set_gate(VEC_SELF_X2, self_x2_isr);
	set_gate(VEC_LINE, raised_isr);
	set_gate(VEC_IRQFD, raised_isr);
	set_gate(VEC_PING, ping_isr);
	set_gate(VEC_PONG, pong_isr);
	set_gate(VEC_QUIT, quit_isr);
	set_gate(VEC_SPURIOUS, spurious_isr);
}

/*
 * Each vCPU: the IDT loaded, the APIC software-enabled (until then it
 * drops fixed interrupts).
 */
static void irq_cpu_init(void)
{
	struct {
		unsigned short limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)idt };

	asm volatile("lidt %0" :: "m"(idtr));
	apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
}

/* IOAPIC pin @pin: edge, active high, fixed, to APIC ID 0, unmasked. */
static void ioapic_route(int pin, int vec)
{
	*(volatile u32 *)IOAPIC_SEL = 0x10 + 2 * pin + 1;
	*(volatile u32 *)IOAPIC_WIN = 0;
	*(volatile u32 *)IOAPIC_SEL = 0x10 + 2 * pin;
	*(volatile u32 *)IOAPIC_WIN = vec;
}

/*
 * vCPU 1: answer each IPI, asleep in HLT in between.  Its ICR's
 * destination (APIC ID 0) is written once; then each answer is one
 * write.  Its hello tells vCPU 0 that its APIC takes interrupts.
 */
static void ap_main(void)
{
	irq_cpu_init();
	apic_write(APIC_ICR2, 0);
	apic_write(APIC_ICR, VEC_PONG);
	for (;;)
		asm volatile("sti; hlt");
}

/*
 * ipi: the round trip from vCPU 0's ICR write to its handler of vCPU 1's
 * answer.  With one host CPU the two vCPU threads take turns on it, so
 * the trip includes the hypervisor's wake-up of each and two switches
 * between them, not two CPUs working at once.
 */
static void bench_ipi(void)
{
	u64 t0;
	int i;

	apic_write(APIC_ICR2, 1 << 24);		/* to APIC ID 1 */
	for (i = 0; i < NR_IPI; i++) {
		pong = 0;
		t0 = rdtsc();
		apic_write(APIC_ICR, VEC_PING);
		wait_for(&pong);
		samples[i] = pong_tsc - t0;
	}
	report_median("ipi", samples, NR_IPI);
	apic_write(APIC_ICR, VEC_QUIT);
}

/* eoi_mmio, eoi_msr: a self-IPI each, its handler timing its EOI. */
static void bench_eoi(const char *name, int x2apic)
{
	int i;

	nr_eoi = 0;
	for (i = 0; i < NR_SAMPLES; i++) {
		self_done = 0;
		if (x2apic)
			wrmsr(MSR_X2APIC_ICR, ICR_SELF | VEC_SELF_X2);
		else
			apic_write(APIC_ICR, ICR_SELF | VEC_SELF);
		wait_for(&self_done);
	}
	report_median(name, samples, NR_SAMPLES);
}

/* One one-shot timer of @ns: from the count's write to the handler. */
static u64 timer_once(u32 ns)
{
	u64 t0;

	fired = 0;
	t0 = rdtsc();
	apic_write(APIC_TMICT, ns);
	wait_for(&fired);
	return fired_tsc - t0;
}

/*
 * hlt_timer: a one-shot timer armed, HLT until it fires, its handler.
 * The hypervisor's hrtimer runs on the host's clock: how many TSC ticks
 * a programmed nanosecond takes comes from timing two counts (returned,
 * scaled by 2^20, for bench_tscdeadline()), and what is left over is the
 * benchmark: the write of the count (an exit), the HLT's exit and sleep,
 * the host's timer interrupt, the wake-up, the entry that injects the
 * interrupt.
 */
static u64 bench_hlt_timer(void)
{
	u64 s, l, per_ns;
	int i;

	apic_write(APIC_TDCR, TDCR_DIV_1);
	apic_write(APIC_LVTT, VEC_TIMER);		/* one-shot */
	for (i = 0; i < NR_TIMER; i++) {
		samples[i] = timer_once(TIMER_SHORT_NS);
		samples2[i] = timer_once(TIMER_LONG_NS);
	}
	s = median(samples, NR_TIMER);
	l = median(samples2, NR_TIMER);
	per_ns = l > s ? ((l - s) << 20) / (TIMER_LONG_NS - TIMER_SHORT_NS) : 0;
	/*
	 * What the short timer took past its programmed time; 0, which
	 * report.py rejects, if the two counts make no sense.
	 */
	l = (TIMER_SHORT_NS * per_ns) >> 20;
	report("hlt_timer", per_ns && s > l ? s - l : 0, 1);
	return per_ns;
}

/*
 * tscdeadline: WRMSR IA32_TSC_DEADLINE with a deadline DEADLINE_NS
 * ahead, as a tickless kernel moves its next tick; each write replaces
 * the last before it is due.
 */
static void bench_tscdeadline(u64 per_ns)
{
	u64 ahead = (DEADLINE_NS * per_ns) >> 20, t0;
	int i;

	if (!(cpuid_1_ecx() & CPUID_1_TSC_DEADLINE)) {
		report_absent("tscdeadline");
		return;
	}
	apic_write(APIC_LVTT, LVTT_TSC_DEADLINE | VEC_TIMER);
	for (i = 0; i < NR_SAMPLES; i++) {
		t0 = rdtsc();
		wrmsr(MSR_TSC_DEADLINE, t0 + ahead);
		samples[i] = rdtsc() - t0;
	}
	wrmsr(MSR_TSC_DEADLINE, 0);
	apic_write(APIC_LVTT, VEC_TIMER);
	report_median("tscdeadline", samples, NR_SAMPLES);
}

/*
 * irq_line, irqfd: the VMM times them (irqbench.c).  Each READY exit,
 * made with interrupts on, asks it to raise nothing (the bare round
 * trip, to subtract: the DONE exit follows at once), GSI 10 by
 * KVM_IRQ_LINE, or GSI 11 through its irqfd; the guest then waits, in
 * HLT if the next entry did not bring the interrupt, for the handler,
 * whose first act is the DONE exit.  Taken in turns, so that any drift
 * touches all three alike.
 */
static void bench_vmm_irqs(void)
{
	int i, k;

	ioapic_route(GSI_LINE, VEC_LINE);
	ioapic_route(GSI_IRQFD, VEC_IRQFD);
	for (i = 0; i < NR_VMM; i++) {
		for (k = RAISE_NONE; k <= RAISE_IRQFD; k++) {
			raised = 0;
			outl(PORT_READY, k);
			if (k == RAISE_NONE)
				outl(PORT_DONE, 0);
			else
				wait_for(&raised);
		}
	}
}

/*
 * tpr_mmio, cr8: writes of the task priority with no interrupt waiting,
 * which VT-x's TPR shadow keeps from exiting.  First, that CR8 is the
 * TPR, since a benchmark of a write that did nothing would mean nothing:
 * a self-IPI of CR8's class waits (a few thousand instructions, with
 * interrupts on) and comes as CR8 goes back to 0, before the next
 * instruction; otherwise the run ends as for an unexpected interrupt.
 */
static void bench_tpr(void)
{
	int i;

	self_done = 0;
	set_cr8(VEC_SELF >> 4);
	apic_write(APIC_ICR, ICR_SELF | VEC_SELF);
	for (i = 0; i < 1000; i++)
		asm volatile("pause");
	if (self_done || apic_read(APIC_TPR) != (VEC_SELF & 0xf0))
		outl(PORT_DEAD, DEAD_CR8);
	set_cr8(0);
	if (!self_done)
		outl(PORT_DEAD, DEAD_CR8);
	BENCH("tpr_mmio", 2000, apic_write(APIC_TPR, 0));
	BENCH("cr8", 2000, set_cr8(0));
}

/* eoi_msr: last, as x2APIC mode ends the xAPIC page's use. */
static void bench_x2apic_eoi(void)
{
	if (!(cpuid_1_ecx() & CPUID_1_X2APIC)) {
		report_absent("eoi_msr");
		return;
	}
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
	bench_eoi("eoi_msr", 1);
}

/* vCPU 0 under irqbench: every interrupt benchmark, then the exit. */
static void irq_main(void)
{
	u64 per_ns;

	build_idt();
	irq_cpu_init();
	outb(0x21, 0xff);		/* both PICs masked: the IOAPIC only */
	outb(0xa1, 0xff);
	asm volatile("sti");
	outl(PORT_START_AP, 0);
	wait_for(&pong);		/* vCPU 1's hello */
	bench_ipi();
	bench_eoi("eoi_mmio", 0);
	per_ns = bench_hlt_timer();
	bench_tscdeadline(per_ns);
	bench_vmm_irqs();
	bench_tpr();
	bench_x2apic_eoi();
	outb(EXIT_PORT, 0);
}

/*
 * The introspection benchmarks, when an introspector answers the hello
 * (introbench.h) in time.  The guest's own WRMSR of INTRO_MSR exits only
 * for it; the value read back is its reply's.
 */
static void bench_intro(void)
{
	u64 t0 = rdtsc();

	do {
		wrmsr(INTRO_MSR, INTRO_HELLO);
		if (rdmsr(INTRO_MSR) == INTRO_GO)
			break;
	} while (rdtsc() - t0 < INTRO_WAIT);
	if (rdmsr(INTRO_MSR) != INTRO_GO) {
		puts_debug("absent intro_cpuid\nabsent intro_int3\n"
			   "absent intro_vmcall\nabsent intro_page_write\n");
		return;
	}
	BENCH("intro_cpuid", 500, cpuid0());
	BENCH("intro_int3", 500, int3());
	BENCH("intro_vmcall", 2000, vmcall0());
	page_write();			/* mapped before it is watched */
	wrmsr(INTRO_MSR, (u64)intro_page);	/* memory is identity-mapped */
	BENCH("intro_page_write", 200, page_write());
	wrmsr(INTRO_MSR, INTRO_BYE);	/* its events off before the rest */
}

/*
 * vmctl run and irqbench both enter here, with RDI = the memory size and
 * RSI = the vCPU's id; irqbench adds IRQ_MAGIC in RDX.
 */
void bench_main(u64 mem, u64 id, u64 magic)
{
	u64 acc = 0, star = rdmsr(MSR_STAR);

	if (magic == IRQ_MAGIC) {
		if (id)
			ap_main();
		else
			irq_main();
		for (;;)
			asm volatile("cli; hlt");
	}
	bench_intro();
	BENCH("loop", 100000, add_once(&acc));
	BENCH("cpuid", 2000, cpuid0());
	BENCH("vmcall", 2000, vmcall0());
	BENCH("rdmsr", 2000, rdmsr(MSR_STAR));
	BENCH("wrmsr", 2000, wrmsr(MSR_STAR, star));
	BENCH("out", 500, outb(IDLE_PORT, 0));
	BENCH("in", 500, inb(IDLE_PORT));
	BENCH("mmio_wr", 500, mmio_write(0));
	BENCH("mmio_rd", 500, mmio_read());
	touch("touch");
	touch("access");
	outb(EXIT_PORT, 0);
}

/* vmctl's long mode: a stack below the image, interrupts off. */
asm(".pushsection .text._start, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "	call bench_main\n"
    "1:	hlt\n"
    "	jmp 1b\n"
    ".popsection\n");
