/*
 * report.c: the firmware's report lines. A line is assembled in one buffer and sent with a
 * single `rep outsb` to debugcon (and in FIFO-sized bursts to the UART), because under
 * emulation every port access is expensive and a byte loop would dominate the boot time.
 */
#include "board.h"
#include "report.h"
#include "serial/uart.h"

#define LINE_MAX 200		/* longest line we build; longer values are cut */

static char line[LINE_MAX + 2];
static uint32_t len;

void line_put(const char *s, uint32_t n)
{
	if (len + n > LINE_MAX)
		n = LINE_MAX - len;
	memcpy(line + len, s, n);
	len += n;
}

static const char hexdigit[16] = "0123456789abcdef";

void line_hex_(const char *key, uint32_t n, uint64_t v)
{
	char buf[16];
	int i = 16;
	uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);

	line_put(key, n);
	/* 32-bit halves: no 64-bit shifts in the loop, and no digits for zero high halves */
	do {
		buf[--i] = hexdigit[lo & 15];
		lo >>= 4;
	} while (lo && i > 8);
	if (hi) {
		while (i > 8)
			buf[--i] = '0';
		do {
			buf[--i] = hexdigit[hi & 15];
			hi >>= 4;
		} while (hi);
	}
	line_put(buf + i, 16 - i);
}

void line_dec_(const char *key, uint32_t n, uint32_t v)
{
	char buf[10];
	int i = 10;

	line_put(key, n);
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	line_put(buf + i, 10 - i);
}

void line_word_(const char *key, uint32_t n, const char *w)
{
	line_put(key, n);
	line_put(w, strlen(w));
}

void line_quoted_(const char *key, uint32_t n, const char *s)
{
	line_put(key, n);
	line_put(s, strlen(s));
	line_put("\"", 1);
}

static void send(void)
{
	line[len++] = '\n';
	outsb(DEBUGCON_PORT, line, len);
	if (board.serial)
		uart_write(line, len);
	len = 0;
}

void line_end(void)
{
	if (board.quiet) {
		len = 0;
		return;
	}
	send();
}

void line_end_always(void)
{
	send();
}
