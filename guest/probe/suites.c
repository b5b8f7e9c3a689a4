/* suites.c: optional test suites after the hand-off checks, chosen with
 * probe.suite=<name>[,<name>...] (README.md). */
#include "handoff.h"
#include "probe.h"

void run_suites(const struct handoff *h)
{
	(void)h;
}
