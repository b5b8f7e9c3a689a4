/* rtc.c: driving and checking the MC146818: valid-RAM bit, a valid date and
 * time (close to the host's when the harness says what time it is), the
 * once-a-second update cycle, and the periodic interrupt on IRQ 8. */
#include "io.h"
#include "irq.h"
#include "report.h"
#include "pit.h"
#include "rtc.h"

#define UPDATE_TIMEOUT_TSC	8000000000ull	/* a seconds update comes within 1 s */
#define UIP_SECONDS		3	/* update windows to poll through */
#define UIP_DENSE_DIVISOR	5000	/* 200 us: polls denser than the 244 us window */
#define HOST_SKEW_MAX		120		/* seconds between RTC and host clock */
#define PERIODIC_WANT		4

uint8_t rtc_read(unsigned reg)
{
	outb(RTC_INDEX, (uint8_t)(reg | RTC_NMI_OFF));
	return inb(RTC_DATA);
}

void rtc_write(unsigned reg, uint8_t v)
{
	outb(RTC_INDEX, (uint8_t)(reg | RTC_NMI_OFF));
	outb(RTC_DATA, v);
}

bool rtc_probe(void)
{
	return rtc_read(RTC_REG_D) != 0xff;	/* an absent RTC floats to 0xff */
}

void rtc_periodic_start(void)
{
	rtc_write(RTC_REG_A, (uint8_t)((rtc_read(RTC_REG_A) & ~RTC_A_RATE_MASK) | RTC_A_RATE_1024));
	rtc_write(RTC_REG_B, rtc_read(RTC_REG_B) | RTC_B_PIE);
	(void)rtc_read(RTC_REG_C);
}

void rtc_periodic_stop(void)
{
	rtc_write(RTC_REG_B, rtc_read(RTC_REG_B) & (uint8_t)~RTC_B_PIE);
	(void)rtc_read(RTC_REG_C);
}

uint64_t rtc_next_second(void)
{
	uint64_t t0 = rdtsc();
	uint8_t s = rtc_read(RTC_SECONDS);

	while (rtc_read(RTC_SECONDS) == s)
		if (rdtsc() - t0 > UPDATE_TIMEOUT_TSC)
			return 0;
	return rdtsc();
}

static unsigned field(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

static bool bcd_ok(uint8_t v)
{
	return (v & 0xf) < 10 && (v >> 4) < 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void check_time(uint64_t host_epoch)
{
	uint8_t b = rtc_read(RTC_REG_B);
	bool bin = b & RTC_B_BINARY;

	while (rtc_read(RTC_REG_A) & RTC_A_UIP)
		;
	uint8_t raw[6] = { rtc_read(RTC_SECONDS), rtc_read(RTC_MINUTES), rtc_read(RTC_HOURS),
			   rtc_read(RTC_DAY), rtc_read(RTC_MONTH), rtc_read(RTC_YEAR) };
	bool ok = true;

	for (int i = 0; i < 6 && !bin; i++)
		ok &= bcd_ok(raw[i] & (i == 2 ? 0x7f : 0xff));
	unsigned sec = field(raw[0], bin), min = field(raw[1], bin), hour = field(raw[2] & 0x7f, bin);
	unsigned day = field(raw[3], bin), mon = field(raw[4], bin), year = field(raw[5], bin);

	ok &= sec < 60 && min < 60 && hour < 24 && day >= 1 && day <= 31 && mon >= 1 && mon <= 12 && year < 100;
	check("rtc-time-valid", ok && (b & RTC_B_24H),
	      "the RTC holds a valid 24-hour date and time in its declared BCD/binary format",
	      "20%02u-%02u-%02u %02u:%02u:%02u regB=0x%x", year, mon, day, hour, min, sec, b);
	if (!host_epoch) {
		skip("rtc-host-time", "no probe.epoch key on the command line");
		return;
	}
	int64_t t = days_from_civil(2000 + year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	int64_t skew = t - (int64_t)host_epoch;

	check("rtc-host-time", skew >= -HOST_SKEW_MAX && skew <= HOST_SKEW_MAX,
	      "the RTC time is within 2 minutes of the host's (probe.epoch, UTC)",
	      "off by %lld s", (long long)skew);
}

/* One seconds update, watched two ways at once, so that the suite waits for one update
 * and not two:
 * - register A's update-in-progress bit, up for only 244 us before the update. Polls that
 *   come further apart than that (a loaded host, slow VM exits) can miss every window, so
 *   a miss is a failure only when the polls were dense all along;
 * - register C's update-ended flag, which latches until C is read, so no poll can miss it.
 *   It may come a little after UIP clears (an emulator sets it from a timer), so C is
 *   polled, and its reads are OR-ed since each read clears it. */
static void check_update(void)
{
	uint64_t hz = tsc_hz_reference();
	uint64_t limit = hz ? UIP_SECONDS * hz : UPDATE_TIMEOUT_TSC;
	uint64_t dense = hz / UIP_DENSE_DIVISOR, max_gap = 0;
	bool seen_uip = false, cleared = false;
	uint8_t c = 0, s0;

	(void)rtc_read(RTC_REG_C);
	s0 = rtc_read(RTC_SECONDS);
	/* Select register A once: each poll is then one port read, one VM exit. */
	outb(RTC_INDEX, RTC_REG_A | RTC_NMI_OFF);
	for (uint64_t t0 = rdtsc(), last = t0; rdtsc() - t0 < limit && !cleared;) {
		bool uip = inb(RTC_DATA) & RTC_A_UIP;
		uint64_t now = rdtsc();

		max_gap = now - last > max_gap ? now - last : max_gap;
		last = now;
		seen_uip |= uip;
		cleared = seen_uip && !uip;
	}
	for (uint64_t t0 = rdtsc(); !(c & RTC_C_UF) && rdtsc() - t0 < UPDATE_TIMEOUT_TSC;)
		c |= rtc_read(RTC_REG_C);
	check("rtc-update-cycle", (c & RTC_C_UF) && rtc_read(RTC_SECONDS) != s0,
	      "each once-a-second update advances the seconds and sets the update-ended flag",
	      "regC=0x%x seconds 0x%x -> 0x%x", c, s0, rtc_read(RTC_SECONDS));
	if (!hz)
		skip("rtc-uip", "the TSC rate is unknown");
	else if (!cleared && max_gap >= dense)
		skip("rtc-uip", "polls came too far apart to catch the 244 us update-in-progress window");
	else
		check("rtc-uip", cleared, "register A shows update-in-progress before an update, then clears it",
		      "never seen in %u s of polls at most %llu us apart", UIP_SECONDS,
		      (unsigned long long)(max_gap * 1000000 / hz));
}

static void ack_periodic(unsigned vector)
{
	(void)vector;
	(void)rtc_read(RTC_REG_C);	/* the RTC raises no further IRQ until C is read */
}

static void check_periodic_irq(void)
{
	unsigned vec = irq_unmask(RTC_IRQ);

	if (!vec) {
		skip("rtc-periodic-irq8", "no interrupt controller to deliver IRQ 8");
		return;
	}
	uint32_t before = irq_count[vec];

	irq_set_hook(vec, ack_periodic);
	rtc_periodic_start();
	bool ok = irq_wait(vec, before + PERIODIC_WANT, IRQ_TIMEOUT_TSC);

	rtc_periodic_stop();
	irq_mask(RTC_IRQ);
	irq_settle();
	irq_set_hook(vec, 0);
	check("rtc-periodic-irq8", ok, "the periodic interrupt arrives on IRQ 8 through the controller in use",
	      "%u interrupts via %s", irq_count[vec] - before, irq_controller_name());
}

void rtc_checks(uint64_t host_epoch)
{
	check("rtc-valid-ram", rtc_read(RTC_REG_D) == RTC_D_VRT,
	      "register D reads 0x80: valid RAM and time", "regD=0x%x", rtc_read(RTC_REG_D));
	check_time(host_epoch);
	check_update();
	check_periodic_irq();
}
