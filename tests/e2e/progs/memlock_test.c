// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as locked memory, and the mappings hvx will not pin
 * (tests/e2e/96-memlock.sh).  Prints TAP.
 *
 *   memlock_test DEVICE
 *   memlock_test --limit KIB PROGRAM ARGS...
 *
 * On /dev/hvx, without CAP_IPC_LOCK and with RLIMIT_MEMLOCK at 64 KiB, a
 * guest that writes to 256 pages gets 16 (its code page and 15 more)
 * before KVM_RUN fails with ENOMEM; the process's VmLck and debugfs'
 * locked_pages say 64 KiB; a higher limit lets the same vCPU go on.
 * Deleting the slot, closing the VM, and closing it from another process
 * give the charge back, and a second VM gets the whole limit again.  With
 * CAP_IPC_LOCK the limit does not hold, but the pages still count.  A
 * 2 MiB page is charged 2 MiB, and mapped 4 KiB at a time where 2 MiB
 * would exceed the limit.  Then the mappings: anonymous, shared anonymous,
 * memfd, tmpfs, and a private mapping of a ramfs file are taken; a shared,
 * writable mapping of a ramfs file is refused with EOPNOTSUPP, when the
 * guest touches it, whatever the slot was made over.
 *
 * The test machine has no disk filesystem (its root is an initramfs, and
 * it has neither block driver nor disk filesystem), so ramfs stands in:
 * like ext4 it wants page_mkwrite on a shared, writable mapping, which is
 * what Linux's rule looks at; that rule's write-back half is checked by
 * KUnit (tests/kunit/pin_test.c).
 *
 * KVM pins nothing (it follows the VMM's page tables through MMU
 * notifiers) and charges nothing to RLIMIT_MEMLOCK, so on /dev/kvm only
 * the mappings run, and KVM takes every one of them: the refusal is
 * hvx's rule, not a broken guest.
 *
 * With --limit, the program drops CAP_IPC_LOCK for good, sets
 * RLIMIT_MEMLOCK to KIB and runs PROGRAM (vmctl's own message is checked
 * that way).
 *
 * The guest is 32-bit code at 0x1000 that writes each page's address
 * into it, one page after the other, then OUTs the next address to port
 * 0x10; or reads one dword and OUTs it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "../../../uapi/hvx.h"

#define CODE		0x1000
#define DATA		0x100000
#define DATA_PAGES	256
#define KB		1024UL
#define MB		(1UL << 20)
#define PAGE		4096UL

static int sys;
static bool is_hvx;

struct vm {
	int fd, vcpu;
	struct kvm_run *run;
	long run_size;
	uint8_t *low;		/* slot 0: 64 KiB at 0, the code */
};

static int set_slot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		    void *hva, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static void *anon(size_t size, int flags)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static bool vm_create(struct vm *vm)
{
	vm->fd = ioctl(sys, KVM_CREATE_VM, 0);
	vm->low = anon(64 * KB, MAP_PRIVATE);
	if (vm->fd < 0 || !vm->low || set_slot(vm, 0, 0, 64 * KB, vm->low, 0))
		return false;
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	vm->run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->vcpu >= 0 && vm->run != MAP_FAILED;
}

static void vm_close(struct vm *vm)
{
	munmap(vm->run, vm->run_size);
	close(vm->vcpu);
	close(vm->fd);
	munmap(vm->low, 64 * KB);
}

/* Flat 32-bit protected mode, no paging, RIP at CODE. */
static void enter_flat(struct vm *vm)
{
	struct kvm_regs r = { .rip = CODE, .rflags = 2 };
	struct kvm_sregs s;

	ioctl(vm->vcpu, KVM_GET_SREGS, &s);
	s.cs.base = 0; s.cs.limit = 0xffffffff; s.cs.selector = 8;
	s.cs.type = 11; s.cs.s = 1; s.cs.present = 1;
	s.cs.db = 1; s.cs.g = 1; s.cs.l = 0;
	s.ds = s.cs; s.ds.type = 3; s.ds.selector = 0x10;
	s.es = s.ss = s.fs = s.gs = s.ds;
	s.tr.type = 11;
	s.cr0 = 0x11;
	s.cr4 = 0;
	s.efer = 0;
	ioctl(vm->vcpu, KVM_SET_SREGS, &s);
	ioctl(vm->vcpu, KVM_SET_REGS, &r);
}

/* for (edi = gpa, ecx = n; ecx; ecx--, edi += 4K) *edi = edi; out edi */
static void guest_touch(struct vm *vm, uint32_t gpa, uint32_t n)
{
	static const uint8_t loop[] = {
		0x89, 0x3f,				/* mov [edi], edi */
		0x81, 0xc7, 0x00, 0x10, 0x00, 0x00,	/* add edi, 4096 */
		0x49,					/* dec ecx */
		0x75, 0xf5,				/* jnz mov */
		0x89, 0xf8,				/* mov eax, edi */
		0xe7, 0x10,				/* out 0x10, eax */
		0xf4,					/* hlt */
	};
	uint8_t *c = vm->low + CODE;

	c[0] = 0xbf;					/* mov edi, gpa */
	memcpy(c + 1, &gpa, 4);
	c[5] = 0xb9;					/* mov ecx, n */
	memcpy(c + 6, &n, 4);
	memcpy(c + 10, loop, sizeof(loop));
	enter_flat(vm);
}

/* mov eax, [gpa]; out 0x10, eax; hlt */
static void guest_read(struct vm *vm, uint32_t gpa)
{
	uint8_t *c = vm->low + CODE;

	c[0] = 0xa1;
	memcpy(c + 1, &gpa, 4);
	c[5] = 0xe7;
	c[6] = 0x10;
	c[7] = 0xf4;
	enter_flat(vm);
}

/*
 * KVM_RUN; the dword the guest sent to port 0x10, or -1 with errno set
 * (0 when the exit was another).
 */
static long run_out(struct vm *vm)
{
	if (ioctl(vm->vcpu, KVM_RUN, 0) < 0)
		return -1;
	errno = 0;
	if (vm->run->exit_reason != KVM_EXIT_IO || vm->run->io.port != 0x10)
		return -1;
	return *(uint32_t *)((uint8_t *)vm->run + vm->run->io.data_offset);
}

static void expect_run_fails(struct vm *vm, int err, const char *what)
{
	long r = run_out(vm);
	int e = errno;

	tap_result(r == -1 && e == err, "%s", what);
	if (r != -1 || e != err)
		printf("#   KVM_RUN gave %ld, errno %d (%s), exit reason %u\n",
		       r, e, strerror(e), vm->run->exit_reason);
}

static void expect_run_out(struct vm *vm, long want, const char *what)
{
	long r = run_out(vm);
	int e = errno;

	tap_result(r == want, "%s", what);
	if (r != want)
		printf("#   KVM_RUN gave %#lx, not %#lx; errno %d (%s), exit reason %u\n",
		       r, want, e, strerror(e), vm->run->exit_reason);
}

/* The process's locked memory, in KiB, as the kernel counts it. */
static long vmlck_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* A figure from the VM's debugfs directory, or -1. */
static long debugfs_get(struct vm *vm, const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/hvx/%d-%d/%s",
		 getpid(), vm->fd, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void expect_locked(struct vm *vm, long pages, const char *what)
{
	long d = vm ? debugfs_get(vm, "locked_pages") : pages;
	long kb = vmlck_kb();

	tap_result(d == pages && kb == pages * 4, "%s: %ld KiB locked", what,
		   pages * 4);
	if (d != pages || kb != pages * 4)
		printf("#   debugfs locked_pages %ld, VmLck %ld kB\n", d, kb);
}

static bool set_ipc_lock(bool on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return false;
	if (on)
		d[0].effective |= 1U << CAP_IPC_LOCK;
	else
		d[0].effective &= ~(1U << CAP_IPC_LOCK);
	return !syscall(SYS_capset, &h, d);
}

static bool set_limit(unsigned long bytes)
{
	struct rlimit r = { .rlim_cur = bytes, .rlim_max = RLIM_INFINITY };

	return !setrlimit(RLIMIT_MEMLOCK, &r);
}

/* The guest's EDI: the page it was writing to when KVM_RUN failed. */
static uint64_t guest_edi(struct vm *vm)
{
	struct kvm_regs r = { 0 };

	ioctl(vm->vcpu, KVM_GET_REGS, &r);
	return r.rdi;
}

/*
 * The limit: RLIMIT_MEMLOCK at 64 KiB, no CAP_IPC_LOCK.  16 pages fit:
 * the code page and the first 15 of the data.
 */
static void test_limit(void)
{
	uint32_t *data = anon(DATA_PAGES * PAGE, MAP_PRIVATE);
	struct vm vm, vm2;
	bool all = true;
	int i;

	/* No transparent huge page: every page is charged on its own. */
	if (data)
		madvise(data, DATA_PAGES * PAGE, MADV_NOHUGEPAGE);
	tap_result(set_ipc_lock(false) && set_limit(64 * KB),
		   "CAP_IPC_LOCK dropped, RLIMIT_MEMLOCK at 64 KiB");
	TAP_EXPECT_ERRNO(mlock(data, 128 * KB), ENOMEM,
			 "mlock() of 128 KiB: the limit holds for this process");
	expect_locked(NULL, 0, "before any VM");

	tap_result(data && vm_create(&vm) &&
		   !set_slot(&vm, 1, DATA, DATA_PAGES * PAGE, data, 0),
		   "a VM with 64 KiB at 0 and 1 MiB at 1 MiB");
	guest_touch(&vm, DATA, DATA_PAGES);
	expect_run_fails(&vm, ENOMEM,
			 "KVM_RUN fails with ENOMEM when the guest's pages exceed RLIMIT_MEMLOCK");
	tap_result(guest_edi(&vm) == DATA + 15 * PAGE,
		   "...at the 17th page: the code page and 15 data pages fit");
	expect_locked(&vm, 16, "the 16 pages pinned are charged");
	tap_result(debugfs_get(&vm, "pages_4k") == 16, "...and mapped (pages_4k)");
	expect_run_fails(&vm, ENOMEM, "KVM_RUN again fails again");
	expect_locked(&vm, 16, "a refused pin charges nothing");

	set_limit(4 * MB);
	expect_run_out(&vm, DATA + DATA_PAGES * PAGE,
		       "with RLIMIT_MEMLOCK at 4 MiB the same vCPU goes on to the end");
	for (i = 0; i < DATA_PAGES; i++)
		all &= data[i * PAGE / 4] == DATA + i * PAGE;
	tap_result(all, "the guest wrote every page");
	expect_locked(&vm, 1 + DATA_PAGES, "all 257 pages are charged");
	TAP_EXPECT_RET(set_slot(&vm, 1, 0, 0, NULL, 0), 0, "deleting the data slot");
	expect_locked(&vm, 1, "deleting the slot gives its 256 pages back");
	vm_close(&vm);
	expect_locked(NULL, 0, "closing the VM gives the rest back");

	set_limit(64 * KB);
	tap_result(vm_create(&vm2) &&
		   !set_slot(&vm2, 1, DATA, DATA_PAGES * PAGE, data, 0),
		   "a second VM");
	guest_touch(&vm2, DATA, DATA_PAGES);
	expect_run_fails(&vm2, ENOMEM, "KVM_RUN on the second VM fails with ENOMEM");
	tap_result(guest_edi(&vm2) == DATA + 15 * PAGE,
		   "...at the same page: the first VM left the whole limit");
	tap_result(set_ipc_lock(true), "CAP_IPC_LOCK raised again");
	expect_run_out(&vm2, DATA + DATA_PAGES * PAGE,
		       "with CAP_IPC_LOCK the guest goes past RLIMIT_MEMLOCK");
	expect_locked(&vm2, 1 + DATA_PAGES, "...and its pages still count");
	set_ipc_lock(false);
	vm_close(&vm2);
	expect_locked(NULL, 0, "closing the second VM gives them back");
	munmap(data, DATA_PAGES * PAGE);
}

/* A VM whose last fd another process closes charges its owner to the end. */
static void test_close_elsewhere(void)
{
	uint32_t *data = anon(16 * PAGE, MAP_PRIVATE);
	int go[2], st = -1;
	struct vm vm;
	char c = 0;
	pid_t pid;

	set_limit(4 * MB);
	tap_result(data && vm_create(&vm) && !set_slot(&vm, 1, DATA, 16 * PAGE, data, 0),
		   "a VM with 64 KiB of data");
	guest_touch(&vm, DATA, 16);
	expect_run_out(&vm, DATA + 16 * PAGE, "the guest writes its 16 pages");
	if (pipe(go))
		return;
	pid = fork();
	if (!pid) {
		/* Holds the inherited fds until told to exit. */
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	close(go[0]);
	vm_close(&vm);
	expect_locked(NULL, 17, "a child still holds the VM: its pages stay charged here");
	if (write(go[1], &c, 1) != 1)
		printf("#   write to the child: %s\n", strerror(errno));
	waitpid(pid, &st, 0);
	expect_locked(NULL, 0, "the child's exit closes the VM and gives the charge back here");
	close(go[1]);
	munmap(data, 16 * PAGE);
}

/* AnonHugePages of the mapping at @p, in KiB, from /proc/self/smaps. */
static long anon_huge_kb(void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long lo, hi, addr = (uintptr_t)p;
	bool in = false;
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = addr >= lo && addr < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

/*
 * A VM with 2 MiB of fresh memory that asks for a huge page, at
 * guest-physical 2 MiB, whose guest writes to it under a limit of
 * @limit; *@mem is where it is.  Returns the mapping, 4 MiB, to unmap.
 */
static uint8_t *huge_vm(struct vm *vm, unsigned long limit, uint8_t **mem,
			const char *what)
{
	uint8_t *raw = anon(4 * MB, MAP_PRIVATE);

	*mem = (uint8_t *)(((uintptr_t)raw + 2 * MB - 1) & ~(2 * MB - 1));
	madvise(*mem, 2 * MB, MADV_HUGEPAGE);
	set_limit(limit);
	tap_result(raw && vm_create(vm) && !set_slot(vm, 1, 2 * MB, 2 * MB, *mem, 0),
		   "%s", what);
	guest_touch(vm, 2 * MB, 1);
	return raw;
}

/*
 * A 2 MiB page costs 2 MiB.  At 1 MiB of limit the guest's page is
 * mapped on its own; at 4 MiB a fresh huge page is mapped whole, charged
 * 512 pages.
 */
static void test_2m(void)
{
	struct vm vm;
	uint8_t *mem;
	uint8_t *raw = huge_vm(&vm, 1 * MB, &mem,
			       "a VM with 2 MiB of huge-page memory at 2 MiB");

	expect_run_out(&vm, 2 * MB + PAGE,
		       "at 1 MiB of limit the guest writes to its huge page");
	if (anon_huge_kb(mem) < 2048) {
		printf("ok - the host gave no huge page (AnonHugePages %ld kB) # SKIP\n",
		       anon_huge_kb(mem));
		vm_close(&vm);
		munmap(raw, 4 * MB);
		return;
	}
	tap_result(debugfs_get(&vm, "pages_2m") == 0 &&
		   debugfs_get(&vm, "pages_4k") == 2,
		   "...mapped with a 4 KiB page, as 2 MiB would exceed the limit");
	expect_locked(&vm, 2, "...and charged 4 KiB");
	vm_close(&vm);
	munmap(raw, 4 * MB);

	/* A fresh huge page, and room for it. */
	raw = huge_vm(&vm, 4 * MB, &mem,
		      "a new VM with 2 MiB of huge-page memory, at 4 MiB of limit");
	expect_run_out(&vm, 2 * MB + PAGE,
		       "at 4 MiB of limit the guest writes to its huge page");
	tap_result(debugfs_get(&vm, "pages_2m") == 1,
		   "...mapped with a 2 MiB page");
	expect_locked(&vm, 1 + 512, "...charged 2 MiB");
	vm_close(&vm);
	expect_locked(NULL, 0, "closing the VM gives the 2 MiB back");
	munmap(raw, 4 * MB);
}

/* A file of one page of 0x5eed0000 words on a filesystem of its own. */
static int make_file(const char *fs, const char *dir)
{
	static uint32_t words[PAGE / 4];
	char path[64];
	int fd, i;

	mkdir(dir, 0700);
	if (mount(fs, dir, fs, 0, NULL))
		return -1;
	snprintf(path, sizeof(path), "%s/guest-memory", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (i = 0; i < (int)(PAGE / 4); i++)
		words[i] = 0x5eed0000;
	if (fd >= 0 && write(fd, words, PAGE) != PAGE) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static uint32_t file_word(int fd)
{
	uint32_t w = 0;

	return pread(fd, &w, 4, 0) == 4 ? w : 0;
}

struct backing {
	const char *what;
	int flags, fd;		/* fd -1: anonymous */
	bool shared_file;	/* the guest's write reaches the file */
};

/* Every mapping hvx pins: the guest's write lands where it should. */
static void test_backing(struct vm *vm, const struct backing *b)
{
	uint32_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			   b->flags | (b->fd < 0 ? MAP_ANONYMOUS : 0), b->fd, 0);

	if (p == MAP_FAILED || set_slot(vm, 1, DATA, PAGE, p, 0)) {
		tap_result(0, "%s: a slot over it", b->what);
		return;
	}
	guest_touch(vm, DATA, 1);
	expect_run_out(vm, DATA + PAGE, b->what);
	tap_result(p[0] == DATA, "%s: the VMM sees the guest's write", b->what);
	if (b->fd >= 0)
		tap_result(file_word(b->fd) == (b->shared_file ? DATA : 0x5eed0000),
			   "%s: the file %s", b->what,
			   b->shared_file ? "has it too" : "does not");
	set_slot(vm, 1, 0, 0, NULL, 0);
	munmap(p, PAGE);
	if (b->fd >= 0 && pwrite(b->fd, &(uint32_t){ 0x5eed0000 }, 4, 0) != 4)
		printf("#   rewriting the file: %s\n", strerror(errno));
}

static void test_mappings(void)
{
	int memfd = syscall(SYS_memfd_create, "guest", 0);
	int tmpfs = make_file("tmpfs", "/tmp/memlock-tmpfs");
	int ramfs = make_file("ramfs", "/tmp/memlock-ramfs");
	const struct backing ok[] = {
		{ "private anonymous memory", MAP_PRIVATE, -1, false },
		{ "shared anonymous memory", MAP_SHARED, -1, false },
		{ "a memfd", MAP_SHARED, memfd, true },
		{ "a shared tmpfs file", MAP_SHARED, tmpfs, true },
		{ "a private ramfs file", MAP_PRIVATE, ramfs, false },
	};
	struct vm vm;
	uint32_t *p;
	size_t i;

	set_limit(RLIM_INFINITY);
	if (memfd >= 0 && ftruncate(memfd, PAGE))
		memfd = -1;
	tap_result(memfd >= 0 && tmpfs >= 0 && ramfs >= 0,
		   "a memfd, and a file on tmpfs and on ramfs");
	tap_result(vm_create(&vm), "a VM");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		test_backing(&vm, &ok[i]);

	/* A ROM read from the file: a read-only pin of a shared mapping. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ramfs, 0);
	TAP_EXPECT_RET(set_slot(&vm, 1, DATA, PAGE, p, KVM_MEM_READONLY), 0,
		       "a read-only slot over a shared ramfs file");
	guest_read(&vm, DATA);
	expect_run_out(&vm, 0x5eed0000, "the guest reads the file through it");
	set_slot(&vm, 1, 0, 0, NULL, 0);
	munmap(p, PAGE);

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ramfs, 0);
	TAP_EXPECT_RET(set_slot(&vm, 1, DATA, PAGE, p, 0), 0,
		       "a slot over a shared, writable ramfs file");
	guest_touch(&vm, DATA, 1);
	if (!is_hvx) {
		expect_run_out(&vm, DATA + PAGE,
			       "KVM, which does not pin, lets the guest write to it");
		goto out;
	}
	expect_run_fails(&vm, EOPNOTSUPP,
			 "KVM_RUN fails with EOPNOTSUPP when the guest touches it");
	tap_result(file_word(ramfs) == 0x5eed0000, "the file is untouched");
	mmap(p, PAGE, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	expect_run_out(&vm, DATA + PAGE,
		       "anonymous memory mapped over it: the same vCPU goes on");

	/* The check is at the pin: a slot made over anonymous memory. */
	set_slot(&vm, 1, 0, 0, NULL, 0);
	TAP_EXPECT_RET(set_slot(&vm, 1, DATA, PAGE, p, 0), 0,
		       "a slot over anonymous memory");
	mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, ramfs, 0);
	guest_touch(&vm, DATA, 1);
	expect_run_fails(&vm, EOPNOTSUPP,
			 "the shared ramfs file mapped over it is refused at the pin");
out:
	set_slot(&vm, 1, 0, 0, NULL, 0);
	munmap(p, PAGE);
	vm_close(&vm);
	close(memfd);
	close(tmpfs);
	close(ramfs);
	umount("/tmp/memlock-tmpfs");
	umount("/tmp/memlock-ramfs");
}

/* --limit KIB PROGRAM ARGS...: run PROGRAM with no way to CAP_IPC_LOCK. */
static int run_limited(char **argv)
{
	/* Out of the bounding set, root gets it back from no execve. */
	if (prctl(PR_CAPBSET_DROP, CAP_IPC_LOCK) || !set_ipc_lock(false) ||
	    !set_limit(strtoul(argv[0], NULL, 0) * KB)) {
		perror("memlock_test --limit");
		return 126;
	}
	execvp(argv[1], &argv[1]);
	perror(argv[1]);
	return 127;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/hvx";

	if (argc > 3 && !strcmp(argv[1], "--limit"))
		return run_limited(&argv[2]);
	sys = open(dev, O_RDWR);
	if (sys < 0) {
		printf("not ok - open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	is_hvx = ioctl(sys, KVM_CHECK_EXTENSION, HVX_CAP_HVX) == 1;
	if (is_hvx) {
		test_limit();
		test_close_elsewhere();
		test_2m();
	} else {
		printf("# %s pins no guest memory and charges none to RLIMIT_MEMLOCK: only the mappings apply\n",
		       dev);
	}
	test_mappings();
	return tap_failed;
}
