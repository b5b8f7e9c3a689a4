/* fmt.c: formatting for report lines. Only what the guests print: integers in
 * decimal and hex, strings and characters. */
#include <stdint.h>
#include "fmt.h"

struct buf_sink {
	char *buf;
	size_t n, len;
};

static void put_number(fmt_sink put, void *ctx, uint64_t v, unsigned base, int width, char pad, int neg)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		digits[n++] = '-';
	for (int w = n; w < width; w++)
		put(pad, ctx);
	while (n)
		put(digits[--n], ctx);
}

void vformat(fmt_sink put, void *ctx, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(*fmt, ctx);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0, longs = 0;

		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			longs++, fmt++;

		uint64_t u;
		int64_t s;

		switch (*fmt) {
		case 'd':
		case 'i':
			s = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_number(put, ctx, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, width, pad, s < 0);
			break;
		case 'u':
		case 'x':
			u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			put_number(put, ctx, u, *fmt == 'u' ? 10 : 16, width, pad, 0);
			break;
		case 'p':
			put('0', ctx);
			put('x', ctx);
			put_number(put, ctx, (uintptr_t)va_arg(ap, void *), 16, width, pad, 0);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			while (*str)
				put(*str++, ctx);
			break;
		}
		case 'c':
			put((char)va_arg(ap, int), ctx);
			break;
		case '%':
			put('%', ctx);
			break;
		case '\0':
			return;
		default:
			put('?', ctx);
			break;
		}
	}
}

static void buf_put(char c, void *ctx)
{
	struct buf_sink *b = ctx;

	if (b->len + 1 < b->n)
		b->buf[b->len] = c;
	b->len++;
}

size_t vsnformat(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, n, 0 };

	vformat(buf_put, &b, fmt, ap);
	if (n)
		buf[b.len < n ? b.len : n - 1] = '\0';
	return b.len;
}

size_t snformat(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	size_t len = vsnformat(buf, n, fmt, ap);
	va_end(ap);
	return len;
}
