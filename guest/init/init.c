/* init.c: PID 1 of the microrig Linux guest. It announces itself, mounts the kernel's
 * file systems, prints one report line of what Linux sees (docs/protocol.md) and ends the
 * VM through the isa-debug-exit port. */
#include "facts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT   0xf4 /* isa-debug-exit: the VMM exits with (value << 1) | 1 */
#define DEBUG_EXIT_WIDTH  4    /* the device is 32 bits wide (iosize=4) */
#define EXIT_REPORTED     0x00 /* init reached and reported */
#define EXIT_INCOMPLETE   0x02 /* init ran but could not complete its report */

static void say(const char *text)
{
	size_t len = strlen(text);

	/* the console may be slow (a virtio console, nested KVM): finish partial writes */
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

/* The kernel opens /dev/console for PID 1 when the initramfs has it; when it did not,
 * open it now that devtmpfs is mounted. */
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
	if (fd > STDERR_FILENO)
		close(fd);
}

static bool mount_fs(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, MS_NOSUID | MS_NOEXEC, NULL) == 0 || errno == EBUSY)
		return true;
	char msg[128];
	snprintf(msg, sizeof(msg), "init: error what=\"mount %s on %s failed: %s\"\n", type, dir,
		 strerror(errno));
	say(msg);
	return false;
}

static bool mount_filesystems(void)
{
	bool ok = mount_fs("proc", "/proc");
	ok &= mount_fs("sysfs", "/sys");
	/* DEVTMPFS_MOUNT does not apply to an initramfs root: mount it here */
	ok &= mount_fs("devtmpfs", "/dev");
	return ok;
}

static bool report_what_linux_sees(void)
{
	struct report r = { .line = "init: report" };

	facts_serial(&r);
	facts_rtc(&r);
	facts_irqchips(&r);
	facts_kernel_log(&r);
	facts_clocks(&r);
	facts_virtio(&r);
	facts_cpus_memory(&r);
	facts_cmdline(&r);
	report_add(&r, "complete", r.incomplete ? "0" : "1");
	strcat(r.line, "\n");
	say(r.line);
	return !r.incomplete;
}

/* Leave through isa-debug-exit. Without that device the write goes nowhere: then reboot,
 * which ends QEMU when it runs with -no-reboot. */
static void exit_vm(unsigned int value)
{
	/* write() returns once the line is in the tty's buffer; a UART sends it one FIFO-full
	 * per THRE interrupt, which another vCPU may take while this one ends the VM. Seen
	 * with -smp 2 under nested KVM: the report line lost, the exit status saying it was
	 * printed (tests/test_doc_lines.py). */
	tcdrain(STDOUT_FILENO);
	if (ioperm(DEBUG_EXIT_PORT, DEBUG_EXIT_WIDTH, 1) == 0)
		outl(value, DEBUG_EXIT_PORT);
	else
		say("init: error what=\"ioperm(0xf4) failed: kernel lacks X86_IOPL_IOPERM\"\n");
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause(); /* PID 1 must not return: the kernel would panic */
}

int main(void)
{
	say("init: start\n");
	bool mounted = mount_filesystems();
	ensure_console();
	bool reported = report_what_linux_sees();
	say("init: done\n");
	exit_vm(mounted && reported ? EXIT_REPORTED : EXIT_INCOMPLETE);
}
