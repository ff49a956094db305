// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Linux boot loader (bzimage.c), the MP table
 * (mptable.c, acpi.c) and the TSC leaf (cpuid.c), on synthetic bzImages in
 * host memory: what the zero page, the e820 map, the page tables, the MP
 * table and the ACPI tables hold, and which images and sizes are refused.
 */
#include <asm/bootparam.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../boot.h"
#include "../cpuid.h"
#include "../devices.h"
#include "../layout.h"

#define CHECK_WHAT "boot"
#include "check.h"

#define SETUP_SECTS	3
#define KERNEL_BYTES	(256 << 10)

/* A bzImage as a 64-bit Linux 6.1 would have it, with a recognisable body. */
static uint8_t *fake_bzimage(size_t *len)
{
	size_t setup = (SETUP_SECTS + 1) * 512;
	uint8_t *img = calloc(1, setup + KERNEL_BYTES);
	struct boot_params *bp = (void *)img;
	size_t i;

	bp->hdr.setup_sects = SETUP_SECTS;
	bp->hdr.boot_flag = 0xaa55;
	bp->hdr.jump = 0x66eb;			/* header ends at 0x202 + 0x66 */
	bp->hdr.header = 0x53726448;
	bp->hdr.version = 0x020f;
	bp->hdr.loadflags = LOADED_HIGH;
	bp->hdr.kernel_alignment = 0x200000;
	bp->hdr.initrd_addr_max = 0x7fffffff;
	bp->hdr.cmdline_size = 2047;
	bp->hdr.xloadflags = XLF_KERNEL_64;
	bp->hdr.pref_address = 0x1000000;
	bp->hdr.init_size = 0x800000;
	bp->sentinel = 0xff;
	for (i = 0; i < KERNEL_BYTES; i++)
		img[setup + i] = i * 7;
	*len = setup + KERNEL_BYTES;
	return img;
}

static uint8_t *guest_memory(uint64_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

static void test_load(void)
{
	uint64_t size = 64 << 20;
	uint8_t *mem = guest_memory(size), initrd[5000];
	struct linux_image li = { .initrd = initrd, .initrd_len = sizeof(initrd),
				  .cmdline = "console=ttyS0 quiet" };
	struct boot_params *bp = (void *)(mem + BOOT_ZERO_PAGE);
	uint64_t *pml4 = (void *)(mem + BOOT_PML4), *pd = (void *)(mem + BOOT_PD);
	uint64_t *gdt = (void *)(mem + BOOT_GDT_ADDR);
	struct kvm_sregs sregs = { 0 };
	struct kvm_regs regs;
	char err[160] = "";
	uint8_t *img;
	size_t len;
	int r;

	img = fake_bzimage(&len);
	li.kernel = img;
	li.kernel_len = len;
	memset(initrd, 0x5a, sizeof(initrd));
	r = bzimage_load(mem, size, &li, err, sizeof(err));
	CHECK(r == 0, "a valid bzImage loads (%s)", err);
	CHECK(!memcmp(mem + KERNEL_LOAD_ADDR, img + (SETUP_SECTS + 1) * 512,
		      KERNEL_BYTES), "the protected-mode kernel is at 1 MiB");
	CHECK(bp->hdr.type_of_loader == 0xff, "type_of_loader is 0xff");
	CHECK(bp->hdr.cmd_line_ptr == BOOT_CMDLINE &&
	      !strcmp((char *)mem + BOOT_CMDLINE, li.cmdline),
	      "the command line is at cmd_line_ptr");
	CHECK(bp->hdr.version == 0x020f && bp->hdr.init_size == 0x800000,
	      "the setup header is copied");
	CHECK(bp->sentinel == 0, "the sentinel stays 0");
	CHECK(bp->hdr.ramdisk_size == sizeof(initrd), "ramdisk_size");
	CHECK(bp->hdr.ramdisk_image % 4096 == 0 &&
	      bp->hdr.ramdisk_image >= 0x1000000 + 0x800000 &&
	      bp->hdr.ramdisk_image + sizeof(initrd) <= size &&
	      bp->hdr.ramdisk_image + sizeof(initrd) + 4096 > size,
	      "the initrd is page-aligned at the top of memory, clear of the kernel (%#x)",
	      bp->hdr.ramdisk_image);
	CHECK(!memcmp(mem + bp->hdr.ramdisk_image, initrd, sizeof(initrd)),
	      "the initrd's bytes are there");
	CHECK(bp->e820_entries == 3, "three e820 entries (%u)", bp->e820_entries);
	CHECK(bp->e820_table[0].addr == 0 && bp->e820_table[0].size == 0x9fc00 &&
	      bp->e820_table[0].type == 1, "e820: low RAM below the MP table");
	CHECK(bp->e820_table[1].addr == 0x9fc00 &&
	      bp->e820_table[1].size == 0x100000 - 0x9fc00 &&
	      bp->e820_table[1].type == 2, "e820: the hole below 1 MiB is reserved");
	CHECK(bp->e820_table[2].addr == 0x100000 &&
	      bp->e820_table[2].size == size - 0x100000 &&
	      bp->e820_table[2].type == 1, "e820: RAM from 1 MiB to --mem");
	CHECK(pml4[0] == (BOOT_PDPT | 3) && pd[0] == 0x83 &&
	      pd[4 * 512 - 1] == (((4ULL << 30) - (2 << 20)) | 0x83),
	      "the page tables identity-map 4 GiB with 2 MiB pages");
	CHECK(gdt[BOOT_CS / 8] == 0x00af9b000000ffffULL &&
	      gdt[BOOT_DS / 8] == 0x00cf93000000ffffULL,
	      "the GDT has __BOOT_CS and __BOOT_DS");

	bzimage_entry_state(&sregs, &regs);
	CHECK(regs.rip == 0x100200 && regs.rsi == BOOT_ZERO_PAGE &&
	      sregs.cs.selector == BOOT_CS && sregs.cs.l && sregs.ds.selector == BOOT_DS &&
	      sregs.efer == 0x500 && sregs.cr3 == BOOT_PML4 && (sregs.cr0 & 0x80000001) == 0x80000001 &&
	      regs.rflags == 2, "the 64-bit entry state");
	munmap(mem, size);
	free(img);
}

/* Returns bzimage_load's result for a changed header or size. */
static int try_load(void (*change)(struct boot_params *), uint64_t size,
		    size_t initrd_len, const char *cmdline, char *err)
{
	uint8_t *mem = guest_memory(size), *initrd = NULL;
	struct linux_image li = { .cmdline = cmdline };
	size_t len;
	int r;

	li.kernel = fake_bzimage(&len);
	li.kernel_len = len;
	if (initrd_len) {
		initrd = calloc(1, initrd_len);
		li.initrd = initrd;
		li.initrd_len = initrd_len;
	}
	if (change)
		change((struct boot_params *)li.kernel);
	r = bzimage_load(mem, size, &li, err, 160);
	munmap(mem, size);
	free((void *)li.kernel);
	free(initrd);
	return r;
}

static void old_protocol(struct boot_params *bp) { bp->hdr.version = 0x020b; }
static void no_64bit(struct boot_params *bp) { bp->hdr.xloadflags = 0; }
static void no_magic(struct boot_params *bp) { bp->hdr.header = 0; }
static void short_cmdline(struct boot_params *bp) { bp->hdr.cmdline_size = 8; }

static void test_refusals(void)
{
	char err[160];

	CHECK(try_load(old_protocol, 64 << 20, 0, "", err) && strstr(err, "2.12"),
	      "boot protocol 2.11 is refused (%s)", err);
	CHECK(try_load(no_64bit, 64 << 20, 0, "", err) && strstr(err, "64-bit"),
	      "a kernel without a 64-bit entry is refused (%s)", err);
	CHECK(try_load(no_magic, 64 << 20, 0, "", err) && strstr(err, "bzImage"),
	      "a file that is not a bzImage is refused (%s)", err);
	CHECK(try_load(short_cmdline, 64 << 20, 0, "console=ttyS0", err) &&
	      strstr(err, "at most 8"),
	      "a command line longer than cmdline_size is refused (%s)", err);
	CHECK(try_load(NULL, 16 << 20, 0, "", err) && strstr(err, "25 MiB"),
	      "too little memory to decompress names what is needed (%s)", err);
	CHECK(try_load(NULL, 26 << 20, 4 << 20, "", err) && strstr(err, "29 MiB"),
	      "an initrd that does not fit names the memory needed (%s)", err);
	CHECK(!try_load(NULL, 29 << 20, 4 << 20, "", err),
	      "and with that much it loads (%s)", err);
}

/* More than 3.25 GiB: the rest is RAM at 4 GiB. */
static void test_high_memory(void)
{
	uint64_t size = 5ULL << 30;
	uint8_t *mem = guest_memory(size);
	struct boot_params *bp = (void *)(mem + BOOT_ZERO_PAGE);
	struct linux_image li = { .cmdline = "" };
	char err[160] = "";
	size_t len;

	li.kernel = fake_bzimage(&len);
	li.kernel_len = len;
	CHECK(!bzimage_load(mem, size, &li, err, sizeof(err)), "5 GiB loads (%s)", err);
	CHECK(bp->e820_entries == 4 && bp->e820_table[2].addr + bp->e820_table[2].size ==
	      GUEST_MMIO_START && bp->e820_table[3].addr == 1ULL << 32 &&
	      bp->e820_table[3].size == size - GUEST_MMIO_START,
	      "e820 at 5 GiB: low RAM ends at the device hole, the rest is at 4 GiB");
	munmap(mem, size);
	free((void *)li.kernel);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void test_mptable(void)
{
	uint8_t *mem = calloc(1, 1 << 20), *mpf = mem + MPTABLE_ADDR, *mpc, *e;
	unsigned int cpus = 0, bps = 0, ints = 0, lints = 0, ioapics = 0, i;
	uint16_t count, length;
	uint32_t physptr;
	size_t n;

	n = mptable_write(mem, 4, 0x000806ec, 0x178bfbff);
	CHECK(!memcmp(mpf, "_MP_", 4) && mpf[8] == 1 && mpf[9] == 4 && !sum(mpf, 16),
	      "the floating pointer: signature, length, version 1.4, checksum");
	memcpy(&physptr, mpf + 4, 4);
	CHECK(physptr == MPTABLE_ADDR + 16, "it points at the table after it");
	mpc = mem + physptr;
	memcpy(&length, mpc + 4, 2);
	memcpy(&count, mpc + 34, 2);
	CHECK(!memcmp(mpc, "PCMP", 4) && !sum(mpc, length) && mpc[6] == 4,
	      "the table: signature, checksum over its %u bytes", length);
	CHECK(n == 16u + length && MPTABLE_ADDR + n <= 0xa0000,
	      "it fits below 640 KiB (%zu bytes)", n);
	e = mpc + 44;
	for (i = 0; i < count; i++) {
		switch (e[0]) {
		case 0:
			CHECK(e[1] == cpus && (e[3] & 1), "CPU %u: APIC ID %u, enabled", cpus, e[1]);
			bps += !!(e[3] & 2);
			cpus++;
			e += 20;
			break;
		case 1:
			CHECK(!memcmp(e + 2, "ISA   ", 6), "bus 0 is ISA");
			e += 8;
			break;
		case 2:
			CHECK(e[1] == 4 && e[2] == 0x11 && e[3] == 1 &&
			      !memcmp(e + 4, &(uint32_t){ IOAPIC_ADDR }, 4),
			      "the IOAPIC: ID after the CPUs', version 0x11, at 0xfec00000");
			ioapics++;
			e += 8;
			break;
		case 3:
			CHECK(e[1] == 0 && e[5] == ints && e[6] == 4 && e[7] == ints,
			      "ISA IRQ %u goes to IOAPIC pin %u", ints, ints);
			ints++;
			e += 8;
			break;
		case 4:
			lints++;
			CHECK((e[1] == 3 && e[6] == 0 && e[7] == 0) ||
			      (e[1] == 1 && e[6] == 0xff && e[7] == 1),
			      "ExtINT to the BSP's LINT0, NMI to every LINT1");
			e += 8;
			break;
		default:
			CHECK(0, "entry type %u", e[0]);
			i = count;
		}
	}
	CHECK(cpus == 4 && bps == 1 && ioapics == 1 && ints == 16 && lints == 2,
	      "4 CPUs (one boot CPU), an IOAPIC, 16 ISA IRQs, 2 LINTs");
	CHECK(e == mpc + length, "the entries fill the table's length");
	free(mem);
}

/* The ACPI table at guest address @addr, checked for signature and sum. */
static uint8_t *acpi_table(uint8_t *mem, uint64_t addr, const char *sig,
			   uint32_t *len)
{
	uint8_t *t = mem + addr;

	memcpy(len, t + 4, 4);
	CHECK(addr >= ACPI_ADDR && addr + *len <= ACPI_ADDR + ACPI_MAX &&
	      !memcmp(t, sig, 4) && !sum(t, *len),
	      "%s at %#llx: signature, place, checksum over %u bytes", sig,
	      (unsigned long long)addr, *len);
	return t;
}

static void test_acpi(void)
{
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	uint8_t *mem = calloc(1, 1 << 20), *rsdp = mem + ACPI_ADDR;
	uint8_t *xsdt, *fadt, *dsdt, *madt, *e;
	uint32_t len, xlen, mlen, u32, cpus = 0, ioapics = 0, nmis = 0;
	uint64_t addr, entry[2];
	uint16_t u16;
	size_t n;

	n = acpi_write(mem, 3);
	CHECK(n <= ACPI_MAX, "the tables fit their %d bytes (%zu)", ACPI_MAX, n);
	CHECK(!memcmp(rsdp, "RSD PTR ", 8) && rsdp[15] == 2 &&
	      !sum(rsdp, 20) && !sum(rsdp, 36),
	      "the RSDP: signature, revision 2, both checksums");
	memcpy(&addr, rsdp + 24, 8);
	xsdt = acpi_table(mem, addr, "XSDT", &xlen);
	CHECK(xlen == 36 + 16, "the XSDT lists two tables");
	memcpy(entry, xsdt + 36, 16);
	fadt = acpi_table(mem, entry[0], "FACP", &len);
	madt = acpi_table(mem, entry[1], "APIC", &mlen);

	memcpy(&u32, fadt + 40, 4);
	dsdt = acpi_table(mem, u32, "DSDT", &len);
	CHECK(len > 36 + sizeof(s5) && !memcmp(dsdt + 36, s5, sizeof(s5)) &&
	      dsdt[36 + 9] == ACPI_S5_TYPE, "the DSDT names \\_S5 with SLP_TYP %d",
	      ACPI_S5_TYPE);
	memcpy(&u32, fadt + 36, 4);
	memcpy(&addr, fadt + 132, 8);
	CHECK(!u32 && addr % 64 == 0 && !memcmp(mem + addr, "FACS", 4),
	      "the FACS: at X_FIRMWARE_CTRL only, 64-byte aligned");
	memcpy(&u32, fadt + 56, 4);
	CHECK(u32 == ACPI_PM1_EVT_PORT && fadt[88] == ACPI_PM1_EVT_LEN,
	      "the FADT's PM1 event block: %#x, %u bytes", u32, fadt[88]);
	memcpy(&u32, fadt + 64, 4);
	CHECK(u32 == ACPI_PM1_CNT_PORT && fadt[89] == ACPI_PM1_CNT_LEN,
	      "the FADT's PM1 control block: %#x, %u bytes", u32, fadt[89]);
	memcpy(&u32, fadt + 48, 4);
	memcpy(&u16, fadt + 109, 2);
	CHECK(u32 == 0 && !(u16 & 2), "no SMI command port, no 8042");

	for (e = madt + 44; e < madt + mlen; e += e[1]) {
		if (e[0] == 0 && e[3] == cpus && (e[4] & 1))
			cpus++;
		else if (e[0] == 1 && e[2] == 3)
			ioapics++;
		else if (e[0] == 4 && e[2] == 0xff && e[5] == 1)
			nmis++;
		else
			CHECK(0, "MADT entry type %u", e[0]);
	}
	CHECK(cpus == 3 && ioapics == 1 && nmis == 1 && e == madt + mlen,
	      "the MADT: 3 CPUs, the IOAPIC after them, NMI on LINT1");
	free(mem);
}

static void test_tsc_leaf(void)
{
	static const struct { uint32_t khz, eax, ebx; } cases[] = {
		{ 2000000, 1, 2 }, { 1500000, 2, 3 }, { 3000, 1000, 3 },
		{ 2394123, 1000, 2394 }, { 1000000, 1, 1 },
	};
	struct kvm_cpuid_entry2 e;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpuid_tsc_leaf(cases[i].khz, &e);
		CHECK(e.function == 0x15 && e.ecx == 1000000000 &&
		      e.eax == cases[i].eax && e.ebx == cases[i].ebx && e.ebx <= 4294,
		      "leaf 0x15 for %u kHz: %u/%u (want %u/%u)", cases[i].khz,
		      e.ebx, e.eax, cases[i].ebx, cases[i].eax);
	}
}

int main(void)
{
	test_load();
	test_refusals();
	test_high_memory();
	test_mptable();
	test_acpi();
	test_tsc_leaf();
	printf("%s - unit: boot loader, MP table, ACPI tables and TSC leaf: %d checks passed, %d failed\n",
	       failed ? "not ok" : "ok", passed, failed);
	return failed != 0;
}
