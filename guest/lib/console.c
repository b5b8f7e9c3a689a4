/* console.c: debugcon always, the UART when it answers. The UART is probed
 * through its scratch register because an absent ISA device floats to 0xff. */
#include <stdarg.h>
#include <stdint.h>
#include "console.h"
#include "fmt.h"
#include "io.h"
#include "uart.h"

#define UART_SPIN_LIMIT	100000	/* LSR polls before a stuck UART is given up */

static bool uart_present;
static bool uart_enabled;

static bool uart_scratch_answers(void)
{
	outb(COM1_BASE + UART_SCR, 0xa5);
	if (inb(COM1_BASE + UART_SCR) != 0xa5)
		return false;
	outb(COM1_BASE + UART_SCR, 0x5a);
	return inb(COM1_BASE + UART_SCR) == 0x5a;
}

void console_init(void)
{
	uart_present = uart_scratch_answers();
	if (!uart_present)
		return;
	outb(COM1_BASE + UART_IER, 0);
	outb(COM1_BASE + UART_LCR, UART_LCR_DLAB);
	outb(COM1_BASE + UART_DLL, UART_DIV_115200);
	outb(COM1_BASE + UART_DLM, 0);
	outb(COM1_BASE + UART_LCR, UART_LCR_8N1);
	outb(COM1_BASE + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR);
	outb(COM1_BASE + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	uart_enabled = true;
}

bool console_uart_present(void)
{
	return uart_present;
}

void console_use_uart(bool on)
{
	uart_enabled = on && uart_present;
}

static void uart_putc(char c)
{
	for (int spin = 0; spin < UART_SPIN_LIMIT; spin++)
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void console_putc(char c)
{
	outb(DEBUGCON_PORT, (uint8_t)c);
	if (uart_enabled) {
		if (c == '\n')
			uart_putc('\r');
		uart_putc(c);
	}
}

static void sink(char c, void *ctx)
{
	(void)ctx;
	console_putc(c);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(sink, 0, fmt, ap);
	va_end(ap);
}
