/* main.c: the L1 sandbox's boot sequence, in order. */
#include "l1.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT  0xf4 /* isa-debug-exit on the L1 machine: QEMU exits (v << 1) | 1 */
#define DEBUG_EXIT_WIDTH 4
#define L1_EXIT_OK       0x00 /* every case ran (whatever their own results) */
#define L1_EXIT_SETUP    0x01 /* L1 could not run cases: no /dev/kvm, bad job file */

static bool mount_fs(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) == 0 || errno == EBUSY)
		return true;
	say_error("mount %s on %s failed: %s", type, dir, strerror(errno));
	return false;
}

static bool mount_filesystems(void)
{
	bool ok = mount_fs("proc", "/proc");
	ok &= mount_fs("sysfs", "/sys");
	ok &= mount_fs("devtmpfs", "/dev");
	ok &= mount_fs("tmpfs", "/tmp");
	return ok;
}

/* The kernel opened /dev/console for us when the initramfs has it; make sure anyway. */
static void ensure_console(void)
{
	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
}

static int run_job(void)
{
	static struct inner_case c;
	int cases = 0;

	if (!job_open())
		return -1;
	while (job_next(&c)) {
		run_case(&c);
		cases++;
	}
	return cases;
}

/* Leave through isa-debug-exit (run-nested always adds it); power off if that failed. */
static void power_off(unsigned int value)
{
	sync();
	if (ioperm(DEBUG_EXIT_PORT, DEBUG_EXIT_WIDTH, 1) == 0)
		outl(value, DEBUG_EXIT_PORT);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int main(void)
{
	ensure_console();
	say("l1: start");
	bool ready = mount_filesystems();
	ensure_console();
	ready = ready && kvm_setup();
	int cases = ready ? run_job() : -1;
	say("l1: done cases=%d ok=%d", cases < 0 ? 0 : cases, cases >= 0);
	power_off(cases >= 0 ? L1_EXIT_OK : L1_EXIT_SETUP);
}
