/* rtc_mc146818.h: the MC146818 real-time clock and CMOS RAM at 0x70/0x71, IRQ 8. */
#ifndef MVM_RTC_MC146818_H
#define MVM_RTC_MC146818_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_PORT_INDEX   0x70		/* bit 7: NMI disable (ignored) */
#define RTC_PORT_DATA    0x71
#define RTC_IRQ          8
#define RTC_CMOS_SIZE    128
#define RTC_INDEX_MASK   0x7f

#define RTC_SECONDS      0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES      0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS        0x04
#define RTC_HOURS_ALARM  0x05
#define RTC_DAY_OF_WEEK  0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH        0x08
#define RTC_YEAR         0x09
#define RTC_REG_A        0x0a
#define RTC_REG_B        0x0b
#define RTC_REG_C        0x0c
#define RTC_REG_D        0x0d
#define RTC_CENTURY      0x32		/* CMOS century byte (BCD), as QEMU keeps it */

#define RTC_A_UIP        0x80		/* update in progress */
#define RTC_A_DV_MASK    0x70
#define RTC_A_DV_NORMAL  0x20		/* 32.768 kHz time base, running */
#define RTC_A_RS_MASK    0x0f		/* periodic rate select */
#define RTC_B_SET        0x80		/* updates stopped while the time is set */
#define RTC_B_PIE        0x40
#define RTC_B_AIE        0x20
#define RTC_B_UIE        0x10
#define RTC_B_DM_BINARY  0x04
#define RTC_B_24H        0x02
#define RTC_C_IRQF       0x80
#define RTC_C_PF         0x40
#define RTC_C_AF         0x20
#define RTC_C_UF         0x10
#define RTC_D_VRT        0x80		/* valid RAM and time */
#define RTC_HOUR_PM      0x80
#define RTC_UIP_NS       244000ULL	/* UIP is set this long before each update */

struct rtc {
	uint8_t cmos[RTC_CMOS_SIZE];
	uint8_t index;
	int64_t offset_s;		/* guest time - host time */
	uint64_t last_c_read_ns;
	int64_t last_c_read_s;
	bool irq_level;
	uint64_t (*realtime_ns)(void);	/* host wall clock; tests substitute their own */
	void (*periodic_changed)(struct rtc *r);
	void *opaque;
};

void rtc_init(struct rtc *r, uint64_t (*realtime_ns)(void));
uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size);
void rtc_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
/* Periodic interrupt period in ns, 0 when off. */
uint64_t rtc_periodic_ns(const struct rtc *r);
/* One periodic tick: PF, and IRQF with IRQ 8 when PIE is set. */
void rtc_periodic_tick(struct rtc *r);

#endif
