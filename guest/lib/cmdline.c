/* cmdline.c: key=value lookup. Words are separated by spaces; the last
 * occurrence of a key wins, as in Linux. No quoting: probe keys never need it. */
#include "cmdline.h"
#include "string.h"

const char *cmdline_value(const char *cmdline, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *found = NULL;
	const char *p = cmdline;

	while (p && *p) {
		while (*p == ' ')
			p++;
		const char *word = p;

		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - word) > klen && !strncmp(word, key, klen) && word[klen] == '=') {
			found = word + klen + 1;
			*len = (size_t)(p - found);
		}
	}
	return found;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, len -= 2;

	if (!len || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned shift = 0;

	if (len && (s[len - 1] == 'K' || s[len - 1] == 'k'))
		shift = 10, len--;
	else if (len && (s[len - 1] == 'M' || s[len - 1] == 'm'))
		shift = 20, len--;
	else if (len && (s[len - 1] == 'G' || s[len - 1] == 'g'))
		shift = 30, len--;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!parse_hex(s + 2, len - 2, out))
			return false;
	} else {
		uint64_t v = 0;

		if (!len || len > 19)
			return false;
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
		*out = v;
	}
	*out <<= shift;
	return true;
}

bool cmdline_u64(const char *cmdline, const char *key, uint64_t *out)
{
	size_t len;
	const char *v = cmdline_value(cmdline, key, &len);

	return v && parse_u64(v, len, out);
}

bool cmdline_is(const char *cmdline, const char *key, const char *word)
{
	size_t len;
	const char *v = cmdline_value(cmdline, key, &len);

	return v && len == strlen(word) && !strncmp(v, word, len);
}
