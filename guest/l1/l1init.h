/* l1init.h: what the parts of the L1 sandbox's init share. */
#ifndef L1INIT_H
#define L1INIT_H

#include <stddef.h>
#include <stdint.h>

/* Result channel: text lines to the host through L1's isa-debugcon. */
void chan_open(void);
void chan_write(const char *buf, size_t len);
/* 1: keep frames in memory (a job is running); 0: write what was kept, and go on writing. */
void chan_hold(int on);
void chan_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One framed line: "nested: <tag> id=<id> ms=<ms> | <text>\n". */
void chan_frame(const char *tag, const char *id, long ms, const char *text, size_t len);
/* Write a byte range as hex, framed in lines tagged `tag` (exact file transfer); ms < 0
 * leaves out the time stamp. */
void chan_hex(const char *tag, const char *id, int index, long ms, const uint8_t *data,
	      size_t len);

/* Milliseconds of CLOCK_MONOTONIC: L1's own notion of elapsed time. */
long now_ms(void);
long long now_ns(void);		/* CLOCK_MONOTONIC, the clock mvm's -stage-times uses */

/* Writes to fresh pages so that the pages the last job freed are clean again (scrub.c). */
void scrub_freed_pages(void);

/* Run every job of the job file; returns the number of jobs run. */
int run_jobs(const char *job_file);

#endif
