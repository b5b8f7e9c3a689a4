/* timing.c: boot-stage timestamps.
 *
 * The lines are collected in a buffer and written at exit (atexit, so die() and vm_exit()
 * both flush), when the buffer fills, and by the I/O thread every TIMING_FLUSH_NS (a boot
 * that hangs still shows how far it got). Why not at once: every
 * write wakes the reader, and in the nested sandbox that reader (L1's job runner) shares
 * the one CPU and forwards each line through an emulated device, so lines written during
 * the boot were measured as the boot. Written at exit, they cost the wait for the kernel
 * to destroy the VM, when the CPU is idle anyway. Each line carries its own time, so
 * writing it later changes nothing it says.
 */
#include "timing.h"
#include "iothread.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TIMING_BUF_SIZE 8192
#define TIMING_FLUSH_NS 250000000ull	/* the longest a line waits while mvm runs */

static bool enabled;
static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;	/* vCPU and I/O threads */
static char buf[TIMING_BUF_SIZE];
static size_t used;

static void flush_locked(void)
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

void timing_flush(void)
{
	pthread_mutex_lock(&buf_lock);
	flush_locked();
	pthread_mutex_unlock(&buf_lock);
}

static void flush_timer(void *opaque)
{
	(void)opaque;
	timing_flush();
}

void timing_enable(bool on)
{
	if (on && !enabled) {
		atexit(timing_flush);
		timer_arm(timer_new(flush_timer, NULL), TIMING_FLUSH_NS, TIMING_FLUSH_NS);
	}
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
	pthread_mutex_lock(&buf_lock);
	for (int attempt = 0; attempt < 2; attempt++) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(buf + used, sizeof(buf) - used, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof(buf) - used) {
			used += (size_t)n;
			break;
		}
		buf[used] = 0;
		flush_locked();		/* full: write what is there and try once more */
	}
	pthread_mutex_unlock(&buf_lock);
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
