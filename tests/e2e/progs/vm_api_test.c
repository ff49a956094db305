// SPDX-License-Identifier: GPL-2.0
/*
 * The VM and vCPU ioctls of /dev/hvx: memory slots created, moved,
 * resized, re-backed and deleted while a guest reads through them; the
 * checks on slots and vCPUs; read-only slots; immediate_exit; a failed
 * VM entry; the system ioctls; hvx's own capabilities, KVM_GET/SET_MSRS,
 * the feature MSRs, the binary statistics and KVM_GET/SET_FPU (also on
 * /dev/kvm, given as the first argument with "state" after it).
 * Prints TAP.
 *
 * The guest is three instructions of 32-bit code at 0x1000:
 *   mov eax, [ADDR]; out 0x10, eax; hlt
 * so each run says what the guest sees at ADDR.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "statsfd.h"
#include "tap.h"
#include "../../../uapi/hvx.h"

#define CODE	0x1000
#define MB	(1UL << 20)

static int sys, vm, vcpu;
static const char *dev_name;
static struct kvm_run *run;
static uint8_t *low;

static int set_slot(uint32_t slot, uint64_t gpa, uint64_t size, void *hva,
		    uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

/*
 * Flat segments at 0 and RIP at CODE: 32-bit protected mode without
 * paging, or real mode (with the IVT at 0).
 */
static void enter_flat(bool real)
{
	struct kvm_regs r = { .rip = CODE, .rflags = 2 };
	struct kvm_sregs s;

	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.cs.base = 0; s.cs.limit = real ? 0xffff : 0xffffffff;
	s.cs.selector = real ? 0 : 8;
	s.cs.type = 11; s.cs.s = 1; s.cs.present = 1;
	s.cs.db = !real; s.cs.g = !real; s.cs.l = 0;
	s.ds = s.cs; s.ds.type = 3; s.ds.selector = real ? 0 : 0x10;
	s.es = s.ss = s.fs = s.gs = s.ds;
	s.tr.type = 11;		/* a busy TSS, as after RESET */
	s.cr0 = real ? 0x10 : 0x11;
	s.cr4 = 0;
	s.efer = 0;
	s.idt.base = 0;
	s.idt.limit = 0x3ff;
	ioctl(vcpu, KVM_SET_SREGS, &s);
	ioctl(vcpu, KVM_SET_REGS, &r);
}

/* Enter at CODE in flat 32-bit protected mode, reading @addr. */
static void reset_guest(uint32_t addr)
{
	low[CODE] = 0xa1;			/* mov eax, [moffs32] */
	memcpy(&low[CODE + 1], &addr, 4);
	low[CODE + 5] = 0xe7;			/* out 0x10, eax */
	low[CODE + 6] = 0x10;
	low[CODE + 7] = 0xf4;			/* hlt */
	enter_flat(false);
}

/* Run the guest; return what it read, or -1 with the exit in *why. */
static long guest_reads(uint32_t addr, uint32_t *why)
{
	reset_guest(addr);
	if (ioctl(vcpu, KVM_RUN, 0) < 0) {
		*why = 0xffff;
		return -1;
	}
	*why = run->exit_reason;
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != 0x10)
		return -1;
	return *(uint32_t *)((uint8_t *)run + run->io.data_offset);
}

/*
 * The last exit was the guest's 4-byte MMIO read at @gpa; the VMM's data
 * then reaches the guest's EAX, which it writes to port 0x10.
 */
static int is_mmio_read(uint64_t gpa)
{
	const uint32_t data = 0x5eed0000 ^ (uint32_t)gpa;

	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != gpa ||
	    run->mmio.len != 4 || run->mmio.is_write)
		return 0;
	memcpy(run->mmio.data, &data, 4);
	return ioctl(vcpu, KVM_RUN, 0) == 0 && run->exit_reason == KVM_EXIT_IO &&
	       *(uint32_t *)((uint8_t *)run + run->io.data_offset) == data;
}

static void expect_read(uint32_t addr, uint32_t want, const char *what)
{
	uint32_t why = 0;
	long got = guest_reads(addr, &why);

	tap_result(got == want, "%s", what);
	if (got != want)
		printf("#   read %#lx at %#x, exit reason %u\n", got, addr, why);
}

static void *page_of(uint32_t value, size_t size)
{
	uint32_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	for (i = 0; i < size / 4; i++)
		p[i] = value + (uint32_t)(i / 1024);
	return p;
}

static void test_slots(void)
{
	void *a = page_of(0x11110000, 8192), *b = page_of(0x22220000, 8192);
	uint32_t why = 0;
	int i, ok = 1;

	TAP_EXPECT_RET(set_slot(1, 2 * MB, 4096, a, 0), 0, "creating slot 1 at 2M");
	expect_read(2 * MB, 0x11110000, "the guest reads slot 1's memory");
	TAP_EXPECT_RET(set_slot(1, 3 * MB, 4096, a, 0), 0, "moving slot 1 to 3M");
	expect_read(3 * MB, 0x11110000, "the guest reads slot 1 at its new address");
	tap_result(guest_reads(2 * MB, &why) == -1 && is_mmio_read(2 * MB),
		   "the old address of slot 1 is no longer memory (an MMIO exit)");
	TAP_EXPECT_RET(set_slot(1, 3 * MB, 8192, a, 0), 0, "resizing slot 1 to 8K");
	expect_read(3 * MB + 4096, 0x11110001, "the guest reads the grown part");
	TAP_EXPECT_RET(set_slot(1, 3 * MB, 8192, b, 0), 0,
		       "backing slot 1 with other memory");
	expect_read(3 * MB, 0x22220000, "the guest sees the new backing, not the old");
	((uint32_t *)b)[0] = 0x33330000;
	expect_read(3 * MB, 0x33330000, "a VMM write is seen by the guest");
	TAP_EXPECT_RET(set_slot(1, 0, 0, NULL, 0), 0, "deleting slot 1");
	tap_result(guest_reads(3 * MB, &why) == -1 && is_mmio_read(3 * MB),
		   "a deleted slot is no longer memory (an MMIO exit)");

	TAP_EXPECT_ERRNO(set_slot(2, MB / 2, MB, b, 0), EEXIST,
			 "a slot overlapping slot 0");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB + 1, 4096, b, 0), EINVAL,
			 "an unaligned guest address");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 100, b, 0), EINVAL, "an unaligned size");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 4096, (uint8_t *)b + 8, 0), EINVAL,
			 "an unaligned host address");
	TAP_EXPECT_ERRNO(set_slot(2, -4096ULL, 8192, b, 0), EINVAL,
			 "a guest range that wraps");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 4096, b, 1u << 7), EINVAL,
			 "a slot flag nobody defined");
	TAP_EXPECT_ERRNO(set_slot(32, 4 * MB, 4096, b, 0), EINVAL, "slot 32");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 4096, (void *)0xffff888000000000UL, 0),
			 EINVAL, "a kernel address as backing");
	for (i = 1; i < 32 && ok; i++)
		ok = !set_slot(i, (uint64_t)(16 + i) * MB, 4096, b, 0);
	tap_result(ok, "32 slots at once");
	for (i = 1; i < 32; i++)
		set_slot(i, 0, 0, NULL, 0);
	munmap(a, 8192);
	munmap(b, 8192);
}

/*
 * A read-only slot, backed by memory the VMM itself may only read: the
 * guest reads it as memory; its write exits as an MMIO write with the
 * data, and the memory stays as it was.  The guest code here is
 *   mov dword [ADDR], VAL; mov eax, [ADDR]; out 0x10, eax; hlt
 */
static void test_readonly(void)
{
	const uint32_t addr = 5 * MB + 8, val = 0x12345678;
	uint32_t *rom = page_of(0x70700000, 4096);

	TAP_EXPECT_RET(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM), 1,
		       "KVM_CAP_READONLY_MEM");
	mprotect(rom, 4096, PROT_READ);
	TAP_EXPECT_RET(set_slot(4, 5 * MB, 4096, rom, KVM_MEM_READONLY), 0,
		       "a read-only slot over read-only memory");
	expect_read(addr, 0x70700000, "the guest reads the read-only slot");

	reset_guest(0);
	low[CODE] = 0xc7;			/* mov dword [disp32], imm32 */
	low[CODE + 1] = 0x05;
	memcpy(&low[CODE + 2], &addr, 4);
	memcpy(&low[CODE + 6], &val, 4);
	low[CODE + 10] = 0xa1;			/* mov eax, [moffs32] */
	memcpy(&low[CODE + 11], &addr, 4);
	low[CODE + 15] = 0xe7;			/* out 0x10, eax */
	low[CODE + 16] = 0x10;
	low[CODE + 17] = 0xf4;			/* hlt */
	tap_result(ioctl(vcpu, KVM_RUN, 0) == 0 &&
		   run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write &&
		   run->mmio.phys_addr == addr && run->mmio.len == 4 &&
		   !memcmp(run->mmio.data, &val, 4),
		   "a guest write to it exits as a 4-byte MMIO write of its data");
	tap_result(ioctl(vcpu, KVM_RUN, 0) == 0 && run->exit_reason == KVM_EXIT_IO &&
		   *(uint32_t *)((uint8_t *)run + run->io.data_offset) == 0x70700000 &&
		   rom[2] == 0x70700000,
		   "the guest goes on past the write, and the memory is unchanged");
	TAP_EXPECT_RET(set_slot(4, 0, 0, NULL, 0), 0, "deleting the read-only slot");
	munmap(rom, 4096);
}

static void test_vcpus(void)
{
	long size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);

	TAP_EXPECT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, 0), EEXIST, "a second vCPU 0");
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, 64), EINVAL, "vCPU id 64");
	tap_result(mmap(NULL, 4096, PROT_READ, MAP_SHARED, vcpu, 2 * 4096) == MAP_FAILED,
		   "mmap of the vCPU fd beyond its pages fails");
	tap_result(mmap(NULL, size, PROT_READ, MAP_SHARED, vcpu, 0) != MAP_FAILED,
		   "mmap of the whole vCPU area works");
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_RUN, 1), EINVAL, "KVM_RUN with an argument");
	TAP_EXPECT_ERRNO(ioctl(vm, KVM_RUN, 0), ENOTTY, "KVM_RUN on the VM fd");
}

static void test_run_controls(void)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	pid_t pid;
	int st;

	/*
	 * KVM_RUN with immediate_exit returns EINTR and leaves exit_reason
	 * as it was (a VMM uses it to finish an exit's I/O: KVM's selftests
	 * read the exit again afterwards).
	 */
	run->immediate_exit = 1;
	run->exit_reason = KVM_EXIT_IO;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_RUN, 0), EINTR, "KVM_RUN with immediate_exit");
	tap_result(run->exit_reason == KVM_EXIT_IO,
		   "immediate_exit leaves exit_reason as it was");
	run->immediate_exit = 0;

	/* Registers round-trip. */
	ioctl(vcpu, KVM_GET_REGS, &r);
	r.r13 = 0x1122334455667788ULL;
	r.rip = 0x1234;
	ioctl(vcpu, KVM_SET_REGS, &r);
	memset(&r, 0, sizeof(r));
	ioctl(vcpu, KVM_GET_REGS, &r);
	tap_result(r.r13 == 0x1122334455667788ULL && r.rip == 0x1234,
		   "KVM_SET_REGS then KVM_GET_REGS round-trips");

	/* Impossible system state is refused up front... */
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.efer = 0x500;		/* LMA without paging */
	s.cr0 = 0x11;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_SREGS, &s), EINVAL,
			 "KVM_SET_SREGS with EFER.LMA and paging off");
	/* ...and what only the CPU checks fails the entry, cleanly. */
	reset_guest(0);
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.tr.type = 1;		/* an available 16-bit TSS: not allowed */
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_SREGS, &s), 0, "KVM_SET_SREGS with a bad TR");
	TAP_EXPECT_RET(ioctl(vcpu, KVM_RUN, 0), 0, "KVM_RUN with a bad TR");
	tap_result(run->exit_reason == KVM_EXIT_FAIL_ENTRY &&
		   run->fail_entry.hardware_entry_failure_reason == 0x80000021,
		   "a bad TR gives KVM_EXIT_FAIL_ENTRY, invalid guest state");
	expect_read(CODE, 0x001000a1, "the vCPU runs again once the state is fixed");

	pid = fork();
	if (!pid)
		_exit(ioctl(vcpu, KVM_RUN, 0) == -1 && errno == EIO ? 0 : 1);
	waitpid(pid, &st, 0);
	tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "KVM_RUN from a forked child fails with EIO");
}

static void test_system(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct { struct kvm_msr_list l; uint32_t idx[64]; } msrs = { { 0 } };
	unsigned int i, found = 0;

	c->nent = 1;
	TAP_EXPECT_ERRNO(ioctl(sys, KVM_GET_SUPPORTED_CPUID, c), E2BIG,
			 "KVM_GET_SUPPORTED_CPUID with room for one entry");
	c->nent = 256;
	TAP_EXPECT_RET(ioctl(sys, KVM_GET_SUPPORTED_CPUID, c), 0,
		       "KVM_GET_SUPPORTED_CPUID");
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			found = !(c->entries[i].ecx & (1 << 5)) &&
				(c->entries[i].ecx & (1u << 31));
	tap_result(found, "supported CPUID hides VMX and sets the hypervisor bit");
	free(c);

	TAP_EXPECT_ERRNO(ioctl(sys, KVM_GET_MSR_INDEX_LIST, &msrs), E2BIG,
			 "KVM_GET_MSR_INDEX_LIST with room for none");
	found = 0;
	if (msrs.l.nmsrs <= 64 && !ioctl(sys, KVM_GET_MSR_INDEX_LIST, &msrs))
		for (i = 0; i < msrs.l.nmsrs; i++)
			found |= msrs.l.indices[i] == 0xc0000080;
	tap_result(found, "KVM_GET_MSR_INDEX_LIST names EFER");
	TAP_EXPECT_RET(ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000), 0, "KVM_SET_TSS_ADDR");
}

#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_SYSENTER_CS		0x174
#define MSR_PAT			0x277
#define MSR_IA32_ARCH_CAPABILITIES	0x10a

struct msrs {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[8];
};

static long set_msrs(const struct kvm_msr_entry *e, unsigned int n)
{
	struct msrs m = { .hdr.nmsrs = n };

	memcpy(m.e, e, n * sizeof(*e));
	return ioctl(vcpu, KVM_SET_MSRS, &m);
}

static uint64_t get_msr(uint32_t index)
{
	struct msrs m = { .hdr.nmsrs = 1, .e[0].index = index };

	return ioctl(vcpu, KVM_GET_MSRS, &m) == 1 ? m.e[0].data : 0xbad;
}

/* The next exit is the guest's OUT of EAX to port 0x10: its value. */
static long next_out(void)
{
	if (ioctl(vcpu, KVM_RUN, 0) < 0 || run->exit_reason != KVM_EXIT_IO ||
	    run->io.port != 0x10)
		return -1;
	return *(uint32_t *)((uint8_t *)run + run->io.data_offset);
}

/*
 * KVM_GET_MSRS and KVM_SET_MSRS, and what the guest sees of them.  Runs
 * on /dev/kvm too (with "state" after the device): the same answers.
 */
static void test_msrs(bool own)
{
	static const struct kvm_msr_entry good[] = {
		{ .index = MSR_STAR, .data = 0x0023001000000000ULL },
		{ .index = MSR_LSTAR, .data = 0xffffffff81000000ULL },
		{ .index = MSR_SYSCALL_MASK, .data = 0x47700 },
		{ .index = MSR_KERNEL_GS_BASE, .data = 0x00007f0000001000ULL },
		{ .index = MSR_SYSENTER_CS, .data = 0x10 },
		{ .index = MSR_PAT, .data = 0x0007010600070106ULL },
	};
	/* mov ecx, STAR; rdmsr; out 0x10, eax; mov eax, edx; out 0x10, eax;
	 * mov ecx, SFMASK; mov eax, 0x300; xor edx, edx; wrmsr; hlt */
	static const uint8_t code[] = {
		0xb9, 0x81, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0xe7, 0x10,
		0x89, 0xd0, 0xe7, 0x10,
		0xb9, 0x84, 0x00, 0x00, 0xc0, 0xb8, 0x00, 0x03, 0x00, 0x00,
		0x31, 0xd2, 0x0f, 0x30, 0xf4,
	};
	struct kvm_msr_entry bad[3] = {
		{ .index = MSR_STAR, .data = 0x0023001000000000ULL },
		{ .index = 0x12345 },
		{ .index = MSR_LSTAR, .data = 0xffffffff82000000ULL },
	};
	struct msrs m = { .hdr.nmsrs = 256 };
	unsigned int i, same = 0;
	long lo, hi, v;

	TAP_EXPECT_RET(set_msrs(good, 6), 6, "msrs: KVM_SET_MSRS of 6 MSRs");
	for (i = 0; i < 6; i++)
		same += get_msr(good[i].index) == good[i].data;
	tap_result(same == 6, "msrs: KVM_GET_MSRS reads back all 6 (%u)", same);
	TAP_EXPECT_RET(set_msrs(bad, 3), 1,
		       "msrs: KVM_SET_MSRS stops at an unknown MSR, after 1");
	tap_result(get_msr(MSR_LSTAR) == good[1].data,
		   "msrs: ...and leaves the MSRs after it alone");
	bad[0].index = MSR_LSTAR;
	bad[0].data = 0x0000800000000000ULL;
	TAP_EXPECT_RET(set_msrs(bad, 1), 0,
		       "msrs: a non-canonical LSTAR is refused");
	bad[0].index = MSR_PAT;
	bad[0].data = 0x0000000000000002ULL;
	TAP_EXPECT_RET(set_msrs(bad, 1), 0,
		       "msrs: a PAT with a reserved memory type is refused");
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_SET_MSRS, &m), E2BIG,
			 "msrs: KVM_SET_MSRS of 256 entries");
	m.hdr.nmsrs = 0;
	TAP_EXPECT_RET(ioctl(vcpu, KVM_GET_MSRS, &m), 0,
		       "msrs: KVM_GET_MSRS of none");

	reset_guest(0);
	memcpy(&low[CODE], code, sizeof(code));
	lo = next_out();
	hi = next_out();
	tap_result(lo == 0 && hi == 0x00230010,
		   "msrs: the guest's RDMSR sees the STAR the VMM set");
	if (lo != 0 || hi != 0x00230010)
		printf("#   read %#lx:%#lx\n", hi, lo);
	tap_result(ioctl(vcpu, KVM_RUN, 0) == 0 &&
		   run->exit_reason == KVM_EXIT_HLT &&
		   get_msr(MSR_SYSCALL_MASK) == 0x300,
		   "msrs: KVM_GET_MSRS sees the SFMASK the guest's WRMSR set");

	/*
	 * RDMSR of an unknown MSR in real mode: #GP through the IVT, with no
	 * error code (a VM entry that asks for one there fails).
	 */
	{
		/* mov ecx, 0x12345; rdmsr; hlt -- the #GP handler at 0x3000:
		 * mov al, 13; out 0x10, al; hlt */
		static const uint8_t rm[] = {
			0x66, 0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32, 0xf4,
		};
		static const uint8_t gp[] = { 0xb0, 0x0d, 0xe6, 0x10, 0xf4 };
		uint16_t ivt13[2] = { 0x3000, 0 };

		memcpy(&low[CODE], rm, sizeof(rm));
		memcpy(&low[0x3000], gp, sizeof(gp));
		memcpy(&low[13 * 4], ivt13, sizeof(ivt13));
		enter_flat(true);
		v = ioctl(vcpu, KVM_RUN, 0);
		tap_result(v == 0 && run->exit_reason == KVM_EXIT_IO &&
			   run->io.port == 0x10 &&
			   *((uint8_t *)run + run->io.data_offset) == 13,
			   "msrs: RDMSR of an unknown MSR in real mode raises #GP through the IVT (exit %u)",
			   run->exit_reason);
	}
	/*
	 * IA32_UCODE_REV: the revision is the VMM's to set, in the high half;
	 * the guest's write (Intel's "write 0, then read") changes nothing.
	 */
	{
		/* mov ecx, 0x8b; xor eax, eax; xor edx, edx; wrmsr; rdmsr;
		 * mov al, dl; out 0x10, al; hlt */
		static const uint8_t rm[] = {
			0x66, 0xb9, 0x8b, 0x00, 0x00, 0x00, 0x66, 0x31, 0xc0,
			0x66, 0x31, 0xd2, 0x0f, 0x30, 0x0f, 0x32, 0x88, 0xd0,
			0xe6, 0x10, 0xf4,
		};
		struct kvm_msr_entry e = { .index = 0x8b, .data = 5ULL << 32 };

		memcpy(&low[CODE], rm, sizeof(rm));
		TAP_EXPECT_RET(set_msrs(&e, 1), 1,
			       "msrs: KVM_SET_MSRS sets IA32_UCODE_REV");
		enter_flat(true);
		v = ioctl(vcpu, KVM_RUN, 0);
		tap_result(v == 0 && run->exit_reason == KVM_EXIT_IO &&
			   run->io.port == 0x10 &&
			   *((uint8_t *)run + run->io.data_offset) == 5,
			   "msrs: the guest reads the VMM's microcode revision after writing 0 (exit %u)",
			   run->exit_reason);
	}

	if (own) {
		struct { struct kvm_msr_list l; uint32_t idx[64]; } list = {
			.l.nmsrs = 64,
		};
		struct { struct kvm_msrs hdr; struct kvm_msr_entry e[64]; } all;

		memset(&all, 0, sizeof(all));
		if (!ioctl(sys, KVM_GET_MSR_INDEX_LIST, &list)) {
			all.hdr.nmsrs = list.l.nmsrs;
			for (i = 0; i < list.l.nmsrs; i++)
				all.e[i].index = list.l.indices[i];
		}
		TAP_EXPECT_RET(ioctl(vcpu, KVM_GET_MSRS, &all), list.l.nmsrs,
			       "msrs: KVM_GET_MSRS reads every MSR of KVM_GET_MSR_INDEX_LIST");
		/* What a VMM saved, it can restore: the same values back. */
		TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_MSRS, &all), list.l.nmsrs,
			       "msrs: KVM_SET_MSRS takes back every value KVM_GET_MSRS read");
		v = 0;
		for (i = 0; i < list.l.nmsrs; i++)
			v |= list.l.indices[i] == MSR_IA32_ARCH_CAPABILITIES;
		tap_result(v, "msrs: KVM_GET_MSR_INDEX_LIST names IA32_ARCH_CAPABILITIES");
		all.hdr.nmsrs = 1;
		all.e[0].index = MSR_IA32_ARCH_CAPABILITIES;
		all.e[0].data = 0;
		TAP_EXPECT_RET(ioctl(vcpu, KVM_GET_MSRS, &all), 1,
			       "msrs: KVM_GET_MSRS reads IA32_ARCH_CAPABILITIES");
		/* The lowest bit the CPU's value lacks. */
		for (i = 0; i < 63 && (all.e[0].data >> i & 1); i++)
			;
		all.e[0].data |= 1ULL << i;
		TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_MSRS, &all), 0,
			       "msrs: KVM_SET_MSRS refuses an IA32_ARCH_CAPABILITIES bit the CPU's lacks");
	}
}

#define MSR_IA32_PERF_CAPABILITIES	0x345

/*
 * The feature MSRs, on the system fd: listed, readable there, and the
 * same IA32_ARCH_CAPABILITIES as a vCPU's.  On /dev/kvm too.
 */
static void test_feature_msrs(void)
{
	struct { struct kvm_msr_list l; uint32_t idx[64]; } list = {
		.l.nmsrs = 0,
	};
	struct msrs m = { .hdr.nmsrs = 1 };
	bool arch = false, perf = false;
	uint64_t arch_caps = 0, perf_caps = 1;
	unsigned int i;

	tap_result(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES) > 0,
		   "feature msrs: KVM_CAP_GET_MSR_FEATURES");
	TAP_EXPECT_ERRNO(ioctl(sys, KVM_GET_MSR_FEATURE_INDEX_LIST, &list), E2BIG,
			 "feature msrs: KVM_GET_MSR_FEATURE_INDEX_LIST with room for none");
	tap_result(list.l.nmsrs > 0 && list.l.nmsrs <= 64,
		   "feature msrs: ...says how many there are (%u)", list.l.nmsrs);
	if (list.l.nmsrs > 64)
		return;
	TAP_EXPECT_RET(ioctl(sys, KVM_GET_MSR_FEATURE_INDEX_LIST, &list), 0,
		       "feature msrs: KVM_GET_MSR_FEATURE_INDEX_LIST");
	for (i = 0; i < list.l.nmsrs; i++) {
		arch |= list.l.indices[i] == MSR_IA32_ARCH_CAPABILITIES;
		perf |= list.l.indices[i] == MSR_IA32_PERF_CAPABILITIES;
	}
	tap_result(arch && perf,
		   "feature msrs: IA32_ARCH_CAPABILITIES and IA32_PERF_CAPABILITIES are listed");

	/* Every one listed reads on the system fd, in one call. */
	{
		struct { struct kvm_msrs hdr; struct kvm_msr_entry e[64]; } all;

		memset(&all, 0, sizeof(all));
		all.hdr.nmsrs = list.l.nmsrs;
		for (i = 0; i < list.l.nmsrs; i++)
			all.e[i].index = list.l.indices[i];
		TAP_EXPECT_RET(ioctl(sys, KVM_GET_MSRS, &all), list.l.nmsrs,
			       "feature msrs: KVM_GET_MSRS on the system fd reads every one listed");
		for (i = 0; i < list.l.nmsrs; i++) {
			if (all.e[i].index == MSR_IA32_ARCH_CAPABILITIES)
				arch_caps = all.e[i].data;
			if (all.e[i].index == MSR_IA32_PERF_CAPABILITIES)
				perf_caps = all.e[i].data;
		}
	}
	/* MSR_PLATFORM_INFO: the VMM's to set; bit 31, CPUID faulting, not on hvx. */
	{
		struct kvm_msr_entry pi = { .index = 0xce, .data = 0xff00 };
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_MSR_PLATFORM_INFO, .args[0] = 0,
		};

		TAP_EXPECT_RET(set_msrs(&pi, 1), 1,
			       "platform info: KVM_SET_MSRS of MSR_PLATFORM_INFO");
		tap_result(get_msr(0xce) == 0xff00,
			   "platform info: KVM_GET_MSRS reads it back");
		TAP_EXPECT_RET(ioctl(vm, KVM_ENABLE_CAP, &cap), 0,
			       "platform info: KVM_CAP_MSR_PLATFORM_INFO off");
		tap_result(get_msr(0xce) == 0xff00,
			   "platform info: ...and the VMM still reads it");
		cap.args[0] = 1;
		TAP_EXPECT_RET(ioctl(vm, KVM_ENABLE_CAP, &cap), 0,
			       "platform info: KVM_CAP_MSR_PLATFORM_INFO on again");
		pi.data |= 1ULL << 31;
		if (!strstr(dev_name, "kvm"))
			TAP_EXPECT_RET(set_msrs(&pi, 1), 0,
				       "platform info: CPUID faulting (bit 31) is refused: hvx has none");
	}
	tap_result(arch_caps == get_msr(MSR_IA32_ARCH_CAPABILITIES),
		   "feature msrs: IA32_ARCH_CAPABILITIES is what a vCPU reads (%#llx)",
		   (unsigned long long)arch_caps);
	if (!strstr(dev_name, "kvm")) {
		struct kvm_msr_entry pc = { .index = MSR_IA32_PERF_CAPABILITIES };

		tap_result(perf_caps == 0,
			   "feature msrs: IA32_PERF_CAPABILITIES is 0: hvx has no PMU");
		tap_result(get_msr(MSR_IA32_PERF_CAPABILITIES) == 0,
			   "feature msrs: a vCPU's KVM_GET_MSRS reads it, 0");
		TAP_EXPECT_RET(set_msrs(&pc, 1), 1,
			       "feature msrs: a vCPU's KVM_SET_MSRS takes 0");
		pc.data = 1;
		TAP_EXPECT_RET(set_msrs(&pc, 1), 0,
			       "feature msrs: ...and nothing else");
	}

	m.e[0].index = 0x12345;
	TAP_EXPECT_RET(ioctl(sys, KVM_GET_MSRS, &m), 0,
		       "feature msrs: an MSR that is not one reads none");
	m.e[0].index = MSR_IA32_ARCH_CAPABILITIES;
	m.e[1].index = MSR_STAR;
	m.hdr.nmsrs = 2;
	TAP_EXPECT_RET(ioctl(sys, KVM_GET_MSRS, &m), 1,
		       "feature msrs: a vCPU's MSR is not one: the read stops there");
	m.hdr.nmsrs = 256;
	TAP_EXPECT_ERRNO(ioctl(sys, KVM_GET_MSRS, &m), E2BIG,
			 "feature msrs: KVM_GET_MSRS of 256 on the system fd");
}

/*
 * KVM_GET_STATS_FD on the VM and the vCPU: KVM's header and id, the
 * VM's pages_4k, and the vCPU's count of port I/O exits, which one OUT
 * moves by one (hvx names it exit_io_instruction, KVM io_exits).  On
 * /dev/kvm too.
 */
static void test_stats(void)
{
	const char *io = strstr(dev_name, "kvm") ? "io_exits" :
						   "exit_io_instruction";
	int vfd = ioctl(vm, KVM_GET_STATS_FD, 0);
	int cfd = ioctl(vcpu, KVM_GET_STATS_FD, 0);
	struct kvm_stats_header h = { 0 };
	char id[64] = "";
	uint64_t before, after;
	bool found, found2;

	tap_result(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) > 0,
		   "stats: KVM_CAP_BINARY_STATS_FD");
	tap_result(vfd >= 0 && cfd >= 0,
		   "stats: KVM_GET_STATS_FD on the VM and on the vCPU");
	if (vfd < 0 || cfd < 0)
		return;
	tap_result(read(cfd, &h, sizeof(h)) == sizeof(h) &&
		   h.name_size <= sizeof(id) && h.id_offset == sizeof(h) &&
		   read(cfd, id, h.name_size) == h.name_size &&
		   !strncmp(id, "kvm", 3) && h.num_desc > 0,
		   "stats: the vCPU's header, then its id \"%.48s\", read in turn",
		   id);
	tap_result(stat_of(vfd, "pages_4k", &found) > 0 && found,
		   "stats: the VM's pages_4k counts what its guest touched");
	before = stat_of(cfd, io, &found);
	reset_guest(0);
	tap_result(next_out() >= 0, "stats: the guest's OUT");
	after = stat_of(cfd, io, &found2);
	tap_result(found && found2 && after == before + 1,
		   "stats: %s went from %llu to %llu", io,
		   (unsigned long long)before, (unsigned long long)after);
	close(vfd);
	close(cfd);
}

/*
 * KVM_RUN by a raw syscall, with the VMM's XMM7 set to @mark just before
 * and read just after: the compiler and libc get no chance to touch it.
 */
static long run_keeping_xmm7(uint64_t mark, uint64_t *after)
{
	long ret;

	asm volatile("movq %[mark], %%xmm7\n\t"
		     "syscall\n\t"
		     "movq %%xmm7, %[after]"
		     : "=a" (ret), [after] "=m" (*after)
		     : "a" ((long)SYS_ioctl), "D" ((long)vcpu),
		       "S" ((long)KVM_RUN), "d" (0L), [mark] "r" (mark)
		     : "rcx", "r11", "memory", "xmm7");
	return ret;
}

/*
 * KVM_GET_FPU and KVM_SET_FPU, what the guest sees of them, and the VMM's
 * own SSE registers kept apart from the guest's.  Runs on /dev/kvm too.
 */
static void test_fpu(bool own)
{
	/* movd eax, xmm0; out; stmxcsr [0x2000]; mov eax, [0x2000]; out;
	 * fnstcw [0x2004]; movzx eax, word [0x2004]; out;
	 * mov eax, 0xdeadbeef; movd xmm7, eax; hlt */
	static const uint8_t code[] = {
		0x66, 0x0f, 0x7e, 0xc0, 0xe7, 0x10,
		0x0f, 0xae, 0x1d, 0x00, 0x20, 0x00, 0x00,
		0xa1, 0x00, 0x20, 0x00, 0x00, 0xe7, 0x10,
		0xd9, 0x3d, 0x04, 0x20, 0x00, 0x00,
		0x0f, 0xb7, 0x05, 0x04, 0x20, 0x00, 0x00, 0xe7, 0x10,
		0xb8, 0xef, 0xbe, 0xad, 0xde, 0x66, 0x0f, 0x6e, 0xf8, 0xf4,
	};
	const uint64_t mark = 0x1122334455667788ULL;
	struct kvm_fpu fpu, got;
	struct kvm_sregs sregs;
	uint64_t after = 0;
	uint32_t v;
	long xmm0, mxcsr, fcw, r;

	memset(&fpu, 0, sizeof(fpu));
	TAP_EXPECT_RET(ioctl(vcpu, KVM_GET_FPU, &fpu), 0, "fpu: KVM_GET_FPU");
	tap_result(fpu.fcw == 0x37f, "fpu: a new vCPU has FNINIT's FCW (%#x)",
		   fpu.fcw);
	/* KVM does not fill in MXCSR; hvx does. */
	if (own)
		tap_result(fpu.mxcsr == 0x1f80,
			   "fpu: ...and the default MXCSR (%#x)", fpu.mxcsr);

	/*
	 * KVM (6.1, on a host with XSAVE) writes KVM_SET_FPU's registers
	 * into the legacy region only, and a new vCPU's XSAVE header says
	 * x87 and SSE are in their initial state, so the next XRSTOR drops
	 * them.  hvx marks them in use.  For the comparison, KVM's guest
	 * first uses x87 and SSE itself (fld1; mov eax, 1; movd xmm1, eax;
	 * hlt: state that differs from the initial one).
	 */
	if (!own) {
		static const uint8_t warm[] = { 0xd9, 0xe8, 0xb8, 0x01, 0x00,
						0x00, 0x00, 0x66, 0x0f, 0x6e,
						0xc8, 0xf4 };

		reset_guest(0);
		memcpy(&low[CODE], warm, sizeof(warm));
		ioctl(vcpu, KVM_GET_SREGS, &sregs);
		sregs.cr4 |= 0x200;
		ioctl(vcpu, KVM_SET_SREGS, &sregs);
		tap_result(ioctl(vcpu, KVM_RUN, 0) == 0 &&
			   run->exit_reason == KVM_EXIT_HLT,
			   "fpu: the guest puts x87 and SSE state in use");
	}
	fpu.fcw = 0x27f;
	/* Round toward zero: ignored, as KVM ignores it. */
	fpu.mxcsr = 0x7f80;
	v = 0x0badcafe;
	memcpy(fpu.xmm[0], &v, 4);
	memset(fpu.xmm[7], 0x11, 16);
	TAP_EXPECT_RET(ioctl(vcpu, KVM_SET_FPU, &fpu), 0, "fpu: KVM_SET_FPU");

	reset_guest(0);
	memcpy(&low[CODE], code, sizeof(code));
	ioctl(vcpu, KVM_GET_SREGS, &sregs);
	sregs.cr4 |= 0x200;		/* OSFXSR: SSE instructions work */
	ioctl(vcpu, KVM_SET_SREGS, &sregs);
	xmm0 = next_out();
	mxcsr = next_out();
	fcw = next_out();
	tap_result(xmm0 == 0x0badcafe && fcw == 0x27f,
		   "fpu: the guest sees the XMM0 and FCW the VMM set");
	tap_result(mxcsr == 0x1f80,
		   "fpu: ...and its MXCSR as it was (KVM_SET_FPU leaves it)");
	if (xmm0 != 0x0badcafe || mxcsr != 0x1f80 || fcw != 0x27f)
		printf("#   xmm0 %#lx mxcsr %#lx fcw %#lx\n", xmm0, mxcsr, fcw);
	r = run_keeping_xmm7(mark, &after);
	tap_result(r == 0 && run->exit_reason == KVM_EXIT_HLT && after == mark,
		   "fpu: the guest's XMM7 did not reach the VMM's XMM7 (%#llx)",
		   (unsigned long long)after);
	memset(&got, 0, sizeof(got));
	ioctl(vcpu, KVM_GET_FPU, &got);
	memcpy(&v, got.xmm[7], 4);
	tap_result(v == 0xdeadbeef && !memcmp(got.xmm[0], fpu.xmm[0], 16) &&
		   got.fcw == 0x27f,
		   "fpu: KVM_GET_FPU sees the guest's XMM7 and the rest as set");
}

/*
 * hvx's own capabilities (uapi/hvx.h), numbered where KVM has none: KVM
 * says 0 to them, as to any it does not know.  On /dev/kvm too.
 */
static void test_own_caps(void)
{
	bool kvm = strstr(dev_name, "kvm");

	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, HVX_CAP_HVX), !kvm,
		       "KVM_CHECK_EXTENSION(HVX_CAP_HVX)");
	TAP_EXPECT_RET(ioctl(sys, KVM_CHECK_EXTENSION, HVX_CAP_INTROSPECT),
		       kvm ? 0 : HVX_INTRO_VERSION,
		       "KVM_CHECK_EXTENSION(HVX_CAP_INTROSPECT)");
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/hvx";
	bool state_only = argc > 2 && !strcmp(argv[2], "state");
	long size;

	dev_name = dev;
	sys = open(dev, O_RDWR);
	if (sys < 0) {
		printf("not ok - open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	low = mmap(NULL, MB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TAP_EXPECT_RET(set_slot(0, 0, MB, low, 0), 0, "slot 0: the first megabyte");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	tap_result(vm >= 0 && vcpu >= 0 && run != MAP_FAILED, "a VM with one vCPU");
	if (vm < 0 || vcpu < 0 || run == MAP_FAILED)
		return 1;

	if (state_only) {
		test_own_caps();
		test_msrs(false);
		test_feature_msrs();
		test_stats();
		test_fpu(false);
		return tap_failed;
	}
	test_own_caps();
	test_msrs(true);
	test_feature_msrs();
	test_stats();
	test_fpu(true);
	test_slots();
	test_readonly();
	test_vcpus();
	test_run_controls();
	test_system();
	return tap_failed;
}
