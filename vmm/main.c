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
static void iothread_step(struct vm *vm) { (void)vm; iothread_start(); }

static const struct boot_step {
	const char *name;
	void (*run)(struct vm *vm);
} boot_steps[] = {
	{ "files",      machine_check_files },		/* bad files fail before KVM is touched */
	{ "toggles",    machine_resolve_toggles },
	{ "bios",       machine_load_bios },
	{ "create-vm",  kvm_create_vm },
	{ "irqchip",    kvm_enable_split_irqchip },
	{ "memory",     machine_map_memory },
	{ "cpuid",      cpuid_prepare },
	{ "devices",    devices_create },		/* irqchips, fw_cfg, debug ports, ISA, virtio */
	{ "kernel",     load_kernel },			/* kernel items into fw_cfg, PVH segments into RAM */
	{ "vcpus",      vcpus_create },
	{ "coalesced",  coalesced_io_setup },		/* writes the guest cannot see at once queue in KVM */
	{ "iothread",   iothread_step },
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
