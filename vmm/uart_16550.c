/* uart_16550.c: an NS16550A that transmits instantly: THR is always empty again by the
 * time the guest looks, so THRE interrupts fire on every write and when enabled. Receive
 * has the 16-byte FIFO; loopback (MCR bit 4) feeds THR to RBR and MCR to MSR. */
#include "uart_16550.h"
#include "bus.h"
#include "chardev.h"
#include "coalesced_io.h"
#include "device.h"
#include "irq.h"
#include "machine.h"

#include <string.h>

static const unsigned trigger_levels[4] = { 1, 4, 8, 14 };

static bool fifo_on(const struct uart *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

static uint8_t uart_iir(const struct uart *u)
{
	uint8_t fifo = fifo_on(u) ? UART_IIR_FIFO : 0;
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE))
		return fifo | UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count) {
		unsigned trigger = fifo_on(u) ? trigger_levels[u->fcr >> UART_FCR_TRIGGER_SHIFT] : 1;
		/* Below the trigger level the data would wait for the character timeout. */
		return fifo | (u->rx_count >= trigger ? UART_IIR_RDI : UART_IIR_CTI);
	}
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return fifo | UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTAS))
		return fifo | UART_IIR_MSI;
	return fifo | UART_IIR_NO_INT;
}

static void uart_update_irq(struct uart *u)
{
	bool level = !(uart_iir(u) & UART_IIR_NO_INT);
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set_level(u->irq, level);
	}
}

/* In loopback the modem inputs follow the modem outputs (16550 data sheet). */
static void uart_update_msr(struct uart *u)
{
	uint8_t in;
	if (u->mcr & UART_MCR_LOOP)
		in = (uint8_t)(((u->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
			       ((u->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
			       ((u->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
			       ((u->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0));
	else
		in = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;	/* a cable that is there */
	uint8_t changed = (in ^ u->msr) & 0xf0, delta = 0;
	if (changed & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((changed & UART_MSR_RI) && !(in & UART_MSR_RI))
		delta |= UART_MSR_TERI;		/* trailing edge of RI */
	if (changed & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	u->msr = (uint8_t)(in | (u->msr & UART_MSR_DELTAS) | delta);
}

static void rx_push(struct uart *u, uint8_t byte)
{
	unsigned cap = fifo_on(u) ? UART_FIFO_SIZE : 1;
	if (u->rx_count >= cap) {
		u->lsr |= UART_LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = byte;
	u->lsr |= UART_LSR_DR;
}

size_t uart_rx_room(struct uart *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return 0;	/* the line is disconnected in loopback */
	return (fifo_on(u) ? UART_FIFO_SIZE : 1) - u->rx_count;
}

void uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		rx_push(u, buf[i]);
	uart_update_irq(u);
}

static uint8_t rx_pop(struct uart *u)
{
	if (!u->rx_count)
		return 0;
	uint8_t b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	if (--u->rx_count == 0)
		u->lsr &= ~UART_LSR_DR;
	if (u->rx_ready)
		u->rx_ready(u->opaque);
	return b;
}

uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
	struct uart *u = opaque;
	uint8_t v = 0;
	(void)size;
	switch (offset) {
	case UART_RBR:
		v = (u->lcr & UART_LCR_DLAB) ? u->dll : rx_pop(u);
		break;
	case UART_IER:
		v = (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = uart_iir(u);
		/* Reading IIR acknowledges a THRE interrupt it reports. */
		if ((v & 0x0f) == UART_IIR_THRI)
			u->thr_ipending = false;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = u->lsr;
		u->lsr &= ~UART_LSR_OE;		/* cleared by reading */
		break;
	case UART_MSR:
		v = u->msr;
		u->msr &= ~UART_MSR_DELTAS;
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	uart_update_irq(u);
	return v;
}

void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct uart *u = opaque;
	uint8_t v = (uint8_t)value;
	(void)size;
	switch (offset) {
	case UART_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = v;
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			rx_push(u, v);
		else if (u->tx)
			u->tx(u->opaque, v);
		u->thr_ipending = true;		/* sent at once: THR is empty again */
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = v;
			break;
		}
		/* Enabling THRE interrupts while THR is empty raises one at once. */
		if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thr_ipending = true;
		u->ier = v & 0x0f;
		break;
	case UART_FCR:
		if ((v ^ u->fcr) & UART_FCR_ENABLE || (v & UART_FCR_CLEAR_RX)) {
			u->rx_count = 0;	/* toggling the FIFO enable also clears it */
			u->lsr &= ~UART_LSR_DR;
			if (u->rx_ready)
				u->rx_ready(u->opaque);
		}
		u->fcr = v & (UART_FCR_ENABLE | 0xc0);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR: {
		bool was_loop = u->mcr & UART_MCR_LOOP;
		u->mcr = v & UART_MCR_MASK;
		uart_update_msr(u);
		if (was_loop && !(u->mcr & UART_MCR_LOOP) && u->rx_ready)
			u->rx_ready(u->opaque);
		break;
	}
	case UART_SCR:
		u->scr = v;
		break;
	}
	uart_update_irq(u);
}

void uart_init(struct uart *u, unsigned irq)
{
	memset(u, 0, sizeof(*u));
	u->irq = irq;
	u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	u->dll = 0x0c;		/* 9600 baud, the power-on divisor QEMU reports */
	uart_update_msr(u);
	u->msr &= ~UART_MSR_DELTAS;
}

static void uart_tx(void *opaque, uint8_t byte);
static void uart_rx_ready(void *opaque);

struct uart_port {
	struct uart uart;
	struct chardev *chr;
};

static void uart_tx(void *opaque, uint8_t byte)
{
	struct uart_port *p = opaque;
	if (p->chr)
		chardev_write(p->chr, &byte, 1);
}

static void uart_rx_ready(void *opaque)
{
	struct uart_port *p = opaque;
	if (p->chr && uart_rx_room(&p->uart))
		chardev_input_ready(p->chr);
}

static size_t port_can_receive(void *opaque)
{
	return uart_rx_room(&((struct uart_port *)opaque)->uart);
}

static void port_receive(void *opaque, const uint8_t *buf, size_t len)
{
	uart_receive(&((struct uart_port *)opaque)->uart, buf, len);
}

/* microvm's ISA serial port, as QEMU's serial_hds_isa_init(): it exists only with
 * isa-serial=on and a back-end, which is the first -serial (none: no port; null: a port
 * whose output goes nowhere), or stdio by default unless -nodefaults. */
static void uart_create(struct vm *vm)
{
	static struct uart_port port;
	const char *spec = vm->opt->serial;
	if (!spec && !vm->opt->nodefaults)
		spec = "stdio";
	if (!vm->has_serial || !spec || !strcmp(spec, "none")) {
		coalesced_io_add_absent(UART_COM1_BASE, 8);
		return;
	}
	uart_init(&port.uart, UART_COM1_IRQ);
	port.uart.tx = uart_tx;
	port.uart.rx_ready = uart_rx_ready;
	port.uart.opaque = &port;
	if (strcmp(spec, "null")) {
		port.chr = chardev_for_serial(vm, spec);
		chardev_attach(port.chr, &(struct chardev_frontend){ port_can_receive,
								    port_receive, &port });
	}
	bus_register(&(struct bus_region){ "isa-serial", BUS_PIO, UART_COM1_BASE, 8, uart_read,
					    uart_write, &port.uart });
	/* LCR and scratch writes are stores the guest sees only through later accesses (DLAB
	 * changes what ports 0-1 reach), which exit and drain the queue first; they raise no
	 * interrupt. KVM may queue them. THR, IER, FCR and MCR writes act at once: not these. */
	coalesced_io_add(BUS_PIO, UART_COM1_BASE + UART_LCR, 1);
	coalesced_io_add(BUS_PIO, UART_COM1_BASE + UART_SCR, 1);
}
DEVICE_MODULE(uart, DEVICE_LEVEL_ISA, uart_create);
