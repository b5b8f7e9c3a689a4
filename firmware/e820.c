/*
 * e820.c: the memory map handed to the kernel. The first MiB always reads the same (QEMU's
 * RAM entry at 0 must reach past it, read_e820() checks): RAM up to the firmware's
 * hand-off area, that area reserved, the VGA/option-ROM hole left out, this ROM's alias
 * reserved. Above 1 MiB QEMU's etc/e820 is taken as it is, minus what the firmware
 * allocated there (ACPI tables at the top of low RAM), which is listed as such. The
 * result is sorted by address (the kernel's sanitiser copes with disorder, a PVH or
 * Multiboot payload may not), has no zero-length entries and no all-zero terminator
 * (qboot emits both kinds of junk).
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"
#include "report.h"

#define E820_QEMU_MAX	32	/* entries read from etc/e820 */

static struct e820_entry qemu_map[E820_QEMU_MAX];
static int nr_qemu;

static const struct mem_range first_mib[] = {
	{ 0, MEM_HANDOFF, E820_RAM, 0 },
	{ MEM_HANDOFF, MEM_HANDOFF_END - MEM_HANDOFF, E820_RESERVED, 0 },	/* hand-off, MP */
	{ MEM_BIOS, MEM_BIOS_END - MEM_BIOS, E820_RESERVED, 0 },		/* this ROM */
};

/* What the firmware allocated above 1 MiB, sorted. */
struct reservation {
	uint32_t start, end, type;
};
static struct reservation reserved[RESERVE_MAX];
static int nr_reserved;

void read_e820(struct board *b)
{
	struct fw_cfg_file f;
	int i;

	if (!fw_cfg_known(FILE_E820, &f) || f.size < sizeof(struct e820_entry))
		fail(ERR_E820_MISSING, "fw_cfg has no etc/e820 memory map");
	nr_qemu = f.size / sizeof(struct e820_entry);
	if (nr_qemu > E820_QEMU_MAX)
		fail(ERR_E820_FULL, "etc/e820 has more entries than the firmware keeps");
	fw_cfg_read(f.select, qemu_map, nr_qemu * sizeof(struct e820_entry));
	for (i = 0; i < nr_qemu; i++)
		if (qemu_map[i].type == E820_RAM && qemu_map[i].addr == 0)
			b->ram_below_4g = qemu_map[i].size;
	if (!b->ram_below_4g || b->ram_below_4g < MEM_BIOS_END)
		fail(ERR_E820_MISSING, "etc/e820 has no RAM entry at 0 reaching past 1 MiB");
	b->high_floor = b->ram_below_4g >= 0x100000000ull ? 0xfffff000u : (uint32_t)b->ram_below_4g;
}

/* Keep the list sorted as it grows (tables are allocated from the top down). */
void e820_reserve(struct board *b, uint32_t addr, uint32_t size, uint32_t type)
{
	int i;

	(void)b;
	if (addr < MEM_BIOS_END || nr_reserved == RESERVE_MAX)
		fail(ERR_E820_FULL, "too many firmware reservations");
	for (i = nr_reserved++; i > 0 && reserved[i - 1].start > addr; i--)
		reserved[i] = reserved[i - 1];
	reserved[i] = (struct reservation){ addr, addr + size, type };
}

static void add(struct board *b, uint64_t addr, uint64_t size, uint32_t type)
{
	if (!size)
		return;
	if (b->nr_e820 == E820_MAX)
		fail(ERR_E820_FULL, "memory map has more entries than the firmware keeps");
	b->e820[b->nr_e820].addr = addr;
	b->e820[b->nr_e820].size = size;
	b->e820[b->nr_e820].type = type;
	b->e820[b->nr_e820].reserved = 0;
	b->nr_e820++;
}

/* Insertion sort: a handful of entries, mostly in order already. */
static void sort(struct mem_range *e, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		if (e[i - 1].addr <= e[i].addr)
			continue;
		struct mem_range t = e[i];

		for (j = i; j > 0 && e[j - 1].addr > t.addr; j--)
			e[j] = e[j - 1];
		e[j] = t;
	}
}

/*
 * Add RAM [start, end) minus every reservation (sorted, non-overlapping), and each
 * reservation it cuts out at its place, so that the map comes out in order.
 */
static void add_ram(struct board *b, uint64_t start, uint64_t end, uint32_t *placed)
{
	int i;

	for (i = 0; i < nr_reserved && start < end; i++) {
		const struct reservation *r = &reserved[i];
		uint32_t rs = r->start, re = r->end;

		if (re <= start || rs >= end)
			continue;
		if (rs > start)
			add(b, start, rs - start, E820_RAM);
		if (r->type && !(*placed & 1u << i))
			add(b, rs, re - rs, r->type);
		*placed |= 1u << i;
		start = re;
	}
	if (start < end)
		add(b, start, end - start, E820_RAM);
}

void build_e820(struct board *b)
{
	uint32_t placed = 0;	/* bit i: reservation i is in the map */
	int i;

	memcpy(b->e820, first_mib, sizeof(first_mib));
	b->nr_e820 = sizeof(first_mib) / sizeof(first_mib[0]);
	/* QEMU's order does not matter: the result is sorted below */
	for (i = 0; i < nr_qemu; i++) {
		struct e820_entry *q = &qemu_map[i];
		uint64_t start = q->addr, end = start + q->size;

		if (q->type != E820_RAM)
			add(b, q->addr, q->size, q->type);
		else if (end > MEM_BIOS_END)	/* RAM below 1 MiB is laid out above */
			add_ram(b, start < MEM_BIOS_END ? MEM_BIOS_END : start, end, &placed);
	}
	for (i = 0; i < nr_reserved; i++)	/* any outside QEMU's RAM: still listed */
		if (reserved[i].type && !(placed & 1u << i))
			add(b, reserved[i].start, reserved[i].end - reserved[i].start, reserved[i].type);
	sort(b->e820, b->nr_e820);	/* a pass that finds it in order, in the usual case */
	report_e820(b);
}

void report_e820(struct board *b)
{
	int i;

	if (!reporting())
		return;
	for (i = 0; i < b->nr_e820; i++) {
		line_begin("e820");
		line_hex("base", b->e820[i].addr);
		line_hex("size", b->e820[i].size);
		line_dec("type", b->e820[i].type);
		line_end();
	}
}
