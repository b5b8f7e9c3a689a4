/* pic_i8259.c: Intel 8259A programmable interrupt controller pair, as wired in a PC: the
 * slave's INT drives the master's IRQ 2; the master's INT goes to CPU 0's LINT0 (ExtINT).
 * Follows the 8259A data sheet: ICW1-4, OCW1-3, IRR/ISR/IMR, rotation, poll, AEOI. */
#include "pic_i8259.h"
#include "bus.h"
#include "coalesced_io.h"
#include "device.h"
#include "irq.h"
#include "machine.h"

#include <string.h>

#define PIC_NO_IRQ 8	/* priority value meaning "none" */

struct pic *machine_pic;

/* The highest-priority set bit of mask, as a priority (0 = highest) relative to the
 * rotation, or PIC_NO_IRQ. */
static int priority_of(const struct pic_chip *c, uint8_t mask)
{
	if (!mask)
		return PIC_NO_IRQ;
	int p = 0;
	while (!(mask & (1 << ((p + c->priority_add) & 7))))
		p++;
	return p;
}

/* The IRQ (0-7) this chip would raise now, or -1. */
static int chip_pending(const struct pic_chip *c, bool is_master)
{
	int p = priority_of(c, c->irr & ~c->imr);
	if (p == PIC_NO_IRQ)
		return -1;
	uint8_t in_service = c->isr;
	if (c->special_mask)
		in_service &= ~c->imr;
	/* In special fully nested mode the master lets a slave IRQ through while another
	 * slave IRQ is in service. */
	if (c->sfnm && is_master)
		in_service &= ~(1 << PIC_CASCADE_IRQ);
	int cur = priority_of(c, in_service);
	return p < cur ? (p + c->priority_add) & 7 : -1;
}

static void chip_set_line(struct pic_chip *c, unsigned line, int level)
{
	uint8_t mask = (uint8_t)(1 << line);
	if (c->elcr & mask) {			/* level triggered */
		if (level) {
			c->irr |= mask;
			c->last_irr |= mask;
		} else {
			c->irr &= ~mask;
			c->last_irr &= ~mask;
		}
	} else if (level) {			/* edge triggered: latch rising edges */
		if (!(c->last_irr & mask))
			c->irr |= mask;
		c->last_irr |= mask;
	} else {
		c->last_irr &= ~mask;
	}
}

static void pic_update(struct pic *p)
{
	chip_set_line(&p->chip[0], PIC_CASCADE_IRQ, chip_pending(&p->chip[1], false) >= 0);
	bool out = chip_pending(&p->chip[0], true) >= 0;
	p->output = out;
	if (irq_extint_changed)
		irq_extint_changed();
}

void pic_set_irq(struct pic *p, unsigned irq, int level)
{
	if (irq >= 16 || irq == PIC_CASCADE_IRQ)
		return;
	chip_set_line(&p->chip[irq >> 3], irq & 7, level);
	pic_update(p);
}

static void chip_ack(struct pic_chip *c, int irq)
{
	uint8_t mask = (uint8_t)(1 << irq);
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->priority_add = (uint8_t)((irq + 1) & 7);
	} else {
		c->isr |= mask;
	}
	if (!(c->elcr & mask))
		c->irr &= ~mask;	/* an edge is consumed by its acknowledge */
}

uint8_t pic_acknowledge(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	uint8_t vector;
	int irq = chip_pending(m, true);
	if (irq < 0) {
		vector = m->irq_base + 7;	/* spurious */
	} else if (irq == PIC_CASCADE_IRQ) {
		chip_ack(m, irq);
		int irq2 = chip_pending(s, false);
		if (irq2 >= 0) {
			chip_ack(s, irq2);
			vector = (uint8_t)(s->irq_base + irq2);
		} else {
			vector = s->irq_base + 7;
		}
	} else {
		chip_ack(m, irq);
		vector = (uint8_t)(m->irq_base + irq);
	}
	pic_update(p);
	return vector;
}

static void chip_reset(struct pic_chip *c)
{
	uint8_t elcr = c->elcr, elcr_mask = c->elcr_mask;
	uint8_t irr = c->irr & elcr;	/* level lines stay asserted */
	struct pic *owner = c->owner;
	bool master = c->master;
	memset(c, 0, sizeof(*c));
	c->owner = owner;
	c->master = master;
	c->elcr = elcr;
	c->elcr_mask = elcr_mask;
	c->irr = irr;
}

static void chip_command(struct pic *p, struct pic_chip *c, uint8_t v)
{
	if (v & PIC_ICW1) {
		chip_reset(c);
		c->init_state = 1;
		c->init4 = v & PIC_ICW1_IC4;
		c->single = v & PIC_ICW1_SNGL;
	} else if (v & PIC_OCW3) {
		if (v & PIC_OCW3_POLL)
			c->poll = true;
		if (v & PIC_OCW3_RR)
			c->read_isr = v & PIC_OCW3_RIS;
		if (v & PIC_OCW3_ESMM)
			c->special_mask = v & PIC_OCW3_SMM;
	} else {
		int cmd = v >> 5, irq;
		switch (cmd) {
		case 0: case 4:		/* rotate in AEOI mode: clear / set */
			c->rotate_on_aeoi = cmd >> 2;
			break;
		case 1: case 5:		/* non-specific EOI (and rotate) */
			irq = priority_of(c, c->isr);
			if (irq != PIC_NO_IRQ) {
				irq = (irq + c->priority_add) & 7;
				c->isr &= (uint8_t)~(1 << irq);
				if (cmd == 5)
					c->priority_add = (uint8_t)((irq + 1) & 7);
			}
			break;
		case 3: case 7:		/* specific EOI (and rotate) */
			irq = v & 7;
			c->isr &= (uint8_t)~(1 << irq);
			if (cmd == 7)
				c->priority_add = (uint8_t)((irq + 1) & 7);
			break;
		case 6:			/* set priority: IRQ v&7 becomes the lowest */
			c->priority_add = (uint8_t)((v + 1) & 7);
			break;
		}
	}
	pic_update(p);
}

static void chip_data(struct pic *p, struct pic_chip *c, uint8_t v)
{
	switch (c->init_state) {
	case 0:			/* OCW1: interrupt mask */
		c->imr = v;
		break;
	case 1:			/* ICW2: vector base */
		c->irq_base = v & 0xf8;
		c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
		break;
	case 2:			/* ICW3: cascade wiring, fixed in a PC */
		c->init_state = c->init4 ? 3 : 0;
		break;
	case 3:			/* ICW4 */
		c->sfnm = v & PIC_ICW4_SFNM;
		c->auto_eoi = v & PIC_ICW4_AEOI;
		c->init_state = 0;
		break;
	}
	pic_update(p);
}

uint64_t pic_port_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic_chip *c = opaque;
	struct pic *p = c->owner;
	(void)size;
	if (c->poll) {
		c->poll = false;
		int irq = chip_pending(c, c->master);
		if (irq < 0)
			return 0;
		chip_ack(c, irq);
		pic_update(p);
		return 0x80 | (uint64_t)irq;
	}
	if (offset == 0)
		return c->read_isr ? c->isr : c->irr;
	return c->imr;
}

void pic_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pic_chip *c = opaque;
	struct pic *p = c->owner;
	(void)size;
	if (offset == 0)
		chip_command(p, c, (uint8_t)value);
	else
		chip_data(p, c, (uint8_t)value);
}

static uint64_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic *p = opaque;
	(void)size;
	return p->chip[offset].elcr;
}

static void elcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pic *p = opaque;
	(void)size;
	p->chip[offset].elcr = (uint8_t)value & p->chip[offset].elcr_mask;
	pic_update(p);
}

void pic_init(struct pic *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 2; i++) {
		p->chip[i].owner = p;
		p->chip[i].master = i == 0;
	}
	p->chip[0].elcr_mask = PIC_ELCR_MASK_MASTER;
	p->chip[1].elcr_mask = PIC_ELCR_MASK_SLAVE;
}

static void pic_sink(void *opaque, unsigned gsi, int level)
{
	if (gsi < 16)
		pic_set_irq(opaque, gsi, level);
}

static void pic_create(struct vm *vm)
{
	static struct pic the_pic;
	if (!vm->has_pic) {
		coalesced_io_add_absent(PIC_MASTER_BASE, 2);
		coalesced_io_add_absent(PIC_SLAVE_BASE, 2);
		return;
	}
	pic_init(&the_pic);
	machine_pic = &the_pic;
	bus_register(&(struct bus_region){ "pic-master", BUS_PIO, PIC_MASTER_BASE, 2,
					    pic_port_read, pic_port_write, &the_pic.chip[0] });
	bus_register(&(struct bus_region){ "pic-slave", BUS_PIO, PIC_SLAVE_BASE, 2,
					    pic_port_read, pic_port_write, &the_pic.chip[1] });
	bus_register(&(struct bus_region){ "pic-elcr", BUS_PIO, PIC_ELCR_BASE, 2,
					    elcr_read, elcr_write, &the_pic });
	irq_add_sink(pic_sink, &the_pic);
}
DEVICE_MODULE(pic, DEVICE_LEVEL_IRQCHIP, pic_create);
