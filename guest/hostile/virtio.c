/* virtio.c: a minimal virtio-mmio version 2 block driver (virtio 1.1 sections 4.2, 5.2),
 * polled, one queue of VQ_N entries, enough for the hostile and data-safety variants. */
#include "hostile.h"
#include "io.h"
#include "string.h"
#include "virtio.h"
#include "virtio_mmio.h"

#define WAIT_SPINS 4000000u	/* polls of the used index (guest memory) before giving up */
#define STATUS_EVERY 0x10000u	/* ... with a device status read (a VM exit) this often */

struct vq_mem vq;
uint32_t blk_base;
static uint16_t next_avail, seen_used;

static uint32_t rd(uint32_t off) { return mmio_read32(blk_base + off); }
static void wr(uint32_t off, uint32_t v) { mmio_write32(blk_base + off, v); }

static uint32_t hex_value(const char *s)
{
	uint32_t v = 0;
	for (;; s++) {
		uint32_t d = *s >= '0' && *s <= '9' ? *s - '0' :
			     *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : 16;
		if (d == 16)
			return v;
		v = v << 4 | d;
	}
}

#define MICROVM_VIRTIO_BASE  0xfeb00000u	/* QEMU's microvm slots, when the line names none */
#define MICROVM_VIRTIO_SLOTS 24
#define MICROVM_VIRTIO_SIZE  0x200u

static bool is_blk(uint32_t base)
{
	if (mmio_read32(base + VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC_VALUE ||
	    mmio_read32(base + VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
		return false;
	blk_base = base;
	return true;
}

/* The slots named on the command line (virtio_mmio.device=512@0x<base>:<irq>, as mvm
 * appends them), else microvm's fixed slots. */
bool blk_find(void)
{
	for (const char *s = cmdline; *s; s++) {
		if (strncmp(s, "virtio_mmio.device=", 19))
			continue;
		const char *at = s + 19;
		while (*at && *at != '@' && *at != ' ')
			at++;
		if (at[0] != '@' || at[1] != '0' || at[2] != 'x')
			continue;
		if (is_blk(hex_value(at + 3)))
			return true;
	}
	for (uint32_t i = 0; i < MICROVM_VIRTIO_SLOTS; i++)
		if (is_blk(MICROVM_VIRTIO_BASE + i * MICROVM_VIRTIO_SIZE))
			return true;
	return false;
}

uint32_t blk_status(void)
{
	return rd(VIRTIO_MMIO_STATUS);
}

bool blk_setup(uint64_t desc, uint64_t avail, uint64_t used, uint32_t n)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);		/* VIRTIO_F_VERSION_1 */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, n);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	memset(&vq, 0, sizeof(vq));
	next_avail = seen_used = 0;
	return rd(VIRTIO_MMIO_QUEUE_READY) == 1;
}

bool blk_setup_default(void)
{
	return blk_setup((uint32_t)vq.desc, (uint32_t)&vq.avail_flags, (uint32_t)&vq.used_flags,
			 VQ_N);
}

void blk_offer(uint16_t head)
{
	vq.avail_ring[next_avail % VQ_N] = head;
	__asm__ volatile("" ::: "memory");
	vq.avail_idx = ++next_avail;
	__asm__ volatile("" ::: "memory");
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

bool blk_wait_used(void)
{
	for (uint32_t i = 0; i < WAIT_SPINS; i++) {
		if (*(volatile uint16_t *)&vq.used_idx != seen_used) {
			seen_used = vq.used_idx;
			wr(VIRTIO_MMIO_INTERRUPT_ACK, rd(VIRTIO_MMIO_INTERRUPT_STATUS));
			return true;
		}
		if (i % STATUS_EVERY == 0 && (blk_status() & VIRTIO_STATUS_NEEDS_RESET))
			return false;
	}
	return false;
}

static struct blk_req req;
static volatile uint8_t req_status;

uint8_t blk_request(uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	int n = 0;

	req = (struct blk_req){ type, 0, sector };
	req_status = 0xff;
	vq.desc[n] = (struct vq_desc){ (uint32_t)&req, sizeof(req), DESC_F_NEXT, 1 };
	n++;
	if (data) {
		vq.desc[n] = (struct vq_desc){ (uint32_t)data, len,
			DESC_F_NEXT | (type == BLK_T_IN ? DESC_F_WRITE : 0), (uint16_t)(n + 1) };
		n++;
	}
	vq.desc[n] = (struct vq_desc){ (uint32_t)&req_status, 1, DESC_F_WRITE, 0 };
	blk_offer(0);
	if (!blk_wait_used())
		return 0xff;
	return req_status;
}
