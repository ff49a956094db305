// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run: build a machine on /dev/hvx (or, with --device, on any
 * device that speaks KVM's ABI, such as /dev/kvm), start a thread per
 * vCPU, and end with a status that says how the guest ended.
 *
 * Two kinds of guest:
 *
 *   vmctl run FILE             a test image (image.c): a flat binary or an
 *                              ELF file, every vCPU entering it in the mode
 *                              --mode names, with testdev.c's ports
 *   vmctl run --kernel BZIMAGE a Linux kernel (linux.c): a PC with an
 *                              in-kernel irqchip and PIT, a UART console,
 *                              booted by the 64-bit boot protocol
 *
 * This is the only file that parses options and decides the exit status;
 * vcpu.c runs the vCPUs and hands their exits to the devices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "cpuid.h"
#include "devices.h"
#include "image.h"
#include "layout.h"
#include "vmctl.h"

struct run_opts {
	const char *device;
	const char *image;
	const char *kernel, *initrd, *append, *cmdline;
	struct image im;
	bool regs, stats, trace_mmio, mode_set;
};

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

static int add_memslot(struct machine *m, uint32_t slot, uint64_t gpa,
		       uint64_t offset, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)(m->mem + offset),
	};

	if (ioctl(m->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fprintf(stderr, "vmctl run: KVM_SET_USER_MEMORY_REGION: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The memory slots.  A test image's memory is one slot from 0.  A Linux
 * guest's stops at the device hole below 4 GiB and goes on at 4 GiB.
 */
static int map_memory(struct machine *m)
{
	uint64_t low = m->mem_size;

	m->mem = map_guest_memory(m->mem_size);
	if (!m->mem) {
		fprintf(stderr, "vmctl run: cannot map %llu bytes of guest memory: %s\n",
			(unsigned long long)m->mem_size, strerror(errno));
		return -1;
	}
	if (m->linux_guest && low > GUEST_MMIO_START)
		low = GUEST_MMIO_START;
	if (add_memslot(m, 0, 0, 0, low))
		return -1;
	if (low < m->mem_size &&
	    add_memslot(m, 1, GUEST_HIGH_RAM, low, m->mem_size - low))
		return -1;
	return 0;
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
		"usage: vmctl run [OPTIONS] FILE\n"
		"       vmctl run [OPTIONS] --kernel BZIMAGE [--initrd FILE] [--append ARGS]\n\n"
		"Load FILE (a flat binary, entered at %#x, or an ELF file) into a new VM\n"
		"and run it.  Guest output on ports 0x3f8 and 0xe9 goes to stdout; a write\n"
		"to port 0xf4 ends the run with that value as the exit status.  HLT ends it\n"
		"with status 0.  When the guest fails, vmctl prints why and the registers and\n"
		"exits with status %d.\n\n"
		"With --kernel, boot a 64-bit Linux kernel on a PC with a 16550 UART at\n"
		"0x3f8 (IRQ 4) as its console on stdin and stdout, the CMOS clock, an\n"
		"in-kernel PIC, IOAPIC, LAPICs and PIT, and an MP table.  When the guest\n"
		"reboots the run ends with status %d; when it fails, %d.  On a terminal,\n"
		"Ctrl-A x ends the run.\n\n"
		"  --mode MODE     FILE: real, protected, paged (32-bit paging) or long\n"
		"                  (default)\n"
		"  --mem SIZE      guest memory, e.g. 64M or 4G (default 16M, or 128M\n"
		"                  with --kernel)\n"
		"  --vcpus N       vCPUs, each on its own thread (default 1); for FILE all\n"
		"                  enter it with RSI = the vCPU id\n"
		"  --kernel FILE   a Linux bzImage to boot instead of FILE\n"
		"  --initrd FILE   the initramfs for --kernel\n"
		"  --append ARGS   added to the kernel command line, after\n"
		"                  \"%s\"\n"
		"  --cmdline ARGS  the whole kernel command line instead\n"
		"  --device PATH   the device to use (default %s; /dev/kvm runs the same\n"
		"                  guest on KVM)\n"
		"  --regs          print every vCPU's registers when the run ends\n"
		"  --trace-mmio    print every access to the MMIO scratch device at %#llx\n"
		"  --stats         print each vCPU's exits to userspace and signals, and\n"
		"                  its statistics (KVM_GET_STATS_FD) that are not 0\n",
		LOAD_ADDR, STATUS_GUEST_FAILED, STATUS_REBOOT, STATUS_GUEST_FAILED,
		LINUX_DEFAULT_CMDLINE, HVX_DEVICE, TESTDEV_SCRATCH);
}

/* Returns 0, or the exit status for a usage error. */
static int parse_options(int argc, char **argv, struct run_opts *o,
			 struct machine *m)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "mem", required_argument, NULL, 'M' },
		{ "vcpus", required_argument, NULL, 'n' },
		{ "device", required_argument, NULL, 'd' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "regs", no_argument, NULL, 'r' },
		{ "trace-mmio", no_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			for (i = 0; i < 4; i++)
				if (!strcmp(optarg, image_mode_names[i]))
					break;
			if (i == 4) {
				fprintf(stderr, "vmctl run: unknown mode '%s': use real, protected, paged or long\n",
					optarg);
				return 2;
			}
			o->im.mode = i;
			o->mode_set = true;
			break;
		case 'M':
			m->mem_size = parse_size(optarg);
			if (m->mem_size < (1 << 20) || m->mem_size % 4096) {
				fprintf(stderr, "vmctl run: --mem needs a multiple of 4K of at least 1M\n");
				return 2;
			}
			break;
		case 'n':
			m->nr_vcpus = atoi(optarg);
			if (m->nr_vcpus < 1 || m->nr_vcpus > 16) {
				fprintf(stderr, "vmctl run: --vcpus takes 1 to 16\n");
				return 2;
			}
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'a':
			o->append = optarg;
			break;
		case 'c':
			o->cmdline = optarg;
			break;
		case 'r':
			o->regs = true;
			break;
		case 't':
			o->trace_mmio = true;
			break;
		case 's':
			o->stats = true;
			break;
		case 'h':
			run_usage(stdout);
			exit(0);
		default:
			run_usage(stderr);
			return 2;
		}
	}
	if (o->kernel) {
		if (optind != argc || o->mode_set || o->trace_mmio) {
			fprintf(stderr, "vmctl run: --kernel takes no FILE, --mode or --trace-mmio\n");
			return 2;
		}
		if (o->append && o->cmdline) {
			fprintf(stderr, "vmctl run: --append adds to the default command line, --cmdline replaces it: give one\n");
			return 2;
		}
		m->linux_guest = true;
		if (!m->mem_size)
			m->mem_size = 128 << 20;
		return 0;
	}
	if (o->initrd || o->append || o->cmdline) {
		fprintf(stderr, "vmctl run: --initrd, --append and --cmdline need --kernel\n");
		return 2;
	}
	if (optind != argc - 1) {
		run_usage(stderr);
		return 2;
	}
	o->image = argv[optind];
	if (!m->mem_size)
		m->mem_size = 16 << 20;
	if (o->im.mode != MODE_LONG && m->mem_size > (4ULL << 30)) {
		fprintf(stderr, "vmctl run: --mem above 4G needs --mode long\n");
		return 2;
	}
	return 0;
}

/* The whole of a file, in a buffer to free(); NULL after saying why. */
static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "vmctl run: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		fprintf(stderr, "vmctl run: cannot read %s\n", path);
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

static int load_linux(struct machine *m, const struct run_opts *o)
{
	struct linux_image li = { 0 };
	uint8_t *kernel, *initrd = NULL;
	char *cmdline;
	int r = -1;

	kernel = read_file(o->kernel, &li.kernel_len);
	if (!kernel)
		return -1;
	li.kernel = kernel;
	if (o->initrd) {
		initrd = read_file(o->initrd, &li.initrd_len);
		if (!initrd)
			goto out;
		li.initrd = initrd;
	}
	if (o->cmdline)
		cmdline = strdup(o->cmdline);
	else if (asprintf(&cmdline, "%s%s%s", LINUX_DEFAULT_CMDLINE,
			  o->append ? " " : "", o->append ?: "") < 0)
		cmdline = NULL;
	if (!cmdline)
		goto out;
	li.cmdline = cmdline;
	r = linux_machine_setup(m, &li);
	free(cmdline);
out:
	free(kernel);
	free(initrd);
	return r;
}

static int create_vcpus(struct machine *m, const struct run_opts *o)
{
	long mmap_size;
	int i, r;

	mmap_size = ioctl(m->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(struct kvm_run)) {
		fprintf(stderr, "vmctl run: KVM_GET_VCPU_MMAP_SIZE: %s\n",
			strerror(errno));
		return -1;
	}
	m->vcpus = calloc(m->nr_vcpus, sizeof(*m->vcpus));
	if (!m->vcpus)
		return -1;
	for (i = 0; i < m->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		v->m = m;
		v->id = i;
		v->fd = ioctl(m->vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0) {
			fprintf(stderr, "vmctl run: KVM_CREATE_VCPU %d: %s\n", i,
				strerror(errno));
			return -1;
		}
		v->run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			fprintf(stderr, "vmctl run: mmap of vcpu %d: %s\n", i,
				strerror(errno));
			return -1;
		}
		if (m->linux_guest) {
			r = linux_vcpu_setup(v);
		} else {
			r = cpuid_setup(v, NULL);
			if (!r)
				r = image_vcpu_setup(&o->im, v);
		}
		if (r) {
			fprintf(stderr, "vmctl run: setting up vcpu %d: %s\n", i,
				strerror(-r));
			return -1;
		}
	}
	return 0;
}

/* The devices of a test image: testdev.c's, and a UART it polls. */
static int add_image_devices(struct machine *m, struct run_opts *o)
{
	static struct testdev testdev;
	static struct serial serial;

	testdev.trace_mmio = o->trace_mmio;
	serial_init(&serial, machine_serial_output, NULL, m);
	return testdev_add(m, &testdev) ?:
	       bus_add(&m->pio, SERIAL_PORT, 8, serial_io, &serial);
}

static int run_status(struct machine *m, const struct run_opts *o)
{
	int i, status = m->vcpus[0].status;

	if (m->linux_guest)
		status = m->stop_status;
	for (i = 0; i < m->nr_vcpus; i++) {
		if (o->regs)
			vcpu_print_regs(&m->vcpus[i], stdout);
		if (o->stats) {
			printf("vcpu%d: %lu exits to userspace, KVM_RUN interrupted %lu times\n",
			       i, m->vcpus[i].exits, m->vcpus[i].intr);
			/* Devices without KVM_GET_STATS_FD print no more. */
			vcpu_print_stats(&m->vcpus[i], stdout);
		}
		if (m->vcpus[i].status == STATUS_GUEST_FAILED)
			status = STATUS_GUEST_FAILED;
	}
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .device = HVX_DEVICE, .im.mode = MODE_LONG };
	struct machine m = { .nr_vcpus = 1, .mmio.whole = true };
	int r;

	r = parse_options(argc, argv, &o, &m);
	if (r)
		return r;
	vcpu_install_signals();
	pthread_mutex_init(&m.out_lock, NULL);
	pthread_mutex_init(&m.stop_lock, NULL);

	m.sys_fd = open(o.device, O_RDWR | O_CLOEXEC);
	if (m.sys_fd < 0) {
		fprintf(stderr, "vmctl run: cannot open %s: %s%s\n", o.device,
			strerror(errno),
			errno == ENOENT && !strcmp(o.device, HVX_DEVICE) ?
			" (is the hvx module loaded? insmod hvx.ko)" : "");
		return STATUS_GUEST_FAILED;
	}
	m.vm_fd = ioctl(m.sys_fd, KVM_CREATE_VM, 0);
	if (m.vm_fd < 0) {
		fprintf(stderr, "vmctl run: KVM_CREATE_VM: %s\n", strerror(errno));
		return STATUS_GUEST_FAILED;
	}
	if (map_memory(&m))
		return STATUS_GUEST_FAILED;
	if (m.linux_guest) {
		if (load_linux(&m, &o))
			return STATUS_GUEST_FAILED;
	} else {
		o.im.mem = m.mem;
		o.im.mem_size = m.mem_size;
		if (image_load(&o.im, o.image) || add_image_devices(&m, &o))
			return STATUS_GUEST_FAILED;
		image_build_tables(&o.im);
	}
	if (create_vcpus(&m, &o))
		return STATUS_GUEST_FAILED;

	/*
	 * Signals sent to vmctl must interrupt a KVM_RUN: this thread, which
	 * only waits, blocks them, as do the threads it starts, so the kernel
	 * delivers them to a vCPU thread (which unblocks them first thing).
	 */
	vcpu_signals(SIG_BLOCK);
	if (m.linux_guest && linux_start_devices(&m))
		return STATUS_GUEST_FAILED;
	if (vcpus_start(&m))
		return STATUS_GUEST_FAILED;
	return run_status(&m, &o);
}
