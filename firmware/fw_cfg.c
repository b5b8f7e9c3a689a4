/*
 * fw_cfg.c: read QEMU's fw_cfg. A signature is checked before anything is trusted. With
 * DMA (its own signature, in the DMA address register) every item is read by DMA: one port
 * write moves a whole item, so kernels and tables cost no guest loops, and under KVM it is
 * one VM exit where a port read is a selector write, a `rep insb` that KVM emulates and a
 * trip to the VMM. The error bit is checked on every transfer. Without DMA, items are read
 * with `rep insb` from the data port.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"

#define FW_CFG_PORT_SEL		0x510	/* 16-bit selector */
#define FW_CFG_PORT_DATA	0x511	/* 8-bit data */
#define FW_CFG_PORT_DMA_HI	0x514	/* DMA descriptor address, big-endian high half */

#define FW_CFG_SIG_QEMU		0x554d4551	/* "QEMU" read as a little-endian u32 */
#define FW_CFG_DMA_SIG_HI	0x51454d55	/* "QEMU" of "QEMU CFG": the DMA address register */
#define FW_CFG_DMA_SIG_LO	0x20434647	/* " CFG", both halves as big-endian u32 reads */

#define FW_CFG_DMA_CTL_ERROR	0x01
#define FW_CFG_DMA_SPINS	1000000	/* QEMU completes at once; a VMM may take a little */

#define FW_CFG_DIR_ENTRY_SIZE	64	/* be32 size, be16 select, u16 reserved, name[56] */
#define FW_CFG_DIR_NAME		8
#define FW_CFG_DIR_MAX		((0x90000 - MEM_SCRATCH) / FW_CFG_DIR_ENTRY_SIZE)

static uint32_t dir_count;
static struct fw_cfg_file known[FILE_KNOWN];

/* Names padded with NULs to whole dwords, compared a dword at a time. */
#define KNOWN_WORDS 5
static const union {
	char name[KNOWN_WORDS * 4];
	uint32_t w[KNOWN_WORDS];
} known_names[FILE_KNOWN] = {
	[FILE_E820] = { "etc/e820" },
	[FILE_QUIET] = { "opt/microrig/quiet" },
	[FILE_BOOT] = { "opt/microrig/boot" },
	[FILE_TABLE_LOADER] = { "etc/table-loader" },
};
/* Four characters as the little-endian dword they are in memory. */
#define DW4(a, b, c, d)	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
static const uint8_t *const dir = (const uint8_t *)MEM_SCRATCH;

/* A transfer that had not finished when the port write returned: wait a bounded time. */
void fw_cfg_dma_finish(volatile struct fw_cfg_dma *d)
{
	uint32_t spins = FW_CFG_DMA_SPINS;
	uint32_t ctl;

	while ((ctl = bswap32(d->control)) & ~FW_CFG_DMA_CTL_ERROR && --spins)
		;
	if (ctl)
		fail(ERR_FWCFG_DMA, "fw_cfg DMA transfer reported an error or never finished");
}

void fw_cfg_read(uint16_t key, void *dst, uint32_t n)
{
	if (!n)
		return;
	if (board.dma) {
		fw_cfg_dma_read(key, dst, n);
		return;
	}
	outw(FW_CFG_PORT_SEL, key);
	insb(FW_CFG_PORT_DATA, dst, n);
}

uint32_t fw_cfg_read32_pio(uint16_t key)
{
	uint32_t v = 0;

	outw(FW_CFG_PORT_SEL, key);
	insb(FW_CFG_PORT_DATA, &v, 4);
	return v;
}

/*
 * Names are compared a dword at a time first (every name the firmware looks up has at
 * least 8 characters), so a non-matching entry costs a few instructions, not a strcmp.
 */
int fw_cfg_find_(const char *name, uint32_t n, struct fw_cfg_file *f)
{
	uint32_t i, k, words = n / 4, w0 = ld32(name);
	const uint8_t *e = dir + FW_CFG_DIR_NAME;

	if (n < 8)
		return 0;
	for (i = 0; i < dir_count; i++, e += FW_CFG_DIR_ENTRY_SIZE) {
		if (ld32(e) != w0)
			continue;
		for (k = 1; k < words && ld32(e + 4 * k) == ld32(name + 4 * k); k++)
			;
		if (k < words || memcmp(e + 4 * k, name + 4 * k, n - 4 * k))
			continue;
		e -= FW_CFG_DIR_NAME;
		f->size = bswap32(ld32(e));
		f->select = bswap16(ld16(e + 4));
		return 1;
	}
	return 0;
}

int fw_cfg_known(enum fw_cfg_known which, struct fw_cfg_file *f)
{
	*f = known[which];
	return f->select != 0;
}

/*
 * One pass over the directory for all the well-known files. An entry is first sorted by
 * its second dword, where the known names differ ("e820", "tabl", "micr"; the two
 * opt/microrig/ names differ in their fourth), then compared whole: directory names are
 * NUL-padded to 56 bytes, like ours to 20, so whole dwords compare. Most entries cost a
 * load and a switch.
 */
static void find_known_files(void)
{
	const uint8_t *e = dir;
	uint32_t i, j, k;

	for (i = 0; i < dir_count; i++, e += FW_CFG_DIR_ENTRY_SIZE) {
		const uint32_t *name = (const uint32_t *)(e + FW_CFG_DIR_NAME);

		switch (name[1]) {
		case DW4('e', '8', '2', '0'):
			j = FILE_E820;
			break;
		case DW4('t', 'a', 'b', 'l'):
			j = FILE_TABLE_LOADER;
			break;
		case DW4('m', 'i', 'c', 'r'):
			j = name[3] == DW4('/', 'q', 'u', 'i') ? FILE_QUIET : FILE_BOOT;
			break;
		default:
			continue;
		}
		for (k = 0; k < KNOWN_WORDS && name[k] == known_names[j].w[k]; k++)
			;
		if (k < KNOWN_WORDS)
			continue;
		known[j].size = bswap32(ld32(e));
		known[j].select = bswap16(ld16(e + 4));
	}
}

/*
 * Reading the DMA address register gives "QEMU CFG" when the DMA interface is there (the
 * fw_cfg spec), which also proves the device: two plain port reads. Otherwise the
 * signature item is read through the data port, and so is every item after it.
 */
static int dma_signature(void)
{
	return bswap32(inl(FW_CFG_PORT_DMA_HI)) == FW_CFG_DMA_SIG_HI &&
	       bswap32(inl(FW_CFG_PORT_DMA_LO)) == FW_CFG_DMA_SIG_LO;
}

void fw_cfg_init(struct board *b)
{
	uint32_t sig = 0;

	b->dma = dma_signature();
	if (!b->dma) {
		outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
		insb(FW_CFG_PORT_DATA, &sig, 4);
		if (sig != FW_CFG_SIG_QEMU)
			fail(ERR_FWCFG_SIGNATURE, "fw_cfg signature is not QEMU");
	}

	b->cpus = fw_cfg_read32(FW_CFG_NB_CPUS) & 0xffff;
	b->irq0_override = fw_cfg_read32(FW_CFG_IRQ0_OVERRIDE);

	dir_count = bswap32(fw_cfg_read32(FW_CFG_FILE_DIR));
	if (dir_count > FW_CFG_DIR_MAX)
		dir_count = FW_CFG_DIR_MAX;
	/* the directory item is the count followed by the entries: read both in one go */
	fw_cfg_read(FW_CFG_FILE_DIR, (void *)(MEM_SCRATCH - 4), 4 + dir_count * FW_CFG_DIR_ENTRY_SIZE);
	find_known_files();
}
