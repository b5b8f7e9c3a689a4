/* fuzz_fw_cmdline.c: the firmware's virtio_mmio.device=<size>@<base>:<irq>[:<id>] parser
 * (firmware/cmdline.c) on any command line up to the firmware's 4 KiB buffer. Accepted
 * entries must describe a slot inside 32-bit space with an IRQ below 256; a malformed one
 * must end in fail(VIRTIO_SYNTAX), never in a read past the line. */
#include "fw_shim.h"
#include "board.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

void parse_virtio_entries(struct board *b);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *line;

	if (!line)
		line = malloc(MEM_CMDLINE_MAX);
	if (size > MEM_CMDLINE_MAX - 1)
		size = MEM_CMDLINE_MAX - 1;
	shim_reset();
	/* An exact-size heap copy: ASan sees a byte read past the terminating NUL. */
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	board.cmdline = copy;
	board.cmdline_size = (uint32_t)size + 1;
	if (!setjmp(shim_jmp)) {
		parse_virtio_entries(&board);
		for (int i = 0; i < board.nr_virtio; i++) {
			const struct virtio_slot *v = &board.virtio[i];
			if (!v->size || (uint64_t)v->base + v->size > 0x100000000ull || v->irq > 255)
				abort();
		}
	} else if (shim_error != ERR_VIRTIO_SYNTAX) {
		abort();
	}
	free(copy);
	return 0;
}
