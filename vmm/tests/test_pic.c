/* test_pic.c: the i8259A pair: initialisation words, IMR, IRR/ISR, EOI, cascade, AEOI,
 * poll, ELCR level mode and spurious vectors (8259A data sheet). */
#include "check.h"
#include "irq.h"
#include "pic_i8259.h"

static struct pic p;

static void out(uint16_t port, uint8_t v)
{
	struct pic_chip *c = port >= PIC_SLAVE_BASE ? &p.chip[1] : &p.chip[0];
	pic_port_write(c, port & 1, v, 1);
}

static uint8_t in(uint16_t port)
{
	struct pic_chip *c = port >= PIC_SLAVE_BASE ? &p.chip[1] : &p.chip[0];
	return (uint8_t)pic_port_read(c, port & 1, 1);
}

/* Linux's init: ICW1 edge+ICW4, ICW2 bases 0x30/0x38, cascade on 2, 8086 mode. */
static void init_pair(uint8_t icw4)
{
	pic_init(&p);
	out(0x20, 0x11); out(0x21, 0x30); out(0x21, 0x04); out(0x21, icw4);
	out(0xa0, 0x11); out(0xa1, 0x38); out(0xa1, 0x02); out(0xa1, icw4);
	out(0x21, 0x00); out(0xa1, 0x00);
}

int main(void)
{
	init_pair(0x01);
	report(!p.output, "no interrupt after initialisation");
	pic_set_irq(&p, 1, 1);
	report(p.output, "a rising edge on IRQ 1 raises INT");
	out(0x20, 0x0a);
	report(in(0x20) == 0x02, "OCW3 read-IRR shows IRQ 1 pending");
	report(pic_acknowledge(&p) == 0x31, "INTA gives vector base + 1");
	out(0x20, 0x0b);
	report(in(0x20) == 0x02, "OCW3 read-ISR shows IRQ 1 in service");
	report(!p.output, "INT drops once the edge is acknowledged");
	pic_set_irq(&p, 1, 0);
	pic_set_irq(&p, 0, 1);
	report(p.output, "IRQ 0 has higher priority than the in-service IRQ 1");
	report(pic_acknowledge(&p) == 0x30, "IRQ 0 is delivered nested");
	out(0x20, 0x20);
	out(0x20, 0x20);
	report(in(0x20) == 0x00, "two non-specific EOIs clear both ISR bits");
	pic_set_irq(&p, 0, 0);

	out(0x21, 0x08);
	pic_set_irq(&p, 3, 1);
	report(!p.output, "a masked IRQ 3 does not raise INT");
	report(in(0x21) == 0x08, "IMR reads back");
	out(0x21, 0x00);
	report(p.output, "unmasking delivers the latched edge");
	report(pic_acknowledge(&p) == 0x33, "vector for IRQ 3");
	out(0x20, 0x63);
	pic_set_irq(&p, 3, 0);

	pic_set_irq(&p, 12, 1);
	report(p.output, "a slave IRQ raises the master's INT through the cascade");
	report(pic_acknowledge(&p) == 0x3c, "the slave supplies vector base + 4 for IRQ 12");
	out(0xa0, 0x20);
	out(0x20, 0x20);
	pic_set_irq(&p, 12, 0);
	report(!p.output, "after both EOIs nothing is pending");

	report(pic_acknowledge(&p) == 0x37, "an INTA with nothing pending gives the spurious IRQ 7");
	out(0x20, 0x20);

	init_pair(0x03);
	pic_set_irq(&p, 5, 1);
	report(pic_acknowledge(&p) == 0x35, "AEOI mode delivers IRQ 5");
	out(0x20, 0x0b);
	report(in(0x20) == 0x00, "AEOI leaves nothing in service");
	pic_set_irq(&p, 5, 0);

	init_pair(0x01);
	p.chip[1].elcr = 0x02;		/* IRQ 9 level-triggered */
	pic_set_irq(&p, 9, 1);
	report(pic_acknowledge(&p) == 0x39, "level IRQ 9 is delivered");
	out(0xa0, 0x20);
	out(0x20, 0x20);
	report(p.output, "a level line still high after EOI interrupts again");
	pic_set_irq(&p, 9, 0);
	report(pic_acknowledge(&p) == 0x3f,
	       "a level line dropped before INTA leaves the slave's spurious IRQ 15 (cascade edge latched)");

	init_pair(0x01);
	pic_set_irq(&p, 4, 1);
	out(0x20, 0x0c);
	report(in(0x20) == 0x84, "poll mode returns 0x80 | IRQ 4 and acknowledges it");
	return check_summary("test_pic");
}
