/* jobs.c: run the batch of inner commands, one after the other, each with a timeout.
 *
 * The job file is plain text written by harness/nested.py:
 *     job <id> <timeout_ms> <name>
 *     arg <one argument, the rest of the line>
 *     out <path of a file the job writes, sent back in hex after the job>
 *     run
 * The end line carries the spawn and reap times on L1's CLOCK_MONOTONIC (t0_ns, end_ns),
 * the clock of mvm's -stage-times stamps, so the host can split a run into its stages.
 * Output of a job is framed on the result channel as it arrives, each line stamped with
 * the L1 milliseconds since the job was spawned, so the host can time inner boots with
 * L1's clock rather than its own (which also counts L1's console and scheduling).
 * Output files (debugcon logs) are FIFOs that init reads while the job runs, so their
 * bytes carry arrival times too; where a FIFO cannot be made, the file is sent after. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "l1init.h"

#define MAX_ARGS      512
#define MAX_OUTS      8
#define JOB_LINE_MAX  8192
#define OUT_FILE_MAX  (16 << 20)   /* cap on a file sent back (bytes) */
#define DRAIN_MS      1000         /* after the job exits, wait this long for pipe EOF */
#define POLL_SLICE_MS 20           /* exit check period when pidfd_open is unavailable */
#define GATHER_MS     2            /* after output wakes us, let the job write this long */

struct job {
	char id[64];
	char name[128];
	long timeout_ms;
	int argc;
	char *argv[MAX_ARGS + 1];
	int nouts;
	char *outs[MAX_OUTS];
};

/* A pipe from the job and the partial line read from it so far. */
struct stream {
	int fd;
	const char *tag;   /* "o" for stdout, "e" for stderr, "dx" for an output FIFO */
	int out_index;     /* which output file, for "dx" */
	size_t len;
	char buf[JOB_LINE_MAX];
};

static void flush_lines(struct stream *s, const struct job *j, long t0, int at_eof)
{
	size_t start = 0;
	for (size_t i = 0; i < s->len; i++) {
		if (s->buf[i] == '\n') {
			chan_frame(s->tag, j->id, now_ms() - t0, s->buf + start, i - start);
			start = i + 1;
		}
	}
	if (start == 0 && s->len == sizeof(s->buf))   /* a line longer than the buffer */
		start = s->len, chan_frame(s->tag, j->id, now_ms() - t0, s->buf, s->len);
	if (at_eof && start < s->len)
		chan_frame(s->tag, j->id, now_ms() - t0, s->buf + start, s->len - start),
			start = s->len;
	memmove(s->buf, s->buf + start, s->len - start);
	s->len -= start;
}

/* Read what is there; returns 0 at end of file (or, for a FIFO, when it is empty). */
static int pump(struct stream *s, const struct job *j, long t0)
{
	if (s->out_index >= 0) {
		ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
		if (n <= 0)
			return 0;
		chan_hex("dx", j->id, s->out_index, now_ms() - t0, (uint8_t *)s->buf, (size_t)n);
		return 1;
	}
	ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0) {
		flush_lines(s, j, t0, 1);
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	s->len += (size_t)n;
	flush_lines(s, j, t0, 0);
	return 1;
}

static pid_t spawn(const struct job *j, int out_fd, int err_fd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	setsid();   /* its own process group, so a timeout kills all of it */
	int null_fd = open("/dev/null", O_RDONLY);
	dup2(null_fd, 0);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	chdir("/tmp");
	execvp(j->argv[0], j->argv);
	dprintf(2, "nested: cannot run %s: %s\n", j->argv[0], strerror(errno));
	_exit(127);
}

/* Make output file i a FIFO and open it; O_RDWR keeps a writer on it, so reads never see
 * end of file and the job can open it for writing whenever it likes. -1: not a FIFO. */
static int open_output_fifo(const struct job *j, int i)
{
	unlink(j->outs[i]);
	if (mkfifo(j->outs[i], 0644) != 0)
		return -1;
	return open(j->outs[i], O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

/* Output files that could not be FIFOs are sent whole after the job. */
static void send_outputs(const struct job *j, const int *fifo_fd)
{
	for (int i = 0; i < j->nouts; i++) {
		if (fifo_fd[i] >= 0) {
			unlink(j->outs[i]);
			continue;
		}
		int fd = open(j->outs[i], O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			chan_printf("nested: nofile id=%s n=%d\n", j->id, i);
			if (fd >= 0)
				close(fd);
			continue;
		}
		size_t size = st.st_size > OUT_FILE_MAX ? OUT_FILE_MAX : (size_t)st.st_size;
		uint8_t *data = malloc(size ? size : 1);
		size_t got = 0;
		ssize_t n;
		while (data && got < size && (n = read(fd, data + got, size - got)) > 0)
			got += (size_t)n;
		close(fd);
		chan_hex("fx", j->id, i, -1, data ? data : (uint8_t *)"", data ? got : 0);
		free(data);
		unlink(j->outs[i]);   /* keep L1's RAM for the next jobs */
	}
}

static int output_waiting(const struct pollfd *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i].revents & POLLIN)
			return 1;
	return 0;
}

/* L1 has one CPU: a wake-up for every write takes it from the job each time, and an engine
 * that writes its console a byte at a time (QEMU does) would spend most of its run on them.
 * So once output is waiting, the job gets GATHER_MS more to write before it is read, unless
 * it exits first (its end is still stamped when it happens). Lines are stamped when read:
 * up to GATHER_MS late, never early. */
static void gather(int pidfd)
{
	struct pollfd exit_fd = { .fd = pidfd, .events = POLLIN };
	poll(&exit_fd, 1, GATHER_MS);
}

static void run_one(const struct job *j)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		chan_printf("nested: end id=%s status=error what=\"pipe\" ms=0\n", j->id);
		return;
	}
	chan_printf("nested: begin id=%s name=%s timeout_ms=%ld\n", j->id, j->name, j->timeout_ms);
	static struct stream s[2 + MAX_OUTS];
	int fifo_fd[MAX_OUTS], ns = 2;
	for (int i = 0; i < j->nouts; i++) {
		fifo_fd[i] = open_output_fifo(j, i);
		if (fifo_fd[i] >= 0)
			s[ns++] = (struct stream){ .fd = fifo_fd[i], .tag = "dx", .out_index = i };
	}
	chan_hold(1);		/* the job's frames go out when it has ended (channel.c) */
	long long t0_ns = now_ns();
	long t0 = (long)(t0_ns / 1000000LL);
	pid_t pid = spawn(j, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		chan_hold(0);
		chan_printf("nested: end id=%s status=error what=\"fork\" ms=0\n", j->id);
		close(out[0]), close(err[0]);
		for (int i = 2; i < ns; i++)
			close(s[i].fd);
		return;
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	s[0] = (struct stream){ .fd = out[0], .tag = "o", .out_index = -1 };
	s[1] = (struct stream){ .fd = err[0], .tag = "e", .out_index = -1 };
	int status = 0, reaped = 0, timed_out = 0;
	struct rusage usage = { 0 };	/* the inner program's peak RSS, for the VMM cost figures */
	long end_ms = 0, deadline = t0 + j->timeout_ms;
	long long end_ns = 0;
	while (s[0].fd >= 0 || s[1].fd >= 0 || !reaped) {
		long now = now_ms();
		if (!reaped && now >= deadline && !timed_out) {
			kill(-pid, SIGKILL);
			timed_out = 1;
		}
		if (reaped && now >= end_ms + DRAIN_MS)
			break;
		struct pollfd p[3 + MAX_OUTS];
		int np = 0;
		for (int i = 0; i < ns; i++)
			p[np++] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = reaped ? -1 : pidfd, .events = POLLIN };
		long wait = reaped ? end_ms + DRAIN_MS - now : deadline - now;
		if (!reaped && pidfd < 0 && wait > POLL_SLICE_MS)
			wait = POLL_SLICE_MS;
		poll(p, np, wait < 0 ? POLL_SLICE_MS : (int)wait);
		if (!reaped && pidfd >= 0 && output_waiting(p, ns))
			gather(pidfd);
		for (int i = 0; i < ns; i++)
			if (s[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				pump(&s[i], j, t0);
		if (!reaped && wait4(pid, &status, WNOHANG, &usage) == pid) {
			reaped = 1;
			end_ns = now_ns();
			end_ms = (long)(end_ns / 1000000LL);
			kill(-pid, SIGKILL);   /* anything it left behind holds our pipes */
		}
	}
	for (int i = 0; i < 2; i++)
		if (s[i].fd >= 0)
			flush_lines(&s[i], j, t0, 1), close(s[i].fd);
	for (int i = 2; i < ns; i++) {   /* what the job wrote last */
		while (pump(&s[i], j, t0))
			;
		close(s[i].fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	chan_hold(0);
	send_outputs(j, fifo_fd);
	long ms = end_ms - t0;
	if (timed_out)
		chan_printf("nested: end id=%s status=timeout ms=%ld\n", j->id, ms);
	else if (WIFSIGNALED(status))
		chan_printf("nested: end id=%s status=signal signal=%d ms=%ld\n", j->id,
			    WTERMSIG(status), ms);
	else
		chan_printf("nested: end id=%s status=exit exit=%d ms=%ld rss_kib=%ld t0_ns=%lld "
			    "end_ns=%lld\n", j->id, WEXITSTATUS(status), ms, usage.ru_maxrss, t0_ns,
			    end_ns);
}

static void free_job(struct job *j)
{
	for (int i = 0; i < j->argc; i++)
		free(j->argv[i]);
	for (int i = 0; i < j->nouts; i++)
		free(j->outs[i]);
	memset(j, 0, sizeof(*j));
}

int run_jobs(const char *job_file)
{
	static char line[JOB_LINE_MAX];
	struct job j = { 0 };
	int count = 0;
	FILE *f = fopen(job_file, "r");
	if (!f) {
		chan_printf("nested: error what=\"no job file %s\"\n", job_file);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "job ", 4)) {
			free_job(&j);
			sscanf(line + 4, "%63s %ld %127s", j.id, &j.timeout_ms, j.name);
		} else if (!strncmp(line, "arg ", 4) && j.argc < MAX_ARGS) {
			j.argv[j.argc++] = strdup(line + 4);
		} else if (!strncmp(line, "out ", 4) && j.nouts < MAX_OUTS) {
			j.outs[j.nouts++] = strdup(line + 4);
		} else if (!strcmp(line, "run") && j.argc > 0) {
			j.argv[j.argc] = NULL;
			scrub_freed_pages();	/* before the clock starts: scrub.c */
			run_one(&j);
			count++;
		}
	}
	free_job(&j);
	fclose(f);
	return count;
}
