/* fuzz_fw_cfg_dma.c: libFuzzer target for fw_cfg DMA. The input is 64 KiB of guest RAM
 * (zero-padded) holding descriptors; the first 8 bytes pick descriptor addresses. Any
 * descriptor must leave memory outside the 64 KiB untouched (ASan watches the edges). */
#include "fw_cfg.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_RAM 0x10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *ram = calloc(1, FUZZ_RAM);
	memcpy(ram, data, size < FUZZ_RAM ? size : FUZZ_RAM);
	struct guest_mem mem = { 0 };
	guest_mem_add(&mem, 0, FUZZ_RAM, ram);
	static struct fw_cfg f;
	fw_cfg_init(&f, &mem);
	fw_cfg_add_file(&f, "opt/a", "0123456789", 10);
	fw_cfg_add_file(&f, "opt/b", "", 0);
	fw_cfg_add_i64(&f, FW_CFG_RAM_SIZE, FUZZ_RAM);
	for (size_t i = 0; i + 8 <= size && i < 64; i += 8) {
		uint64_t desc = get_le64(data + i);
		fw_cfg_dma_transfer(&f, desc);
		fw_cfg_io_write(&f, 0, (uint16_t)desc, 2);
		fw_cfg_io_read(&f, 1, 1);
	}
	fw_cfg_free(&f);
	free(ram);
	return 0;
}
