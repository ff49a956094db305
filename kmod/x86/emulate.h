/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside kmod/x86/: the guest's linear memory (linear.c) and the string
 * instructions' registers, for the port I/O and MMIO emulation.  Each
 * function that touches guest memory puts the vCPU while it does, and
 * gives the guest the #PF its own access would have raised.
 */
#ifndef HVX_X86_EMULATE_H
#define HVX_X86_EMULATE_H

#include <linux/bits.h>
#include <linux/types.h>

struct hvx_vcpu;

/* The bits of rSI, rDI and rCX a string instruction of @addr_size uses. */
static inline unsigned long hvx_addr_mask(unsigned int addr_size)
{
	return addr_size == 8 ? ~0UL : GENMASK(addr_size * 8 - 1, 0);
}

int hvx_guest_translate(struct hvx_vcpu *vcpu, u64 gva, u64 *gpa);
int hvx_guest_linear_copy(struct hvx_vcpu *vcpu, u64 gva, void *buf,
			  unsigned int len, bool write);
unsigned int hvx_fetch_insn(struct hvx_vcpu *vcpu, u8 *buf);

bool hvx_rep_done(struct hvx_vcpu *vcpu, unsigned int addr_size);
u64 hvx_string_linear(struct hvx_vcpu *vcpu, unsigned int seg, int reg,
		      unsigned int addr_size);
int hvx_string_mem(struct hvx_vcpu *vcpu, unsigned int seg, int reg,
		   unsigned int addr_size, void *buf, unsigned int size,
		   bool write);
unsigned long hvx_string_batch(u64 gva, unsigned long ea,
			       unsigned int addr_size, unsigned int size,
			       unsigned long count, bool down);
void hvx_string_advance(struct hvx_vcpu *vcpu, bool si, bool di,
			unsigned int addr_size, unsigned int size,
			unsigned int count, bool rep);

#endif /* HVX_X86_EMULATE_H */
