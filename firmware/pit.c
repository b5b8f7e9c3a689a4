/*
 * pit.c: the i8254 programmable interval timer. The read-back command latches counter 0's
 * status byte; a present PIT returns its mode bits, an absent one floats to 0xff.
 */
#include "board.h"

#define PIT_CH0		(PIT_BASE + 0)	/* counter 0 data */
#define PIT_CMD		(PIT_BASE + 3)	/* mode/command register */
#define PIT_READBACK_STATUS0 0xe2 /* read-back: latch status only (not count), counter 0 */
#define PIT_MODE_RATEGEN 0x34	/* counter 0, lobyte/hibyte, mode 2, binary */
#define PIT_FLOATING	0xff

int pit_probe_and_init(void)
{
	outb(PIT_CMD, PIT_READBACK_STATUS0);
	if (inb(PIT_CH0) == PIT_FLOATING)
		return 0;
	/*
	 * Counter 0 as a free-running rate generator with the longest period: the state
	 * a PC BIOS leaves (18.2 Hz is a divisor of 65536); the kernel reprograms it.
	 */
	outb(PIT_CMD, PIT_MODE_RATEGEN);
	outb(PIT_CH0, 0);
	outb(PIT_CH0, 0);
	return 1;
}
