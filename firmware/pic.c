/*
 * pic.c: the two i8259 interrupt controllers. The interrupt mask register keeps what is
 * written to it, an absent chip floats to 0xff: a test pattern tells them apart. Present
 * ones are initialised (qboot leaves them in their reset state on microvm) with vectors
 * moved off the CPU exceptions, and every line masked: nothing may interrupt the boot, and
 * the kernel's own probe expects to read back the 0xff it writes.
 */
#include "board.h"

#define PIC1_CMD	(PIC_BASE + 0)	/* master: ICW1 / OCW2 / OCW3 */
#define PIC1_DATA	(PIC_BASE + 1)	/* master: ICW2-4 / interrupt mask */
#define PIC2_CMD	0xa0	/* slave */
#define PIC2_DATA	0xa1
#define PIC_ICW1_INIT	0x11	/* edge triggered, cascade, ICW4 follows */
#define PIC1_VECTOR	0x20	/* master IRQ0-7 -> vectors 0x20-0x27 */
#define PIC2_VECTOR	0x28	/* slave IRQ8-15 -> vectors 0x28-0x2f */
#define PIC1_ICW3_SLAVE_ON_IR2 0x04
#define PIC2_ICW3_CASCADE_ID 0x02
#define PIC_ICW4_8086	0x01
#define PIC_MASK_ALL	0xff
#define PIC_TEST	0xa5	/* mask pattern for the presence test (interrupts are off) */

static int pic_answers(uint16_t data)
{
	outb(data, PIC_TEST);
	return inb(data) == PIC_TEST;
}

static void pic_init(uint16_t cmd, uint16_t data, uint8_t vector, uint8_t icw3)
{
	outb(cmd, PIC_ICW1_INIT);
	outb(data, vector);
	outb(data, icw3);
	outb(data, PIC_ICW4_8086);
	outb(data, PIC_MASK_ALL);
}

void pic_probe_and_init(int *master, int *slave)
{
	*master = pic_answers(PIC1_DATA);
	*slave = pic_answers(PIC2_DATA);
	if (*master)
		pic_init(PIC1_CMD, PIC1_DATA, PIC1_VECTOR, PIC1_ICW3_SLAVE_ON_IR2);
	if (*slave)
		pic_init(PIC2_CMD, PIC2_DATA, PIC2_VECTOR, PIC2_ICW3_CASCADE_ID);
}
