// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 8259A pair's special modes (fully nested, special mask,
 * poll), spurious IRQs 7 and 15, reading IRR, ISR and IMR, ICW1 in the
 * middle of things, KVM_GET/SET_IRQCHIP's PIC state and bad or random
 * input.  The PIC's code comes from pic_test.c, which includes pic.c;
 * this file sees only pic.h.
 */
#include <kunit/test.h>

#include "pic_test_common.h"

static void pic_special_fully_nested_mode(struct kunit *test)
{
	struct hvx_pic pic;

	/* Fully nested: slave 12 in service blocks slave 9 at the master. */
	pic_linux(&pic, NULL);
	pulse(&pic, 12);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 4);
	pulse(&pic, 9);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));

	/* SFNM on the master lets the higher slave level through. */
	pic_new(&pic, NULL);
	pic_init(&pic, MBASE, SBASE, 0x11);
	pulse(&pic, 12);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 4);
	pulse(&pic, 13);	/* lower on the slave: still held */
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	pulse(&pic, 9);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 1);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0xa0), BIT(1) | BIT(4));
}

static void pic_special_mask_mode(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	pulse(&pic, 3);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	/* The handler masks its own level: normally 5 stays held back. */
	hvx_pic_write(&pic, 0x21, BIT(3));
	pulse(&pic, 5);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* In special mask mode the masked level 3 no longer blocks. */
	hvx_pic_write(&pic, 0x20, 0x68);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).special_mask, 1);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 5);
	/* The non-specific EOI passes over the masked 3 and ends 5. */
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(3));
	/* An OCW3 without ESMM leaves the mode as it is; 0x48 ends it. */
	hvx_pic_write(&pic, 0x20, 0x28);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).special_mask, 1);
	hvx_pic_write(&pic, 0x20, 0x48);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).special_mask, 0);
	pulse(&pic, 6);
	hvx_pic_write(&pic, 0x21, 0);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
}

static void pic_spurious_irq_7_and_15(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 7);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), 0);

	/*
	 * The slave's request vanishes after the master latched IR2: the
	 * master still answers the INTA with IR2, the slave with its IR7,
	 * setting no ISR bit of its own.
	 */
	pulse(&pic, 12);
	hvx_pic_write(&pic, 0xa1, BIT(4));
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 7);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0xa0), 0);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(2));
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0xa0), BIT(4));
}

static void pic_poll_mode(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	/* Nothing pending: bit 7 clear. */
	hvx_pic_write(&pic, 0x20, 0x0c);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), 0);
	pulse(&pic, 5);
	hvx_pic_write(&pic, 0x20, 0x0c);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), 0x80 | 5);
	/* The poll acknowledged 5, as an INTA would. */
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(5));
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), 0);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* The poll is for one read only: the next gives the IRR. */
	pulse(&pic, 1);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), BIT(1));
	/* A poll takes precedence over RR, and works on the odd port. */
	hvx_pic_write(&pic, 0x20, 0x0e);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x21), 0x80 | 1);
	hvx_pic_write(&pic, 0x20, 0x20);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, a.n, 2U);

	/* Polling a cascade: the master says 2, the slave says which. */
	pulse(&pic, 11);
	hvx_pic_write(&pic, 0x20, 0x0c);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), 0x80 | 2);
	hvx_pic_write(&pic, 0xa0, 0x0c);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0xa0), 0x80 | 3);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0xa0), BIT(3));
	/* The master no longer asks for the slave. */
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), 0);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
}

static void pic_read_irr_isr_imr(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	hvx_pic_write(&pic, 0x21, 0xa5);
	hvx_pic_write(&pic, 0xa1, 0x5a);
	pulse(&pic, 1);
	pulse(&pic, 6);
	hvx_pic_acknowledge(&pic);
	/* After initialisation a read gives the IRR. */
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), BIT(6));
	hvx_pic_write(&pic, 0x20, 0x0b);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), BIT(1));
	/* An OCW3 without RR keeps the register chosen. */
	hvx_pic_write(&pic, 0x20, 0x08);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), BIT(1));
	hvx_pic_write(&pic, 0x20, 0x0a);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), BIT(6));
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x21), 0xa5);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0xa1), 0x5a);
	/* ICW1 goes back to the IRR. */
	hvx_pic_write(&pic, 0x20, 0x0b);
	pic_init(&pic, MBASE, SBASE, 0x01);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), 0);
}

static void pic_icw1_drops_edge_requests(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	hvx_pic_write(&pic, 0x4d0, BIT(5));
	hvx_pic_write(&pic, 0x21, 0xff);
	pulse(&pic, 0);
	hvx_pic_set_irq(&pic, 5, true);
	hvx_pic_write(&pic, 0x20, 0x11);
	/* The edge request is gone and reported; the level one stays. */
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x20), BIT(5));
	KUNIT_ASSERT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, a.irq[0], 0U);
	/* Slave IRQs are reported by their own number. */
	pulse(&pic, 14);
	hvx_pic_write(&pic, 0xa0, 0x11);
	KUNIT_ASSERT_EQ(test, a.n, 2U);
	KUNIT_EXPECT_EQ(test, a.irq[1], 14U);
}

static void pic_state_round_trip(struct kunit *test)
{
	struct hvx_pic pic, copy;
	struct kvm_pic_state s, t;
	unsigned int i;

	pic_linux(&pic, NULL);
	hvx_pic_write(&pic, 0x4d1, BIT(3));
	hvx_pic_write(&pic, 0x21, 0x10);
	hvx_pic_write(&pic, 0x20, 0xc0 | 4);
	hvx_pic_write(&pic, 0x20, 0x0b);
	pulse(&pic, 6);
	hvx_pic_set_irq(&pic, 11, true);
	hvx_pic_acknowledge(&pic);
	pulse(&pic, 3);

	pic_new(&copy, NULL);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, hvx_pic_get_state(&pic, i, &s), 0);
		KUNIT_ASSERT_EQ(test, hvx_pic_set_state(&copy, i, &s), 0);
		KUNIT_ASSERT_EQ(test, hvx_pic_get_state(&copy, i, &t), 0);
		KUNIT_EXPECT_EQ(test, memcmp(&s, &t, sizeof(s)), 0);
	}
	KUNIT_EXPECT_EQ(test, hvx_pic_output(&copy), hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&copy),
			hvx_pic_acknowledge(&pic));
	/* The level line 11 still requests in the copy after its EOI. */
	hvx_pic_write(&copy, 0xa0, 0x20);
	hvx_pic_write(&copy, 0x20, 0x20);
	hvx_pic_write(&copy, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&copy), SBASE + 3);

	/* Loading the slave alone brings the master's IR2 up to date. */
	pic_linux(&copy, NULL);
	memset(&s, 0, sizeof(s));
	s.irr = BIT(1);
	s.irq_base = SBASE;
	KUNIT_ASSERT_EQ(test, hvx_pic_set_state(&copy, 1, &s), 0);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&copy));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&copy), SBASE + 1);
}

/* One field of struct kvm_pic_state set to a value no chip can hold. */
#define BAD(field, val, what) \
	{ what, offsetof(struct kvm_pic_state, field), val }
static const struct {
	const char *what;
	size_t offset;
	u8 value;
} bad_states[] = {
	BAD(priority_add, 8, "priority_add past 7"),
	BAD(irq_base, 0xff, "vector base not a multiple of 8"),
	BAD(init_state, 4, "init_state past 3"),
	BAD(read_reg_select, 2, "read_reg_select not 0 or 1"),
	BAD(poll, 0x80, "poll not 0 or 1"),
	BAD(special_mask, 2, "special_mask not 0 or 1"),
	BAD(auto_eoi, 0xff, "auto_eoi not 0 or 1"),
	BAD(rotate_on_auto_eoi, 2, "rotate_on_auto_eoi not 0 or 1"),
	BAD(special_fully_nested_mode, 3, "SFNM not 0 or 1"),
	BAD(init4, 2, "init4 not 0 or 1"),
	BAD(elcr, 0x01, "ELCR bit of IRQ 0 or 8"),
};

static void pic_set_state_refuses_bad_state(struct kunit *test)
{
	struct hvx_pic pic;
	struct kvm_pic_state good, s, now;
	unsigned int i, chip;

	pic_linux(&pic, NULL);
	pulse(&pic, 4);
	for (chip = 0; chip < 2; chip++) {
		hvx_pic_get_state(&pic, chip, &good);
		for (i = 0; i < ARRAY_SIZE(bad_states); i++) {
			s = good;
			((u8 *)&s)[bad_states[i].offset] = bad_states[i].value;
			KUNIT_EXPECT_EQ_MSG(test, hvx_pic_set_state(&pic, chip,
								    &s),
					    -EINVAL, "chip %u: %s", chip,
					    bad_states[i].what);
			hvx_pic_get_state(&pic, chip, &now);
			KUNIT_EXPECT_EQ_MSG(test,
					    memcmp(&now, &good, sizeof(now)),
					    0, "chip %u: %s changed the state",
					    chip, bad_states[i].what);
		}
	}
	/* No chip 2 (the IOAPIC is not the PIC's) and beyond. */
	KUNIT_EXPECT_EQ(test, hvx_pic_set_state(&pic, 2, &good), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_pic_set_state(&pic, ~0U, &good), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_pic_get_state(&pic, 2, &s), -EINVAL);

	/* The limits themselves are accepted. */
	hvx_pic_get_state(&pic, 0, &s);
	s.priority_add = 7;
	s.irq_base = 0xf8;
	s.init_state = 3;
	s.elcr = 0xf8;
	s.irr = 0;
	KUNIT_EXPECT_EQ(test, hvx_pic_set_state(&pic, 0, &s), 0);
	/* The highest base still gives vectors that fit in a byte. */
	hvx_pic_set_irq(&pic, 7, true);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), 0xff);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).isr, BIT(7));
	/* elcr_mask is the board's: ignored, not loaded. */
	s.elcr_mask = 0xff;
	KUNIT_EXPECT_EQ(test, hvx_pic_set_state(&pic, 0, &s), 0);
	hvx_pic_get_state(&pic, 0, &now);
	KUNIT_EXPECT_EQ(test, now.elcr_mask, 0xf8);
	hvx_pic_write(&pic, 0x4d0, 0xff);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x4d0), 0xf8);
}

static void pic_bad_lines_and_ports(struct kunit *test)
{
	struct hvx_pic pic;
	struct kvm_pic_state before[2], after;
	unsigned int i;
	static const u16 ours[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	static const u16 others[] = { 0x1f, 0x22, 0x60, 0xa2, 0x120, 0x4cf,
				      0x4d2, 0x8020, 0xffff };

	pic_linux(&pic, NULL);
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 16, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, ~0U, true), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(ours); i++)
		KUNIT_EXPECT_TRUE(test, hvx_pic_handles_port(ours[i]));
	hvx_pic_get_state(&pic, 0, &before[0]);
	hvx_pic_get_state(&pic, 1, &before[1]);
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		KUNIT_EXPECT_FALSE(test, hvx_pic_handles_port(others[i]));
		hvx_pic_write(&pic, others[i], 0x11);
		KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, others[i]), 0xff);
	}
	hvx_pic_get_state(&pic, 0, &after);
	KUNIT_EXPECT_EQ(test, memcmp(&after, &before[0], sizeof(after)), 0);
	hvx_pic_get_state(&pic, 1, &after);
	KUNIT_EXPECT_EQ(test, memcmp(&after, &before[1], sizeof(after)), 0);
}

/*
 * Whatever a guest writes and its devices do, the state stays one that
 * KVM_SET_IRQCHIP would accept, and every vector is the base of one of
 * the chips plus a level.
 */
static void pic_random_guest_stays_sane(struct kunit *test)
{
	static const u16 ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	struct hvx_pic pic, copy;
	struct kvm_pic_state s[2];
	u32 x = 0x12345678;
	unsigned int i, c;
	struct acks a;
	int v;

	pic_new(&pic, &a);
	pic_new(&copy, NULL);
	for (i = 0; i < 20000; i++) {
		x = x * 1664525 + 1013904223;	/* Numerical Recipes' LCG */
		switch ((x >> 8) % 4) {
		case 0:
			hvx_pic_write(&pic, ports[(x >> 12) % 6], x >> 24);
			break;
		case 1:
			hvx_pic_read(&pic, ports[(x >> 12) % 6]);
			break;
		case 2:
			v = hvx_pic_set_irq(&pic, (x >> 12) % 16, x >> 31);
			KUNIT_ASSERT_TRUE(test, v >= -1 && v <= 1);
			break;
		default:
			v = hvx_pic_acknowledge(&pic);
			hvx_pic_get_state(&pic, 0, &s[0]);
			hvx_pic_get_state(&pic, 1, &s[1]);
			KUNIT_ASSERT_TRUE(test, v - s[0].irq_base < 8U ||
					  v - s[1].irq_base < 8U);
			break;
		}
		KUNIT_ASSERT_TRUE(test, a.n <= 8 * (i + 1));
		for (c = 0; c < 2; c++) {
			hvx_pic_get_state(&pic, c, &s[c]);
			KUNIT_ASSERT_EQ(test, hvx_pic_set_state(&copy, c, &s[c]),
					0);
		}
	}
}

static struct kunit_case pic_modes_cases[] = {
	KUNIT_CASE(pic_special_fully_nested_mode),
	KUNIT_CASE(pic_special_mask_mode),
	KUNIT_CASE(pic_spurious_irq_7_and_15),
	KUNIT_CASE(pic_poll_mode),
	KUNIT_CASE(pic_read_irr_isr_imr),
	KUNIT_CASE(pic_icw1_drops_edge_requests),
	KUNIT_CASE(pic_state_round_trip),
	KUNIT_CASE(pic_set_state_refuses_bad_state),
	KUNIT_CASE(pic_bad_lines_and_ports),
	KUNIT_CASE(pic_random_guest_stays_sane),
	{}
};

static struct kunit_suite pic_modes_suite = {
	.name = "hvx_pic_modes",
	.test_cases = pic_modes_cases,
};

kunit_test_suite(pic_modes_suite);
