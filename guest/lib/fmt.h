/* fmt.h: a small printf. Conversions: %s %c %d %i %u %x %p %%, with the length
 * modifiers l and ll, a field width and the 0 flag (%08x, %16llx). */
#ifndef GUEST_LIB_FMT_H
#define GUEST_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink)(char c, void *ctx);

void vformat(fmt_sink put, void *ctx, const char *fmt, va_list ap);
/* Writes at most n-1 characters and a NUL; returns the length it wanted. */
size_t snformat(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t vsnformat(char *buf, size_t n, const char *fmt, va_list ap);

#endif
