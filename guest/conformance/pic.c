/* pic.c: driving and checking the 8259 pair: mask register, IRR and ISR
 * around a real interrupt (the PIT's IRQ 0), specific and non-specific EOI,
 * and the cascade through IRQ 2 (the RTC's IRQ 8). */
#include "io.h"
#include "irq.h"
#include "pic.h"
#include "pit.h"
#include "report.h"
#include "rtc.h"

#define IRQ_PIT		0
#define IRQ_RTC		8
/* Long enough for a PIT period even when the engine's timer thread is starved on a loaded
 * host (24 ms was not, under TCG at load 8); the wait ends as soon as IRR shows the edge. */
#define SETTLE_TSC	IRQ_TIMEOUT_TSC

#define SPURIOUS_LEVEL	7	/* a vanished request is acknowledged as IRQ 7 of its chip */

static volatile uint16_t isr_in_handler;
static volatile unsigned spurious_seen, spurious_real;

bool pic_probe(void)
{
	uint8_t old = inb(PIC_MASTER_DATA);

	outb(PIC_MASTER_DATA, 0xa5);
	bool ok = inb(PIC_MASTER_DATA) == 0xa5;

	outb(PIC_MASTER_DATA, 0x5a);
	ok = ok && inb(PIC_MASTER_DATA) == 0x5a;
	outb(PIC_MASTER_DATA, old);
	return ok;
}

/* IRQ 7 / 15 handlers: a request that vanished between INT and INTA (a line
 * masked or lowered in between) comes back as level 7 with its ISR bit
 * clear. Such a spurious IRQ takes no EOI on its own chip, but a spurious 15
 * still holds master level 2, which needs one. */
static void spurious_hook(unsigned vector)
{
	bool slave = vector == VEC_PIC_SLAVE + SPURIOUS_LEVEL;
	uint16_t isr = pic_isr();

	if (isr & (1u << (SPURIOUS_LEVEL + (slave ? 8 : 0)))) {
		spurious_real++;
		pic_eoi(slave ? 15 : 7);
		return;
	}
	spurious_seen++;
	if (slave)
		outb(PIC_MASTER_CMD, PIC_EOI);
}

void pic_init(unsigned master_vector, unsigned slave_vector)
{
	outb(PIC_MASTER_CMD, PIC_ICW1_INIT);
	outb(PIC_SLAVE_CMD, PIC_ICW1_INIT);
	outb(PIC_MASTER_DATA, (uint8_t)master_vector);
	outb(PIC_SLAVE_DATA, (uint8_t)slave_vector);
	outb(PIC_MASTER_DATA, PIC_ICW3_MASTER);
	outb(PIC_SLAVE_DATA, PIC_ICW3_SLAVE);
	outb(PIC_MASTER_DATA, PIC_ICW4_8086);
	outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
	/* Everything masked but the cascade: IRQs are opened one by one. */
	outb(PIC_MASTER_DATA, (uint8_t)~(1u << PIC_CASCADE_IRQ));
	outb(PIC_SLAVE_DATA, 0xff);
	irq_set_hook(master_vector + SPURIOUS_LEVEL, spurious_hook);
	irq_set_hook(slave_vector + SPURIOUS_LEVEL, spurious_hook);
}

void pic_spurious_check(void)
{
	report_line("pic spurious=%u real_irq7=%u", spurious_seen, spurious_real);
	if (!spurious_seen && !spurious_real) {
		skip("pic-spurious", "no spurious IRQ 7 or 15 occurred (QEMU cannot be made to raise one on purpose)");
		return;
	}
	check("pic-spurious", spurious_real == 0 && pic_isr() == 0,
	      "vanished requests came back as IRQ 7/15 with the ISR bit clear, and no level is left in service",
	      "%u spurious, %u with ISR bit 7 set, isr now 0x%x", spurious_seen, spurious_real, pic_isr());
}

void pic_unmask(unsigned irq)
{
	uint16_t port = irq < 8 ? PIC_MASTER_DATA : PIC_SLAVE_DATA;

	outb(port, inb(port) & (uint8_t)~(1u << (irq & 7)));
}

void pic_mask(unsigned irq)
{
	uint16_t port = irq < 8 ? PIC_MASTER_DATA : PIC_SLAVE_DATA;

	outb(port, inb(port) | (uint8_t)(1u << (irq & 7)));
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC_SLAVE_CMD, PIC_EOI);
	outb(PIC_MASTER_CMD, PIC_EOI);
}

static uint16_t read_pair(uint8_t ocw3)
{
	outb(PIC_MASTER_CMD, ocw3);
	outb(PIC_SLAVE_CMD, ocw3);
	return (uint16_t)(inb(PIC_MASTER_CMD) | inb(PIC_SLAVE_CMD) << 8);
}

uint16_t pic_irr(void) { return read_pair(PIC_OCW3_IRR); }
uint16_t pic_isr(void) { return read_pair(PIC_OCW3_ISR); }

static void record_isr(unsigned vector)
{
	(void)vector;
	isr_in_handler = pic_isr();
}

static void check_imr(void)
{
	uint8_t m = inb(PIC_MASTER_DATA), s = inb(PIC_SLAVE_DATA);

	outb(PIC_MASTER_DATA, 0x5b);
	outb(PIC_SLAVE_DATA, 0xa4);
	bool ok = inb(PIC_MASTER_DATA) == 0x5b && inb(PIC_SLAVE_DATA) == 0xa4;

	outb(PIC_MASTER_DATA, m);
	outb(PIC_SLAVE_DATA, s);
	check("pic-imr", ok, "both interrupt mask registers read back what was written", NULL);
}

/* IRR latches a masked edge; unmasking delivers it, ISR holds it in service
 * until the EOI; both EOI forms clear it. */
static void check_irr_isr_eoi(void)
{
	unsigned vec = VEC_PIC_MASTER + IRQ_PIT;

	pic_mask(IRQ_PIT);
	pit_start_periodic(PIT_HZ / 1000);		/* 1 kHz */
	for (uint64_t t = rdtsc(); !(pic_irr() & 1) && rdtsc() - t < SETTLE_TSC;)
		cpu_relax();
	check("pic-irr", pic_irr() & (1u << IRQ_PIT), "a masked IRQ 0 edge is latched in IRR",
	      "irr=0x%x", pic_irr());

	irq_set_hook(vec, record_isr);
	irq_manual_eoi(vec);
	uint32_t before = irq_count[vec];

	pic_unmask(IRQ_PIT);
	irq_wait(vec, before + 1, IRQ_TIMEOUT_TSC);
	pic_mask(IRQ_PIT);
	check("pic-isr", irq_count[vec] > before && (isr_in_handler & 1) && (pic_isr() & 1),
	      "IRQ 0 is delivered at vector base + 0 and stays in ISR until the EOI",
	      "interrupts=%u isr in handler=0x%x now=0x%x", irq_count[vec] - before,
	      isr_in_handler, pic_isr());
	outb(PIC_MASTER_CMD, PIC_EOI);
	check("pic-eoi-nonspecific", !(pic_isr() & 1), "a non-specific EOI clears the ISR bit",
	      "isr=0x%x", pic_isr());

	before = irq_count[vec];
	pic_unmask(IRQ_PIT);
	irq_wait(vec, before + 1, IRQ_TIMEOUT_TSC);
	pic_mask(IRQ_PIT);
	bool in_service = pic_isr() & 1;

	outb(PIC_MASTER_CMD, PIC_SEOI | IRQ_PIT);
	check("pic-eoi-specific", in_service && !(pic_isr() & 1),
	      "a specific EOI for level 0 clears that ISR bit", "in service before=%d isr after=0x%x",
	      in_service, pic_isr());
	pit_stop();
	irq_settle();
	irq_set_hook(vec, 0);
}

/* RTC periodic interrupt on IRQ 8: slave ISR bit 0 and master ISR bit 2. */
static void check_cascade(void)
{
	unsigned vec = VEC_PIC_SLAVE + (IRQ_RTC - 8);
	uint32_t before = irq_count[vec];

	irq_set_hook(vec, record_isr);
	irq_manual_eoi(vec);
	rtc_periodic_start();
	pic_unmask(IRQ_RTC);
	bool got = irq_wait(vec, before + 1, IRQ_TIMEOUT_TSC);

	pic_mask(IRQ_RTC);
	rtc_periodic_stop();
	outb(PIC_SLAVE_CMD, PIC_EOI);
	outb(PIC_MASTER_CMD, PIC_EOI);
	irq_set_hook(vec, 0);
	check("pic-cascade", got && (isr_in_handler & (1u << IRQ_RTC)) &&
	      (isr_in_handler & (1u << PIC_CASCADE_IRQ)),
	      "IRQ 8 arrives through the slave, in service on slave level 0 and master level 2",
	      "delivered=%d isr=0x%x", got, isr_in_handler);
}

void pic_checks(bool pit_present, bool rtc_present)
{
	check_imr();
	if (pit_present)
		check_irr_isr_eoi();
	else
		skip("pic-irr", "no PIT to raise IRQ 0");
	if (rtc_present)
		check_cascade();
	else
		skip("pic-cascade", "no RTC to raise IRQ 8");
}
