/*
 * serial/uart.c: probe and drive the 16550 at COM1. An absent UART floats (reads 0xff),
 * so the scratch register is the presence test: it holds what was written only if a
 * chip is there.
 */
#include "uart.h"

#define UART_THR	(UART_BASE + 0)	/* transmit holding register (DLAB=0) */
#define UART_DLL	(UART_BASE + 0)	/* divisor latch low (DLAB=1) */
#define UART_IER	(UART_BASE + 1)	/* interrupt enable (DLAB=0) */
#define UART_DLM	(UART_BASE + 1)	/* divisor latch high (DLAB=1) */
#define UART_FCR	(UART_BASE + 2)	/* FIFO control (write) */
#define UART_LCR	(UART_BASE + 3)	/* line control */
#define UART_MCR	(UART_BASE + 4)	/* modem control */
#define UART_LSR	(UART_BASE + 5)	/* line status */
#define UART_SCR	(UART_BASE + 7)	/* scratch */

#define UART_LCR_8N1	0x03		/* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB	0x80		/* divisor latch access */
#define UART_FCR_ENABLE	0x07		/* enable FIFOs and clear both */
#define UART_MCR_DTR_RTS 0x03		/* data terminal ready, request to send */
#define UART_MCR_OUT2	0x08		/* gates the IRQ line on PCs; left off */
#define UART_LSR_THRE	0x20		/* transmit holding register (FIFO) empty */
#define UART_DIV_115200	1		/* 1.8432 MHz / 16 / 115200 */
#define UART_FIFO_SIZE	16		/* bytes the 16550A FIFO takes after THRE */
#define UART_SCR_TEST	0x5a
#define UART_THRE_SPINS	100000		/* give up waiting on a stuck UART: never hang */

int uart_probe_and_init(void)
{
	outb(UART_SCR, UART_SCR_TEST);
	if (inb(UART_SCR) != UART_SCR_TEST)
		return 0;
	outb(UART_IER, 0);		/* polled: the kernel decides about interrupts */
	outb(UART_LCR, UART_LCR_DLAB);
	outb(UART_DLL, UART_DIV_115200);
	outb(UART_DLM, 0);
	outb(UART_LCR, UART_LCR_8N1);
	outb(UART_FCR, UART_FCR_ENABLE);
	outb(UART_MCR, UART_MCR_DTR_RTS);
	return 1;
}

/* A stuck UART must not hang the boot: give up waiting after a while. */
static void wait_thre_slow(void)
{
	uint32_t spins = UART_THRE_SPINS;

	while (!(inb(UART_LSR) & UART_LSR_THRE) && --spins)
		;
}

/* Wait for an empty FIFO, then fill it in one burst; the common case is one `in`. */
void uart_write(const char *s, uint32_t n)
{
	for (; n > UART_FIFO_SIZE; n -= UART_FIFO_SIZE, s += UART_FIFO_SIZE) {
		if (!(inb(UART_LSR) & UART_LSR_THRE))
			wait_thre_slow();
		outsb(UART_THR, s, UART_FIFO_SIZE);
	}
	if (!(inb(UART_LSR) & UART_LSR_THRE))
		wait_thre_slow();
	outsb(UART_THR, s, n);
}
