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

void bench_main(void)
{
	u64 acc = 0, star = rdmsr(MSR_STAR);

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
