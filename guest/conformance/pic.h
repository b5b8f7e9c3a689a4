/* pic.h: the 8259A pair (master at 0x20, slave at 0xa0, cascaded on IRQ 2). */
#ifndef CONFORMANCE_PIC_H
#define CONFORMANCE_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_CMD	0x20
#define PIC_MASTER_DATA	0x21	/* IMR after init */
#define PIC_SLAVE_CMD	0xa0
#define PIC_SLAVE_DATA	0xa1
#define PIC_ICW1_INIT	0x11	/* edge, cascade, ICW4 follows */
#define PIC_ICW3_MASTER	0x04	/* slave on IRQ 2 */
#define PIC_ICW3_SLAVE	0x02	/* cascade identity 2 */
#define PIC_ICW4_8086	0x01
#define PIC_OCW3_IRR	0x0a	/* next read of CMD returns IRR */
#define PIC_OCW3_ISR	0x0b	/* next read of CMD returns ISR */
#define PIC_EOI		0x20	/* non-specific EOI */
#define PIC_SEOI	0x60	/* specific EOI, | level */
#define PIC_CASCADE_IRQ	2

bool pic_probe(void);
void pic_init(unsigned master_vector, unsigned slave_vector);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_eoi(unsigned irq);
/* IRR or ISR of both chips as a 16-bit mask (bit n = IRQ n). */
uint16_t pic_irr(void);
uint16_t pic_isr(void);
void pic_checks(bool pit_present, bool rtc_present);
/* After every other check: how IRQ 7/15 acknowledges of vanished requests went. */
void pic_spurious_check(void);

#endif
