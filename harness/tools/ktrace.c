/* ktrace.c: run a program under the kernel's scheduler tracepoints, for where its time went.
 *
 *   ktrace [--events "SYSTEM:EVENT ..."] -- PROGRAM ARGS...
 *
 * Made for the nested sandbox (guest/l1), where it runs as root with tracefs available:
 * `python3 -m harness ktrace CASE` wraps an inner engine in it and summarises the trace
 * (harness/ktrace.py). It mounts tracefs, turns on sched_switch (and any --events), with a
 * kernel stack recorded at every switch away from a task that blocks uninterruptibly (the
 * kernel's own waits: RCU grace periods, kthread_stop, completions) and forks traced too,
 * runs PROGRAM, and when PROGRAM has exited writes a line with its pid, start and end, then
 * the trace, to stderr, each line prefixed with KTRACE_PREFIX, on CLOCK_MONOTONIC (the clock
 * of mvm's -stage-times and of L1's job times). It then turns everything off again, so the
 * next job in the same L1 runs untraced.
 *
 * Exit status: PROGRAM's (128 + signal when it was killed); KTRACE_EXIT_USAGE for a bad
 * command line; KTRACE_EXIT_TRACEFS when tracing cannot be set up (not root, no tracefs),
 * with the step on stderr ("ktrace: cannot write .../trace_clock: ...").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACEFS			"/sys/kernel/tracing"
#define KTRACE_PREFIX		"ktrace: "
#define KTRACE_EXIT_USAGE	64
#define KTRACE_EXIT_TRACEFS	70
#define KTRACE_EXIT_EXEC	127
#define KTRACE_BUFFER_KB	"8192"		/* per CPU: a Linux boot's switches fit */
#define KTRACE_SWITCH_EVENT	"sched/sched_switch"
#define KTRACE_FORK_EVENT	"sched/sched_process_fork"	/* the program's threads */
/* TASK_UNINTERRUPTIBLE in sched_switch's prev_state (include/linux/sched.h) */
#define KTRACE_STACK_TRIGGER	"stacktrace if prev_state == 2"
#define KTRACE_MAX_EVENTS	16

static int tracefs_write(const char *file, const char *value)
{
	char path[256];
	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, value, strlen(value));
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		fprintf(stderr, "ktrace: cannot write %s to %s: %s\n", value, path, strerror(err));
		return -1;
	}
	return 0;
}

/* "sched:sched_wakeup" -> "events/sched/sched_wakeup/enable" */
static int event_enable(const char *name, const char *on)
{
	char file[192];
	const char *colon = strchr(name, ':');
	snprintf(file, sizeof(file), "events/%.*s/%s/enable", (int)(colon - name), name,
		 colon + 1);
	return tracefs_write(file, on);
}

static int valid_event_name(const char *name)
{
	const char *colon = strchr(name, ':');
	return colon && colon != name && colon[1] && !strchr(colon + 1, ':') &&
	       !strchr(name, '/') && !strstr(name, "..") && strlen(name) <= 128;
}

/* --events' list, checked before anything is traced. */
static int split_events(char *list, char **names)
{
	int n = 0;
	for (char *t = strtok(list, " ,"); t; t = strtok(NULL, " ,")) {
		if (!valid_event_name(t)) {
			fprintf(stderr, "ktrace: --events: %s is not SYSTEM:EVENT\n", t);
			return -1;
		}
		if (n == KTRACE_MAX_EVENTS) {
			fprintf(stderr, "ktrace: --events: more than %d events\n", KTRACE_MAX_EVENTS);
			return -1;
		}
		names[n++] = t;
	}
	return n;
}

/* *enabled counts the --events turned on, for tracing_stop to turn off. */
static int tracing_start(char **events, int nevents, int *enabled)
{
	*enabled = 0;
	struct stat st;
	if (stat(TRACEFS "/trace", &st) != 0 &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL) != 0 && errno != EBUSY) {
		fprintf(stderr, "ktrace: cannot mount tracefs on " TRACEFS ": %s\n",
			strerror(errno));
		return -1;
	}
	if (tracefs_write("tracing_on", "0") || tracefs_write("buffer_size_kb", KTRACE_BUFFER_KB) ||
	    tracefs_write("trace_clock", "mono") || tracefs_write("trace", "") ||
	    tracefs_write("events/" KTRACE_SWITCH_EVENT "/enable", "1") ||
	    tracefs_write("events/" KTRACE_FORK_EVENT "/enable", "1") ||
	    tracefs_write("events/" KTRACE_SWITCH_EVENT "/trigger", KTRACE_STACK_TRIGGER))
		return -1;
	for (; *enabled < nevents; ++*enabled)
		if (event_enable(events[*enabled], "1"))
			return -1;
	return tracefs_write("tracing_on", "1");
}

/* Best effort: whatever was turned on is turned off, errors or not. */
static void tracing_stop(char **events, int nevents)
{
	tracefs_write("tracing_on", "0");
	tracefs_write("events/" KTRACE_SWITCH_EVENT "/trigger", "!" KTRACE_STACK_TRIGGER);
	tracefs_write("events/" KTRACE_SWITCH_EVENT "/enable", "0");
	tracefs_write("events/" KTRACE_FORK_EVENT "/enable", "0");
	for (int i = 0; i < nevents; i++)
		event_enable(events[i], "0");
}

static void dump_trace(void)
{
	FILE *f = fopen(TRACEFS "/trace", "re");
	if (!f) {
		fprintf(stderr, "ktrace: cannot read " TRACEFS "/trace: %s\n", strerror(errno));
		return;
	}
	char line[1024];
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			fprintf(stderr, KTRACE_PREFIX "%s", line);
	fclose(f);
	fflush(stderr);
}

static long long monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* PROGRAM's pid and its start and end on the trace's clock frame the summary. */
static int run(char **argv)
{
	long long start_ns = monotonic_ns();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ktrace: fork: %s\n", strerror(errno));
		return KTRACE_EXIT_EXEC;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "ktrace: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(KTRACE_EXIT_EXEC);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return KTRACE_EXIT_EXEC;
	fprintf(stderr, KTRACE_PREFIX "program pid=%d start_ns=%lld end_ns=%lld\n", (int)pid,
		start_ns, monotonic_ns());
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int usage(void)
{
	fprintf(stderr, "usage: ktrace [--events \"SYSTEM:EVENT ...\"] -- PROGRAM ARGS...\n");
	return KTRACE_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	char *events[KTRACE_MAX_EVENTS];
	int nevents = 0, i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--events")) {
		nevents = split_events(argv[i + 1], events);
		if (nevents < 0)
			return KTRACE_EXIT_USAGE;
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc)
		return usage();
	int enabled;
	if (tracing_start(events, nevents, &enabled)) {
		tracing_stop(events, enabled);
		return KTRACE_EXIT_TRACEFS;
	}
	int status = run(argv + i + 1);
	tracing_stop(events, enabled);
	dump_trace();
	tracefs_write("trace", "");	/* the buffer back to the kernel for the next job */
	return status;
}
