/* virtqueue.h: split virtqueues (virtio 1.1 section 2.6) read from guest memory with every
 * index, address and length checked: a malformed chain is an error for the device, never
 * an access outside guest RAM, a loop or an overflow. */
#ifndef MVM_VIRTQUEUE_H
#define MVM_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

#define VIRTQ_MAX_SIZE       256	/* queue sizes mvm offers (QueueNumMax) */
#define VIRTQ_MAX_SEGS       (VIRTQ_MAX_SIZE + 4)
#define VIRTQ_DESC_SIZE      16
#define VIRTQ_DESC_F_NEXT    1
#define VIRTQ_DESC_F_WRITE   2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_INDIRECT_MAX   1024	/* entries in one indirect table */

struct virtq {
	uint16_t size;			/* QueueNum: a power of 2 <= VIRTQ_MAX_SIZE */
	bool ready;
	uint64_t desc, avail, used;	/* guest physical addresses */
	uint16_t last_avail, used_idx;
	const struct guest_mem *mem;
};

struct virtq_buf {
	uint8_t *ptr;			/* host pointer, inside guest memory */
	uint32_t len;
	bool writable;			/* device writes it */
};

struct virtq_chain {
	uint16_t head;
	int nbufs;
	struct virtq_buf bufs[VIRTQ_MAX_SEGS];
	uint64_t readable, writable;	/* byte totals */
};

enum virtq_result { VIRTQ_EMPTY = 0, VIRTQ_CHAIN = 1, VIRTQ_BROKEN = -1 };

/* The next available chain. VIRTQ_BROKEN means the guest broke the ring: the device
 * should stop using the queue (set DEVICE_NEEDS_RESET). */
enum virtq_result virtq_pop(struct virtq *q, struct virtq_chain *c);
/* Returns a chain to the guest with the number of bytes written into it. */
bool virtq_push(struct virtq *q, uint16_t head, uint32_t written);
/* Whether the driver wants an interrupt (no VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool virtq_wants_interrupt(const struct virtq *q);
void virtq_reset(struct virtq *q);
/* Copies out of / into a chain's readable / writable buffers; returns bytes copied. */
uint64_t virtq_read(const struct virtq_chain *c, uint64_t offset, void *dst, uint64_t len);
uint64_t virtq_write(const struct virtq_chain *c, uint64_t offset, const void *src, uint64_t len);

#endif
