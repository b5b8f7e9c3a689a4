/* init.c: PID 1 of the L1 sandbox.
 *
 * L1 is a Debian cloud kernel running under QEMU TCG with an emulated SVM CPU. This init
 * turns it into a KVM host for one batch of inner runs: it loads the KVM modules, checks
 * /dev/kvm, runs the jobs that the host put into the initramfs (QEMU -accel kvm or mvm,
 * each with a timeout), frames their output on the result channel and powers L1 off.
 * Every line it writes is described in guest/l1/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "l1init.h"

#define MODULE_LIST     "/etc/l1/modules"   /* module file names, dependencies first */
#define MODULE_DIR      "/lib/modules/l1"
#define JOB_FILE        "/nested/jobs"      /* appended per batch by harness/nested.py */
#define KVM_DEV         "/dev/kvm"
#define KVM_GET_API_VERSION 0xAE00          /* _IO(KVMIO, 0x00) */
#define KVM_API_VERSION 12
#define DEBUG_EXIT_PORT 0xf4                /* L1 QEMU: isa-debug-exit, iosize=4 */
#define L1_EXIT_OK      0                   /* host sees QEMU status 1 */
#define L1_EXIT_NO_KVM  1                   /* host sees QEMU status 3 */

static void mount_filesystems(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0 && errno != EBUSY)
		chan_printf("nested: warn what=\"devtmpfs: %s\"\n", strerror(errno));
}

static long uptime_ms(void)
{
	char buf[64] = "";
	int fd = open("/proc/uptime", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return (long)(strtod(buf, NULL) * 1000.0);
}

/* Load one module with finit_module(2); an already-present module is not an error. */
static int load_module(const char *name, const char *params)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", MODULE_DIR, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		chan_printf("nested: module name=%s state=missing what=\"%s\"\n", name,
			    strerror(errno));
		return -1;
	}
	long t0 = now_ms();
	int rc = (int)syscall(SYS_finit_module, fd, params, 0);
	int err = errno;
	close(fd);
	if (rc != 0 && err != EEXIST) {
		chan_printf("nested: module name=%s state=failed what=\"%s\"\n", name,
			    strerror(err));
		return -1;
	}
	chan_printf("nested: module name=%s state=loaded ms=%ld\n", name, now_ms() - t0);
	return 0;
}

/* Each line of the list: "<file.ko> [params...]". */
static int load_modules(void)
{
	FILE *f = fopen(MODULE_LIST, "r");
	char line[512];
	int failed = 0;
	if (!f) {
		chan_printf("nested: error what=\"no %s\"\n", MODULE_LIST);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		char *params = strchr(line, ' ');
		if (params)
			*params++ = 0;
		failed |= load_module(line, params ? params : "");
	}
	fclose(f);
	return failed ? -1 : 0;
}

static void report_param(const char *module, const char *param)
{
	char path[128], val[32] = "";
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, param);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, val, sizeof(val) - 1);
	close(fd);
	if (n > 0) {
		val[strcspn(val, "\n")] = 0;
		chan_printf("nested: param module=%s name=%s value=%s\n", module, param, val);
	}
}

/* /dev/kvm must open and speak API version 12, or no job can run. */
static int check_kvm(void)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		chan_printf("nested: kvm state=missing what=\"%s: %s\"\n", KVM_DEV, strerror(errno));
		return -1;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (api != KVM_API_VERSION) {
		chan_printf("nested: kvm state=bad api=%d\n", api);
		return -1;
	}
	report_param("kvm_amd", "npt");
	report_param("kvm_amd", "nrips");
	report_param("kvm_amd", "avic");
	chan_printf("nested: kvm state=ok api=%d\n", api);
	return 0;
}

/* Leave through isa-debug-exit so that L1's QEMU ends at once; fall back to ACPI
 * power-off and then to a reboot, which -no-reboot also turns into an exit. */
static void power_off(int code)
{
	sync();
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl((unsigned)code, DEBUG_EXIT_PORT);
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

/* L1 has no RTC driver: its clock would start at 1970, and the inner guests' RTCs, which
 * show L1's time, with it. The host passes its time as l1.epoch=<unix seconds>. */
static void set_clock_from_cmdline(void)
{
	char buf[1024] = "";
	int fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	const char *p = strstr(buf, "l1.epoch=");
	if (!p)
		return;
	struct timespec ts = { .tv_sec = strtol(p + strlen("l1.epoch="), NULL, 10) };
	if (ts.tv_sec > 0 && clock_settime(CLOCK_REALTIME, &ts) != 0)
		chan_printf("nested: warning what=\"cannot set the clock: %s\"\n", strerror(errno));
}

int main(void)
{
	mount_filesystems();
	chan_open();
	set_clock_from_cmdline();
	chan_printf("nested: boot uptime_ms=%ld\n", uptime_ms());
	if (load_modules() != 0 || check_kvm() != 0) {
		chan_printf("nested: halt reason=no-kvm\n");
		power_off(L1_EXIT_NO_KVM);
	}
	chan_printf("nested: ready uptime_ms=%ld\n", uptime_ms());
	int n = run_jobs(JOB_FILE);
	chan_printf("nested: done jobs=%d uptime_ms=%ld\n", n, uptime_ms());
	power_off(L1_EXIT_OK);
	return 0;
}
