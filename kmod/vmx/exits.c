// SPDX-License-Identifier: GPL-2.0
/*
 * VM exit handlers.
 *
 * Each handler runs with the vCPU loaded and returns what hvx_vmx_run()
 * returns: 1 to enter the guest again, 0 to go to userspace with
 * vcpu->run filled in, or a negative errno for KVM_RUN to return.  A
 * handler that must sleep puts the vCPU and loads it again.
 *
 * What a guest does can never make a handler fail the host: anything hvx
 * does not handle ends in KVM_EXIT_INTERNAL_ERROR for the VMM to see.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/kvm_para.h>
#include <linux/sched.h>
#include <asm/apicdef.h>
#include <asm/debugreg.h>
#include <asm/msr.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "capabilities.h"
#include "../x86/decode.h"
#include "entry_check.h"
#include "fpu.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "../x86/paging.h"
#include "vmx_ops.h"

/**
 * hvx_inject_exception - deliver a hardware exception on the next entry
 * @vcpu: the vCPU
 * @vector: the exception
 * @has_error: whether the exception pushes an error code
 * @error_code: the error code
 */
void hvx_inject_exception(struct hvx_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	struct hvx_vmx_event *e = &vcpu->vmx.event;

	e->pending = true;
	e->info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK |
		  (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0);
	e->error_code = error_code;
	e->instr_len = 0;
}

static int hvx_inject_ud(struct hvx_vcpu *vcpu)
{
	hvx_inject_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

static int hvx_internal_error(struct hvx_vcpu *vcpu, u32 suberror)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 4;
	run->internal.data[0] = vcpu->vmx.exit_reason;
	run->internal.data[1] = vcpu->vmx.exit_qual;
	run->internal.data[2] = vmcs_readl(GUEST_RIP);
	run->internal.data[3] = smp_processor_id();
	return 0;
}

/*
 * An exit that interrupted the delivery of an event (an EPT violation on
 * the guest's IDT, say) leaves the event undelivered: deliver it again on
 * the next entry (SDM "Information for VM Exits During Event Delivery").
 */
static void hvx_requeue_vectoring_event(struct hvx_vcpu *vcpu)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	struct hvx_vmx_event *e = &vcpu->vmx.event;
	u32 type;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	type = info & VECTORING_INFO_TYPE_MASK;
	e->pending = true;
	e->info = info & (VECTORING_INFO_VECTOR_MASK | VECTORING_INFO_TYPE_MASK |
			  VECTORING_INFO_DELIVER_CODE_MASK |
			  VECTORING_INFO_VALID_MASK);
	e->error_code = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	e->instr_len = 0;
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		e->instr_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
}

static int hvx_handle_exception(struct hvx_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;
	u8 vector = info & INTR_INFO_VECTOR_MASK;
	struct hvx_vmx_event *e = &vcpu->vmx.event;

	/* The host's NMI: already handled in hvx_vmx_run(). */
	if (type == INTR_TYPE_NMI_INTR)
		return 1;

	switch (vector) {
	case DB_VECTOR:
		/* The exit qualification holds what DR6 would have got. */
		vcpu->vmx.dr6 = HVX_DR6_ACTIVE_LOW ^
				(vcpu->vmx.exit_qual & (DR_TRAP_BITS | DR_STEP));
		fallthrough;
	case AC_VECTOR:
		if (e->pending)		/* found during delivery: see above */
			return 1;
		e->pending = true;
		e->info = info & (INTR_INFO_VECTOR_MASK |
				  INTR_INFO_INTR_TYPE_MASK |
				  INTR_INFO_DELIVER_CODE_MASK |
				  INTR_INFO_VALID_MASK);
		e->error_code = vmcs_read32(VM_EXIT_INTR_ERROR_CODE);
		e->instr_len = type == INTR_TYPE_HARD_EXCEPTION ? 0 :
			       vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
		return 1;
	case MC_VECTOR:
		/* The host's, and handled: hvx_vmx_run() gave it over. */
		return 1;
	default:
		return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
	}
}

static int hvx_handle_triple_fault(struct hvx_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

static int hvx_handle_cpuid(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u32 eax, ebx, ecx, edx;

	hvx_cpuid_lookup(vcpu, g[HVX_REG_RAX], g[HVX_REG_RCX],
			 &eax, &ebx, &ecx, &edx);
	g[HVX_REG_RAX] = eax;
	g[HVX_REG_RBX] = ebx;
	g[HVX_REG_RCX] = ecx;
	g[HVX_REG_RDX] = edx;
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * HLT: with no interrupt controller in the kernel, the VMM decides what a
 * halted vCPU waits for (KVM does the same without an in-kernel irqchip).
 */
static int hvx_handle_hlt(struct hvx_vcpu *vcpu)
{
	hvx_skip_instruction(vcpu);
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

static int hvx_handle_nop(struct hvx_vcpu *vcpu)
{
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * VMCALL: KVM's hypercall convention (number in RAX, result in RAX).  No
 * hypercall exists yet, so every number gets KVM's "no such hypercall".
 */
static int hvx_handle_vmcall(struct hvx_vcpu *vcpu)
{
	long ret = hvx_cpl(vcpu) ? -KVM_EPERM : -KVM_ENOSYS;

	if (!hvx_64bit_code(vcpu))
		ret = (u32)ret;
	vcpu->regs[HVX_REG_RAX] = ret;
	hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * XSETBV exits whatever it writes.  #UD for CR4.OSXSAVE clear came before
 * the exit; the rest of the instruction's checks are hvx's: CPL 0, XCR0
 * the only register, a value hvx_set_xcr0() accepts.
 */
static int hvx_handle_xsetbv(struct hvx_vcpu *vcpu)
{
	unsigned long *g = vcpu->regs;
	u64 val = (u64)(u32)g[HVX_REG_RDX] << 32 | (u32)g[HVX_REG_RAX];

	if (hvx_cpl(vcpu) || (u32)g[HVX_REG_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    hvx_set_xcr0(vcpu, val))
		return hvx_inject_gp(vcpu);
	hvx_skip_instruction(vcpu);
	return 1;
}

/* The guest sees no VMX: its VMX instructions raise #UD. */
static int hvx_handle_vmx_instruction(struct hvx_vcpu *vcpu)
{
	return hvx_inject_ud(vcpu);
}

/* MOV to and from CR0, CR4 and CR8, LMSW and CLTS (SDM table "Exit
 * Qualification for Control-Register Accesses").
 */
static int hvx_handle_cr(struct hvx_vcpu *vcpu)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	int cr = qual & 15, reg = (qual >> 8) & 15;
	unsigned long val;
	int r;

	switch ((qual >> 4) & 3) {
	case 0:		/* MOV to CR */
		val = hvx_reg_read(vcpu, reg);
		if (!hvx_64bit_code(vcpu))
			val = (u32)val;
		switch (cr) {
		case 0:
			r = hvx_set_cr0(vcpu, val);
			break;
		case 4:
			r = hvx_set_cr4(vcpu, val);
			break;
		case 8:
			r = val & ~15UL ? 1 : 0;
			if (!r)
				vcpu->vmx.cr8 = val;
			break;
		default:
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
		}
		if (r)
			return hvx_inject_gp(vcpu);
		break;
	case 1:		/* MOV from CR: only CR8 exits */
		if (cr != 8)
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
		hvx_reg_write(vcpu, reg, vcpu->vmx.cr8);
		break;
	case 2:		/* CLTS */
		if (hvx_set_cr0(vcpu, hvx_guest_cr0(vcpu) & ~X86_CR0_TS))
			return hvx_inject_gp(vcpu);
		break;
	case 3:		/* LMSW: sets PE, MP, EM and TS; cannot clear PE */
		val = (qual >> 16) & 0xf;
		val |= hvx_guest_cr0(vcpu) & ~0xeUL;
		if (hvx_set_cr0(vcpu, val))
			return hvx_inject_gp(vcpu);
		break;
	}
	hvx_skip_instruction(vcpu);
	return 1;
}

/* DR7 lives in the VMCS; hvx_isolation_enter() reads the copy. */
static void hvx_set_dr7(struct hvx_vcpu *vcpu, unsigned long val)
{
	vcpu->vmx.dr7 = (val & ~HVX_DR7_FIXED_0) | HVX_DR7_FIXED_1;
	vmcs_writel(GUEST_DR7, vcpu->vmx.dr7);
}

/*
 * MOV to and from debug registers.  Every access exits, so hvx always
 * knows the guest's DR0-DR3, DR6 and DR7; hvx_isolation_enter() puts
 * DR0-DR3 and DR6 into the CPU whenever DR7 enables a breakpoint.
 */
static int hvx_handle_dr(struct hvx_vcpu *vcpu)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	int dr = qual & 7, reg = (qual >> 8) & 15;
	bool from_dr = qual & BIT(4);
	unsigned long val;

	if (dr == 4 || dr == 5) {
		if (hvx_guest_cr4(vcpu) & X86_CR4_DE)
			return hvx_inject_ud(vcpu);
		dr += 2;
	}
	if (from_dr) {
		if (dr < 4)
			val = vcpu->vmx.db[dr];
		else if (dr == 6)
			val = vcpu->vmx.dr6;
		else
			val = vmcs_readl(GUEST_DR7);
		hvx_reg_write(vcpu, reg, val);
	} else {
		val = hvx_reg_read(vcpu, reg);
		if (!hvx_64bit_code(vcpu))
			val = (u32)val;
		if (dr < 4) {
			vcpu->vmx.db[dr] = val;
		} else {
			if (val >> 32)
				return hvx_inject_gp(vcpu);
			if (dr == 6)
				vcpu->vmx.dr6 = (val & HVX_DR6_VOLATILE) |
						HVX_DR6_FIXED_1;
			else
				hvx_set_dr7(vcpu, val);
		}
	}
	hvx_skip_instruction(vcpu);
	return 1;
}

/* Reading guest memory for the page-table walker. */
/* Reads the guest's paging structures; the caller holds vm->mmu_lock. */
static int hvx_walk_read(void *ctx, u64 gpa, void *val, unsigned int size)
{
	return __hvx_read_guest(ctx, gpa, val, size);
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
static int hvx_linear_copy(struct hvx_vm *vm, const struct hvx_paging *pg,
			   u64 gva, bool wide, void *buf, unsigned int len,
			   u32 access, struct hvx_pf *pf)
{
	unsigned int first = min_t(unsigned int, len,
				   PAGE_SIZE - (gva & ~PAGE_MASK));
	u64 at[2] = { gva, (gva & PAGE_MASK) + PAGE_SIZE }, gpa[2];
	unsigned int i, pages = first < len ? 2 : 1;
	bool write = access & HVX_PF_WRITE;
	int r = 0;

	mutex_lock(&vm->mmu_lock);
	for (i = 0; i < pages && !r; i++) {
		if (!wide)
			at[i] = (u32)at[i];
		r = hvx_gva_to_gpa(pg, at[i], access, hvx_walk_read, vm,
				   &gpa[i], &pf->error);
		pf->addr = at[i];
	}
	for (i = 0; i < pages && !r && buf; i++) {
		unsigned int n = i ? len - first : first;
		void *part = buf + (i ? first : 0);

		r = write ? __hvx_write_guest(vm, gpa[i], part, n) :
			    __hvx_read_guest(vm, gpa[i], part, n);
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
static int hvx_guest_linear_copy(struct hvx_vcpu *vcpu, u64 gva, void *buf,
				 unsigned int len, bool write)
{
	u32 access = hvx_data_access(vcpu, write);
	bool wide = hvx_64bit_code(vcpu);
	struct hvx_paging pg;
	struct hvx_pf pf;
	int r;

	hvx_get_paging(vcpu, &pg);
	hvx_vcpu_put(vcpu);
	r = hvx_linear_copy(vcpu->vm, &pg, gva, wide, buf, len, access, &pf);
	hvx_vcpu_load(vcpu);
	if (r == 1)
		hvx_inject_pf(vcpu, &pf);
	return r;
}

/* The bits of rSI, rDI and rCX a string instruction of @addr_size uses. */
static unsigned long hvx_addr_mask(unsigned int addr_size)
{
	return addr_size == 8 ? ~0UL : GENMASK(addr_size * 8 - 1, 0);
}

/* Is a REP string instruction with this address size done (rCX zero)? */
static bool hvx_rep_done(struct hvx_vcpu *vcpu, unsigned int addr_size)
{
	return !(vcpu->regs[HVX_REG_RCX] & hvx_addr_mask(addr_size));
}

/*
 * The linear address of a string operand, seg:reg with @addr_size bytes
 * of reg.  In 64-bit code only FS and GS have a base; elsewhere the
 * address wraps at 4 GiB.  Segment limits are not checked.
 */
static u64 hvx_string_linear(struct hvx_vcpu *vcpu, unsigned int seg,
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
static int hvx_string_mem(struct hvx_vcpu *vcpu, unsigned int seg, int reg,
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
static unsigned long hvx_string_batch(u64 gva, unsigned long ea,
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

/* Reverse the order of @count elements of @size bytes in @data. */
static void hvx_reverse_elements(u8 *data, unsigned int count,
				 unsigned int size)
{
	unsigned int i;
	u64 a, b;

	for (i = 0; i < count / 2; i++) {
		u8 *x = data + i * size, *y = data + (count - 1 - i) * size;

		memcpy(&a, x, size);
		memcpy(&b, y, size);
		memcpy(x, &b, size);
		memcpy(y, &a, size);
	}
}

/*
 * Copy the data of a string I/O instruction between guest memory, at
 * seg:rSI or ES:rDI, and the vCPU's I/O data page, which holds the
 * elements in the order of transfer; or, with @check, only see that the
 * guest may write there (INS, before the port is read).  Sleeps: the vCPU
 * is put.  Returns 0, 1 when a #PF was injected, or a negative errno.
 */
static int hvx_pio_string_copy(struct hvx_vcpu *vcpu, bool to_guest,
			       bool check)
{
	struct hvx_pio *pio = &vcpu->pio;
	bool down = hvx_guest_rflags(vcpu) & X86_EFLAGS_DF;
	unsigned int bytes = pio->count * pio->size;
	u8 *data = check ? NULL : vcpu->pio_data;
	u64 gva;
	int r;

	gva = hvx_string_linear(vcpu, pio->seg,
				pio->in ? HVX_REG_RDI : HVX_REG_RSI,
				pio->addr_size);
	/*
	 * Moving down, the elements span [gva - bytes + size, gva + size);
	 * hvx_linear_copy() wraps outside 64-bit code.
	 */
	if (down)
		gva -= bytes - pio->size;
	if (data && down && to_guest)
		hvx_reverse_elements(data, pio->count, pio->size);
	r = hvx_guest_linear_copy(vcpu, gva, data, bytes, to_guest);
	if (data && down && !to_guest)
		hvx_reverse_elements(data, pio->count, pio->size);
	return r;
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
static void hvx_string_advance(struct hvx_vcpu *vcpu, bool si, bool di,
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

/* Advance RSI or RDI and RCX past the elements this exit transferred. */
static void hvx_pio_string_advance(struct hvx_vcpu *vcpu)
{
	struct hvx_pio *pio = &vcpu->pio;

	hvx_string_advance(vcpu, !pio->in, pio->in, pio->addr_size, pio->size,
			   pio->count, pio->rep);
}

/**
 * hvx_complete_pio - finish port I/O that went to userspace
 * @vcpu: the vCPU, loaded
 *
 * Called at the start of KVM_RUN.  IN puts the data userspace supplied
 * into the guest; every form steps past the instruction when it is done
 * (a REP form with elements left runs again instead, as on hardware).
 *
 * Return: 1 to enter the guest, or a negative errno.
 */
int hvx_complete_pio(struct hvx_vcpu *vcpu)
{
	struct hvx_pio *pio = &vcpu->pio;
	unsigned long *g = vcpu->regs;
	int r;

	if (!pio->pending)
		return 1;
	pio->pending = false;
	/*
	 * The VMM moved the vCPU elsewhere (KVM_SET_REGS) since the exit:
	 * the instruction is abandoned, as in KVM.
	 */
	if (hvx_guest_rip(vcpu) != pio->rip)
		return 1;

	if (!pio->string) {
		if (pio->in) {
			u32 val = 0;

			memcpy(&val, vcpu->pio_data, pio->size);
			if (pio->size == 4)
				g[HVX_REG_RAX] = val;	/* zero-extends */
			else
				g[HVX_REG_RAX] = (g[HVX_REG_RAX] &
						  ~GENMASK(pio->size * 8 - 1, 0)) | val;
		}
		hvx_skip_instruction(vcpu);
		return 1;
	}

	if (pio->in) {
		r = hvx_pio_string_copy(vcpu, true, false);
		if (r)
			return r < 0 ? r : 1;
	}
	hvx_pio_string_advance(vcpu);
	if (!pio->rep || hvx_rep_done(vcpu, pio->addr_size))
		hvx_skip_instruction(vcpu);
	return 1;
}

/*
 * IN, OUT, INS and OUTS go to userspace as KVM_EXIT_IO, with the data in
 * the page after struct kvm_run.  A REP string instruction goes in
 * batches of at most a page of data within one guest page (an element
 * that crosses into the next page goes alone), so that a #PF on the next
 * page comes after the elements before it, as on hardware.  vcpu->pio
 * holds the instruction, as the exit described it (hvx_handle_io()).
 */
static int hvx_emulate_pio(struct hvx_vcpu *vcpu)
{
	struct hvx_pio *pio = &vcpu->pio;
	struct kvm_run *run = vcpu->run;
	unsigned long *g = vcpu->regs;
	int r;

	if (pio->string) {
		bool down = hvx_guest_rflags(vcpu) & X86_EFLAGS_DF;
		int reg = pio->in ? HVX_REG_RDI : HVX_REG_RSI;
		unsigned long mask, count;

		mask = hvx_addr_mask(pio->addr_size);
		count = pio->rep ? g[HVX_REG_RCX] & mask : 1;
		if (!count)
			return hvx_handle_nop(vcpu);
		pio->count = hvx_string_batch(hvx_string_linear(vcpu, pio->seg,
								reg, pio->addr_size),
					      g[reg] & mask, pio->addr_size,
					      pio->size, count, down);
		/* OUTS reads its data now; INS checks it may write it. */
		r = hvx_pio_string_copy(vcpu, pio->in, pio->in);
		if (r)
			return r < 0 ? r : 1;
	} else if (!pio->in) {
		memcpy(vcpu->pio_data, &g[HVX_REG_RAX], pio->size);
	}

	pio->pending = true;
	pio->rip = hvx_guest_rip(vcpu);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = pio->in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = pio->size;
	run->io.port = pio->port;
	run->io.count = pio->count;
	run->io.data_offset = HVX_PIO_PAGE_OFFSET * PAGE_SIZE;
	return 0;
}

/* The port I/O instruction, from the exit qualification. */
static int hvx_handle_io(struct hvx_vcpu *vcpu)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	struct hvx_pio *pio = &vcpu->pio;

	memset(pio, 0, sizeof(*pio));
	pio->size = (qual & 7) + 1;
	pio->in = qual & BIT(3);
	pio->string = qual & BIT(4);
	pio->rep = qual & BIT(5);
	pio->port = qual >> 16;
	pio->count = 1;

	if (pio->string) {
		u32 info = vmcs_read32(VMX_INSTRUCTION_INFO);

		/* Bits 9:7 address size (16/32/64), 17:15 segment (OUTS). */
		pio->addr_size = 2 << ((info >> 7) & 7);
		pio->seg = pio->in ? HVX_SEG_ES : (info >> 15) & 7;
		if (pio->addr_size > 8 || pio->seg > HVX_SEG_GS)
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION);
	}
	return hvx_emulate_pio(vcpu);
}

/*
 * MMIO: a guest access to guest-physical memory that no slot backs.  The
 * exit gives the address; the instruction, decoded here (decode.c), gives
 * the rest.  The access goes to the VMM as KVM_EXIT_MMIO.  A store is
 * complete once it has gone out, so the guest moves on at once; a load
 * finishes on the next KVM_RUN with the data the VMM left in
 * run->mmio.data (hvx_complete_mmio()).  This is what KVM does.
 */

/*
 * Fetch up to HVX_INSN_MAX bytes at the guest's CS:RIP.  Returns how many
 * could be read: the fetch stops at a page that is not mapped or not
 * memory, and the decoder refuses an instruction that needs more.
 */
static unsigned int hvx_fetch_insn(struct hvx_vcpu *vcpu, u8 *buf)
{
	u32 access = HVX_PF_FETCH | (hvx_cpl(vcpu) == 3 ? HVX_PF_USER : 0);
	u64 gva = hvx_guest_rip(vcpu), gpa;
	bool wide = hvx_64bit_code(vcpu);
	struct hvx_paging pg;
	unsigned int n = 0, chunk;
	u32 pf_error;

	if (!wide)
		gva += hvx_guest_seg_base(vcpu, HVX_SEG_CS);
	hvx_get_paging(vcpu, &pg);

	hvx_vcpu_put(vcpu);
	mutex_lock(&vcpu->vm->mmu_lock);
	while (n < HVX_INSN_MAX) {
		u64 at = wide ? gva + n : (u32)(gva + n);

		chunk = min_t(unsigned int, HVX_INSN_MAX - n,
			      PAGE_SIZE - (at & ~PAGE_MASK));
		if (hvx_gva_to_gpa(&pg, at, access, hvx_walk_read, vcpu->vm,
				   &gpa, &pf_error) ||
		    __hvx_read_guest(vcpu->vm, gpa, buf + n, chunk))
			break;
		n += chunk;
	}
	mutex_unlock(&vcpu->vm->mmu_lock);
	hvx_vcpu_load(vcpu);
	return n;
}

/*
 * An MMIO access hvx cannot emulate: KVM_INTERNAL_ERROR_EMULATION, with
 * the instruction's bytes in KVM's emulation_failure layout, then the
 * address and RIP for whoever reads the exit.
 */
static int hvx_mmio_failure(struct hvx_vcpu *vcpu, u64 gpa, const u8 *bytes,
			    unsigned int n)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.flags =
		KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = n;
	memset(run->emulation_failure.insn_bytes, 0,
	       sizeof(run->emulation_failure.insn_bytes));
	memcpy(run->emulation_failure.insn_bytes, bytes, n);
	/* flags, the 16 bytes of insn_size and insn_bytes, gpa, RIP */
	run->emulation_failure.ndata = 5;
	run->internal.data[3] = gpa;
	run->internal.data[4] = hvx_guest_rip(vcpu);
	return 0;
}

/*
 * MOVS and STOS with MMIO on one side, one element per exit, as KVM does:
 * the registers step after each element and RIP only after the last, so
 * a REP form runs again, and exits again, until rCX reaches zero.  The
 * exit says which side is MMIO: a write fault is the destination, a read
 * fault MOVS's source.  MMIO on both sides is not emulated.
 */
static int hvx_mmio_string(struct hvx_vcpu *vcpu, u64 gpa, bool write,
			   const struct hvx_insn *insn, const u8 *bytes,
			   unsigned int n)
{
	bool movs = insn->op == HVX_INSN_MOVS;
	struct hvx_mmio *mmio = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;
	u64 val = 0;
	int r;

	if (insn->rep && hvx_rep_done(vcpu, insn->addr_size)) {
		hvx_advance_rip(vcpu, insn->len);	/* nothing to move */
		return 1;
	}

	if (!write) {
		/*
		 * MOVS from MMIO: the element goes to ES:rDI on return.  A
		 * destination the guest may not write faults before the
		 * device is read; one that is not RAM is MMIO to MMIO.
		 */
		if (!movs)
			return hvx_mmio_failure(vcpu, gpa, bytes, n);
		r = hvx_string_mem(vcpu, HVX_SEG_ES, HVX_REG_RDI,
				   insn->addr_size, NULL, insn->size, true);
		if (r)
			return r == 1 ? 1 : hvx_mmio_failure(vcpu, gpa, bytes, n);
		run->mmio.is_write = 0;
		*mmio = (struct hvx_mmio) {
			.pending = true, .string = true, .rep = insn->rep,
			.size = insn->size, .addr_size = insn->addr_size,
			.len = insn->len, .rip = hvx_guest_rip(vcpu),
		};
		return 0;
	}

	/* To MMIO: the element is rAX's, or MOVS's source in memory. */
	if (movs) {
		r = hvx_string_mem(vcpu, insn->seg, HVX_REG_RSI,
				   insn->addr_size, &val, insn->size, false);
		if (r)
			return r == 1 ? 1 : hvx_mmio_failure(vcpu, gpa, bytes, n);
	} else {
		val = vcpu->regs[HVX_REG_RAX];
	}
	run->mmio.is_write = 1;
	memcpy(run->mmio.data, &val, insn->size);
	hvx_string_advance(vcpu, movs, true, insn->addr_size, insn->size, 1,
			   insn->rep);
	if (!insn->rep || hvx_rep_done(vcpu, insn->addr_size))
		hvx_advance_rip(vcpu, insn->len);
	return 0;
}

/*
 * An access to MMIO at @gpa, linear address @gla: @data when it is the
 * guest's data access to that address and nothing else (not a fetch, a
 * page-table walk or an event's delivery), @write when it writes.
 */
static int hvx_emulate_mmio(struct hvx_vcpu *vcpu, u64 gpa, u64 gla,
			    bool data, bool write)
{
	struct hvx_mmio *mmio = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;
	u8 bytes[HVX_INSN_MAX];
	struct hvx_insn insn;
	unsigned int n;
	u64 val;

	/*
	 * Only a data access to the final address is emulated: not an
	 * instruction fetch (the bytes before the MMIO page, if any, go in
	 * the report), a guest page-table walk, or an exception's delivery
	 * (the IDT or a stack in MMIO).
	 */
	n = hvx_fetch_insn(vcpu, bytes);
	if (!data)
		return hvx_mmio_failure(vcpu, gpa, bytes, n);

	if (hvx_decode_insn(bytes, n, hvx_code_size(vcpu), &insn))
		return hvx_mmio_failure(vcpu, gpa, bytes, n);
	/*
	 * One access, within one page, starting at the address that exited
	 * (an access that starts in RAM and runs into MMIO exits on the MMIO
	 * page, not where it starts).
	 */
	if ((gpa & ~PAGE_MASK) + insn.size > PAGE_SIZE ||
	    (gla & ~PAGE_MASK) != (gpa & ~PAGE_MASK))
		return hvx_mmio_failure(vcpu, gpa, bytes, n);

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn.size;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (insn.op == HVX_INSN_MOVS || insn.op == HVX_INSN_STOS)
		return hvx_mmio_string(vcpu, gpa, write, &insn, bytes, n);
	if (insn.op == HVX_INSN_LOAD) {
		run->mmio.is_write = 0;
		*mmio = (struct hvx_mmio) {
			.pending = true, .sign_extend = insn.sign_extend,
			.high_byte = insn.high_byte, .reg = insn.reg,
			.size = insn.size, .reg_size = insn.reg_size,
			.len = insn.len, .rip = hvx_guest_rip(vcpu),
		};
		return 0;
	}

	if (insn.op == HVX_INSN_STORE_IMM)
		val = insn.imm;
	else if (insn.high_byte)
		val = hvx_reg_read(vcpu, insn.reg - 4) >> 8;
	else
		val = hvx_reg_read(vcpu, insn.reg);
	run->mmio.is_write = 1;
	memcpy(run->mmio.data, &val, insn.size);
	hvx_advance_rip(vcpu, insn.len);
	return 0;
}

/**
 * hvx_complete_mmio - finish an MMIO load that went to userspace
 * @vcpu: the vCPU, loaded
 *
 * Called at the start of KVM_RUN: the data in run->mmio.data goes into
 * the register, extended as the instruction says (or, for MOVS, into
 * guest memory at ES:rDI), and the guest steps past the instruction (or
 * the element).  A VMM that moved RIP meanwhile abandons it.
 *
 * Return: 1 to enter the guest, or a negative errno.
 */
int hvx_complete_mmio(struct hvx_vcpu *vcpu)
{
	struct hvx_mmio *mmio = &vcpu->mmio;
	unsigned long old, val = 0;
	unsigned int reg = mmio->reg;
	int r;

	if (!mmio->pending)
		return 1;
	mmio->pending = false;
	if (hvx_guest_rip(vcpu) != mmio->rip)
		return 1;

	memcpy(&val, vcpu->run->mmio.data, mmio->size);
	if (mmio->string) {
		r = hvx_string_mem(vcpu, HVX_SEG_ES, HVX_REG_RDI,
				   mmio->addr_size, &val, mmio->size, true);
		if (r == 1)	/* the VMM changed the guest's tables */
			return 1;
		if (r)		/* or the slot went away since the exit */
			return -EFAULT;
		hvx_string_advance(vcpu, true, true, mmio->addr_size,
				   mmio->size, 1, mmio->rep);
		if (!mmio->rep || hvx_rep_done(vcpu, mmio->addr_size))
			hvx_advance_rip(vcpu, mmio->len);
		return 1;
	}

	if (mmio->sign_extend)
		val = mmio->size == 1 ? (long)(s8)val :
		      mmio->size == 2 ? (long)(s16)val : (long)(s32)val;

	if (mmio->high_byte) {
		reg -= 4;
		old = hvx_reg_read(vcpu, reg);
		val = (old & ~0xff00UL) | ((val & 0xff) << 8);
	} else if (mmio->reg_size < 4) {
		/* 8- and 16-bit writes keep the rest of the register. */
		old = hvx_reg_read(vcpu, reg);
		val = (old & ~GENMASK(mmio->reg_size * 8 - 1, 0)) |
		      (val & GENMASK(mmio->reg_size * 8 - 1, 0));
	} else if (mmio->reg_size == 4) {
		val = (u32)val;		/* 32-bit writes zero-extend */
	}
	hvx_reg_write(vcpu, reg, val);
	hvx_advance_rip(vcpu, mmio->len);
	return 1;
}

/* What the exit says about an access to MMIO at @gpa. */
static int hvx_handle_mmio(struct hvx_vcpu *vcpu, u64 gpa)
{
	unsigned long qual = vcpu->vmx.exit_qual;
	bool data = !(qual & EPT_VIOLATION_ACC_INSTR) &&
		    (qual & EPT_VIOLATION_GVA_IS_VALID) &&
		    (qual & EPT_VIOLATION_GVA_TRANSLATED) &&
		    !vcpu->vmx.event.pending;

	return hvx_emulate_mmio(vcpu, gpa, vmcs_readl(GUEST_LINEAR_ADDRESS),
				data, qual & EPT_VIOLATION_ACC_WRITE);
}

/*
 * An EPT violation is the guest's first touch of a page hvx has not
 * mapped yet: map it from the slot that backs it and go again.  Where no
 * slot backs the address, or the guest writes to a read-only slot, it is
 * MMIO.
 */
static int hvx_handle_ept_violation(struct hvx_vcpu *vcpu)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	int r;

	/* Pinning and decoding touch memory: flush L1D before entering. */
	vcpu->vmx.l1d_flush = true;
	hvx_vcpu_put(vcpu);
	r = hvx_mmu_fault(vcpu->vm, gpa,
			  vcpu->vmx.exit_qual & HVX_EPT_RWX);
	hvx_vcpu_load(vcpu);
	if (!r)
		return 1;
	if (r == -ENOENT || r == -EROFS)
		return hvx_handle_mmio(vcpu, gpa);
	return r;
}

static void hvx_log_failed_entry(struct hvx_vcpu *vcpu)
{
	char why[256];

	hvx_explain_invalid_guest_state(why, sizeof(why));
	pr_err_ratelimited("vCPU %u: VM entry failed, exit reason %#x, qualification %lu: %s\n",
			   vcpu->id, vcpu->vmx.exit_reason,
			   vcpu->vmx.exit_qual, why);
}

/*
 * A VM entry that failed its checks of the guest state (SDM "Checks on
 * the Guest State Area"): the VMM set impossible registers.
 */
static int hvx_handle_failed_entry(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	hvx_log_failed_entry(vcpu);
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = vcpu->vmx.exit_reason;
	run->fail_entry.cpu = smp_processor_id();
	return 0;
}

typedef int (*hvx_exit_handler)(struct hvx_vcpu *vcpu);

static const hvx_exit_handler hvx_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= hvx_handle_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = NULL,	/* see below */
	[EXIT_REASON_TRIPLE_FAULT]	= hvx_handle_triple_fault,
	[EXIT_REASON_CPUID]		= hvx_handle_cpuid,
	[EXIT_REASON_HLT]		= hvx_handle_hlt,
	[EXIT_REASON_INVD]		= hvx_handle_nop,
	[EXIT_REASON_RDPMC]		= hvx_inject_gp,
	[EXIT_REASON_VMCALL]		= hvx_handle_vmcall,
	[EXIT_REASON_VMCLEAR]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMLAUNCH]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMPTRLD]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMPTRST]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMREAD]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMRESUME]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMWRITE]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMOFF]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_VMON]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_CR_ACCESS]		= hvx_handle_cr,
	[EXIT_REASON_DR_ACCESS]		= hvx_handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]	= hvx_handle_io,
	[EXIT_REASON_MSR_READ]		= hvx_emulate_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= hvx_emulate_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= hvx_inject_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = hvx_inject_ud,
	[EXIT_REASON_EPT_VIOLATION]	= hvx_handle_ept_violation,
	[EXIT_REASON_INVEPT]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_INVVPID]		= hvx_handle_vmx_instruction,
	[EXIT_REASON_XSETBV]		= hvx_handle_xsetbv,
	[EXIT_REASON_VMFUNC]		= hvx_handle_vmx_instruction,
	/* No non-coherent DMA reaches a guest: nothing to write back. */
	[EXIT_REASON_WBINVD]		= hvx_handle_nop,
};

/**
 * hvx_handle_exit - handle the exit hvx_vmx_run() just took
 * @vcpu: the vCPU, loaded
 *
 * Return: 1 to enter again, 0 to go to userspace, or a negative errno.
 */
int hvx_handle_exit(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	u16 reason = vmx->exit_reason;
	hvx_exit_handler handler = NULL;

	vmx->exit_qual = vmcs_readl(EXIT_QUALIFICATION);
	if (reason < HVX_NR_EXIT_REASONS)
		vcpu->stats.exits[reason]++;
	/*
	 * A machine check during entry is the host's (hvx_vmx_run() gave
	 * it over), not a sign of bad guest state: try again.
	 */
	if (reason == EXIT_REASON_MCE_DURING_VMENTRY)
		return 1;
	if (vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return hvx_handle_failed_entry(vcpu);

	hvx_requeue_vectoring_event(vcpu);

	/* The interrupt is the host's; it was taken when IRQs came back on. */
	if (reason == EXIT_REASON_EXTERNAL_INTERRUPT)
		return 1;
	if (reason < ARRAY_SIZE(hvx_exit_handlers))
		handler = hvx_exit_handlers[reason];
	if (handler)
		return handler(vcpu);

	pr_warn_ratelimited("vCPU %u: unexpected VM exit, reason %u, qualification %#lx\n",
			    vcpu->id, reason, vmx->exit_qual);
	return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
}
