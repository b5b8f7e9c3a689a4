/* text.c: reading /proc and /sys files. They are small and read with one read() each;
 * nothing here allocates, so init keeps working with very little memory. */
#include "text.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

bool text_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0 || size == 0)
		return false;
	/* /proc files may return their contents over several reads */
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return true;
}

bool text_first_word(const char *path, char *buf, size_t size)
{
	if (!text_read(path, buf, size))
		return false;
	buf[strcspn(buf, " \t\n")] = '\0';
	return buf[0] != '\0';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

void text_join_words(char *s, char sep)
{
	char *out = s;
	bool pending = false;

	for (const char *in = s; *in; in++) {
		if (is_space(*in)) {
			pending = out != s;
			continue;
		}
		if (pending)
			*out++ = sep;
		pending = false;
		*out++ = *in;
	}
	*out = '\0';
}

bool text_has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += len) {
		bool starts = p == list || is_space(p[-1]) || p[-1] == ',';
		bool ends = p[len] == '\0' || is_space(p[len]) || p[len] == ',';
		if (starts && ends)
			return true;
	}
	return false;
}

void text_append(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	if (len + 1 >= size)
		return;
	strncat(buf, s, size - len - 1);
}
