/* loader.c: the "load kernel" boot step: map -kernel/-initrd, pick the loader by magic as
 * QEMU does (HdrS, then Multiboot, then ELF), then add the option ROM file and bootorder. */
#include "loader.h"
#include "fw_cfg.h"
#include "machine.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#define MULTIBOOT_MAGIC       0x1BADB002
#define MULTIBOOT_SEARCH      8192	/* the header lies in the first 8 KiB, 4-aligned */
#define BOOTORDER_MAX         64

/* The offset of a Multiboot header (magic, flags, checksum summing to 0) in the first
 * 8 KiB, 4-aligned, with room for its 12 words; -1 if none. */
static long find_multiboot(const uint8_t *k, size_t size)
{
	for (size_t off = 0; off < MULTIBOOT_SEARCH - 48 && off + 48 <= size; off += 4) {
		uint32_t magic = get_le32(k + off), flags = get_le32(k + off + 4);
		if (magic == MULTIBOOT_MAGIC && magic + flags + get_le32(k + off + 8) == 0)
			return (long)off;
	}
	return -1;
}

static bool is_multiboot_file(const uint8_t *k, size_t size)
{
	bool bzimage = size >= LOADER_HDRS_OFFSET + 6 && get_le32(k + LOADER_HDRS_OFFSET) == LOADER_HDRS_MAGIC;
	return !bzimage && find_multiboot(k, size) >= 0;
}

int loader_load(struct load_params *p)
{
	if (p->kernel_size == 0) {
		snprintf(p->err, sizeof(p->err), "-kernel %s: could not load kernel: empty file",
			 p->kernel_path);
		return -1;
	}
	if (p->kernel_size >= LOADER_HDRS_OFFSET + 6 &&
	    get_le32(p->kernel + LOADER_HDRS_OFFSET) == LOADER_HDRS_MAGIC)
		return loader_bzimage(p);
	long mb = find_multiboot(p->kernel, p->kernel_size);
	if (mb >= 0)
		return loader_multiboot(p, (size_t)mb);
	if (p->kernel_size >= 4 && get_le32(p->kernel) == 0x464c457f)
		return loader_pvh(p);
	snprintf(p->err, sizeof(p->err), "-kernel %s: not a bzImage, Multiboot or PVH ELF kernel",
		 p->kernel_path);
	return -1;
}

/* Read-only private mapping: pages are read only when the firmware asks for them. */
static const uint8_t *map_file(const char *opt, const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s %s: could not open: %s", opt, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s %s: not a regular file", opt, path);
	if ((uint64_t)st.st_size > UINT32_MAX)
		die("%s %s: larger than 4 GiB", opt, path);
	*size = (size_t)st.st_size;
	if (*size == 0) {
		close(fd);
		return (const uint8_t *)"";
	}
	void *m = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		die("%s %s: mmap: %s", opt, path, strerror(errno));
	return m;
}

static void add_option_rom(struct vm *vm, const char *rom)
{
	char path[256], name[64], order[BOOTORDER_MAX];
	snprintf(path, sizeof(path), "%s/%s", MACHINE_ROM_DIR, rom);
	size_t size;
	uint8_t *data = read_file(path, &size);
	if (!data) {
		warn("option ROM %s: %s (not offered to the firmware)", path, strerror(errno));
		return;
	}
	snprintf(name, sizeof(name), "genroms/%s", rom);
	fw_cfg_add_file(vm->fw_cfg, name, data, (uint32_t)size);
	free(data);
	/* QEMU's bootorder: one device path per line, the last newline replaced by a NUL. */
	int n = snprintf(order, sizeof(order), "/rom@genroms/%s", rom);
	fw_cfg_add_file(vm->fw_cfg, "bootorder", order, (uint32_t)n + 1);
}

void load_kernel(struct vm *vm)
{
	struct options *o = vm->opt;
	if (!o->kernel) {
		fw_cfg_add_file(vm->fw_cfg, "bootorder", "", 0);
		return;
	}
	struct load_params p = {
		.kernel_path = o->kernel,
		.initrd_path = o->initrd,
		.cmdline = o->append ? o->append : "",
		.ram_below_4g = vm->ram_below_4g,
		.mem = &vm->mem,
		.fw_cfg = vm->fw_cfg,
	};
	p.kernel = map_file("-kernel", o->kernel, &p.kernel_size);
	/* A Multiboot -initrd is a list of module files; loader_multiboot reads them. */
	if (o->initrd && !is_multiboot_file(p.kernel, p.kernel_size))
		p.initrd = map_file("-initrd", o->initrd, &p.initrd_size);
	if (loader_load(&p) < 0)
		die("%s", p.err);
	if (o->option_roms)
		add_option_rom(vm, p.option_rom);
	else
		fw_cfg_add_file(vm->fw_cfg, "bootorder", "", 0);
	/* QEMU's microvm_fix_kernel_cmdline(): only the fw_cfg copy gains the entries. */
	if (o->auto_cmdline && vm->cmdline) {
		size_t len = strlen(p.cmdline) + strlen(vm->cmdline) + 1;
		char *full = xzalloc(len);
		snprintf(full, len, "%s%s", p.cmdline, vm->cmdline);
		fw_cfg_add_i32(vm->fw_cfg, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(full) + 1);
		fw_cfg_add_string(vm->fw_cfg, FW_CFG_CMDLINE_DATA, full);
		free(full);
	}
}
