/* rtc.h: the MC146818 real-time clock behind ports 0x70/0x71. */
#ifndef CONFORMANCE_RTC_H
#define CONFORMANCE_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define RTC_NMI_OFF	0x80	/* in the index: keep NMIs masked */
#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_REG_A	0x0a
#define RTC_REG_B	0x0b
#define RTC_REG_C	0x0c
#define RTC_REG_D	0x0d
#define RTC_A_UIP	0x80	/* update in progress */
#define RTC_A_RATE_MASK	0x0f
#define RTC_A_RATE_1024	0x06	/* periodic rate 1024 Hz */
#define RTC_B_PIE	0x40	/* periodic interrupt enable */
#define RTC_B_BINARY	0x04	/* data mode: binary, not BCD */
#define RTC_B_24H	0x02
#define RTC_C_IRQF	0x80
#define RTC_C_PF	0x40
#define RTC_C_UF	0x10	/* update ended */
#define RTC_D_VRT	0x80	/* valid RAM and time */
#define RTC_IRQ		8

uint8_t rtc_read(unsigned reg);
void rtc_write(unsigned reg, uint8_t v);
bool rtc_probe(void);
void rtc_periodic_start(void);
void rtc_periodic_stop(void);
/* Waits for the next seconds update; returns the TSC then, 0 on timeout. */
uint64_t rtc_next_second(void);
void rtc_checks(uint64_t host_epoch);

#endif
