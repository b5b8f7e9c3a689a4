/* fuzz_virtqueue.c: mvm's split-virtqueue walker (vmm/virtqueue.c) on rings a hostile guest
 * wrote: the descriptor table, avail and used rings live at input-chosen addresses (inside,
 * straddling or outside the fake RAM, or wrapping), with any descriptor contents, so chains
 * loop, point out of range, carry huge lengths, nest indirect tables and overrun the used
 * ring. Oracle: ASan/UBSan, plus the walker's own contract checked here: every buffer lies
 * inside guest RAM and a chain never holds more than VIRTQ_MAX_SEGS buffers.
 *
 * Input: queue size exponent, three 16-bit ring offsets (or, with a flag, full 64-bit
 * addresses), the number of pops, then RAM contents. */
#include "../../vmm/virtqueue.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>

#define RAM_SIZE   0x10000
#define MAX_POPS   32
#define COPY_MAX   0x20000	/* more than RAM: the copy helpers must stop at the chain's end */

static uint8_t *ram, *scratch;

static void check_chain(const struct virtq_chain *c)
{
	uint64_t rd = 0, wr = 0;
	if (c->nbufs < 0 || c->nbufs > VIRTQ_MAX_SEGS)
		abort();
	for (int i = 0; i < c->nbufs; i++) {
		const struct virtq_buf *b = &c->bufs[i];
		if (b->ptr < ram || b->ptr > ram + RAM_SIZE || b->len > (uint64_t)(ram + RAM_SIZE - b->ptr)) {
			fprintf(stderr, "virtqueue: buffer %d outside guest RAM\n", i);
			abort();
		}
		*(b->writable ? &wr : &rd) += b->len;
	}
	if (rd != c->readable || wr != c->writable)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = { 0 };
	struct virtq q = { 0 };
	static struct virtq_chain c;

	if (!ram) {
		ram = malloc(RAM_SIZE);
		scratch = malloc(COPY_MAX);
	}
	uint8_t shape = fuzz_u8(&in);
	q.size = (uint16_t)(1u << (shape % 9));		/* 1..256, as virtio_mmio.c accepts */
	if (shape & 0x80) {
		q.desc = fuzz_u64(&in);
		q.avail = fuzz_u64(&in);
		q.used = fuzz_u64(&in);
	} else {
		q.desc = fuzz_u16(&in);
		q.avail = fuzz_u16(&in);
		q.used = fuzz_u16(&in);
	}
	q.last_avail = fuzz_u16(&in);
	q.used_idx = fuzz_u16(&in);
	unsigned pops = fuzz_u8(&in) % (MAX_POPS + 1);
	memset(ram, 0, RAM_SIZE);
	fuzz_copy(&in, ram, RAM_SIZE);
	guest_mem_add(&mem, 0, RAM_SIZE, ram);
	q.mem = &mem;
	q.ready = true;

	for (unsigned i = 0; i < pops; i++) {
		enum virtq_result r = virtq_pop(&q, &c);
		if (r != VIRTQ_CHAIN)
			break;
		check_chain(&c);
		uint64_t got = virtq_read(&c, i, scratch, COPY_MAX);
		if (got > c.readable)
			abort();
		uint64_t put = virtq_write(&c, i, scratch, COPY_MAX);
		if (put > c.writable)
			abort();
		(void)virtq_wants_interrupt(&q);
		virtq_push(&q, c.head, (uint32_t)put);
	}
	return 0;
}
