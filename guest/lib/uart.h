/* uart.h: 16550A register map (offsets from the base port) and bits. */
#ifndef GUEST_LIB_UART_H
#define GUEST_LIB_UART_H

#define UART_RBR	0	/* receive buffer (read, DLAB=0) */
#define UART_THR	0	/* transmit holding (write, DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_IIR	2	/* interrupt identification (read) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_MSR	6	/* modem status */
#define UART_SCR	7	/* scratch */

#define UART_IER_RDI	0x01	/* interrupt on received data */
#define UART_IER_THRI	0x02	/* interrupt on THR empty */
#define UART_IIR_NO_INT	0x01	/* no interrupt pending */
#define UART_IIR_ID	0x0e	/* interrupt id mask */
#define UART_IIR_THRI	0x02	/* THR empty */
#define UART_IIR_RDI	0x04	/* received data available */
#define UART_IIR_RX_TIMEOUT 0x0c	/* FIFO character timeout: data waiting */
#define UART_IIR_FIFO	0xc0	/* FIFOs enabled (16550A) */
#define UART_FCR_ENABLE	0x01	/* enable FIFOs */
#define UART_FCR_CLEAR	0x06	/* clear both FIFOs */
#define UART_LCR_8N1	0x03	/* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB	0x80	/* divisor latch access */
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT2	0x08	/* gates the IRQ line on PC UARTs */
#define UART_MCR_LOOP	0x10	/* loopback mode */
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* THR empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_DIV_115200	1	/* 1.8432 MHz / 16 / 115200 */

#endif
