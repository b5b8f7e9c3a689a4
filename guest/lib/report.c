/* report.c: the PASS/FAIL/SKIP lines and the exit. The line format belongs to
 * docs/protocol.md; the harness parses it in one place, so keep it exact. */
#include <stdarg.h>
#include "console.h"
#include "fmt.h"
#include "io.h"
#include "report.h"

#define REPORT_PREFIX	"probe: "
#define DETAIL_MAX	200

static unsigned passed, failed, skipped;

void report_quoted(const char *s, unsigned long max)
{
	console_putc('"');
	for (unsigned long i = 0; i < max && s[i]; i++) {
		char c = s[i];

		if (c == '"')
			c = '\'';
		else if (c < 0x20 || c > 0x7e)
			c = '?';
		console_putc(c);
	}
	console_putc('"');
}

bool check(const char *id, bool ok, const char *what, const char *detail, ...)
{
	printk(REPORT_PREFIX "%s check=%s what=", ok ? "PASS" : "FAIL", id);
	report_quoted(what, DETAIL_MAX);
	if (!ok && detail) {
		char buf[DETAIL_MAX];
		va_list ap;

		va_start(ap, detail);
		vsnformat(buf, sizeof(buf), detail, ap);
		va_end(ap);
		printk(" detail=");
		report_quoted(buf, sizeof(buf));
	}
	console_putc('\n');
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

void skip(const char *id, const char *reason)
{
	printk(REPORT_PREFIX "SKIP check=%s what=", id);
	report_quoted(reason, DETAIL_MAX);
	console_putc('\n');
	skipped++;
}

void report_line(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(REPORT_PREFIX "%s\n", buf);
}

unsigned report_failed(void)
{
	return failed;
}

void report_done(void)
{
	printk(REPORT_PREFIX "done passed=%u failed=%u skipped=%u\n", passed, failed, skipped);
}

void vm_exit(uint32_t code)
{
	console_flush();
	outl(DEBUG_EXIT_PORT, code);
	/* No exit device: say so, then stop for good (the harness's timeout ends us). */
	printk(REPORT_PREFIX "error code=NO_EXIT_PORT what=\"port 0xf4 did not end the VM\"\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
