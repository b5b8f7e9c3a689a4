/* irq.h: interrupt lines of the machine. A device drives a line (ISA IRQ / GSI 0-23) up or
 * down; the line fans out to every interrupt controller that registered a sink (the i8259
 * pair for 0-15, the IOAPIC for 0-23), as the ISA bus wires one IRQ to both chips. */
#ifndef MVM_IRQ_H
#define MVM_IRQ_H

#include <stdint.h>

#define IRQ_LINES 24		/* IOAPIC pins = GSIs */

typedef void (*irq_sink_fn)(void *opaque, unsigned gsi, int level);

void irq_add_sink(irq_sink_fn fn, void *opaque);
void irq_set_level(unsigned gsi, int level);
/* An edge: up then down (the PIT's and RTC's way of interrupting). */
void irq_pulse(unsigned gsi);
/* The current level of a line, for tests and for level re-delivery. */
int irq_get_level(unsigned gsi);
/* Forget sinks and levels (unit tests). */
void irq_reset(void);

/* Where the i8259's INT output goes: the vCPU loop of CPU 0 (ExtINT through the LAPIC's
 * LINT0). Set by vcpu.c; the PIC calls it whenever its output may have changed. */
extern void (*irq_extint_changed)(void);

#endif
