/* test_fw_cfg.c: fw_cfg items, the sorted file directory, port reads and DMA, including
 * bad descriptors and buffers outside guest memory (QEMU docs/specs/fw_cfg.rst). */
#include "check.h"
#include "fw_cfg.h"
#include "util.h"

#include <string.h>

#define RAM_SIZE 0x10000
static uint8_t ram[RAM_SIZE];
static struct guest_mem mem;
static struct fw_cfg f;

static void setup(void)
{
	memset(&mem, 0, sizeof(mem));
	memset(ram, 0xaa, sizeof(ram));
	guest_mem_add(&mem, 0, RAM_SIZE, ram);
	fw_cfg_init(&f, &mem);
}

static void io_select(uint16_t key) { fw_cfg_io_write(&f, 0, key, 2); }
static uint8_t io_data(void) { return (uint8_t)fw_cfg_io_read(&f, 1, 1); }

static void put_desc(uint64_t at, uint32_t control, uint32_t length, uint64_t address)
{
	put_be32(ram + at, control);
	put_be32(ram + at + 4, length);
	put_be64(ram + at + 8, address);
}

static void dma(uint64_t desc)
{
	fw_cfg_io_write(&f, 4, __builtin_bswap32((uint32_t)(desc >> 32)), 4);
	fw_cfg_io_write(&f, 8, __builtin_bswap32((uint32_t)desc), 4);
}

static void test_ports(void)
{
	setup();
	io_select(FW_CFG_SIGNATURE);
	char sig[5] = { 0 };
	for (int i = 0; i < 4; i++)
		sig[i] = (char)io_data();
	report(!strcmp(sig, "QEMU"), "the signature item reads QEMU through port 0x511");
	report(io_data() == 0, "reads past an item's end give zeros");
	io_select(FW_CFG_ID);
	report(io_data() == (FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA), "ID has the traditional and DMA bits");
	io_select(FW_CFG_SIGNATURE);
	report(fw_cfg_io_read(&f, 0, 1) == 'Q', "an 8-bit read of 0x510 also reads data, as QEMU");
	report((uint8_t)fw_cfg_io_read(&f, 4, 1) == 'Q' && (uint8_t)fw_cfg_io_read(&f, 11, 1) == 'G',
	       "the DMA register reads back \"QEMU CFG\"");
	report(fw_cfg_io_read(&f, 4, 4) == 0x554d4551, "a 32-bit read of 0x514 gives \"QEMU\" in memory order");
	io_select(0x3000);
	report(io_data() == 0, "an unknown key reads as zeros");
	fw_cfg_io_write(&f, 1, 0x55, 1);
	report(true, "8-bit data writes are ignored without effect");
	fw_cfg_free(&f);
}

static void test_files(void)
{
	setup();
	fw_cfg_add_file(&f, "etc/e820", "e", 1);
	fw_cfg_add_file(&f, "bootorder", "", 0);
	fw_cfg_add_file(&f, "opt/z", "zz", 2);
	report(!fw_cfg_add_file(&f, "etc/e820", "x", 1), "a duplicate file name is refused");
	io_select(FW_CFG_FILE_DIR);
	uint8_t dir[4 + 3 * 64];
	for (size_t i = 0; i < sizeof(dir); i++)
		dir[i] = io_data();
	report(get_be32(dir) == 3, "the directory counts three files (big endian)");
	report(!strcmp((char *)dir + 4 + 8, "bootorder") && !strcmp((char *)dir + 68 + 8, "etc/e820") &&
	       !strcmp((char *)dir + 132 + 8, "opt/z"), "files are sorted by name");
	report(get_be16(dir + 4 + 4) == 0x20 && get_be16(dir + 132 + 4) == 0x22,
	       "selectors follow the sorted order from 0x20");
	report(get_be32(dir + 132) == 2, "sizes are big endian");
	io_select(0x22);
	report(io_data() == 'z', "a file reads through its selector");
	const struct fw_cfg_item *d = fw_cfg_find(&f, FW_CFG_FILE_DIR);
	report(d && d->len == 4 + 64 * FW_CFG_FILE_SLOTS, "the directory item is 2052 bytes as QEMU's");
	fw_cfg_free(&f);
}

static void test_dma(void)
{
	setup();
	fw_cfg_add_file(&f, "opt/data", "0123456789", 10);
	put_desc(0x100, (0x20u << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, 0x200);
	dma(0x100);
	report(get_be32(ram + 0x100) == 0, "a good read completes with control 0");
	report(!memcmp(ram + 0x200, "0123", 4), "DMA read copies the item's first bytes");
	put_desc(0x100, FW_CFG_DMA_CTL_SKIP, 2, 0);
	dma(0x100);
	put_desc(0x100, FW_CFG_DMA_CTL_READ, 8, 0x300);
	dma(0x100);
	report(!memcmp(ram + 0x300, "6789\0\0\0\0", 8), "skip advances; reading past the end gives zeros");
	put_desc(0x100, (0x20u << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 2, 0x200);
	dma(0x100);
	report(get_be32(ram + 0x100) & FW_CFG_DMA_CTL_ERROR, "a write to a read-only item sets the error bit");
	put_desc(0x100, (0x20u << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, RAM_SIZE - 2);
	dma(0x100);
	report(get_be32(ram + 0x100) & FW_CFG_DMA_CTL_ERROR, "a buffer running past guest RAM sets the error bit");
	report(ram[RAM_SIZE - 1] == 0xaa, "and nothing is written for it");
	put_desc(0x100, (0x20u << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
		 0xfffffffffffffffeULL);
	dma(0x100);
	report(get_be32(ram + 0x100) & FW_CFG_DMA_CTL_ERROR, "a wrapping buffer address sets the error bit");
	put_desc(0x100, (0x20u << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 0xffffffff, 0);
	dma(0x100);
	report(get_be32(ram + 0x100) & FW_CFG_DMA_CTL_ERROR, "a 4 GiB read into 64 KiB of RAM fails");
	dma(RAM_SIZE - 8);
	report(true, "a descriptor straddling the end of RAM is refused without a crash");
	dma(0x123456789ULL);
	report(true, "a descriptor outside RAM is ignored without a crash");
	put_desc(0x100, 0, 4, 0x400);
	ram[0x400] = 0x77;
	dma(0x100);
	report(get_be32(ram + 0x100) == 0 && ram[0x400] == 0x77, "a descriptor without an operation does nothing");
	put_desc(0x100, (0x3fffu << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 2, 0x400);
	dma(0x100);
	report(ram[0x400] == 0 && ram[0x401] == 0, "reading an invalid key by DMA gives zeros");
	fw_cfg_free(&f);
}

int main(void)
{
	test_ports();
	test_files();
	test_dma();
	return check_summary("test_fw_cfg");
}
