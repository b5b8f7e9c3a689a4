/* probe.h: the steps of probe_main (main.c), one file each. */
#ifndef PROBE_PROBE_H
#define PROBE_PROBE_H

#include "handoff.h"

void probe_main(void);
/* entry.c */
void record_entry(struct handoff *h);
void report_entry(const struct handoff *h);
/* bootinfo.c */
void read_boot_info(struct handoff *h);
void report_cmdline(const struct handoff *h);
void parse_expectations(const struct handoff *h, struct expect *x);
void boot_info_check(const struct handoff *h, const struct expect *x);
/* suites.c */
void run_suites(const struct handoff *h);
/* probe.exit=entry: exit at once with EXIT_AT_ENTRY (benchmarks); else returns. */
#define EXIT_AT_ENTRY	0x10	/* debug-exit value: status (0x10 << 1) | 1 = 33 */
void exit_if_asked(const struct handoff *h);

#endif
