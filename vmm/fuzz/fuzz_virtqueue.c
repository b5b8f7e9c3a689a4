/* fuzz_virtqueue.c: libFuzzer target for virtqueue walking. The input is guest RAM with
 * the ring at fixed addresses; its first bytes choose the queue size and ring addresses.
 * Popping and pushing every chain must stay inside the RAM buffer and terminate. */
#include "util.h"
#include "virtqueue.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_RAM 0x8000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16)
		return 0;
	uint8_t *ram = calloc(1, FUZZ_RAM);
	memcpy(ram, data, size < FUZZ_RAM ? size : FUZZ_RAM);
	struct guest_mem mem = { 0 };
	guest_mem_add(&mem, 0, FUZZ_RAM, ram);
	struct virtq q = { .mem = &mem, .ready = true };
	q.size = (uint16_t)(1u << (data[0] % 9));	/* 1..256 */
	q.desc = get_le16(data + 2);
	q.avail = get_le16(data + 4);
	q.used = get_le16(data + 6);
	static struct virtq_chain c;
	uint8_t scratch[64];
	for (int n = 0; n < 512; n++) {
		enum virtq_result r = virtq_pop(&q, &c);
		if (r != VIRTQ_CHAIN)
			break;
		virtq_read(&c, 0, scratch, sizeof(scratch));
		virtq_write(&c, 1, scratch, sizeof(scratch));
		virtq_push(&q, c.head, (uint32_t)c.writable);
	}
	free(ram);
	return 0;
}
