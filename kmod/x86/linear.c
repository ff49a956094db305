// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's linear memory as its own accesses see it: hvx reads and
 * writes it for the instructions it emulates (string I/O, MOVS and STOS
 * with MMIO, the fetch of an instruction to decode), page by page, with
 * the guest's paging and its checks, and gives the guest the #PF its own
 * access would have raised.  Also the register arithmetic of string
 * instructions.
 */
#include <linux/mm.h>
#include <asm/processor.h>

#include "../vm.h"
#include "decode.h"
#include "emulate.h"
#include "guest.h"
#include "paging.h"
#include "x86.h"

/*
 * Reads the guest's paging structures (@ctx is the vCPU, whose address
 * space they are in); the caller holds vm->mmu_lock.
 */
static int hvx_walk_read(void *ctx, u64 gpa, void *val, unsigned int size)
{
	struct hvx_vcpu *vcpu = ctx;

	return __hvx_read_guest(vcpu->vm, hvx_vcpu_as(vcpu), gpa, val, size);
}

/* The guest's paging state, for the walker.  The vCPU is loaded. */
static void hvx_get_paging(struct hvx_vcpu *vcpu, struct hvx_paging *pg)
{
	unsigned long cr0 = hvx_guest_cr0(vcpu);
	unsigned long cr4 = hvx_guest_cr4(vcpu);

	memset(pg, 0, sizeof(*pg));
	pg->cr3 = hvx_guest_cr3(vcpu);
	pg->pse = cr4 & X86_CR4_PSE;
	pg->wp = cr0 & X86_CR0_WP;
	pg->nx = vcpu->efer & EFER_NX;
	pg->smep = cr4 & X86_CR4_SMEP;
	pg->smap = cr4 & X86_CR4_SMAP;
	pg->ac = hvx_guest_rflags(vcpu) & X86_EFLAGS_AC;
	pg->maxphyaddr = boot_cpu_data.x86_phys_bits;
	if (!(cr0 & X86_CR0_PG))
		pg->mode = HVX_PAGING_NONE;
	else if (hvx_long_mode(vcpu))
		pg->mode = HVX_PAGING_4LEVEL;
	else if (cr4 & X86_CR4_PAE)
		pg->mode = HVX_PAGING_PAE;
	else
		pg->mode = HVX_PAGING_32;
	if (pg->mode == HVX_PAGING_PAE)
		hvx_guest_pdptrs(vcpu, pg->pdpte);
}

/* The access an explicit data access of the guest makes at its CPL. */
static u32 hvx_data_access(struct hvx_vcpu *vcpu, bool write)
{
	return (write ? HVX_PF_WRITE : 0) |
	       (hvx_cpl(vcpu) == 3 ? HVX_PF_USER : 0);
}

/* A #PF to give the guest for an access hvx made on its behalf. */
struct hvx_pf {
	u64 addr;		/* CR2: the first byte refused */
	u32 error;
};

static void hvx_inject_pf(struct hvx_vcpu *vcpu, const struct hvx_pf *pf)
{
	vcpu->cr2 = pf->addr;
	hvx_inject_exception(vcpu, PF_VECTOR, true, pf->error);
}

/*
 * Copy @len bytes (a page at most) between @buf and guest-linear memory
 * at @gva as the guest's own access would: each page the range touches
 * is translated and checked for @access by itself, and nothing is copied
 * unless all of them pass.  So an element that crosses a page boundary
 * lands on both pages where the guest's tables put them, or faults at
 * the first byte of the page that refuses it; never is the second page
 * reached through the first one's translation.  With @buf NULL this only
 * checks.  @wide: 64-bit code, else linear addresses wrap at 4 GiB.
 * Sleeps: the vCPU is put.
 *
 * Return: 0; 1 with @pf set when the guest must get a #PF; or the error
 * of guest memory (-ENOENT: no RAM at an address).
 */
static int hvx_linear_copy(struct hvx_vcpu *vcpu, const struct hvx_paging *pg,
			   u64 gva, bool wide, void *buf, unsigned int len,
			   u32 access, struct hvx_pf *pf)
{
	unsigned int first = min_t(unsigned int, len,
				   PAGE_SIZE - (gva & ~PAGE_MASK));
	u64 at[2] = { gva, (gva & PAGE_MASK) + PAGE_SIZE }, gpa[2];
	unsigned int i, pages = first < len ? 2 : 1;
	bool write = access & HVX_PF_WRITE;
	struct hvx_vm *vm = vcpu->vm;
	int as = hvx_vcpu_as(vcpu);
	int r = 0;

	mutex_lock(&vm->mmu_lock);
	for (i = 0; i < pages && !r; i++) {
		if (!wide)
			at[i] = (u32)at[i];
		r = hvx_gva_to_gpa(pg, at[i], access, hvx_walk_read, vcpu,
				   &gpa[i], &pf->error);
		pf->addr = at[i];
	}
	for (i = 0; i < pages && !r && buf; i++) {
		unsigned int n = i ? len - first : first;
		void *part = buf + (i ? first : 0);

		r = write ? __hvx_write_guest(vm, as, gpa[i], part, n) :
			    __hvx_read_guest(vm, as, gpa[i], part, n);
	}
	mutex_unlock(&vm->mmu_lock);
	return r;
}

/*
 * hvx_linear_copy() for an access of the guest's own, at its CPL, with
 * its paging as it stands; a refusal is injected as a #PF.  The vCPU is
 * loaded, and put meanwhile.
 * Return: 0; 1 when a #PF was injected; -ENOENT when it is not RAM.
 */
int hvx_guest_linear_copy(struct hvx_vcpu *vcpu, u64 gva, void *buf,
			  unsigned int len, bool write)
{
	u32 access = hvx_data_access(vcpu, write);
	bool wide = hvx_64bit_code(vcpu);
	struct hvx_paging pg;
	struct hvx_pf pf;
	int r;

	hvx_get_paging(vcpu, &pg);
	hvx_vcpu_put(vcpu);
	r = hvx_linear_copy(vcpu, &pg, gva, wide, buf, len, access, &pf);
	hvx_vcpu_load(vcpu);
	if (r == 1)
		hvx_inject_pf(vcpu, &pf);
	return r;
}

/**
 * hvx_guest_translate - where @gva is, under the vCPU's paging as it stands
 * @vcpu: the vCPU, not loaded (it sleeps)
 * @gva: the guest-linear address
 * @gpa: its guest-physical address, on success
 *
 * For an introspector (kmod/intro/): the walk a supervisor read would
 * make, with no access checked but present.
 *
 * Return: 0; 1 when nothing maps @gva; or the error of guest memory.
 */
int hvx_guest_translate(struct hvx_vcpu *vcpu, u64 gva, u64 *gpa)
{
	struct hvx_paging pg;
	u32 error;
	int r;

	hvx_vcpu_load(vcpu);
	hvx_get_paging(vcpu, &pg);
	if (!hvx_long_mode(vcpu))
		gva = (u32)gva;
	pg.smap = pg.smep = false;
	hvx_vcpu_put(vcpu);
	mutex_lock(&vcpu->vm->mmu_lock);
	r = hvx_gva_to_gpa(&pg, gva, 0, hvx_walk_read, vcpu, gpa, &error);
	mutex_unlock(&vcpu->vm->mmu_lock);
	return r;
}

/* Is a REP string instruction with this address size done (rCX zero)? */
bool hvx_rep_done(struct hvx_vcpu *vcpu, unsigned int addr_size)
{
	return !(vcpu->regs[HVX_REG_RCX] & hvx_addr_mask(addr_size));
}

/*
 * The linear address of a string operand, seg:reg with @addr_size bytes
 * of reg.  In 64-bit code only FS and GS have a base; elsewhere the
 * address wraps at 4 GiB.  Segment limits are not checked.
 */
u64 hvx_string_linear(struct hvx_vcpu *vcpu, unsigned int seg,
		      int reg, unsigned int addr_size)
{
	u64 gva = vcpu->regs[reg] & hvx_addr_mask(addr_size);
	bool wide = hvx_64bit_code(vcpu);

	if (!wide || seg == HVX_SEG_FS || seg == HVX_SEG_GS)
		gva += hvx_guest_seg_base(vcpu, seg);
	return wide ? gva : (u32)gva;
}

/*
 * Read or write one element of a string instruction's memory operand,
 * seg:reg, as the guest's own access would (@buf NULL: only check that it
 * could be written or read).  A #PF is given to the guest.
 * Return: 0; 1 when a #PF was injected; -ENOENT when it is not RAM.
 */
int hvx_string_mem(struct hvx_vcpu *vcpu, unsigned int seg, int reg,
		   unsigned int addr_size, void *buf, unsigned int size,
		   bool write)
{
	return hvx_guest_linear_copy(vcpu,
				     hvx_string_linear(vcpu, seg, reg, addr_size),
				     buf, size, write);
}

/*
 * How many of @count elements of @size bytes, the first at linear @gva
 * and register offset @ea, one exit moves: those in the first element's
 * page, in the direction of DF, and short of where the address register
 * wraps (16- and 32-bit addressing), so that the batch is one run of
 * linear memory within one page.  An element that crosses a page
 * boundary goes alone.
 */
unsigned long hvx_string_batch(u64 gva, unsigned long ea,
			       unsigned int addr_size, unsigned int size,
			       unsigned long count, bool down)
{
	unsigned long off = gva & ~PAGE_MASK, n;

	if (off + size > PAGE_SIZE)
		return 1;
	n = down ? off / size + 1 : (PAGE_SIZE - off) / size;
	if (addr_size < 8)
		n = min(n, down ? ea / size + 1 :
			   (hvx_addr_mask(addr_size) - ea + 1) / size);
	return clamp(n, 1UL, count);
}

/* Add @delta to a string register of @addr_size bytes (rSI, rDI, rCX). */
static void hvx_string_reg_add(struct hvx_vcpu *vcpu, int reg,
			       unsigned int addr_size, long delta)
{
	unsigned long mask = hvx_addr_mask(addr_size);
	unsigned long *g = vcpu->regs;

	g[reg] = (g[reg] & ~mask) | ((g[reg] + delta) & mask);
	if (addr_size == 4)	/* 32-bit writes zero-extend */
		g[reg] = (u32)g[reg];
}

/*
 * Step a string instruction's registers past @count elements of @size
 * bytes: rSI and/or rDI with EFLAGS.DF, and rCX for a REP form.
 */
void hvx_string_advance(struct hvx_vcpu *vcpu, bool si, bool di,
			unsigned int addr_size, unsigned int size,
			unsigned int count, bool rep)
{
	long delta = (long)count * size;

	if (hvx_guest_rflags(vcpu) & X86_EFLAGS_DF)
		delta = -delta;
	if (si)
		hvx_string_reg_add(vcpu, HVX_REG_RSI, addr_size, delta);
	if (di)
		hvx_string_reg_add(vcpu, HVX_REG_RDI, addr_size, delta);
	if (rep)
		hvx_string_reg_add(vcpu, HVX_REG_RCX, addr_size, -(long)count);
}

/*
 * Fetch up to HVX_INSN_MAX bytes at the guest's CS:RIP.  Returns how many
 * could be read: the fetch stops at a page that is not mapped or not
 * memory, and the decoder refuses an instruction that needs more.
 */
unsigned int hvx_fetch_insn(struct hvx_vcpu *vcpu, u8 *buf)
{
	u32 access = HVX_PF_FETCH | (hvx_cpl(vcpu) == 3 ? HVX_PF_USER : 0);
	u64 gva = hvx_guest_linear_rip(vcpu), gpa;
	bool wide = hvx_64bit_code(vcpu);
	struct hvx_paging pg;
	unsigned int n = 0, chunk;
	u32 pf_error;

	hvx_get_paging(vcpu, &pg);

	hvx_vcpu_put(vcpu);
	mutex_lock(&vcpu->vm->mmu_lock);
	while (n < HVX_INSN_MAX) {
		u64 at = wide ? gva + n : (u32)(gva + n);

		chunk = min_t(unsigned int, HVX_INSN_MAX - n,
			      PAGE_SIZE - (at & ~PAGE_MASK));
		if (hvx_gva_to_gpa(&pg, at, access, hvx_walk_read, vcpu,
				   &gpa, &pf_error) ||
		    __hvx_read_guest(vcpu->vm, hvx_vcpu_as(vcpu), gpa,
				     buf + n, chunk))
			break;
		n += chunk;
	}
	mutex_unlock(&vcpu->vm->mmu_lock);
	hvx_vcpu_load(vcpu);
	return n;
}
