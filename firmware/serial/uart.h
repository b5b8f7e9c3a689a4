/* serial/uart.h: the 16550 UART at 0x3f8 (COM1). */
#ifndef MICRORIG_UART_H
#define MICRORIG_UART_H

#include "../io.h"

#define UART_BASE 0x3f8

int uart_probe_and_init(void);		/* 1 when a UART answers; then set to 115200 8N1 */
void uart_write(const char *s, uint32_t n);

#endif
