// SPDX-License-Identifier: GPL-2.0
/*
 * A randomized exerciser of a KVM-style device: for a bounded time, random
 * ioctls with random arguments on the system, VM and vCPU fds (memory
 * slots of random size, place, flags and backing, vCPUs with random ids,
 * mmaps of random size and offset, random registers, segment, FPU and
 * XSAVE state and XCR0, interrupts, NMIs, event and debug register state,
 * KVM_RUN of whatever that makes; on hvx, its introspection channel too:
 * fuzz_intro.h), and every exit
 * answered the way a VMM would.  The device must survive all of it: the
 * caller checks the kernel log for an oops, WARN, lockdep or kmemleak
 * report, and that the module unloads afterwards.  Prints TAP.
 *
 *   fuzz_test DEVICE SEED SECONDS
 *
 * Guest memory is HLT (0xf4) everywhere but for a few random bytes of code,
 * and RFLAGS.IF is always set, with CLI, POPF, IRET and INT filtered out of
 * the code: under Bochs a guest that loops with IF clear never lets the
 * host's timer through (see TESTBED), which would hang the machine, not
 * test hvx.  A timer signal every 20 ms ends any KVM_RUN that loops.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define NR_VMS		3
#define NR_VCPUS	3
#define NR_BUFS		4
#define BUF_SIZE	(4 << 20)

static uint64_t rng;
static const char *device;

static uint64_t rnd(void)
{
	/* xorshift64*: enough to pick arguments, and reproducible by seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* A value that is often interesting: 0, small, a boundary, or random. */
static uint64_t pick(void)
{
	static const uint64_t edge[] = {
		0, 1, 0xfff, 0x1000, 0x1001, 0x200000, 0xfffff000,
		0x100000000ULL, 0x7ffffffff000ULL, 0xffff800000000000ULL,
		~0ULL, ~0ULL << 12, 1ULL << 47, 1ULL << 52,
	};

	switch (below(4)) {
	case 0:
		return edge[below(sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return below(0x10000);
	case 2:
		return below(64) << (below(40));
	default:
		return rnd();
	}
}

struct vcpu {
	int fd;
	struct kvm_run *run;
	long run_size;
};

struct vm {
	int fd;
	struct vcpu vcpus[NR_VCPUS];
};

static int sys_fd = -1;
static struct vm vms[NR_VMS];
static uint8_t *bufs[NR_BUFS];
static long mmap_size;
static unsigned long ops, runs, exits[64];

static void on_alarm(int sig)
{
	(void)sig;
}

static void close_vcpu(struct vcpu *v)
{
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	v->run = NULL;
}

static void close_vm(struct vm *vm)
{
	int i;

	for (i = 0; i < NR_VCPUS; i++)
		close_vcpu(&vm->vcpus[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
}

/*
 * Random bytes of code, at most 16, with CLI, POPF, IRET and the INT forms
 * out; put back to HLT after the runs, so that there is never more than
 * one such stretch for a stray jump to land in.
 */
/*
 * A write to the interrupt controllers or the PIT, as a guest that
 * programs them makes one: OUT to their ports, or a 32-bit store (in the
 * encoding of 32-bit code) to the local APIC's or the IOAPIC's registers.
 */
static size_t device_code(uint8_t *p)
{
	static const uint8_t ports[] = {
		0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61,
	};
	uint32_t addr, val = rnd();

	if (below(2)) {
		p[0] = 0xb0;			/* mov al, imm8 */
		p[1] = rnd();
		p[2] = 0xe6;			/* out imm8, al */
		p[3] = ports[below(sizeof(ports))];
		return 4;
	}
	addr = below(2) ? 0xfee00000 + (below(64) << 4) :
			  0xfec00000 + (below(2) << 4);
	p[0] = 0xc7;				/* mov dword [addr], imm32 */
	p[1] = 0x05;
	memcpy(p + 2, &addr, 4);
	memcpy(p + 6, &val, 4);
	return 10;
}

static size_t random_code(uint8_t *mem, size_t size)
{
	size_t at = below(size - 16), n = below(17), i;

	for (i = 0; i < n; i++) {
		uint8_t b = rnd();

		if (below(8) == 0 && i + 10 <= 16) {
			i += device_code(mem + at + i) - 1;
			continue;
		}

		if (b == 0xfa || b == 0x9d || b == 0xcf || b == 0xcd ||
		    b == 0xcc || b == 0xce)
			b = 0x90;
		mem[at + i] = b;
	}
	return at;
}

static void set_slot(struct vm *vm)
{
	struct kvm_userspace_memory_region r = {
		/* Address space 0, SMM's 1, or one that is not there. */
		.slot = below(4) ? below(40) : below(3) << 16 | below(40),
		.flags = below(4) ? 0 : (uint32_t)rnd(),
		.guest_phys_addr = below(2) ? below(64) << 20 : pick(),
		.memory_size = below(3) ? (below(1024) + 1) << 12 : pick(),
	};
	uint8_t *buf = bufs[below(NR_BUFS)];

	if (below(8))
		r.userspace_addr = (uintptr_t)buf + (below(4) ? 0 : pick() % BUF_SIZE);
	else
		r.userspace_addr = pick();
	if (below(8) == 0)
		r.flags = KVM_MEM_READONLY;
	else if (below(4) == 0)
		r.flags = KVM_MEM_LOG_DIRTY_PAGES;
	ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/* A vCPU, and its kvm_run mapped when the mmap asked for was the right one. */
static void new_vcpu(struct vm *vm)
{
	struct vcpu *v = &vm->vcpus[below(NR_VCPUS)];
	long size = below(4) ? mmap_size : (long)(below(4) + 1) << 12;
	off_t off = below(4) ? 0 : (off_t)below(4) << 12;
	void *p;

	close_vcpu(v);
	if (below(16) == 0) {
		/*
		 * A bound on the ids, once a VM (KVM_CAP_MAX_VCPU_ID); quirks
		 * turned off and on (KVM_CAP_DISABLE_QUIRKS2), so that the
		 * guests' MONITOR, MWAIT and #UD take both ways.
		 */
		static const __u32 caps[] = {
			KVM_CAP_MAX_VCPU_ID, KVM_CAP_DISABLE_QUIRKS2,
		};
		struct kvm_enable_cap cap = {
			.cap = below(4) ? caps[below(2)] : rnd(),
			.args[0] = below(4) ? below(128) : pick(),
		};

		ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
	}
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, below(4) ? below(4) : pick());
	if (v->fd < 0)
		return;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, off);
	if (p == MAP_FAILED)
		return;
	if (size < mmap_size || off) {
		munmap(p, size);
		return;
	}
	v->run = p;
	v->run_size = size;
}

static void mutate_regs(struct vcpu *v)
{
	struct kvm_regs regs;
	uint64_t *r = (uint64_t *)&regs;

	if (ioctl(v->fd, KVM_GET_REGS, &regs))
		return;
	r[below(sizeof(regs) / 8)] = pick();
	if (below(2))
		regs.rip = below(0x100000);
	regs.rflags |= 0x200;		/* IF: see the top of this file */
	ioctl(v->fd, KVM_SET_REGS, &regs);
}

static void mutate_sregs(struct vcpu *v)
{
	struct kvm_sregs s;
	uint8_t *p = (uint8_t *)&s;
	unsigned int i, n = below(4) + 1;

	if (ioctl(v->fd, KVM_GET_SREGS, &s))
		return;
	for (i = 0; i < n; i++) {
		switch (below(6)) {
		case 0:
			s.cr0 ^= 1ULL << below(64);
			break;
		case 1:
			s.cr4 ^= 1ULL << below(64);
			break;
		case 2:
			s.efer ^= 1ULL << below(64);
			break;
		case 3:
			s.cr3 = pick();
			break;
		default:
			/* Any byte of the segments, tables and the rest. */
			p[below(sizeof(s))] = rnd();
			break;
		}
	}
	ioctl(v->fd, KVM_SET_SREGS, &s);
}

/*
 * Events: an interrupt, NMI or SMI from the VMM, or random event and
 * debug register state (SMM's too), mostly with the flags and vectors KVM
 * defines; and KVM_ENABLE_CAP on the vCPU.
 */
static void random_events(struct vcpu *v)
{
	struct kvm_vcpu_events e;
	struct kvm_debugregs d;
	struct kvm_interrupt irq;

	switch (below(6)) {
	case 4:
		ioctl(v->fd, KVM_SMI);
		break;
	case 3: {
		/* The guest held to its CPUID's paravirtual features, or not. */
		struct kvm_enable_cap cap = {
			.cap = below(4) ? KVM_CAP_ENFORCE_PV_FEATURE_CPUID : rnd(),
			.flags = below(4) ? 0 : rnd(),
			.args[0] = below(4) ? below(2) : pick(),
		};

		ioctl(v->fd, KVM_ENABLE_CAP, &cap);
		break;
	}
	case 0:
		irq.irq = below(4) ? below(256) : (uint32_t)pick();
		ioctl(v->fd, KVM_INTERRUPT, &irq);
		break;
	case 1:
		ioctl(v->fd, KVM_NMI);
		break;
	case 2:
		if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &e))
			return;
		for (unsigned int i = 0, n = below(4) + 1; i < n; i++)
			((uint8_t *)&e)[below(sizeof(e))] = rnd();
		if (below(4))
			e.flags &= 0x3f;
		if (below(2))
			e.exception.nr = below(32);
		ioctl(v->fd, KVM_SET_VCPU_EVENTS, &e);
		break;
	default:
		for (unsigned int i = 0; i < sizeof(d); i++)
			((uint8_t *)&d)[i] = rnd();
		if (below(4)) {
			d.flags = 0;
			d.dr6 &= 0xffffffff;
			d.dr7 &= 0xffffffff;
		}
		ioctl(v->fd, KVM_SET_DEBUGREGS, &d);
		break;
	}
}

/*
 * The in-kernel irqchip: lines, MSIs, routing, irqfds and ioeventfds, and
 * the state of its devices, of a vCPU's APIC and of its run state, in
 * random bytes that often keep the fields the kernel checks first
 * plausible.
 */
static void random_irqchip(struct vm *vm, struct vcpu *v)
{
	static uint8_t buf[sizeof(struct kvm_irq_routing) +
			   8 * sizeof(struct kvm_irq_routing_entry)];
	struct kvm_irq_routing *rt = (struct kvm_irq_routing *)buf;
	struct kvm_irq_level line = { .irq = below(4) ? below(32) : pick(),
				      .level = below(2) };
	struct kvm_msi msi = { .address_lo = below(4) ? 0xfee00000 : pick(),
			       .data = rnd() };
	static struct kvm_lapic_state lapic;
	struct kvm_irqchip chip;
	struct kvm_mp_state mp = { .mp_state = below(4) ? below(6) : pick() };

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = rnd();
	switch (below(9)) {
	case 7: {
		/*
		 * An irqfd (a level one now and then) or an ioeventfd on a
		 * fresh eventfd, written or not, then closed: the kernel keeps
		 * what it took and drops it when the VM goes, or at once
		 * (irqfds see the eventfd go).
		 */
		int efd = eventfd(0, EFD_NONBLOCK), rfd = eventfd(0, 0);
		struct kvm_irqfd ifd = { .fd = efd, .gsi = below(32),
					 .resamplefd = rfd,
					 .flags = below(4) ? 0 : below(4) };

		ioctl(vm->fd, KVM_IRQFD, &ifd);
		if (below(2))
			eventfd_write(efd, 1);
		close(efd);
		close(rfd);
		break;
	}
	case 8: {
		int efd = eventfd(0, EFD_NONBLOCK);
		struct kvm_ioeventfd io = {
			.fd = efd, .len = below(4) ? 1U << below(4) : below(9),
			.addr = below(2) ? 0x700 + below(8) : 0xd0000000,
			.flags = below(4) ? below(8) : rnd(), .datamatch = rnd(),
		};

		ioctl(vm->fd, KVM_IOEVENTFD, &io);
		close(efd);
		break;
	}
	case 0:
		ioctl(vm->fd, below(2) ? KVM_IRQ_LINE : KVM_IRQ_LINE_STATUS,
		      &line);
		break;
	case 1:
		ioctl(vm->fd, KVM_SIGNAL_MSI, &msi);
		break;
	case 2:
		rt->nr = below(4) ? below(9) : pick();
		rt->flags = below(4) ? 0 : rnd();
		for (unsigned int i = 0; i < 8 && below(2); i++) {
			rt->entries[i].gsi = below(32);
			rt->entries[i].type = 1 + below(2);
			rt->entries[i].flags = 0;
		}
		ioctl(vm->fd, KVM_SET_GSI_ROUTING, rt);
		break;
	case 3:
		chip.chip_id = below(4);
		if (ioctl(vm->fd, KVM_GET_IRQCHIP, &chip) == 0 && below(2))
			((uint8_t *)&chip.chip)[below(sizeof(chip.chip))] = rnd();
		ioctl(vm->fd, KVM_SET_IRQCHIP, &chip);
		break;
	case 4:
		if (v->fd >= 0 && ioctl(v->fd, KVM_GET_LAPIC, &lapic) == 0) {
			lapic.regs[below(sizeof(lapic.regs))] = rnd();
			ioctl(v->fd, KVM_SET_LAPIC, &lapic);
		}
		if (v->fd >= 0 && below(4) == 0)
			ioctl(v->fd, KVM_SET_VAPIC_ADDR,
			      &(struct kvm_vapic_addr){ below(2) ? 0 : rnd() });
		break;
	case 5:
		if (v->fd >= 0)
			ioctl(v->fd, KVM_SET_MP_STATE, &mp);
		break;
	default:
		ioctl(vm->fd, KVM_CREATE_IRQCHIP);
		break;
	}
}

/* KVM_RUN a few times, answering each exit as a VMM would. */
static void run_vcpu(struct vcpu *v)
{
	int i;

	if (!v->run)
		return;
	for (i = 0; i < 8; i++) {
		v->run->immediate_exit = below(16) == 0;
		v->run->request_interrupt_window = below(4) == 0;
		runs++;
		if (ioctl(v->fd, KVM_RUN, 0) < 0)
			return;
		exits[v->run->exit_reason & 63]++;
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			/* IN data: whatever is in the page already. */
			break;
		case KVM_EXIT_MMIO:
			if (!v->run->mmio.is_write)
				memcpy(v->run->mmio.data, &rng, 8);
			break;
		case KVM_EXIT_HLT:
			if (below(2))
				mutate_regs(v);
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN: {
			struct kvm_interrupt irq = { .irq = below(256) };

			ioctl(v->fd, KVM_INTERRUPT, &irq);
			break;
		}
		default:
			return;
		}
	}
}

/*
 * What the kernel may write back through a junk argument: an ioctl's size
 * field allows 16 KiB, and counts in junk are kept below 64 Ki entries.
 */
static uint8_t junk[1 << 22];

/* A VM, usually with 4 MiB of memory at 0, so that guests have somewhere to run. */
static void new_vm(struct vm *vm)
{
	struct kvm_userspace_memory_region r = {
		.memory_size = BUF_SIZE,
		.userspace_addr = (uintptr_t)bufs[below(NR_BUFS)],
	};

	close_vm(vm);
	vm->fd = ioctl(sys_fd, KVM_CREATE_VM, below(8) ? 0 : pick());
	if (vm->fd >= 0 && below(8))
		ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
	if (vm->fd >= 0 && below(2))
		ioctl(vm->fd, KVM_CREATE_IRQCHIP);
}

enum op {
	OP_NEW_VM, OP_CLOSE_VCPU, OP_REOPEN_SYS, OP_JUNK, OP_SLOT,
	OP_NEW_VCPU, OP_REGS, OP_SREGS, OP_RUN_CODE, OP_RUN, OP_WRONG_FD,
	OP_UNKNOWN_IOCTL, OP_MSRS, OP_FPU, OP_CPUID, OP_EVENTS, OP_IRQCHIP,
	OP_INTRO, NR_OPS
};

/*
 * How often each operation comes, in 128ths: the destructive ones
 * (a VM or vCPU gone, the system fd reopened) rarely, so that VMs live
 * long enough to run; guest code most often.
 */
static const unsigned char op_weight[NR_OPS] = {
	[OP_NEW_VM] = 2, [OP_CLOSE_VCPU] = 2, [OP_REOPEN_SYS] = 1,
	[OP_JUNK] = 8, [OP_SLOT] = 8, [OP_NEW_VCPU] = 8, [OP_REGS] = 8,
	[OP_SREGS] = 8, [OP_RUN_CODE] = 18, [OP_RUN] = 8, [OP_WRONG_FD] = 8,
	[OP_UNKNOWN_IOCTL] = 8, [OP_MSRS] = 8, [OP_FPU] = 8, [OP_CPUID] = 5,
	[OP_EVENTS] = 8, [OP_IRQCHIP] = 6, [OP_INTRO] = 6,
};

#include "fuzz_intro.h"

static enum op pick_op(void)
{
	unsigned int r = below(128), op;

	for (op = 0; r >= op_weight[op]; op++)
		r -= op_weight[op];
	return op;
}

static void one_op(void)
{
	struct vm *vm = &vms[below(NR_VMS)];
	struct vcpu *v = &vm->vcpus[below(NR_VCPUS)];
	unsigned long garbage = pick();
	enum op op = pick_op();

	ops++;
	if (vm->fd < 0 && op != OP_REOPEN_SYS)
		op = OP_NEW_VM;
	switch (op) {
	case OP_NEW_VM:
		new_vm(vm);
		break;
	case OP_JUNK:
		/* Counts in the first word stay below 64 Ki. */
		for (unsigned int i = 0; i < 4096; i++)
			junk[i] = rnd();
		junk[2] = junk[3] = 0;
		break;
	case OP_SLOT:
		if (vm->fd >= 0 && below(4) == 0) {
			/* The log of a slot, into a buffer or anywhere. */
			struct kvm_dirty_log log = {
				.slot = below(2) ? below(40) : (uint32_t)pick(),
				.dirty_bitmap = below(4) ? (void *)junk :
							   (void *)(uintptr_t)pick(),
			};

			ioctl(vm->fd, KVM_GET_DIRTY_LOG, &log);
		} else if (vm->fd >= 0) {
			set_slot(vm);
		}
		break;
	case OP_NEW_VCPU:
		if (vm->fd >= 0)
			new_vcpu(vm);
		break;
	case OP_REGS:
		if (v->fd >= 0)
			mutate_regs(v);
		break;
	case OP_SREGS:
		if (v->fd >= 0)
			mutate_sregs(v);
		break;
	case OP_RUN_CODE: {
		uint8_t *buf = bufs[below(NR_BUFS)];
		size_t at = random_code(buf, BUF_SIZE);

		run_vcpu(v);
		memset(buf + at, 0xf4, 16);
		break;
	}
	case OP_WRONG_FD: {
		/* A known ioctl on the wrong kind of fd, with junk. */
		static const unsigned long known[] = {
			KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS,
			KVM_SET_SREGS, KVM_CREATE_VCPU, KVM_CREATE_VM,
			KVM_SET_USER_MEMORY_REGION, KVM_GET_MSRS, KVM_SET_MSRS,
			KVM_GET_FPU, KVM_SET_FPU, KVM_SET_CPUID2,
			KVM_GET_CPUID2, KVM_GET_SUPPORTED_CPUID,
			KVM_GET_MSR_INDEX_LIST, KVM_CHECK_EXTENSION,
			KVM_GET_MSR_FEATURE_INDEX_LIST, KVM_SET_BOOT_CPU_ID,
			KVM_HAS_DEVICE_ATTR, KVM_GET_DEVICE_ATTR,
			KVM_SET_DEVICE_ATTR, KVM_GET_STATS_FD,
			KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR,
			KVM_GET_XSAVE, KVM_SET_XSAVE, KVM_GET_XCRS,
			KVM_SET_XCRS, KVM_GET_CLOCK, KVM_SET_CLOCK,
			KVM_X86_SET_MSR_FILTER,
		};
		int fds[] = { sys_fd, vm->fd, v->fd };
		unsigned long nr = known[below(sizeof(known) / sizeof(known[0]))];

		ioctl(fds[below(3)], nr, below(4) ? (unsigned long)junk : garbage);
		break;
	}
	case OP_UNKNOWN_IOCTL:
		/* An ioctl number nobody defined, on any fd. */
		ioctl(below(2) ? vm->fd : v->fd, (unsigned long)rnd() & 0xffffffff,
		      junk);
		break;
	case OP_MSRS:
		if (v->fd >= 0) {
			struct { struct kvm_msrs h; struct kvm_msr_entry e[4]; } m;

			m.h.nmsrs = below(8) ? below(5) : (uint32_t)pick();
			for (unsigned int i = 0; i < 4; i++) {
				/*
				 * EFER and on, the MTRRs, the MCE banks,
				 * kvmclock's and steal time's, any.
				 */
				static const uint32_t near[] = {
					0xc0000080, 0x200, 0x250, 0x2ff,
					0x179, 0x400, 0x480, 0x10a, 0x11,
					0x4b564d00,
				};

				m.e[i].index = below(2) ? near[below(10)] + below(5) :
							  (uint32_t)pick();
				m.e[i].data = pick();
			}
			ioctl(v->fd, below(2) ? KVM_SET_MSRS : KVM_GET_MSRS, &m);
		}
		if (below(8) == 0) {
			/* The VM's kvmclock, set anywhere. */
			struct kvm_clock_data c = {
				.clock = pick(), .realtime = pick(),
				.flags = below(4) ? below(8) : rnd(),
			};

			ioctl(vm->fd, KVM_SET_CLOCK, &c);
		}
		if (below(8) == 0) {
			/*
			 * MSR accesses for the VMM: a filter of up to two
			 * ranges of random bits (or none), and the reasons
			 * that exit.
			 */
			static uint8_t bits[2][64];
			struct kvm_msr_filter f = { .flags = below(4) ? below(2) : rnd() };
			struct kvm_enable_cap cap = {
				.cap = KVM_CAP_X86_USER_SPACE_MSR,
				.args[0] = below(4) ? below(8) : pick(),
			};

			for (unsigned int i = 0; i < 2 && below(2); i++) {
				for (unsigned int j = 0; j < sizeof(bits[i]); j++)
					bits[i][j] = rnd();
				f.ranges[i].flags = below(4) ? 1 + below(3) : rnd();
				f.ranges[i].base = below(2) ? below(0x2000) : pick();
				f.ranges[i].nmsrs = below(4) ? below(512) : rnd();
				f.ranges[i].bitmap = bits[i];
			}
			ioctl(vm->fd, KVM_X86_SET_MSR_FILTER, &f);
			ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
		}
		if (v->fd >= 0 && below(8) == 0) {
			/* Machine checks: a bank setup, an error raised. */
			struct kvm_x86_mce mce = {
				.status = pick(), .addr = pick(),
				.mcg_status = pick(), .bank = below(40),
			};
			uint64_t cap = below(2) ? below(40) | (pick() & 0x1000100) :
						  pick();

			if (below(2))
				ioctl(v->fd, KVM_X86_SETUP_MCE, &cap);
			else
				ioctl(v->fd, KVM_X86_SET_MCE, &mce);
		}
		break;
	case OP_FPU:
		/*
		 * FPU state: struct kvm_fpu, struct kvm_xsave and XCR0, in
		 * bytes that are random but for the header fields XRSTOR
		 * checks, which are plausible more often than not.
		 */
		if (v->fd >= 0 && below(3) == 0) {
			struct kvm_fpu f;

			for (unsigned int i = 0; i < sizeof(f); i++)
				((uint8_t *)&f)[i] = rnd();
			ioctl(v->fd, KVM_SET_FPU, &f);
		} else if (v->fd >= 0 && below(2)) {
			static struct kvm_xsave x;
			uint64_t *hdr = (uint64_t *)&x.region[128];

			for (unsigned int i = 0; i < sizeof(x) / 4; i++)
				x.region[i] = rnd();
			if (below(4))
				x.region[6] = below(2) ? 0x1f80 : rnd() & 0xffff;
			if (below(4)) {
				hdr[0] = below(2) ? below(8) : pick();
				hdr[1] = below(8) ? 0 : pick();
				memset(&hdr[2], 0, below(4) ? 48 : 0);
			}
			ioctl(v->fd, KVM_SET_XSAVE, &x);
		} else if (v->fd >= 0) {
			struct kvm_xcrs x = { .nr_xcrs = below(4) ? 1 : below(20) };

			x.xcrs[0].xcr = below(4) ? 0 : pick();
			x.xcrs[0].value = below(4) ? below(8) : pick();
			ioctl(v->fd, KVM_SET_XCRS, &x);
		}
		break;
	case OP_CPUID:
		if (v->fd >= 0) {
			struct { struct kvm_cpuid2 c; struct kvm_cpuid_entry2 e[8]; } c;

			for (unsigned int i = 0; i < sizeof(c); i++)
				((uint8_t *)&c)[i] = rnd();
			c.c.nent = below(4) ? below(9) : (uint32_t)pick();
			ioctl(v->fd, KVM_SET_CPUID2, &c);
		}
		break;
	case OP_EVENTS:
		if (v->fd >= 0)
			random_events(v);
		break;
	case OP_IRQCHIP:
		random_irqchip(vm, v);
		break;
	case OP_INTRO:
		fuzz_intro(sys_fd, vm->fd);
		break;
	case OP_RUN:
		if (v->fd >= 0)
			run_vcpu(v);
		break;
	case OP_CLOSE_VCPU:
		close_vcpu(v);
		break;
	case OP_REOPEN_SYS:
	default:
		/* A fresh system fd now and then. */
		close(sys_fd);
		sys_fd = open(device, O_RDWR);
		break;
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval tick = { { 0, 20000 }, { 0, 20000 } };
	time_t end;
	int i, j;

	if (argc != 4) {
		fprintf(stderr, "usage: fuzz_test DEVICE SEED SECONDS\n");
		return 2;
	}
	device = argv[1];
	rng = strtoull(argv[2], NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
	end = time(NULL) + atoi(argv[3]);

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &tick, NULL);
	sys_fd = open(device, O_RDWR);
	if (sys_fd < 0) {
		tap_result(0, "open %s", device);
		return 1;
	}
	mmap_size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	for (i = 0; i < NR_BUFS; i++) {
		bufs[i] = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(bufs[i], 0xf4, BUF_SIZE);
	}
	for (i = 0; i < NR_VMS; i++) {
		vms[i].fd = -1;
		for (j = 0; j < NR_VCPUS; j++)
			vms[i].vcpus[j].fd = -1;
	}
	while (time(NULL) < end)
		one_op();
	for (i = 0; i < NR_VMS; i++)
		close_vm(&vms[i]);
	close(sys_fd);

	fuzz_intro_close();
	printf("# %lu operations, %lu KVM_RUNs, %lu introspection events; exits:",
	       ops, runs, intro_events);
	for (i = 0; i < 64; i++)
		if (exits[i])
			printf(" %d:%lu", i, exits[i]);
	printf("\n");
	tap_result(ops > 0 && runs > 0,
		   "fuzz %s seed %s: %lu random operations, %lu KVM_RUNs, and the process is still here",
		   device, argv[2], ops, runs);
	return tap_failed;
}
