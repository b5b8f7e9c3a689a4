/* test_rtc.c: the MC146818: BCD and binary time, 12/24 hour, UIP window, registers C/D,
 * setting the time with SET, periodic rate and CMOS RAM. */
#include "check.h"
#include "irq.h"
#include "rtc_mc146818.h"

static uint64_t fake_ns;
static uint64_t fake_clock(void) { return fake_ns; }
static struct rtc r;
static int line8;
static void sink(void *opaque, unsigned gsi, int level) { (void)opaque; if (gsi == 8) line8 = level; }

static uint8_t get(uint8_t reg) { rtc_write(&r, 0, reg, 1); return (uint8_t)rtc_read(&r, 1, 1); }
static void set(uint8_t reg, uint8_t v) { rtc_write(&r, 0, reg, 1); rtc_write(&r, 1, v, 1); }

int main(void)
{
	irq_reset();
	irq_add_sink(sink, NULL);
	/* 2024-02-29 13:45:56 UTC, a Thursday */
	fake_ns = 1709214356ULL * 1000000000ULL + 100000000ULL;
	rtc_init(&r, fake_clock);
	report(get(RTC_SECONDS) == 0x56 && get(RTC_MINUTES) == 0x45 && get(RTC_HOURS) == 0x13,
	       "BCD 24-hour time 13:45:56");
	report(get(RTC_DAY_OF_MONTH) == 0x29 && get(RTC_MONTH) == 0x02 && get(RTC_YEAR) == 0x24,
	       "BCD date 29.02.24");
	report(get(RTC_CENTURY) == 0x20, "the CMOS century byte is 20");
	report(get(RTC_DAY_OF_WEEK) == 5, "Thursday is day 5 (Sunday = 1)");
	report(get(RTC_REG_D) == RTC_D_VRT, "register D says the time is valid");
	report(!(get(RTC_REG_A) & RTC_A_UIP), "UIP is clear early in a second");
	fake_ns += 899900000ULL;
	report(get(RTC_REG_A) & RTC_A_UIP, "UIP is set in the last 244 us before the update");
	fake_ns += 100000ULL;
	set(RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
	report(get(RTC_SECONDS) == 57 && get(RTC_HOURS) == 13, "binary mode after the update: 13:45:57");
	set(RTC_REG_B, RTC_B_DM_BINARY);
	report(get(RTC_HOURS) == (1 | RTC_HOUR_PM), "12-hour mode gives 1 PM");

	set(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	set(RTC_HOURS, 0x08);
	set(RTC_MINUTES, 0x00);
	set(RTC_SECONDS, 0x00);
	set(RTC_REG_B, RTC_B_24H);
	report(get(RTC_HOURS) == 0x08 && get(RTC_MINUTES) == 0x00, "time set through SET sticks");
	fake_ns += 61ULL * 1000000000ULL;
	report(get(RTC_MINUTES) == 0x01, "and keeps running from there");

	set(RTC_REG_A, RTC_A_DV_NORMAL | 0x06);
	report(rtc_periodic_ns(&r) == 976562, "rate 6 is 1024 Hz");
	set(RTC_REG_A, RTC_A_DV_NORMAL | 0x01);
	report(rtc_periodic_ns(&r) == 3906250, "rate 1 is 256 Hz");
	set(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	rtc_periodic_tick(&r);
	report(line8, "a periodic tick with PIE raises IRQ 8");
	uint8_t c = get(RTC_REG_C);
	report((c & (RTC_C_IRQF | RTC_C_PF)) == (RTC_C_IRQF | RTC_C_PF), "register C reports IRQF and PF");
	report(!line8 && !(get(RTC_REG_C) & RTC_C_PF), "reading C clears the flags and the line");

	set(0x40, 0x99);
	report(get(0x40) == 0x99, "CMOS RAM holds a byte");
	rtc_write(&r, 0, 0x80 | 0x40, 1);
	report(rtc_read(&r, 1, 1) == 0x99, "the NMI-disable bit does not change the index");
	return check_summary("test_rtc");
}
