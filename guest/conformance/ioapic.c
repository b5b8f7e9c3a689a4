/* ioapic.c: driving and checking the IOAPIC: version and size, redirection
 * entries, edge delivery (PIT IRQ 0 on pin 2), level delivery with remote IRR
 * and EOI (the UART's IRQ 4, which stays asserted), and masking. */
#include "io.h"
#include "ioapic.h"
#include "irq.h"
#include "lapic.h"
#include "pic.h"
#include "pit.h"
#include "report.h"
#include "uart.h"

#define IOAPIC_VERSION_82093	0x11
#define IOAPIC_VERSION_PCH	0x20
#define IOAPIC_MIN_PINS		24
#define PIN_PIT			2	/* ISA IRQ 0 with the override */
#define PIN_UART		4
#define VEC_EDGE		0x70	/* one vector per test: a straggler */
#define VEC_LEVEL		0x71	/* from one cannot pass for the next */
#define COM1			0x3f8
#define QUIET_TSC		100000000ull

uint32_t ioapic_read(unsigned reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_WINDOW);
}

void ioapic_write(unsigned reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_WINDOW, v);
}

bool ioapic_probe(void)
{
	return ioapic_read(IOAPIC_REG_VERSION) != 0xffffffffu;
}

static unsigned pins(void)
{
	return ((ioapic_read(IOAPIC_REG_VERSION) >> 16) & 0xff) + 1;
}

void ioapic_mask_all(void)
{
	for (unsigned p = 0; p < pins(); p++)
		ioapic_mask(p);
}

void ioapic_route(unsigned pin, unsigned vector, bool level, unsigned dest)
{
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin + 1, dest << REDIR_DEST_SHIFT);
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, vector | (level ? REDIR_LEVEL : 0));
}

void ioapic_mask(unsigned pin)
{
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, REDIR_MASKED);
}

static uint32_t redir_lo(unsigned pin)
{
	return ioapic_read(IOAPIC_REG_REDTBL + 2 * pin);
}

static void check_version(void)
{
	uint32_t v = ioapic_read(IOAPIC_REG_VERSION);

	check("ioapic-version",
	      ((v & 0xff) == IOAPIC_VERSION_82093 || (v & 0xff) == IOAPIC_VERSION_PCH) && pins() >= IOAPIC_MIN_PINS,
	      "the IOAPIC reports version 0x11 or 0x20 and at least 24 redirection entries",
	      "version register 0x%x", v);
}

static void check_redirection_rw(void)
{
	unsigned pin = pins() - 1;

	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin + 1, 0x5au << REDIR_DEST_SHIFT);
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, REDIR_MASKED | REDIR_LEVEL | 0xa5);
	uint32_t lo = redir_lo(pin), hi = ioapic_read(IOAPIC_REG_REDTBL + 2 * pin + 1);

	ioapic_mask(pin);
	check("ioapic-redir-rw", (lo & (REDIR_MASKED | REDIR_LEVEL | 0xff)) == (REDIR_MASKED | REDIR_LEVEL | 0xa5) &&
	      hi >> REDIR_DEST_SHIFT == 0x5a,
	      "a redirection entry reads back its vector, trigger mode, mask and destination",
	      "low 0x%x high 0x%x", lo, hi);
}

static void eoi_hook(unsigned vector)
{
	(void)vector;
	lapic_eoi();
}

static void check_edge(void)
{
	uint32_t before = irq_count[VEC_EDGE];

	irq_set_hook(VEC_EDGE, eoi_hook);
	pit_start_periodic(PIT_HZ / 1000);
	ioapic_route(PIN_PIT, VEC_EDGE, false, lapic_id());
	bool ok = irq_wait(VEC_EDGE, before + 2, IRQ_TIMEOUT_TSC);

	ioapic_mask(PIN_PIT);
	pit_stop();
	irq_settle();
	check("ioapic-edge", ok, "PIT IRQ 0 arrives edge-triggered through pin 2 (the IRQ0 override)",
	      "%u interrupts", irq_count[VEC_EDGE] - before);
}

static volatile uint32_t remote_irr_in_handler;

static void uart_line(bool high);

static void level_handler(unsigned vector)
{
	(void)vector;
	remote_irr_in_handler = redir_lo(PIN_UART) & REDIR_REMOTE_IRR;
	uart_line(false);		/* drop the line before the EOI */
	lapic_eoi();
}

/* The UART's THRE interrupt holds IRQ 4 high until serviced: a level source. */
static void uart_line(bool high)
{
	outb(COM1 + UART_IER, high ? UART_IER_THRI : 0);
	(void)inb(COM1 + UART_IIR);
}

static bool level_delivered(uint32_t before)
{
	return irq_wait(VEC_LEVEL, before + 1, IRQ_TIMEOUT_TSC);
}

static void report_level(const char *id, const char *what, bool got)
{
	check(id, got && remote_irr_in_handler && !(redir_lo(PIN_UART) & REDIR_REMOTE_IRR), what,
	      "delivered=%d remote IRR in handler=%d after EOI=%d; lapic irr=%d isr=%d tmr=%d", got,
	      remote_irr_in_handler != 0, (redir_lo(PIN_UART) & REDIR_REMOTE_IRR) != 0,
	      lapic_vector_bit(LAPIC_IRR, VEC_LEVEL), lapic_vector_bit(LAPIC_ISR, VEC_LEVEL),
	      lapic_vector_bit(LAPIC_TMR, VEC_LEVEL));
}

/* Three cases of one level-triggered pin: raised while routed; raised while
 * masked (nothing may arrive); and raised while masked then unmasked (it
 * must arrive then, since the line is still high). */
static void check_level_and_mask(void)
{
	uint32_t before = irq_count[VEC_LEVEL];

	irq_set_hook(VEC_LEVEL, level_handler);
	outb(COM1 + UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	remote_irr_in_handler = 0;
	ioapic_route(PIN_UART, VEC_LEVEL, true, lapic_id());
	uart_line(true);
	report_level("ioapic-level", "a level interrupt (UART IRQ 4) sets remote IRR while in service, and the EOI clears it",
		     level_delivered(before));

	before = irq_count[VEC_LEVEL];
	remote_irr_in_handler = 0;
	ioapic_write(IOAPIC_REG_REDTBL + 2 * PIN_UART, VEC_LEVEL | REDIR_LEVEL | REDIR_MASKED);
	uart_line(true);
	check("ioapic-mask", !irq_wait(VEC_LEVEL, before + 1, QUIET_TSC),
	      "a masked pin delivers nothing while its line is high", NULL);
	ioapic_route(PIN_UART, VEC_LEVEL, true, lapic_id());
	report_level("ioapic-unmask-pending", "unmasking a pin whose level line is high delivers the interrupt",
		     level_delivered(before));

	ioapic_mask(PIN_UART);
	uart_line(false);
	outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	irq_settle();
	irq_set_hook(VEC_LEVEL, 0);
}

void ioapic_checks(bool pit_present, bool uart_present, bool pic_present)
{
	if (pic_present) {		/* keep the 8259 out of the way */
		pic_mask(0);
		pic_mask(4);
	}
	check_version();
	check_redirection_rw();
	if (pit_present)
		check_edge();
	else
		skip("ioapic-edge", "no PIT to raise IRQ 0");
	if (uart_present)
		check_level_and_mask();
	else {
		skip("ioapic-level", "no UART to hold IRQ 4 high");
		skip("ioapic-mask", "no UART to hold IRQ 4 high");
		skip("ioapic-unmask-pending", "no UART to hold IRQ 4 high");
	}
}
