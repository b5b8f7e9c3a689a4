/* timing.h: -stage-times, "mvm: time stage=<stage> ns=<CLOCK_MONOTONIC>" lines on stderr
 * (docs/protocol.md), so that boot latency is measured rather than guessed. */
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

#endif
