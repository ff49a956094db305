// SPDX-License-Identifier: GPL-2.0
/*
 * irqbench: the VMM of the interrupt benchmarks, for any device that
 * speaks KVM's ABI.  `vmctl run` has no in-kernel irqchip; this VM has
 * one (KVM_CREATE_IRQCHIP: PICs, IOAPIC, a local APIC per vCPU), two
 * vCPUs on a thread each, and an irqfd, and runs the benchmark guest
 * (guest.c, which sees IRQ_MAGIC in RDX and runs its interrupt half).
 *
 *   irqbench DEVICE GUEST.elf
 *
 * The guest times what happens inside the VM with its own TSC and prints
 * it on port 0xe9 ("bench NAME VALUE", passed on to stdout).  What the
 * VMM starts, it times itself, with the host's TSC, so that the guest's
 * TSC offset does not matter: from a PORT_READY exit, just before it
 * raises the interrupt, to the KVM_RUN that returns with the handler's
 * PORT_DONE exit.  That span also holds a return to the guest and an exit
 * from it; the same span with nothing raised (RAISE_NONE, the guest's
 * next instruction is the DONE exit) is subtracted, medians both:
 *   irq_line  KVM_IRQ_LINE raising GSI 10 (an edge on IOAPIC pin 10, the
 *             lowering is not timed), from the vCPU's thread at the exit;
 *             the guest has interrupts on: the next entry injects it
 *   irqfd     a write to the eventfd that KVM_IRQFD tied to GSI 11, from
 *             the vCPU's thread at the exit; the guest then waits in HLT,
 *             as for a device thread's interrupt: what the hypervisor
 *             does between the write and the vCPU's wake-up counts
 *
 * Exit status: 0, or 1 with a message when a call or the guest failed.
 * The memory layout (GDT, long-mode page tables, stacks below 64 KiB) is
 * vmctl run's, which the guest was written for.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "irqbench.h"

#define MEM_SIZE	(32UL << 20)
#define GDT_ADDR	0x1000
#define PML4_ADDR	0x3000		/* then the PDPT, then 4 PDs */
#define STACK_TOP	0x10000		/* vCPU n's stack: 4 KiB below n KiB */
#define SEL_CODE64	0x18
#define SEL_DATA	0x10
#define DEBUG_PORT	0xe9
#define EXIT_PORT	0xf4
#define MAX_SAMPLES	256
/*
 * The guest needs well under a second of its time, and Bochs runs a guest
 * second in about a wall second: a run past this has hung.
 */
#define TIMEOUT_S	120

struct vcpu {
	int id, fd;
	struct kvm_run *run;
};

static int sys_fd, vm_fd, irqfd_fd;
static uint8_t *mem;
static uint64_t entry;
static long run_size;
static struct vcpu vcpus[2];
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* Per RAISE_*: host TSC ticks from READY to DONE. */
static uint64_t samples[3][MAX_SAMPLES];
static int nr_samples[3];

static void fail(const char *what)
{
	fprintf(stderr, "irqbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail_guest(const struct vcpu *v, const char *what)
{
	struct kvm_regs r;

	fprintf(stderr, "irqbench: vCPU %d: %s", v->id, what);
	if (ioctl(v->fd, KVM_GET_REGS, &r) == 0)
		fprintf(stderr, " (rip %#llx rsp %#llx)", r.rip, r.rsp);
	fprintf(stderr, "\n");
	exit(1);
}

static void on_alarm(int sig)
{
	static const char msg[] = "irqbench: the guest did not finish in time\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The ELF64's PT_LOAD segments at their physical addresses. */
static void load_guest(const char *path)
{
	const Elf64_Ehdr *eh;
	struct stat st;
	uint8_t *img;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		fail(path);
	img = malloc(st.st_size);
	if (!img || read(fd, img, st.st_size) != st.st_size)
		fail(path);
	close(fd);
	eh = (const void *)img;
	if (st.st_size < (off_t)sizeof(*eh) || memcmp(img, ELFMAG, SELFMAG) ||
	    img[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) >
	    (uint64_t)st.st_size) {
		fprintf(stderr, "irqbench: %s: not the benchmark guest's ELF64\n",
			path);
		exit(1);
	}
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz ||
		    ph->p_offset + ph->p_filesz > (uint64_t)st.st_size ||
		    ph->p_paddr + ph->p_memsz > MEM_SIZE) {
			fprintf(stderr, "irqbench: %s: a segment does not fit\n",
				path);
			exit(1);
		}
		memcpy(mem + ph->p_paddr, img + ph->p_offset, ph->p_filesz);
		memset(mem + ph->p_paddr + ph->p_filesz, 0,
		       ph->p_memsz - ph->p_filesz);
	}
	entry = eh->e_entry;
	free(img);
}

/*
 * vmctl's GDT and long-mode tables: 4 GiB identity-mapped with 2 MiB
 * pages, so that the APIC (0xfee00000) and IOAPIC (0xfec00000) pages are
 * reachable as well as memory.
 */
static void build_tables(void)
{
	uint64_t *gdt = (uint64_t *)(mem + GDT_ADDR);
	uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
	uint64_t *pdpt = pml4 + 512;
	uint64_t pd_addr = PML4_ADDR + 2 * 4096, i, j;

	gdt[1] = 0x00cf9b000000ffffULL;		/* 0x08: 32-bit code */
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffULL;
	gdt[SEL_CODE64 / 8] = 0x00af9b000000ffffULL;	/* L=1 */
	pml4[0] = (PML4_ADDR + 4096) | 3;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = (uint64_t *)(mem + pd_addr + i * 4096);

		pdpt[i] = (pd_addr + i * 4096) | 3;
		for (j = 0; j < 512; j++)
			pd[j] = ((i << 30) + (j << 21)) | 0x83;	/* P RW PS */
	}
}

static void set_seg(struct kvm_segment *s, uint16_t sel, bool code)
{
	*s = (struct kvm_segment){
		.selector = sel, .limit = 0xffffffff, .type = code ? 11 : 3,
		.present = 1, .s = 1, .g = 1, .l = code, .db = !code,
	};
}

/*
 * The device's supported CPUID, with the vCPU's APIC ID, without VMX,
 * and with the TSC-deadline timer where the device has one: KVM reports
 * that by capability rather than in its supported CPUID, and a VMM (QEMU)
 * sets the bit itself.
 */
static void setup_cpuid(struct vcpu *v)
{
	struct kvm_cpuid2 *c;
	bool deadline = ioctl(sys_fd, KVM_CHECK_EXTENSION,
			      KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	unsigned int i;

	c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	if (!c)
		fail("calloc");
	c->nent = 256;
	if (ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c) < 0)
		fail("KVM_GET_SUPPORTED_CPUID");
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != 1)
			continue;
		e->ebx = (e->ebx & 0x00ffffff) | ((uint32_t)v->id << 24);
		e->ecx = (e->ecx & ~(1u << 5)) | (1u << 31);
		if (deadline)
			e->ecx |= 1u << 24;
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		fail("KVM_SET_CPUID2");
	free(c);
}

/* vCPU @id in long mode at the guest's entry, RDX = IRQ_MAGIC. */
static void create_vcpu(int id)
{
	struct vcpu *v = &vcpus[id];
	struct kvm_sregs s;
	struct kvm_regs r = {
		.rip = entry, .rflags = 2, .rsp = STACK_TOP - id * 4096,
		.rdi = MEM_SIZE, .rsi = id, .rdx = IRQ_MAGIC,
	};

	v->id = id;
	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		fail("KVM_CREATE_VCPU");
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED)
		fail("mmap of kvm_run");
	setup_cpuid(v);
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		fail("KVM_GET_SREGS");
	set_seg(&s.cs, SEL_CODE64, true);
	set_seg(&s.ds, SEL_DATA, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.gdt.base = GDT_ADDR;
	s.gdt.limit = 4 * 8 - 1;
	s.cr0 = 0x80000011;		/* PG, ET, PE */
	s.cr3 = PML4_ADDR;
	s.cr4 = 0x20;			/* PAE */
	s.efer = 0x500;			/* LMA, LME */
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		fail("KVM_SET_SREGS");
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		fail("KVM_SET_REGS");
	/*
	 * With the irqchip, every vCPU but the first waits for INIT and
	 * start-up IPIs; this one starts where its registers say.
	 */
	if (id && ioctl(v->fd, KVM_SET_MP_STATE,
			&(struct kvm_mp_state){ KVM_MP_STATE_RUNNABLE }) < 0)
		fail("KVM_SET_MP_STATE");
}

static void create_vm(const char *device, const char *guest)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = MEM_SIZE,
	};
	struct kvm_irqfd irqfd = { .gsi = GSI_IRQFD };

	sys_fd = open(device, O_RDWR | O_CLOEXEC);
	if (sys_fd < 0)
		fail(device);
	vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		fail("KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap of guest memory");
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		fail("KVM_SET_USER_MEMORY_REGION");
	if (ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		fail("KVM_CREATE_IRQCHIP");
	irqfd_fd = eventfd(0, EFD_CLOEXEC);
	if (irqfd_fd < 0)
		fail("eventfd");
	irqfd.fd = irqfd_fd;
	if (ioctl(vm_fd, KVM_IRQFD, &irqfd) < 0)
		fail("KVM_IRQFD");
	run_size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		fail("KVM_GET_VCPU_MMAP_SIZE");
	load_guest(guest);
	build_tables();
	create_vcpu(0);
	create_vcpu(1);
}

static void irq_line(int level)
{
	struct kvm_irq_level l = { .irq = GSI_LINE, .level = level };

	if (ioctl(vm_fd, KVM_IRQ_LINE, &l) < 0)
		fail("KVM_IRQ_LINE");
}

/* What the guest asked with PORT_READY: raise it (the timed span begins). */
static uint64_t raise_irq(uint32_t what)
{
	uint64_t t0 = rdtsc();

	if (what == RAISE_LINE)
		irq_line(1);
	else if (what == RAISE_IRQFD &&
		 write(irqfd_fd, &(uint64_t){ 1 }, 8) != 8)
		fail("write to the irqfd's eventfd");
	return t0;
}

/*
 * KVM_RUN to the next OUT exit (an exit of any other kind ends the run);
 * the host's TSC as KVM_RUN returned in *@t.  Returns the port, the value
 * in *@val.  The guest's output and its end are handled here.
 */
static int run_to_out(struct vcpu *v, uint32_t *val, uint64_t *t)
{
	struct kvm_run *run = v->run;

	for (;;) {
		int r = ioctl(v->fd, KVM_RUN, 0);

		*t = rdtsc();
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("KVM_RUN");
		if (run->exit_reason != KVM_EXIT_IO ||
		    run->io.direction != KVM_EXIT_IO_OUT) {
			char what[64];

			snprintf(what, sizeof(what), "exit reason %u",
				 run->exit_reason);
			fail_guest(v, what);
		}
		*val = 0;
		memcpy(val, (uint8_t *)run + run->io.data_offset,
		       run->io.size < 4 ? run->io.size : 4);
		if (run->io.port == DEBUG_PORT) {
			pthread_mutex_lock(&out_lock);
			fwrite((uint8_t *)run + run->io.data_offset, 1,
			       (size_t)run->io.size * run->io.count, stdout);
			pthread_mutex_unlock(&out_lock);
			continue;
		}
		if (run->io.port == PORT_DEAD)
			fail_guest(v, *val == DEAD_CR8 ?
				   "CR8 did not act as the TPR: a self-IPI of its class came before CR8 went down, or not after" :
				   "an interrupt or exception the guest did not expect");
		return run->io.port;
	}
}

/* vCPU 1's thread: it answers IPIs in the kernel until its EXIT_PORT. */
static void *ap_thread(void *arg)
{
	struct vcpu *v = arg;
	uint64_t t;
	uint32_t val;

	if (run_to_out(v, &val, &t) != EXIT_PORT)
		fail_guest(v, "an OUT to a port it has no use for");
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(int what)
{
	qsort(samples[what], nr_samples[what], sizeof(uint64_t), cmp_u64);
	return samples[what][nr_samples[what] / 2];
}

/* A figure over the bare round trip; 0 (which report.py rejects) if none. */
static void report(const char *name, int what)
{
	uint64_t bare = median(RAISE_NONE), m = median(what);

	printf("bench %s %llu\n", name,
	       (unsigned long long)(m > bare ? m - bare : 0));
}

/*
 * vCPU 0, on this thread: the guest's requests, until its EXIT_PORT.  A
 * DONE that ends a timed span is recorded; a DONE outside one fails.
 */
static void run_bsp(void)
{
	struct vcpu *v = &vcpus[0];
	pthread_t ap;
	uint64_t t, t0 = 0;
	uint32_t val;
	int pending = -1, port;
	bool ap_started = false;

	while ((port = run_to_out(v, &val, &t)) != EXIT_PORT) {
		if (port == PORT_START_AP && !ap_started) {
			if (pthread_create(&ap, NULL, ap_thread, &vcpus[1]))
				fail("pthread_create");
			ap_started = true;
		} else if (port == PORT_READY && val <= RAISE_IRQFD &&
			   pending < 0) {
			pending = val;
			t0 = raise_irq(val);
		} else if (port == PORT_DONE && pending >= 0) {
			if (nr_samples[pending] < MAX_SAMPLES)
				samples[pending][nr_samples[pending]++] = t - t0;
			if (pending == RAISE_LINE)
				irq_line(0);
			pending = -1;
		} else {
			fail_guest(v, "an OUT out of turn");
		}
	}
	if (ap_started)
		pthread_join(ap, NULL);
	if (!nr_samples[RAISE_NONE] || !nr_samples[RAISE_LINE] ||
	    !nr_samples[RAISE_IRQFD]) {
		fprintf(stderr, "irqbench: the guest timed nothing for the VMM\n");
		exit(1);
	}
	report("irq_line", RAISE_LINE);
	report("irqfd", RAISE_IRQFD);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: irqbench DEVICE GUEST.elf\n");
		return 2;
	}
	signal(SIGALRM, on_alarm);
	alarm(TIMEOUT_S);
	create_vm(argv[1], argv[2]);
	run_bsp();
	fflush(stdout);
	return 0;
}
