/* pit.c: driving and checking the i8254: counting down in mode 2 and 3 at
 * 1.193182 MHz (against the TSC, itself timed by the RTC's seconds), the
 * counter latch and read-back commands, channel 2's gate and output through
 * port 0x61, and IRQ 0 through the interrupt controller in use. */
#include "io.h"
#include "irq.h"
#include "pit.h"
#include "report.h"
#include "rtc.h"

#define RATE_TOLERANCE_PCT	5	/* default; probe.rate_tolerance overrides it */
#define WINDOW_TICKS		60000	/* about 50 ms of PIT input clock */
#define MODE3_COUNT		20000	/* channel 2 square wave: 60 Hz, slow enough */
#define MODE3_EDGES		10	/* to poll through VM exits of 100 us and more */
#define GATE_COUNT		2000
#define SPIN_TSC		4000000000ull

static uint64_t tsc_hz;
static uint64_t tolerance_pct = RATE_TOLERANCE_PCT;

/* The read-back status of a just-programmed channel does not depend on
 * timing (a count would: mode 0 wraps after terminal count, and a slow VM
 * exit can take that long); an absent PIT floats to 0xff. */
bool pit_probe(void)
{
	outb(PIT_CMD, PIT_SEL_CH2 | PIT_ACCESS_LOHI | PIT_MODE0);
	outb(PIT_CH2, 0x34);
	outb(PIT_CH2, 0x12);
	outb(PIT_CMD, PIT_SEL_READBACK | PIT_RB_NO_COUNT | PIT_RB_CH2);
	return (inb(PIT_CH2) & PIT_STATUS_MODE_MASK) == (PIT_ACCESS_LOHI | PIT_MODE0);
}

void pit_start_periodic(unsigned count)
{
	outb(PIT_CMD, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE2);
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
}

void pit_stop(void)
{
	/* Mode 0 with a count, never reloaded: one last edge, then quiet. */
	outb(PIT_CMD, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE0);
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
}

uint16_t pit_read_ch0(void)
{
	outb(PIT_CMD, PIT_SEL_CH0 | PIT_ACCESS_LATCH);
	return (uint16_t)(inb(PIT_CH0) | inb(PIT_CH0) << 8);
}

/* TSC cycles per RTC second. Two consecutive seconds that agree within 1%
 * are taken as they are; otherwise a third one decides (median), since one
 * interval alone can be skewed when the host stalls the emulator around a
 * seconds update. */
uint64_t tsc_hz_reference(void)
{
	uint64_t t[4], d[3];

	if (tsc_hz || !rtc_probe())
		return tsc_hz;
	for (int i = 0; i < 3; i++)
		if (!(t[i] = rtc_next_second()))
			return 0;
	d[0] = t[1] - t[0];
	d[1] = t[2] - t[1];
	uint64_t lo = d[0] < d[1] ? d[0] : d[1], hi = d[0] < d[1] ? d[1] : d[0];

	if ((hi - lo) * 100 <= lo) {
		tsc_hz = (lo + hi) / 2;
	} else {
		if (!(t[3] = rtc_next_second()))
			return 0;
		d[2] = t[3] - t[2];
		tsc_hz = d[2] < lo ? lo : d[2] > hi ? hi : d[2];
	}
	report_line("tsc hz=%llu source=rtc", (unsigned long long)tsc_hz);
	return tsc_hz;
}

static bool within(uint64_t got, uint64_t want)
{
	uint64_t pct = tolerance_pct < 100 ? tolerance_pct : 99;

	return got * 100 >= want * (100 - pct) && got * 100 <= want * (100 + pct);
}

/* A window the host did not run the guest through (a busy host deschedules a TCG or KVM
 * vCPU for whole milliseconds) reads as a wrong rate: each rate is measured RATE_WINDOWS
 * times and the median judged, so one disturbed window cannot fail the check and a wrong
 * rate fails every window. */
#define RATE_WINDOWS	3

static uint64_t median3(const uint64_t v[RATE_WINDOWS])
{
	uint64_t a = v[0], b = v[1], c = v[2];

	if (a > b) { uint64_t t = a; a = b; b = t; }
	if (b > c) b = c;
	return a > b ? a : b;
}

/* Mode 2 on channel 0 with the full 65536 count: sum the decrements over one window.
 * Returns the TSC cycles the window took; 0 if the counter never moved. */
static uint64_t mode2_window(uint64_t *ticks_out)
{
	uint64_t ticks = 0, t0;
	uint16_t prev;

	pit_start_periodic(0);
	prev = pit_read_ch0();
	t0 = rdtsc();
	while (ticks < WINDOW_TICKS && rdtsc() - t0 < SPIN_TSC) {
		uint16_t now = pit_read_ch0();

		ticks += (uint16_t)(prev - now);	/* wraps through the reload */
		prev = now;
	}
	uint64_t cycles = rdtsc() - t0;

	pit_stop();
	*ticks_out = ticks;
	return ticks ? cycles : 0;
}

static void check_mode2_rate(void)
{
	uint64_t ticks[RATE_WINDOWS], cycles[RATE_WINDOWS], hz[RATE_WINDOWS];

	for (int i = 0; i < RATE_WINDOWS; i++)
		cycles[i] = mode2_window(&ticks[i]);
	if (!tsc_hz_reference()) {
		skip("pit-mode2-rate", "no RTC to time the TSC against");
		return;
	}
	for (int i = 0; i < RATE_WINDOWS; i++)
		hz[i] = ticks[i] * tsc_hz / (cycles[i] ? cycles[i] : 1);
	check("pit-mode2-rate", within(median3(hz), PIT_HZ),
	      "channel 0 in mode 2 counts down at 1.193182 MHz (within probe.rate_tolerance, timed by the RTC)",
	      "measured %llu/%llu/%llu Hz, median judged (tsc %llu Hz, tolerance %llu%%)",
	      (unsigned long long)hz[0], (unsigned long long)hz[1], (unsigned long long)hz[2],
	      (unsigned long long)tsc_hz, (unsigned long long)tolerance_pct);
}

/* Mode 3 on channel 2, gate open: OUT (port 0x61 bit 5) toggles every half period.
 * Returns the TSC cycles MODE3_EDGES edges took, 0 when they did not come. */
static uint64_t mode3_window(void)
{
	outb(PIT_CMD, PIT_SEL_CH2 | PIT_ACCESS_LOHI | PIT_MODE3);
	outb(PIT_CH2, (uint8_t)MODE3_COUNT);
	outb(PIT_CH2, (uint8_t)(MODE3_COUNT >> 8));
	int edges = -1;
	uint8_t last = inb(PORT_61) & PORT61_OUT2;
	uint64_t t0 = 0, start = rdtsc();

	while (edges < MODE3_EDGES && rdtsc() - start < SPIN_TSC) {
		uint8_t now = inb(PORT_61) & PORT61_OUT2;

		if (now != last) {
			if (++edges == 0)
				t0 = rdtsc();
			last = now;
		}
	}
	return edges < MODE3_EDGES ? 0 : rdtsc() - t0;
}

static void check_mode3_rate(void)
{
	uint8_t p61 = inb(PORT_61);
	uint64_t cycles[RATE_WINDOWS], hz[RATE_WINDOWS];

	outb(PORT_61, (uint8_t)((p61 & ~PORT61_SPEAKER) | PORT61_GATE2));
	for (int i = 0; i < RATE_WINDOWS; i++)
		cycles[i] = mode3_window();
	outb(PORT_61, p61);
	for (int i = 0; i < RATE_WINDOWS; i++) {
		if (cycles[i])
			continue;
		check("pit-mode3-rate", false, "channel 2 in mode 3 drives a square wave on port 0x61 bit 5",
		      "fewer than %d output edges in window %d", MODE3_EDGES, i);
		return;
	}
	if (!tsc_hz_reference()) {
		skip("pit-mode3-rate", "no RTC to time the TSC against");
		return;
	}
	/* Two edges per period of MODE3_COUNT input clocks. */
	for (int i = 0; i < RATE_WINDOWS; i++)
		hz[i] = (uint64_t)MODE3_EDGES * MODE3_COUNT / 2 * tsc_hz / cycles[i];
	check("pit-mode3-rate", within(median3(hz), PIT_HZ),
	      "channel 2 in mode 3 toggles its output at the 1.193182 MHz input rate (within probe.rate_tolerance)",
	      "measured %llu/%llu/%llu Hz, median judged (tolerance %llu%%)", (unsigned long long)hz[0],
	      (unsigned long long)hz[1], (unsigned long long)hz[2], (unsigned long long)tolerance_pct);
}

static void check_latch_and_readback(void)
{
	pit_start_periodic(0);
	uint16_t a = pit_read_ch0();

	for (uint64_t t = rdtsc(); rdtsc() - t < 1000000;)
		cpu_relax();
	uint16_t b = pit_read_ch0();

	check("pit-latch", a != b, "latched reads of channel 0 show the counter moving", "0x%x then 0x%x", a, b);
	outb(PIT_CMD, PIT_SEL_READBACK | PIT_RB_NO_COUNT | PIT_RB_CH0);
	uint8_t status = inb(PIT_CH0);

	check("pit-readback", (status & PIT_STATUS_MODE_MASK) == (PIT_ACCESS_LOHI | PIT_MODE2),
	      "the read-back command returns channel 0's status: lo/hi access, mode 2, binary",
	      "status 0x%x", status);
	pit_stop();
}

static void check_gate(void)
{
	uint8_t p61 = inb(PORT_61);

	outb(PORT_61, (uint8_t)(p61 & ~(PORT61_GATE2 | PORT61_SPEAKER)));
	outb(PIT_CMD, PIT_SEL_CH2 | PIT_ACCESS_LOHI | PIT_MODE0);
	outb(PIT_CH2, (uint8_t)GATE_COUNT);
	outb(PIT_CH2, (uint8_t)(GATE_COUNT >> 8));
	for (uint64_t t = rdtsc(); rdtsc() - t < 20000000;)
		cpu_relax();
	bool held = !(inb(PORT_61) & PORT61_OUT2);

	outb(PORT_61, (uint8_t)((p61 & ~PORT61_SPEAKER) | PORT61_GATE2));
	bool out = false;

	for (uint64_t t = rdtsc(); !out && rdtsc() - t < SPIN_TSC;)
		out = inb(PORT_61) & PORT61_OUT2;
	outb(PORT_61, p61);
	check("pit-gate", held && out,
	      "with its gate low channel 2 holds; gated on, mode 0 raises OUT at terminal count",
	      "held low=%d went high=%d", held, out);
}

static void check_irq0(void)
{
	unsigned vec = irq_unmask(0);
	uint32_t before = irq_count[vec];

	if (!vec) {
		skip("pit-irq0", "no interrupt controller to deliver IRQ 0");
		return;
	}
	pit_start_periodic(PIT_HZ / 1000);
	bool ok = irq_wait(vec, before + 3, IRQ_TIMEOUT_TSC);

	irq_mask(0);
	pit_stop();
	irq_settle();
	check("pit-irq0", ok, "channel 0 in mode 2 raises IRQ 0 through the interrupt controller in use",
	      "%u interrupts via %s", irq_count[vec] - before, irq_controller_name());
}

/* Port 0x61 is the PC's system control port, not the PIT's: a machine
 * without it (it floats to 0xff) has no way to see channel 2. */
static bool port61_present(void)
{
	return inb(PORT_61) != 0xff;
}

void pit_checks(uint64_t rate_tolerance_pct)
{
	tolerance_pct = rate_tolerance_pct;
	check_latch_and_readback();
	check_mode2_rate();
	report_line("device name=port61 state=%s", port61_present() ? "present" : "absent");
	if (port61_present()) {
		check_mode3_rate();
		check_gate();
	} else {
		skip("pit-mode3-rate", "port 0x61 (channel 2 gate and output) is absent");
		skip("pit-gate", "port 0x61 (channel 2 gate and output) is absent");
	}
	check_irq0();
}
