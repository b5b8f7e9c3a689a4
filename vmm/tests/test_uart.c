/* test_uart.c: the 16550A: scratch, divisor latch, FIFO identification, loopback,
 * transmit, receive FIFO and overrun, THRE and receive interrupts on IRQ 4. */
#include "check.h"
#include "irq.h"
#include "uart_16550.h"

#include <string.h>

static struct uart u;
static uint8_t sent[64];
static size_t nsent;
static int line4;

static void tx(void *opaque, uint8_t b) { (void)opaque; if (nsent < sizeof(sent)) sent[nsent++] = b; }
static void sink(void *opaque, unsigned gsi, int level) { (void)opaque; if (gsi == 4) line4 = level; }
static void out(int reg, uint8_t v) { uart_write(&u, (uint64_t)reg, v, 1); }
static uint8_t in(int reg) { return (uint8_t)uart_read(&u, (uint64_t)reg, 1); }

int main(void)
{
	irq_reset();
	irq_add_sink(sink, NULL);
	uart_init(&u, UART_COM1_IRQ);
	u.tx = tx;
	out(UART_SCR, 0x5a);
	report(in(UART_SCR) == 0x5a, "the scratch register holds a value");
	report((in(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT)) == 0x60, "LSR: transmitter empty at reset");
	out(UART_LCR, UART_LCR_DLAB);
	out(UART_DLL, 0x01); out(UART_DLM, 0x00);
	report(in(UART_DLL) == 1 && in(UART_DLM) == 0, "the divisor latch reads back under DLAB");
	out(UART_LCR, 0x03);
	out(UART_FCR, UART_FCR_ENABLE);
	report((in(UART_IIR) & UART_IIR_FIFO) == UART_IIR_FIFO, "IIR bits 6-7 identify a 16550A with FIFOs");
	out(UART_THR, 'h'); out(UART_THR, 'i');
	report(nsent == 2 && !memcmp(sent, "hi", 2), "THR bytes reach the back-end");
	report(in(UART_IIR) & UART_IIR_NO_INT, "no interrupt while IER is 0");

	out(UART_IER, UART_IER_THRI);
	report(line4 && (in(UART_IIR) & 0x0f) == UART_IIR_THRI, "enabling THRE interrupts raises one at once");
	report(!line4 && (in(UART_IIR) & UART_IIR_NO_INT), "reading IIR acknowledges THRE and drops IRQ 4");
	out(UART_THR, 'x');
	report(line4, "each transmitted byte raises THRE again");
	out(UART_IER, 0);
	report(!line4, "clearing IER drops the line");

	out(UART_IER, UART_IER_RDI);
	uint8_t data[20];
	for (int i = 0; i < 20; i++)
		data[i] = (uint8_t)('a' + i);
	report(uart_rx_room(&u) == UART_FIFO_SIZE, "the receive FIFO has 16 bytes of room");
	uart_receive(&u, data, 3);
	report(line4 && (in(UART_LSR) & UART_LSR_DR), "received data sets DR and raises IRQ 4");
	report(in(UART_RBR) == 'a' && in(UART_RBR) == 'b' && in(UART_RBR) == 'c', "bytes come out in order");
	report(!line4 && !(in(UART_LSR) & UART_LSR_DR), "an empty FIFO clears DR and the interrupt");
	uart_receive(&u, data, 17);
	report(in(UART_LSR) & UART_LSR_OE, "a 17th byte overruns the FIFO");
	report(!(in(UART_LSR) & UART_LSR_OE), "reading LSR clears the overrun bit");
	out(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	report(!(in(UART_LSR) & UART_LSR_DR), "FCR clears the receive FIFO");

	nsent = 0;
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	report((in(UART_MSR) & 0xf0) == (UART_MSR_CTS | UART_MSR_DCD), "loopback maps RTS to CTS and OUT2 to DCD");
	out(UART_THR, 0x42);
	report(nsent == 0 && in(UART_RBR) == 0x42, "loopback returns THR to RBR without sending it");
	report(uart_rx_room(&u) == 0, "the line takes no input in loopback");
	out(UART_MCR, 0);
	report((in(UART_MSR) & 0xb0) == 0xb0, "outside loopback the modem lines read as connected");
	return check_summary("test_uart");
}
