// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run: load a guest image and run it on /dev/hvx (or, with
 * --device, on any device that speaks KVM's ABI, such as /dev/kvm).
 *
 * The guest's world is small and fixed:
 *
 *   0x00001000  GDT: 0x08 32-bit code, 0x10 data, 0x18 64-bit code
 *   0x00002000  page directory for --mode paged (4 MiB pages)
 *   0x00003000  PML4 for --mode long, then its PDPT and page directories
 *               (2 MiB pages, identity-mapping all of --mem)
 *   0x00010000  where a flat binary is loaded and entered; the stack
 *               grows down from just below it
 *
 * The guest starts with RSI = its vCPU id and RDI = the memory size.
 *
 * Devices: a 16550 UART at 0x3f8 (enough of one for a guest that polls
 * the line status register), the debug port 0xe9, and port 0xf4, a write
 * to which ends the run with the value written as vmctl's exit status.
 * HLT ends the run too.  Port 0xe0 is a byte FIFO for guests that test
 * port I/O: OUT (any size, and OUTS) appends bytes, IN (and INS) takes
 * the oldest, all ones when it is empty.  Every other port reads as all
 * ones and ignores writes.  At 0xd0000000 (where --mem leaves it free) is a 4 KiB scratch
 * device whose registers read back what was last written to them, for
 * guests that test MMIO; an access anywhere else outside memory fails the
 * run.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmctl.h"

#define GDT_ADDR	0x1000
#define PD32_ADDR	0x2000
#define PML4_ADDR	0x3000
#define LOAD_ADDR	0x10000

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18

/* vmctl's own exit status when the guest did not end with port 0xf4. */
#define STATUS_GUEST_FAILED	125

#define PORT_UART	0x3f8
#define PORT_DEBUG	0xe9
#define PORT_EXIT	0xf4
#define PORT_FIFO	0xe0

#define FIFO_SIZE	8192

#define MMIO_SCRATCH		0xd0000000ULL
#define MMIO_SCRATCH_SIZE	4096

enum mode { MODE_REAL, MODE_PROTECTED, MODE_PAGED, MODE_LONG };

static const char *const mode_names[] = {
	[MODE_REAL] = "real", [MODE_PROTECTED] = "protected",
	[MODE_PAGED] = "paged", [MODE_LONG] = "long",
};

struct vm {
	int sys_fd, vm_fd;
	uint8_t *mem;
	uint64_t mem_size;
	enum mode mode;
	uint64_t entry;
	int nr_vcpus;
	bool dump_regs;
	bool quiet;
	bool trace_mmio;
	const char *device;
	/* Guards stdout and the scratch device. */
	pthread_mutex_t out_lock;
	uint8_t scratch[MMIO_SCRATCH_SIZE];
	/* The FIFO at PORT_FIFO: fifo_len bytes from fifo_head, a ring. */
	uint8_t fifo[FIFO_SIZE];
	size_t fifo_head, fifo_len;
	struct vcpu *vcpus;
};

struct vcpu {
	struct vm *vm;
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	int status;
	unsigned long exits, intr;
};

static volatile sig_atomic_t stop_requested;

/*
 * The run struct of this thread's vCPU, for the signal handler.  A signal
 * that lands while the thread is between two KVM_RUNs (handling an exit)
 * interrupts no KVM_RUN; without more, the next KVM_RUN would run the
 * guest on as if it had never come.  immediate_exit makes that KVM_RUN
 * return EINTR at once (the pattern KVM's API documentation gives).
 */
static __thread struct kvm_run *thread_run;

static void on_signal(int sig)
{
	if (sig != SIGUSR1)
		stop_requested = 1;
	if (thread_run)
		thread_run->immediate_exit = 1;
}

static int load_flat(struct vm *vm, const uint8_t *img, size_t len)
{
	if (LOAD_ADDR + len > vm->mem_size) {
		fprintf(stderr, "vmctl run: the image (%zu bytes) does not fit in guest memory at %#x\n",
			len, LOAD_ADDR);
		return -1;
	}
	memcpy(vm->mem + LOAD_ADDR, img, len);
	vm->entry = LOAD_ADDR;
	return 0;
}

/* Load the PT_LOAD segments of an ELF32 or ELF64 at their physical addresses. */
static int load_elf(struct vm *vm, const uint8_t *img, size_t len)
{
	bool is64 = img[EI_CLASS] == ELFCLASS64;
	uint64_t phoff, entry;
	unsigned int phnum, phentsize, i;

	if (is64) {
		const Elf64_Ehdr *eh = (const void *)img;

		if (len < sizeof(*eh))
			goto bad;
		phoff = eh->e_phoff;
		phnum = eh->e_phnum;
		phentsize = eh->e_phentsize;
		entry = eh->e_entry;
	} else {
		const Elf32_Ehdr *eh = (const void *)img;

		if (len < sizeof(*eh))
			goto bad;
		phoff = eh->e_phoff;
		phnum = eh->e_phnum;
		phentsize = eh->e_phentsize;
		entry = eh->e_entry;
	}
	for (i = 0; i < phnum; i++) {
		uint64_t off = phoff + (uint64_t)i * phentsize;
		uint64_t type, foff, paddr, filesz, memsz;

		if (off + (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) > len)
			goto bad;
		if (is64) {
			const Elf64_Phdr *ph = (const void *)(img + off);

			type = ph->p_type; foff = ph->p_offset;
			paddr = ph->p_paddr; filesz = ph->p_filesz;
			memsz = ph->p_memsz;
		} else {
			const Elf32_Phdr *ph = (const void *)(img + off);

			type = ph->p_type; foff = ph->p_offset;
			paddr = ph->p_paddr; filesz = ph->p_filesz;
			memsz = ph->p_memsz;
		}
		if (type != PT_LOAD)
			continue;
		if (filesz > memsz || foff + filesz > len || foff + filesz < foff ||
		    paddr + memsz > vm->mem_size || paddr + memsz < paddr) {
			fprintf(stderr, "vmctl run: ELF segment %u at %#llx does not fit in guest memory\n",
				i, (unsigned long long)paddr);
			return -1;
		}
		memcpy(vm->mem + paddr, img + foff, filesz);
		memset(vm->mem + paddr + filesz, 0, memsz - filesz);
	}
	vm->entry = entry;
	return 0;
bad:
	fprintf(stderr, "vmctl run: malformed ELF file\n");
	return -1;
}

static int load_image(struct vm *vm, const char *path)
{
	struct stat st;
	uint8_t *img;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "vmctl run: %s: %s\n", path, strerror(errno));
		return -1;
	}
	img = malloc(st.st_size + 1);
	if (!img || read(fd, img, st.st_size) != st.st_size) {
		fprintf(stderr, "vmctl run: cannot read %s\n", path);
		close(fd);
		free(img);
		return -1;
	}
	close(fd);
	if (st.st_size >= 4 && !memcmp(img, ELFMAG, SELFMAG))
		r = load_elf(vm, img, st.st_size);
	else
		r = load_flat(vm, img, st.st_size);
	free(img);
	return r;
}

/* The GDT, and the page tables the chosen mode needs. */
static void build_tables(struct vm *vm)
{
	uint64_t *gdt = (uint64_t *)(vm->mem + GDT_ADDR);
	uint64_t gb, i;

	gdt[0] = 0;
	gdt[SEL_CODE32 / 8] = 0x00cf9b000000ffffULL;	/* 32-bit, 4 GiB */
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffULL;
	gdt[SEL_CODE64 / 8] = 0x00af9b000000ffffULL;	/* L=1 */

	if (vm->mode == MODE_PAGED) {
		uint32_t *pd = (uint32_t *)(vm->mem + PD32_ADDR);

		/* 1024 4 MiB pages: the whole 32-bit space, identity. */
		for (i = 0; i < 1024; i++)
			pd[i] = (i << 22) | 0x83;	/* P, RW, PS */
	} else if (vm->mode == MODE_LONG) {
		uint64_t *pml4 = (uint64_t *)(vm->mem + PML4_ADDR);
		uint64_t *pdpt = pml4 + 512;
		uint64_t pd_addr = PML4_ADDR + 2 * 4096;

		/* At least 4 GiB, so MMIO-style addresses are mapped too. */
		gb = (vm->mem_size + (1ULL << 30) - 1) >> 30;
		if (gb < 4)
			gb = 4;
		pml4[0] = (PML4_ADDR + 4096) | 3;
		for (i = 0; i < gb; i++) {
			uint64_t *pd = (uint64_t *)(vm->mem + pd_addr + i * 4096);
			uint64_t j;

			pdpt[i] = (pd_addr + i * 4096) | 3;
			for (j = 0; j < 512; j++)
				pd[j] = ((i << 30) + (j << 21)) | 0x83;
		}
	}
}

static void set_seg(struct kvm_segment *s, uint16_t sel, bool code, bool l)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 11 : 3;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = l;
	s->db = !l;
}

static int setup_vcpu_state(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	/* Each vCPU gets its own 4 KiB of stack below the image. */
	regs.rsp = LOAD_ADDR - (uint64_t)v->id * 4096;
	regs.rsi = v->id;
	regs.rdi = vm->mem_size;

	if (vm->mode == MODE_REAL) {
		/* CS:IP = entry, with IP as small as possible. */
		sregs.cs.selector = (vm->entry >> 4) & 0xf000;
		sregs.cs.base = (uint64_t)sregs.cs.selector << 4;
		regs.rip = vm->entry - sregs.cs.base;
		sregs.ss.selector = 0;
		sregs.ss.base = 0;
		sregs.ds = sregs.es = sregs.ss;
		regs.rsp &= 0xffff;
		if (!regs.rsp)
			regs.rsp = 0xfff0;
	} else {
		bool l = vm->mode == MODE_LONG;

		set_seg(&sregs.cs, l ? SEL_CODE64 : SEL_CODE32, true, l);
		set_seg(&sregs.ds, SEL_DATA, false, false);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		sregs.gdt.base = GDT_ADDR;
		sregs.gdt.limit = 4 * 8 - 1;
		sregs.cr0 = 0x11;		/* PE, ET */
		regs.rip = vm->entry;
		if (vm->mode == MODE_PAGED) {
			sregs.cr3 = PD32_ADDR;
			sregs.cr4 = 0x10;		/* PSE */
			sregs.cr0 |= 0x80000000;	/* PG */
		} else if (l) {
			sregs.cr3 = PML4_ADDR;
			sregs.cr4 = 0x20;		/* PAE */
			sregs.cr0 |= 0x80000000;
			sregs.efer = 0x500;		/* LME, LMA */
		}
	}
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

/* Give the vCPU the device's supported CPUID, as a VMM does. */
static int setup_cpuid(struct vcpu *v)
{
	struct kvm_cpuid2 *c;
	unsigned int i;
	int r = 0;

	c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = 256;
	if (ioctl(v->vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		r = -errno;
		goto out;
	}
	/*
	 * Leaf 1: the vCPU's APIC ID; no VMX for the guest (KVM would offer
	 * nested VMX); and the "running on a hypervisor" bit, as VMMs set it.
	 */
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != 1)
			continue;
		e->ebx = (e->ebx & 0x00ffffff) | ((uint32_t)v->id << 24);
		e->ecx = (e->ecx & ~(1u << 5)) | (1u << 31);
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		r = -errno;
out:
	free(c);
	return r;
}

static void print_regs(struct vcpu *v, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "vcpu%d: cannot read registers: %s\n", v->id,
			strerror(errno));
		return;
	}
	fprintf(out, "vcpu%d: rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n",
		v->id, r.rax, r.rbx, r.rcx, r.rdx);
	fprintf(out, "vcpu%d: rsi=%016llx rdi=%016llx rsp=%016llx rbp=%016llx\n",
		v->id, r.rsi, r.rdi, r.rsp, r.rbp);
	fprintf(out, "vcpu%d: r8=%016llx r9=%016llx r10=%016llx r11=%016llx\n",
		v->id, r.r8, r.r9, r.r10, r.r11);
	fprintf(out, "vcpu%d: r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n",
		v->id, r.r12, r.r13, r.r14, r.r15);
	fprintf(out, "vcpu%d: rip=%016llx rflags=%08llx\n", v->id, r.rip,
		r.rflags);
	fprintf(out, "vcpu%d: cr0=%08llx cr3=%08llx cr4=%08llx efer=%llx\n",
		v->id, s.cr0, s.cr3, s.cr4, s.efer);
	fprintf(out, "vcpu%d: cs=%04x base=%llx l=%d db=%d ss=%04x ds=%04x\n",
		v->id, s.cs.selector, s.cs.base, s.cs.l, s.cs.db,
		s.ss.selector, s.ds.selector);
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN (triple fault)";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_INTR: return "INTR";
	default: return "unknown";
	}
}

static void guest_output(struct vm *vm, const uint8_t *data, size_t len)
{
	pthread_mutex_lock(&vm->out_lock);
	fwrite(data, 1, len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&vm->out_lock);
}

/* The FIFO port: bytes written are kept (as many as fit) for reads. */
static void fifo_io(struct vm *vm, uint8_t *data, size_t len, bool out)
{
	size_t i;

	pthread_mutex_lock(&vm->out_lock);
	for (i = 0; i < len; i++) {
		if (out && vm->fifo_len < FIFO_SIZE) {
			vm->fifo[(vm->fifo_head + vm->fifo_len++) % FIFO_SIZE] = data[i];
		} else if (!out && vm->fifo_len) {
			data[i] = vm->fifo[vm->fifo_head];
			vm->fifo_head = (vm->fifo_head + 1) % FIFO_SIZE;
			vm->fifo_len--;
		} else if (!out) {
			data[i] = 0xff;
		}
	}
	pthread_mutex_unlock(&vm->out_lock);
}

/*
 * Port I/O.  Returns -1 to go on, or the run's exit status.
 */
static int handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	size_t len = (size_t)run->io.size * run->io.count;
	uint16_t port = run->io.port;

	if (port == PORT_FIFO) {
		fifo_io(v->vm, data, len, run->io.direction == KVM_EXIT_IO_OUT);
		return -1;
	}
	if (run->io.direction == KVM_EXIT_IO_OUT) {
		if (port == PORT_EXIT) {
			uint32_t val = 0;

			memcpy(&val, data, run->io.size);
			return val & 0xff;
		}
		if ((port == PORT_UART || port == PORT_DEBUG) && run->io.size == 1)
			guest_output(v->vm, data, len);
		return -1;
	}
	/* IN: the UART's line status says "ready to send"; the rest float. */
	if (port == PORT_UART + 5)
		memset(data, 0x60, len);
	else if (port > PORT_UART && port < PORT_UART + 8)
		memset(data, 0, len);
	else
		memset(data, 0xff, len);
	return -1;
}

/*
 * MMIO: the scratch device, or nothing.  Returns true to go on.  With
 * --trace-mmio every access is printed, so that two runs of a guest can
 * be compared access by access.
 */
static bool handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct vm *vm = v->vm;
	uint64_t addr = run->mmio.phys_addr, off = addr - MMIO_SCRATCH;
	unsigned int len = run->mmio.len;
	uint64_t val = 0;

	if (addr < MMIO_SCRATCH || len > 8 || off + len > MMIO_SCRATCH_SIZE) {
		fprintf(stderr, "vmctl run: vcpu%d: MMIO %s of %u bytes at %#llx, where there is no device\n",
			v->id, run->mmio.is_write ? "write" : "read", len,
			(unsigned long long)addr);
		return false;
	}
	pthread_mutex_lock(&vm->out_lock);
	if (run->mmio.is_write)
		memcpy(vm->scratch + off, run->mmio.data, len);
	else
		memcpy(run->mmio.data, vm->scratch + off, len);
	if (vm->trace_mmio) {
		memcpy(&val, run->mmio.data, len);
		printf("mmio: %s %u at %#llx: %#llx\n",
		       run->mmio.is_write ? "write" : "read", len,
		       (unsigned long long)addr, (unsigned long long)val);
		fflush(stdout);
	}
	pthread_mutex_unlock(&vm->out_lock);
	return true;
}

/* KVM_EXIT_INTERNAL_ERROR, with the instruction bytes when there are some. */
static void print_internal_error(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t i;

	fprintf(stderr, "vmctl run: vcpu%d: exit INTERNAL_ERROR, suberror %u, data",
		v->id, run->internal.suberror);
	for (i = 0; i < run->internal.ndata && i < 16; i++)
		fprintf(stderr, " %#llx", run->internal.data[i]);
	fprintf(stderr, "\n");
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	    run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags &
	     KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		fprintf(stderr, "vmctl run: vcpu%d: could not emulate the instruction:",
			v->id);
		for (i = 0; i < run->emulation_failure.insn_size && i < 15; i++)
			fprintf(stderr, " %02x", run->emulation_failure.insn_bytes[i]);
		fprintf(stderr, "\n");
	}
}

/* Block or unblock the signals that interrupt or stop a run. */
static void run_signals(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(how, &set, NULL);
}

/*
 * A signal meant for the whole run reaches one vCPU thread: interrupt the
 * others' KVM_RUN too, so that every thread sees the stop.
 */
static void kick_others(struct vcpu *v)
{
	int i;

	for (i = 0; i < v->vm->nr_vcpus; i++)
		if (&v->vm->vcpus[i] != v)
			pthread_kill(v->vm->vcpus[i].thread, SIGUSR1);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;

	thread_run = v->run;
	run_signals(SIG_UNBLOCK);
	for (;;) {
		int r = ioctl(v->fd, KVM_RUN, 0);

		if (r < 0 && errno == EINTR) {
			v->run->immediate_exit = 0;
			v->intr++;
			if (stop_requested) {
				fprintf(stderr, "vmctl run: vcpu%d stopped by a signal\n",
					v->id);
				v->status = STATUS_GUEST_FAILED;
				kick_others(v);
				break;
			}
			continue;
		}
		if (r < 0) {
			int err = errno;

			fprintf(stderr, "vmctl run: vcpu%d: KVM_RUN: %s\n", v->id,
				strerror(err));
			/* hvx pins what the guest touches (see the README). */
			if (err == ENOMEM)
				fprintf(stderr, "vmctl run: hvx pins the guest memory the guest touches, as locked memory: raise the limit (ulimit -l) or run with CAP_IPC_LOCK\n");
			print_regs(v, stderr);
			v->status = STATUS_GUEST_FAILED;
			break;
		}
		v->exits++;
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			r = handle_io(v);
			if (r >= 0) {
				v->status = r;
				goto done;
			}
			continue;
		case KVM_EXIT_HLT: {
			struct kvm_regs regs;

			if (!ioctl(v->fd, KVM_GET_REGS, &regs) &&
			    (regs.rflags & 0x200) && !vm->quiet)
				fprintf(stderr, "vmctl run: vcpu%d halted with interrupts on; nothing can wake it, so the run ends\n",
					v->id);
			v->status = 0;
			goto done;
		}
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "vmctl run: vcpu%d: exit FAIL_ENTRY, hardware reason %#llx on CPU %u\n",
				v->id,
				v->run->fail_entry.hardware_entry_failure_reason,
				v->run->fail_entry.cpu);
			break;
		case KVM_EXIT_MMIO:
			if (handle_mmio(v))
				continue;
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			print_internal_error(v);
			break;
		default:
			fprintf(stderr, "vmctl run: vcpu%d: exit %s (%u)\n", v->id,
				exit_name(v->run->exit_reason),
				v->run->exit_reason);
			break;
		}
		print_regs(v, stderr);
		v->status = STATUS_GUEST_FAILED;
		break;
	}
done:
	return NULL;
}

/*
 * Guest memory: anonymous, reserving no swap, so it costs only what the
 * guest touches.  Placed on a 2 MiB boundary and marked for transparent
 * huge pages, so that where the host gives it huge pages the hypervisor
 * can map each 2 MiB of guest memory with one EPT entry (guest-physical 0
 * and the host address must be aligned alike).  NULL on failure.
 */
static uint8_t *map_guest_memory(uint64_t size)
{
	const uint64_t align = 2 << 20;
	uint8_t *p, *mem;
	uint64_t head;

	p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	mem = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	head = mem - p;
	if (head)
		munmap(p, head);
	munmap(mem + size, align - head);
	/* Fails harmlessly where the kernel has no transparent huge pages. */
	madvise(mem, size, MADV_HUGEPAGE);
	return mem;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	}
	return *end ? 0 : v;
}

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: vmctl run [OPTIONS] FILE\n\n"
		"Load FILE (a flat binary, entered at %#x, or an ELF file) into a new VM\n"
		"and run it.  Guest output on ports 0x3f8 and 0xe9 goes to stdout; a write\n"
		"to port 0xf4 ends the run with that value as the exit status.  HLT ends it\n"
		"with status 0.  When the guest fails, vmctl prints why and the registers and\n"
		"exits with status %d.\n\n"
		"  --mode MODE     real, protected, paged (32-bit paging) or long (default)\n"
		"  --mem SIZE      guest memory, e.g. 64M or 4G (default 16M)\n"
		"  --vcpus N       vCPUs, each on its own thread, all entering FILE with\n"
		"                  RSI = the vCPU id (default 1)\n"
		"  --device PATH   the device to use (default %s; /dev/kvm runs the same\n"
		"                  guest on KVM)\n"
		"  --regs          print every vCPU's registers when the run ends\n"
		"  --trace-mmio    print every access to the MMIO scratch device at %#llx\n"
		"  --stats         print the number of exits to userspace and signals\n",
		LOAD_ADDR, STATUS_GUEST_FAILED, HVX_DEVICE, MMIO_SCRATCH);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "mem", required_argument, NULL, 'M' },
		{ "vcpus", required_argument, NULL, 'n' },
		{ "device", required_argument, NULL, 'd' },
		{ "regs", no_argument, NULL, 'r' },
		{ "trace-mmio", no_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm vm = { .mem_size = 16 << 20, .mode = MODE_LONG,
			 .nr_vcpus = 1, .device = HVX_DEVICE };
	struct kvm_userspace_memory_region region;
	bool stats = false;
	struct vcpu *vcpus;
	struct sigaction sa;
	long mmap_size;
	int c, i, status;

	/* A signal interrupts KVM_RUN; SIGUSR1 only that, others stop the run. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pthread_mutex_init(&vm.out_lock, NULL);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			for (i = 0; i < 4; i++)
				if (!strcmp(optarg, mode_names[i]))
					break;
			if (i == 4) {
				fprintf(stderr, "vmctl run: unknown mode '%s': use real, protected, paged or long\n",
					optarg);
				return 2;
			}
			vm.mode = i;
			break;
		case 'M':
			vm.mem_size = parse_size(optarg);
			if (vm.mem_size < (1 << 20) || vm.mem_size % 4096) {
				fprintf(stderr, "vmctl run: --mem needs a multiple of 4K of at least 1M\n");
				return 2;
			}
			break;
		case 'n':
			vm.nr_vcpus = atoi(optarg);
			if (vm.nr_vcpus < 1 || vm.nr_vcpus > 16) {
				fprintf(stderr, "vmctl run: --vcpus takes 1 to 16\n");
				return 2;
			}
			break;
		case 'd':
			vm.device = optarg;
			break;
		case 'r':
			vm.dump_regs = true;
			break;
		case 't':
			vm.trace_mmio = true;
			break;
		case 's':
			stats = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		run_usage(stderr);
		return 2;
	}
	if (vm.mode != MODE_LONG && vm.mem_size > (4ULL << 30)) {
		fprintf(stderr, "vmctl run: --mem above 4G needs --mode long\n");
		return 2;
	}

	vm.sys_fd = open(vm.device, O_RDWR | O_CLOEXEC);
	if (vm.sys_fd < 0) {
		fprintf(stderr, "vmctl run: cannot open %s: %s%s\n", vm.device,
			strerror(errno),
			errno == ENOENT && !strcmp(vm.device, HVX_DEVICE) ?
			" (is the hvx module loaded? insmod hvx.ko)" : "");
		return STATUS_GUEST_FAILED;
	}
	vm.vm_fd = ioctl(vm.sys_fd, KVM_CREATE_VM, 0);
	if (vm.vm_fd < 0) {
		fprintf(stderr, "vmctl run: KVM_CREATE_VM: %s\n", strerror(errno));
		return STATUS_GUEST_FAILED;
	}
	vm.mem = map_guest_memory(vm.mem_size);
	if (!vm.mem) {
		fprintf(stderr, "vmctl run: cannot map %llu bytes of guest memory: %s\n",
			(unsigned long long)vm.mem_size, strerror(errno));
		return STATUS_GUEST_FAILED;
	}
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0, .memory_size = vm.mem_size,
		.userspace_addr = (uintptr_t)vm.mem,
	};
	if (ioctl(vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fprintf(stderr, "vmctl run: KVM_SET_USER_MEMORY_REGION: %s\n",
			strerror(errno));
		return STATUS_GUEST_FAILED;
	}
	if (load_image(&vm, argv[optind]))
		return STATUS_GUEST_FAILED;
	build_tables(&vm);

	mmap_size = ioctl(vm.sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(struct kvm_run)) {
		fprintf(stderr, "vmctl run: KVM_GET_VCPU_MMAP_SIZE: %s\n",
			strerror(errno));
		return STATUS_GUEST_FAILED;
	}
	vcpus = calloc(vm.nr_vcpus, sizeof(*vcpus));
	if (!vcpus)
		return STATUS_GUEST_FAILED;
	for (i = 0; i < vm.nr_vcpus; i++) {
		struct vcpu *v = &vcpus[i];
		int r;

		v->vm = &vm;
		v->id = i;
		v->fd = ioctl(vm.vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0) {
			fprintf(stderr, "vmctl run: KVM_CREATE_VCPU %d: %s\n", i,
				strerror(errno));
			return STATUS_GUEST_FAILED;
		}
		v->run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			fprintf(stderr, "vmctl run: mmap of vcpu %d: %s\n", i,
				strerror(errno));
			return STATUS_GUEST_FAILED;
		}
		r = setup_cpuid(v);
		if (!r)
			r = setup_vcpu_state(v);
		if (r) {
			fprintf(stderr, "vmctl run: setting up vcpu %d for %s mode: %s\n",
				i, mode_names[vm.mode], strerror(-r));
			return STATUS_GUEST_FAILED;
		}
	}

	/*
	 * Signals sent to vmctl must interrupt a KVM_RUN: this thread, which
	 * only waits, blocks them, so the kernel delivers them to a vCPU
	 * thread (which unblocks them first thing).
	 */
	vm.vcpus = vcpus;
	run_signals(SIG_BLOCK);
	for (i = 0; i < vm.nr_vcpus; i++)
		pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);
	for (i = 0; i < vm.nr_vcpus; i++)
		pthread_join(vcpus[i].thread, NULL);

	status = vcpus[0].status;
	for (i = 0; i < vm.nr_vcpus; i++) {
		if (vm.dump_regs)
			print_regs(&vcpus[i], stdout);
		if (stats)
			printf("vcpu%d: %lu exits to userspace, KVM_RUN interrupted %lu times\n",
			       i, vcpus[i].exits, vcpus[i].intr);
		if (vcpus[i].status == STATUS_GUEST_FAILED)
			status = STATUS_GUEST_FAILED;
	}
	return status;
}
