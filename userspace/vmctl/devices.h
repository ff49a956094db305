/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl's device models.  Each is a small state machine in a file of its
 * own that answers accesses on a bus (machine.h) and raises its interrupt
 * through a callback, so that the unit tests can drive it without a VM.
 */
#ifndef VMCTL_DEVICES_H
#define VMCTL_DEVICES_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* serial.c: a 16550A UART. */
#define SERIAL_PORT		0x3f8
#define SERIAL_IRQ		4
#define SERIAL_FIFO_SIZE	16

struct serial {
	pthread_mutex_t lock;
	pthread_cond_t room;		/* the input thread waits on it */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo_on;			/* FCR bit 0: a 16550A's FIFOs */
	bool thre_pending;		/* "THR empty" not yet reported */
	bool line;			/* the interrupt line's level */
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned int rx_head, rx_len;
	/* Where output and the interrupt line go. */
	void (*output)(void *ctx, const uint8_t *data, size_t len);
	void (*set_irq)(void *ctx, bool level);
	void *ctx;
};

void serial_init(struct serial *s,
		 void (*output)(void *ctx, const uint8_t *data, size_t len),
		 void (*set_irq)(void *ctx, bool level), void *ctx);
void serial_access(struct serial *s, unsigned int reg, uint8_t *val,
		   bool write);
bool serial_receive(struct serial *s, uint8_t byte);
bool serial_wants_input(struct serial *s);
bus_fn serial_io;

/* rtc.c: the CMOS clock and RAM at 0x70/0x71. */
#define RTC_PORT	0x70

struct rtc {
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[128];
	/* The clock's time, for tests; NULL reads the host's. */
	long long (*now)(void);
};

void rtc_init(struct rtc *rtc);
uint8_t rtc_read(struct rtc *rtc, uint8_t index);
bus_fn rtc_io;

/* resetctl.c: the keyboard controller's reset line and port 0xcf9. */
#define I8042_DATA_PORT		0x60
#define I8042_CMD_PORT		0x64
#define RESET_CONTROL_PORT	0xcf9

struct resetctl {
	uint8_t cf9;
	/* Called when the guest resets the machine, with how. */
	void (*reset)(void *ctx, const char *how);
	void *ctx;
};

bus_fn i8042_io;
bus_fn cf9_io;

/*
 * acpi.c: the PM1 event (status, enable) and control registers ACPI's
 * FADT names, and power-off through them.
 */
#define ACPI_PM1_EVT_PORT	0x600
#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_CNT_PORT	0x604
#define ACPI_PM1_CNT_LEN	2
#define ACPI_PM1_SCI_EN		0x0001
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_EN		0x2000
#define ACPI_S5_TYPE		5	/* SLP_TYP for \_S5, in the DSDT */

struct acpi_pm {
	uint8_t regs[ACPI_PM1_EVT_LEN + ACPI_PM1_CNT_LEN];
	/* Called when the guest powers the machine off. */
	void (*power_off)(void *ctx);
	void *ctx;
};

void acpi_pm_init(struct acpi_pm *pm, void (*power_off)(void *ctx),
		  void *ctx);
bus_fn acpi_pm_io;

/* testdev.c: the ports and the MMIO scratch page of test images. */
#define TESTDEV_DEBUG_PORT	0xe9
#define TESTDEV_EXIT_PORT	0xf4
#define TESTDEV_FIFO_PORT	0xe0
#define TESTDEV_FIFO_SIZE	8192
#define TESTDEV_SCRATCH		0xd0000000ULL
#define TESTDEV_SCRATCH_SIZE	4096

struct testdev {
	pthread_mutex_t lock;
	bool trace_mmio;
	uint8_t fifo[TESTDEV_FIFO_SIZE];
	size_t fifo_head, fifo_len;
	uint8_t scratch[TESTDEV_SCRATCH_SIZE];
};

int testdev_add(struct machine *m, struct testdev *t);

#endif /* VMCTL_DEVICES_H */
