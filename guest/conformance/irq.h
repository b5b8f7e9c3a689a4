/* irq.h: the device suite's interrupt plumbing. A 64-bit IDT whose vectors
 * count their arrivals, and the routing of an ISA IRQ through the interrupt
 * controller in use: the 8259 pair when present (LAPIC LINT0 as ExtINT),
 * else the IOAPIC. */
#ifndef CONFORMANCE_IRQ_H
#define CONFORMANCE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define VEC_PIC_MASTER	0x20	/* IRQ 0-7 through the 8259 */
#define VEC_PIC_SLAVE	0x28	/* IRQ 8-15 */
#define VEC_IOAPIC_BASE	0x40	/* IRQ n through the IOAPIC: 0x40 + n */
#define VEC_LAPIC_TIMER	0x60
#define VEC_IPI		0x61
#define VEC_SPURIOUS	0xff

#define IRQ_TIMEOUT_TSC	4000000000ull	/* about 1-2 s of TSC: a missing interrupt */
#define IRQ_SETTLE_TSC	20000000ull	/* about 10 ms */

enum intc { INTC_NONE, INTC_PIC, INTC_IOAPIC };

extern volatile uint32_t irq_count[256];
/* Called from isr.S. Exceptions (vectors 0-31) report and end the VM. */
void irq_dispatch(uint64_t vector, uint64_t error, uint64_t rip);
/* Optional hook run inside the handler before the count is bumped. */
void irq_set_hook(unsigned vector, void (*fn)(unsigned vector));
void idt_init(void);
/* irq_unmask() makes the handler acknowledge the IRQ; this turns that off. */
void irq_manual_eoi(unsigned vector);

/* Which controller ISA IRQs go through, chosen by irq_setup(). */
enum intc irq_controller(void);
const char *irq_controller_name(void);
void irq_setup(bool pic_present, bool ioapic_present);
/* Route (unmask) or mask an ISA IRQ; vector it arrives on. */
unsigned irq_unmask(unsigned irq);
void irq_mask(unsigned irq);
void irq_eoi(unsigned irq);
/* Takes whatever is still in flight after a source was masked. */
void irq_settle(void);
/* Enables interrupts until irq_count[vector] >= want or the timeout; true on success. */
bool irq_wait(unsigned vector, uint32_t want, uint64_t timeout_tsc);

#endif
