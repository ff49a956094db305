// SPDX-License-Identifier: GPL-2.0
/*
 * GSI routing tables, checked as KVM checks KVM_SET_GSI_ROUTING, KVM's
 * default table, and the x86 MSI message format (SDM "Message Signalled
 * Interrupts").  See routing.h for the locking contract.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <asm/msi.h>

#include "routing.h"

/* The MSI address (SDM "Message Address Register Format"). */
#define MSI_ADDR_BASE		GENMASK(31, 20)	/* 0xfee */
#define MSI_ADDR_DEST_ID	GENMASK(19, 12)
#define MSI_ADDR_REDIR_HINT	BIT(3)
#define MSI_ADDR_DEST_LOGICAL	BIT(2)

/* The MSI data (SDM "Message Data Register Format"). */
#define MSI_DATA_VECTOR		GENMASK(7, 0)
#define MSI_DATA_DELIVERY_MODE	GENMASK(10, 8)
#define MSI_DATA_ASSERT		BIT(14)
#define MSI_DATA_LEVEL		BIT(15)

/* KVM's default table: GSI 0-15 to a PIC and an IOAPIC pin, 16-23 to one. */
#define DEFAULT_ROUTES		(KVM_IOAPIC_NUM_PINS + 2 * HVX_PIC_PINS)

/**
 * hvx_msi_valid - is this address one that interrupts?
 * @address_lo: the address, bits 31:0
 * @address_hi: bits 63:32
 *
 * A message written anywhere but 0xfee00000-0xfeefffff is a memory write,
 * not an interrupt.  hvx takes no destination bits from @address_hi (it
 * offers neither KVM_CAP_X2APIC_API nor interrupt remapping), so it must
 * be 0.  KVM checks neither, and delivers whatever it is given.  Routes are
 * checked when they are sent, not when the table is built: VMMs install
 * routes for vectors the guest has not programmed yet, with a zero address.
 */
bool hvx_msi_valid(u32 address_lo, u32 address_hi)
{
	return address_hi == X86_MSI_BASE_ADDRESS_HIGH &&
	       FIELD_GET(MSI_ADDR_BASE, address_lo) == X86_MSI_BASE_ADDRESS_LOW;
}

/**
 * hvx_msi_decode - the interrupt an MSI message sends
 * @address_lo: the address, bits 31:0
 * @address_hi: bits 63:32, unused (see hvx_msi_valid())
 * @data: the data
 * @irq: filled in
 *
 * The destination is bits 19:12: the extended destination bits 11:5 that
 * KVM_FEATURE_MSI_EXT_DEST_ID defines are not read, as hvx does not offer
 * the feature and its APIC IDs fit in 8 bits (KVM itself leaves that
 * translation to the VMM).  The redirection hint asks for the lowest-
 * priority one of the destinations: a fixed interrupt with it set becomes
 * a lowest-priority one, which is what KVM's local APICs make of it.  The
 * level bit matters only for a level-triggered message (0: de-assert).
 */
void hvx_msi_decode(u32 address_lo, u32 address_hi, u32 data,
		    struct hvx_irq *irq)
{
	u8 mode = FIELD_GET(MSI_DATA_DELIVERY_MODE, data);
	bool level = data & MSI_DATA_LEVEL;

	if ((address_lo & MSI_ADDR_REDIR_HINT) && mode == HVX_DM_FIXED)
		mode = HVX_DM_LOWEST;
	*irq = (struct hvx_irq) {
		.vector = FIELD_GET(MSI_DATA_VECTOR, data),
		.delivery_mode = mode,
		.dest_id = FIELD_GET(MSI_ADDR_DEST_ID, address_lo),
		.dest_logical = !!(address_lo & MSI_ADDR_DEST_LOGICAL),
		.level = level,
		.assert = !level || (data & MSI_DATA_ASSERT),
		.shorthand = HVX_SH_NONE,
	};
}

/* One entry of the VMM's array, checked as KVM checks it. */
static int route_from_entry(struct hvx_route *r,
			    const struct kvm_irq_routing_entry *e)
{
	if (e->gsi >= HVX_ROUTING_MAX_ROUTES)
		return -EINVAL;
	r->gsi = e->gsi;

	switch (e->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		if (e->flags)
			return -EINVAL;
		switch (e->u.irqchip.irqchip) {
		case KVM_IRQCHIP_PIC_MASTER:
		case KVM_IRQCHIP_PIC_SLAVE:
			if (e->u.irqchip.pin >= HVX_PIC_PINS)
				return -EINVAL;
			break;
		case KVM_IRQCHIP_IOAPIC:
			if (e->u.irqchip.pin >= KVM_IOAPIC_NUM_PINS)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
		r->type = KVM_IRQ_ROUTING_IRQCHIP;
		r->irqchip = e->u.irqchip.irqchip;
		r->pin = e->u.irqchip.pin;
		return 0;
	case KVM_IRQ_ROUTING_MSI:
		/*
		 * KVM_MSI_VALID_DEVID names the device for an interrupt
		 * translation service; hvx has none and does not offer
		 * KVM_CAP_MSI_DEVID.
		 */
		if (e->flags)
			return -EINVAL;
		r->type = KVM_IRQ_ROUTING_MSI;
		r->msi.address_lo = e->u.msi.address_lo;
		r->msi.address_hi = e->u.msi.address_hi;
		r->msi.data = e->u.msi.data;
		return 0;
	}
	/* s390 adapters, Hyper-V SynIC and Xen event channels. */
	return -EINVAL;
}

/* By GSI, then type and irqchip, so that duplicates end up side by side. */
static int route_cmp(const void *a, const void *b)
{
	const struct hvx_route *x = a, *y = b;

	if (x->gsi != y->gsi)
		return x->gsi < y->gsi ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (int)x->irqchip - (int)y->irqchip;
}

/**
 * hvx_routing_build - a routing table from KVM_SET_GSI_ROUTING's entries
 * @e: the VMM's entries (untrusted; may be NULL when @nr is 0)
 * @nr: how many
 *
 * As KVM: at most HVX_ROUTING_MAX_ROUTES entries, each GSI below that;
 * IRQCHIP entries to a PIC pin below 8 or an IOAPIC pin below 24, with no
 * flags; MSI entries with no flags (hvx also refuses KVM_MSI_VALID_DEVID);
 * a GSI routed to each irqchip at most once, and an MSI GSI to nothing
 * else.  An empty table is valid: every GSI then goes nowhere.
 *
 * The table is one allocation, a little over 64 KiB at most: kvmalloc,
 * not kmalloc, so that a large one needs no contiguous pages.  Free it
 * with hvx_routing_free(), or kvfree_rcu() once published.
 *
 * Return: the table, or ERR_PTR(-EINVAL) or ERR_PTR(-ENOMEM).
 */
struct hvx_routing *hvx_routing_build(const struct kvm_irq_routing_entry *e,
				      unsigned int nr)
{
	struct hvx_routing *rt;
	unsigned int i, c, p;
	int r;

	if (nr > HVX_ROUTING_MAX_ROUTES)
		return ERR_PTR(-EINVAL);
	rt = kvzalloc(struct_size(rt, routes, nr), GFP_KERNEL_ACCOUNT);
	if (!rt)
		return ERR_PTR(-ENOMEM);
	rt->nr = nr;
	for (c = 0; c < KVM_NR_IRQCHIPS; c++)
		for (p = 0; p < KVM_IOAPIC_NUM_PINS; p++)
			rt->chip_gsi[c][p] = -1;

	for (i = 0; i < nr; i++) {
		struct hvx_route *route = &rt->routes[i];

		r = route_from_entry(route, &e[i]);
		if (r)
			goto err_free;
		if (route->type == KVM_IRQ_ROUTING_IRQCHIP)
			rt->chip_gsi[route->irqchip][route->pin] = route->gsi;
	}

	sort(rt->routes, nr, sizeof(rt->routes[0]), route_cmp, NULL);
	for (i = 1; i < nr; i++) {
		const struct hvx_route *a = &rt->routes[i - 1];
		const struct hvx_route *b = &rt->routes[i];

		if (a->gsi != b->gsi)
			continue;
		/* Sorted, an MSI sharing its GSI has a neighbour that does. */
		if (a->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    b->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    a->irqchip == b->irqchip) {
			r = -EINVAL;
			goto err_free;
		}
	}
	return rt;

err_free:
	kvfree(rt);
	return ERR_PTR(r);
}

/**
 * hvx_routing_default - the table KVM_CREATE_IRQCHIP installs
 *
 * GSI n goes to IOAPIC pin n (0-23) and, for n below 16, to PIC pin n
 * (master 0-7, slave 8-15).  GSI 0 is IOAPIC pin 0: the PIT's IRQ 0 reaches
 * pin 2 only if the VMM routes it there, as its MADT's interrupt source
 * override says (QEMU does).
 *
 * Return: the table, or ERR_PTR(-ENOMEM).
 */
struct hvx_routing *hvx_routing_default(void)
{
	struct kvm_irq_routing_entry *e;
	struct hvx_routing *rt;
	unsigned int gsi, n = 0;

	e = kcalloc(DEFAULT_ROUTES, sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	for (gsi = 0; gsi < KVM_IOAPIC_NUM_PINS; gsi++) {
		e[n].gsi = gsi;
		e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		e[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e[n].u.irqchip.pin = gsi;
		n++;
		if (gsi >= 2 * HVX_PIC_PINS)
			continue;
		e[n].gsi = gsi;
		e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		e[n].u.irqchip.irqchip = gsi < HVX_PIC_PINS ?
			KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
		e[n].u.irqchip.pin = gsi % HVX_PIC_PINS;
		n++;
	}
	rt = hvx_routing_build(e, n);
	kfree(e);
	return rt;
}

/**
 * hvx_routing_lookup - the routes of one GSI
 * @rt: the table
 * @gsi: the GSI, any value
 * @routes: set to the first route
 *
 * Return: how many routes (0 to HVX_ROUTES_PER_GSI) start at *@routes.
 */
unsigned int hvx_routing_lookup(const struct hvx_routing *rt, u32 gsi,
				const struct hvx_route **routes)
{
	unsigned int lo = 0, hi = rt->nr, n = 0;

	/* The first route whose GSI is not below @gsi. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (rt->routes[mid].gsi < gsi)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < rt->nr && rt->routes[lo + n].gsi == gsi)
		n++;
	*routes = &rt->routes[lo];
	return n;
}

/**
 * hvx_routing_gsi_of_pin - the GSI routed to an irqchip's pin
 * @rt: the table
 * @irqchip: KVM_IRQCHIP_PIC_MASTER, _PIC_SLAVE or _IOAPIC
 * @pin: the pin
 *
 * Return: the GSI, or -1 when none is (or the pin does not exist).
 */
int hvx_routing_gsi_of_pin(const struct hvx_routing *rt, u32 irqchip,
			   u32 pin)
{
	u32 pins = irqchip == KVM_IRQCHIP_IOAPIC ? KVM_IOAPIC_NUM_PINS :
						   HVX_PIC_PINS;

	if (irqchip >= KVM_NR_IRQCHIPS || pin >= pins)
		return -1;
	return rt->chip_gsi[irqchip][pin];
}
