// SPDX-License-Identifier: GPL-2.0
/*
 * Test images (vmctl run FILE): load a flat binary or an ELF file and
 * start every vCPU in it, in the mode --mode names.
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
 * Each vCPU starts with RSI = its vCPU id and RDI = the memory size, on a
 * stack of its own.  The devices such a guest finds are testdev.c's and a
 * UART it polls (serial.c, with no interrupt line).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

#define GDT_ADDR	0x1000
#define PD32_ADDR	0x2000
#define PML4_ADDR	0x3000

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18

const char *const image_mode_names[] = {
	[MODE_REAL] = "real", [MODE_PROTECTED] = "protected",
	[MODE_PAGED] = "paged", [MODE_LONG] = "long",
};

static int load_flat(struct image *im, const uint8_t *img, size_t len)
{
	if (LOAD_ADDR + len > im->mem_size) {
		fprintf(stderr, "vmctl run: the image (%zu bytes) does not fit in guest memory at %#x\n",
			len, LOAD_ADDR);
		return -1;
	}
	memcpy(im->mem + LOAD_ADDR, img, len);
	im->entry = LOAD_ADDR;
	return 0;
}

/* Load the PT_LOAD segments of an ELF32 or ELF64 at their physical addresses. */
static int load_elf(struct image *im, const uint8_t *img, size_t len)
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
		    paddr + memsz > im->mem_size || paddr + memsz < paddr) {
			fprintf(stderr, "vmctl run: ELF segment %u at %#llx does not fit in guest memory\n",
				i, (unsigned long long)paddr);
			return -1;
		}
		memcpy(im->mem + paddr, img + foff, filesz);
		memset(im->mem + paddr + filesz, 0, memsz - filesz);
	}
	im->entry = entry;
	return 0;
bad:
	fprintf(stderr, "vmctl run: malformed ELF file\n");
	return -1;
}

int image_load(struct image *im, const char *path)
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
		r = load_elf(im, img, st.st_size);
	else
		r = load_flat(im, img, st.st_size);
	free(img);
	return r;
}

/* The GDT, and the page tables the chosen mode needs. */
void image_build_tables(const struct image *im)
{
	uint64_t *gdt = (uint64_t *)(im->mem + GDT_ADDR);
	uint64_t gb, i;

	gdt[0] = 0;
	gdt[SEL_CODE32 / 8] = 0x00cf9b000000ffffULL;	/* 32-bit, 4 GiB */
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffULL;
	gdt[SEL_CODE64 / 8] = 0x00af9b000000ffffULL;	/* L=1 */

	if (im->mode == MODE_PAGED) {
		uint32_t *pd = (uint32_t *)(im->mem + PD32_ADDR);

		/* 1024 4 MiB pages: the whole 32-bit space, identity. */
		for (i = 0; i < 1024; i++)
			pd[i] = (i << 22) | 0x83;	/* P, RW, PS */
	} else if (im->mode == MODE_LONG) {
		uint64_t *pml4 = (uint64_t *)(im->mem + PML4_ADDR);
		uint64_t *pdpt = pml4 + 512;
		uint64_t pd_addr = PML4_ADDR + 2 * 4096;

		/* At least 4 GiB, so MMIO-style addresses are mapped too. */
		gb = (im->mem_size + (1ULL << 30) - 1) >> 30;
		if (gb < 4)
			gb = 4;
		pml4[0] = (PML4_ADDR + 4096) | 3;
		for (i = 0; i < gb; i++) {
			uint64_t *pd = (uint64_t *)(im->mem + pd_addr + i * 4096);
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

int image_vcpu_setup(const struct image *im, struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	/* Each vCPU gets its own 4 KiB of stack below the image. */
	regs.rsp = LOAD_ADDR - (uint64_t)v->id * 4096;
	regs.rsi = v->id;
	regs.rdi = im->mem_size;

	if (im->mode == MODE_REAL) {
		/* CS:IP = entry, with IP as small as possible. */
		sregs.cs.selector = (im->entry >> 4) & 0xf000;
		sregs.cs.base = (uint64_t)sregs.cs.selector << 4;
		regs.rip = im->entry - sregs.cs.base;
		sregs.ss.selector = 0;
		sregs.ss.base = 0;
		sregs.ds = sregs.es = sregs.ss;
		regs.rsp &= 0xffff;
		if (!regs.rsp)
			regs.rsp = 0xfff0;
	} else {
		bool l = im->mode == MODE_LONG;

		set_seg(&sregs.cs, l ? SEL_CODE64 : SEL_CODE32, true, l);
		set_seg(&sregs.ds, SEL_DATA, false, false);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		sregs.gdt.base = GDT_ADDR;
		sregs.gdt.limit = 4 * 8 - 1;
		sregs.cr0 = 0x11;		/* PE, ET */
		regs.rip = im->entry;
		if (im->mode == MODE_PAGED) {
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

