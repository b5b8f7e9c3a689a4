/* cmdline.h: looking up key=value words in a kernel command line. */
#ifndef GUEST_LIB_CMDLINE_H
#define GUEST_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of the last "key=value" word, its length in *len; NULL if absent. */
const char *cmdline_value(const char *cmdline, const char *key, size_t *len);
/* Parses a number: decimal, or hex with 0x; optional K/M/G suffix (binary). */
bool parse_u64(const char *s, size_t len, uint64_t *out);
/* Parses hex digits, with or without 0x (a CRC). */
bool parse_hex(const char *s, size_t len, uint64_t *out);
bool cmdline_u64(const char *cmdline, const char *key, uint64_t *out);
/* True if the value of key equals word. */
bool cmdline_is(const char *cmdline, const char *key, const char *word);

#endif
