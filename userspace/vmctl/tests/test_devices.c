// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for vmctl's device models, driven as a guest driver would
 * drive them: the 16550A UART (registers, its interrupt line as an edge
 * source, input), the CMOS clock, and the reset ports.
 */
#include <stdio.h>
#include <string.h>

#include "../devices.h"

#define CHECK_WHAT "devices"
#include "check.h"

static char out[64];
static size_t out_len;
static int edges, line;

static void capture(void *ctx, const uint8_t *data, size_t len)
{
	memcpy(out + out_len, data, len);
	out_len += len;
}

static void set_irq(void *ctx, bool level)
{
	if (level && !line)
		edges++;
	line = level;
}

static uint8_t rd(struct serial *s, unsigned int reg)
{
	uint8_t v;

	serial_access(s, reg, &v, false);
	return v;
}

static void wr(struct serial *s, unsigned int reg, uint8_t v)
{
	serial_access(s, reg, &v, true);
}

static void test_serial_registers(void)
{
	struct serial s;

	serial_init(&s, capture, set_irq, NULL);
	wr(&s, 1, 0xff);
	CHECK(rd(&s, 1) == 0x0f, "IER keeps its four bits");
	wr(&s, 1, 0);
	CHECK(rd(&s, 1) == 0, "IER reads back 0");
	edges = 0;
	wr(&s, 2, 0x01);
	CHECK((rd(&s, 2) & 0xc0) == 0xc0, "with FIFOs on IIR says 16550A");
	wr(&s, 3, 0x83);
	wr(&s, 0, 0x01);
	wr(&s, 1, 0x00);
	CHECK(rd(&s, 0) == 0x01 && rd(&s, 1) == 0 && out_len == 0,
	      "with DLAB set, 0 and 1 are the divisor latch, not THR/IER");
	wr(&s, 3, 0x03);
	CHECK(rd(&s, 3) == 0x03, "LCR reads back");
	wr(&s, 7, 0xa5);
	CHECK(rd(&s, 7) == 0xa5, "the scratch register");
	CHECK(rd(&s, 5) == 0x60, "LSR: transmitter empty, no data");
	CHECK(rd(&s, 6) == 0xb0, "MSR: a cable with carrier, DSR and CTS");
	wr(&s, 4, 0x1a);
	CHECK(rd(&s, 6) == 0x90, "loopback: RTS and OUT2 show as CTS and DCD");
	wr(&s, 0, 'L');
	CHECK(out_len == 0 && (rd(&s, 5) & 1) && rd(&s, 0) == 'L',
	      "loopback: a byte sent comes back as input");
	wr(&s, 4, 0x0b);
	wr(&s, 0, 'h');
	wr(&s, 0, 'i');
	CHECK(out_len == 2 && !memcmp(out, "hi", 2), "THR writes reach the output");
	CHECK(edges == 0, "no interrupt while IER is 0");
}

static void test_serial_thre(void)
{
	struct serial s;
	int e;

	out_len = 0;
	edges = line = 0;
	serial_init(&s, capture, set_irq, NULL);
	wr(&s, 2, 0x01);
	wr(&s, 1, 0x02);
	CHECK(line && edges == 1, "enabling THRI with THR empty raises the line");
	CHECK(rd(&s, 2) == 0xc2, "IIR says THRE");
	CHECK(!line && rd(&s, 2) == 0xc1, "reading it consumed the event");
	wr(&s, 1, 0);
	wr(&s, 1, 0x02);
	CHECK(line && rd(&s, 2) == 0xc2,
	      "THRI off and on again re-asserts THRE (Linux's UART_BUG_THRE test)");
	e = edges;
	wr(&s, 0, 'x');
	CHECK(line && edges == e + 1, "THR written and sent: THRE again, a new edge");
	rd(&s, 2);
	wr(&s, 1, 0);
	CHECK(!line, "THRI off drops the line");
}

static void test_serial_input(void)
{
	struct serial s;
	int i;

	edges = line = 0;
	serial_init(&s, capture, set_irq, NULL);
	CHECK(!serial_wants_input(&s), "no input wanted before the driver enables RDI");
	wr(&s, 1, 0x01);
	CHECK(!serial_wants_input(&s), "RDI without OUT2 (the driver probing IER): none");
	wr(&s, 4, 0x08);
	CHECK(serial_wants_input(&s), "RDI and OUT2: input wanted");
	CHECK(serial_receive(&s, 'a') && line && edges == 1,
	      "a received byte raises the line");
	CHECK(rd(&s, 5) == 0x61 && rd(&s, 2) == 0x04, "LSR.DR and IIR: data ready");
	CHECK(rd(&s, 0) == 'a' && !line && rd(&s, 5) == 0x60,
	      "reading RBR takes it and drops the line");
	for (i = 0; i < SERIAL_FIFO_SIZE; i++)
		serial_receive(&s, 'b' + i);
	CHECK(!serial_receive(&s, '!') && !serial_wants_input(&s),
	      "the 16-byte FIFO refuses a 17th byte");
	CHECK(rd(&s, 0) == 'b', "FIFO order");
	wr(&s, 2, 0x03);
	CHECK(!(rd(&s, 5) & 1) && !line, "FCR clears the receive FIFO");
}

static long long fixed_now(void)
{
	return 1795933287;	/* 2026-11-29 06:21:27 UTC, a Sunday */
}

static uint8_t rtc_get(struct rtc *rtc, uint8_t index)
{
	uint8_t v = index;

	rtc_io(NULL, rtc, RTC_PORT, &v, 1, true);
	rtc_io(NULL, rtc, RTC_PORT + 1, &v, 1, false);
	return v;
}

static void rtc_set(struct rtc *rtc, uint8_t index, uint8_t v)
{
	rtc_io(NULL, rtc, RTC_PORT, &index, 1, true);
	rtc_io(NULL, rtc, RTC_PORT + 1, &v, 1, true);
}

static void test_rtc(void)
{
	struct rtc rtc;

	rtc_init(&rtc);
	rtc.now = fixed_now;
	CHECK(rtc_get(&rtc, 0) == 0x27 && rtc_get(&rtc, 2) == 0x21 &&
	      rtc_get(&rtc, 4) == 0x06, "the time in BCD: 06:21:27");
	CHECK(rtc_get(&rtc, 7) == 0x29 && rtc_get(&rtc, 8) == 0x11 &&
	      rtc_get(&rtc, 9) == 0x26 && rtc_get(&rtc, 0x32) == 0x20,
	      "the date in BCD: 2026-11-29");
	CHECK(rtc_get(&rtc, 6) == 0x01, "the weekday: Sunday is 1");
	CHECK(rtc_get(&rtc, 0x80 | 9) == 0x26, "index bit 7 (the NMI mask) is ignored");
	CHECK(rtc_get(&rtc, 0xa) == 0x26 && !(rtc_get(&rtc, 0xa) & 0x80),
	      "register A: no update in progress");
	CHECK(rtc_get(&rtc, 0xb) == 0x02 && rtc_get(&rtc, 0xd) == 0x80,
	      "register B: 24 hours, BCD; D: battery good");
	rtc_set(&rtc, 0xf, 0x0a);
	CHECK(rtc_get(&rtc, 0xf) == 0x0a, "CMOS RAM (the shutdown byte) keeps writes");
	rtc_set(&rtc, 0, 0x59);
	rtc_set(&rtc, 0xd, 0);
	CHECK(rtc_get(&rtc, 0) == 0x27 && rtc_get(&rtc, 0xd) == 0x80,
	      "the clock and register D ignore writes");
}

static int resets;
static const char *reset_how;

static void on_reset(void *ctx, const char *how)
{
	resets++;
	reset_how = how;
}

static void test_reset(void)
{
	struct resetctl rc = { .reset = on_reset };
	uint8_t v;

	i8042_io(NULL, &rc, I8042_CMD_PORT, &v, 1, false);
	CHECK(v == 0, "the i8042's status is 0: nothing buffered");
	v = 0xaa;
	i8042_io(NULL, &rc, I8042_CMD_PORT, &v, 1, true);
	CHECK(resets == 0, "other i8042 commands do nothing");
	v = 0xfe;
	i8042_io(NULL, &rc, I8042_CMD_PORT, &v, 1, true);
	CHECK(resets == 1 && strstr(reset_how, "keyboard"), "i8042 0xfe resets");
	v = 0x02;
	cf9_io(NULL, &rc, RESET_CONTROL_PORT, &v, 1, true);
	CHECK(resets == 1, "0xcf9 with bit 1 alone does not reset");
	cf9_io(NULL, &rc, RESET_CONTROL_PORT, &v, 1, false);
	CHECK(v == 0x02, "0xcf9 reads back");
	v = 0x06;
	cf9_io(NULL, &rc, RESET_CONTROL_PORT, &v, 1, true);
	CHECK(resets == 2 && strstr(reset_how, "0xcf9"), "0xcf9 with bit 2 resets");
}

static int power_offs;

static void on_power_off(void *ctx)
{
	power_offs++;
}

static void pm_write(struct acpi_pm *pm, uint16_t port, uint16_t v)
{
	acpi_pm_io(NULL, pm, port, (uint8_t *)&v, 2, true);
}

static uint16_t pm_read(struct acpi_pm *pm, uint16_t port)
{
	uint16_t v;

	acpi_pm_io(NULL, pm, port, (uint8_t *)&v, 2, false);
	return v;
}

static void test_acpi_pm(void)
{
	struct acpi_pm pm;
	uint16_t s5 = ACPI_S5_TYPE << ACPI_PM1_SLP_TYP_SHIFT;
	uint8_t b = 0;

	acpi_pm_init(&pm, on_power_off, NULL);
	CHECK(pm_read(&pm, ACPI_PM1_CNT_PORT) == ACPI_PM1_SCI_EN,
	      "PM1_CNT: in ACPI mode from the start (SCI_EN)");
	pm_write(&pm, ACPI_PM1_EVT_PORT, 0xffff);
	CHECK(pm_read(&pm, ACPI_PM1_EVT_PORT) == 0, "PM1_STS stays clear");
	pm_write(&pm, ACPI_PM1_EVT_PORT + 2, 0x0120);
	CHECK(pm_read(&pm, ACPI_PM1_EVT_PORT + 2) == 0x0120, "PM1_EN reads back");
	pm_write(&pm, ACPI_PM1_CNT_PORT, s5);
	CHECK(power_offs == 0 &&
	      pm_read(&pm, ACPI_PM1_CNT_PORT) == (s5 | ACPI_PM1_SCI_EN),
	      "SLP_TYP alone: nothing yet, and it reads back");
	pm_write(&pm, ACPI_PM1_CNT_PORT, 3 << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
	CHECK(power_offs == 0, "SLP_EN with another sleep type: nothing");
	pm_write(&pm, ACPI_PM1_CNT_PORT, s5 | ACPI_PM1_SLP_EN);
	CHECK(power_offs == 1, "SLP_EN with \\_S5's type: power-off");
	CHECK(!(pm_read(&pm, ACPI_PM1_CNT_PORT) & ACPI_PM1_SLP_EN),
	      "SLP_EN reads 0");
	acpi_pm_io(NULL, &pm, ACPI_PM1_CNT_PORT + 1, &b, 1, true);
	CHECK(power_offs == 1, "a byte write of its high half alone: nothing");
	acpi_pm_io(NULL, &pm, ACPI_PM1_CNT_PORT + 1, &b, 2, false);
	CHECK(b == 0xff, "a read past the registers is the empty bus");
}

int main(void)
{
	test_serial_registers();
	test_serial_thre();
	test_serial_input();
	test_rtc();
	test_reset();
	test_acpi_pm();
	printf("%s - unit: UART, CMOS clock, reset ports and ACPI PM1: %d checks passed, %d failed\n",
	       failed ? "not ok" : "ok", passed, failed);
	return failed != 0;
}
