/* report.h: building and emitting `microrig: <topic> key=value ...` lines (docs/protocol.md). */
#ifndef MICRORIG_REPORT_H
#define MICRORIG_REPORT_H

#include "io.h"

#define DEBUGCON_PORT 0x402	/* isa-debugcon: the firmware's log channel */

/* Keys and topics are string literals: their length is known at compile time. */
#define line_begin(topic)	line_put("microrig: " topic, sizeof("microrig: " topic) - 1)
#define line_hex(key, v)	line_hex_(" " key "=0x", sizeof(" " key "=0x") - 1, (v))
#define line_dec(key, v)	line_dec_(" " key "=", sizeof(" " key "=") - 1, (v))
#define line_word(key, w)	line_word_(" " key "=", sizeof(" " key "=") - 1, (w))
#define line_quoted(key, s)	line_quoted_(" " key "=\"", sizeof(" " key "=\"") - 1, (s))

/* Report blocks are skipped as a whole in quiet mode: building a line costs instructions. */
#define reporting() (!board.quiet)

void line_put(const char *s, uint32_t n);
void line_hex_(const char *key, uint32_t n, uint64_t v);
void line_dec_(const char *key, uint32_t n, uint32_t v);
void line_word_(const char *key, uint32_t n, const char *w);
void line_quoted_(const char *key, uint32_t n, const char *s);
void line_end(void);		/* newline, then send unless quiet */
void line_end_always(void);	/* newline, then send even when quiet (errors) */

#endif
