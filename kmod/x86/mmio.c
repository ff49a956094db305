// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation.  MMIO is a guest access to guest-physical memory that
 * no slot backs.  The exit gives the address; the instruction, decoded
 * here (decode.c), gives the rest.  The access goes to the VMM as
 * KVM_EXIT_MMIO.  A store is complete once it has gone out, so the guest
 * moves on at once; a load finishes on the next KVM_RUN with the data the
 * VMM left in run->mmio.data (hvx_complete_mmio()).  This is what KVM
 * does.
 */
#include <linux/kvm.h>

#include "../vm.h"
#include "decode.h"
#include "emulate.h"
#include "guest.h"
#include "x86.h"

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

static int __hvx_emulate_mmio(struct hvx_vcpu *vcpu, u64 gpa, u64 gla,
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
 * hvx_emulate_mmio - an access to MMIO
 * @vcpu: the vCPU, loaded
 * @gpa: the guest-physical address
 * @gla: the linear address the exit gave
 * @data: the guest's data access to that address and nothing else (not a
 *	fetch, a page-table walk or an event's delivery)
 * @write: a write
 *
 * The access goes to the VMM as KVM_EXIT_MMIO, unless it is the in-kernel
 * irqchip's (the IOAPIC's window, the vCPU's APIC page) or a write an
 * ioeventfd takes: that one is done here and the guest goes on.
 *
 * Return: 1 to enter the guest again, 0 to go to the VMM, or an errno.
 */
int hvx_emulate_mmio(struct hvx_vcpu *vcpu, u64 gpa, u64 gla, bool data,
		     bool write)
{
	struct kvm_run *run = vcpu->run;
	int r = __hvx_emulate_mmio(vcpu, gpa, gla, data, write);

	if (r || run->exit_reason != KVM_EXIT_MMIO)
		return r;
	if (hvx_irqchip_mmio(vcpu, run->mmio.phys_addr, run->mmio.len,
			     run->mmio.is_write, run->mmio.data))
		return run->mmio.is_write ? 1 : hvx_complete_mmio(vcpu);
	if (run->mmio.is_write &&
	    hvx_ioeventfd_write(vcpu->vm, false, run->mmio.phys_addr,
				run->mmio.len, run->mmio.data))
		return 1;
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
