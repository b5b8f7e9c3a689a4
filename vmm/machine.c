/* machine.c: the microvm memory map: RAM from 0 (at most 3 GiB below 4 GiB, the rest from
 * 4 GiB), the firmware as writable memory ending at 4 GiB with its last 128 KiB (at most)
 * aliased below 1 MiB, and the virtio-mmio slots. */
#include "machine.h"
#include "kvm.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ROM_SIZE_UNIT (64 * KiB)	/* QEMU: the BIOS size must be a multiple of 64 KiB */
#define ROM_SIZE_MAX  (16 * MiB)

void machine_resolve_toggles(struct vm *vm)
{
	struct options *o = vm->opt;
	/* QEMU microvm under KVM: pit and pic auto = on, rtc auto = off. */
	vm->has_pit = o->pit != OPT_OFF;
	vm->has_pic = o->pic != OPT_OFF;
	vm->has_rtc = o->rtc == OPT_ON;
	vm->has_serial = o->isa_serial;
	vm->ncpus = o->cpus;
}

/* Anonymous, lazily populated memory: untouched guest pages cost nothing. */
static uint8_t *map_anonymous(uint64_t size, const char *what)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die("cannot map %llu MiB of %s: %s", (unsigned long long)(size / MiB), what,
		    strerror(errno));
	return p;
}

void machine_load_bios(struct vm *vm)
{
	const char *path = vm->opt->bios ? vm->opt->bios : MACHINE_DEFAULT_BIOS;
	size_t size;
	uint8_t *image = read_file(path, &size);
	if (!image)
		die("-bios %s: could not load PC BIOS: %s", path, strerror(errno));
	if (size == 0 || size % ROM_SIZE_UNIT || size > ROM_SIZE_MAX) {
		free(image);
		die("-bios %s: could not load PC BIOS: size %zu is not a non-zero multiple of "
		    "64 KiB up to 16 MiB", path, size);
	}
	vm->rom_size = size;
	vm->rom = map_anonymous(size, "firmware");
	memcpy(vm->rom, image, size);
	free(image);
}

void machine_map_memory(struct vm *vm)
{
	uint64_t ram = vm->opt->ram_size;
	vm->ram_size = ram;
	vm->ram_below_4g = ram < MACHINE_MAX_BELOW_4G ? ram : MACHINE_MAX_BELOW_4G;
	vm->ram_above_4g = ram - vm->ram_below_4g;
	vm->ram = map_anonymous(ram, "guest RAM");

	uint64_t alias = vm->rom_size < MACHINE_ISA_BIOS_MAX ? vm->rom_size : MACHINE_ISA_BIOS_MAX;
	uint64_t alias_base = MACHINE_ISA_BIOS_END - alias;
	uint8_t *alias_host = vm->rom + vm->rom_size - alias;
	uint64_t low_end = vm->ram_below_4g < alias_base ? vm->ram_below_4g : alias_base;

	/* The ISA BIOS alias hides the RAM beneath it, as QEMU's overlapping region does. */
	guest_mem_add(&vm->mem, 0, low_end, vm->ram);
	guest_mem_add(&vm->mem, alias_base, alias, alias_host);
	if (vm->ram_below_4g > MACHINE_ISA_BIOS_END)
		guest_mem_add(&vm->mem, MACHINE_ISA_BIOS_END,
			      vm->ram_below_4g - MACHINE_ISA_BIOS_END,
			      vm->ram + MACHINE_ISA_BIOS_END);
	guest_mem_add(&vm->mem, MACHINE_HIGH_RAM_BASE - vm->rom_size, vm->rom_size, vm->rom);
	if (vm->ram_above_4g)
		guest_mem_add(&vm->mem, MACHINE_HIGH_RAM_BASE, vm->ram_above_4g,
			      vm->ram + vm->ram_below_4g);
	for (int i = 0; i < vm->mem.n; i++)
		kvm_add_memory(vm, vm->mem.r[i].gpa, vm->mem.r[i].size, vm->mem.r[i].host);
}

int machine_claim_virtio_slot(struct vm *vm, uint64_t *base, unsigned *irq)
{
	if (vm->virtio_slots_used == MACHINE_VIRTIO_SLOTS)
		return -1;
	int slot = MACHINE_VIRTIO_SLOTS - 1 - vm->virtio_slots_used++;
	*base = MACHINE_VIRTIO_BASE + (uint64_t)slot * MACHINE_VIRTIO_SIZE;
	*irq = MACHINE_VIRTIO_IRQ0 + (unsigned)slot;
	return slot;
}

void machine_append_cmdline(struct vm *vm, const char *text)
{
	size_t old = vm->cmdline ? strlen(vm->cmdline) : 0;
	char *s = xzalloc(old + strlen(text) + 2);
	snprintf(s, old + strlen(text) + 2, "%s %s", vm->cmdline ? vm->cmdline : "", text);
	free(vm->cmdline);
	vm->cmdline = s;
}
