/* pic_i8259.h: the cascaded i8259A pair (master at 0x20, slave at 0xa0, ELCR at 0x4d0). */
#ifndef MVM_PIC_I8259_H
#define MVM_PIC_I8259_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_BASE   0x20
#define PIC_SLAVE_BASE    0xa0
#define PIC_ELCR_BASE     0x4d0		/* edge/level control, one byte per chip */
#define PIC_CASCADE_IRQ   2		/* the slave's output enters the master here */

#define PIC_ICW1          0x10		/* command port: initialisation word 1 */
#define PIC_ICW1_IC4      0x01		/* ICW4 follows */
#define PIC_ICW1_SNGL     0x02		/* single chip, no ICW3 */
#define PIC_OCW3          0x08		/* command port: OCW3 (else OCW2) */
#define PIC_OCW3_POLL     0x04
#define PIC_OCW3_RR       0x02		/* read register command */
#define PIC_OCW3_RIS      0x01		/* 1: read ISR, 0: read IRR */
#define PIC_OCW3_ESMM     0x40		/* enable special mask mode change */
#define PIC_OCW3_SMM      0x20
#define PIC_ICW4_AEOI     0x02		/* automatic end of interrupt */
#define PIC_ICW4_SFNM     0x10		/* special fully nested mode */
#define PIC_ELCR_MASK_MASTER 0xf8	/* IRQ 0-2 are always edge */
#define PIC_ELCR_MASK_SLAVE  0xde	/* IRQ 8 and 13 are always edge */

struct pic;

struct pic_chip {
	struct pic *owner;
	bool master;
	uint8_t irr, imr, isr, last_irr, elcr, elcr_mask;
	uint8_t priority_add, irq_base, init_state;
	bool read_isr, poll, special_mask, auto_eoi, rotate_on_aeoi, sfnm, init4, single;
};

struct pic {
	struct pic_chip chip[2];	/* 0 master, 1 slave */
	bool output;			/* the master's INT pin */
};

void pic_init(struct pic *p);
void pic_set_irq(struct pic *p, unsigned irq, int level);	/* irq 0-15 */
/* INTA cycle: the vector to deliver (spurious IRQ 7/15 when nothing is pending). */
uint8_t pic_acknowledge(struct pic *p);
uint64_t pic_port_read(void *opaque, uint64_t offset, unsigned size);	/* opaque: chip */
void pic_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

/* The machine's PIC, or NULL with pic=off. */
extern struct pic *machine_pic;

#endif
