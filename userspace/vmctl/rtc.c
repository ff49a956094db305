// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS real-time clock and its RAM (an MC146818) at ports 0x70 (the
 * register index; bit 7 masks NMIs on a PC, which vmctl ignores) and 0x71
 * (the register).  Linux reads the time of day from it at boot
 * (mach_get_cmos_time) and writes its shutdown byte, 0xf, before it
 * starts each AP.
 *
 * The clock registers read the host's UTC time, in BCD and 24-hour mode,
 * and never show an update in progress, so a reader never waits.  The
 * guest cannot set the clock (the writes are dropped): its time is the
 * host's.  There is no periodic or alarm interrupt; Linux's tick does not
 * need one.
 */
#include <string.h>
#include <time.h>

#include "devices.h"

#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_WEEKDAY	0x06
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_REG_A	0x0a
#define RTC_REG_B	0x0b
#define RTC_REG_C	0x0c
#define RTC_REG_D	0x0d
#define RTC_CENTURY	0x32	/* where PC BIOSes keep it */

#define REG_A_DIVIDER	0x26	/* 32.768 kHz time base, 1024 Hz rate; UIP 0 */
#define REG_B_24H	0x02	/* 24-hour, BCD (DM 0), no interrupts */
#define REG_D_VRT	0x80	/* the battery is good */

static long long host_now(void)
{
	return time(NULL);
}

void rtc_init(struct rtc *rtc)
{
	memset(rtc, 0, sizeof(*rtc));
	pthread_mutex_init(&rtc->lock, NULL);
	rtc->ram[RTC_REG_A] = REG_A_DIVIDER;
	rtc->ram[RTC_REG_B] = REG_B_24H;
	rtc->ram[RTC_REG_D] = REG_D_VRT;
	rtc->now = host_now;
}

static uint8_t bcd(unsigned int v)
{
	return ((v / 10) % 10) << 4 | (v % 10);
}

/* The registers that hold the time of day, which follow the host. */
static bool is_clock(uint8_t index)
{
	return index == RTC_SECONDS || index == RTC_MINUTES ||
	       index == RTC_HOURS || (index >= RTC_WEEKDAY && index <= RTC_YEAR) ||
	       index == RTC_CENTURY;
}

/* Register index (0-127), as the guest would read it. */
uint8_t rtc_read(struct rtc *rtc, uint8_t index)
{
	time_t now = rtc->now();
	struct tm tm;

	index &= 0x7f;
	if (!is_clock(index))
		return rtc->ram[index];
	gmtime_r(&now, &tm);
	switch (index) {
	case RTC_SECONDS: return bcd(tm.tm_sec);
	case RTC_MINUTES: return bcd(tm.tm_min);
	case RTC_HOURS: return bcd(tm.tm_hour);
	case RTC_WEEKDAY: return bcd(tm.tm_wday + 1);
	case RTC_DAY: return bcd(tm.tm_mday);
	case RTC_MONTH: return bcd(tm.tm_mon + 1);
	case RTC_YEAR: return bcd(tm.tm_year % 100);
	default: return bcd((tm.tm_year + 1900) / 100);
	}
}

int rtc_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
	   unsigned int len, bool write)
{
	struct rtc *rtc = dev;
	uint8_t index;

	pthread_mutex_lock(&rtc->lock);
	if (addr == RTC_PORT) {
		if (write)
			rtc->index = data[0] & 0x7f;
		else
			data[0] = 0xff;
	} else if (write) {
		index = rtc->index;
		/* The clock is the host's; C and D are read-only. */
		if (!is_clock(index) && index != RTC_REG_C &&
		    index != RTC_REG_D)
			rtc->ram[index] = data[0];
	} else {
		data[0] = rtc_read(rtc, rtc->index);
	}
	pthread_mutex_unlock(&rtc->lock);
	if (!write && len > 1)
		memset(data + 1, 0xff, len - 1);
	return -1;
}
