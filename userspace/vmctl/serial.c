// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART, as COM1 at 0x3f8 with IRQ 4: enough of one for Linux's
 * 8250 driver to find a 16550A, use its interrupts both ways, and pass
 * its start-up tests.  Output is written through at once, so the
 * transmitter is always empty; input comes from the console thread
 * (console.c) into a 16-byte receive FIFO.  kvmtool's hw/serial.c is the
 * model, and the register layout is the PC16550D data sheet's.
 *
 * The interrupt line is edge-triggered on the ISA bus, so a condition
 * that stays true interrupts only once.  "Transmitter empty" is therefore
 * an event, as on real hardware: reading IIR when it names THRE, or
 * writing THR, consumes it; the transmitter emptying again, or the guest
 * enabling the THRE interrupt, raises it.  Linux checks exactly that at
 * start-up (UART_BUG_THRE in 8250_port.c) and polls a UART that fails.
 */
#include <string.h>

#include "devices.h"

/* Register offsets from the base port. */
#define REG_RBR_THR_DLL	0
#define REG_IER_DLM	1
#define REG_IIR_FCR	2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define REG_MSR		6
#define REG_SCR		7

#define IER_RDI		0x01	/* interrupt when data is received */
#define IER_THRI	0x02	/* interrupt when the transmitter is empty */
#define IER_MASK	0x0f

#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO_ON	0xc0	/* what makes the driver see a 16550A */

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_OUT2	0x08	/* on a PC, lets the interrupt out */
#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

/* Modem status with a cable attached: carrier, data set ready, clear to send. */
#define MSR_CONNECTED	0xb0

void serial_init(struct serial *s,
		 void (*output)(void *ctx, const uint8_t *data, size_t len),
		 void (*set_irq)(void *ctx, bool level), void *ctx)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->room, NULL);
	s->output = output;
	s->set_irq = set_irq;
	s->ctx = ctx;
	s->thre_pending = true;
}

static uint8_t serial_iir(const struct serial *s)
{
	uint8_t fifo = s->fifo_on ? IIR_FIFO_ON : 0;

	if ((s->ier & IER_RDI) && s->rx_len)
		return fifo | IIR_RDI;
	if ((s->ier & IER_THRI) && s->thre_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NO_INT;
}

/* Drive the interrupt line from the state; only a change reaches the VM. */
static void serial_update_irq(struct serial *s)
{
	bool level = !(serial_iir(s) & IIR_NO_INT);

	if (level != s->line) {
		s->line = level;
		/* A test image's UART has no line: it polls. */
		if (s->set_irq)
			s->set_irq(s->ctx, level);
	}
}

/* Called with the lock held.  False when the receive FIFO is full. */
static bool rx_push(struct serial *s, uint8_t byte)
{
	if (s->rx_len == SERIAL_FIFO_SIZE)
		return false;
	s->rx[(s->rx_head + s->rx_len++) % SERIAL_FIFO_SIZE] = byte;
	return true;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t byte;

	if (!s->rx_len)
		return 0;
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
	s->rx_len--;
	pthread_cond_broadcast(&s->room);
	return byte;
}

static void serial_write(struct serial *s, unsigned int reg, uint8_t val)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR_DLL:
		if (dlab) {
			s->dll = val;
			break;
		}
		/* In loopback the byte comes back as input; else it goes out. */
		if (s->mcr & MCR_LOOP)
			rx_push(s, val);
		else
			s->output(s->ctx, &val, 1);
		/* Sent at once: the transmitter is empty again. */
		s->thre_pending = true;
		break;
	case REG_IER_DLM:
		if (dlab) {
			s->dlm = val;
			break;
		}
		if ((val & IER_THRI) && !(s->ier & IER_THRI))
			s->thre_pending = true;
		s->ier = val & IER_MASK;
		pthread_cond_broadcast(&s->room);
		break;
	case REG_IIR_FCR:
		s->fifo_on = val & FCR_ENABLE;
		if (val & FCR_CLEAR_RX) {
			s->rx_len = 0;
			pthread_cond_broadcast(&s->room);
		}
		break;
	case REG_LCR:
		s->lcr = val;
		break;
	case REG_MCR:
		s->mcr = val & 0x1f;
		pthread_cond_broadcast(&s->room);
		break;
	case REG_SCR:
		s->scr = val;
		break;
	}
}

static uint8_t serial_read(struct serial *s, unsigned int reg)
{
	bool dlab = s->lcr & LCR_DLAB;
	uint8_t iir;

	switch (reg) {
	case REG_RBR_THR_DLL:
		return dlab ? s->dll : rx_pop(s);
	case REG_IER_DLM:
		return dlab ? s->dlm : s->ier;
	case REG_IIR_FCR:
		iir = serial_iir(s);
		if ((iir & 0x0f) == IIR_THRI)
			s->thre_pending = false;
		return iir;
	case REG_LCR:
		return s->lcr;
	case REG_MCR:
		return s->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (s->rx_len ? LSR_DR : 0);
	case REG_MSR:
		/* Loopback wires DTR, RTS, OUT1, OUT2 to DSR, CTS, RI, DCD. */
		if (s->mcr & MCR_LOOP)
			return ((s->mcr & 0x01) << 5) | ((s->mcr & 0x02) << 3) |
			       ((s->mcr & 0x04) << 4) | ((s->mcr & 0x08) << 4);
		return MSR_CONNECTED;
	case REG_SCR:
		return s->scr;
	}
	return 0xff;
}

/* One byte-wide access to register reg (0-7). */
void serial_access(struct serial *s, unsigned int reg, uint8_t *val,
		   bool write)
{
	pthread_mutex_lock(&s->lock);
	if (write)
		serial_write(s, reg, *val);
	else
		*val = serial_read(s, reg);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

int serial_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
	      unsigned int len, bool write)
{
	/* The 8250 has byte registers; a wider access reaches the first. */
	serial_access(dev, (addr - SERIAL_PORT) & 7, data, write);
	if (!write && len > 1)
		memset(data + 1, 0xff, len - 1);
	return -1;
}

/* A byte from the console.  False, keeping nothing, when the FIFO is full. */
bool serial_receive(struct serial *s, uint8_t byte)
{
	bool ok;

	pthread_mutex_lock(&s->lock);
	ok = rx_push(s, byte);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/*
 * Whether input should be read for the guest now: only while its driver
 * takes received-data interrupts (IER.RDI, and OUT2, which a PC driver
 * sets last, to let the interrupt out) and the FIFO has room.  Input
 * typed before then waits in the host's pipe or terminal, where the
 * driver's probing (which sets every IER bit to see them read back) and
 * its FIFO reset at start-up cannot throw it away.  Called with the lock
 * held, by a thread that waits on s->room while this is false.
 */
bool serial_wants_input(struct serial *s)
{
	return (s->ier & IER_RDI) && (s->mcr & MCR_OUT2) &&
	       !(s->mcr & MCR_LOOP) && s->rx_len < SERIAL_FIFO_SIZE;
}
