// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 8259A pair and its ELCR, driven through port writes, lines
 * and INTA cycles as a guest and its devices would drive them:
 * initialisation, edge and level requests, the IMR, priority, EOI,
 * rotation, the ELCR and the cascade.  The special modes, the read
 * registers, KVM_GET/SET_IRQCHIP's PIC state and bad input have their
 * own suite, pic_modes_test.c.
 */
#include <kunit/test.h>

#include "../../kmod/irq/pic.c"
#include "pic_test_common.h"

static void pic_linux_initialisation(struct kunit *test)
{
	struct hvx_pic pic;

	/* Power-on, as KVM_CREATE_IRQCHIP leaves it: all clear. */
	pic_new(&pic, NULL);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).irq_base, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).elcr_mask, 0xf8);
	KUNIT_EXPECT_EQ(test, state(&pic, 1).elcr_mask, 0xde);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));

	hvx_pic_write(&pic, 0x21, 0xff);	/* Linux masks all first */
	hvx_pic_write(&pic, 0x20, 0x11);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 1);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).imr, 0);	/* ICW1 clears it */
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init4, 1);
	hvx_pic_write(&pic, 0x21, 0x20);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 2);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).irq_base, 0x20);
	hvx_pic_write(&pic, 0x21, 0x04);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 3);
	hvx_pic_write(&pic, 0x21, 0x01);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).auto_eoi, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).special_fully_nested_mode, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).imr, 0);
	/* Initialised, the data port is the IMR again. */
	hvx_pic_write(&pic, 0x21, 0xfb);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x21), 0xfb);

	/* The x86-64 bases, as Linux programs them; the slave likewise. */
	pic_init(&pic, MBASE, SBASE, 0x01);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).irq_base, MBASE);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 1).irq_base, SBASE);
	KUNIT_EXPECT_EQ(test, state(&pic, 1).init_state, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 1).init4, 1);

	/* ICW2's low three bits are the chip's, not the base's. */
	hvx_pic_write(&pic, 0x20, 0x11);
	hvx_pic_write(&pic, 0x21, 0x47);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).irq_base, 0x40);
}

static void pic_icw_sequence_variants(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	/* AEOI and SFNM from an ICW4... */
	pic_init(&pic, MBASE, SBASE, 0x13);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).auto_eoi, 1);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).special_fully_nested_mode, 1);
	/* ...are cleared by an ICW1 without IC4, which takes no ICW4. */
	hvx_pic_write(&pic, 0x20, 0x10);
	hvx_pic_write(&pic, 0x21, 0x50);
	hvx_pic_write(&pic, 0x21, 0x04);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).irq_base, 0x50);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).auto_eoi, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).special_fully_nested_mode, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init4, 0);
	hvx_pic_write(&pic, 0x21, 0x5a);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x21), 0x5a);

	/* Single mode: no ICW3, so ICW4 follows ICW2. */
	hvx_pic_write(&pic, 0x20, 0x13);
	hvx_pic_write(&pic, 0x21, 0x60);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 3);
	hvx_pic_write(&pic, 0x21, 0x03);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).auto_eoi, 1);
	/* Single mode without ICW4: ICW2 ends the sequence. */
	hvx_pic_write(&pic, 0x20, 0x12);
	hvx_pic_write(&pic, 0x21, 0x68);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).init_state, 0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).irq_base, 0x68);
}

static void pic_edge_line_delivered_once(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 4, true), 1);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	/* Held high: no new edge, nothing new to deliver. */
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 4, true), 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 4);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(4));
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), 0);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* Still high after the INTA: still no second interrupt. */
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 4, true), 0);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));

	/* Two edges before the INTA coalesce into one interrupt. */
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 4, false), 1);
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 4, true), 1);
	hvx_pic_set_irq(&pic, 4, false);
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 4, true), 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 4);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* A pulse shorter than the CPU's reaction is still delivered. */
	pulse(&pic, 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE);
}

static void pic_imr_masks_delivery_not_the_request(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	hvx_pic_write(&pic, 0x21, BIT(3));
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 3, true), -1);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), BIT(3));
	/* The INTA of a masked request finds nothing: spurious IRQ 7. */
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 7);
	/* Unmasked, the waiting request is delivered. */
	hvx_pic_write(&pic, 0x21, 0);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	/* Lowering a masked line reports masked too. */
	hvx_pic_write(&pic, 0x21, BIT(3));
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 3, false), -1);
}

static void pic_priority_between_lines(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	hvx_pic_set_irq(&pic, 5, true);
	hvx_pic_set_irq(&pic, 3, true);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	/* 5 ranks below 3, which is in service. */
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 5);
}

static void pic_nested_interrupts(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	pulse(&pic, 5);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 5);
	/* A higher priority interrupts the handler of 5... */
	pulse(&pic, 1);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 1);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(1) | BIT(5));
	/* ...a lower one does not, and neither does 1 again. */
	hvx_pic_set_irq(&pic, 6, true);
	pulse(&pic, 1);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* The non-specific EOI ends the innermost, 1... */
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(5));
	KUNIT_ASSERT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, a.irq[0], 1U);
	/* ...which lets the second pulse of 1 in, above 5. */
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 1);
	hvx_pic_write(&pic, 0x20, 0x20);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 6);
}

static void pic_specific_eoi(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	hvx_pic_set_irq(&pic, 5, true);
	hvx_pic_acknowledge(&pic);
	hvx_pic_set_irq(&pic, 1, true);
	hvx_pic_acknowledge(&pic);
	/* Specific EOI of the outer level leaves the inner in service. */
	hvx_pic_write(&pic, 0x20, 0x60 | 5);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(1));
	KUNIT_ASSERT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, a.irq[0], 5U);
	/* An EOI for a level not in service changes and reports nothing. */
	hvx_pic_write(&pic, 0x20, 0x60 | 3);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(1));
	KUNIT_EXPECT_EQ(test, a.n, 1U);
	hvx_pic_write(&pic, 0x20, 0x60 | 1);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), 0);
	KUNIT_EXPECT_EQ(test, a.irq[1], 1U);
	/* A non-specific EOI with nothing in service does nothing. */
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, a.n, 2U);
}

static void pic_auto_eoi(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_new(&pic, &a);
	pic_init(&pic, MBASE, SBASE, 0x03);
	hvx_pic_set_irq(&pic, 3, true);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	/* The EOI came with the INTA: nothing in service, ack reported. */
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), 0);
	KUNIT_ASSERT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, a.irq[0], 3U);
	/* So the same level can come in again at once. */
	hvx_pic_set_irq(&pic, 3, false);
	hvx_pic_set_irq(&pic, 3, true);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
}

static void pic_rotate_on_auto_eoi(struct kunit *test)
{
	struct hvx_pic pic;

	pic_new(&pic, NULL);
	pic_init(&pic, MBASE, SBASE, 0x03);
	hvx_pic_write(&pic, 0x20, 0x80);	/* rotate in AEOI: set */
	pulse(&pic, 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).priority_add, 1);
	/* 0 is now the lowest priority: 7 goes first. */
	pulse(&pic, 0);
	pulse(&pic, 7);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 7);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE);
	/* Clear: AEOI no longer rotates. */
	hvx_pic_write(&pic, 0x20, 0x00);
	pulse(&pic, 4);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).priority_add, 1);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 4);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).priority_add, 1);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).rotate_on_auto_eoi, 0);
}

static void pic_rotation(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	/* Rotate on non-specific EOI: the level served becomes lowest. */
	pulse(&pic, 3);
	hvx_pic_acknowledge(&pic);
	hvx_pic_write(&pic, 0x20, 0xa0);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).priority_add, 4);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).isr, 0);
	KUNIT_EXPECT_EQ(test, a.irq[0], 3U);
	pulse(&pic, 0);
	pulse(&pic, 3);
	pulse(&pic, 4);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 4);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 0);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	hvx_pic_write(&pic, 0x20, 0x20);

	/* Set priority: 6 lowest, so 7 highest. */
	hvx_pic_write(&pic, 0x20, 0xc0 | 6);
	pulse(&pic, 6);
	pulse(&pic, 0);
	pulse(&pic, 7);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 7);
	/* In service, 7 now blocks everything. */
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* Rotate on specific EOI: end 7 and make 2 the lowest. */
	hvx_pic_write(&pic, 0x20, 0xe0 | 7);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), 0);
	hvx_pic_write(&pic, 0x20, 0xe0 | 2);
	KUNIT_EXPECT_EQ(test, state(&pic, 0).priority_add, 3);
	/* Order 3..7, 0..2: 6 before 0. */
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 6);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 0);
	/* OCW2's no-operation changes nothing. */
	hvx_pic_write(&pic, 0x20, 0x40);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(0));
}

static void pic_level_line_until_lowered(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	hvx_pic_write(&pic, 0x4d0, BIT(3));
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x4d0), BIT(3));
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 3, true), 1);
	/* Raising a level line that is already requesting: coalesced. */
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 3, true), 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	/* The request stays while the line is high, held back by ISR. */
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), BIT(3));
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* EOI while still high: reported, and the interrupt comes back. */
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_ASSERT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, a.irq[0], 3U);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	/* Lowered: the request goes, and after the EOI nothing comes. */
	hvx_pic_set_irq(&pic, 3, false);
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), 0);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* Lowered before the INTA: the CPU finds nothing. */
	hvx_pic_set_irq(&pic, 3, true);
	hvx_pic_set_irq(&pic, 3, false);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 7);
}

static void pic_elcr_bits_the_board_fixes(struct kunit *test)
{
	struct hvx_pic pic;

	pic_linux(&pic, NULL);
	hvx_pic_write(&pic, 0x4d0, 0xff);
	hvx_pic_write(&pic, 0x4d1, 0xff);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x4d0), 0xf8);
	KUNIT_EXPECT_EQ(test, hvx_pic_read(&pic, 0x4d1), 0xde);
	/* IRQ 0 stays edge: a held line is delivered once. */
	hvx_pic_set_irq(&pic, 0, true);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* IRQ 8 (the RTC) too. */
	hvx_pic_set_irq(&pic, 8, true);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE);
	hvx_pic_write(&pic, 0xa0, 0x20);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* IRQ 9 is level: still there after the EOIs. */
	hvx_pic_set_irq(&pic, 9, true);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 1);
	hvx_pic_write(&pic, 0xa0, 0x20);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
}

static void pic_cascade(struct kunit *test)
{
	struct hvx_pic pic;
	struct acks a;

	pic_linux(&pic, &a);
	KUNIT_EXPECT_EQ(test, hvx_pic_set_irq(&pic, 10, true), 1);
	KUNIT_EXPECT_TRUE(test, hvx_pic_output(&pic));
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), BIT(2));
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 2);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0x20), BIT(2));
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0xa0), BIT(2));
	KUNIT_EXPECT_EQ(test, read_irr(&pic, 0x20), 0);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	/* Linux's order: EOI the slave, then the master's cascade. */
	hvx_pic_write(&pic, 0xa0, 0x60 | 2);
	hvx_pic_write(&pic, 0x20, 0x60 | 2);
	KUNIT_ASSERT_EQ(test, a.n, 2U);
	KUNIT_EXPECT_EQ(test, a.irq[0], 10U);
	KUNIT_EXPECT_EQ(test, a.irq[1], 2U);

	/* The slave ranks at IR2 of the master: above 3, below 1. */
	pulse(&pic, 3);
	pulse(&pic, 12);
	pulse(&pic, 1);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 1);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 4);
	hvx_pic_write(&pic, 0xa0, 0x20);
	hvx_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), MBASE + 3);
	hvx_pic_write(&pic, 0x20, 0x20);

	/* Masking IR2 on the master holds back the whole slave. */
	hvx_pic_write(&pic, 0x21, BIT(2));
	pulse(&pic, 15);
	KUNIT_EXPECT_FALSE(test, hvx_pic_output(&pic));
	hvx_pic_write(&pic, 0x21, 0);
	KUNIT_EXPECT_EQ(test, hvx_pic_acknowledge(&pic), SBASE + 7);
	KUNIT_EXPECT_EQ(test, read_isr(&pic, 0xa0), BIT(7));
}

static struct kunit_case pic_cases[] = {
	KUNIT_CASE(pic_linux_initialisation),
	KUNIT_CASE(pic_icw_sequence_variants),
	KUNIT_CASE(pic_edge_line_delivered_once),
	KUNIT_CASE(pic_imr_masks_delivery_not_the_request),
	KUNIT_CASE(pic_priority_between_lines),
	KUNIT_CASE(pic_nested_interrupts),
	KUNIT_CASE(pic_specific_eoi),
	KUNIT_CASE(pic_auto_eoi),
	KUNIT_CASE(pic_rotate_on_auto_eoi),
	KUNIT_CASE(pic_rotation),
	KUNIT_CASE(pic_level_line_until_lowered),
	KUNIT_CASE(pic_elcr_bits_the_board_fixes),
	KUNIT_CASE(pic_cascade),
	{}
};

static struct kunit_suite pic_suite = {
	.name = "hvx_pic",
	.test_cases = pic_cases,
};

kunit_test_suite(pic_suite);
