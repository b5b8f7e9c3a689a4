/* channel.c: the result channel from L1's init to the host.
 *
 * L1's kernel log goes to ttyS0; the framed results go to a separate isa-debugcon port so
 * that kernel messages can never split a result line. A debugcon write is one port write per
 * byte, handled in the same host thread under TCG, so it costs no more than a UART. If the
 * port cannot be opened (no ioperm), lines go to /dev/console instead and the host parser
 * still finds them, with a risk of interleaving that it reports as a parse error.
 *
 * While a job runs its frames are held in memory and written when it has ended
 * (chan_hold): each byte written to the port is a host write(2) in L1's QEMU, which stops
 * L1's only CPU, so frames written while a job ran were timed as part of the job. The
 * frames carry the times at which their lines were read, so holding them back changes no
 * figure; only the host sees them later. */
#define _GNU_SOURCE		/* mremap */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/io.h>
#include <sys/mman.h>

#include "l1init.h"

#define DEBUGCON_PORT 0x402   /* L1 QEMU: -device isa-debugcon,iobase=0x402 */
#define LINE_MAX_TEXT 4096    /* longer inner lines are split */
#define HOLD_MAX (16u << 20)  /* held frames beyond this are written at once: L1's RAM */

static int use_port;
static int console_fd = -1;
static int holding;
static char *held;
static size_t held_len, held_cap;

void chan_open(void)
{
	use_port = ioperm(DEBUGCON_PORT, 1, 1) == 0;
	if (!use_port)
		console_fd = open("/dev/console", O_WRONLY);
}

static void write_out(const char *buf, size_t len);

/* The held frames have a mapping of their own, given back once they are out: the runner
 * forks the next job, and a job's peak RSS (ru_maxrss) counts the resident pages of the
 * forked copy before exec, a few MiB after a talkative job instead of mvm's 1.6 MiB. */
void chan_hold(int on)
{
	holding = on;
	if (on)
		return;
	if (held_len)
		write_out(held, held_len);
	if (held)
		munmap(held, held_cap);
	held = NULL, held_len = held_cap = 0;
}

/* Keeps the bytes for chan_hold(0); false when they must go out now. */
static int hold(const char *buf, size_t len)
{
	if (!holding || held_len + len > HOLD_MAX)
		return 0;
	if (held_len + len > held_cap) {
		size_t cap = held_cap ? held_cap : 65536;
		while (cap < held_len + len)
			cap *= 2;
		void *p = held ? mremap(held, held_cap, cap, MREMAP_MAYMOVE)
			       : mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				      -1, 0);
		if (p == MAP_FAILED)
			return 0;
		held = p, held_cap = cap;
	}
	memcpy(held + held_len, buf, len);
	held_len += len;
	return 1;
}

void chan_write(const char *buf, size_t len)
{
	if (hold(buf, len))
		return;
	if (holding && held_len) {	/* over the limit: what was held goes first */
		write_out(held, held_len);
		held_len = 0;
	}
	write_out(buf, len);
}

static void write_out(const char *buf, size_t len)
{
	if (use_port) {
		/* One rep outsb per call: a single instruction for the whole buffer. */
		__asm__ volatile("rep outsb"
				 : "+S"(buf), "+c"(len)
				 : "d"((uint16_t)DEBUGCON_PORT)
				 : "memory");
		return;
	}
	while (len > 0) {
		ssize_t n = write(console_fd, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void chan_printf(const char *fmt, ...)
{
	char line[LINE_MAX_TEXT + 256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	chan_write(line, (size_t)n);
}

void chan_frame(const char *tag, const char *id, long ms, const char *text, size_t len)
{
	char line[LINE_MAX_TEXT + 256];
	while (len > 0 && (text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	do {
		size_t part = len > LINE_MAX_TEXT ? LINE_MAX_TEXT : len;
		int n = snprintf(line, sizeof(line), "nested: %s id=%s ms=%ld | ", tag, id, ms);
		memcpy(line + n, text, part);
		/* Control characters would confuse the line framing of the host reader. */
		for (size_t i = 0; i < part; i++) {
			unsigned char c = (unsigned char)line[n + i];
			if (c < 0x20 && c != '\t')
				line[n + i] = '?';
		}
		line[n + part] = '\n';
		chan_write(line, (size_t)n + part + 1);
		text += part;
		len -= part;
	} while (len > 0);
}

void chan_hex(const char *tag, const char *id, int index, long ms, const uint8_t *data,
	      size_t len)
{
	static const char digits[] = "0123456789abcdef";
	enum { CHUNK = 1024 };
	char line[2 * CHUNK + 128];
	size_t off = 0;
	do {
		size_t part = len - off > CHUNK ? CHUNK : len - off;
		int n = ms < 0 ? snprintf(line, sizeof(line), "nested: %s id=%s n=%d | ", tag, id,
					  index)
			       : snprintf(line, sizeof(line), "nested: %s id=%s n=%d ms=%ld | ", tag,
					  id, index, ms);
		for (size_t i = 0; i < part; i++) {
			line[n++] = digits[data[off + i] >> 4];
			line[n++] = digits[data[off + i] & 15];
		}
		line[n++] = '\n';
		chan_write(line, (size_t)n);
		off += part;
	} while (off < len);
}

long now_ms(void)
{
	return (long)(now_ns() / 1000000LL);
}

long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
