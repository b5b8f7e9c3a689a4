/* loader_multiboot.c: a Multiboot v1 kernel handed over as QEMU 7.2's load_multiboot()
 * does: the kernel image (a.out kludge addresses or ELF32 segments), the module files of
 * -initrd ("file args,file args"), their command lines and the boot loader name in one
 * buffer at the load address (KERNEL_ADDR/SIZE/DATA, KERNEL_ENTRY), and the Multiboot info
 * structure as INITRD_DATA for address 0x9500, which the firmware completes. */
#include "loader.h"
#include "fw_cfg.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB_MAGIC              0x1BADB002
#define MB_SEARCH_END         (8192 - 48)	/* the header is 12 words long */
#define MB_HEADER_HAS_VBE     0x00000004
#define MB_HEADER_HAS_ADDR    0x00010000
#define MB_STRUCT_ADDR        0x9000
#define MB_ADDR_E820_MAP      MB_STRUCT_ADDR
#define MB_ADDR_MBI           (MB_STRUCT_ADDR + 0x500)
#define MBI_FLAGS             0
#define MBI_BOOT_DEVICE       12
#define MBI_CMDLINE           16
#define MBI_MODS_COUNT        20
#define MBI_MODS_ADDR         24
#define MBI_MMAP_ADDR         48
#define MBI_BOOTLOADER        64
#define MBI_SIZE              88
#define MB_MOD_SIZE           16
#define MBI_FLAGS_SET         (1u << 0 | 1u << 1 | 1u << 2 | 1u << 3 | 1u << 6 | 1u << 9)
#define MB_BOOT_DEVICE        0x8000ffff
#define MB_BOOTLOADER_NAME    "qemu"	/* what QEMU reports; firmware may rely on it */
#define MB_MAX_MODULES        16
#define PAGE_ALIGN(x)         (((x) + 4095ull) & ~4095ull)

static int fail(struct load_params *p, const char *what)
{
	snprintf(p->err, sizeof(p->err), "-kernel %s: %s", p->kernel_path, what);
	return -1;
}

/* ELF32 segments gathered into one buffer from the lowest to the highest address. */
static int load_elf32(struct load_params *p, uint8_t **buf, uint32_t *load, uint32_t *size,
		      uint32_t *entry)
{
	const uint8_t *k = p->kernel;
	if (p->kernel_size < 52 || get_le32(k) != 0x464c457f)
		return fail(p, "Multiboot kernel without load addresses is not an ELF file");
	if (k[4] != 1 || get_le16(k + 18) == 62)
		return fail(p, "Cannot load x86-64 image, give a 32bit one.");
	uint32_t phoff = get_le32(k + 28), phentsize = get_le16(k + 42), phnum = get_le16(k + 44);
	if (phentsize < 32 || phoff > p->kernel_size ||
	    (uint64_t)phentsize * phnum > p->kernel_size - phoff)
		return fail(p, "ELF program headers lie outside the file");
	uint64_t low = UINT64_MAX, high = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < phnum; i++) {
			const uint8_t *h = k + phoff + i * phentsize;
			uint32_t off = get_le32(h + 4), paddr = get_le32(h + 12);
			uint32_t filesz = get_le32(h + 16), memsz = get_le32(h + 20);
			if (get_le32(h) != 1 || memsz == 0)
				continue;
			if (filesz > memsz || off > p->kernel_size || filesz > p->kernel_size - off)
				return fail(p, "ELF segment lies outside the file");
			if (pass == 0) {
				low = paddr < low ? paddr : low;
				high = (uint64_t)paddr + memsz > high ? (uint64_t)paddr + memsz : high;
			} else {
				memcpy(*buf + (paddr - low), k + off, filesz);
			}
		}
		if (pass == 0) {
			if (high == 0)
				return fail(p, "ELF file has no loadable segment");
			if (high - low > p->ram_below_4g)
				return fail(p, "Multiboot kernel is larger than guest RAM");
			*buf = xzalloc(high - low);
		}
	}
	*load = (uint32_t)low;
	*size = (uint32_t)(high - low);
	*entry = get_le32(k + 24);
	return 0;
}

/* The a.out kludge: header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr. */
static int load_kludge(struct load_params *p, size_t hdr, uint8_t **buf, uint32_t *load,
		       uint32_t *size, uint32_t *entry)
{
	const uint8_t *h = p->kernel + hdr;
	uint32_t header_addr = get_le32(h + 12), load_addr = get_le32(h + 16);
	uint32_t load_end = get_le32(h + 20), bss_end = get_le32(h + 24);
	if (header_addr < load_addr)
		return fail(p, "invalid mh_load_addr address");
	if (header_addr - load_addr > hdr)
		return fail(p, "invalid mh_header_addr address (before the file)");
	uint32_t text_offset = (uint32_t)hdr - (header_addr - load_addr), load_size;
	if (load_end) {
		if (load_end < load_addr)
			return fail(p, "invalid mh_load_end_addr address");
		load_size = load_end - load_addr;
	} else {
		load_size = (uint32_t)(p->kernel_size - text_offset);
	}
	if (text_offset > p->kernel_size || load_size > p->kernel_size - text_offset)
		return fail(p, "Multiboot load range runs past the end of the file");
	uint32_t kernel_size = load_size;
	if (bss_end) {
		if (bss_end < load_addr + load_size)
			return fail(p, "invalid mh_bss_end_addr address");
		kernel_size = bss_end - load_addr;
	}
	if (kernel_size > p->ram_below_4g)
		return fail(p, "Multiboot kernel is larger than guest RAM");
	*buf = xzalloc(kernel_size);
	memcpy(*buf, p->kernel + text_offset, load_size);
	*load = load_addr;
	*size = kernel_size;
	*entry = get_le32(h + 28);
	return 0;
}

/* Splits -initrd on single commas (",," is a literal comma), as QEMU's get_opt_value(). */
static int split_modules(const char *list, char mods[MB_MAX_MODULES][256])
{
	int n = 0, len = 0;
	for (const char *s = list;; s++) {
		if (*s == ',' && s[1] == ',') {
			s++;
		} else if (*s == ',' || *s == 0) {
			if (n == MB_MAX_MODULES)
				return -1;
			mods[n++][len] = 0;
			len = 0;
			if (!*s)
				return n;
			continue;
		}
		if (len == 255)
			return -1;
		mods[n][len++] = *s;
	}
}

int loader_multiboot(struct load_params *p, size_t hdr)
{
	uint32_t flags = get_le32(p->kernel + hdr + 4), load, ksize, entry;
	uint8_t *buf = NULL;
	int r = (flags & MB_HEADER_HAS_ADDR) ? load_kludge(p, hdr, &buf, &load, &ksize, &entry)
					      : load_elf32(p, &buf, &load, &ksize, &entry);
	if (r < 0)
		return -1;
	static char mods[MB_MAX_MODULES][256];
	int nmods = 0;
	if (p->initrd_path && (nmods = split_modules(p->initrd_path, mods)) < 0) {
		free(buf);
		return fail(p, "-initrd: too many or too long Multiboot module entries");
	}
	uint64_t size = PAGE_ALIGN(ksize), mbinfo = size;
	size_t cmdline_len = strlen(p->kernel_path) + 1 + strlen(p->cmdline) + 1 +
			     (p->initrd_path ? strlen(p->initrd_path) + 1 : 0);
	size = PAGE_ALIGN(size + cmdline_len + MB_MOD_SIZE * (uint64_t)nmods +
			  strlen(MB_BOOTLOADER_NAME) + 1);
	uint64_t cmdlines = mbinfo + MB_MOD_SIZE * (uint64_t)nmods;
	uint64_t bootloader = cmdlines + cmdline_len;
	buf = realloc(buf, size);
	if (!buf)
		die("out of memory");
	memset(buf + PAGE_ALIGN(ksize), 0, size - PAGE_ALIGN(ksize));
	uint8_t mbi[MBI_SIZE] = { 0 };
	for (int i = 0; i < nmods; i++) {
		uint32_t cl = (uint32_t)(load + cmdlines);
		memcpy(buf + cmdlines, mods[i], strlen(mods[i]) + 1);
		cmdlines += strlen(mods[i]) + 1;
		char *space = strchr(mods[i], ' ');
		if (space)
			*space = 0;	/* the rest is the module's arguments */
		size_t msize;
		uint8_t *data = read_file(mods[i], &msize);
		if (!data) {
			free(buf);
			snprintf(p->err, sizeof(p->err), "-initrd: Failed to open file '%s': %s",
				 mods[i], strerror(errno));
			return -1;
		}
		uint64_t at = size;
		size = PAGE_ALIGN(size + msize);
		if (size > p->ram_below_4g) {
			free(data);
			free(buf);
			return fail(p, "Multiboot kernel and modules are larger than guest RAM");
		}
		buf = realloc(buf, size);
		if (!buf)
			die("out of memory");
		memset(buf + at, 0, size - at);
		memcpy(buf + at, data, msize);
		free(data);
		uint8_t *m = buf + mbinfo + MB_MOD_SIZE * i;
		put_le32(m, (uint32_t)(load + at));
		put_le32(m + 4, (uint32_t)(load + at + msize));
		put_le32(m + 8, cl);
	}
	put_le32(mbi + MBI_CMDLINE, (uint32_t)(load + cmdlines));
	snprintf((char *)buf + cmdlines, cmdline_len, "%s %s", p->kernel_path, p->cmdline);
	memcpy(buf + bootloader, MB_BOOTLOADER_NAME, strlen(MB_BOOTLOADER_NAME) + 1);
	put_le32(mbi + MBI_BOOTLOADER, (uint32_t)(load + bootloader));
	put_le32(mbi + MBI_MODS_ADDR, (uint32_t)(load + mbinfo));
	put_le32(mbi + MBI_MODS_COUNT, (uint32_t)nmods);
	put_le32(mbi + MBI_FLAGS, MBI_FLAGS_SET);
	put_le32(mbi + MBI_BOOT_DEVICE, MB_BOOT_DEVICE);
	put_le32(mbi + MBI_MMAP_ADDR, MB_ADDR_E820_MAP);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_ENTRY, entry);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_ADDR, load);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_SIZE, (uint32_t)size);
	fw_cfg_add_copy(p->fw_cfg, FW_CFG_KERNEL_DATA, buf, (uint32_t)size);
	free(buf);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_INITRD_ADDR, MB_ADDR_MBI);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_INITRD_SIZE, MBI_SIZE);
	fw_cfg_add_copy(p->fw_cfg, FW_CFG_INITRD_DATA, mbi, MBI_SIZE);
	p->option_rom = "multiboot_dma.bin";
	return 0;
}
