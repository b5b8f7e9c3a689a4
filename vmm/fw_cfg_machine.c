/* fw_cfg_machine.c: the fw_cfg device of the microvm machine with the items QEMU 7.2
 * serves with acpi=off (kernel items are added later by the loader). */
#include "bus.h"
#include "coalesced_io.h"
#include "device.h"
#include "e820.h"
#include "fw_cfg.h"
#include "machine.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FW_CFG_PORT_COUNT  12		/* 0x510-0x51b */
#define BOOT_FAIL_WAIT_NONE 0xffffffffu	/* reboot-timeout -1: no reboot on boot failure */

static void fw_cfg_create(struct vm *vm)
{
	static struct fw_cfg the_fw_cfg;
	static struct e820_table e820;
	struct fw_cfg *f = &the_fw_cfg;
	struct options *o = vm->opt;

	fw_cfg_init(f, &vm->mem);
	uint8_t uuid[16] = { 0 };
	fw_cfg_add_copy(f, FW_CFG_UUID, uuid, sizeof(uuid));
	fw_cfg_add_i16(f, FW_CFG_NOGRAPHIC, o->nographic);
	fw_cfg_add_i16(f, FW_CFG_BOOT_MENU, 0);
	fw_cfg_add_i16(f, FW_CFG_NB_CPUS, (uint16_t)o->cpus);
	fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, (uint16_t)o->max_cpus);
	fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, vm->ram_size);
	fw_cfg_add_i32(f, FW_CFG_IRQ0_OVERRIDE, 1);
	uint8_t wait[4];
	put_le32(wait, BOOT_FAIL_WAIT_NONE);
	fw_cfg_add_file(f, "etc/boot-fail-wait", wait, sizeof(wait));
	e820_build(&e820, vm->ram_below_4g, vm->ram_above_4g);
	fw_cfg_add_file(f, "etc/e820", e820.bytes, (uint32_t)(e820.n * E820_ENTRY_SIZE));
	fw_cfg_add_file(f, "bios-geometry", "", 0);
	for (int i = 0; i < o->nfwcfgs; i++) {
		struct fwcfg_opt *u = &o->fwcfgs[i];
		size_t size;
		uint8_t *data;
		if (u->file) {
			data = read_file(u->file, &size);
			if (!data)
				die("-fw_cfg name=%s,file=%s: cannot read the file", u->name, u->file);
		} else {
			data = (uint8_t *)xstrdup(u->string);
			size = strlen(u->string);	/* QEMU stores string= without the NUL */
		}
		if (size > UINT32_MAX || !fw_cfg_add_file(f, u->name, data, (uint32_t)size))
			die("-fw_cfg name=%s: cannot add (duplicate name or no free slot)", u->name);
		free(data);
	}
	vm->fw_cfg = f;
	bus_register(&(struct bus_region){ "fw_cfg", BUS_PIO, FW_CFG_PORT_SEL, FW_CFG_PORT_COUNT,
					    fw_cfg_io_read, fw_cfg_io_write, f });
	/* The selector (and the data port, whose writes are ignored) and the high half of the
	 * DMA address only change what a later data read or DMA start does, and those exit,
	 * which drains the queue first: KVM may queue these writes. That halves the exits of
	 * a port read and saves one of every 64-bit DMA start. */
	coalesced_io_add(BUS_PIO, FW_CFG_PORT_SEL, 2);
	coalesced_io_add(BUS_PIO, FW_CFG_PORT_DMA, 4);
}
DEVICE_MODULE(fw_cfg, DEVICE_LEVEL_PLATFORM, fw_cfg_create);
