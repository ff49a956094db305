// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC, after Intel's "82093AA I/O Advanced Programmable Interrupt
 * Controller (IOAPIC)" datasheet (version 0x11, 24 redirection entries),
 * as KVM's in-kernel IOAPIC presents it to a guest.  Pure logic: see
 * ioapic.h for the locking and callback contract.
 *
 * The MMIO window, as decided here (KVM's choices, which guests see):
 * - Only an access that starts at IOREGSEL (0x00) or IOWIN (0x10) reaches
 *   a register; anything else in the window reads as 0 and ignores writes.
 *   This version has no EOI register at 0x40 (that came with 0x20).
 * - A read of n bytes (1 to 8) returns the first n bytes of the 32-bit
 *   register, zero-extended past 4 (KVM: the same for 1, 2, 4 and 8).
 * - A write of 4 or 8 bytes writes the low 32 bits; a narrower write is
 *   zero-extended to 32 bits and replaces the whole register (the datasheet
 *   asks for 32-bit accesses; merging bytes would be a guess).  IOREGSEL
 *   keeps 8 bits.
 *
 * The input pins: the VMM's level is the asserted state, whatever the
 * entry's polarity bit says (KVM does the same; the VMM models the wire).
 */
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/string.h>

#include "ioapic.h"

/* The two registers of the MMIO window, by offset. */
#define IOREGSEL	0x00
#define IOWIN		0x10

/* Behind IOWIN, by IOREGSEL (datasheet "Register Description"). */
#define REG_ID		0x00
#define REG_VERSION	0x01
#define REG_ARB		0x02
#define REG_REDIR	0x10	/* 0x10 + 2n: entry n bits 31:0, +1: 63:32 */
#define REG_REDIR_END	(REG_REDIR + 2 * HVX_IOAPIC_PINS)

#define IOAPIC_VERSION	0x11
#define IOAPIC_ID_MASK	0xf	/* IOAPICID bits 27:24 */
#define ALL_PINS	GENMASK(HVX_IOAPIC_PINS - 1, 0)

/* A redirection entry (datasheet "I/O Redirection Table Registers"). */
#define RTE_VECTOR		GENMASK_ULL(7, 0)
#define RTE_DELIVERY_MODE	GENMASK_ULL(10, 8)
#define RTE_DEST_LOGICAL	BIT_ULL(11)
#define RTE_DELIVERY_STATUS	BIT_ULL(12)	/* read-only */
#define RTE_POLARITY		BIT_ULL(13)
#define RTE_REMOTE_IRR		BIT_ULL(14)	/* read-only */
#define RTE_LEVEL		BIT_ULL(15)
#define RTE_MASK		BIT_ULL(16)
#define RTE_DEST		GENMASK_ULL(63, 56)
#define RTE_READ_ONLY		(RTE_DELIVERY_STATUS | RTE_REMOTE_IRR)

/**
 * hvx_ioapic_decode - the interrupt a redirection entry sends
 * @entry: the 64-bit entry
 * @irq: filled in
 *
 * Bits 55:17 are reserved (Linux puts extended destination bits at
 * 55:49 only when the hypervisor offers KVM_FEATURE_MSI_EXT_DEST_ID,
 * which hvx does not: its APIC IDs fit in 8 bits) and are not read.
 */
void hvx_ioapic_decode(u64 entry, struct hvx_irq *irq)
{
	*irq = (struct hvx_irq) {
		.vector = FIELD_GET(RTE_VECTOR, entry),
		.delivery_mode = FIELD_GET(RTE_DELIVERY_MODE, entry),
		.dest_id = FIELD_GET(RTE_DEST, entry),
		.dest_logical = !!(entry & RTE_DEST_LOGICAL),
		.level = !!(entry & RTE_LEVEL),
		.assert = true,
		.shorthand = HVX_SH_NONE,
	};
}

/*
 * Send @pin's interrupt if its entry lets it go: unmasked and, when
 * level-triggered, not still waiting for the EOI of the last one (remote
 * IRR).  Remote IRR is set only when a local APIC took the interrupt: one
 * that reached none will never be EOI'd, and must not block the pin
 * (KVM sets it also when no APIC matched, until some EOI of that vector).
 *
 * Return: > 0 the number of local APICs that accepted it; 0 when it was
 * coalesced (the APICs already had it pending); -1 when masked, waiting
 * for the EOI (remote IRR: KVM's status, which VMMs read as "not
 * delivered"), or no local APIC was addressed.
 */
static int ioapic_service(struct hvx_ioapic *io, unsigned int pin)
{
	u64 entry = io->redir[pin];
	struct hvx_irq irq;
	int n;

	if (entry & RTE_MASK)
		return -1;
	if ((entry & RTE_LEVEL) && (entry & RTE_REMOTE_IRR))
		return -1;

	hvx_ioapic_decode(entry, &irq);
	/* Whatever the APICs answer, this rising edge is spent. */
	if (!(entry & RTE_LEVEL))
		io->edge_delivered |= BIT(pin);
	n = io->ops->deliver(io->opaque, &irq);
	if (n > 0 && (entry & RTE_LEVEL))
		io->redir[pin] |= RTE_REMOTE_IRR;
	return n < 0 ? -1 : n;
}

/**
 * hvx_ioapic_set_irq - the VMM (or a device) sets the level of one pin
 * @io: the IOAPIC
 * @pin: 0 to 23
 * @level: asserted
 *
 * An edge-triggered pin sends once per rising edge: asserting a pin that
 * is asserted already changes nothing, and an edge that arrives while the
 * entry is masked is lost (datasheet "Interrupt Mask").  A level-triggered
 * pin sends whenever it is asserted, unmasked and not waiting for an EOI;
 * otherwise the level is kept, and unmasking the entry or the EOI sends it.
 *
 * Return: the status KVM_IRQ_LINE_STATUS reports: > 0 delivered (to that
 * many local APICs), also for a de-assert, which loses nothing; 0
 * coalesced (no rising edge, or already pending in the APICs); -1
 * masked, remote IRR set, or not delivered; -EINVAL for a bad @pin.
 */
int hvx_ioapic_set_irq(struct hvx_ioapic *io, unsigned int pin, bool level)
{
	u32 bit;

	if (pin >= HVX_IOAPIC_PINS)
		return -EINVAL;
	pin = array_index_nospec(pin, HVX_IOAPIC_PINS);
	bit = BIT(pin);

	if (!level) {
		io->irr &= ~bit;
		io->edge_delivered &= ~bit;
		return 1;
	}
	if (!(io->redir[pin] & RTE_LEVEL) && (io->irr & bit))
		return 0;
	io->irr |= bit;
	return ioapic_service(io, pin);
}

/*
 * After the EOI of @pin's vector: send again if the line is still
 * asserted, unless it has been so too many times in a row (see
 * HVX_IOAPIC_STORM_LIMIT).  Return: the pin is held for later.
 */
static bool ioapic_eoi_resend(struct hvx_ioapic *io, unsigned int pin)
{
	u64 entry = io->redir[pin];

	/* The ack callback may have raised the line and sent it already. */
	if (entry & RTE_REMOTE_IRR)
		return false;
	if (!(io->irr & BIT(pin)) || (entry & RTE_MASK)) {
		io->eoi_redeliveries[pin] = 0;
		return false;
	}
	if (++io->eoi_redeliveries[pin] >= HVX_IOAPIC_STORM_LIMIT) {
		io->eoi_redeliveries[pin] = 0;
		io->held |= BIT(pin);
		return true;
	}
	ioapic_service(io, pin);
	return false;
}

/**
 * hvx_ioapic_eoi - a local APIC broadcasts the EOI of @vector
 * @io: the IOAPIC
 * @vector: the vector the guest EOI'd
 *
 * The caller calls this for the EOIs a local APIC broadcasts: of a vector
 * whose TMR bit was set (level-triggered), unless the guest suppressed the
 * broadcast (SDM "EOI Register").  Every level-triggered entry with that
 * vector ends its wait: remote IRR is cleared, ack() is called for the
 * pin, and the interrupt goes again if the line is still asserted.
 *
 * Return: true when the storm guard held a pin back: the caller then
 * calls hvx_ioapic_redeliver() about HVX_IOAPIC_STORM_DELAY_NS later.
 */
bool hvx_ioapic_eoi(struct hvx_ioapic *io, u8 vector)
{
	bool later = false;
	unsigned int pin;

	for (pin = 0; pin < HVX_IOAPIC_PINS; pin++) {
		u64 entry = io->redir[pin];

		if (FIELD_GET(RTE_VECTOR, entry) != vector ||
		    !(entry & RTE_LEVEL))
			continue;
		/*
		 * Clear remote IRR before ack(): a line that ack() raises
		 * is then sent at once, one it lowers is not sent again.
		 */
		io->redir[pin] &= ~RTE_REMOTE_IRR;
		if (io->ops->ack)
			io->ops->ack(io->opaque, pin);
		later |= ioapic_eoi_resend(io, pin);
	}
	return later;
}

/**
 * hvx_ioapic_redeliver - send the pins the storm guard held back
 * @io: the IOAPIC
 *
 * Those whose line is still asserted go now (if still unmasked and not
 * sent meanwhile).  Calling it with nothing held does nothing.
 */
void hvx_ioapic_redeliver(struct hvx_ioapic *io)
{
	unsigned long held = io->held;
	unsigned int pin;

	io->held = 0;
	for_each_set_bit(pin, &held, HVX_IOAPIC_PINS)
		if ((io->redir[pin] & RTE_LEVEL) && (io->irr & BIT(pin)))
			ioapic_service(io, pin);
}

/* The register IOREGSEL selects, as IOWIN reads it. */
static u32 ioapic_read_reg(const struct hvx_ioapic *io)
{
	u32 sel = io->ioregsel;
	unsigned int pin;
	u64 entry;

	/*
	 * The arbitration ID is loaded from the ID (datasheet "IOAPICARB");
	 * with no APIC bus to arbitrate on, it stays equal to it.
	 */
	switch (sel) {
	case REG_ID:
	case REG_ARB:
		return io->id << 24;
	case REG_VERSION:
		/* Bits 23:16: the highest entry; bits 7:0: the version. */
		return (HVX_IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	}
	/* Registers 0x03-0x0f are reserved; past the table nothing is. */
	if (sel < REG_REDIR || sel >= REG_REDIR_END)
		return ~0U;
	pin = array_index_nospec((sel - REG_REDIR) / 2, HVX_IOAPIC_PINS);
	entry = io->redir[pin];
	return sel & 1 ? upper_32_bits(entry) : lower_32_bits(entry);
}

/* The register IOREGSEL selects, as IOWIN writes it. */
static void ioapic_write_reg(struct hvx_ioapic *io, u32 val)
{
	u32 sel = io->ioregsel;
	unsigned int pin;
	u64 old, entry;

	if (sel == REG_ID) {
		io->id = (val >> 24) & IOAPIC_ID_MASK;
		return;
	}
	/* The version and arbitration registers are read-only. */
	if (sel < REG_REDIR || sel >= REG_REDIR_END)
		return;

	pin = array_index_nospec((sel - REG_REDIR) / 2, HVX_IOAPIC_PINS);
	old = io->redir[pin];
	if (sel & 1)
		entry = (old & GENMASK_ULL(31, 0)) | (u64)val << 32;
	else
		entry = (old & GENMASK_ULL(63, 32)) | val;
	entry = (entry & ~RTE_READ_ONLY) | (old & RTE_READ_ONLY);
	/*
	 * Switching an entry to edge clears remote IRR: IOAPICs without an
	 * EOI register end a level interrupt that way, and Linux relies on it
	 * (io_apic.c, __eoi_ioapic_pin).
	 */
	if (!(entry & RTE_LEVEL))
		entry &= ~RTE_REMOTE_IRR;
	io->redir[pin] = entry;

	/* Unmasked (or reprogrammed) with the line asserted: send it now. */
	if ((entry & RTE_LEVEL) && (io->irr & BIT(pin)))
		ioapic_service(io, pin);
}

/**
 * hvx_ioapic_in_window - does this access fall in the IOAPIC's window?
 * @io: the IOAPIC
 * @gpa: the access's guest-physical address
 * @len: its size in bytes
 *
 * Return: true when all of [@gpa, @gpa + @len) lies in the window.
 */
bool hvx_ioapic_in_window(const struct hvx_ioapic *io, u64 gpa,
			  unsigned int len)
{
	u64 off = gpa - io->base;

	return gpa >= io->base && len && off < HVX_IOAPIC_MMIO_SIZE &&
	       len <= HVX_IOAPIC_MMIO_SIZE - off;
}

static int ioapic_check_access(const struct hvx_ioapic *io, u64 gpa,
			       unsigned int len)
{
	if (!len || len > 8)
		return -EINVAL;
	if (!hvx_ioapic_in_window(io, gpa, len))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * hvx_ioapic_mmio_read - a guest read in the window
 * @io: the IOAPIC
 * @gpa: the address
 * @len: 1 to 8 bytes
 * @val: @len bytes, filled in
 *
 * Return: 0; -EOPNOTSUPP when the access is not (all) in the window,
 * -EINVAL for a size of 0 or more than 8 (@val is then untouched).
 */
int hvx_ioapic_mmio_read(struct hvx_ioapic *io, u64 gpa, unsigned int len,
			 void *val)
{
	int r = ioapic_check_access(io, gpa, len);
	u32 reg = 0;

	if (r)
		return r;
	switch (gpa - io->base) {
	case IOREGSEL:
		reg = io->ioregsel;
		break;
	case IOWIN:
		reg = ioapic_read_reg(io);
		break;
	}
	memset(val, 0, len);
	memcpy(val, &reg, min_t(unsigned int, len, sizeof(reg)));
	return 0;
}

/**
 * hvx_ioapic_mmio_write - a guest write in the window
 * @io: the IOAPIC
 * @gpa: the address
 * @len: 1 to 8 bytes
 * @val: the @len bytes written
 *
 * Return: as hvx_ioapic_mmio_read().
 */
int hvx_ioapic_mmio_write(struct hvx_ioapic *io, u64 gpa, unsigned int len,
			  const void *val)
{
	int r = ioapic_check_access(io, gpa, len);
	u32 data = 0;

	if (r)
		return r;
	memcpy(&data, val, min_t(unsigned int, len, sizeof(data)));
	switch (gpa - io->base) {
	case IOREGSEL:
		io->ioregsel = data & 0xff;
		break;
	case IOWIN:
		ioapic_write_reg(io, data);
		break;
	}
	return 0;
}

/**
 * hvx_ioapic_reset - the IOAPIC as at power-on
 * @io: the IOAPIC
 *
 * Every entry masked (the datasheet leaves the other bits undefined; they
 * are 0 here), ID 0, every line low, nothing held by the storm guard.
 */
void hvx_ioapic_reset(struct hvx_ioapic *io)
{
	unsigned int pin;

	io->base = HVX_IOAPIC_BASE;
	io->ioregsel = 0;
	io->id = 0;
	io->irr = 0;
	io->edge_delivered = 0;
	io->held = 0;
	for (pin = 0; pin < HVX_IOAPIC_PINS; pin++) {
		io->redir[pin] = RTE_MASK;
		io->eoi_redeliveries[pin] = 0;
	}
}

/**
 * hvx_ioapic_init - set up an IOAPIC, reset
 * @io: the IOAPIC
 * @ops: its callbacks; deliver() is required, ack() optional
 * @opaque: their first argument
 */
void hvx_ioapic_init(struct hvx_ioapic *io, const struct hvx_ioapic_ops *ops,
		     void *opaque)
{
	io->ops = ops;
	io->opaque = opaque;
	hvx_ioapic_reset(io);
}

/**
 * hvx_ioapic_get_state - the state KVM_GET_IRQCHIP returns
 * @io: the IOAPIC
 * @s: filled in
 *
 * As KVM, @s->irr leaves out edge pins whose edge went out already, so
 * that restoring the state does not send them a second time.
 */
void hvx_ioapic_get_state(const struct hvx_ioapic *io,
			  struct kvm_ioapic_state *s)
{
	unsigned int pin;

	memset(s, 0, sizeof(*s));
	s->base_address = io->base;
	s->ioregsel = io->ioregsel;
	s->id = io->id;
	s->irr = io->irr & ~io->edge_delivered;
	for (pin = 0; pin < HVX_IOAPIC_PINS; pin++)
		s->redirtbl[pin].bits = io->redir[pin];
}

/**
 * hvx_ioapic_set_state - load the state KVM_SET_IRQCHIP gives
 * @io: the IOAPIC
 * @s: the state, from userspace
 *
 * The state is refused unless hvx could have produced it: the window at
 * HVX_IOAPIC_BASE (it does not move), IOREGSEL within 8 bits, a 4-bit ID,
 * only pins 0-23 asserted, pad 0, no entry with delivery status set (hvx
 * delivers at once, never leaving an interrupt "send pending") and no
 * edge-triggered entry with remote IRR set.  Reserved entry bits are kept,
 * as a guest's write keeps them.  The asserted pins are then raised again,
 * which sends what their entries let go, as KVM does.
 *
 * Return: 0, or -EINVAL with @io unchanged.
 */
int hvx_ioapic_set_state(struct hvx_ioapic *io,
			 const struct kvm_ioapic_state *s)
{
	unsigned long irr = s->irr;
	unsigned int pin;

	/*
	 * The padding is not checked: QEMU leaves it uninitialized, and
	 * KVM has never looked at it.
	 */
	if (s->base_address != HVX_IOAPIC_BASE || s->ioregsel > 0xff ||
	    s->id > IOAPIC_ID_MASK || (s->irr & ~ALL_PINS))
		return -EINVAL;
	for (pin = 0; pin < HVX_IOAPIC_PINS; pin++) {
		u64 entry = s->redirtbl[pin].bits;

		if (entry & RTE_DELIVERY_STATUS)
			return -EINVAL;
		if ((entry & RTE_REMOTE_IRR) && !(entry & RTE_LEVEL))
			return -EINVAL;
	}

	hvx_ioapic_reset(io);
	io->ioregsel = s->ioregsel;
	io->id = s->id;
	for (pin = 0; pin < HVX_IOAPIC_PINS; pin++)
		io->redir[pin] = s->redirtbl[pin].bits;
	for_each_set_bit(pin, &irr, HVX_IOAPIC_PINS)
		hvx_ioapic_set_irq(io, pin, true);
	return 0;
}
