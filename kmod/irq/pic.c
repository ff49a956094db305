// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's cascaded 8259A pair and its ELCR, as pure logic: what the
 * guest's port I/O, the interrupt lines, the CPU's interrupt acknowledge
 * and KVM_GET/SET_IRQCHIP do to the two chips' registers.
 *
 * The behaviour is that of Intel's 8259A datasheet (sections named below
 * by their titles) and of the 82371AB PIIX4 datasheet for ELCR1/ELCR2,
 * following KVM (arch/x86/kvm/i8259.c) where the datasheet leaves room.
 * Where hvx and KVM part, hvx follows the datasheet:
 *  - the poll command acknowledges like an INTA cycle, setting the ISR
 *    bit, and the poll word has bit 7 set when an IRQ was found (KVM
 *    clears the ISR bit instead and never sets bit 7);
 *  - ICW1 with SNGL set is followed by no ICW3 (KVM always waits for one);
 *  - special mask mode lets masked in-service levels stop blocking
 *    lower ones (KVM records the mode and ignores it);
 *  - @ack fires only for an ISR bit that was set, never for a specific
 *    EOI of a level that was not in service.
 * Not modelled: ICW1's LTIM (the PIIX ignores it: the ELCR decides), the
 * MCS-80 mode and buffered mode of ICW4, and the slave ID of ICW3 (the
 * board wires the slave to IR2 whatever the guest says).
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "pic.h"

#define PIC_MASTER_CMD		0x20
#define PIC_MASTER_DATA		0x21
#define PIC_SLAVE_CMD		0xa0
#define PIC_SLAVE_DATA		0xa1
#define PIC_ELCR1		0x4d0
#define PIC_ELCR2		0x4d1

/*
 * The command port tells its three kinds of write apart by D4 and D3
 * ("Initialization Command Words", "Operation Command Words").
 */
#define ICW1_IC4		BIT(0)	/* an ICW4 follows */
#define ICW1_SNGL		BIT(1)	/* single: no ICW3 follows */
#define ICW1_SEL		BIT(4)	/* D4 set: ICW1 */
#define OCW3_SEL		BIT(3)	/* D4 clear, D3 set: OCW3 */
#define OCW3_RIS		BIT(0)	/* read ISR (else IRR)... */
#define OCW3_RR			BIT(1)	/* ...if this is set */
#define OCW3_P			BIT(2)	/* poll */
#define OCW3_SMM		BIT(5)	/* special mask mode on (else off)... */
#define OCW3_ESMM		BIT(6)	/* ...if this is set */
#define ICW4_AEOI		BIT(1)
#define ICW4_SFNM		BIT(4)

/* OCW2's R, SL and EOI bits (D7-D5) name the command; L (D2-D0) a level. */
enum pic_ocw2 {
	OCW2_ROTATE_AEOI_CLEAR	= 0,
	OCW2_EOI		= 1,
	OCW2_NOP		= 2,
	OCW2_SPECIFIC_EOI	= 3,
	OCW2_ROTATE_AEOI_SET	= 4,
	OCW2_ROTATE_EOI		= 5,
	OCW2_SET_PRIORITY	= 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

#define POLL_WORD_INT		BIT(7)	/* the poll found an interrupt */
#define ICW2_BASE_MASK		0xf8	/* T7-T3; the chip fills in A2-A0 */
#define SPURIOUS_IRQ		7	/* the level a chip answers with alone */

static const u8 pic_elcr_mask[2] = {
	[HVX_PIC_MASTER] = HVX_PIC_ELCR_MASK_MASTER,
	[HVX_PIC_SLAVE] = HVX_PIC_ELCR_MASK_SLAVE,
};

static bool pic_is_master(const struct hvx_pic *pic,
			  const struct hvx_pic_chip *c)
{
	return c == &pic->chip[HVX_PIC_MASTER];
}

static int pic_set_line(struct hvx_pic_chip *c, unsigned int irq,
			bool level);

/*
 * Report that @irq of @c left service.  Level-triggered sources resample
 * their line on it; one that lowers it says so, and the input goes low
 * here, before the chip looks at its requests again (see struct hvx_pic).
 */
static void pic_notify_ack(struct hvx_pic *pic, struct hvx_pic_chip *c,
			   unsigned int irq)
{
	if (pic->ack &&
	    pic->ack(pic->opaque, pic_is_master(pic, c) ? irq : irq + 8))
		pic_set_line(c, irq, false);
}

/*
 * The priority of each level is its distance from priority_add, the
 * level that rotation last made highest ("Automatic Rotation"): 0 is the
 * highest, 7 the lowest.  Rotating the register right by priority_add
 * puts the levels in priority order, so its lowest set bit is the
 * highest priority in it.
 */
static unsigned int pic_rank(const struct hvx_pic_chip *c, unsigned int irq)
{
	return (irq - c->priority_add) & 7;
}

/* The level of highest priority set in @bits, or -1 if none is. */
static int pic_highest(const struct hvx_pic_chip *c, u8 bits)
{
	if (!bits)
		return -1;
	return (__ffs(ror8(bits, c->priority_add)) + c->priority_add) & 7;
}

/*
 * The in-service levels that hold back requests of lower priority
 * ("Fully Nested Mode").  In special mask mode a masked level no longer
 * does ("Special Mask Mode"); in special fully nested mode the master
 * lets the slave interrupt its own in-service IRQ, so that a slave IRQ
 * of higher priority gets through ("Special Fully Nested Mode").
 */
static u8 pic_blocking(const struct hvx_pic *pic, const struct hvx_pic_chip *c)
{
	u8 isr = c->isr;

	if (c->special_mask)
		isr &= ~c->imr;
	if (c->special_fully_nested_mode && pic_is_master(pic, c))
		isr &= ~BIT(HVX_PIC_CASCADE_IRQ);
	return isr;
}

/*
 * The level @c raises its INT output for, or -1: the unmasked request of
 * highest priority, if no level in service outranks or equals it.
 */
static int pic_request(const struct hvx_pic *pic, const struct hvx_pic_chip *c)
{
	int req = pic_highest(c, c->irr & ~c->imr);
	int cur;

	if (req < 0)
		return -1;
	cur = pic_highest(c, pic_blocking(pic, c));
	if (cur >= 0 && pic_rank(c, cur) <= pic_rank(c, req))
		return -1;
	return req;
}

/*
 * The slave's INT output drives the master's IR2, which is edge-triggered
 * (its ELCR bit cannot be set): while the slave requests, the master has
 * IR2 latched in its IRR.  Run after every change to either chip.  As on
 * the board, IRR bit 2 stays latched if the slave's request then goes
 * away (masked, or a level line lowered): the master's next INTA then
 * reaches a slave with nothing to give, which answers with its IR7
 * (spurious IRQ 15).
 */
static void pic_update(struct hvx_pic *pic)
{
	if (pic_request(pic, &pic->chip[HVX_PIC_SLAVE]) >= 0)
		pic->chip[HVX_PIC_MASTER].irr |= BIT(HVX_PIC_CASCADE_IRQ);
}

/* End the service of @irq, if it was in service ("End of Interrupt"). */
static void pic_eoi(struct hvx_pic *pic, struct hvx_pic_chip *c,
		    unsigned int irq)
{
	if (!(c->isr & BIT(irq)))
		return;
	c->isr &= ~BIT(irq);
	pic_notify_ack(pic, c, irq);
}

/*
 * One chip's part of the INTA cycle, or of a poll ("Interrupt
 * Sequence"): @irq goes in service.  An edge request is consumed with
 * it; a level request stays in the IRR for as long as the line is high,
 * so it comes back after the EOI unless the device has lowered it.
 */
static void pic_intack(struct hvx_pic *pic, struct hvx_pic_chip *c,
		       unsigned int irq)
{
	c->isr |= BIT(irq);
	if (!(c->elcr & BIT(irq)))
		c->irr &= ~BIT(irq);
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (irq + 1) & 7;
		pic_eoi(pic, c, irq);
	}
}

/**
 * hvx_pic_reset - put both chips in their power-on state
 * @pic: the PIC pair; @ack and @opaque are kept
 *
 * Everything is clear, as KVM_CREATE_IRQCHIP leaves it: all lines
 * edge-triggered, nothing masked, vector base 0, until the guest's ICWs.
 */
void hvx_pic_reset(struct hvx_pic *pic)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pic->chip); i++)
		pic->chip[i] = (struct hvx_pic_chip) {
			.elcr_mask = pic_elcr_mask[i],
		};
}

/*
 * A level-triggered line's request follows the line; an edge-triggered
 * line latches a request on a rising edge only ("Edge and Level
 * Triggered Modes"; the PIIX's ELCR chooses per line).  last_irr holds
 * the line's level either way, to see the next edge.  The IMR gates
 * delivery, not latching: a masked request waits in the IRR.
 */
static int pic_set_line(struct hvx_pic_chip *c, unsigned int irq, bool level)
{
	u8 bit = BIT(irq);
	int ret = 1;

	if (level) {
		if ((c->elcr & bit) || !(c->last_irr & bit)) {
			ret = !(c->irr & bit);
			c->irr |= bit;
		} else {
			ret = 0;	/* no edge: nothing new */
		}
		c->last_irr |= bit;
	} else {
		if (c->elcr & bit)
			c->irr &= ~bit;
		c->last_irr &= ~bit;
	}
	return (c->imr & bit) ? -1 : ret;
}

/**
 * hvx_pic_set_irq - drive an interrupt line
 * @pic: the PIC pair
 * @irq: 0-7 on the master, 8-15 on the slave
 * @level: the line's new level
 *
 * Return: what KVM_IRQ_LINE_STATUS reports: -1 if the line is masked
 * (its request still waits in the IRR); else, for a raise, 1 if it
 * latched a new request and 0 if the request was coalesced (one was
 * already pending, or an edge line was already high), and 1 for a
 * lowering.  -EINVAL for an @irq past 15.
 */
int hvx_pic_set_irq(struct hvx_pic *pic, unsigned int irq, bool level)
{
	int ret;

	if (irq >= HVX_PIC_NR_IRQS)
		return -EINVAL;
	ret = pic_set_line(&pic->chip[irq / 8], irq % 8, level);
	pic_update(pic);
	return ret;
}

/**
 * hvx_pic_output - the master's INT line to the CPU (LINT0 as ExtINT)
 * @pic: the PIC pair
 *
 * Return: whether an unmasked request outranks everything in service.
 */
bool hvx_pic_output(const struct hvx_pic *pic)
{
	return pic_request(pic, &pic->chip[HVX_PIC_MASTER]) >= 0;
}

/**
 * hvx_pic_acknowledge - the CPU's INTA cycle
 * @pic: the PIC pair
 *
 * The master takes its best request in service; if that is IR2, the
 * slave does the same with its own and supplies the vector ("Cascade
 * Mode").  A chip with nothing to give answers with its IR7 and sets no
 * ISR bit: the spurious IRQ 7 or 15 that guests know to ignore.
 *
 * Return: the vector, 0-255.
 */
int hvx_pic_acknowledge(struct hvx_pic *pic)
{
	struct hvx_pic_chip *master = &pic->chip[HVX_PIC_MASTER];
	struct hvx_pic_chip *slave = &pic->chip[HVX_PIC_SLAVE];
	int irq = pic_request(pic, master);
	int vector;

	if (irq < 0) {
		vector = master->irq_base + SPURIOUS_IRQ;
	} else {
		pic_intack(pic, master, irq);
		if (irq == HVX_PIC_CASCADE_IRQ) {
			irq = pic_request(pic, slave);
			if (irq >= 0)
				pic_intack(pic, slave, irq);
			else
				irq = SPURIOUS_IRQ;
			vector = slave->irq_base + irq;
		} else {
			vector = master->irq_base + irq;
		}
	}
	pic_update(pic);
	return vector;
}

/**
 * hvx_pic_handles_port - whether a port belongs to the PICs or the ELCR
 * @port: the I/O port
 *
 * Return: true for 0x20, 0x21, 0xa0, 0xa1, 0x4d0 and 0x4d1.
 */
bool hvx_pic_handles_port(u16 port)
{
	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
	case PIC_ELCR1:
	case PIC_ELCR2:
		return true;
	default:
		return false;
	}
}

/*
 * ICW1 starts the initialisation sequence ("Initialization Command
 * Words"): it resets edge sensing, clears the IMR, makes IR7 the lowest
 * priority, leaves special mask mode, selects the IRR for reads, and
 * clears ICW4's functions when no ICW4 follows.  Like KVM, it also drops
 * the edge requests waiting in the IRR, which the re-armed edge sensing
 * would no longer hold; their sources hear of it through @ack, so that
 * one that waits for its interrupt to be taken does not wait forever.
 */
static void pic_icw1(struct hvx_pic *pic, struct hvx_pic_chip *c, u8 val)
{
	u8 dropped = c->irr & ~c->elcr;
	unsigned int irq;

	c->last_irr = 0;
	c->irr &= c->elcr;
	c->imr = 0;
	c->priority_add = 0;
	c->special_mask = false;
	c->read_reg_select = false;
	c->poll = false;
	c->init4 = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	if (!c->init4) {
		c->auto_eoi = false;
		c->special_fully_nested_mode = false;
	}
	c->init_state = 1;
	for (irq = 0; irq < 8; irq++)
		if (dropped & BIT(irq))
			pic_notify_ack(pic, c, irq);
}

/* The data port: ICW2-ICW4 during initialisation, OCW1 (the IMR) after. */
static void pic_write_data(struct hvx_pic_chip *c, u8 val)
{
	switch (c->init_state) {
	case 1:		/* ICW2: the vector base */
		c->irq_base = val & ICW2_BASE_MASK;
		if (!c->single)
			c->init_state = 2;
		else
			c->init_state = c->init4 ? 3 : 0;
		break;
	case 2:		/* ICW3: the board fixes the cascade wiring */
		c->init_state = c->init4 ? 3 : 0;
		break;
	case 3:		/* ICW4 */
		c->special_fully_nested_mode = val & ICW4_SFNM;
		c->auto_eoi = val & ICW4_AEOI;
		c->init_state = 0;
		break;
	default:	/* OCW1 */
		c->imr = val;
		break;
	}
}

/* OCW2: EOIs and the priority rotations ("Operation Command Words"). */
static void pic_ocw2(struct hvx_pic *pic, struct hvx_pic_chip *c, u8 val)
{
	unsigned int cmd = val >> 5, level = val & 7;
	int irq;

	switch (cmd) {
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_on_auto_eoi = false;
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_auto_eoi = true;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		/*
		 * A non-specific EOI ends the in-service level of highest
		 * priority, the one the handler is for in fully nested
		 * mode.  In special mask mode it cannot see masked levels
		 * ("Special Mask Mode").
		 */
		irq = pic_highest(c, c->special_mask ? c->isr & ~c->imr :
						       c->isr);
		if (irq < 0)
			break;
		if (cmd == OCW2_ROTATE_EOI)
			c->priority_add = (irq + 1) & 7;
		pic_eoi(pic, c, irq);
		break;
	case OCW2_SPECIFIC_EOI:
		pic_eoi(pic, c, level);
		break;
	case OCW2_SET_PRIORITY:		/* @level becomes the lowest */
		c->priority_add = (level + 1) & 7;
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->priority_add = (level + 1) & 7;
		pic_eoi(pic, c, level);
		break;
	case OCW2_NOP:
		break;
	}
}

/* OCW3: what reads return, and special mask mode. */
static void pic_ocw3(struct hvx_pic_chip *c, u8 val)
{
	if (val & OCW3_P)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_reg_select = val & OCW3_RIS;
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
}

/* The chip at a command or data port; the caller checked the port. */
static struct hvx_pic_chip *pic_chip_at(struct hvx_pic *pic, u16 port)
{
	if (port == PIC_MASTER_CMD || port == PIC_MASTER_DATA)
		return &pic->chip[HVX_PIC_MASTER];
	return &pic->chip[HVX_PIC_SLAVE];
}

/**
 * hvx_pic_write - a guest's byte OUT to one of the PIC's ports
 * @pic: the PIC pair
 * @port: the port; one hvx_pic_handles_port() refuses is ignored
 * @val: the byte (the caller splits or refuses wider accesses)
 */
void hvx_pic_write(struct hvx_pic *pic, u16 port, u8 val)
{
	struct hvx_pic_chip *c;

	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_SLAVE_CMD:
		c = pic_chip_at(pic, port);
		if (val & ICW1_SEL)
			pic_icw1(pic, c, val);
		else if (val & OCW3_SEL)
			pic_ocw3(c, val);
		else
			pic_ocw2(pic, c, val);
		break;
	case PIC_MASTER_DATA:
	case PIC_SLAVE_DATA:
		pic_write_data(pic_chip_at(pic, port), val);
		break;
	case PIC_ELCR1:
	case PIC_ELCR2:
		c = &pic->chip[port & 1];
		c->elcr = val & c->elcr_mask;
		break;
	default:
		return;
	}
	pic_update(pic);
}

/*
 * After a poll command the next read of either port is an interrupt
 * acknowledge that returns a poll word instead of a vector ("Poll
 * Command"): bit 7 set and the level in bits 2-0 if an IRQ was taken,
 * zero if none was.  When the slave is polled, its INT output falls
 * without the master ever seeing an INTA, so the master drops the IR2
 * request it latched for it.
 */
static u8 pic_poll(struct hvx_pic *pic, struct hvx_pic_chip *c)
{
	int irq = pic_request(pic, c);

	c->poll = false;
	if (irq < 0)
		return 0;
	pic_intack(pic, c, irq);
	if (!pic_is_master(pic, c) && pic_request(pic, c) < 0)
		pic->chip[HVX_PIC_MASTER].irr &= ~BIT(HVX_PIC_CASCADE_IRQ);
	pic_update(pic);
	return POLL_WORD_INT | irq;
}

/**
 * hvx_pic_read - a guest's byte IN from one of the PIC's ports
 * @pic: the PIC pair
 * @port: the port
 *
 * Return: the byte ("Reading the 8259A Status"): the poll word after a
 * poll command; else the IRR or the ISR (as OCW3 chose) on a command
 * port, the IMR on a data port, the ELCR on 0x4d0-0x4d1; 0xff, as from
 * no device, on a port hvx_pic_handles_port() refuses.
 */
u8 hvx_pic_read(struct hvx_pic *pic, u16 port)
{
	struct hvx_pic_chip *c;

	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
		c = pic_chip_at(pic, port);
		if (c->poll)
			return pic_poll(pic, c);
		if (port & 1)
			return c->imr;
		return c->read_reg_select ? c->isr : c->irr;
	case PIC_ELCR1:
	case PIC_ELCR2:
		return pic->chip[port & 1].elcr;
	default:
		return 0xff;
	}
}

/**
 * hvx_pic_get_state - one chip's state, for KVM_GET_IRQCHIP
 * @pic: the PIC pair
 * @chip: HVX_PIC_MASTER or HVX_PIC_SLAVE
 * @s: filled in
 *
 * Return: 0, or -EINVAL for another @chip.
 */
int hvx_pic_get_state(const struct hvx_pic *pic, unsigned int chip,
		      struct kvm_pic_state *s)
{
	const struct hvx_pic_chip *c;

	if (chip >= ARRAY_SIZE(pic->chip))
		return -EINVAL;
	c = &pic->chip[chip];
	*s = (struct kvm_pic_state) {
		.last_irr = c->last_irr,
		.irr = c->irr,
		.imr = c->imr,
		.isr = c->isr,
		.priority_add = c->priority_add,
		.irq_base = c->irq_base,
		.read_reg_select = c->read_reg_select,
		.poll = c->poll,
		.special_mask = c->special_mask,
		.init_state = c->init_state,
		.auto_eoi = c->auto_eoi,
		.rotate_on_auto_eoi = c->rotate_on_auto_eoi,
		.special_fully_nested_mode = c->special_fully_nested_mode,
		.init4 = c->init4,
		.elcr = c->elcr,
		.elcr_mask = c->elcr_mask,
	};
	return 0;
}

/*
 * Whether @s is a state a chip can be in.  KVM copies the struct as is;
 * hvx refuses what no sequence of writes could produce: a priority_add
 * past 7, a vector base that is not a multiple of 8 (the vector would
 * pass 255), init_state past 3, a flag other than 0 or 1, and ELCR bits
 * the board does not let be set.
 */
static bool pic_state_valid(const struct kvm_pic_state *s, u8 elcr_mask)
{
	return s->priority_add <= 7 &&
	       !(s->irq_base & ~ICW2_BASE_MASK) &&
	       s->init_state <= 3 &&
	       s->read_reg_select <= 1 &&
	       s->poll <= 1 &&
	       s->special_mask <= 1 &&
	       s->auto_eoi <= 1 &&
	       s->rotate_on_auto_eoi <= 1 &&
	       s->special_fully_nested_mode <= 1 &&
	       s->init4 <= 1 &&
	       !(s->elcr & ~elcr_mask);
}

/**
 * hvx_pic_set_state - load one chip's state, for KVM_SET_IRQCHIP
 * @pic: the PIC pair
 * @chip: HVX_PIC_MASTER or HVX_PIC_SLAVE
 * @s: the state, from userspace, so untrusted
 *
 * Nothing is changed if @s is refused (see pic_state_valid()).
 * @s->elcr_mask is ignored: it describes the board, which the VMM does
 * not rewire.  A state in the middle of initialisation resumes it as a
 * cascaded chip, since struct kvm_pic_state has no room for ICW1's SNGL.
 *
 * Return: 0, or -EINVAL.
 */
int hvx_pic_set_state(struct hvx_pic *pic, unsigned int chip,
		      const struct kvm_pic_state *s)
{
	struct hvx_pic_chip *c;

	if (chip >= ARRAY_SIZE(pic->chip) ||
	    !pic_state_valid(s, pic_elcr_mask[chip]))
		return -EINVAL;
	c = &pic->chip[chip];
	*c = (struct hvx_pic_chip) {
		.last_irr = s->last_irr,
		.irr = s->irr,
		.imr = s->imr,
		.isr = s->isr,
		.priority_add = s->priority_add,
		.irq_base = s->irq_base,
		.read_reg_select = s->read_reg_select,
		.poll = s->poll,
		.special_mask = s->special_mask,
		.init_state = s->init_state,
		.auto_eoi = s->auto_eoi,
		.rotate_on_auto_eoi = s->rotate_on_auto_eoi,
		.special_fully_nested_mode = s->special_fully_nested_mode,
		.init4 = s->init4,
		.elcr = s->elcr,
		.elcr_mask = pic_elcr_mask[chip],
	};
	pic_update(pic);
	return 0;
}
