/* job.c: the job file written by run-nested. Line-based, so that arguments may hold spaces
 * and no shell is needed in L1:
 *
 *     case <name> <timeout_ms>
 *     arg <argument, to the end of the line>
 *     ...
 *     end
 */
#include "l1.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *job;
static int line_no;

bool job_open(void)
{
	job = fopen(JOB_FILE, "r");
	if (!job)
		say_error("%s: %s", JOB_FILE, strerror(errno));
	return job != NULL;
}

static void free_args(struct inner_case *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	c->argc = 0;
	c->argv[0] = NULL;
}

static bool parse_error(const char *what)
{
	say_error("%s line %d: %s", JOB_FILE, line_no, what);
	return false;
}

bool job_next(struct inner_case *c)
{
	char *line = NULL;
	size_t cap = 0;
	bool in_case = false;

	free_args(c);
	while (job && getline(&line, &cap, job) > 0) {
		line_no++;
		line[strcspn(line, "\n")] = '\0';
		if (!in_case) {
			if (line[0] == '\0' || line[0] == '#')
				continue;
			if (sscanf(line, "case %63s %ld", c->name, &c->timeout_ms) != 2)
				return free(line), parse_error("expected `case <name> <timeout_ms>`");
			in_case = true;
		} else if (strncmp(line, "arg ", 4) == 0) {
			if (c->argc == CASE_ARGS_MAX)
				return free(line), parse_error("too many arguments");
			c->argv[c->argc++] = strdup(line + 4);
			c->argv[c->argc] = NULL;
		} else if (strcmp(line, "end") == 0) {
			free(line);
			if (c->argc == 0)
				return parse_error("case without arguments");
			return true;
		} else {
			return free(line), parse_error("expected `arg ...` or `end`");
		}
	}
	free(line);
	return in_case ? parse_error("missing `end`") : false;
}
