/* fw_cfg.c: checking QEMU's firmware configuration interface as a firmware
 * uses it (docs/specs/fw_cfg.rst): signature, ID, directory, and the DMA
 * interface with read, skip, select, and the error bit on a refused write. */
#include "io.h"
#include "report.h"
#include "string.h"
#include "suite.h"

#define FW_CFG_PORT_SEL		0x510	/* 16-bit selector */
#define FW_CFG_PORT_DATA	0x511	/* 8-bit data */
#define FW_CFG_PORT_DMA_HI	0x514	/* DMA address, big-endian, high half */
#define FW_CFG_PORT_DMA_LO	0x518	/* low half: writing it starts the transfer */
#define FW_CFG_SIGNATURE	0x0000
#define FW_CFG_ID		0x0001
#define FW_CFG_FILE_DIR		0x0019
#define FW_CFG_ID_TRADITIONAL	0x01
#define FW_CFG_ID_DMA		0x02
#define FW_CFG_DMA_SIGNATURE	0x51454d5520434647ull	/* "QEMU CFG" */
#define FW_CFG_DMA_CTL_ERROR	0x01
#define FW_CFG_DMA_CTL_READ	0x02
#define FW_CFG_DMA_CTL_SKIP	0x04
#define FW_CFG_DMA_CTL_SELECT	0x08
#define FW_CFG_DMA_CTL_WRITE	0x10
#define FW_CFG_FILE_SIZE	64	/* be32 size, be16 select, u16, name[56] */
#define DMA_SPIN_TSC		2000000000ull

struct fw_cfg_dma {
	uint32_t control, length;
	uint64_t address;
} __attribute__((packed, aligned(16)));

static struct fw_cfg_dma dma;
static uint8_t buf[FW_CFG_FILE_SIZE];

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }
static uint64_t be64(uint64_t v) { return __builtin_bswap64(v); }

static void read_port(uint16_t key, void *dst, size_t n)
{
	outw(FW_CFG_PORT_SEL, key);
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = inb(FW_CFG_PORT_DATA);
}

/* One DMA transfer; returns the control word the device left (0 = done). */
static uint32_t dma_run(uint32_t control, void *dst, uint32_t len)
{
	uint64_t a = (uintptr_t)&dma;

	dma = (struct fw_cfg_dma){ be32(control), be32(len), be64((uintptr_t)dst) };
	mb();
	outl(FW_CFG_PORT_DMA_HI, be32((uint32_t)(a >> 32)));
	outl(FW_CFG_PORT_DMA_LO, be32((uint32_t)a));
	for (uint64_t t = rdtsc(); be32(*(volatile uint32_t *)&dma.control) & ~FW_CFG_DMA_CTL_ERROR &&
	     rdtsc() - t < DMA_SPIN_TSC;)
		cpu_relax();
	return be32(*(volatile uint32_t *)&dma.control);
}

void fw_cfg_checks(void)
{
	char sig[4];
	uint32_t id = 0, count = 0;

	read_port(FW_CFG_SIGNATURE, sig, 4);
	if (!check("fwcfg-signature", !memcmp(sig, "QEMU", 4),
		   "selector 0 reads the signature QEMU through port 0x511", NULL))
		return;
	read_port(FW_CFG_ID, &id, 4);
	check("fwcfg-id", id & FW_CFG_ID_TRADITIONAL, "the ID item has the traditional-interface bit",
	      "id=0x%x", id);
	read_port(FW_CFG_FILE_DIR, &count, 4);
	count = be32(count);
	read_port(FW_CFG_FILE_DIR, buf, 4);
	uint8_t first[FW_CFG_FILE_SIZE];

	for (size_t i = 0; i < sizeof(first); i++)
		first[i] = inb(FW_CFG_PORT_DATA);
	check("fwcfg-directory", count > 0 && count < 4096 && first[8] >= 0x20 && first[8] < 0x7f,
	      "the file directory has a plausible count and a named first entry",
	      "count=%u", count);
	if (!(id & FW_CFG_ID_DMA)) {
		skip("fwcfg-dma", "the ID item offers no DMA interface");
		return;
	}
	uint64_t dsig = (uint64_t)be32(inl(FW_CFG_PORT_DMA_HI)) << 32 | be32(inl(FW_CFG_PORT_DMA_LO));

	check("fwcfg-dma-signature", dsig == FW_CFG_DMA_SIGNATURE,
	      "the DMA address register reads QEMU CFG", "0x%llx", (unsigned long long)dsig);
	memset(buf, 0, sizeof(buf));
	uint32_t ctl = dma_run(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, buf, 4);

	check("fwcfg-dma-read", ctl == 0 && !memcmp(buf, "QEMU", 4),
	      "a DMA select+read of the signature completes with control 0 and the right bytes",
	      "control=0x%x", ctl);
	memset(buf, 0, sizeof(buf));
	ctl = dma_run(FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 0, 4);
	uint32_t ctl2 = dma_run(FW_CFG_DMA_CTL_READ, buf, FW_CFG_FILE_SIZE);

	check("fwcfg-dma-skip", ctl == 0 && ctl2 == 0 && !memcmp(buf, first, FW_CFG_FILE_SIZE),
	      "DMA skip past the directory's count then read gives the first entry, as port I/O does",
	      "control=0x%x,0x%x", ctl, ctl2);
	ctl = dma_run(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, buf, 4);
	check("fwcfg-dma-error", ctl & FW_CFG_DMA_CTL_ERROR,
	      "a DMA write to the read-only signature item sets the error bit", "control=0x%x", ctl);
}
