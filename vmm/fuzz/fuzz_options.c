/* fuzz_options.c: libFuzzer target for the command-line parser. The input is split on NUL
 * bytes into argv; whatever it is, the parser must return a result without crashing,
 * leaking or reading out of bounds. */
#include "options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	char *argv[FUZZ_MAX_ARGS + 1] = { "mvm" };
	int argc = 1;
	for (size_t i = 0; i < size && argc < FUZZ_MAX_ARGS; i += strlen(copy + i) + 1)
		argv[argc++] = copy + i;
	struct options o;
	char err[OPT_ERR_LEN];
	options_parse(&o, argc, argv, err);
	options_free(&o);
	free(copy);
	return 0;
}
