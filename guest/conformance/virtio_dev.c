/* virtio_dev.c: what each virtio device must do once initialised.
 * virtio-blk reads sector 0 of the harness's image (mkinitrd.py's pattern)
 * and writes sector 1 as its complement, for the harness to check the file;
 * virtio-console writes a line the harness must see; virtio-net sends one
 * broadcast frame. */
#include "fmt.h"
#include "report.h"
#include "string.h"
#include "virtio_mmio.h"

#define SECTOR_SIZE		512
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_S_OK		0
#define BLK_READ_SECTOR		0
#define BLK_WRITE_SECTOR	1
#define CONSOLE_TX_QUEUE	1	/* receiveq0 = 0, transmitq0 = 1 */
#define NET_TX_QUEUE		1	/* receiveq = 0, transmitq = 1 */
#define NET_HDR_LEGACY		10	/* virtio_net_hdr without num_buffers */
#define NET_HDR_MODERN		12	/* with num_buffers (VERSION_1) */
#define ETH_FRAME_SIZE		60
#define ETH_TYPE_EXPERIMENTAL	0x88b5	/* IEEE 802 local experimental */
#define PATTERN_SEED		0x6d726967u	/* mkinitrd.py's pattern */
#define PATTERN_MUL		1103515245u
#define PATTERN_ADD		12345u

struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
} __attribute__((packed));

static struct blk_req req;
static uint8_t sector[SECTOR_SIZE], expect[SECTOR_SIZE];
static volatile uint8_t blk_status;
static uint8_t frame[NET_HDR_MODERN + ETH_FRAME_SIZE];
static const char console_line[] = "probe: virtio-console hello\n";

static bool start(const struct virtio_dev *d, struct virtq *q, unsigned queue, void *qmem)
{
	uint32_t status;
	char id[40];
	bool ok = virtio_begin(d, &status) && virtio_queue(d, q, queue, qmem);

	if (ok)
		status = virtio_driver_ok(d);
	snformat(id, sizeof(id), "virtio%u-init", d->slot);
	return check(id, ok && (status & VIRTIO_STATUS_DRIVER_OK) &&
		     !(status & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET)),
		     "reset, acknowledge, features, queue set-up and DRIVER_OK are accepted",
		     "status=0x%x version=%u", status, d->version);
}

static bool blk_io(struct virtq *q, uint32_t type, uint64_t lba)
{
	struct vbuf bufs[3] = {
		{ &req, sizeof(req), false },
		{ sector, SECTOR_SIZE, type == VIRTIO_BLK_T_IN },
		{ (void *)&blk_status, 1, true },
	};

	req = (struct blk_req){ type, 0, lba };
	blk_status = 0xff;
	return virtq_transfer(q, bufs, 3) && blk_status == VIRTIO_BLK_S_OK;
}

void virtio_blk_checks(const struct virtio_dev *d, void *qmem)
{
	struct virtq q;
	char id[40];
	uint32_t state = PATTERN_SEED;

	if (!start(d, &q, 0, qmem))
		return;
	for (unsigned i = 0; i < SECTOR_SIZE; i++) {
		state = state * PATTERN_MUL + PATTERN_ADD;
		expect[i] = (uint8_t)(state >> 24);
	}
	bool ok = blk_io(&q, VIRTIO_BLK_T_IN, BLK_READ_SECTOR);

	snformat(id, sizeof(id), "virtio%u-blk-read", d->slot);
	check(id, ok && !memcmp(sector, expect, SECTOR_SIZE),
	      "virtio-blk reads sector 0 of the harness's image (mkinitrd.py pattern)",
	      "request ok=%d status=%u", ok, blk_status);
	for (unsigned i = 0; i < SECTOR_SIZE; i++)
		sector[i] = (uint8_t)~expect[i];
	ok = blk_io(&q, VIRTIO_BLK_T_OUT, BLK_WRITE_SECTOR);
	memset(sector, 0, SECTOR_SIZE);
	ok = ok && blk_io(&q, VIRTIO_BLK_T_IN, BLK_WRITE_SECTOR);
	bool same = true;

	for (unsigned i = 0; i < SECTOR_SIZE; i++) {
		uint8_t inverted = (uint8_t)(expect[i] ^ 0xff);

		same &= sector[i] == inverted;
	}
	snformat(id, sizeof(id), "virtio%u-blk-write", d->slot);
	check(id, ok && same, "virtio-blk writes sector 1 (the pattern inverted) and reads it back",
	      "requests ok=%d same=%d", ok, same);
}

void virtio_console_checks(const struct virtio_dev *d, void *qmem)
{
	struct virtq q;
	char id[40];

	if (!start(d, &q, CONSOLE_TX_QUEUE, qmem))
		return;
	struct vbuf b = { (void *)console_line, sizeof(console_line) - 1, false };

	snformat(id, sizeof(id), "virtio%u-console-write", d->slot);
	check(id, virtq_transfer(&q, &b, 1),
	      "virtio-console takes a line on transmitq0 (the harness must see it)", NULL);
}

void virtio_net_checks(const struct virtio_dev *d, void *qmem)
{
	struct virtq q;
	char id[40];
	unsigned hdr = d->version == 1 ? NET_HDR_LEGACY : NET_HDR_MODERN;
	uint8_t *eth = frame + hdr;

	if (!start(d, &q, NET_TX_QUEUE, qmem))
		return;
	memset(frame, 0, sizeof(frame));
	memset(eth, 0xff, 6);					/* broadcast */
	memcpy(eth + 6, "\x52\x54\x00\x6d\x72\x67", 6);		/* locally administered */
	eth[12] = ETH_TYPE_EXPERIMENTAL >> 8;
	eth[13] = ETH_TYPE_EXPERIMENTAL & 0xff;
	memcpy(eth + 14, "microrig-probe", 14);
	struct vbuf b = { frame, hdr + ETH_FRAME_SIZE, false };

	snformat(id, sizeof(id), "virtio%u-net-send", d->slot);
	check(id, virtq_transfer(&q, &b, 1),
	      "virtio-net transmits one broadcast frame (ethertype 0x88b5, payload microrig-probe)", NULL);
}
