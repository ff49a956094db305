// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the IOAPIC, driven through its MMIO window and its pins, with
 * fake local APICs behind the deliver and ack callbacks.
 */
#include <kunit/test.h>

#include "../../kmod/irq/ioapic.c"

#define BASE	HVX_IOAPIC_BASE

/* What the local APICs saw, and what they answer. */
struct fake {
	struct hvx_ioapic io;
	int accept;		/* deliver() returns this */
	unsigned int delivered;	/* deliver() calls */
	struct hvx_irq last;
	unsigned int acks;
	unsigned int ack_pin;
	bool lower_on_ack;	/* ack() lowers the line, as a resampler */
	bool raise_on_ack;	/* ack() raises it */
	int ack_status;		/* what hvx_ioapic_set_irq() said then */
};

static int fake_deliver(void *opaque, const struct hvx_irq *irq)
{
	struct fake *f = opaque;

	f->delivered++;
	f->last = *irq;
	return f->accept;
}

static void fake_ack(void *opaque, unsigned int pin)
{
	struct fake *f = opaque;

	f->acks++;
	f->ack_pin = pin;
	if (f->lower_on_ack)
		f->ack_status = hvx_ioapic_set_irq(&f->io, pin, false);
	if (f->raise_on_ack)
		f->ack_status = hvx_ioapic_set_irq(&f->io, pin, true);
}

static const struct hvx_ioapic_ops fake_ops = {
	.deliver = fake_deliver,
	.ack = fake_ack,
};

static struct fake *fake_new(struct kunit *test)
{
	struct fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->accept = 1;
	hvx_ioapic_init(&f->io, &fake_ops, f);
	return f;
}

static void sel(struct kunit *test, struct hvx_ioapic *io, u32 reg)
{
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE + IOREGSEL, 4,
						    &reg), 0);
}

static u32 rd(struct kunit *test, struct hvx_ioapic *io, u32 reg)
{
	u32 val = 0xdeadbeef;

	sel(test, io, reg);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE + IOWIN, 4, &val),
			0);
	return val;
}

static void wr(struct kunit *test, struct hvx_ioapic *io, u32 reg, u32 val)
{
	sel(test, io, reg);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE + IOWIN, 4, &val),
			0);
}

/* As Linux programs an entry: the high half, then the low half. */
static void set_entry(struct kunit *test, struct hvx_ioapic *io,
		      unsigned int pin, u64 entry)
{
	wr(test, io, REG_REDIR + 2 * pin + 1, upper_32_bits(entry));
	wr(test, io, REG_REDIR + 2 * pin, lower_32_bits(entry));
}

#define EDGE(vec, dest)		((u64)(dest) << 56 | (vec))
#define LEVEL(vec, dest)	(EDGE(vec, dest) | RTE_LEVEL)

static void ioapic_reset_masks_every_entry(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int pin;

	for (pin = 0; pin < HVX_IOAPIC_PINS; pin++) {
		KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_REDIR + 2 * pin),
				(u32)RTE_MASK);
		KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_REDIR + 2 * pin + 1),
				0U);
	}
	/* 24 entries (23 in bits 23:16), version 0x11. */
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_VERSION), 0x00170011U);
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_ID), 0U);
	/* Nothing is delivered by asserting a masked pin. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 4, true), -1);
	KUNIT_EXPECT_EQ(test, f->delivered, 0U);
}

static void ioapic_redir_entry_both_halves(struct kunit *test)
{
	struct fake *f = fake_new(test);
	/* Vector 0x31, lowest priority, logical, polarity low, masked. */
	u64 entry = 0xab00000000000000ULL | RTE_MASK | RTE_POLARITY |
		    RTE_DEST_LOGICAL | 0x100 | 0x31;

	set_entry(test, &f->io, 5, entry);
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, 0x1a), lower_32_bits(entry));
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, 0x1b), upper_32_bits(entry));
	KUNIT_EXPECT_EQ(test, f->io.redir[5], entry);
	/* Writing one half leaves the other alone. */
	wr(test, &f->io, 0x1b, 0x07000000);
	KUNIT_EXPECT_EQ(test, f->io.redir[5], 0x0700000000000000ULL |
			lower_32_bits(entry));
	/* The neighbours are untouched. */
	KUNIT_EXPECT_EQ(test, f->io.redir[4], RTE_MASK);
	KUNIT_EXPECT_EQ(test, f->io.redir[6], RTE_MASK);
	/* The last entry's high half is register 0x3f. */
	wr(test, &f->io, 0x3f, 0x12345678);
	KUNIT_EXPECT_EQ(test, upper_32_bits(f->io.redir[23]), 0x12345678U);
}

static void ioapic_read_only_bits_kept(struct kunit *test)
{
	struct fake *f = fake_new(test);

	set_entry(test, &f->io, 3, LEVEL(0x40, 0));
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 3, true), 1);
	KUNIT_EXPECT_TRUE(test, rd(test, &f->io, 0x16) & RTE_REMOTE_IRR);

	/* The guest tries to clear remote IRR and set delivery status. */
	wr(test, &f->io, 0x16, (u32)(LEVEL(0x41, 0) | RTE_DELIVERY_STATUS));
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, 0x16),
			(u32)(LEVEL(0x41, 0) | RTE_REMOTE_IRR));
	/* Nor can it set remote IRR on an idle entry. */
	wr(test, &f->io, 0x18, (u32)(LEVEL(0x42, 0) | RTE_REMOTE_IRR));
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, 0x18), (u32)LEVEL(0x42, 0));
	/* Switching the entry to edge clears remote IRR (Linux's EOI). */
	wr(test, &f->io, 0x16, (u32)EDGE(0x41, 0));
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, 0x16), (u32)EDGE(0x41, 0));
}

static void ioapic_out_of_range_index_is_inert(struct kunit *test)
{
	static const u32 bad[] = { 0x03, 0x0f, 0x40, 0x41, 0xff };
	struct fake *f = fake_new(test);
	u64 before[HVX_IOAPIC_PINS];
	u32 val = 0x1234;
	unsigned int i;

	set_entry(test, &f->io, 0, EDGE(0x30, 1));
	memcpy(before, f->io.redir, sizeof(before));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ(test, rd(test, &f->io, bad[i]), ~0U);
		wr(test, &f->io, bad[i], 0);
	}
	KUNIT_EXPECT_EQ(test, memcmp(before, f->io.redir, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, f->io.id, 0U);

	/* IOREGSEL keeps 8 bits. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(&f->io, BASE, 4, &val), 0);
	KUNIT_EXPECT_EQ(test, f->io.ioregsel, 0x34U);
	/* Even a selector no guest can write reads all ones. */
	f->io.ioregsel = ~0U;
	KUNIT_EXPECT_EQ(test, ioapic_read_reg(&f->io), ~0U);
	ioapic_write_reg(&f->io, 0);
	KUNIT_EXPECT_EQ(test, memcmp(before, f->io.redir, sizeof(before)), 0);
}

static void ioapic_id_version_arbitration(struct kunit *test)
{
	struct fake *f = fake_new(test);

	wr(test, &f->io, REG_ID, 0xff000000);
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_ID), 0x0f000000U);
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_ARB), 0x0f000000U);
	wr(test, &f->io, REG_VERSION, 0);
	wr(test, &f->io, REG_ARB, 0);
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_VERSION), 0x00170011U);
	KUNIT_EXPECT_EQ(test, rd(test, &f->io, REG_ARB), 0x0f000000U);
}

static void ioapic_mmio_sizes_and_offsets(struct kunit *test)
{
	struct fake *f = fake_new(test);
	struct hvx_ioapic *io = &f->io;
	u8 b = 0x10, buf[8];
	u64 q = ~0ULL;
	u16 w = 0x2034;		/* vector 0x34, polarity low, unmasked */

	/* A byte write to IOREGSEL, an 8-byte read of IOWIN. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE, 1, &b), 0);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE + IOWIN, 8, &q), 0);
	KUNIT_EXPECT_EQ(test, q, (u64)RTE_MASK);
	/* A 3-byte read: the low bytes, the rest untouched by garbage. */
	memset(buf, 0xcc, sizeof(buf));
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE + IOWIN, 3, buf),
			0);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, buf[1], 0);
	KUNIT_EXPECT_EQ(test, buf[2], 1);
	KUNIT_EXPECT_EQ(test, buf[3], 0xcc);
	/* A 2-byte write replaces the whole register, zero-extended. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE + IOWIN, 2, &w),
			0);
	KUNIT_EXPECT_EQ(test, io->redir[0], 0x2034ULL);

	/* Anywhere but 0x00 and 0x10 reads 0 and ignores writes. */
	q = ~0ULL;
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE + 0x04, 4, &q), 0);
	KUNIT_EXPECT_EQ(test, q, 0xffffffff00000000ULL);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE + 0x40, 8, &q), 0);
	KUNIT_EXPECT_EQ(test, q, 0ULL);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE + 0x11, 1, &b),
			0);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE + 0xfc, 4, &q),
			0);
	KUNIT_EXPECT_EQ(test, io->redir[0], 0x2034ULL);
	KUNIT_EXPECT_EQ(test, io->ioregsel, 0x10U);

	/* Sizes and the window's edges. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE, 0, &q), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE, 9, buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE, 16, buf),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_read(io, BASE - 4, 4, &q),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_mmio_write(io, BASE + 0xfe, 4, &q),
			-EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, hvx_ioapic_in_window(io, BASE, 8));
	KUNIT_EXPECT_TRUE(test, hvx_ioapic_in_window(io, BASE + 0xff, 1));
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_in_window(io, BASE + 0xff, 2));
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_in_window(io, BASE + 0x100, 1));
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_in_window(io, BASE - 1, 2));
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_in_window(io, BASE, 0));
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_in_window(io, ~0ULL, 8));
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_in_window(io, BASE + 8, ~0U));
}

static void ioapic_masked_pin_not_delivered(struct kunit *test)
{
	struct fake *f = fake_new(test);

	/* An edge while masked is lost: unmasking does not send it. */
	set_entry(test, &f->io, 1, EDGE(0x30, 0) | RTE_MASK);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 1, true), -1);
	set_entry(test, &f->io, 1, EDGE(0x30, 0));
	KUNIT_EXPECT_EQ(test, f->delivered, 0U);

	/* A level kept while masked is sent when unmasked. */
	set_entry(test, &f->io, 2, LEVEL(0x50, 0) | RTE_MASK);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 2, true), -1);
	KUNIT_EXPECT_EQ(test, f->delivered, 0U);
	set_entry(test, &f->io, 2, LEVEL(0x50, 0));
	KUNIT_EXPECT_EQ(test, f->delivered, 1U);
	KUNIT_EXPECT_EQ(test, f->last.vector, 0x50);

	/* Masking again stops what follows. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 2, false), 1);
	set_entry(test, &f->io, 2, LEVEL(0x50, 0) | RTE_MASK);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 2, true), -1);
	hvx_ioapic_eoi(&f->io, 0x50);
	KUNIT_EXPECT_EQ(test, f->delivered, 1U);
}

static void ioapic_edge_once_per_rising_edge(struct kunit *test)
{
	struct fake *f = fake_new(test);

	set_entry(test, &f->io, 4, EDGE(0x34, 2));
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 4, true), 1);
	KUNIT_EXPECT_EQ(test, f->delivered, 1U);
	KUNIT_EXPECT_EQ(test, f->last.vector, 0x34);
	KUNIT_EXPECT_FALSE(test, f->last.level);
	KUNIT_EXPECT_TRUE(test, f->last.assert);
	/* Still high: no new edge. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 4, true), 0);
	KUNIT_EXPECT_EQ(test, f->delivered, 1U);
	/* An edge never sets remote IRR, and its EOI sends nothing. */
	KUNIT_EXPECT_FALSE(test, f->io.redir[4] & RTE_REMOTE_IRR);
	hvx_ioapic_eoi(&f->io, 0x34);
	KUNIT_EXPECT_EQ(test, f->delivered, 1U);
	KUNIT_EXPECT_EQ(test, f->acks, 0U);
	/* Low, then high: a second edge. */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 4, false), 1);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 4, true), 1);
	KUNIT_EXPECT_EQ(test, f->delivered, 2U);
	/* Two local APICs took it: the status says so. */
	f->accept = 2;
	hvx_ioapic_set_irq(&f->io, 4, false);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 4, true), 2);
}

static void ioapic_level_remote_irr_and_eoi(struct kunit *test)
{
	struct fake *f = fake_new(test);

	set_entry(test, &f->io, 9, LEVEL(0x39, 0));
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 9, true), 1);
	KUNIT_EXPECT_TRUE(test, f->last.level);
	KUNIT_EXPECT_TRUE(test, f->io.redir[9] & RTE_REMOTE_IRR);
	/* Waiting for the EOI: not delivered (KVM's -1). */
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 9, true), -1);
	KUNIT_EXPECT_EQ(test, f->delivered, 1U);

	/* Another vector's EOI changes nothing. */
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_eoi(&f->io, 0x38));
	KUNIT_EXPECT_EQ(test, f->acks, 0U);
	KUNIT_EXPECT_TRUE(test, f->io.redir[9] & RTE_REMOTE_IRR);

	/* The EOI with the line still high: acked, and sent again. */
	KUNIT_EXPECT_FALSE(test, hvx_ioapic_eoi(&f->io, 0x39));
	KUNIT_EXPECT_EQ(test, f->acks, 1U);
	KUNIT_EXPECT_EQ(test, f->ack_pin, 9U);
	KUNIT_EXPECT_EQ(test, f->delivered, 2U);
	KUNIT_EXPECT_TRUE(test, f->io.redir[9] & RTE_REMOTE_IRR);

	/* Lowered, then EOI'd: remote IRR clears, nothing is sent. */
	hvx_ioapic_set_irq(&f->io, 9, false);
	hvx_ioapic_eoi(&f->io, 0x39);
	KUNIT_EXPECT_EQ(test, f->delivered, 2U);
	KUNIT_EXPECT_FALSE(test, f->io.redir[9] & RTE_REMOTE_IRR);

	/* A resampler lowers the line from ack(): not sent again. */
	f->lower_on_ack = true;
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 9, true), 1);
	hvx_ioapic_eoi(&f->io, 0x39);
	KUNIT_EXPECT_EQ(test, f->delivered, 3U);
	KUNIT_EXPECT_FALSE(test, f->io.irr & BIT(9));
	KUNIT_EXPECT_FALSE(test, f->io.redir[9] & RTE_REMOTE_IRR);

	/* One that raises it from ack() has it sent then, and once. */
	f->lower_on_ack = false;
	f->raise_on_ack = true;
	hvx_ioapic_eoi(&f->io, 0x39);
	KUNIT_EXPECT_EQ(test, f->ack_status, 1);
	KUNIT_EXPECT_EQ(test, f->delivered, 4U);
	KUNIT_EXPECT_TRUE(test, f->io.redir[9] & RTE_REMOTE_IRR);
}

static void ioapic_level_not_accepted_leaves_pin_free(struct kunit *test)
{
	struct fake *f = fake_new(test);

	set_entry(test, &f->io, 7, LEVEL(0x37, 0));
	/* The APICs had it pending already: coalesced, no remote IRR. */
	f->accept = 0;
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 7, true), 0);
	KUNIT_EXPECT_FALSE(test, f->io.redir[7] & RTE_REMOTE_IRR);
	/* No APIC addressed: -1, and the pin does not wait for an EOI. */
	f->accept = -1;
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 7, true), -1);
	KUNIT_EXPECT_FALSE(test, f->io.redir[7] & RTE_REMOTE_IRR);
	/* Pointed at an APIC that exists, it goes at once. */
	f->accept = 1;
	set_entry(test, &f->io, 7, LEVEL(0x37, 1));
	KUNIT_EXPECT_EQ(test, f->delivered, 3U);
	KUNIT_EXPECT_EQ(test, f->last.dest_id, 1U);
	KUNIT_EXPECT_TRUE(test, f->io.redir[7] & RTE_REMOTE_IRR);
}

static void ioapic_storm_guard_holds_then_redelivers(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i, later = 0;

	set_entry(test, &f->io, 11, LEVEL(0x3b, 0));
	hvx_ioapic_set_irq(&f->io, 11, true);
	/* The guest EOIs without quietening the device. */
	for (i = 0; i < HVX_IOAPIC_STORM_LIMIT; i++)
		later += hvx_ioapic_eoi(&f->io, 0x3b);
	KUNIT_EXPECT_EQ(test, later, 1U);
	/* The last EOI held the pin: sent LIMIT times in all, not + 1. */
	KUNIT_EXPECT_EQ(test, f->delivered, HVX_IOAPIC_STORM_LIMIT);
	KUNIT_EXPECT_TRUE(test, f->io.held & BIT(11));
	KUNIT_EXPECT_FALSE(test, f->io.redir[11] & RTE_REMOTE_IRR);

	hvx_ioapic_redeliver(&f->io);
	KUNIT_EXPECT_EQ(test, f->delivered, HVX_IOAPIC_STORM_LIMIT + 1);
	KUNIT_EXPECT_TRUE(test, f->io.redir[11] & RTE_REMOTE_IRR);
	KUNIT_EXPECT_EQ(test, f->io.held, 0U);
	hvx_ioapic_redeliver(&f->io);
	KUNIT_EXPECT_EQ(test, f->delivered, HVX_IOAPIC_STORM_LIMIT + 1);

	/* Held again, but the line drops before the redelivery: nothing. */
	for (i = 0, later = 0; i < HVX_IOAPIC_STORM_LIMIT; i++)
		later += hvx_ioapic_eoi(&f->io, 0x3b);
	KUNIT_EXPECT_EQ(test, later, 1U);
	KUNIT_EXPECT_TRUE(test, f->io.held & BIT(11));
	hvx_ioapic_set_irq(&f->io, 11, false);
	i = f->delivered;
	hvx_ioapic_redeliver(&f->io);
	KUNIT_EXPECT_EQ(test, f->delivered, i);
}

static void ioapic_storm_guard_survives_reprogramming(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i, later = 0;
	u8 vector = 0x40;

	set_entry(test, &f->io, 12, LEVEL(vector, 0));
	hvx_ioapic_set_irq(&f->io, 12, true);
	/* Each time a new vector, EOI'd: still one storm. */
	for (i = 0; i < HVX_IOAPIC_STORM_LIMIT && !later; i++) {
		vector = 0x40 + i % 0x80;
		set_entry(test, &f->io, 12, LEVEL(vector, 0));
		later += hvx_ioapic_eoi(&f->io, vector);
	}
	KUNIT_EXPECT_EQ(test, later, 1U);
	KUNIT_EXPECT_EQ(test, i, HVX_IOAPIC_STORM_LIMIT);
	/* Masked while held: the redelivery sends nothing. */
	wr(test, &f->io, REG_REDIR + 2 * 12, (u32)(LEVEL(vector, 0) | RTE_MASK));
	i = f->delivered;
	hvx_ioapic_redeliver(&f->io);
	KUNIT_EXPECT_EQ(test, f->delivered, i);
}

static void ioapic_storm_count_resets_when_line_drops(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i, later = 0;

	set_entry(test, &f->io, 13, LEVEL(0x3d, 0));
	hvx_ioapic_set_irq(&f->io, 13, true);
	for (i = 0; i < 2 * HVX_IOAPIC_STORM_LIMIT; i++) {
		/* Every so often the guest does quieten the device. */
		if (i % 1000 == 999) {
			hvx_ioapic_set_irq(&f->io, 13, false);
			later += hvx_ioapic_eoi(&f->io, 0x3d);
			hvx_ioapic_set_irq(&f->io, 13, true);
			continue;
		}
		later += hvx_ioapic_eoi(&f->io, 0x3d);
	}
	KUNIT_EXPECT_EQ(test, later, 0U);
	KUNIT_EXPECT_EQ(test, f->io.held, 0U);
}

static void ioapic_decode_logical_and_physical(struct kunit *test)
{
	struct fake *f = fake_new(test);
	struct hvx_irq irq;

	/* Logical destination 0x0f, NMI, level. */
	hvx_ioapic_decode(0x0f00000000000000ULL | RTE_LEVEL | RTE_DEST_LOGICAL |
			  (u64)HVX_DM_NMI << 8 | 0x02, &irq);
	KUNIT_EXPECT_EQ(test, irq.vector, 0x02);
	KUNIT_EXPECT_EQ(test, irq.delivery_mode, HVX_DM_NMI);
	KUNIT_EXPECT_EQ(test, irq.dest_id, 0x0fU);
	KUNIT_EXPECT_TRUE(test, irq.dest_logical);
	KUNIT_EXPECT_TRUE(test, irq.level);
	KUNIT_EXPECT_TRUE(test, irq.assert);
	KUNIT_EXPECT_EQ(test, irq.shorthand, HVX_SH_NONE);
	/* Physical APIC 0xfe, ExtINT, edge; reserved bits are not read. */
	hvx_ioapic_decode(0xfefe000000000000ULL | RTE_POLARITY |
			  (u64)HVX_DM_EXTINT << 8 | 0xee, &irq);
	KUNIT_EXPECT_EQ(test, irq.vector, 0xee);
	KUNIT_EXPECT_EQ(test, irq.delivery_mode, HVX_DM_EXTINT);
	KUNIT_EXPECT_EQ(test, irq.dest_id, 0xfeU);
	KUNIT_EXPECT_FALSE(test, irq.dest_logical);
	KUNIT_EXPECT_FALSE(test, irq.level);

	/* What a pin sends is its entry decoded. */
	set_entry(test, &f->io, 20, 0x0300000000000000ULL | RTE_DEST_LOGICAL |
		  (u64)HVX_DM_LOWEST << 8 | 0x61);
	hvx_ioapic_set_irq(&f->io, 20, true);
	KUNIT_EXPECT_EQ(test, f->last.vector, 0x61);
	KUNIT_EXPECT_EQ(test, f->last.delivery_mode, HVX_DM_LOWEST);
	KUNIT_EXPECT_EQ(test, f->last.dest_id, 3U);
	KUNIT_EXPECT_TRUE(test, f->last.dest_logical);
}

static void ioapic_bad_pin_refused(struct kunit *test)
{
	struct fake *f = fake_new(test);

	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, 24, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_irq(&f->io, ~0U, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->io.irr, 0U);
}

static void ioapic_state_round_trip(struct kunit *test)
{
	struct fake *f = fake_new(test), *g = fake_new(test);
	struct kvm_ioapic_state *s1, *s2;

	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	s2 = kunit_kzalloc(test, sizeof(*s2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	KUNIT_ASSERT_NOT_NULL(test, s2);

	wr(test, &f->io, REG_ID, 0x05000000);
	set_entry(test, &f->io, 1, EDGE(0x31, 0));		/* sent */
	set_entry(test, &f->io, 2, EDGE(0x32, 0) | RTE_MASK);	/* lost */
	set_entry(test, &f->io, 3, LEVEL(0x33, 1));		/* waits */
	set_entry(test, &f->io, 4, LEVEL(0x34, 1) | RTE_MASK);	/* kept */
	set_entry(test, &f->io, 5, RTE_MASK | GENMASK_ULL(55, 17)); /* rsvd */
	hvx_ioapic_set_irq(&f->io, 1, true);
	hvx_ioapic_set_irq(&f->io, 2, true);
	hvx_ioapic_set_irq(&f->io, 3, true);
	hvx_ioapic_set_irq(&f->io, 4, true);
	sel(test, &f->io, 0x17);

	hvx_ioapic_get_state(&f->io, s1);
	KUNIT_EXPECT_EQ(test, s1->base_address, HVX_IOAPIC_BASE);
	KUNIT_EXPECT_EQ(test, s1->id, 5U);
	KUNIT_EXPECT_EQ(test, s1->ioregsel, 0x17U);
	/* The edge already sent is not pending. */
	KUNIT_EXPECT_EQ(test, s1->irr, (u32)(BIT(2) | BIT(3) | BIT(4)));
	KUNIT_EXPECT_TRUE(test, s1->redirtbl[3].bits & RTE_REMOTE_IRR);
	KUNIT_EXPECT_EQ(test, s1->redirtbl[5].bits,
			RTE_MASK | GENMASK_ULL(55, 17));

	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_state(&g->io, s1), 0);
	/* Nothing could go: masked, or waiting for the EOI. */
	KUNIT_EXPECT_EQ(test, g->delivered, 0U);
	hvx_ioapic_get_state(&g->io, s2);
	KUNIT_EXPECT_EQ(test, memcmp(s1, s2, sizeof(*s1)), 0);

	/* After the restore the EOI works as before it. */
	hvx_ioapic_eoi(&g->io, 0x33);
	KUNIT_EXPECT_EQ(test, g->delivered, 1U);
	KUNIT_EXPECT_EQ(test, g->last.vector, 0x33);

	/* A restored level pin that may go, goes. */
	s1->redirtbl[4].bits &= ~RTE_MASK;
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_state(&g->io, s1), 0);
	KUNIT_EXPECT_EQ(test, g->delivered, 2U);
	KUNIT_EXPECT_EQ(test, g->last.vector, 0x34);
}

static void ioapic_set_state_refuses_bad_state(struct kunit *test)
{
	struct fake *f = fake_new(test);
	struct kvm_ioapic_state *good, *s, *now;
	unsigned int i;

	good = kunit_kzalloc(test, sizeof(*good), GFP_KERNEL);
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	now = kunit_kzalloc(test, sizeof(*now), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, good);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, now);

	set_entry(test, &f->io, 0, LEVEL(0x30, 0));
	hvx_ioapic_get_state(&f->io, good);
	KUNIT_EXPECT_EQ(test, hvx_ioapic_set_state(&f->io, good), 0);

	for (i = 0; i < 8; i++) {
		*s = *good;
		switch (i) {
		case 0:
			s->base_address = 0xfec01000;
			break;
		case 1:
			s->ioregsel = 0x100;
			break;
		case 2:
			s->id = 0x10;
			break;
		case 3:
			s->irr = BIT(24);
			break;
		case 4:
			s->redirtbl[7].bits |= RTE_DELIVERY_STATUS;
			break;
		case 5:	/* remote IRR on an edge entry */
			s->redirtbl[8].bits |= RTE_REMOTE_IRR;
			break;
		case 6:
			s->irr = ~0U;
			break;
		case 7:	/* the padding is ignored, as KVM does: QEMU leaves it */
			s->pad = 0xdeadbeef;
			KUNIT_EXPECT_EQ(test, hvx_ioapic_set_state(&f->io, s), 0);
			s->base_address = 0;
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, hvx_ioapic_set_state(&f->io, s),
				    -EINVAL, "bad state %u", i);
		hvx_ioapic_get_state(&f->io, now);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(now, good, sizeof(*now)), 0,
				    "bad state %u changed the IOAPIC", i);
	}
}

static struct kunit_case ioapic_cases[] = {
	KUNIT_CASE(ioapic_reset_masks_every_entry),
	KUNIT_CASE(ioapic_redir_entry_both_halves),
	KUNIT_CASE(ioapic_read_only_bits_kept),
	KUNIT_CASE(ioapic_out_of_range_index_is_inert),
	KUNIT_CASE(ioapic_id_version_arbitration),
	KUNIT_CASE(ioapic_mmio_sizes_and_offsets),
	KUNIT_CASE(ioapic_masked_pin_not_delivered),
	KUNIT_CASE(ioapic_edge_once_per_rising_edge),
	KUNIT_CASE(ioapic_level_remote_irr_and_eoi),
	KUNIT_CASE(ioapic_level_not_accepted_leaves_pin_free),
	KUNIT_CASE(ioapic_storm_guard_holds_then_redelivers),
	KUNIT_CASE(ioapic_storm_guard_survives_reprogramming),
	KUNIT_CASE(ioapic_storm_count_resets_when_line_drops),
	KUNIT_CASE(ioapic_decode_logical_and_physical),
	KUNIT_CASE(ioapic_bad_pin_refused),
	KUNIT_CASE(ioapic_state_round_trip),
	KUNIT_CASE(ioapic_set_state_refuses_bad_state),
	{}
};

static struct kunit_suite ioapic_suite = {
	.name = "hvx_ioapic",
	.test_cases = ioapic_cases,
};

kunit_test_suite(ioapic_suite);
