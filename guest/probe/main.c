/* main.c: the probe's sequence, in order. The entry stubs have recorded the
 * CPU state and switched to 64-bit mode; from here on it is all C. */
#include "console.h"
#include "io.h"
#include "handoff.h"
#include "probe.h"
#include "report.h"
#include "string.h"
#include "irq.h"

extern char __bss_start[], __bss_end[];

static struct handoff handoff;
static struct expect expect;

void probe_main(void)
{
	struct handoff *h = &handoff;

	memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
	idt_init();				/* a fault is reported, not a triple fault */
	record_entry(h);			/* entry_state -> handoff */
	read_boot_info(h);			/* zero page / start_info / mbi */
	exit_if_asked(h);			/* probe.exit=entry: benchmarks */
	console_init();
	report_line("time stage=entry tsc=%llu", (unsigned long long)h->tsc);
	report_entry(h);
	report_cmdline(h);
	parse_expectations(h, &expect);
	entry_check(h, &expect);
	boot_info_check(h, &expect);
	e820_check(h, &expect);
	payload_check(h, &expect);
	mptable_check(&expect);
	run_suites(h);				/* probe.suite=... (conformance) */
	report_line("time stage=done tsc=%llu", (unsigned long long)rdtsc());
	report_done();
	vm_exit(report_failed() ? EXIT_SOME_FAILED : EXIT_ALL_PASSED);
}
