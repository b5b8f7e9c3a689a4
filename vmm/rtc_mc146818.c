/* rtc_mc146818.c: MC146818 RTC. The time is the host's UTC clock plus whatever offset the
 * guest set; registers are computed when read, in BCD or binary and 12- or 24-hour form as
 * register B asks. UIP is set in the last 244 us of each second, as on the chip. */
#include "rtc_mc146818.h"
#include "bus.h"
#include "coalesced_io.h"
#include "device.h"
#include "iothread.h"
#include "irq.h"
#include "machine.h"
#include "util.h"

#include <string.h>
#include <time.h>

static uint8_t to_bcd(int v) { return (uint8_t)(((v / 10) << 4) | (v % 10)); }
static int from_bcd(uint8_t v) { return (v >> 4) * 10 + (v & 0xf); }

static uint8_t enc(const struct rtc *r, int v)
{
	return (r->cmos[RTC_REG_B] & RTC_B_DM_BINARY) ? (uint8_t)v : to_bcd(v);
}

static int dec(const struct rtc *r, uint8_t v)
{
	return (r->cmos[RTC_REG_B] & RTC_B_DM_BINARY) ? v : from_bcd(v);
}

static int64_t guest_seconds(const struct rtc *r, uint64_t *frac_ns)
{
	uint64_t ns = r->realtime_ns();
	if (frac_ns)
		*frac_ns = ns % 1000000000ULL;
	return (int64_t)(ns / 1000000000ULL) + r->offset_s;
}

/* Refresh the time registers from the clock (not while the guest is setting it). */
static void rtc_sync(struct rtc *r)
{
	if (r->cmos[RTC_REG_B] & RTC_B_SET)
		return;
	time_t t = (time_t)guest_seconds(r, NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	r->cmos[RTC_SECONDS] = enc(r, tm.tm_sec);
	r->cmos[RTC_MINUTES] = enc(r, tm.tm_min);
	if (r->cmos[RTC_REG_B] & RTC_B_24H) {
		r->cmos[RTC_HOURS] = enc(r, tm.tm_hour);
	} else {
		int h = tm.tm_hour % 12;
		r->cmos[RTC_HOURS] = (uint8_t)(enc(r, h ? h : 12) | (tm.tm_hour >= 12 ? RTC_HOUR_PM : 0));
	}
	r->cmos[RTC_DAY_OF_WEEK] = enc(r, tm.tm_wday + 1);
	r->cmos[RTC_DAY_OF_MONTH] = enc(r, tm.tm_mday);
	r->cmos[RTC_MONTH] = enc(r, tm.tm_mon + 1);
	r->cmos[RTC_YEAR] = enc(r, tm.tm_year % 100);
	r->cmos[RTC_CENTURY] = to_bcd((tm.tm_year + 1900) / 100);
}

/* The guest finished setting the time (SET cleared): adopt it as the new offset. */
static void rtc_adopt_guest_time(struct rtc *r)
{
	struct tm tm = { 0 };
	int hour = dec(r, r->cmos[RTC_HOURS] & ~RTC_HOUR_PM);
	if (!(r->cmos[RTC_REG_B] & RTC_B_24H))
		hour = hour % 12 + ((r->cmos[RTC_HOURS] & RTC_HOUR_PM) ? 12 : 0);
	tm.tm_sec = dec(r, r->cmos[RTC_SECONDS]);
	tm.tm_min = dec(r, r->cmos[RTC_MINUTES]);
	tm.tm_hour = hour;
	tm.tm_mday = dec(r, r->cmos[RTC_DAY_OF_MONTH]);
	tm.tm_mon = dec(r, r->cmos[RTC_MONTH]) - 1;
	tm.tm_year = from_bcd(r->cmos[RTC_CENTURY]) * 100 + dec(r, r->cmos[RTC_YEAR]) - 1900;
	time_t t = timegm(&tm);
	r->offset_s = (int64_t)t - (int64_t)(r->realtime_ns() / 1000000000ULL);
}

static void rtc_update_irq(struct rtc *r)
{
	bool level = r->cmos[RTC_REG_C] & RTC_C_IRQF;
	if (level != r->irq_level) {
		r->irq_level = level;
		irq_set_level(RTC_IRQ, level);
	}
}

uint64_t rtc_periodic_ns(const struct rtc *r)
{
	unsigned rs = r->cmos[RTC_REG_A] & RTC_A_RS_MASK;
	if (!rs || (r->cmos[RTC_REG_A] & RTC_A_DV_MASK) != RTC_A_DV_NORMAL)
		return 0;
	/* Rates 1 and 2 repeat 8 and 9 (256 and 128 Hz); otherwise 65536 >> rs Hz. */
	if (rs < 3)
		rs += 7;
	return 1000000000ULL * (1ULL << rs) / 65536;
}

void rtc_periodic_tick(struct rtc *r)
{
	r->cmos[RTC_REG_C] |= RTC_C_PF;
	if (r->cmos[RTC_REG_B] & RTC_B_PIE)
		r->cmos[RTC_REG_C] |= RTC_C_IRQF;
	rtc_update_irq(r);
}

static uint8_t read_reg_c(struct rtc *r)
{
	uint64_t frac;
	int64_t now = guest_seconds(r, &frac);
	/* Update-ended: a second boundary passed since the last read. */
	if (now != r->last_c_read_s && !(r->cmos[RTC_REG_B] & RTC_B_SET))
		r->cmos[RTC_REG_C] |= RTC_C_UF;
	r->last_c_read_s = now;
	uint8_t v = r->cmos[RTC_REG_C];
	if ((v & RTC_C_UF) && (r->cmos[RTC_REG_B] & RTC_B_UIE))
		v |= RTC_C_IRQF;	/* UIE reports through IRQF too */
	r->cmos[RTC_REG_C] = 0;		/* reading C clears every flag */
	rtc_update_irq(r);
	return v;
}

uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rtc *r = opaque;
	(void)size;
	if (offset == 0)
		return 0xff;	/* the index register is write-only */
	uint8_t i = r->index;
	switch (i) {
	case RTC_REG_A: {
		uint64_t frac;
		guest_seconds(r, &frac);
		uint8_t a = r->cmos[RTC_REG_A] & ~RTC_A_UIP;
		bool running = (a & RTC_A_DV_MASK) == RTC_A_DV_NORMAL &&
			       !(r->cmos[RTC_REG_B] & RTC_B_SET);
		if (running && frac >= 1000000000ULL - RTC_UIP_NS)
			a |= RTC_A_UIP;
		return a;
	}
	case RTC_REG_C:
		return read_reg_c(r);
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		if (i <= RTC_YEAR || i == RTC_CENTURY)
			rtc_sync(r);
		return r->cmos[i];
	}
}

void rtc_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct rtc *r = opaque;
	uint8_t v = (uint8_t)value;
	(void)size;
	if (offset == 0) {
		r->index = v & RTC_INDEX_MASK;
		return;
	}
	switch (r->index) {
	case RTC_REG_A:
		r->cmos[RTC_REG_A] = (uint8_t)((v & ~RTC_A_UIP));
		if (r->periodic_changed)
			r->periodic_changed(r);
		break;
	case RTC_REG_B: {
		bool was_set = r->cmos[RTC_REG_B] & RTC_B_SET;
		if (!was_set && (v & RTC_B_SET))
			rtc_sync(r);	/* freeze the current time for the guest to edit */
		r->cmos[RTC_REG_B] = v;
		if (was_set && !(v & RTC_B_SET))
			rtc_adopt_guest_time(r);
		if (r->periodic_changed)
			r->periodic_changed(r);
		break;
	}
	case RTC_REG_C:
	case RTC_REG_D:
		break;		/* read-only */
	default:
		r->cmos[r->index] = v;
		break;
	}
}

void rtc_init(struct rtc *r, uint64_t (*realtime_ns)(void))
{
	memset(r, 0, sizeof(*r));
	r->realtime_ns = realtime_ns;
	r->cmos[RTC_REG_A] = RTC_A_DV_NORMAL | 0x06;	/* 1024 Hz periodic rate, as at power-on */
	r->cmos[RTC_REG_B] = RTC_B_24H;
	r->cmos[RTC_REG_D] = RTC_D_VRT;
	rtc_sync(r);
}

static uint64_t host_realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct timer *periodic_timer;

static void periodic_fire(void *opaque)
{
	rtc_periodic_tick(opaque);
}

static void periodic_changed(struct rtc *r)
{
	uint64_t period = (r->cmos[RTC_REG_B] & RTC_B_PIE) ? rtc_periodic_ns(r) : 0;
	timer_arm(periodic_timer, period, period);
}

/* CMOS memory-size bytes as QEMU's microvm_set_rtc() writes them (SeaBIOS reads them). */
static void rtc_set_memory_size(struct rtc *r, struct vm *vm)
{
	uint64_t below = vm->ram_below_4g, v;
	v = below / KiB < 640 ? below / KiB : 640;
	r->cmos[0x15] = (uint8_t)v;
	r->cmos[0x16] = (uint8_t)(v >> 8);
	v = below > MiB ? (below - MiB) / KiB : 0;
	v = v > 65535 ? 65535 : v;
	r->cmos[0x17] = r->cmos[0x30] = (uint8_t)v;
	r->cmos[0x18] = r->cmos[0x31] = (uint8_t)(v >> 8);
	v = below > 16 * MiB ? (below - 16 * MiB) / (64 * KiB) : 0;
	v = v > 65535 ? 65535 : v;
	r->cmos[0x34] = (uint8_t)v;
	r->cmos[0x35] = (uint8_t)(v >> 8);
	v = vm->ram_above_4g / (64 * KiB);
	r->cmos[0x5b] = (uint8_t)v;
	r->cmos[0x5c] = (uint8_t)(v >> 8);
	r->cmos[0x5d] = (uint8_t)(v >> 16);
}

static void rtc_create(struct vm *vm)
{
	static struct rtc the_rtc;
	if (!vm->has_rtc) {
		coalesced_io_add_absent(RTC_PORT_INDEX, 2);
		return;
	}
	rtc_init(&the_rtc, host_realtime_ns);
	rtc_set_memory_size(&the_rtc, vm);
	periodic_timer = timer_new(periodic_fire, &the_rtc);
	the_rtc.periodic_changed = periodic_changed;
	bus_register(&(struct bus_region){ "rtc", BUS_PIO, RTC_PORT_INDEX, 2, rtc_read, rtc_write,
					    &the_rtc });
	/* The index only says which register the data port reaches, and a data access exits
	 * and drains the queue first: KVM may queue index writes (one exit per CMOS access
	 * instead of two). */
	coalesced_io_add(BUS_PIO, RTC_PORT_INDEX, 1);
}
DEVICE_MODULE(rtc, DEVICE_LEVEL_ISA, rtc_create);
