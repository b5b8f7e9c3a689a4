/* loader_pvh.c: an ELF kernel with a PVH entry note (Xen's XEN_ELFNOTE_PHYS32_ENTRY),
 * loaded as QEMU's load_elfboot() does: PT_LOAD segments copied to their physical addresses
 * in RAM, KERNEL_ENTRY/ADDR/SIZE, the command line, and SETUP_DATA = the file's first
 * 8 KiB (which firmware ignores). Every segment and note is bounds-checked. */
#include "loader.h"
#include "fw_cfg.h"
#include "guest_mem.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define ELF_MAGIC           0x464c457f	/* "\x7fELF" */
#define ELF_CLASS           4		/* e_ident[EI_CLASS] */
#define ELF_CLASS32         1
#define ELF_CLASS64         2
#define ELF_DATA            5
#define ELF_DATA_LSB        1
#define EM_386              3
#define EM_X86_64           62
#define PT_LOAD             1
#define PT_NOTE             4
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define ELF_FLAGS_REFUSED   0x00010004	/* QEMU refuses these e_flags for elfboot */

struct elf_info {
	bool is64;
	uint64_t phoff;
	unsigned phentsize, phnum;
	uint32_t flags;
};

struct phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static int fail(struct load_params *p, const char *fmt, unsigned long long a,
		unsigned long long b)
{
	char what[160];
	snprintf(what, sizeof(what), fmt, a, b);
	snprintf(p->err, sizeof(p->err), "-kernel %s: %s", p->kernel_path, what);
	return -1;
}

static bool in_file(const struct load_params *p, uint64_t off, uint64_t len)
{
	return off <= p->kernel_size && len <= p->kernel_size - off;
}

static int read_ehdr(struct load_params *p, struct elf_info *e)
{
	const uint8_t *k = p->kernel;
	if (p->kernel_size < 52)
		return fail(p, "ELF header is truncated", 0, 0);
	if (k[ELF_DATA] != ELF_DATA_LSB)
		return fail(p, "ELF file is not little-endian", 0, 0);
	e->is64 = k[ELF_CLASS] == ELF_CLASS64;
	if (!e->is64 && k[ELF_CLASS] != ELF_CLASS32)
		return fail(p, "unknown ELF class %llu", k[ELF_CLASS], 0);
	if (e->is64 && p->kernel_size < 64)
		return fail(p, "ELF header is truncated", 0, 0);
	uint16_t machine = get_le16(k + 18);
	if (machine != EM_386 && machine != EM_X86_64)
		return fail(p, "ELF machine %llu is not x86", machine, 0);
	e->flags = get_le32(k + (e->is64 ? 48 : 36));
	if (e->flags & ELF_FLAGS_REFUSED)
		return fail(p, "elfboot unsupported flags = %llx", e->flags, 0);
	e->phoff = e->is64 ? get_le64(k + 32) : get_le32(k + 28);
	e->phentsize = get_le16(k + (e->is64 ? 54 : 42));
	e->phnum = get_le16(k + (e->is64 ? 56 : 44));
	if (e->phentsize < (e->is64 ? 56u : 32u) ||
	    !in_file(p, e->phoff, (uint64_t)e->phentsize * e->phnum))
		return fail(p, "ELF program headers lie outside the file", 0, 0);
	return 0;
}

static struct phdr read_phdr(const struct load_params *p, const struct elf_info *e, unsigned i)
{
	const uint8_t *h = p->kernel + e->phoff + (uint64_t)i * e->phentsize;
	struct phdr ph = { .type = get_le32(h) };
	if (e->is64) {
		ph.offset = get_le64(h + 8);
		ph.paddr = get_le64(h + 24);
		ph.filesz = get_le64(h + 32);
		ph.memsz = get_le64(h + 40);
	} else {
		ph.offset = get_le32(h + 4);
		ph.paddr = get_le32(h + 12);
		ph.filesz = get_le32(h + 16);
		ph.memsz = get_le32(h + 20);
	}
	return ph;
}

/* The PVH entry from the first XEN_ELFNOTE_PHYS32_ENTRY note named "Xen", or 0. */
static uint32_t find_pvh_entry(const struct load_params *p, const struct elf_info *e)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		struct phdr ph = read_phdr(p, e, i);
		if (ph.type != PT_NOTE || !in_file(p, ph.offset, ph.filesz))
			continue;
		const uint8_t *n = p->kernel + ph.offset, *end = n + ph.filesz;
		while (end - n >= 12) {
			uint32_t namesz = get_le32(n), descsz = get_le32(n + 4), type = get_le32(n + 8);
			uint64_t name_len = (namesz + 3ull) & ~3ull, desc_len = (descsz + 3ull) & ~3ull;
			if (name_len + desc_len > (uint64_t)(end - n - 12))
				break;
			const uint8_t *name = n + 12, *desc = name + name_len;
			if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
			    !memcmp(name, "Xen", 4) && descsz >= 4)
				return get_le32(desc);
			n = desc + desc_len;
		}
	}
	return 0;
}

int loader_pvh(struct load_params *p)
{
	struct elf_info e;
	if (read_ehdr(p, &e) < 0)
		return -1;
	uint32_t entry = find_pvh_entry(p, &e);
	if (!entry)
		return fail(p, "Error loading uncompressed kernel without PVH ELF Note", 0, 0);
	uint64_t low = UINT64_MAX, high = 0;
	for (unsigned i = 0; i < e.phnum; i++) {
		struct phdr ph = read_phdr(p, &e, i);
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (ph.filesz > ph.memsz || !in_file(p, ph.offset, ph.filesz))
			return fail(p, "ELF segment %llu lies outside the file", i, 0);
		uint8_t *dst = guest_mem_ptr(p->mem, ph.paddr, ph.memsz);
		if (!dst)
			return fail(p, "ELF segment at 0x%llx (+0x%llx) is outside guest RAM",
				    ph.paddr, ph.memsz);
		memcpy(dst, p->kernel + ph.offset, ph.filesz);
		memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
		if (ph.paddr < low)
			low = ph.paddr;
		if (ph.paddr + ph.memsz > high)
			high = ph.paddr + ph.memsz;
	}
	if (high == 0)
		return fail(p, "ELF file has no loadable segment", 0, 0);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_ENTRY, entry);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_ADDR, (uint32_t)low);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_SIZE, (uint32_t)(high - low));
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(p->cmdline) + 1);
	fw_cfg_add_string(p->fw_cfg, FW_CFG_CMDLINE_DATA, p->cmdline);
	uint8_t header[LOADER_HEADER_SIZE] = { 0 };
	memcpy(header, p->kernel, p->kernel_size < sizeof(header) ? p->kernel_size : sizeof(header));
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_SETUP_SIZE, sizeof(header));
	fw_cfg_add_copy(p->fw_cfg, FW_CFG_SETUP_DATA, header, sizeof(header));
	if (p->initrd_path) {
		uint32_t addr;
		if (loader_add_initrd(p, (uint32_t)(p->ram_below_4g - 1), &addr) < 0)
			return -1;
	}
	p->option_rom = "pvh.bin";
	return 0;
}
