/* lifecycle.c: vm_exit() and vm_reset() (declared in vcpu.h, where exits come from). */
#include "lifecycle.h"
#include "chardev.h"
#include "irqfd.h"
#include "machine.h"
#include "timing.h"
#include "util.h"
#include "vcpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char **saved_argv;

void lifecycle_init(char **argv)
{
	saved_argv = argv;
}

void vm_exit(int status)
{
	timing_mark("exit", NULL);
	irqfd_report();
	vcpu_report_exits();
	fflush(stdout);
	exit(status);
}

/* A reset (triple fault) restarts the whole machine by re-executing mvm: every device,
 * the ROM image and the vCPUs come back in their power-on state, as after QEMU's reset
 * (guest RAM is cleared too, which QEMU does not do). File chardevs are then appended to. */
void vm_reset(struct vm *vm)
{
	if (vm->opt->no_reboot)
		vm_exit(0);
	if (!saved_argv)
		die("reset: no command line to restart with");
	fflush(stdout);
	chardev_flush();	/* exec does not run atexit handlers */
	timing_flush();
	setenv(LIFECYCLE_RESTART_ENV, "1", 1);
	execv("/proc/self/exe", saved_argv);
	die("reset: cannot restart /proc/self/exe");
}
