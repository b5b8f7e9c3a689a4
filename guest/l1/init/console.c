/* console.c: line output on L1's console. Every line is written with one write() so that
 * lines of the init and of inner output never interleave mid-line. */
#include "l1.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 8192

static void write_all(const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void vsay(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char line[LINE_MAX_BYTES];
	int len = snprintf(line, sizeof(line), "%s", prefix);

	len += vsnprintf(line + len, sizeof(line) - (size_t)len, fmt, ap);
	if (len > (int)sizeof(line) - 3)
		len = (int)sizeof(line) - 3;
	len += snprintf(line + len, sizeof(line) - (size_t)len, "%s\n", suffix);
	write_all(line, (size_t)len);
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", "", fmt, ap);
	va_end(ap);
}

void say_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("l1: error what=\"", "\"", fmt, ap);
	va_end(ap);
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
