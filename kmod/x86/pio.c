// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O: IN, OUT, INS and OUTS go to the VMM as KVM_EXIT_IO, with the
 * data in the page after struct kvm_run, and finish on the next KVM_RUN.
 */
#include <linux/kvm.h>

#include "../vm.h"
#include "decode.h"
#include "emulate.h"
#include "guest.h"
#include "x86.h"

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

	/*
	 * The VMM may have lowered RCX since the exit (KVM's selftests do):
	 * no more elements than it now asks for are transferred, so that
	 * the count cannot wrap and run the guest's buffer over.  RSI and
	 * RDI are read afresh likewise.
	 */
	if (pio->rep) {
		unsigned long left = g[HVX_REG_RCX] &
				     hvx_addr_mask(pio->addr_size);

		if (!left) {
			hvx_skip_instruction(vcpu);
			return 1;
		}
		pio->count = min_t(unsigned long, pio->count, left);
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
int hvx_emulate_pio(struct hvx_vcpu *vcpu)
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
		if (!count) {
			hvx_skip_instruction(vcpu);
			return 1;
		}
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

	/* An ioeventfd takes a plain OUT here: signalled, and the guest goes on. */
	if (!pio->in && !pio->string &&
	    hvx_ioeventfd_write(vcpu->vm, true, pio->port, pio->size,
				vcpu->pio_data)) {
		hvx_skip_instruction(vcpu);
		return 1;
	}
	pio->pending = true;
	pio->rip = hvx_guest_rip(vcpu);
	/* The in-kernel PICs and PIT answer their ports here, not the VMM. */
	if (hvx_irqchip_pio(vcpu, pio->port, pio->size, pio->count, pio->in,
			    vcpu->pio_data) ||
	    hvx_pit_pio(vcpu, pio->port, pio->size, pio->count, pio->in,
			vcpu->pio_data))
		return hvx_complete_pio(vcpu);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = pio->in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = pio->size;
	run->io.port = pio->port;
	run->io.count = pio->count;
	run->io.data_offset = HVX_PIO_PAGE_OFFSET * PAGE_SIZE;
	return 0;
}
