/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: what the 8259A pair's two suites share (pic_test.c, which
 * includes pic.c, and pic_modes_test.c): making a PIC, initialising it
 * as Linux does, and driving its lines and ports.
 */
#ifndef HVX_PIC_TEST_COMMON_H
#define HVX_PIC_TEST_COMMON_H

#include <kunit/test.h>
#include <linux/string.h>

#include "../../kmod/irq/pic.h"

#define MBASE	0x30	/* Linux's ISA_IRQ_VECTOR(0) on x86-64 */
#define SBASE	0x38

/* What the ack callback was told, in order. */
struct acks {
	unsigned int irq[32];
	unsigned int n;
};

static inline bool record_ack(void *opaque, unsigned int irq)
{
	struct acks *a = opaque;

	if (a->n < ARRAY_SIZE(a->irq))
		a->irq[a->n] = irq;
	a->n++;
	return false;
}

static inline void pic_new(struct hvx_pic *pic, struct acks *a)
{
	memset(pic, 0, sizeof(*pic));
	if (a) {
		memset(a, 0, sizeof(*a));
		pic->ack = record_ack;
		pic->opaque = a;
	}
	hvx_pic_reset(pic);
}

/*
 * init_8259A() of arch/x86/kernel/i8259.c: ICW1 0x11 (edge, cascade,
 * ICW4), the vector base, the cascade on IR2, ICW4 0x01 (8086 mode,
 * normal EOI); @icw4 lets a test ask for AEOI or SFNM.
 */
static inline void pic_init(struct hvx_pic *pic, u8 mbase, u8 sbase, u8 icw4)
{
	hvx_pic_write(pic, 0x20, 0x11);
	hvx_pic_write(pic, 0x21, mbase);
	hvx_pic_write(pic, 0x21, 1 << 2);
	hvx_pic_write(pic, 0x21, icw4);
	hvx_pic_write(pic, 0xa0, 0x11);
	hvx_pic_write(pic, 0xa1, sbase);
	hvx_pic_write(pic, 0xa1, 2);
	hvx_pic_write(pic, 0xa1, icw4);
}

/* A PIC as Linux leaves it, every line unmasked. */
static inline void pic_linux(struct hvx_pic *pic, struct acks *a)
{
	pic_new(pic, a);
	pic_init(pic, MBASE, SBASE, 0x01);
}

/* Raise and lower an edge line: one pulse. */
static inline void pulse(struct hvx_pic *pic, unsigned int irq)
{
	hvx_pic_set_irq(pic, irq, true);
	hvx_pic_set_irq(pic, irq, false);
}

static inline u8 read_isr(struct hvx_pic *pic, u16 cmd)
{
	hvx_pic_write(pic, cmd, 0x0b);
	return hvx_pic_read(pic, cmd);
}

static inline u8 read_irr(struct hvx_pic *pic, u16 cmd)
{
	hvx_pic_write(pic, cmd, 0x0a);
	return hvx_pic_read(pic, cmd);
}

/* One chip's state, as KVM_GET_IRQCHIP gives it. */
static inline struct kvm_pic_state state(struct hvx_pic *pic, unsigned int chip)
{
	struct kvm_pic_state s = {};

	hvx_pic_get_state(pic, chip, &s);
	return s;
}

#endif /* HVX_PIC_TEST_COMMON_H */
