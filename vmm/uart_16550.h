/* uart_16550.h: the NS16550A UART at 0x3f8, IRQ 4 (microvm's isa-serial). */
#ifndef MVM_UART_16550_H
#define MVM_UART_16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_FIFO_SIZE 16

/* Registers (offset from base; DLAB = LCR bit 7 selects the divisor latch at 0/1). */
#define UART_RBR 0	/* receive buffer (read) */
#define UART_THR 0	/* transmit holding (write) */
#define UART_DLL 0	/* divisor latch low (DLAB) */
#define UART_IER 1	/* interrupt enable */
#define UART_DLM 1	/* divisor latch high (DLAB) */
#define UART_IIR 2	/* interrupt identification (read) */
#define UART_FCR 2	/* FIFO control (write) */
#define UART_LCR 3	/* line control */
#define UART_MCR 4	/* modem control */
#define UART_LSR 5	/* line status */
#define UART_MSR 6	/* modem status */
#define UART_SCR 7	/* scratch */

#define UART_IER_RDI   0x01	/* receive data available */
#define UART_IER_THRI  0x02	/* transmit holding register empty */
#define UART_IER_RLSI  0x04	/* receiver line status */
#define UART_IER_MSI   0x08	/* modem status */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI   0x00
#define UART_IIR_THRI  0x02
#define UART_IIR_RDI   0x04
#define UART_IIR_RLSI  0x06
#define UART_IIR_CTI   0x0c	/* character timeout (FIFO below its trigger level) */
#define UART_IIR_FIFO  0xc0	/* FIFOs enabled: a 16550A */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_TRIGGER_SHIFT 6
#define UART_LCR_DLAB  0x80
#define UART_MCR_DTR   0x01
#define UART_MCR_RTS   0x02
#define UART_MCR_OUT1  0x04
#define UART_MCR_OUT2  0x08
#define UART_MCR_LOOP  0x10
#define UART_MCR_MASK  0x1f
#define UART_LSR_DR    0x01	/* data ready */
#define UART_LSR_OE    0x02	/* overrun */
#define UART_LSR_THRE  0x20	/* transmit holding register empty */
#define UART_LSR_TEMT  0x40	/* transmitter empty */
#define UART_MSR_DCTS  0x01
#define UART_MSR_DDSR  0x02
#define UART_MSR_TERI  0x04
#define UART_MSR_DDCD  0x08
#define UART_MSR_CTS   0x10
#define UART_MSR_DSR   0x20
#define UART_MSR_RI    0x40
#define UART_MSR_DCD   0x80
#define UART_MSR_DELTAS 0x0f

struct chardev;

struct uart {
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool thr_ipending;		/* THRE interrupt raised and not yet acknowledged */
	bool irq_level;
	unsigned irq;
	/* Output and input; tx may be NULL (no back-end: bytes are dropped). */
	void (*tx)(void *opaque, uint8_t byte);
	void (*rx_ready)(void *opaque);	/* room in the receive FIFO again */
	void *opaque;
};

void uart_init(struct uart *u, unsigned irq);
uint64_t uart_read(void *opaque, uint64_t offset, unsigned size);
void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
size_t uart_rx_room(struct uart *u);
void uart_receive(struct uart *u, const uint8_t *buf, size_t len);

#endif
