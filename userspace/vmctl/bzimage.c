// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux x86 boot protocol, 64-bit entry (Documentation/x86/boot.rst):
 * load a bzImage's protected-mode kernel at 1 MiB, the initrd and the
 * command line where its setup header allows, fill the zero page (struct
 * boot_params) with the header and an e820 memory map, and enter the
 * kernel at its 64-bit entry point with paging on, an identity map, the
 * boot GDT's __BOOT_CS and __BOOT_DS, and RSI pointing at the zero page.
 *
 * The real-mode setup code in the image's first sectors is never run: it
 * is what a BIOS boot needs to get the memory map and switch modes, and a
 * VMM knows the one and can start the vCPU in the other.  kvmtool enters
 * that 16-bit code instead; Firecracker and crosvm enter at 64 bits, as
 * here.
 */
#include <asm/bootparam.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "layout.h"

#define HDR_MAGIC		0x53726448	/* "HdrS" */
#define BOOT_FLAG		0xaa55
/* 2.12: xloadflags, the first version that says a kernel has a 64-bit entry. */
#define MIN_BOOT_PROTOCOL	0x020c
#define LOADER_TYPE_UNDEFINED	0xff

#define E820_RAM		1
#define E820_RESERVED		2

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static void add_e820(struct boot_params *bp, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

/* Four page directories map the low 4 GiB with 2 MiB pages, identity. */
static void build_identity_map(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + BOOT_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + BOOT_PDPT);
	uint64_t *pd = (uint64_t *)(mem + BOOT_PD);
	uint64_t i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT | 0x3;			/* present, writable */
	for (i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD + i * 4096) | 0x3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;		/* present, writable, 2 MiB */
}

static void build_gdt(uint8_t *mem)
{
	uint64_t *gdt = (uint64_t *)(mem + BOOT_GDT_ADDR);

	memset(gdt, 0, 4 * 8);
	gdt[BOOT_CS / 8] = 0x00af9b000000ffffULL;	/* 64-bit code */
	gdt[BOOT_DS / 8] = 0x00cf93000000ffffULL;	/* flat data */
}

/*
 * Place the kernel, initrd and command line and write the zero page.
 * Returns 0, or -EINVAL with err saying what is wrong with the image or
 * what the guest would need.
 */
int bzimage_load(uint8_t *mem, uint64_t mem_size, const struct linux_image *li,
		 char *err, size_t errlen)
{
	const struct boot_params *img = (const void *)li->kernel;
	struct boot_params *bp = (void *)(mem + BOOT_ZERO_PAGE);
	uint64_t setup_size, kernel_size, ram_end, kernel_end, initrd_top;
	uint64_t initrd_addr = 0, align;
	size_t hdr_end, cmdline_len = strlen(li->cmdline);

	if (li->kernel_len < 1024 || img->hdr.boot_flag != BOOT_FLAG ||
	    img->hdr.header != HDR_MAGIC)
		return fail(err, errlen, "not a Linux bzImage (no boot sector or setup header)");
	if (img->hdr.version < MIN_BOOT_PROTOCOL)
		return fail(err, errlen, "the kernel speaks boot protocol %u.%02u; vmctl needs 2.12 or later (Linux 3.8)",
			    img->hdr.version >> 8, img->hdr.version & 0xff);
	if (!(img->hdr.xloadflags & XLF_KERNEL_64) ||
	    !(img->hdr.loadflags & LOADED_HIGH))
		return fail(err, errlen, "the kernel has no 64-bit entry point: vmctl boots x86-64 kernels only");

	setup_size = ((uint64_t)(img->hdr.setup_sects ?: 4) + 1) * 512;
	if (setup_size >= li->kernel_len)
		return fail(err, errlen, "the bzImage is truncated");
	kernel_size = li->kernel_len - setup_size;

	/*
	 * The decompressor moves the kernel up to an aligned address, at
	 * least pref_address, and needs init_size from there.
	 */
	align = img->hdr.kernel_alignment ?: 0x200000;
	if (align & (align - 1))
		return fail(err, errlen, "the kernel's alignment %#llx is not a power of two",
			    (unsigned long long)align);
	kernel_end = align_up(KERNEL_LOAD_ADDR, align);
	if (kernel_end < img->hdr.pref_address)
		kernel_end = img->hdr.pref_address;
	kernel_end += img->hdr.init_size;
	if (kernel_end < KERNEL_LOAD_ADDR + kernel_size)
		kernel_end = KERNEL_LOAD_ADDR + kernel_size;
	ram_end = mem_size < GUEST_MMIO_START ? mem_size : GUEST_MMIO_START;
	if (kernel_end > ram_end)
		return fail(err, errlen, "the kernel needs %llu MiB of memory to decompress: use a larger --mem",
			    (unsigned long long)(kernel_end >> 20) + 1);

	if (cmdline_len > img->hdr.cmdline_size || cmdline_len >= BOOT_CMDLINE_MAX)
		return fail(err, errlen, "the command line is %zu bytes; the kernel takes at most %u",
			    cmdline_len, img->hdr.cmdline_size);

	if (li->initrd) {
		/* As high as the header allows, clear of the kernel. */
		initrd_top = (uint64_t)img->hdr.initrd_addr_max + 1;
		if (initrd_top > ram_end)
			initrd_top = ram_end;
		if (li->initrd_len > initrd_top)
			initrd_addr = 0;
		else
			initrd_addr = (initrd_top - li->initrd_len) & ~0xfffULL;
		if (initrd_addr < align_up(kernel_end, 4096))
			return fail(err, errlen, "the kernel and the initrd need %llu MiB of memory: use a larger --mem",
				    (unsigned long long)((align_up(kernel_end, 4096) +
							  li->initrd_len) >> 20) + 1);
		memcpy(mem + initrd_addr, li->initrd, li->initrd_len);
	}

	memcpy(mem + KERNEL_LOAD_ADDR, li->kernel + setup_size, kernel_size);
	memcpy(mem + BOOT_CMDLINE, li->cmdline, cmdline_len + 1);

	/*
	 * The zero page starts as zeroes and the image's setup header, which
	 * runs from 0x1f1 to 0x202 plus the byte at 0x201.  The sentinel at
	 * 0x1ef stays 0: a set one tells the kernel that a loader copied
	 * more than the header and makes it clear the fields it knows.
	 */
	memset(bp, 0, sizeof(*bp));
	hdr_end = 0x202 + li->kernel[0x201];
	if (hdr_end > sizeof(*bp))
		hdr_end = sizeof(*bp);
	memcpy((uint8_t *)bp + 0x1f1, li->kernel + 0x1f1, hdr_end - 0x1f1);
	bp->hdr.type_of_loader = LOADER_TYPE_UNDEFINED;
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE;
	bp->hdr.ramdisk_image = initrd_addr;
	bp->hdr.ramdisk_size = li->initrd ? li->initrd_len : 0;
	bp->hdr.code32_start = KERNEL_LOAD_ADDR;

	add_e820(bp, 0, LOW_RAM_END, E820_RAM);
	add_e820(bp, LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END, E820_RESERVED);
	add_e820(bp, HIGH_RAM_START, ram_end - HIGH_RAM_START, E820_RAM);
	if (mem_size > GUEST_MMIO_START)
		add_e820(bp, GUEST_HIGH_RAM, mem_size - GUEST_MMIO_START, E820_RAM);

	build_gdt(mem);
	build_identity_map(mem);
	return 0;
}

static void set_seg(struct kvm_segment *s, uint16_t sel, bool code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 11 : 3;	/* execute/read, accessed; read/write, accessed */
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

/*
 * The boot CPU at the 64-bit entry point: long mode with the identity
 * map, interrupts off, the boot GDT, and RSI = the zero page.
 */
void bzimage_entry_state(struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	set_seg(&sregs->cs, BOOT_CS, true);
	set_seg(&sregs->ds, BOOT_DS, false);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->gdt.base = BOOT_GDT_ADDR;
	sregs->gdt.limit = 4 * 8 - 1;
	sregs->cr0 = 0x80000011;	/* PG, ET, PE */
	sregs->cr3 = BOOT_PML4;
	sregs->cr4 = 0x20;		/* PAE */
	sregs->efer = 0x500;		/* LMA, LME */

	memset(regs, 0, sizeof(*regs));
	regs->rflags = 2;
	regs->rip = KERNEL_ENTRY64;
	regs->rsi = BOOT_ZERO_PAGE;
	regs->rsp = regs->rbp = BOOT_STACK_TOP;
}
