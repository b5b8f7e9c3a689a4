/* virtio.h: the little of a virtio-mmio (version 2) block driver the hostile variants need:
 * find the device, bring a queue up at chosen addresses, offer a chain, wait for it. */
#ifndef HOSTILE_VIRTIO_H
#define HOSTILE_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#define VQ_N 8			/* entries in our queue */
#define BLK_T_IN    0		/* read */
#define BLK_T_OUT   1		/* write */
#define BLK_T_FLUSH 4
#define BLK_S_OK    0
#define BLK_S_IOERR 1
#define BLK_S_UNSUPP 2
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define DESC_F_INDIRECT 4

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
} __attribute__((packed));

struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
} __attribute__((packed));

/* The guest-memory layout of our one queue (page aligned, all in the payload's .bss). */
struct vq_mem {
	struct vq_desc desc[VQ_N];
	uint16_t avail_flags, avail_idx, avail_ring[VQ_N], used_event;
	uint8_t pad[4096 - 16 * VQ_N - 6 - 2 * VQ_N];
	uint16_t used_flags, used_idx;
	struct { uint32_t id, len; } used_ring[VQ_N];
} __attribute__((aligned(4096)));

extern struct vq_mem vq;
extern uint32_t blk_base;	/* MMIO base of the virtio-blk device, 0 when none */

bool blk_find(void);
/* Reset, negotiate VERSION_1, set up queue 0 at the given addresses with size n. Returns
 * false when the device refused (FEATURES_OK not kept or queue not ready). */
bool blk_setup(uint64_t desc, uint64_t avail, uint64_t used, uint32_t n);
bool blk_setup_default(void);
/* Offer head at the next avail slot and notify queue 0. */
void blk_offer(uint16_t head);
/* Wait (bounded) for the used index to move; false on timeout. */
bool blk_wait_used(void);
uint32_t blk_status(void);	/* the device status register */
/* One request of type with one data buffer (NULL: none); returns the status byte, or
 * 0xff when the device never completed it. */
uint8_t blk_request(uint32_t type, uint64_t sector, void *data, uint32_t len);

#endif
