/* options_kv.h: QEMU's "value,key=value,key=value" option syntax (QemuOpts). */
#ifndef MVM_OPTIONS_KV_H
#define MVM_OPTIONS_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KV_MAX 24

struct kv {
	char *key;		/* NULL for a leading bare value ("microvm" in "microvm,pit=on") */
	char *value;		/* NULL for a bare flag ("server" in "socket,server") */
	bool used;
};

struct kvlist {
	char *buf;		/* the split copy of the argument */
	struct kv kv[KV_MAX];
	int n;
};

/* Split arg on commas; ",," is a literal comma as in QEMU. Returns false when too many. */
bool kv_split(struct kvlist *l, const char *arg);
void kv_free(struct kvlist *l);
/* The value of key (marks it used), or NULL. */
const char *kv_get(struct kvlist *l, const char *key);
/* The first key that no kv_get() asked for, or NULL. */
const char *kv_unused(struct kvlist *l);

/* on/off/yes/no/true/false; false when the text is none of them. */
bool parse_bool(const char *s, bool *out);
/* A size with an optional B/K/M/G/T suffix; a bare number is in units of default_unit. */
bool parse_size(const char *s, uint64_t default_unit, uint64_t *out);
/* A decimal, 0x-hex or 0-octal unsigned integer that must be <= max. */
bool parse_uint(const char *s, uint64_t max, uint64_t *out);

#endif
