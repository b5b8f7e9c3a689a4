/* check.h: kvm-unit-tests style reporting for mvm's host-side unit tests: one condition,
 * one sentence saying what was checked. A test binary exits 1 when any check failed. */
#ifndef MVM_CHECK_H
#define MVM_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failures, check_count;

#define report(cond, ...)                                                     \
	do {                                                                  \
		check_count++;                                                \
		if (cond) {                                                   \
			printf("PASS: ");                                     \
		} else {                                                      \
			check_failures++;                                     \
			printf("FAIL (%s:%d): ", __FILE__, __LINE__);         \
		}                                                             \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
	} while (0)

static inline int check_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
