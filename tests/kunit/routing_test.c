// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: GSI routing tables (what KVM_SET_GSI_ROUTING accepts and refuses,
 * KVM's default table, lookups) and MSI messages.
 */
#include <kunit/test.h>

#include "../../kmod/irq/routing.c"

static struct kvm_irq_routing_entry chip(u32 gsi, u32 irqchip, u32 pin)
{
	return (struct kvm_irq_routing_entry) {
		.gsi = gsi,
		.type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = irqchip, .pin = pin },
	};
}

static struct kvm_irq_routing_entry msi(u32 gsi, u32 lo, u32 data)
{
	return (struct kvm_irq_routing_entry) {
		.gsi = gsi,
		.type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = lo, .data = data },
	};
}

/* Builds @nr entries; expects @err (0: success) and frees the table. */
static void expect_build(struct kunit *test,
			 const struct kvm_irq_routing_entry *e,
			 unsigned int nr, int err, const char *what)
{
	struct hvx_routing *rt = hvx_routing_build(e, nr);

	if (IS_ERR(rt)) {
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(rt), (long)err, "%s", what);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, 0, err, "%s: accepted", what);
	hvx_routing_free(rt);
}

static void routing_build_refuses_bad_entries(struct kunit *test)
{
	struct kvm_irq_routing_entry e;

	e = chip(HVX_ROUTING_MAX_ROUTES, KVM_IRQCHIP_IOAPIC, 0);
	expect_build(test, &e, 1, -EINVAL, "GSI 4096");
	e = chip(~0U, KVM_IRQCHIP_IOAPIC, 0);
	expect_build(test, &e, 1, -EINVAL, "GSI ~0");
	e = chip(0, KVM_IRQCHIP_PIC_MASTER, 8);
	expect_build(test, &e, 1, -EINVAL, "master pin 8");
	e = chip(0, KVM_IRQCHIP_PIC_SLAVE, 8);
	expect_build(test, &e, 1, -EINVAL, "slave pin 8");
	e = chip(0, KVM_IRQCHIP_IOAPIC, KVM_IOAPIC_NUM_PINS);
	expect_build(test, &e, 1, -EINVAL, "IOAPIC pin 24");
	e = chip(0, KVM_IRQCHIP_IOAPIC, ~0U);
	expect_build(test, &e, 1, -EINVAL, "IOAPIC pin ~0");
	e = chip(0, KVM_NR_IRQCHIPS, 0);
	expect_build(test, &e, 1, -EINVAL, "irqchip 3");
	e = chip(0, KVM_IRQCHIP_IOAPIC, 0);
	e.flags = 1;
	expect_build(test, &e, 1, -EINVAL, "irqchip flags");
	e = msi(0, 0xfee00000, 0x30);
	e.flags = KVM_MSI_VALID_DEVID;
	expect_build(test, &e, 1, -EINVAL, "MSI devid");
	e.flags = 2;
	expect_build(test, &e, 1, -EINVAL, "MSI flags");
	e = msi(0, 0xfee00000, 0x30);
	e.type = 0;
	expect_build(test, &e, 1, -EINVAL, "type 0");
	e.type = KVM_IRQ_ROUTING_S390_ADAPTER;
	expect_build(test, &e, 1, -EINVAL, "s390 adapter");
	e.type = KVM_IRQ_ROUTING_HV_SINT;
	expect_build(test, &e, 1, -EINVAL, "Hyper-V SINT");
	e.type = KVM_IRQ_ROUTING_XEN_EVTCHN;
	expect_build(test, &e, 1, -EINVAL, "Xen event channel");

	/* The good ones, for contrast. */
	e = chip(4095, KVM_IRQCHIP_PIC_SLAVE, 7);
	expect_build(test, &e, 1, 0, "slave pin 7");
	e = chip(0, KVM_IRQCHIP_IOAPIC, 23);
	expect_build(test, &e, 1, 0, "IOAPIC pin 23");
	e = msi(17, 0, 0);
	expect_build(test, &e, 1, 0, "MSI not yet programmed");
	expect_build(test, NULL, 0, 0, "empty table");
}

static void routing_build_refuses_a_bad_entry_among_good(struct kunit *test)
{
	struct kvm_irq_routing_entry e[3] = {
		chip(0, KVM_IRQCHIP_IOAPIC, 2),
		msi(24, 0xfee00000, 0x41),
		chip(1, KVM_IRQCHIP_IOAPIC, 24),
	};

	expect_build(test, e, 3, -EINVAL, "last entry bad");
	e[2] = chip(1, KVM_IRQCHIP_IOAPIC, 1);
	expect_build(test, e, 3, 0, "all good");
}

static void routing_build_refuses_too_many(struct kunit *test)
{
	struct kvm_irq_routing_entry *e;
	struct hvx_routing *rt;
	const struct hvx_route *r;
	unsigned int i;

	e = kunit_kcalloc(test, HVX_ROUTING_MAX_ROUTES + 1, sizeof(*e),
			  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	/* Every GSI an MSI, backwards: the most KVM takes. */
	for (i = 0; i < HVX_ROUTING_MAX_ROUTES; i++)
		e[i] = msi(HVX_ROUTING_MAX_ROUTES - 1 - i, 0xfee00000, i);
	rt = hvx_routing_build(e, HVX_ROUTING_MAX_ROUTES);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rt));
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 4095, &r), 1U);
	KUNIT_EXPECT_EQ(test, r->msi.data, 0U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 0, &r), 1U);
	KUNIT_EXPECT_EQ(test, r->msi.data, 4095U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 4096, &r), 0U);
	hvx_routing_free(rt);

	/* 4097 routes that are each fine: three irqchips per GSI. */
	for (i = 0; i <= HVX_ROUTING_MAX_ROUTES; i++)
		e[i] = chip(i / KVM_NR_IRQCHIPS, i % KVM_NR_IRQCHIPS, 0);
	expect_build(test, e, HVX_ROUTING_MAX_ROUTES, 0, "4096 entries");
	expect_build(test, e, HVX_ROUTING_MAX_ROUTES + 1, -EINVAL,
		     "4097 entries");
	expect_build(test, e, ~0U, -EINVAL, "~0 entries");
}

static void routing_build_refuses_duplicates(struct kunit *test)
{
	struct kvm_irq_routing_entry e[3];

	e[0] = chip(5, KVM_IRQCHIP_IOAPIC, 5);
	e[1] = chip(5, KVM_IRQCHIP_IOAPIC, 6);
	expect_build(test, e, 2, -EINVAL, "GSI to two IOAPIC pins");
	e[1] = chip(5, KVM_IRQCHIP_IOAPIC, 5);
	expect_build(test, e, 2, -EINVAL, "the same route twice");
	e[0] = chip(5, KVM_IRQCHIP_PIC_MASTER, 5);
	e[1] = chip(5, KVM_IRQCHIP_PIC_MASTER, 1);
	expect_build(test, e, 2, -EINVAL, "GSI to two master pins");
	e[1] = msi(5, 0xfee00000, 0x30);
	expect_build(test, e, 2, -EINVAL, "irqchip then MSI");
	e[0] = msi(5, 0xfee00000, 0x30);
	e[1] = chip(5, KVM_IRQCHIP_IOAPIC, 5);
	expect_build(test, e, 2, -EINVAL, "MSI then irqchip");
	e[1] = msi(5, 0xfee01000, 0x31);
	expect_build(test, e, 2, -EINVAL, "two MSIs");
	/* An MSI among irqchip routes, sorted into the middle. */
	e[0] = chip(5, KVM_IRQCHIP_PIC_MASTER, 5);
	e[1] = msi(5, 0xfee00000, 0x30);
	e[2] = chip(5, KVM_IRQCHIP_IOAPIC, 5);
	expect_build(test, e, 3, -EINVAL, "PIC, MSI and IOAPIC");

	/* One pin of each irqchip is fine; so is one pin for two GSIs. */
	e[0] = chip(5, KVM_IRQCHIP_PIC_MASTER, 5);
	e[1] = chip(5, KVM_IRQCHIP_PIC_SLAVE, 5);
	e[2] = chip(5, KVM_IRQCHIP_IOAPIC, 5);
	expect_build(test, e, 3, 0, "one pin on each irqchip");
	e[0] = chip(6, KVM_IRQCHIP_IOAPIC, 5);
	expect_build(test, e, 3, 0, "two GSIs on one pin");
}

static void routing_default_table(struct kunit *test)
{
	struct hvx_routing *rt = hvx_routing_default();
	const struct hvx_route *r;
	bool ioapic, pic;
	unsigned int gsi, n, i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(rt));
	KUNIT_EXPECT_EQ(test, rt->nr, 40U);
	for (gsi = 0; gsi < 24; gsi++) {
		n = hvx_routing_lookup(rt, gsi, &r);
		KUNIT_EXPECT_EQ_MSG(test, n, gsi < 16 ? 2U : 1U, "GSI %u", gsi);
		ioapic = false;
		pic = false;
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_EQ(test, r[i].gsi, gsi);
			KUNIT_EXPECT_EQ(test, r[i].type, KVM_IRQ_ROUTING_IRQCHIP);
			if (r[i].irqchip == KVM_IRQCHIP_IOAPIC) {
				ioapic = true;
				KUNIT_EXPECT_EQ(test, r[i].pin, gsi);
				continue;
			}
			pic = true;
			KUNIT_EXPECT_EQ(test, r[i].irqchip, gsi < 8 ?
					KVM_IRQCHIP_PIC_MASTER :
					KVM_IRQCHIP_PIC_SLAVE);
			KUNIT_EXPECT_EQ(test, r[i].pin, gsi % 8);
		}
		KUNIT_EXPECT_TRUE_MSG(test, ioapic, "GSI %u", gsi);
		KUNIT_EXPECT_EQ_MSG(test, pic, gsi < 16, "GSI %u", gsi);
	}
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 24, &r), 0U);

	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_IOAPIC,
						     0), 0);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_IOAPIC,
						     23), 23);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_PIC_MASTER,
						     2), 2);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_PIC_SLAVE,
						     3), 11);
	/* Pins that do not exist. */
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_IOAPIC,
						     24), -1);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_PIC_SLAVE,
						     8), -1);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_NR_IRQCHIPS, 0),
			-1);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, ~0U, ~0U), -1);
	hvx_routing_free(rt);
}

static void routing_lookup_finds_every_route(struct kunit *test)
{
	struct kvm_irq_routing_entry e[] = {
		msi(7, 0xfee01000, 0x47),
		chip(2, KVM_IRQCHIP_IOAPIC, 2),
		chip(30, KVM_IRQCHIP_IOAPIC, 4),
		chip(2, KVM_IRQCHIP_PIC_MASTER, 2),
		chip(31, KVM_IRQCHIP_IOAPIC, 4),
	};
	struct hvx_routing *rt = hvx_routing_build(e, ARRAY_SIZE(e));
	const struct hvx_route *r;

	KUNIT_ASSERT_FALSE(test, IS_ERR(rt));
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 2, &r), 2U);
	KUNIT_EXPECT_EQ(test, r[0].gsi, 2);
	KUNIT_EXPECT_EQ(test, r[1].gsi, 2);
	KUNIT_EXPECT_NE(test, r[0].irqchip, r[1].irqchip);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 7, &r), 1U);
	KUNIT_EXPECT_EQ(test, r->type, KVM_IRQ_ROUTING_MSI);
	KUNIT_EXPECT_EQ(test, r->msi.address_lo, 0xfee01000U);
	KUNIT_EXPECT_EQ(test, r->msi.data, 0x47U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 30, &r), 1U);
	KUNIT_EXPECT_EQ(test, r->pin, 4U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 0, &r), 0U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 3, &r), 0U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 32, &r), 0U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 0x10002, &r), 0U);
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, ~0U, &r), 0U);
	/* Two GSIs on IOAPIC pin 4: the later entry names it, as KVM. */
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_IOAPIC,
						     4), 31);
	KUNIT_EXPECT_EQ(test, hvx_routing_gsi_of_pin(rt, KVM_IRQCHIP_IOAPIC,
						     5), -1);
	hvx_routing_free(rt);

	rt = hvx_routing_build(NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rt));
	KUNIT_EXPECT_EQ(test, hvx_routing_lookup(rt, 0, &r), 0U);
	hvx_routing_free(rt);
}

static void msi_decode_fields(struct kunit *test)
{
	struct hvx_irq irq;

	/* Physical APIC 1, fixed, edge, vector 0x31. */
	hvx_msi_decode(0xfee01000, 0, 0x0031, &irq);
	KUNIT_EXPECT_EQ(test, irq.vector, 0x31);
	KUNIT_EXPECT_EQ(test, irq.delivery_mode, HVX_DM_FIXED);
	KUNIT_EXPECT_EQ(test, irq.dest_id, 1U);
	KUNIT_EXPECT_FALSE(test, irq.dest_logical);
	KUNIT_EXPECT_FALSE(test, irq.level);
	KUNIT_EXPECT_TRUE(test, irq.assert);
	KUNIT_EXPECT_EQ(test, irq.shorthand, HVX_SH_NONE);

	/* Logical 0x0f with the redirection hint: lowest priority. */
	hvx_msi_decode(0xfee0f00c, 0, 0x0041, &irq);
	KUNIT_EXPECT_EQ(test, irq.dest_id, 0x0fU);
	KUNIT_EXPECT_TRUE(test, irq.dest_logical);
	KUNIT_EXPECT_EQ(test, irq.delivery_mode, HVX_DM_LOWEST);
	/* The hint leaves other delivery modes alone. */
	hvx_msi_decode(0xfee0f00c, 0, 0x0400, &irq);
	KUNIT_EXPECT_EQ(test, irq.delivery_mode, HVX_DM_NMI);
	hvx_msi_decode(0xfee0f004, 0, 0x0700, &irq);
	KUNIT_EXPECT_EQ(test, irq.delivery_mode, HVX_DM_EXTINT);
	KUNIT_EXPECT_TRUE(test, irq.dest_logical);

	/* Level-triggered: bit 14 asserts or de-asserts. */
	hvx_msi_decode(0xfee00000, 0, 0xc022, &irq);
	KUNIT_EXPECT_TRUE(test, irq.level);
	KUNIT_EXPECT_TRUE(test, irq.assert);
	KUNIT_EXPECT_EQ(test, irq.vector, 0x22);
	hvx_msi_decode(0xfee00000, 0, 0x8022, &irq);
	KUNIT_EXPECT_TRUE(test, irq.level);
	KUNIT_EXPECT_FALSE(test, irq.assert);
	/* Edge: bit 14 is ignored (Linux leaves it clear). */
	hvx_msi_decode(0xfee00000, 0, 0x0022, &irq);
	KUNIT_EXPECT_FALSE(test, irq.level);
	KUNIT_EXPECT_TRUE(test, irq.assert);

	/* Extended destination bits 11:5 and address_hi are not read. */
	hvx_msi_decode(0xfeefffe0, 0xffffff00, 0x00ff, &irq);
	KUNIT_EXPECT_EQ(test, irq.dest_id, 0xffU);
	KUNIT_EXPECT_EQ(test, irq.vector, 0xff);
	KUNIT_EXPECT_FALSE(test, irq.dest_logical);
}

static void msi_valid_address_window(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, hvx_msi_valid(0xfee00000, 0));
	KUNIT_EXPECT_TRUE(test, hvx_msi_valid(0xfeefffff, 0));
	KUNIT_EXPECT_TRUE(test, hvx_msi_valid(0xfee0100c, 0));
	KUNIT_EXPECT_FALSE(test, hvx_msi_valid(0xfedfffff, 0));
	KUNIT_EXPECT_FALSE(test, hvx_msi_valid(0xfef00000, 0));
	KUNIT_EXPECT_FALSE(test, hvx_msi_valid(0, 0));
	KUNIT_EXPECT_FALSE(test, hvx_msi_valid(0xfec00000, 0));
	KUNIT_EXPECT_FALSE(test, hvx_msi_valid(0xfee00000, 1));
	KUNIT_EXPECT_FALSE(test, hvx_msi_valid(0xfee00000, 0x100));
}

static struct kunit_case routing_cases[] = {
	KUNIT_CASE(routing_build_refuses_bad_entries),
	KUNIT_CASE(routing_build_refuses_a_bad_entry_among_good),
	KUNIT_CASE(routing_build_refuses_too_many),
	KUNIT_CASE(routing_build_refuses_duplicates),
	KUNIT_CASE(routing_default_table),
	KUNIT_CASE(routing_lookup_finds_every_route),
	KUNIT_CASE(msi_decode_fields),
	KUNIT_CASE(msi_valid_address_window),
	{}
};

static struct kunit_suite routing_suite = {
	.name = "hvx_routing",
	.test_cases = routing_cases,
};

kunit_test_suite(routing_suite);
