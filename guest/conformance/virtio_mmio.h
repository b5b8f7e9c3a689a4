/* virtio_mmio.h: the virtio-mmio transport (virtio 1.1, section 4.2) and the
 * split virtqueue, for legacy (version 1) and modern (version 2) devices. */
#ifndef CONFORMANCE_VIRTIO_MMIO_H
#define CONFORMANCE_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_MMIO_MAGIC		0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE	0x028	/* legacy */
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_ALIGN		0x03c	/* legacy */
#define VIRTIO_MMIO_QUEUE_PFN		0x040	/* legacy */
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW	0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MAGIC_VALUE		0x74726976	/* "virt" little-endian */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80
#define VIRTIO_F_VERSION_1_WORD		1	/* feature bit 32: word 1, bit 0 */
#define VIRTIO_INT_USED_RING		0x01

#define VIRTIO_ID_NET			1
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_ID_CONSOLE		3

#define VRING_DESC_F_NEXT		1
#define VRING_DESC_F_WRITE		2
#define VQ_SIZE				8
#define VQ_ALIGN			4096

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
} __attribute__((packed));

struct virtq {
	uint64_t base;			/* MMIO base of the device */
	unsigned index;
	struct vring_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[VQ_SIZE], used_event */
	volatile uint16_t *used;	/* flags, idx, then {u32 id, u32 len}[VQ_SIZE] */
	uint16_t last_used;
};

struct vbuf {
	void *addr;
	uint32_t len;
	bool device_writes;
};

struct virtio_dev {
	uint64_t base;
	unsigned irq, version, id, slot;
};

/* Reset, ACKNOWLEDGE, DRIVER, features (VERSION_1 on modern), FEATURES_OK. */
bool virtio_begin(const struct virtio_dev *d, uint32_t *status);
bool virtio_queue(const struct virtio_dev *d, struct virtq *q, unsigned index, void *mem);
uint32_t virtio_driver_ok(const struct virtio_dev *d);
void virtio_reset(const struct virtio_dev *d);
/* Posts a descriptor chain, notifies, polls the used ring; false on timeout. */
bool virtq_transfer(struct virtq *q, const struct vbuf *bufs, unsigned n);

void virtio_blk_checks(const struct virtio_dev *d, void *qmem);
void virtio_console_checks(const struct virtio_dev *d, void *qmem);
void virtio_net_checks(const struct virtio_dev *d, void *qmem);

#endif
