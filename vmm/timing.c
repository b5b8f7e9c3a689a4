/* timing.c: boot-stage timestamps. */
#include "timing.h"

#include <stdio.h>
#include <time.h>

static bool enabled;

void timing_enable(bool on)
{
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

void timing_mark_at(const char *stage, uint64_t ns)
{
	if (enabled)
		fprintf(stderr, "mvm: time stage=%s ns=%llu\n", stage, (unsigned long long)ns);
}

void timing_mark(const char *stage, const char *line)
{
	if (!enabled)
		return;
	uint64_t ns = timing_now_ns();
	if (line)
		fprintf(stderr, "mvm: time stage=%s ns=%llu line=\"%s\"\n", stage,
			(unsigned long long)ns, line);
	else
		timing_mark_at(stage, ns);
}
