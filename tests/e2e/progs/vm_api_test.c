// SPDX-License-Identifier: GPL-2.0
/*
 * The VM and vCPU ioctls of /dev/hvx: memory slots created, moved,
 * resized, re-backed and deleted while a guest reads through them; the
 * checks on slots and vCPUs; read-only slots; immediate_exit; a failed
 * VM entry; the system ioctls.  Prints TAP.
 *
 * The guest is three instructions of 32-bit code at 0x1000:
 *   mov eax, [ADDR]; out 0x10, eax; hlt
 * so each run says what the guest sees at ADDR.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define CODE	0x1000
#define MB	(1UL << 20)

static int sys, vm, vcpu;
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

/* Enter at CODE in flat 32-bit protected mode, reading @addr. */
static void reset_guest(uint32_t addr)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = CODE, .rflags = 2 };

	low[CODE] = 0xa1;			/* mov eax, [moffs32] */
	memcpy(&low[CODE + 1], &addr, 4);
	low[CODE + 5] = 0xe7;			/* out 0x10, eax */
	low[CODE + 6] = 0x10;
	low[CODE + 7] = 0xf4;			/* hlt */
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.cs.base = 0; s.cs.limit = 0xffffffff; s.cs.selector = 8;
	s.cs.type = 11; s.cs.s = 1; s.cs.present = 1; s.cs.db = 1; s.cs.g = 1;
	s.ds = s.cs; s.ds.type = 3; s.ds.selector = 0x10;
	s.es = s.ss = s.ds;
	s.tr.type = 11;		/* a busy TSS, as after RESET */
	s.cr0 = 0x11;
	ioctl(vcpu, KVM_SET_SREGS, &s);
	ioctl(vcpu, KVM_SET_REGS, &r);
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

	TAP_EXPECT_ERRNO(set_slot(2, MB / 2, MB, b, 0), EINVAL,
			 "a slot overlapping slot 0");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB + 1, 4096, b, 0), EINVAL,
			 "an unaligned guest address");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 100, b, 0), EINVAL, "an unaligned size");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 4096, (uint8_t *)b + 8, 0), EINVAL,
			 "an unaligned host address");
	TAP_EXPECT_ERRNO(set_slot(2, -4096ULL, 8192, b, 0), EINVAL,
			 "a guest range that wraps");
	TAP_EXPECT_ERRNO(set_slot(2, 4 * MB, 4096, b, KVM_MEM_LOG_DIRTY_PAGES),
			 EINVAL, "dirty logging, which hvx does not have yet");
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

	run->immediate_exit = 1;
	TAP_EXPECT_ERRNO(ioctl(vcpu, KVM_RUN, 0), EINTR, "KVM_RUN with immediate_exit");
	tap_result(run->exit_reason == KVM_EXIT_INTR, "immediate_exit gives KVM_EXIT_INTR");
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

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/hvx";
	long size;

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

	test_slots();
	test_readonly();
	test_vcpus();
	test_run_controls();
	test_system();
	return tap_failed;
}
