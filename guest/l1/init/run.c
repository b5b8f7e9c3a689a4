/* run.c: run one inner case (a QEMU or mvm command line) and relay its stdout and stderr to
 * L1's console, line by line, each tagged with the case name and the time since its start. */
#include "l1.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RELAY_LINE_MAX 4096 /* a longer line is relayed in pieces */

struct stream {
	const char *tag; /* "out" or "err" */
	int fd;
	size_t len;
	char buf[RELAY_LINE_MAX];
};

static char *const inner_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
	"HOME=/",
	NULL,
};

static void relay_line(const struct inner_case *c, struct stream *s, long long start)
{
	size_t len = s->len;

	while (len > 0 && (s->buf[len - 1] == '\r' || s->buf[len - 1] == '\n'))
		len--;
	say("l1: %s name=%s t_ms=%lld | %.*s", s->tag, c->name, now_ms() - start, (int)len,
	    s->buf);
	s->len = 0;
}

/* Read what is there; relay every complete line. False at end of file. */
static bool relay(const struct inner_case *c, struct stream *s, long long start)
{
	char chunk[1024];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		if (s->len > 0)
			relay_line(c, s, start);
		return false;
	}
	for (ssize_t i = 0; i < n; i++) {
		s->buf[s->len++] = chunk[i];
		if (chunk[i] == '\n' || s->len == sizeof(s->buf))
			relay_line(c, s, start);
	}
	return true;
}

static pid_t spawn(const struct inner_case *c, int out[2], int err[2])
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	setpgid(0, 0); /* so a timeout kills the inner command and anything it started */
	int null = open("/dev/null", O_RDONLY);
	dup2(null, STDIN_FILENO);
	dup2(out[1], STDOUT_FILENO);
	dup2(err[1], STDERR_FILENO);
	close(out[0]);
	close(err[0]);
	if (chdir("/") != 0)
		_exit(127);
	execvpe(c->argv[0], c->argv, inner_env);
	fprintf(stderr, "l1: cannot run %s: %s\n", c->argv[0], strerror(errno));
	_exit(127);
}

void run_case(const struct inner_case *c)
{
	static struct stream out = { .tag = "out" }, err = { .tag = "err" };
	int out_pipe[2], err_pipe[2];
	long long start = now_ms();
	bool timed_out = false;

	say("l1: case name=%s begin", c->name);
	if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
		say_error("pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = spawn(c, out_pipe, err_pipe);
	close(out_pipe[1]);
	close(err_pipe[1]);
	out.fd = out_pipe[0];
	err.fd = err_pipe[0];
	out.len = err.len = 0;

	struct pollfd fds[2] = { { .fd = out.fd, .events = POLLIN },
				 { .fd = err.fd, .events = POLLIN } };
	while (pid > 0 && (fds[0].fd >= 0 || fds[1].fd >= 0)) {
		long long left = c->timeout_ms - (now_ms() - start);
		if (left <= 0) {
			timed_out = true;
			kill(-pid, SIGKILL);
			break;
		}
		if (poll(fds, 2, (int)(left < 1000 ? left : 1000)) < 0 && errno != EINTR)
			break;
		struct stream *streams[2] = { &out, &err };
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !relay(c, streams[i], start))
				fds[i].fd = -1;
		}
	}
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	close(out.fd);
	close(err.fd);
	say("l1: case name=%s end status=%d signal=%d timeout=%d elapsed_ms=%lld", c->name,
	    pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    pid > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0, timed_out,
	    now_ms() - start);
}
