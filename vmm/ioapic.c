/* ioapic.c: I/O APIC model. Pins are "asserted" or not (polarity is ignored, as QEMU does);
 * an edge pin delivers once per assertion, a level pin delivers and then waits for the EOI
 * (remote IRR) before it can deliver again. */
#include "ioapic.h"
#include "bus.h"
#include "device.h"
#include "irq.h"
#include "machine.h"

#include <string.h>

struct ioapic *machine_ioapic;

void ioapic_msi_of(const struct ioapic *io, unsigned pin, uint64_t *addr, uint32_t *data)
{
	uint64_t e = io->rte[pin];
	*addr = MSI_ADDR_BASE | ((e >> IOAPIC_RTE_DEST_SHIFT) & 0xff) << MSI_ADDR_DEST_SHIFT;
	if (e & IOAPIC_RTE_DESTMODE)
		*addr |= MSI_ADDR_DESTMODE;
	*data = (uint32_t)(e & IOAPIC_RTE_VECTOR) |
		(uint32_t)((e & IOAPIC_RTE_DELMODE) >> IOAPIC_RTE_DELMODE_SHIFT)
			<< MSI_DATA_DELMODE_SHIFT;
	if (e & IOAPIC_RTE_LEVEL)
		*data |= MSI_DATA_LEVEL;
}

/* Deliver every pending, unmasked pin that may deliver now. */
static void ioapic_service(struct ioapic *io)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *e = &io->rte[pin];
		if (!(io->irr & (1u << pin)) || (*e & IOAPIC_RTE_MASKED))
			continue;
		if (*e & IOAPIC_RTE_LEVEL) {
			if (*e & IOAPIC_RTE_REMOTE_IRR)
				continue;
			*e |= IOAPIC_RTE_REMOTE_IRR;
		} else {
			io->irr &= ~(1u << pin);
		}
		uint64_t addr;
		uint32_t data;
		ioapic_msi_of(io, pin, &addr, &data);
		io->msis[pin]++;
		if (io->deliver)
			io->deliver(io->opaque, addr, data);
	}
}

void ioapic_set_pin(struct ioapic *io, unsigned pin, int level)
{
	if (pin >= IOAPIC_PINS)
		return;
	uint32_t mask = 1u << pin;
	if (io->bypass & mask)
		return;		/* unmasked edge entry: its eventfd carries the line */
	if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
		if (level)
			io->irr |= mask;
		else
			io->irr &= ~mask;
	} else if (level) {
		io->irr |= mask;	/* callers only report changes, so this is an edge */
	}
	ioapic_service(io);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *e = &io->rte[pin];
		if ((*e & IOAPIC_RTE_VECTOR) == vector && (*e & IOAPIC_RTE_LEVEL))
			*e &= ~IOAPIC_RTE_REMOTE_IRR;
	}
	ioapic_service(io);
}

static uint32_t ioapic_reg_read(struct ioapic *io)
{
	uint32_t sel = io->select;
	switch (sel) {
	case IOAPIC_ID:
		return io->id << 24;
	case IOAPIC_VERSION:
		return IOAPIC_VERSION_VALUE;
	case IOAPIC_ARB:
		return 0;
	}
	if (sel >= IOAPIC_REDTBL && sel < IOAPIC_REDTBL + 2 * IOAPIC_PINS) {
		uint64_t e = io->rte[(sel - IOAPIC_REDTBL) / 2];
		return (sel & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
	return 0xffffffff;
}

static void ioapic_reg_write(struct ioapic *io, uint32_t value)
{
	uint32_t sel = io->select;
	if (sel == IOAPIC_ID) {
		io->id = (value >> 24) & 0xf;
		return;
	}
	if (sel < IOAPIC_REDTBL || sel >= IOAPIC_REDTBL + 2 * IOAPIC_PINS)
		return;
	unsigned pin = (sel - IOAPIC_REDTBL) / 2;
	uint64_t *e = &io->rte[pin], ro = *e & IOAPIC_RTE_RO_BITS;
	if (sel & 1)
		*e = (*e & 0xffffffffULL) | (uint64_t)value << 32;
	else
		*e = (*e & ~0xffffffffULL) | value;
	*e = (*e & ~IOAPIC_RTE_RO_BITS) | ro;
	/* An edge-triggered entry has no remote IRR. */
	if (!(*e & IOAPIC_RTE_LEVEL))
		*e &= ~IOAPIC_RTE_REMOTE_IRR;
	/* A level pin re-armed while its line is up must see the line again. */
	if ((*e & IOAPIC_RTE_LEVEL) && irq_get_level(pin == IOAPIC_ISA_IRQ0_PIN ? 0 : pin))
		io->irr |= 1u << pin;
	if (io->routes_changed)
		io->routes_changed(io->opaque, io);
	ioapic_service(io);
}

uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ioapic *io = opaque;
	(void)size;
	if (offset == IOAPIC_REG_SELECT)
		return io->select;
	if (offset == IOAPIC_REG_WINDOW)
		return ioapic_reg_read(io);
	return 0;
}

void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct ioapic *io = opaque;
	(void)size;
	if (offset == IOAPIC_REG_SELECT)
		io->select = (uint32_t)value & 0xff;
	else if (offset == IOAPIC_REG_WINDOW)
		ioapic_reg_write(io, (uint32_t)value);
	else if (offset == IOAPIC_REG_EOI)
		ioapic_eoi(io, (uint8_t)value);
}

void ioapic_init(struct ioapic *io)
{
	memset(io, 0, sizeof(*io));
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;
}

/* ISA IRQ 0 (the PIT) is wired to pin 2, as in QEMU and as IRQ0_OVERRIDE tells firmware. */
static void ioapic_sink(void *opaque, unsigned gsi, int level)
{
	if (gsi == IOAPIC_ISA_IRQ0_PIN)
		return;		/* nothing drives the cascade line; pin 2 is IRQ 0's */
	ioapic_set_pin(opaque, gsi == 0 ? IOAPIC_ISA_IRQ0_PIN : gsi, level);
}

void ioapic_attach_kvm(struct vm *vm, struct ioapic *io);	/* kvm.c */

static void ioapic_create(struct vm *vm)
{
	static struct ioapic the_ioapic;
	ioapic_init(&the_ioapic);
	machine_ioapic = &the_ioapic;
	ioapic_attach_kvm(vm, &the_ioapic);
	bus_register(&(struct bus_region){ "ioapic", BUS_MMIO, MACHINE_IOAPIC_BASE,
					    IOAPIC_MMIO_SIZE, ioapic_mmio_read,
					    ioapic_mmio_write, &the_ioapic });
	irq_add_sink(ioapic_sink, &the_ioapic);
}
DEVICE_MODULE(ioapic, DEVICE_LEVEL_IRQCHIP, ioapic_create);
