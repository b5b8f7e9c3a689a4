/* timing.c: boot-stage timestamps.
 *
 * The lines are collected in a buffer and written in one go: at the first guest
 * instruction, when the buffer fills, and at exit (atexit, so die() and vm_exit() both
 * flush). Written one by one they cost a write to the harness's pipe each, and in the
 * nested sandbox a switch to the reader too: the 16 start-up stamps alone added about
 * 20 ms to a 80 ms boot, which is the measuring, not the VMM. Each line carries its own
 * time, so writing it later changes nothing it says. A VMM killed with SIGKILL loses
 * the stamps taken after the first guest instruction.
 */
#include "timing.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TIMING_BUF_SIZE 8192

static bool enabled;
static char buf[TIMING_BUF_SIZE];
static size_t used;

void timing_flush(void)
{
	size_t done = 0;
	while (done < used) {
		ssize_t n = write(STDERR_FILENO, buf + done, used - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	used = 0;
}

void timing_enable(bool on)
{
	if (on && !enabled)
		atexit(timing_flush);
	enabled = on;
}

bool timing_enabled(void)
{
	return enabled;
}

uint64_t timing_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void timing_printf(const char *fmt, ...)
{
	if (!enabled)
		return;
	for (int attempt = 0; attempt < 2; attempt++) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(buf + used, sizeof(buf) - used, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof(buf) - used) {
			used += (size_t)n;
			return;
		}
		buf[used] = 0;
		timing_flush();		/* full: write what is there and try once more */
	}
}

void timing_mark_at(const char *stage, uint64_t ns)
{
	timing_printf("mvm: time stage=%s ns=%llu\n", stage, (unsigned long long)ns);
}

void timing_mark(const char *stage, const char *line)
{
	if (!enabled)
		return;
	uint64_t ns = timing_now_ns();
	if (line)
		timing_printf("mvm: time stage=%s ns=%llu line=\"%s\"\n", stage,
			      (unsigned long long)ns, line);
	else
		timing_mark_at(stage, ns);
}
