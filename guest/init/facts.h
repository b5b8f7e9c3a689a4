/* facts.h: what Linux sees, gathered from /proc, /sys and the kernel log, written as
 * key=value pairs of the `init: report` line (docs/protocol.md). */
#ifndef MICRORIG_INIT_FACTS_H
#define MICRORIG_INIT_FACTS_H

#include <stdbool.h>

#define REPORT_MAX 2048 /* one console line; the longest seen is about 600 bytes */

struct report {
	char line[REPORT_MAX];
	bool incomplete; /* a fact every kernel must have (/proc/interrupts, ...) was missing */
	long long irq0;   /* interrupts counted on IRQ 0 (the PIT), for facts_clocks */
	bool irq0_routed; /* IRQ 0 has a handler on some interrupt chip */
};

/* Append " key=value" to the report. Values with spaces are quoted. */
void report_add(struct report *r, const char *key, const char *value);
void report_add_num(struct report *r, const char *key, long long value);

/* One function per concern, each adding its keys; see docs/protocol.md for the keys. */
void facts_serial(struct report *r);
void facts_rtc(struct report *r);
void facts_irqchips(struct report *r);
void facts_clocks(struct report *r);
void facts_virtio(struct report *r);
void facts_cpus_memory(struct report *r);
void facts_cmdline(struct report *r);
void facts_kernel_log(struct report *r);

#endif
