/* pit_i8254.c: 8254 counters computed from the host clock rather than ticked: a channel
 * remembers when it was loaded and derives counter and OUT from the time elapsed (8254
 * data sheet modes 0-5). Channel 0's OUT edges become IRQ 0 through a host timer. */
#include "pit_i8254.h"
#include "bus.h"
#include "coalesced_io.h"
#include "device.h"
#include "iothread.h"
#include "irq.h"
#include "machine.h"
#include "timing.h"

#include <string.h>

#define PIT_MIN_PERIOD_NS 50000ULL	/* faster periodic rates are clamped: 20 kHz */

static uint64_t ticks_of(struct pit *p, struct pit_channel *c)
{
	if (c->paused)
		return c->paused_ticks;
	uint64_t ns = p->now_ns() - c->load_ns;
	return (uint64_t)((unsigned __int128)ns * PIT_FREQ_HZ / 1000000000ULL);
}

static uint16_t counter_at(const struct pit_channel *c, uint64_t t)
{
	uint32_t n = c->count;
	switch (c->mode) {
	case 2:
		return (uint16_t)(n - t % n);
	case 3:
		return (uint16_t)(n - (2 * t) % n);
	default:	/* 0, 1, 4, 5 count down once and then wrap */
		return (uint16_t)(n - t);
	}
}

static bool out_at(const struct pit_channel *c, uint64_t t)
{
	uint32_t n = c->count;
	switch (c->mode) {
	case 0:
	case 1:
		return t >= n;
	case 2:
		return t % n != n - 1;	/* low for the one clock before reload */
	case 3:
		return t % n < (n + 1) / 2;
	default:	/* 4, 5: a one-clock low strobe at terminal count */
		return t != n;
	}
}

uint16_t pit_counter(struct pit *p, int channel)
{
	struct pit_channel *c = &p->ch[channel];
	return counter_at(c, ticks_of(p, c));
}

bool pit_out(struct pit *p, int channel)
{
	struct pit_channel *c = &p->ch[channel];
	if (c->null_count)
		return c->mode != 0;	/* OUT is low in mode 0 until counting ends */
	return out_at(c, ticks_of(p, c));
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000ULL / PIT_FREQ_HZ);
}

void pit_channel0_timing(struct pit *p, uint64_t *delay_ns, uint64_t *period_ns)
{
	struct pit_channel *c = &p->ch[0];
	*delay_ns = *period_ns = 0;
	if (c->null_count || c->paused)
		return;
	uint64_t t = ticks_of(p, c), n = c->count;
	if (c->mode == 2 || c->mode == 3) {
		*period_ns = ticks_to_ns(n);
		if (*period_ns < PIT_MIN_PERIOD_NS)
			*period_ns = PIT_MIN_PERIOD_NS;
		*delay_ns = ticks_to_ns(n - t % n);
	} else if ((c->mode == 0 || c->mode == 4) && t < n) {
		*delay_ns = ticks_to_ns(n - t);
	}
	if (*period_ns == 0 && *delay_ns == 0)
		return;
	if (*delay_ns == 0)
		*delay_ns = 1;
}

static void channel_load(struct pit *p, int i, uint32_t value)
{
	struct pit_channel *c = &p->ch[i];
	c->count = value ? value : 0x10000;
	c->null_count = false;
	c->load_ns = p->now_ns();
	/* Modes 0 and 4 count only while the gate is high. */
	c->paused = (c->mode == 0 || c->mode == 4) && !c->gate;
	c->paused_ticks = 0;
	if (i == 0 && p->channel0_changed)
		p->channel0_changed(p);
}

static void channel_gate(struct pit *p, int i, bool gate)
{
	struct pit_channel *c = &p->ch[i];
	if (gate == c->gate)
		return;
	uint64_t now = p->now_ns();
	if (c->mode == 0 || c->mode == 4) {
		if (!gate) {
			c->paused_ticks = ticks_of(p, c);
			c->paused = true;
		} else if (c->paused) {
			c->paused = false;
			c->load_ns = now - ticks_to_ns(c->paused_ticks);
		}
	} else if (gate) {
		c->load_ns = now;	/* modes 1, 2, 3, 5: a rising gate retriggers */
	}
	c->gate = gate;
}

static void latch_count(struct pit *p, int i)
{
	struct pit_channel *c = &p->ch[i];
	if (c->count_latched)
		return;		/* the first latch holds until it is read */
	c->latched_count = pit_counter(p, i);
	c->count_latched = true;
	c->latch_msb_next = false;
}

static void latch_status(struct pit *p, int i)
{
	struct pit_channel *c = &p->ch[i];
	if (c->status_latched)
		return;
	c->status = (uint8_t)((pit_out(p, i) ? PIT_STATUS_OUT : 0) |
			      (c->null_count ? PIT_STATUS_NULL : 0) |
			      c->rw << PIT_CMD_RW_SHIFT | c->mode << PIT_CMD_MODE_SHIFT | c->bcd);
	c->status_latched = true;
}

static void pit_command(struct pit *p, uint8_t v)
{
	int channel = v >> PIT_CMD_CHANNEL_SHIFT;
	if (channel == PIT_CMD_READBACK) {
		for (int i = 0; i < PIT_CHANNELS; i++) {
			if (!(v & (2 << i)))
				continue;
			if (!(v & PIT_RB_NO_COUNT))
				latch_count(p, i);
			if (!(v & PIT_RB_NO_STATUS))
				latch_status(p, i);
		}
		return;
	}
	struct pit_channel *c = &p->ch[channel];
	int rw = (v >> PIT_CMD_RW_SHIFT) & 3;
	if (rw == PIT_RW_LATCH) {
		latch_count(p, channel);
		return;
	}
	c->rw = (uint8_t)rw;
	c->mode = (v >> PIT_CMD_MODE_SHIFT) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* 6 and 7 are aliases of 2 and 3 */
	c->bcd = v & PIT_CMD_BCD;
	c->write_msb_next = c->read_msb_next = false;
	c->null_count = true;	/* a new mode waits for its count */
	if (channel == 0 && p->channel0_changed)
		p->channel0_changed(p);
}

static void pit_write_count(struct pit *p, int i, uint8_t v)
{
	struct pit_channel *c = &p->ch[i];
	switch (c->rw) {
	case PIT_RW_LSB:
		channel_load(p, i, v);
		break;
	case PIT_RW_MSB:
		channel_load(p, i, (uint32_t)v << 8);
		break;
	case PIT_RW_WORD:
		if (!c->write_msb_next) {
			c->write_lsb = v;
			c->write_msb_next = true;
			if (c->mode == 0)
				c->null_count = true;	/* mode 0: writing LSB stops counting */
		} else {
			c->write_msb_next = false;
			channel_load(p, i, c->write_lsb | (uint32_t)v << 8);
		}
		break;
	}
}

static uint8_t pit_read_count(struct pit *p, int i)
{
	struct pit_channel *c = &p->ch[i];
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	uint16_t value;
	bool *msb_next;
	if (c->count_latched) {
		value = c->latched_count;
		msb_next = &c->latch_msb_next;
	} else {
		value = pit_counter(p, i);
		msb_next = &c->read_msb_next;
	}
	uint8_t byte;
	switch (c->rw) {
	case PIT_RW_MSB:
		byte = (uint8_t)(value >> 8);
		c->count_latched = false;
		break;
	case PIT_RW_WORD:
		byte = *msb_next ? (uint8_t)(value >> 8) : (uint8_t)value;
		*msb_next = !*msb_next;
		if (!*msb_next)
			c->count_latched = false;
		break;
	default:
		byte = (uint8_t)value;
		c->count_latched = false;
		break;
	}
	return byte;
}

uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)size;
	if (offset >= PIT_CHANNELS)
		return 0xff;	/* the control register is write-only */
	return pit_read_count(opaque, (int)offset);
}

void pit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	(void)size;
	if (offset == PIT_PORT_CONTROL)
		pit_command(opaque, (uint8_t)value);
	else
		pit_write_count(opaque, (int)offset, (uint8_t)value);
}

uint64_t pit_port61_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pit *p = opaque;
	(void)offset; (void)size;
	bool refresh = (p->now_ns() / PIT_REFRESH_NS) & 1;
	return (p->ch[2].gate ? PIT_61_GATE2 : 0) | (p->speaker ? PIT_61_SPEAKER : 0) |
	       (refresh ? PIT_61_REFRESH : 0) | (pit_out(p, 2) ? PIT_61_OUT2 : 0);
}

void pit_port61_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pit *p = opaque;
	(void)offset; (void)size;
	p->speaker = value & PIT_61_SPEAKER;
	channel_gate(p, 2, value & PIT_61_GATE2);
}

void pit_init(struct pit *p, uint64_t (*now_ns)(void))
{
	memset(p, 0, sizeof(*p));
	p->now_ns = now_ns;
	for (int i = 0; i < PIT_CHANNELS; i++) {
		p->ch[i].gate = i != 2;		/* channels 0 and 1 are gated on in a PC */
		p->ch[i].count = 0x10000;
		p->ch[i].null_count = true;
		p->ch[i].rw = PIT_RW_WORD;
	}
}

static struct timer *irq0_timer;

/* Channel 0's OUT goes to IRQ 0: a pulse per period in modes 2 and 3, one rising edge at
 * terminal count in modes 0 and 4. */
static void irq0_fire(void *opaque)
{
	struct pit *p = opaque;
	struct pit_channel *c = &p->ch[0];
	if (c->mode == 0) {
		irq_set_level(PIT_IRQ, 1);	/* stays high until reprogrammed */
	} else {
		irq_pulse(PIT_IRQ);
	}
}

static void channel0_changed(struct pit *p)
{
	uint64_t delay, period;
	if (p->ch[0].mode == 0)
		irq_set_level(PIT_IRQ, 0);	/* mode 0: OUT low while counting */
	pit_channel0_timing(p, &delay, &period);
	timer_arm(irq0_timer, delay, period);
}

static void pit_create(struct vm *vm)
{
	static struct pit the_pit;
	if (!vm->has_pit) {
		coalesced_io_add_absent(PIT_BASE, 4);
		coalesced_io_add_absent(PIT_PORT_61, 1);
		return;
	}
	pit_init(&the_pit, timing_now_ns);
	irq0_timer = timer_new(irq0_fire, &the_pit);
	the_pit.channel0_changed = channel0_changed;
	bus_register(&(struct bus_region){ "pit", BUS_PIO, PIT_BASE, 4, pit_read, pit_write,
					    &the_pit });
	bus_register(&(struct bus_region){ "pit-port61", BUS_PIO, PIT_PORT_61, 1, pit_port61_read,
					    pit_port61_write, &the_pit });
}
DEVICE_MODULE(pit, DEVICE_LEVEL_ISA, pit_create);
