/* console.c: debugcon always, the UART when it answers. The UART is probed
 * through its scratch register because an absent ISA device floats to 0xff.
 *
 * Output is line-buffered and leaves as one `rep outsb` to debugcon and FIFO-sized
 * bursts to the UART: one LSR poll per 16 bytes instead of one per byte. Under KVM every
 * port access is an exit (a string OUTS too: KVM emulates it an iteration at a time), and
 * byte by byte a probe report cost about three exits per character, debugcon, LSR and
 * THR; now it costs a little over two. Under TCG the string instruction is also fewer
 * guest instructions.  */
#include <stdarg.h>
#include <stdint.h>
#include "console.h"
#include "fmt.h"
#include "io.h"
#include "uart.h"

#define UART_SPIN_LIMIT	100000	/* LSR polls before a stuck UART is given up */
#define UART_FIFO_SIZE	16	/* bytes a 16550A takes after THRE: its transmit FIFO */
#define CONSOLE_LINE_MAX 256	/* longer lines leave in pieces */

static char line[CONSOLE_LINE_MAX + 1];	/* + the CR the UART gets */
static unsigned line_len;

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
	console_flush();	/* what was written so far goes where it was meant to */
	uart_enabled = on && uart_present;
}

/* An empty FIFO takes UART_FIFO_SIZE bytes at once; a stuck UART is given up on. */
static void uart_wait_thre(void)
{
	for (int spin = 0; spin < UART_SPIN_LIMIT; spin++)
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			return;
}

static void uart_write(const char *s, unsigned n)
{
	while (n) {
		unsigned burst = n < UART_FIFO_SIZE ? n : UART_FIFO_SIZE;

		uart_wait_thre();
		outsb(COM1_BASE + UART_THR, s, burst);
		s += burst;
		n -= burst;
	}
}

/* A terminal on the UART wants CR LF; debugcon (a log file) keeps the bare LF. A line
 * holds at most one '\n', as its last byte (console_putc flushes there): the CR goes in
 * front of it, in the same burst. */
static void uart_write_line(unsigned n)
{
	if (n && line[n - 1] == '\n') {
		line[n - 1] = '\r';
		line[n++] = '\n';
	}
	uart_write(line, n);
}

void console_flush(void)
{
	if (!line_len)
		return;
	outsb(DEBUGCON_PORT, line, line_len);
	if (uart_enabled)
		uart_write_line(line_len);	/* after debugcon: it rewrites the LF */
	line_len = 0;
}

void console_putc(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == CONSOLE_LINE_MAX)
		console_flush();
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
