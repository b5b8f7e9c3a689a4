/* text.h: small helpers for reading the kernel's text files (/proc, /sys) into buffers. */
#ifndef MICRORIG_INIT_TEXT_H
#define MICRORIG_INIT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Read a whole file into buf (NUL-terminated, truncated to size-1). False if unreadable. */
bool text_read(const char *path, char *buf, size_t size);

/* Read the first word of a file (up to the first space or newline). False if unreadable
 * or empty. */
bool text_first_word(const char *path, char *buf, size_t size);

/* Replace every run of spaces/tabs/newlines with one sep character and strip the ends:
 * "tsc kvm-clock \n" becomes "tsc,kvm-clock". */
void text_join_words(char *s, char sep);

/* True if the space-separated list contains word exactly. */
bool text_has_word(const char *list, const char *word);

/* Append to a bounded string buffer; silently truncates. */
void text_append(char *buf, size_t size, const char *s);

#endif
