/* fuzz_options.c: mvm's QEMU-style command line parser (vmm/options*.c). The input is split
 * on NUL bytes into argv[1..]; options_parse() must return OK, HELP, VERSION or ERROR with
 * a non-empty message, never exit, crash, or leak (options_free() after every parse). */
#include "../../vmm/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 48
#define MAX_TEXT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[MAX_TEXT + 1];
	char *argv[MAX_ARGS + 2] = { "mvm" };
	int argc = 1;

	if (size > MAX_TEXT)
		size = MAX_TEXT;
	memcpy(text, data, size);
	text[size] = 0;
	for (size_t i = 0; i < size && argc <= MAX_ARGS; i++) {
		argv[argc++] = text + i;
		i += strlen(text + i);
	}
	argv[argc] = NULL;

	struct options o;
	char err[OPT_ERR_LEN];
	memset(err, 0x5a, sizeof(err));
	enum options_result r = options_parse(&o, argc, argv, err);
	if (r == OPTIONS_ERROR && (!memchr(err, 0, sizeof(err)) || !err[0])) {
		fprintf(stderr, "options: an error without a message\n");
		abort();
	}
	if (r != OPTIONS_OK && r != OPTIONS_ERROR && r != OPTIONS_HELP && r != OPTIONS_VERSION)
		abort();
	options_free(&o);
	return 0;
}
