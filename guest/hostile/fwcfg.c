/* fwcfg.c: fw_cfg DMA (QEMU docs/specs/fw_cfg.rst) aimed everywhere it must not go:
 * descriptors outside RAM, straddling its end, wrapping past 2^64; buffers outside RAM or
 * wrapping; lengths of 4 GiB - 1; writes to read-only items; every control bit at once.
 * The device must set the error bit (or, for a descriptor it cannot reach, do nothing);
 * the host checks that mvm keeps running. The detail lists each case that was not refused
 * (a DMA into the ROM may succeed, as in QEMU, but must leave the ROM unchanged). */
#include "console.h"
#include "hostile.h"
#include "io.h"
#include "string.h"

#define FW_CFG_PORT_SEL   0x510
#define FW_CFG_PORT_DMA_HI 0x514	/* big-endian high half, then low half at 0x518 */
#define FW_CFG_PORT_DMA_LO 0x518
#define CTL_ERROR  0x01
#define CTL_READ   0x02
#define CTL_SKIP   0x04
#define CTL_SELECT 0x08
#define CTL_WRITE  0x10
#define KEY_SIGNATURE 0x00
#define KEY_CMDLINE_DATA 0x15
#define START_INFO_MEMMAP 0x28		/* hvm_start_info.memmap_paddr, then memmap_entries */
#define E820_RAM 1

struct dma_desc {
	uint32_t control, length;	/* big endian */
	uint64_t address;		/* big endian */
} __attribute__((packed, aligned(16)));

static struct dma_desc desc;
static uint8_t buf[64];
static unsigned refused, cases;

static void dma_at(uint64_t addr)
{
	outl(FW_CFG_PORT_DMA_HI, __builtin_bswap32((uint32_t)(addr >> 32)));
	outl(FW_CFG_PORT_DMA_LO, __builtin_bswap32((uint32_t)addr));
	__asm__ volatile("" ::: "memory");	/* the device wrote the descriptor's status */
}

static bool dma_in_ram(uint32_t control, uint32_t length, uint64_t address);

/* One case with the descriptor in RAM: must end with the error bit. */
static void expect_error(const char *name, uint32_t control, uint32_t length, uint64_t address)
{
	printk("hostile: case %s\n", name);
	cases++;
	if (dma_in_ram(control, length, address))
		refused++;
	else
		detail("accepted=%s ", name);
}

/* One DMA with the descriptor in RAM; true when the device set the error bit. */
static bool dma_in_ram(uint32_t control, uint32_t length, uint64_t address)
{
	desc.control = __builtin_bswap32(control);
	desc.length = __builtin_bswap32(length);
	desc.address = __builtin_bswap64(address);
	dma_at((uint32_t)&desc);
	return __builtin_bswap32(desc.control) & CTL_ERROR;
}

/* The end of the highest RAM entry below 4 GiB, from the PVH memory map. */
static uint64_t ram_end(void)
{
	extern uint32_t hostile_start_info;
	const uint8_t *si = (const uint8_t *)hostile_start_info;
	const uint8_t *map = (const uint8_t *)*(const uint32_t *)(si + START_INFO_MEMMAP);
	uint32_t n = *(const uint32_t *)(si + START_INFO_MEMMAP + 8);
	uint64_t end = 0;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = map + 24 * i;
		uint64_t a = *(const uint64_t *)e, s = *(const uint64_t *)(e + 8);
		if (*(const uint32_t *)(e + 16) == E820_RAM && a + s > end && a + s <= 0x100000000ull)
			end = a + s;
	}
	return end;
}

void variant_fwcfg(void)
{
	uint64_t end = ram_end();
	uint32_t sel_sig = CTL_SELECT | KEY_SIGNATURE << 16;

	/* Descriptors the device cannot reach: nothing to check but that mvm goes on. */
	dma_at(0xfffff000);			/* the BIOS ROM / MMIO */
	dma_at(end - 8);			/* straddles the end of RAM */
	dma_at(end);
	dma_at(0x100000000000ull);		/* far above RAM */
	dma_at(0xfffffffffffffff8ull);		/* wraps */
	/* Descriptors in RAM with hostile buffers and lengths. */
	/* Into the BIOS ROM: QEMU drops writes to ROM; the ROM must read the same after. */
	uint32_t rom_before = *(volatile uint32_t *)0xfffff000u;
	(void)dma_in_ram(sel_sig | CTL_READ, 4, 0xfffff000);
	if (*(volatile uint32_t *)0xfffff000u != rom_before)
		detail("rom_modified=yes ");
	expect_error("buf-past-ram", sel_sig | CTL_READ, 4, end);
	expect_error("buf-straddles-ram-end", sel_sig | CTL_READ | 0, 4, end - 2);
	expect_error("buf-wraps", sel_sig | CTL_READ, 16, 0xfffffffffffffff8ull);
	expect_error("buf-high", sel_sig | CTL_READ, 4, 0x8000000000000000ull);
	expect_error("len-4g", sel_sig | CTL_READ, 0xffffffff, (uint32_t)buf);
	expect_error("len-4g-past-item", CTL_SELECT | KEY_CMDLINE_DATA << 16 | CTL_READ,
		     0xffffffff, (uint32_t)buf);
	expect_error("write-readonly", sel_sig | CTL_WRITE, 4, (uint32_t)buf);
	expect_error("write-invalid-key", CTL_SELECT | 0xffff << 16 | CTL_WRITE, 4, (uint32_t)buf);
	expect_error("all-bits", 0xffffffff, 4, end);
	/* Skips are not errors, but a 4 GiB skip must not take mvm down; then a sane read. */
	desc.control = __builtin_bswap32(sel_sig | CTL_SKIP);
	desc.length = __builtin_bswap32(0xffffffff);
	dma_at((uint32_t)&desc);
	outw(FW_CFG_PORT_SEL, 0x7fff);
	memset(buf, 0, sizeof(buf));
	desc.control = __builtin_bswap32(sel_sig | CTL_READ);
	desc.length = __builtin_bswap32(4);
	desc.address = __builtin_bswap64((uint32_t)buf);
	dma_at((uint32_t)&desc);
	bool sane = !memcmp(buf, "QEMU", 4) && !(__builtin_bswap32(desc.control) & CTL_ERROR);
	detail("refused=%u cases=%u sane_read_after=%s ram_end=0x%llx", refused, cases,
	       sane ? "ok" : "bad", (unsigned long long)end);
}
