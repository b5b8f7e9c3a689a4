/* timing.h: -stage-times, "mvm: time stage=<stage> ns=<CLOCK_MONOTONIC>" lines on stderr
 * (docs/protocol.md), so that boot latency is measured rather than guessed. The lines are
 * buffered (timing.c says when they are written). */
#ifndef MVM_TIMING_H
#define MVM_TIMING_H

#include <stdbool.h>
#include <stdint.h>

void timing_enable(bool on);
bool timing_enabled(void);
uint64_t timing_now_ns(void);
/* Prints one stage line (no-op unless enabled). line, when not NULL, is quoted. */
void timing_mark(const char *stage, const char *line);
/* The exec stamp is taken first thing in main(), before options are known. */
void timing_mark_at(const char *stage, uint64_t ns);
/* Any other -stage-times line (counters at exit); buffered like the stamps. */
void timing_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes the buffered lines; also run at exit and by the I/O thread (timing.c). */
void timing_flush(void);

#endif
