/* virtio.h: the virtio-mmio transport (virtio 1.1 section 4.2; version 1 "legacy" as in
 * QEMU 7.2's default, version 2 with -global virtio-mmio.force-legacy=off) and the small
 * interface between it and a device (blk, console, net). */
#ifndef MVM_VIRTIO_H
#define MVM_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virtqueue.h"

#define VIRTIO_MMIO_MAGIC_VALUE       0x000
#define VIRTIO_MMIO_VERSION           0x004
#define VIRTIO_MMIO_DEVICE_ID         0x008
#define VIRTIO_MMIO_VENDOR_ID         0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES   0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES   0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE   0x028	/* legacy */
#define VIRTIO_MMIO_QUEUE_SEL         0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX     0x034
#define VIRTIO_MMIO_QUEUE_NUM         0x038
#define VIRTIO_MMIO_QUEUE_ALIGN       0x03c	/* legacy */
#define VIRTIO_MMIO_QUEUE_PFN         0x040	/* legacy */
#define VIRTIO_MMIO_QUEUE_READY       0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY      0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS  0x060
#define VIRTIO_MMIO_INTERRUPT_ACK     0x064
#define VIRTIO_MMIO_STATUS            0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW    0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH   0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW   0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH  0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG            0x100

#define VIRTIO_MMIO_MAGIC             0x74726976	/* "virt" */
#define VIRTIO_MMIO_VENDOR            0x554d4551	/* "QEMU", as QEMU's transport */
#define VIRTIO_MMIO_VERSION_LEGACY    1
#define VIRTIO_MMIO_VERSION_MODERN    2
#define VIRTIO_MMIO_INT_VRING         0x1
#define VIRTIO_MMIO_INT_CONFIG        0x2

#define VIRTIO_STATUS_ACKNOWLEDGE     0x01
#define VIRTIO_STATUS_DRIVER          0x02
#define VIRTIO_STATUS_DRIVER_OK       0x04
#define VIRTIO_STATUS_FEATURES_OK     0x08
#define VIRTIO_STATUS_NEEDS_RESET     0x40
#define VIRTIO_STATUS_FAILED          0x80
#define VIRTIO_F_VERSION_1            (1ULL << 32)

#define VIRTIO_ID_NET                 1
#define VIRTIO_ID_BLOCK               2
#define VIRTIO_ID_CONSOLE             3

#define VIRTIO_MAX_QUEUES             4
#define VIRTIO_CONFIG_MAX             64

struct vm;
struct device_opt;
struct virtio_dev;

struct virtio_dev_ops {
	uint32_t device_id;
	int nqueues;
	void (*notify)(struct virtio_dev *d, int queue);	/* the driver kicked a queue */
	void (*reset)(struct virtio_dev *d);			/* status written 0 */
	void (*driver_ok)(struct virtio_dev *d);		/* the driver is ready */
	void (*destroy)(struct virtio_dev *d);			/* unit tests: free state */
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv;
	uint64_t features, driver_features;	/* offered / accepted */
	uint8_t config[VIRTIO_CONFIG_MAX];
	uint32_t config_size;
	uint32_t status, isr;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	/* transport state */
	bool legacy;
	unsigned irq;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint32_t guest_page_size, queue_align[VIRTIO_MAX_QUEUES], queue_pfn[VIRTIO_MAX_QUEUES];
	const struct guest_mem *mem;
};

/* A device type, registered by its file: builds its state from the -device options. */
struct virtio_type {
	int kind;	/* enum device_kind */
	void (*create)(struct vm *vm, const struct device_opt *o, int index, struct virtio_dev *d);
};

#define VIRTIO_TYPE(name_, kind_, create_)                                      \
	static const struct virtio_type virtio_type_##name_                     \
		__attribute__((used, section("mvm_virtio_types"), aligned(8))) = { \
			kind_, create_ }

void virtio_init(struct virtio_dev *d, const struct guest_mem *mem, bool legacy, unsigned irq);
uint64_t virtio_mmio_read(void *opaque, uint64_t offset, unsigned size);
void virtio_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
/* After pushing used buffers: raise the interrupt if the driver wants one. */
void virtio_notify_used(struct virtio_dev *d, int queue);
/* The guest broke a ring: stop the device until the driver resets it. */
void virtio_device_error(struct virtio_dev *d, const char *what);

#endif
