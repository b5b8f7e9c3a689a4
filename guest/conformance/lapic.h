/* lapic.h: the local APIC (Intel SDM vol. 3, chapter 11), xAPIC MMIO mode. */
#ifndef CONFORMANCE_LAPIC_H
#define CONFORMANCE_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_DEFAULT_BASE	0xfee00000u
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_ENABLE	(1u << 11)	/* global enable in MSR_APIC_BASE */
#define MSR_TSC_DEADLINE	0x6e0

#define LAPIC_ID		0x020	/* bits 31-24 */
#define LAPIC_VERSION		0x030	/* version 7-0, max LVT 23-16 */
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0	/* spurious vector, bit 8 software enable */
#define LAPIC_ISR		0x100	/* in service, 8 x 32 bits every 0x10 */
#define LAPIC_TMR		0x180	/* trigger mode (level) */
#define LAPIC_IRR		0x200	/* requested */
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310	/* destination in bits 31-24 */
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_ICR		0x380	/* initial count */
#define LAPIC_TIMER_CCR		0x390	/* current count */
#define LAPIC_TIMER_DCR		0x3e0	/* divide configuration */

#define LAPIC_SVR_ENABLE	(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_DELIVERY_NMI	0x400
#define LVT_DELIVERY_EXTINT	0x700
#define LVT_TIMER_PERIODIC	(1u << 17)
#define LVT_TIMER_TSC_DEADLINE	(2u << 17)
#define TIMER_DIVIDE_16		0x3
#define ICR_DELIVERY_NMI	0x400
#define ICR_DELIVERY_INIT	0x500
#define ICR_DELIVERY_STARTUP	0x600
#define ICR_LEVEL_ASSERT	0x4000
#define ICR_PENDING		(1u << 12)	/* delivery status: send pending */
#define ICR_DEST_SELF		0x40000
#define ICR_DEST_ALL_BUT_SELF	0xc0000

uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);
/* Software-enables the LAPIC; LINT0 as ExtINT (the 8259's wire) if extint. */
void lapic_enable(bool extint);
unsigned lapic_id(void);
void lapic_eoi(void);
/* The bit for vector in one of the 256-bit registers (ISR, TMR, IRR). */
int lapic_vector_bit(unsigned reg, unsigned vector);
void lapic_checks(unsigned cpus);

#endif
