/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's two cascaded 8259A programmable interrupt controllers and the
 * PIIX's edge/level control registers (ELCR), as KVM_CREATE_IRQCHIP
 * gives them to a guest: the master at ports 0x20-0x21 takes IRQs 0-7,
 * the slave at 0xa0-0xa1 takes IRQs 8-15 and drives the master's IR2,
 * and ELCR1/ELCR2 at 0x4d0/0x4d1 make single lines level-triggered.
 *
 * Pure logic: no locks, no timers, no vCPUs.  Locking contract: the
 * caller holds the VM's irq lock around every call, and reads
 * hvx_pic_output() after any call that may change it (all of them but
 * the reads of state) to decide whether to kick the vCPU that takes
 * ExtINT interrupts.
 */
#ifndef HVX_IRQ_PIC_H
#define HVX_IRQ_PIC_H

#include <linux/kvm.h>
#include <linux/types.h>

#define HVX_PIC_MASTER		0
#define HVX_PIC_SLAVE		1
#define HVX_PIC_NR_IRQS		16

/* The master's input the slave's INT output is wired to. */
#define HVX_PIC_CASCADE_IRQ	2

/*
 * The ELCR bits that can be set: IRQ 0 (timer), 1 (keyboard), 2
 * (cascade), 8 (RTC) and 13 (FPU error) are edge-triggered on the board,
 * whatever the guest writes.
 */
#define HVX_PIC_ELCR_MASK_MASTER	0xf8
#define HVX_PIC_ELCR_MASK_SLAVE		0xde

/*
 * One 8259A.  The fields are those of struct kvm_pic_state, so that
 * KVM_GET/SET_IRQCHIP carry them one for one; @single is the one bit of
 * state the 8259A keeps and KVM's struct has no room for.
 */
struct hvx_pic_chip {
	u8 last_irr;		/* the input lines' levels, for edge detection */
	u8 irr;			/* interrupt request register */
	u8 imr;			/* interrupt mask register */
	u8 isr;			/* in-service register */
	u8 priority_add;	/* 0-7: the IRQ that has the highest priority */
	u8 irq_base;		/* ICW2: vector of IR0, a multiple of 8 */
	bool read_reg_select;	/* OCW3 RIS: even-port reads give ISR */
	bool poll;		/* OCW3 P: the next read is a poll */
	bool special_mask;	/* OCW3 SMM */
	u8 init_state;		/* 0 ready; 1, 2, 3: ICW2, ICW3, ICW4 next */
	bool auto_eoi;		/* ICW4 AEOI */
	bool rotate_on_auto_eoi;
	bool special_fully_nested_mode;	/* ICW4 SFNM */
	bool init4;		/* ICW1 IC4: an ICW4 follows */
	bool single;		/* ICW1 SNGL: no ICW3 follows */
	u8 elcr;		/* PIIX ELCR: 1 = level-triggered */
	u8 elcr_mask;		/* the ELCR bits the board lets be set */
};

/**
 * struct hvx_pic - the master and slave 8259A of a PC
 * @chip: HVX_PIC_MASTER and HVX_PIC_SLAVE
 * @ack: optional; called with IRQ 0-15 whenever an IRQ leaves service
 *	through an EOI (specific, non-specific, rotating or automatic), and
 *	for an edge request that ICW1 discards, so that a source waiting
 *	for its interrupt to be taken (a level line's resampler, a timer
 *	that reinjects ticks) learns of it.  It runs inside the call, with
 *	the caller's lock held and the PIC halfway through an update: it
 *	must not call back into this PIC; it records what it must do and
 *	the caller acts once the call has returned.  It returns true when
 *	the IRQ's line is now low (a resampler took its level away): the
 *	PIC lowers its input at once, before it looks at its requests
 *	again, so that a level request the EOI ended is not taken twice.
 * @opaque: passed to @ack
 */
struct hvx_pic {
	struct hvx_pic_chip chip[2];
	bool (*ack)(void *opaque, unsigned int irq);
	void *opaque;
};

void hvx_pic_reset(struct hvx_pic *pic);
int hvx_pic_set_irq(struct hvx_pic *pic, unsigned int irq, bool level);
bool hvx_pic_output(const struct hvx_pic *pic);
int hvx_pic_acknowledge(struct hvx_pic *pic);
bool hvx_pic_handles_port(u16 port);
void hvx_pic_write(struct hvx_pic *pic, u16 port, u8 val);
u8 hvx_pic_read(struct hvx_pic *pic, u16 port);
int hvx_pic_get_state(const struct hvx_pic *pic, unsigned int chip,
		      struct kvm_pic_state *s);
int hvx_pic_set_state(struct hvx_pic *pic, unsigned int chip,
		      const struct kvm_pic_state *s);

#endif /* HVX_IRQ_PIC_H */
