/* suites.c: optional test suites after the hand-off checks, chosen with
 * probe.suite=<name>[,<name>...] (README.md). */
#include "cmdline.h"
#include "handoff.h"
#include "probe.h"
#include "report.h"
#include "string.h"
#include "suite.h"

#define SUITE_KEY	"probe.suite"
#define EXIT_KEY	"probe.exit"

static bool suite_named(const char *v, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || v[i - 1] == ',') && !strncmp(v + i, name, n) && (i + n == len || v[i + n] == ','))
			return true;
	return false;
}

static const char *cmdline_of(const struct handoff *h)
{
	return h->cmdline && addr_ok(h->cmdline, 1) ? (const char *)(uintptr_t)h->cmdline : "";
}

/* probe.exit=entry: end the VM at once, before the console is set up, with a value of its
 * own: a benchmark of a VMM or a firmware then measures them, not the probe's checks and
 * report, whose port I/O is an exit per byte under KVM (harness/bench.py). */
void exit_if_asked(const struct handoff *h)
{
	size_t len;
	const char *v = cmdline_value(cmdline_of(h), EXIT_KEY, &len);

	if (!v)
		return;
	if (len == 5 && !strncmp(v, "entry", len))
		vm_exit(EXIT_AT_ENTRY);
	report_line("error code=BAD_KEY what=\"unknown probe.exit value\"");
}

void run_suites(const struct handoff *h)
{
	const char *cmdline = cmdline_of(h);
	size_t len;
	const char *v = cmdline_value(cmdline, SUITE_KEY, &len);

	if (!v)
		return;
	if (suite_named(v, len, "devices"))
		devices_run(cmdline);
	else
		report_line("error code=BAD_KEY what=\"unknown probe.suite value\"");
}
