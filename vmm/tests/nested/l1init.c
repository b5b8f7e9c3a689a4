/* l1init.c: PID 1 of the L1 test sandbox (QEMU TCG with emulated SVM). It loads the KVM
 * modules so that /dev/kvm is real, runs each line of /cmds as a command, prints its exit
 * status as "l1: rc=N cmd=...", and leaves QEMU through isa-debug-exit at 0xf4. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define L1_EXIT_PORT 0xf4	/* isa-debug-exit of the L1 QEMU */

static void load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0)
		fprintf(stderr, "l1: cannot load %s\n", path);
	if (fd >= 0)
		close(fd);
}

/* Splits on blanks; 'single quotes' group words (for -append). */
static long last_maxrss_kb;

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int run_line(char *line)
{
	char *argv[128];
	int argc = 0;
	char *p = line;
	while (*p && argc < 127) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *start = p, *out = p;
		bool quoted = false;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (*p == '\'') {
				quoted = !quoted;
				p++;
				continue;
			}
			*out++ = *p++;
		}
		if (*p)
			p++;
		*out = 0;
		argv[argc++] = start;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	int limit_s = 0;
	if (argv[0][0] == '@') {
		limit_s = atoi(argv[0] + 1);
		for (int i = 0; i < argc; i++)
			argv[i] = argv[i + 1];
		argc--;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	/* "@N cmd ...": kill the command after N seconds (a guest that never exits). */
	long long deadline = limit_s ? now_us() + limit_s * 1000000LL : 0;
	while (wait4(pid, &st, deadline ? WNOHANG : 0, &ru) == 0) {
		if (now_us() > deadline) {
			kill(pid, SIGKILL);
			printf("\nl1: timeout after %d s\n", limit_s);
			deadline = 0;
		}
		usleep(100000);
	}
	last_maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void)
{
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	load_module("/mod/irqbypass.ko");
	load_module("/mod/kvm.ko");
	load_module("/mod/kvm-amd.ko");
	load_module("/mod/tun.ko");
	printf("l1: kvm=%s\n", access("/dev/kvm", R_OK) == 0 ? "yes" : "no");
	FILE *f = fopen("/cmds", "r");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		char shown[4096];
		snprintf(shown, sizeof(shown), "%s", line);
		shown[strcspn(shown, "\n")] = 0;
		fflush(stdout);
		long long t0 = now_us();
		int rc = run_line(line);
		long long t1 = now_us();
		printf("l1: rc=%d wall_us=%lld maxrss_kb=%ld cmd=%s\n", rc, t1 - t0, last_maxrss_kb,
		       shown);
		fflush(stdout);
	}
	sync();
	if (ioperm(L1_EXIT_PORT, 4, 1) == 0)
		outl(0, L1_EXIT_PORT);
	return 0;
}
