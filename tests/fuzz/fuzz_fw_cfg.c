/* fuzz_fw_cfg.c: mvm's fw_cfg device (vmm/fw_cfg.c) driven by a guest that writes any port
 * value and DMA descriptor. Guest RAM is two regions of a fake memory (low RAM and a small
 * block above a hole), filled from the input, so descriptors and buffers can point inside,
 * across, past and around (wrapping) them. ASan/UBSan are the oracle: any host access
 * outside the fake RAM or the device's items is a finding.
 *
 * Input: 1 byte of RAM fill length selector, then ops of the form <op byte><operands>;
 * op % 5: 0 select(key16), 1 data read, 2 DMA at addr64, 3 port write(off, val32, size),
 * 4 port read(off, size). At most MAX_OPS ops; the rest of the input fills RAM. */
#include "../../vmm/fw_cfg.h"
#include "fuzz_input.h"

#include <stdlib.h>

#define RAM_LOW_SIZE  0x10000	/* guest [0, 64 KiB) */
#define RAM_HIGH_GPA  0x100000	/* guest [1 MiB, 1 MiB + 4 KiB) */
#define RAM_HIGH_SIZE 0x1000
#define MAX_OPS       64
#define BIG_ITEM      0x3000	/* an item larger than the high block */

static uint8_t *ram_low, *ram_high;	/* malloc'd so ASan catches a byte past either end */
static uint8_t big[BIG_ITEM];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = { 0 };
	static struct fw_cfg f;
	uint8_t nops = fuzz_u8(&in) % (MAX_OPS + 1);
	uint8_t ops[MAX_OPS * 9];
	size_t nbytes = fuzz_copy(&in, ops, (size_t)nops * 9);

	if (!ram_low) {
		ram_low = malloc(RAM_LOW_SIZE);
		ram_high = malloc(RAM_HIGH_SIZE);
		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (uint8_t)i;
	}
	memset(ram_low, 0, RAM_LOW_SIZE);
	memset(ram_high, 0, RAM_HIGH_SIZE);
	fuzz_copy(&in, ram_low, RAM_LOW_SIZE);
	fuzz_copy(&in, ram_high, RAM_HIGH_SIZE);
	guest_mem_add(&mem, 0, RAM_LOW_SIZE, ram_low);
	guest_mem_add(&mem, RAM_HIGH_GPA, RAM_HIGH_SIZE, ram_high);

	fw_cfg_init(&f, &mem);
	fw_cfg_add_string(&f, FW_CFG_CMDLINE_DATA, "console=ttyS0 virtio_mmio.device=512@0xfeb00000:12");
	fw_cfg_add_i32(&f, FW_CFG_CMDLINE_SIZE, 52);
	fw_cfg_add_bytes(&f, FW_CFG_KERNEL_DATA, big, sizeof(big));
	fw_cfg_add_i16(&f, FW_CFG_IRQ0_OVERRIDE, 1);
	fw_cfg_add_file(&f, "etc/e820", big, 40);
	fw_cfg_add_file(&f, "opt/microrig/quiet", "1", 1);
	fw_cfg_add_file(&f, "etc/empty", NULL, 0);

	struct fuzz_in op = { ops, nbytes };
	while (op.left) {
		switch (fuzz_u8(&op) % 5) {
		case 0:
			fw_cfg_select(&f, fuzz_u16(&op));
			break;
		case 1:
			(void)fw_cfg_read_byte(&f);
			break;
		case 2:
			fw_cfg_dma_transfer(&f, fuzz_u64(&op));
			break;
		case 3: {
			uint8_t off = fuzz_u8(&op), sz = fuzz_u8(&op);
			fw_cfg_io_write(&f, off % 16, fuzz_u32(&op), 1u << (sz % 4));
			break;
		}
		default: {
			uint8_t off = fuzz_u8(&op), sz = fuzz_u8(&op);
			(void)fw_cfg_io_read(&f, off % 16, 1u << (sz % 4));
		}
		}
	}
	fw_cfg_free(&f);
	return 0;
}
