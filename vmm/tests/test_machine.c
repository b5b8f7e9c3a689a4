/* test_machine.c: the machine as a firmware sees it, without KVM: devices created from a
 * command line (present or absent per toggle: absent ports float to all ones), and the
 * fw_cfg contents QEMU 7.2 serves on microvm with acpi=off (items, the sorted directory,
 * etc/e820 in QEMU's order under KVM, bootorder, the virtio_mmio.device= entries). */
#include "bus.h"
#include "check.h"
#include "device.h"
#include "fw_cfg.h"
#include "irq.h"
#include "loader.h"
#include "machine.h"
#include "options.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RAM (16 * MiB)

static uint8_t inb(uint16_t port)
{
	uint8_t v;
	bus_access(BUS_PIO, port, &v, 1, false);
	return v;
}

static const struct fw_cfg_item *item(struct vm *vm, uint16_t key)
{
	return fw_cfg_find(vm->fw_cfg, key);
}

static int dir_index(struct vm *vm, const char *name)
{
	const uint8_t *d = item(vm, FW_CFG_FILE_DIR)->data;
	for (uint32_t i = 0; i < get_be32(d); i++)
		if (!strcmp((const char *)d + 4 + 64 * i + 8, name))
			return (int)i;
	return -1;
}

static struct vm *make_vm(struct options *o, const char *kernel, const char *toggles)
{
	static struct vm vm;
	static uint8_t *ram;
	char machine[128], err[OPT_ERR_LEN];
	snprintf(machine, sizeof(machine), "microvm,acpi=off,%s", toggles);
	char *argv[] = { "mvm", "-M", machine, "-m", "16m", "-smp", "2,maxcpus=3", "-nodefaults",
			 "-kernel", (char *)kernel, "-append", "console=ttyS0",
			 "-drive", "id=d,file=/dev/null,format=raw,if=none",
			 "-device", "virtio-blk-device,drive=d", "-device", "virtio-serial-device",
			 "-fw_cfg", "name=opt/test,string=hello", "-serial", "null" };
	int argc = (int)(sizeof(argv) / sizeof(argv[0]));
	if (options_parse(o, argc, argv, err) != OPTIONS_OK) {
		printf("options: %s\n", err);
		exit(1);
	}
	free(vm.cmdline);
	memset(&vm, 0, sizeof(vm));
	vm.opt = o;
	vm.vm_fd = -1;
	bus_clear();
	irq_reset();
	if (!ram)
		ram = calloc(1, RAM);
	vm.ram = ram;
	vm.ram_size = vm.ram_below_4g = RAM;
	guest_mem_add(&vm.mem, 0, RAM, ram);
	machine_resolve_toggles(&vm);
	devices_create(&vm);
	load_kernel(&vm);
	return &vm;
}

/* The mapping that holds p, from /proc/self/smaps: its bounds and VmFlags ("" if none). */
static const char *mapping_at(const void *p, uintptr_t *start)
{
	static char flags[512];
	char line[512];
	int inside = 0;
	flags[0] = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			if (inside && start)
				*start = lo;
		} else if (inside && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, sizeof(flags), "%.*s", (int)sizeof(flags) - 1, line + 8);
		}
	}
	if (f)
		fclose(f);
	return flags;
}

static bool unmapped(const void *p)
{
	unsigned char vec;
	return mincore((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096, &vec) && errno == ENOMEM;
}

static void check_guest_ram(void)
{
	uint64_t size = 6 * MiB + 12 * KiB;	/* not a multiple of 2 MiB, as -m allows */
	uint8_t *ram = machine_map_guest_ram(size);
	report(((uintptr_t)ram & (2 * MiB - 1)) == 0, "guest RAM starts on a 2 MiB boundary");
	ram[0] = 1, ram[size - 1] = 1;
	uintptr_t start = 0;
	const char *low = mapping_at(ram, &start);
	report(strstr(low, " nh") && start == (uintptr_t)ram,
	       "its first 2 MiB take no huge pages (VmFlags nh), in a mapping that starts there");
	report(!strstr(mapping_at(ram + 2 * MiB, NULL), " nh"), "the rest follows the host's policy");
	report(unmapped(ram + size), "the alignment slack after it is given back");
	munmap(ram, size);
}

int main(void)
{
	check_guest_ram();
	/* A PVH kernel for the loader: the test's own build of pvh_hello, or a minimal ELF. */
	const char *kernel = "build/vmm/guest/pvh_hello.elf";
	if (access(kernel, R_OK)) {
		printf("SKIP: %s not built\n", kernel);
		return check_summary("test_machine");
	}
	struct options o;
	struct vm *vm = make_vm(&o, kernel, "pit=on,pic=on,rtc=on,isa-serial=on");
	report(inb(0x3fd) == 0x60, "isa-serial=on with -serial null: LSR answers at 0x3fd");
	report(inb(0x21) == 0x00 && inb(0x71) != 0xff, "pic=on and rtc=on: their ports answer");
	report(get_le16(item(vm, FW_CFG_NB_CPUS)->data) == 2 && get_le16(item(vm, FW_CFG_MAX_CPUS)->data) == 3,
	       "NB_CPUS 2, MAX_CPUS 3");
	report(get_le64(item(vm, FW_CFG_RAM_SIZE)->data) == RAM, "RAM_SIZE is -m");
	report(get_le32(item(vm, FW_CFG_IRQ0_OVERRIDE)->data) == 1, "IRQ0_OVERRIDE is 1");
	const char *order[] = { "bios-geometry", "bootorder", "etc/boot-fail-wait", "etc/e820",
				"genroms/pvh.bin", "opt/test" };
	bool sorted = true;
	int expect = 0;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		int at = dir_index(vm, order[i]);
		if (at < 0 && !strcmp(order[i], "genroms/pvh.bin"))
			continue;	/* no QEMU option ROMs installed on this host */
		sorted &= at == expect++;
	}
	report(sorted, "the directory holds QEMU's files, sorted by name");
	const struct fw_cfg_item *e820 = fw_cfg_find(vm->fw_cfg, (uint16_t)(FW_CFG_FILE_FIRST + dir_index(vm, "etc/e820")));
	report(e820->len == 40 && get_le64(e820->data) == MACHINE_IDENTITY_MAP && get_le32(e820->data + 16) == 2 &&
	       get_le64(e820->data + 20) == 0 && get_le64(e820->data + 28) == RAM && get_le32(e820->data + 36) == 1,
	       "etc/e820: KVM's reserved 16 KiB first, then RAM from 0 (QEMU's order)");
	const struct fw_cfg_item *opt = fw_cfg_find(vm->fw_cfg, (uint16_t)(FW_CFG_FILE_FIRST + dir_index(vm, "opt/test")));
	report(opt->len == 5 && !memcmp(opt->data, "hello", 5), "-fw_cfg string= is stored without its NUL");
	const char *cmdline = (const char *)item(vm, FW_CFG_CMDLINE_DATA)->data;
	report(!strcmp(cmdline, "console=ttyS0 virtio_mmio.device=512@0xfeb00e00:12 "
		       "virtio_mmio.device=512@0xfeb00c00:11"),
	       "auto-kernel-cmdline appends the slots from the highest down (%s)", cmdline);
	report(get_le32(item(vm, FW_CFG_CMDLINE_SIZE)->data) == strlen(cmdline) + 1, "CMDLINE_SIZE follows");
	uint8_t v[4];
	bus_access(BUS_MMIO, MACHINE_VIRTIO_BASE + 7 * MACHINE_VIRTIO_SIZE + 8, v, 4, false);
	report(get_le32(v) == 2, "slot 7 holds the first device (virtio-blk, ID 2)");
	bus_access(BUS_MMIO, MACHINE_VIRTIO_BASE + 8, v, 4, false);
	report(get_le32(v) == 0, "an empty slot reads device ID 0");
	bus_access(BUS_MMIO, MACHINE_VIRTIO_BASE, v, 4, false);
	report(get_le32(v) == 0x74726976, "and still answers with the magic");
	bus_access(BUS_MMIO, 0xd0000000, v, 4, false);
	report(get_le32(v) == 0xffffffff, "unassigned MMIO reads all ones");
	fw_cfg_free(vm->fw_cfg);
	options_free(&o);

	vm = make_vm(&o, kernel, "pit=off,pic=off,rtc=off,isa-serial=off,auto-kernel-cmdline=off");
	report(inb(0x3fd) == 0xff && inb(0x21) == 0xff && inb(0x40) == 0xff && inb(0x71) == 0xff &&
	       inb(0x61) == 0xff, "all toggles off: UART, PIC, PIT, port 0x61 and RTC float");
	report(!strcmp((const char *)item(vm, FW_CFG_CMDLINE_DATA)->data, "console=ttyS0"),
	       "auto-kernel-cmdline=off leaves the command line alone");
	fw_cfg_free(vm->fw_cfg);
	options_free(&o);
	return check_summary("test_machine");
}
