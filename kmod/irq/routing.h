/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GSI routing: the table KVM_SET_GSI_ROUTING installs, which sends each
 * GSI (the number KVM_IRQ_LINE and irqfd name) to PIC and IOAPIC pins or
 * turns it into an MSI, and the decoding of MSI messages.  Pure logic.
 *
 * Locking: a table never changes once built.  The caller publishes a new
 * one with rcu_assign_pointer() under the VM's irq lock, frees the old
 * one after a grace period (kvfree_rcu(old, rcu)), and looks routes up
 * under rcu_read_lock() (or the irq lock).
 */
#ifndef HVX_IRQ_ROUTING_H
#define HVX_IRQ_ROUTING_H

#include <linux/kvm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>

#include "irq.h"

/* KVM_MAX_IRQ_ROUTES: the most entries a table has, and the GSI limit. */
#define HVX_ROUTING_MAX_ROUTES	4096
/* A GSI goes to one pin of each irqchip at most, or to one MSI. */
#define HVX_ROUTES_PER_GSI	KVM_NR_IRQCHIPS
#define HVX_PIC_PINS		8	/* per 8259A */

/**
 * struct hvx_route - where one GSI goes (one of its routes)
 * @gsi: the GSI
 * @type: KVM_IRQ_ROUTING_IRQCHIP or KVM_IRQ_ROUTING_MSI
 * @irqchip: KVM_IRQCHIP_PIC_MASTER, _PIC_SLAVE or _IOAPIC (IRQCHIP)
 * @pin: the irqchip's pin, below 8 for a PIC and 24 for the IOAPIC
 * @msi: the message (MSI), as the VMM gave it: checked when it is sent
 */
struct hvx_route {
	u16 gsi;
	u8 type;
	u8 irqchip;
	union {
		u32 pin;
		struct {
			u32 address_lo;
			u32 address_hi;
			u32 data;
		} msi;
	};
};

/**
 * struct hvx_routing - a routing table, one allocation (kvfree it)
 * @rcu: for the caller's kvfree_rcu()
 * @nr: the number of routes
 * @chip_gsi: the GSI routed to each irqchip pin, -1 for none (when
 *	several are, the last in the VMM's array, as KVM), for turning an
 *	IOAPIC or PIC ack into the GSI an irqfd resampler listens on
 * @routes: sorted by GSI
 */
struct hvx_routing {
	struct rcu_head rcu;
	unsigned int nr;
	s16 chip_gsi[KVM_NR_IRQCHIPS][KVM_IOAPIC_NUM_PINS];
	struct hvx_route routes[];
};

struct hvx_routing *hvx_routing_build(const struct kvm_irq_routing_entry *e,
				      unsigned int nr);
struct hvx_routing *hvx_routing_default(void);
unsigned int hvx_routing_lookup(const struct hvx_routing *rt, u32 gsi,
				const struct hvx_route **routes);
int hvx_routing_gsi_of_pin(const struct hvx_routing *rt, u32 irqchip,
			   u32 pin);
bool hvx_msi_valid(u32 address_lo, u32 address_hi);
void hvx_msi_decode(u32 address_lo, u32 address_hi, u32 data,
		    struct hvx_irq *irq);

static inline void hvx_routing_free(struct hvx_routing *rt)
{
	kvfree(rt);
}

#endif /* HVX_IRQ_ROUTING_H */
