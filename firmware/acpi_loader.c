/*
 * acpi_loader.c: run QEMU's etc/table-loader script (hw/acpi/bios-linker-loader.c) when
 * QEMU offers ACPI tables (acpi=on). The script allocates fw_cfg files in guest memory,
 * patches pointers between them and fixes checksums. ALLOCATE, ADD_POINTER and
 * ADD_CHECKSUM are carried out; other commands (WRITE_POINTER needs a writable fw_cfg
 * file the firmware does not use) are skipped with a report line.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"
#include "report.h"

#define LOADER_FILE_NAME	56	/* BIOS_LINKER_LOADER_FILESZ */
#define LOADER_CMD_SIZE		128
#define LOADER_ALLOCATE		1
#define LOADER_ADD_POINTER	2
#define LOADER_ADD_CHECKSUM	3
#define LOADER_ZONE_HIGH	1	/* anywhere in RAM below 4 GiB */
#define LOADER_ZONE_FSEG	2	/* 0xe0000-0xfffff, where the RSDP is searched */
#define LOADER_MAX_CMDS		256
#define LOADER_MAX_FILES	8
#define FSEG_POOL		1024	/* bytes of this ROM's F-segment for FSEG files */
#define RSDP_FILE		"etc/acpi/rsdp"

struct loader_cmd {
	uint32_t command;
	union {
		struct {
			char file[LOADER_FILE_NAME];
			uint32_t align;
			uint8_t zone;
		} alloc;
		struct {
			char dest[LOADER_FILE_NAME];
			char src[LOADER_FILE_NAME];
			uint32_t offset;
			uint8_t size;
		} pointer;
		struct {
			char file[LOADER_FILE_NAME];
			uint32_t offset, start, length;
		} cksum;
		uint8_t pad[LOADER_CMD_SIZE - 4];
	};
} __attribute__((packed));

struct loaded_file {
	const char *name;
	uint8_t *addr;
	uint32_t size;
};

static uint8_t fseg_pool[FSEG_POOL] __attribute__((aligned(64)));
static uint32_t fseg_used;
static struct loaded_file files[LOADER_MAX_FILES];
static int nr_files;

static struct loaded_file *lookup(const char *name)
{
	int i;

	for (i = 0; i < nr_files; i++)
		if (!memcmp(files[i].name, name, strlen(name) + 1))
			return &files[i];
	fail(ERR_ACPI_LOADER, "table-loader refers to a file it did not allocate");
}

static void allocate(struct board *b, struct loader_cmd *c)
{
	struct fw_cfg_file f;
	uint32_t align = c->alloc.align ? c->alloc.align : 1, addr;

	c->alloc.file[LOADER_FILE_NAME - 1] = 0;
	if (!fw_cfg_find_(c->alloc.file, strlen(c->alloc.file) + 1, &f) || nr_files == LOADER_MAX_FILES)
		fail(ERR_ACPI_LOADER, "table-loader allocates a file fw_cfg does not have");
	if (align & (align - 1))
		fail(ERR_ACPI_LOADER, "table-loader alignment is not a power of two");
	if (c->alloc.zone == LOADER_ZONE_FSEG) {
		addr = ((uint32_t)fseg_pool + fseg_used + align - 1) & ~(align - 1);
		if (addr + f.size > (uint32_t)fseg_pool + FSEG_POOL)
			fail(ERR_NO_MEMORY, "ACPI FSEG files do not fit in the firmware's pool");
		fseg_used = addr + f.size - (uint32_t)fseg_pool;
	} else {
		/* from the top of low RAM down; the range becomes an ACPI e820 entry */
		addr = (b->high_floor - f.size) & ~(align - 1) & ~0xfffu;
		if (addr < MEM_BIOS_END || addr > b->high_floor)
			fail(ERR_NO_MEMORY, "ACPI tables do not fit in RAM");
		e820_reserve(b, addr, b->high_floor - addr, E820_ACPI);
		b->high_floor = addr;
	}
	fw_cfg_read(f.select, (void *)addr, f.size);
	files[nr_files++] = (struct loaded_file){ c->alloc.file, (uint8_t *)addr, f.size };
	if (!memcmp(c->alloc.file, RSDP_FILE, sizeof(RSDP_FILE)))
		b->acpi_rsdp = addr;
}

static void add_pointer(struct loader_cmd *c)
{
	struct loaded_file *dst, *src;
	uint64_t v = 0;

	c->pointer.dest[LOADER_FILE_NAME - 1] = c->pointer.src[LOADER_FILE_NAME - 1] = 0;
	dst = lookup(c->pointer.dest);
	src = lookup(c->pointer.src);
	if (c->pointer.size < 1 || c->pointer.size > 8 || c->pointer.size & (c->pointer.size - 1) ||
	    c->pointer.offset > dst->size || dst->size - c->pointer.offset < c->pointer.size)
		fail(ERR_ACPI_LOADER, "table-loader pointer lies outside its file");
	memcpy(&v, dst->addr + c->pointer.offset, c->pointer.size);
	v += (uint32_t)src->addr;
	memcpy(dst->addr + c->pointer.offset, &v, c->pointer.size);
}

static void add_checksum(struct loader_cmd *c)
{
	struct loaded_file *f;
	uint8_t sum = 0, *p;
	uint32_t n;

	c->cksum.file[LOADER_FILE_NAME - 1] = 0;
	f = lookup(c->cksum.file);
	if (c->cksum.offset >= f->size || c->cksum.start > f->size ||
	    f->size - c->cksum.start < c->cksum.length)
		fail(ERR_ACPI_LOADER, "table-loader checksum lies outside its file");
	f->addr[c->cksum.offset] = 0;
	for (p = f->addr + c->cksum.start, n = c->cksum.length; n; n--)
		sum += *p++;
	f->addr[c->cksum.offset] = -sum;
}

/* 1 when QEMU offered ACPI tables and they were installed. */
int load_acpi_tables(struct board *b)
{
	/* the script is only needed while it runs: read it into abandoned scratch RAM */
	struct loader_cmd *cmds = (struct loader_cmd *)MEM_LOADER_SCRIPT;
	struct fw_cfg_file f;
	uint32_t i, n;

	if (!fw_cfg_known(FILE_TABLE_LOADER, &f))
		return 0;
	n = f.size / LOADER_CMD_SIZE;
	if (n > LOADER_MAX_CMDS)
		fail(ERR_ACPI_LOADER, "etc/table-loader has more commands than the firmware takes");
	fw_cfg_read(f.select, cmds, n * LOADER_CMD_SIZE);
	for (i = 0; i < n; i++) {
		switch (cmds[i].command) {
		case LOADER_ALLOCATE:
			allocate(b, &cmds[i]);
			break;
		case LOADER_ADD_POINTER:
			add_pointer(&cmds[i]);
			break;
		case LOADER_ADD_CHECKSUM:
			add_checksum(&cmds[i]);
			break;
		case 0:
			break;		/* unused slot */
		default:
			if (!reporting())
				break;
			line_begin("acpi");
			line_dec("command", cmds[i].command);
			line_word("action", "skipped");
			line_end();
		}
	}
	if (!b->acpi_rsdp)
		fail(ERR_ACPI_LOADER, "table-loader never allocated etc/acpi/rsdp");
	if (!reporting())
		return 1;
	line_begin("table");
	line_word("kind", "acpi");
	line_hex("addr", b->acpi_rsdp);
	line_dec("files", nr_files);
	line_dec("commands", n);
	line_end();
	return 1;
}
