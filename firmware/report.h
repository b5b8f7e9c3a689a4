/* report.h: building and emitting `microrig: <topic> key=value ...` lines (docs/protocol.md). */
#ifndef MICRORIG_REPORT_H
#define MICRORIG_REPORT_H

#include "io.h"

#define DEBUGCON_PORT 0x402	/* isa-debugcon: the firmware's log channel */
#define LINE_TEXT_MAX 240	/* room for variable-length words; fixed parts fit in the slack */
#define LINE_SLACK    96	/* literal keys and numbers are appended without a bounds check */

/* Report blocks are skipped as a whole in quiet mode: building a line costs instructions. */
#define reporting() (!board.quiet)

/*
 * A line is built in place through line_ptr. Keys and topics are string literals, copied
 * with a compile-time length (the compiler turns that into a few moves), so a line costs
 * little more than the bytes that go out on the ports.
 */
extern char line_buf[LINE_TEXT_MAX + LINE_SLACK];
extern char *line_ptr;

#define line_lit(s)	(__builtin_memcpy(line_ptr, (s), sizeof(s) - 1), line_ptr += sizeof(s) - 1)
#define line_begin(topic)	line_lit("microrig: " topic)
#define line_hex(key, v)	(line_lit(" " key "=0x"), line_hex_((v)))
#define line_dec(key, v)	(line_lit(" " key "="), line_dec_((v)))
/*
 * Words are the firmware's own short strings. __builtin_strlen folds to a constant for a
 * literal even under -ffreestanding, and then the copy is a few moves, not a call.
 */
static inline void line_copy(const char *s, uint32_t n)
{
	__builtin_memcpy(line_ptr, s, n);
	line_ptr += n;
}
#define line_word(key, w)	(line_lit(" " key "="), line_copy((w), __builtin_strlen(w)))
#define line_quoted(key, s)	(line_lit(" " key "=\""), line_put((s), __builtin_strlen(s)), line_lit("\""))

void line_put(const char *s, uint32_t n);	/* runtime text, cut to fit */
void line_hex_(uint64_t v);
void line_dec_(uint32_t v);
void line_end(void);		/* newline, then send unless quiet */
void line_end_always(void);	/* newline, then send even when quiet (errors) */

#endif
