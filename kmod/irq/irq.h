/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupt message every source in kmod/irq/ produces and the local
 * APICs receive: what an IOAPIC redirection entry or an MSI's address and
 * data say about one interrupt (SDM "Message Signalled Interrupts", the
 * 82093AA datasheet's redirection table).
 */
#ifndef HVX_IRQ_IRQ_H
#define HVX_IRQ_IRQ_H

#include <linux/types.h>

/* Delivery modes, in the encoding of the redirection entry and MSI data. */
enum hvx_delivery_mode {
	HVX_DM_FIXED	= 0,
	HVX_DM_LOWEST	= 1,
	HVX_DM_SMI	= 2,
	HVX_DM_NMI	= 4,
	HVX_DM_INIT	= 5,
	HVX_DM_STARTUP	= 6,	/* only from a local APIC's ICR */
	HVX_DM_EXTINT	= 7,
};

/* Destination shorthands, in the encoding of the ICR. */
enum hvx_shorthand {
	HVX_SH_NONE	= 0,
	HVX_SH_SELF	= 1,
	HVX_SH_ALL	= 2,
	HVX_SH_OTHERS	= 3,
};

/**
 * struct hvx_irq - one interrupt on its way to the local APICs
 * @vector: the vector, 0-255 (the receiving APIC refuses 0-15 as illegal)
 * @delivery_mode: enum hvx_delivery_mode
 * @dest_id: the destination: an APIC ID in physical mode, a bit mask
 *	(flat) or cluster and mask (cluster) in logical mode
 * @dest_logical: @dest_id is logical
 * @level: level-triggered (the EOI goes back to the IOAPIC)
 * @assert: the line is asserted (INIT level de-assert has it clear)
 * @shorthand: enum hvx_shorthand, for an IPI
 */
struct hvx_irq {
	u8 vector;
	u8 delivery_mode;
	u32 dest_id;
	bool dest_logical;
	bool level;
	bool assert;
	u8 shorthand;
};

#endif /* HVX_IRQ_IRQ_H */
