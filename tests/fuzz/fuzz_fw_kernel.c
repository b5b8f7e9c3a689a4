/* fuzz_fw_kernel.c: the firmware's kernel recognition and header checks (firmware/kernel.c,
 * bzimage.c, pvh.c, multiboot.c) on any setup header / ELF head and any sizes and addresses
 * the fw_cfg items claim, with the firmware's real memory addresses mapped on the host
 * (fw_shim.c). Every path must end in fail() or a hand-off; a fw_cfg load aimed outside
 * usable RAM, a wrap, or an ASan/UBSan report is a finding.
 *
 * Input: flags, forced protocol, kernel_size, setup_size, kaddr, initrd size and address,
 * setup address, PVH entry, cmdline length, then up to 1 KiB of SETUP_DATA (the header). */
#include "fw_shim.h"
#include "board.h"
#include "fuzz_input.h"
#include "fw_cfg.h"

#include <stdio.h>
#include <stdlib.h>

void boot_kernel(struct board *b);

#define HIGH_FLOOR   0x8000000u	/* tables at the top of a 128 MiB guest */
#define SETUP_MAX    0x8000u
#define FLAG_SETUP_FROM_HEADER 1	/* setup_size = (setup_sects + 1) * 512, as QEMU does */
#define FLAG_KADDR_1M          2	/* kaddr = 1 MiB, as QEMU does for bzImages */

static uint8_t header[SETUP_MAX];
static uint8_t mbi[88];

static void item(uint16_t key, const void *data, uint32_t len, uint32_t have)
{
	shim_items[key] = (struct shim_item){ data, len, have };
}

static uint32_t u32s[16];
static void item32(uint16_t key, int slot, uint32_t v)
{
	u32s[slot] = v;
	item(key, &u32s[slot], 4, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int mapped = -1;
	struct fuzz_in in = { data, size };

	if (mapped < 0 && !(mapped = shim_map_memory()))
		fprintf(stderr, "fuzz_fw_kernel: cannot map low memory\n");
	if (!mapped)
		return 0;
	shim_reset();
	uint8_t flags = fuzz_u8(&in), forced = fuzz_u8(&in);
	uint32_t ksize = fuzz_u32(&in), ssize = fuzz_u32(&in) % (SETUP_MAX + 1), kaddr = fuzz_u32(&in);
	uint32_t isize = fuzz_u32(&in), iaddr = fuzz_u32(&in), saddr = fuzz_u32(&in);
	uint32_t entry = fuzz_u32(&in), clen = fuzz_u16(&in) % MEM_CMDLINE_MAX;
	memset(header, 0, sizeof(header));
	uint32_t have = (uint32_t)fuzz_copy(&in, header, sizeof(header));

	if (flags & FLAG_SETUP_FROM_HEADER)
		ssize = ((header[0x1f1] ? header[0x1f1] : 4) + 1) * 512;
	if (flags & FLAG_KADDR_1M)
		kaddr = 0x100000;
	if (iaddr < 0x100000)
		iaddr = 0;		/* QEMU places initrds high, or leaves the choice (0) */
	if (saddr < SHIM_MEM_START)
		saddr = 0x10000;	/* QEMU's real-mode address; page 0 is not mapped here */
	if (!ssize) {			/* Multiboot: QEMU's block at 0x9500, its mmap at 0x9000 */
		memset(mbi, 0, sizeof(mbi));
		mbi[48 + 1] = 0x90;
		item32(FW_CFG_INITRD_SIZE, 0, sizeof(mbi));
		item32(FW_CFG_INITRD_ADDR, 1, 0x9500);
		item(FW_CFG_INITRD_DATA, mbi, sizeof(mbi), sizeof(mbi));
	} else {
		item32(FW_CFG_INITRD_SIZE, 0, isize);
		item32(FW_CFG_INITRD_ADDR, 1, iaddr);
	}
	item32(FW_CFG_KERNEL_SIZE, 2, ksize);
	item32(FW_CFG_SETUP_SIZE, 3, ssize);
	item32(FW_CFG_KERNEL_ADDR, 4, kaddr);
	item32(FW_CFG_SETUP_ADDR, 5, saddr);
	item32(FW_CFG_KERNEL_ENTRY, 6, entry);
	item(FW_CFG_SETUP_DATA, header, ssize, have < ssize ? have : ssize);

	board.forced = forced % (BOOT_MULTIBOOT + 1);
	board.high_floor = HIGH_FLOOR;
	board.cmdline = (char *)MEM_CMDLINE;
	board.cmdline_size = clen;
	board.nr_e820 = 2;
	board.e820[0] = (struct mem_range){ 0, 0x9fc00, E820_RAM, 0 };
	board.e820[1] = (struct mem_range){ 0x100000, HIGH_FLOOR - 0x100000, E820_RAM, 0 };
	if (!setjmp(shim_jmp))
		boot_kernel(&board);	/* returns only when there is no kernel at all */
	return 0;
}
