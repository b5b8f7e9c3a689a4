/* test_pit.c: the 8254 with a fake clock: modes 0, 2 and 3, counter latch, read-back,
 * the channel 2 gate and OUT on port 0x61 (what Linux's TSC calibration polls). */
#include "check.h"
#include "pit_i8254.h"

static uint64_t fake_ns;
static uint64_t fake_clock(void) { return fake_ns; }
static struct pit p;

static void cmd(uint8_t v) { pit_write(&p, PIT_PORT_CONTROL, v, 1); }
static void wr(int ch, uint8_t v) { pit_write(&p, (uint64_t)ch, v, 1); }
static uint8_t rd(int ch) { return (uint8_t)pit_read(&p, (uint64_t)ch, 1); }
static uint16_t rd16(int ch) { uint8_t lo = rd(ch); return (uint16_t)(lo | rd(ch) << 8); }
/* ns for n PIT clocks */
static uint64_t clocks(uint64_t n) { return n * 1000000000ULL / PIT_FREQ_HZ + 1; }

int main(void)
{
	pit_init(&p, fake_clock);
	fake_ns = 1000000;

	cmd(0x34);		/* channel 0, LSB/MSB, mode 2 */
	wr(0, 0x9c); wr(0, 0x2e);	/* 11932: 100 Hz */
	fake_ns += clocks(1000);
	uint16_t c = pit_counter(&p, 0);
	report(c <= 11932 - 1000 && c >= 11932 - 1002, "mode 2 counts down from the reload value (%u)", c);
	cmd(0x00);		/* latch channel 0 */
	fake_ns += clocks(500);
	uint16_t latched = rd16(0);
	report(latched == c, "a latched count holds while the counter runs");
	uint64_t delay, period;
	pit_channel0_timing(&p, &delay, &period);
	report(period >= 9999000 && period <= 10001000, "a 100 Hz rate generator has a 10 ms period");
	report(delay > 0 && delay <= period, "the next edge is within one period");

	cmd(0x36);		/* mode 3 square wave */
	wr(0, 100); wr(0, 0);
	report(pit_out(&p, 0), "mode 3 OUT starts high");
	fake_ns += clocks(60);
	report(!pit_out(&p, 0), "mode 3 OUT is low in the second half period");

	cmd(0xb0);		/* channel 2, LSB/MSB, mode 0 */
	wr(2, 0xff); wr(2, 0xff);
	report(!pit_out(&p, 2), "mode 0 OUT is low after the count is written");
	uint16_t before = pit_counter(&p, 2);
	fake_ns += clocks(1000);
	report(pit_counter(&p, 2) == before, "channel 2 does not count while its gate is low");
	pit_port61_write(&p, 0, PIT_61_GATE2, 1);
	report(pit_port61_read(&p, 0, 1) & PIT_61_GATE2, "port 0x61 reads the gate back");
	fake_ns += clocks(1000);
	report(pit_counter(&p, 2) <= 0xffff - 999, "the gate starts channel 2 counting");
	report(!(pit_port61_read(&p, 0, 1) & PIT_61_OUT2), "OUT2 on port 0x61 is low while counting");
	fake_ns += clocks(0x10000);
	report(pit_port61_read(&p, 0, 1) & PIT_61_OUT2, "OUT2 goes high at terminal count");

	cmd(0xe2);		/* read-back: latch count and status of channel 0 */
	uint8_t status = rd(0);
	report((status & 0x3f) == 0x36, "read-back status gives the rw and mode bits of channel 0 (0x%02x)", status);
	rd16(0);
	cmd(0x10);		/* channel 0, LSB only, mode 0 */
	wr(0, 50);
	report(pit_counter(&p, 0) == 50, "an LSB-only count loads at once");
	report(rd(3) == 0xff, "the control register reads as 0xff");
	return check_summary("test_pit");
}
