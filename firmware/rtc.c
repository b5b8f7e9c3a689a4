/*
 * rtc.c: the MC146818 real-time clock / CMOS. Status register D reads 0x80 (valid RAM
 * and time) on a present chip; an absent one floats to 0xff. A present RTC gets its
 * interrupt sources turned off so that no stale periodic/alarm interrupt is pending
 * when the kernel takes over; the time format is left as the VMM set it.
 */
#include "board.h"

#define RTC_INDEX	(RTC_BASE + 0)	/* register select (bit 7 masks NMI) */
#define RTC_DATA	(RTC_BASE + 1)
#define RTC_REG_B	0x0b	/* control: PIE/AIE/UIE interrupt enables, formats */
#define RTC_REG_C	0x0c	/* interrupt flags, cleared by reading */
#define RTC_REG_D	0x0d	/* bit 7: valid RAM and time */
#define RTC_B_IRQ_ENABLES 0x70	/* PIE | AIE | UIE */
#define RTC_FLOATING	0xff

static uint8_t rtc_read(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

int rtc_probe_and_init(void)
{
	uint8_t b;

	if (rtc_read(RTC_REG_D) == RTC_FLOATING)
		return 0;
	b = rtc_read(RTC_REG_B);
	if (b & RTC_B_IRQ_ENABLES) {
		outb(RTC_DATA, b & ~RTC_B_IRQ_ENABLES);
		rtc_read(RTC_REG_C);
	}
	return 1;
}
