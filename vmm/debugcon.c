/* debugcon.c: QEMU's isa-debugcon: bytes written to the port go to a chardev; reads give
 * 0xe9 (QEMU's readback). mvm also watches the lines for the firmware's "microrig: time"
 * reports so that -stage-times can stamp them with the host clock (stage=fw). */
#include "bus.h"
#include "chardev.h"
#include "coalesced_io.h"
#include "device.h"
#include "machine.h"
#include "timing.h"
#include "util.h"

#include <string.h>

#define DEBUGCON_READBACK 0xe9
#define DEBUGCON_LINE_MAX 160
#define DEBUGCON_MAX      4
#define FW_TIME_PREFIX    "microrig: time"

struct debugcon {
	struct chardev *chr;
	char line[DEBUGCON_LINE_MAX];
	size_t len;
};

static void note_line(struct debugcon *d)
{
	d->line[d->len] = 0;
	if (!strncmp(d->line, FW_TIME_PREFIX, strlen(FW_TIME_PREFIX)))
		timing_mark("fw", d->line);
	d->len = 0;
}

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque; (void)offset; (void)size;
	return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct debugcon *d = opaque;
	uint8_t ch = (uint8_t)value;
	(void)offset; (void)size;
	chardev_write(d->chr, &ch, 1);
	if (!timing_enabled())
		return;
	if (ch == '\n')
		note_line(d);
	else if (d->len < DEBUGCON_LINE_MAX - 1 && ch != '"')
		d->line[d->len++] = (char)ch;
}

static void debugcon_create(struct vm *vm)
{
	static struct debugcon cons[DEBUGCON_MAX];
	int n = 0;
	for (int i = 0; i < vm->opt->ndevices; i++) {
		struct device_opt *o = &vm->opt->devices[i];
		if (o->kind != DEV_ISA_DEBUGCON)
			continue;
		if (n == DEBUGCON_MAX)
			die("-device isa-debugcon: at most %d", DEBUGCON_MAX);
		cons[n].chr = chardev_get(vm, o->backend);
		bus_register(&(struct bus_region){ "isa-debugcon", BUS_PIO, o->iobase, 1,
						    debugcon_read, debugcon_write, &cons[n] });
		/* Its writes change nothing the guest can see: KVM may queue them. */
		coalesced_io_add(BUS_PIO, o->iobase, 1);
		n++;
	}
}
DEVICE_MODULE(debugcon, DEVICE_LEVEL_PLATFORM, debugcon_create);
