/* test_ioapic.c: I/O APIC registers and routing: redirection entries become MSIs with the
 * right address/data, masking, edge vs level with remote IRR and EOI, ISA IRQ 0 on pin 2. */
#include "check.h"
#include "ioapic.h"
#include "irq.h"

static struct ioapic io;
static int delivered;
static uint64_t last_addr;
static uint32_t last_data;

static void deliver(void *opaque, uint64_t addr, uint32_t data)
{
	(void)opaque;
	delivered++;
	last_addr = addr;
	last_data = data;
}

static void write_reg(uint32_t sel, uint32_t v)
{
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, sel, 4);
	ioapic_mmio_write(&io, IOAPIC_REG_WINDOW, v, 4);
}

static uint32_t read_reg(uint32_t sel)
{
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, sel, 4);
	return (uint32_t)ioapic_mmio_read(&io, IOAPIC_REG_WINDOW, 4);
}

static void route(unsigned pin, uint64_t entry)
{
	write_reg(IOAPIC_REDTBL + 2 * pin + 1, (uint32_t)(entry >> 32));
	write_reg(IOAPIC_REDTBL + 2 * pin, (uint32_t)entry);
}

int main(void)
{
	irq_reset();
	ioapic_init(&io);
	io.deliver = deliver;
	report(read_reg(IOAPIC_VERSION) == 0x170020, "version 0x20 with 24 entries");
	report(read_reg(IOAPIC_REDTBL) & IOAPIC_RTE_MASKED, "entries start masked");
	write_reg(IOAPIC_ID, 0x02000000);
	report(read_reg(IOAPIC_ID) == 0x02000000, "the ID register holds bits 24-27");

	ioapic_set_pin(&io, 4, 1);
	report(delivered == 0, "a masked pin delivers nothing");
	route(4, 0x31 | (1ULL << IOAPIC_RTE_DEST_SHIFT));
	report(delivered == 1, "unmasking delivers the edge latched while masked");
	report(last_addr == 0xfee01000 && last_data == 0x31, "MSI to APIC 1 with vector 0x31, fixed, edge");
	ioapic_set_pin(&io, 4, 0);
	ioapic_set_pin(&io, 4, 1);
	report(delivered == 2, "each rising edge delivers once");

	route(9, 0x41 | IOAPIC_RTE_LEVEL);
	ioapic_set_pin(&io, 9, 1);
	report(delivered == 3 && (last_data & MSI_DATA_LEVEL), "a level pin delivers with the trigger bit");
	report(read_reg(IOAPIC_REDTBL + 18) & IOAPIC_RTE_REMOTE_IRR, "remote IRR is set until EOI");
	write_reg(IOAPIC_REDTBL + 18, 0x41 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_REMOTE_IRR);
	report(read_reg(IOAPIC_REDTBL + 18) & IOAPIC_RTE_REMOTE_IRR, "remote IRR cannot be written");
	ioapic_eoi(&io, 0x41);
	report(delivered == 4, "EOI with the line still high delivers again");
	ioapic_set_pin(&io, 9, 0);
	ioapic_eoi(&io, 0x41);
	report(delivered == 4 && !(read_reg(IOAPIC_REDTBL + 18) & IOAPIC_RTE_REMOTE_IRR),
	       "EOI after the line dropped just clears remote IRR");
	ioapic_mmio_write(&io, IOAPIC_REG_EOI, 0x41, 4);
	report(delivered == 4, "the EOI register is accepted");

	route(2, 0x30 | IOAPIC_RTE_DESTMODE | (0xffULL << IOAPIC_RTE_DEST_SHIFT));
	report(delivered == 4, "programming pin 2 alone delivers nothing");
	ioapic_set_pin(&io, IOAPIC_ISA_IRQ0_PIN, 1);
	report(delivered == 5 && last_addr == (0xfee00000 | 0xff000 | MSI_ADDR_DESTMODE),
	       "pin 2 (the PIT's IRQ 0) delivers in logical mode to all");
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, 0x7f, 4);
	report((uint32_t)ioapic_mmio_read(&io, IOAPIC_REG_WINDOW, 4) == 0xffffffff,
	       "a register past the table reads all ones");
	ioapic_set_pin(&io, 99, 1);
	report(delivered == 5, "an out-of-range pin is ignored");
	return check_summary("test_ioapic");
}
