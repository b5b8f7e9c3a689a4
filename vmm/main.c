/* main.c: mvm's boot sequence, in order. Each step is one call; the device models register
 * themselves (device.h) and the vCPU loop dispatches by address. */
#include "coalesced_io.h"
#include "cpuid.h"
#include "device.h"
#include "iothread.h"
#include "kvm.h"
#include "loader.h"
#include "machine.h"
#include "options.h"
#include "timing.h"
#include "util.h"
#include "vcpu.h"
#include "lifecycle.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MVM_VERSION "0.1"
static struct options options;
static struct vm the_vm;

static void parse_options(int argc, char **argv)
{
	char err[OPT_ERR_LEN];
	switch (options_parse(&options, argc, argv, err)) {
	case OPTIONS_OK:
		break;
	case OPTIONS_HELP:
		options_usage();
		exit(0);
	case OPTIONS_VERSION:
		printf("mvm version " MVM_VERSION " (QEMU-compatible microvm monitor on KVM)\n");
		exit(0);
	case OPTIONS_ERROR:
		die("%s", err);
	}
	the_vm.opt = &options;
	timing_enable(options.stage_times);
}

/* The start-up, in order. Each step is stamped on -stage-times (stage=<name>, at its end), so
 * that the cost of starting a VM is measured per step. */
struct boot_step {
	const char *name;
	void (*run)(struct vm *vm);
};

/*
 * KVM_CREATE_VM mostly waits: Linux 6.1 starts a worker thread for each VM and moves it into
 * the caller's cgroups, which waits for an RCU grace period (measured nested: 12 ms, 2.5 ms
 * of it on the CPU). The steps that need no VM run on a helper thread meanwhile. The helper
 * prepares and this thread makes the VM, not the other way round: a new thread runs once
 * its creator blocks, so on a single CPU the helper fills the kernel's wait, while a helper
 * making the VM began only after this thread's work was done (measured: no gain).
 * Bad input found by the helper is reported before a KVM failure, as when the steps ran in
 * line: a malformed kernel fails the same way with or without KVM.
 */
static const struct boot_step prepare_steps[] = {
	{ "bios",    machine_load_bios },
	{ "ram",     machine_map_ram },
	{ "devices", devices_create },		/* irqchips, fw_cfg, debug ports, ISA, virtio */
	{ "kernel",  load_kernel },		/* kernel items into fw_cfg, PVH segments into RAM */
};

static void *prepare(void *opaque)
{
	for (size_t i = 0; i < ARRAY_SIZE(prepare_steps); i++) {
		prepare_steps[i].run(opaque);
		timing_mark(prepare_steps[i].name, NULL);
	}
	return NULL;
}

static void create_vm_while_preparing(struct vm *vm)
{
	pthread_t helper;
	bool threaded = thread_start(&helper, prepare, vm) == 0;
	if (!threaded)
		prepare(vm);		/* no thread: the steps in line, then the VM */
	const char *failed = kvm_create_vm(vm);
	timing_mark("vm-created", NULL);
	if (threaded)
		pthread_join(helper, NULL);
	if (failed)
		die("%s", failed);
}

static void iothread_step(struct vm *vm) { (void)vm; iothread_start(); }

static const struct boot_step boot_steps[] = {
	{ "files",     machine_check_files },	/* bad files fail before KVM is touched */
	{ "toggles",   machine_resolve_toggles },
	{ "create-vm", create_vm_while_preparing },	/* and the prepare_steps above */
	{ "irqchip",   kvm_enable_split_irqchip },
	{ "memory",    machine_map_memory },	/* RAM and ROM as KVM memory slots */
	{ "cpuid",     cpuid_prepare },
	{ "connect",   devices_connect },	/* ioeventfds, irqfds */
	{ "vcpus",     vcpus_create },
	{ "coalesced", coalesced_io_setup },	/* writes the guest cannot see at once queue in KVM */
	{ "iothread",  iothread_step },
};

int main(int argc, char **argv)
{
	uint64_t exec_ns = timing_now_ns();
	lifecycle_init(argv);
	struct vm *vm = &the_vm;

	parse_options(argc, argv);
	timing_mark_at("exec", exec_ns);
	for (size_t i = 0; i < sizeof(boot_steps) / sizeof(boot_steps[0]); i++) {
		boot_steps[i].run(vm);
		timing_mark(boot_steps[i].name, NULL);
	}
	timing_mark("vm-ready", NULL);
	vcpus_run(vm);			/* returns only through vm_exit() */
}
