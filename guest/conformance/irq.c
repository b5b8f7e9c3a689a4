/* irq.c: the IDT and ISA IRQ routing for the device checks. */
#include "console.h"
#include "io.h"
#include "ioapic.h"
#include "irq.h"
#include "lapic.h"
#include "pic.h"
#include "report.h"
#include "string.h"

#define IDT_GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define SEL_CODE64		0x10	/* the probe's GDT (entry_state.h) */
#define EXCEPTION_VECTORS	32
#define ISR_STUB_SIZE		16	/* isr.S aligns each stub to 16 bytes */
#define IRQ0_OVERRIDE_PIN	2	/* ISA IRQ 0 arrives on IOAPIC pin 2 */

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

extern char isr_stubs[];
static struct idt_gate idt[256] __attribute__((aligned(16)));
volatile uint32_t irq_count[256];
static void (*hooks[256])(unsigned vector);
static uint8_t auto_eoi[256];		/* irq + 1 to acknowledge after the hook; 0: none */
static enum intc controller;

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uintptr_t)isr_stubs + v * ISR_STUB_SIZE;

		idt[v] = (struct idt_gate){ (uint16_t)a, SEL_CODE64, 0, IDT_GATE_INTERRUPT,
					    (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
	}
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void irq_set_hook(unsigned vector, void (*fn)(unsigned vector))
{
	hooks[vector & 0xff] = fn;
}

void irq_manual_eoi(unsigned vector)
{
	auto_eoi[vector & 0xff] = 0;
}

void irq_dispatch(uint64_t vector, uint64_t error, uint64_t rip)
{
	if (vector < EXCEPTION_VECTORS) {
		console_use_uart(true);
		printk("probe: error code=EXCEPTION what=\"CPU exception %llu error 0x%llx at rip 0x%llx\"\n",
		       (unsigned long long)vector, (unsigned long long)error, (unsigned long long)rip);
		report_done();
		vm_exit(EXIT_SOME_FAILED);
	}
	if (hooks[vector])
		hooks[vector]((unsigned)vector);
	irq_count[vector]++;
	if (auto_eoi[vector])
		irq_eoi(auto_eoi[vector] - 1u);
}

enum intc irq_controller(void)
{
	return controller;
}

const char *irq_controller_name(void)
{
	return controller == INTC_PIC ? "pic" : controller == INTC_IOAPIC ? "ioapic" : "none";
}

void irq_setup(bool pic_present, bool ioapic_present)
{
	lapic_enable(pic_present);
	if (pic_present)
		pic_init(VEC_PIC_MASTER, VEC_PIC_SLAVE);
	if (ioapic_present)
		ioapic_mask_all();
	controller = pic_present ? INTC_PIC : ioapic_present ? INTC_IOAPIC : INTC_NONE;
}

static unsigned ioapic_pin(unsigned irq)
{
	return irq == 0 ? IRQ0_OVERRIDE_PIN : irq;
}

unsigned irq_unmask(unsigned irq)
{
	unsigned vector = 0;

	if (controller == INTC_PIC) {
		vector = (irq < 8 ? VEC_PIC_MASTER : VEC_PIC_SLAVE - 8) + irq;
		pic_unmask(irq);
	} else if (controller == INTC_IOAPIC) {
		vector = VEC_IOAPIC_BASE + irq;
		ioapic_route(ioapic_pin(irq), vector, false, lapic_id());
	}
	if (vector)
		auto_eoi[vector] = (uint8_t)(irq + 1);
	return vector;
}

void irq_mask(unsigned irq)
{
	if (controller == INTC_PIC)
		pic_mask(irq);
	else if (controller == INTC_IOAPIC)
		ioapic_mask(ioapic_pin(irq));
}

void irq_eoi(unsigned irq)
{
	if (controller == INTC_PIC)
		pic_eoi(irq);
	else if (controller == INTC_IOAPIC)
		lapic_eoi();
}

bool irq_wait(unsigned vector, uint32_t want, uint64_t timeout_tsc)
{
	uint64_t start = rdtsc();

	irq_enable();
	while (irq_count[vector] < want && rdtsc() - start < timeout_tsc)
		cpu_relax();
	irq_disable();
	return irq_count[vector] >= want;
}

void irq_settle(void)
{
	uint64_t start = rdtsc();

	irq_enable();
	while (rdtsc() - start < IRQ_SETTLE_TSC)
		cpu_relax();
	irq_disable();
}
