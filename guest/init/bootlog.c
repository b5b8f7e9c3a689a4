/* bootlog.c: how the kernel booted, from its command line and its log (dmesg): the
 * console, timer calibration, whether a legacy PIC was found. */
#include "facts.h"
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <sys/klog.h>

#define SYSLOG_ACTION_READ_ALL    3  /* klogctl: read the whole ring buffer */
#define SYSLOG_ACTION_SIZE_BUFFER 10 /* klogctl: size of the ring buffer */

static char log_buf[1 << 17]; /* tinyconfig's ring buffer is 2^17 bytes (LOG_BUF_SHIFT) */
static char cmdline[4096];

/* Copy the value of "name=" from the command line into out ("" when absent); count the
 * occurrences. */
static int cmdline_value(const char *name, char *out, size_t size)
{
	size_t len = strlen(name);
	int count = 0;

	out[0] = '\0';
	for (const char *p = cmdline; (p = strstr(p, name)) != NULL; p += len) {
		if ((p != cmdline && p[-1] != ' ') || p[len] != '=')
			continue;
		count++;
		snprintf(out, size, "%.*s", (int)strcspn(p + len + 1, " \n"), p + len + 1);
	}
	return count;
}

/* Command-line items that change how a case boots (docs/protocol.md). */
void facts_cmdline(struct report *r)
{
	char value[256];

	if (!text_read("/proc/cmdline", cmdline, sizeof(cmdline)))
		return;
	cmdline_value("console", value, sizeof(value));
	report_add(r, "console", value[0] ? value : "none");
	cmdline_value("tsc_early_khz", value, sizeof(value));
	if (value[0])
		report_add(r, "tsc_early_khz", value);
	report_add_num(r, "mmio_slots", cmdline_value("virtio_mmio.device", value, sizeof(value)));
}

static bool logged(const char *text)
{
	return strstr(log_buf, text) != NULL;
}

/* Hints from the kernel log. pic=0 when Linux found no 8259 ("Using NULL legacy PIC");
 * tsc_cal says how the TSC frequency was obtained; apic_timer=failed when Linux could not
 * verify the local APIC timer against another clock. */
void facts_kernel_log(struct report *r)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	const char *cal = "unknown";

	if (size <= 0 || size > (int)sizeof(log_buf) - 1)
		size = sizeof(log_buf) - 1;
	int len = klogctl(SYSLOG_ACTION_READ_ALL, log_buf, size);
	if (len < 0) {
		report_add(r, "log", "unreadable");
		return;
	}
	log_buf[len] = '\0';

	report_add_num(r, "pic", !logged("Using NULL legacy PIC"));
	if (logged("could not calculate TSC khz"))
		cal = "failed"; /* no TSC clocksource: Linux falls back to jiffies */
	else if (logged("Fast TSC calibration using PIT"))
		cal = "pit-fast";
	else if (logged("Using PIT calibration value"))
		cal = "pit";
	else if (logged("reference calibration"))
		cal = "hpet-pmtimer";
	else if (logged("MHz processor"))
		cal = "known"; /* CPUID, MSR, kvmclock or tsc_early_khz= gave the frequency */
	report_add(r, "tsc_cal", cal);
	report_add(r, "apic_timer",
		   logged("APIC timer disabled due to verification failure") ? "failed" : "ok");
}
