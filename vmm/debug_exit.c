/* debug_exit.c: QEMU's isa-debug-exit: a write of value ends mvm with status
 * (value << 1) | 1, so a guest can report a result and never be mistaken for status 0. */
#include "bus.h"
#include "device.h"
#include "machine.h"
#include "vcpu.h"

static uint64_t debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque; (void)offset; (void)size;
	return 0;	/* as QEMU */
}

static void debug_exit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	(void)opaque; (void)offset; (void)size;
	vm_exit((int)((value << 1) | 1));
}

static void debug_exit_create(struct vm *vm)
{
	for (int i = 0; i < vm->opt->ndevices; i++) {
		struct device_opt *o = &vm->opt->devices[i];
		if (o->kind == DEV_ISA_DEBUG_EXIT)
			bus_register(&(struct bus_region){ "isa-debug-exit", BUS_PIO, o->iobase,
							    o->iosize, debug_exit_read, debug_exit_write,
							    NULL });
	}
}
DEVICE_MODULE(debug_exit, DEVICE_LEVEL_PLATFORM, debug_exit_create);
