/* report.h: kvm-unit-tests-style reporting in the format of docs/protocol.md:
 *   probe: PASS|FAIL check=<id> what="<sentence>" [detail="..."]
 *   probe: SKIP check=<id> what="<reason>"
 *   probe: done passed=<n> failed=<n> skipped=<n>
 * and the exit through isa-debug-exit. */
#ifndef GUEST_LIB_REPORT_H
#define GUEST_LIB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEBUG_EXIT_PORT	0xf4	/* isa-debug-exit, iosize 4: status (v << 1) | 1 */
#define EXIT_ALL_PASSED	0x00
#define EXIT_SOME_FAILED 0x01

/* One check: ok decides PASS/FAIL; detail (printf format, may be NULL) is
 * printed on failure to say what was seen. Returns ok. */
bool check(const char *id, bool ok, const char *what, const char *detail, ...)
	__attribute__((format(printf, 4, 5)));
void skip(const char *id, const char *reason);
/* Prints a free-form report line: "probe: <topic> ..." */
void report_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints text as a quoted value: quotes become ', control bytes become ?. */
void report_quoted(const char *s, unsigned long max);
unsigned report_failed(void);
void report_done(void);
/* Writes the result to the exit port; halts if the port is missing. */
void vm_exit(uint32_t code) __attribute__((noreturn));

#endif
