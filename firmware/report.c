/*
 * report.c: the firmware's report lines. A line is assembled in one buffer and sent with a
 * single `rep outsb` to debugcon (and in FIFO-sized bursts to the UART), because under
 * emulation every port access is expensive and a byte loop would dominate the boot time.
 * Numbers are formatted two hex digits per table lookup for the same reason.
 */
#include "board.h"
#include "report.h"
#include "serial/uart.h"

char line_buf[LINE_TEXT_MAX + LINE_SLACK];
char *line_ptr = line_buf;

#define HD(n)	((n) < 10 ? '0' + (n) : 'a' + (n) - 10)
#define HP(b)	(HD((b) >> 4) | HD((b) & 15) << 8)	/* two digits, as a little-endian u16 */
#define HP4(b)	HP(b), HP((b) + 1), HP((b) + 2), HP((b) + 3)
#define HP16(b)	HP4(b), HP4((b) + 4), HP4((b) + 8), HP4((b) + 12)
static const uint16_t hex_pairs[256] = {
	HP16(0x00), HP16(0x10), HP16(0x20), HP16(0x30), HP16(0x40), HP16(0x50), HP16(0x60),
	HP16(0x70), HP16(0x80), HP16(0x90), HP16(0xa0), HP16(0xb0), HP16(0xc0), HP16(0xd0),
	HP16(0xe0), HP16(0xf0),
};

void line_put(const char *s, uint32_t n)
{
	uint32_t room = line_buf + LINE_TEXT_MAX - line_ptr;

	if ((int32_t)room < 0)
		room = 0;
	if (n > room)
		n = room;
	memcpy(line_ptr, s, n);
	line_ptr += n;
}

/* Write the low `digits` hex digits of v so that they end at `end`. */
static inline __attribute__((always_inline)) void hex_digits(char *end, uint32_t v, char *start)
{
	while (end - start >= 2) {
		end -= 2;
		st16(end, hex_pairs[v & 0xff]);
		v >>= 8;
	}
	if (end != start)
		*start = HD(v & 15);
}

void line_hex_(uint64_t v)
{
	uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
	char *start = line_ptr;

	if (hi) {
		line_ptr += (32 - __builtin_clz(hi) + 3) / 4;
		hex_digits(line_ptr, hi, start);
		start = line_ptr;
		line_ptr += 8;
		hex_digits(line_ptr, lo, start);
		return;
	}
	line_ptr += lo ? (32 - __builtin_clz(lo) + 3) / 4 : 1;
	hex_digits(line_ptr, lo, start);
}

/* Most decimal values are small (counts, IRQs, types): one or two digits take no loop. */
void line_dec_(uint32_t v)
{
	char buf[10], *p = buf + sizeof(buf);

	if (v < 10) {
		*line_ptr++ = '0' + v;
		return;
	}
	if (v < 100) {
		line_ptr[0] = '0' + v / 10;
		line_ptr[1] = '0' + v % 10;
		line_ptr += 2;
		return;
	}
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	line_copy(p, buf + sizeof(buf) - p);
}

static void send(void)
{
	uint32_t n;

	*line_ptr++ = '\n';
	n = line_ptr - line_buf;
	outsb(DEBUGCON_PORT, line_buf, n);
	if (board.serial) {
		/* A terminal wants CR LF (it would otherwise print a staircase); the debugcon
		 * log keeps the bare LF. */
		line_ptr[-1] = '\r';
		*line_ptr = '\n';
		uart_write(line_buf, n + 1);
	}
	line_ptr = line_buf;
}

void line_end(void)
{
	if (board.quiet) {
		line_ptr = line_buf;
		return;
	}
	send();
}

void line_end_always(void)
{
	send();
}
