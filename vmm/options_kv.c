/* options_kv.c: splitting and reading QEMU-style key=value option arguments. */
#include "options_kv.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kv_free(struct kvlist *l);

bool kv_split(struct kvlist *l, const char *arg)
{
	memset(l, 0, sizeof(*l));
	l->buf = strdup(arg);
	if (!l->buf)
		return false;
	char *src = l->buf, *dst = l->buf, *start = l->buf;
	for (;;) {
		/* QEMU escapes a comma inside a value by doubling it. */
		if (*src == ',' && src[1] == ',') {
			*dst++ = ',';
			src += 2;
			continue;
		}
		if (*src == ',' || *src == 0) {
			bool end = *src == 0;
			*dst = 0;
			if (l->n == KV_MAX) {
				kv_free(l);	/* the caller only frees a list that split */
				return false;
			}
			struct kv *kv = &l->kv[l->n++];
			char *eq = strchr(start, '=');
			if (eq) {
				*eq = 0;
				kv->key = start;
				kv->value = eq + 1;
			} else if (l->n == 1) {
				kv->value = start;	/* leading bare value */
			} else {
				kv->key = start;	/* bare flag */
			}
			if (end)
				return true;
			src++;
			dst++;
			start = dst;
			continue;
		}
		*dst++ = *src++;
	}
}

void kv_free(struct kvlist *l)
{
	free(l->buf);
	l->buf = NULL;
	l->n = 0;
}

const char *kv_get(struct kvlist *l, const char *key)
{
	const char *found = NULL;
	for (int i = 0; i < l->n; i++) {
		if (l->kv[i].key && strcmp(l->kv[i].key, key) == 0) {
			l->kv[i].used = true;
			found = l->kv[i].value ? l->kv[i].value : "on";	/* last one wins */
		}
	}
	return found;
}

const char *kv_unused(struct kvlist *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->kv[i].key && !l->kv[i].used)
			return l->kv[i].key;
	return NULL;
}

bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "y" };
	static const char *const no[] = { "off", "no", "false", "n" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	double whole = strtod(s, &end);	/* QEMU accepts "1.5G" */
	if (errno || end == s || whole < 0)
		return false;
	uint64_t unit = default_unit;
	if (*end) {
		static const char suffixes[] = "BKMGTPE";
		const char *p = strchr(suffixes, toupper((unsigned char)*end));
		if (!p || end[1])
			return false;
		unit = 1ULL << (10 * (p - suffixes));
	}
	double bytes = whole * (double)unit;
	if (bytes >= 18446744073709551616.0)
		return false;
	*out = (uint64_t)bytes;
	if ((double)*out != bytes)
		return false;	/* a fraction of a byte */
	return true;
}
