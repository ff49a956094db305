/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O APIC that KVM_CREATE_IRQCHIP gives a VM: one 82093AA with 24
 * pins in a 256-byte MMIO window at 0xfec00000, as pure logic.  It turns
 * the levels of its input pins into struct hvx_irq messages for the local
 * APICs, and takes back the EOIs of level-triggered vectors.
 *
 * Locking: the caller holds the VM's irq lock around every call; nothing
 * here sleeps, takes a lock, reads the clock or arms a timer.  The device
 * signals through two callbacks, made with that lock held:
 *
 * - deliver() hands one interrupt to the local APICs and returns how many
 *   accepted it (<= 0: none).  It must not call back into the IOAPIC.
 * - ack() tells that the EOI of a level-triggered pin arrived (irqfd
 *   resampling).  It may call hvx_ioapic_set_irq() on the same IOAPIC,
 *   e.g. to lower the line; nothing else.  It may be NULL.
 */
#ifndef HVX_IRQ_IOAPIC_H
#define HVX_IRQ_IOAPIC_H

#include <linux/kvm.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <asm/apicdef.h>

#include "irq.h"

#define HVX_IOAPIC_PINS		KVM_IOAPIC_NUM_PINS	/* 24 */
#define HVX_IOAPIC_BASE		IO_APIC_DEFAULT_PHYS_BASE	/* 0xfec00000 */
#define HVX_IOAPIC_MMIO_SIZE	0x100

/*
 * The interrupt-storm guard, after KVM's: when a level-triggered line is
 * still asserted at the EOI of its vector this many times in a row, the
 * next delivery waits (hvx_ioapic_eoi() returns true) until the caller
 * calls hvx_ioapic_redeliver(), about HVX_IOAPIC_STORM_DELAY_NS later.
 * Real hardware does not deliver again during the EOI broadcast itself;
 * the pause lets a guest that mishandles a level interrupt go on, slowly.
 */
#define HVX_IOAPIC_STORM_LIMIT		10000
#define HVX_IOAPIC_STORM_DELAY_NS	(10 * NSEC_PER_MSEC)

struct hvx_ioapic_ops {
	int (*deliver)(void *opaque, const struct hvx_irq *irq);
	void (*ack)(void *opaque, unsigned int pin);
};

/**
 * struct hvx_ioapic - the I/O APIC's state
 * @base: the MMIO window's guest-physical base (always HVX_IOAPIC_BASE)
 * @ioregsel: the register IOWIN reaches, 8 bits
 * @id: the IOAPIC ID, 4 bits
 * @irr: the level of each input pin (bit n: pin n asserted)
 * @edge_delivered: edge pins whose rising edge went out since they rose
 *	(such an edge is not pending any more: KVM_GET_IRQCHIP hides it)
 * @held: level pins the storm guard holds for hvx_ioapic_redeliver()
 * @redir: the redirection table, one 64-bit entry per pin
 * @eoi_redeliveries: per pin, EOIs in a row that found the line asserted
 * @ops: the callbacks
 * @opaque: their first argument
 */
struct hvx_ioapic {
	u64 base;
	u32 ioregsel;
	u32 id;
	u32 irr;
	u32 edge_delivered;
	u32 held;
	u64 redir[HVX_IOAPIC_PINS];
	u32 eoi_redeliveries[HVX_IOAPIC_PINS];
	const struct hvx_ioapic_ops *ops;
	void *opaque;
};

void hvx_ioapic_init(struct hvx_ioapic *io, const struct hvx_ioapic_ops *ops,
		     void *opaque);
void hvx_ioapic_reset(struct hvx_ioapic *io);
int hvx_ioapic_set_irq(struct hvx_ioapic *io, unsigned int pin, bool level);
bool hvx_ioapic_eoi(struct hvx_ioapic *io, u8 vector);
void hvx_ioapic_redeliver(struct hvx_ioapic *io);
bool hvx_ioapic_in_window(const struct hvx_ioapic *io, u64 gpa,
			  unsigned int len);
int hvx_ioapic_mmio_read(struct hvx_ioapic *io, u64 gpa, unsigned int len,
			 void *val);
int hvx_ioapic_mmio_write(struct hvx_ioapic *io, u64 gpa, unsigned int len,
			  const void *val);
void hvx_ioapic_decode(u64 entry, struct hvx_irq *irq);
void hvx_ioapic_get_state(const struct hvx_ioapic *io,
			  struct kvm_ioapic_state *s);
int hvx_ioapic_set_state(struct hvx_ioapic *io,
			 const struct kvm_ioapic_state *s);

#endif /* HVX_IRQ_IOAPIC_H */
