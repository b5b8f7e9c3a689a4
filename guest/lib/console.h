/* console.h: where the guests' report lines go. Every line goes to debugcon
 * (port 0x402) and, when a 16550 answers at 0x3f8, to the UART as well. */
#ifndef GUEST_LIB_CONSOLE_H
#define GUEST_LIB_CONSOLE_H

#include <stdbool.h>

#define DEBUGCON_PORT	0x402	/* isa-debugcon, 8-bit writes, the log */
#define COM1_BASE	0x3f8	/* ISA serial port 0 */

/* Probe the UART (scratch register) and set it to 115200 8N1 if present. */
void console_init(void);
bool console_uart_present(void);
/* The UART conformance checks borrow the UART: stop mirroring to it. */
void console_use_uart(bool on);
/* Characters collect into a line, which leaves at its '\n' (or when the buffer is
 * full, or on console_flush: before the VM exits, or the UART changes hands). */
void console_putc(char c);
void console_flush(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
