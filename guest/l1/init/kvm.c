/* kvm.c: make /dev/kvm. The cloud kernel has KVM as modules; build.py listed them in
 * dependency order (irqbypass, kvm, kvm-amd) in MODULES_FILE. */
#include "l1.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KVM_DEVICE         "/dev/kvm"
#define KVM_GET_API_VERSION 0xAE00 /* _IO(KVMIO, 0x00) */
#define KVM_API_VERSION     12

static bool load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		say_error("module %s: %s", path, strerror(errno));
		return false;
	}
	/* finit_module: glibc has no wrapper */
	long rc = syscall(SYS_finit_module, fd, "", 0);
	int err = errno;
	close(fd);
	if (rc != 0 && err != EEXIST) {
		say_error("loading %s failed: %s", path, strerror(err));
		return false;
	}
	return true;
}

static bool load_modules(void)
{
	FILE *list = fopen(MODULES_FILE, "r");
	char path[512];
	bool ok = true;

	if (!list) {
		say_error("%s: %s", MODULES_FILE, strerror(errno));
		return false;
	}
	while (ok && fgets(path, sizeof(path), list)) {
		path[strcspn(path, "\n")] = '\0';
		if (path[0] != '\0' && path[0] != '#')
			ok = load_module(path);
	}
	fclose(list);
	return ok;
}

bool kvm_setup(void)
{
	long long start = now_ms();

	if (!load_modules())
		return false;
	int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		say_error("%s: %s (does the L1 CPU have svm?)", KVM_DEVICE, strerror(errno));
		return false;
	}
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (version != KVM_API_VERSION) {
		say_error("%s: API version %d, expected %d", KVM_DEVICE, version, KVM_API_VERSION);
		return false;
	}
	say("l1: kvm ready=1 ms=%lld", now_ms() - start);
	return true;
}
