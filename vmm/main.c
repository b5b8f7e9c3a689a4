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

int main(int argc, char **argv)
{
	uint64_t exec_ns = timing_now_ns();
	lifecycle_init(argv);
	struct vm *vm = &the_vm;

	parse_options(argc, argv);
	timing_mark_at("exec", exec_ns);
	machine_check_files(vm);	/* bad files fail before KVM is touched */
	machine_resolve_toggles(vm);
	machine_load_bios(vm);
	kvm_create_vm(vm);
	kvm_enable_split_irqchip(vm);
	machine_map_memory(vm);
	cpuid_prepare(vm);
	devices_create(vm);		/* irqchips, fw_cfg, debug ports, ISA, virtio */
	load_kernel(vm);		/* kernel items into fw_cfg, PVH segments into RAM */
	vcpus_create(vm);
	coalesced_io_setup(vm);		/* debugcon writes queue in KVM, no exit each */
	iothread_start();
	timing_mark("vm-ready", NULL);
	vcpus_run(vm);			/* returns only through vm_exit() */
}
