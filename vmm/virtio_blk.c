/* virtio_blk.c: virtio-blk on a raw image (virtio 1.1 section 5.2): read, write, flush
 * (an fsync, so data is on disk when the guest is told so) and get-id; read-only drives
 * refuse writes with an I/O error. Requests are served synchronously on the vCPU thread. */
#include "bus.h"
#include "machine.h"
#include "util.h"
#include "virtio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIRTIO_BLK_F_SIZE_MAX  (1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX   (1ULL << 2)
#define VIRTIO_BLK_F_RO        (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE  (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH     (1ULL << 9)
#define VIRTIO_BLK_T_IN        0
#define VIRTIO_BLK_T_OUT       1
#define VIRTIO_BLK_T_FLUSH     4
#define VIRTIO_BLK_T_GET_ID    8
#define VIRTIO_BLK_S_OK        0
#define VIRTIO_BLK_S_IOERR     1
#define VIRTIO_BLK_S_UNSUPP    2
#define VIRTIO_BLK_ID_BYTES    20
#define VIRTIO_BLK_SECTOR      512
#define VIRTIO_BLK_REQ_HDR     16	/* le32 type, le32 reserved, le64 sector */
#define VIRTIO_BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_SEG_MAX  12
#define VIRTIO_BLK_CFG_BLK_SIZE 20
#define VIRTIO_BLK_CFG_SIZE     24
#define VIRTIO_BLK_QUEUE        0

struct blk {
	int fd;
	bool readonly;
	uint64_t size;
	char serial[VIRTIO_BLK_ID_BYTES];
};

/* Moves data between the image and the chain's data buffers (all but header and status). */
static uint8_t blk_rw(struct blk *b, struct virtq_chain *c, uint32_t type, uint64_t sector,
		      uint32_t *written)
{
	uint64_t len = type == VIRTIO_BLK_T_IN ? c->writable - 1 : c->readable - VIRTIO_BLK_REQ_HDR;
	if (len % VIRTIO_BLK_SECTOR || sector > b->size / VIRTIO_BLK_SECTOR ||
	    len > b->size - sector * VIRTIO_BLK_SECTOR)
		return VIRTIO_BLK_S_IOERR;	/* past the end of the image */
	if (type == VIRTIO_BLK_T_OUT && b->readonly)
		return VIRTIO_BLK_S_IOERR;
	off_t pos = (off_t)(sector * VIRTIO_BLK_SECTOR);
	uint64_t skip = type == VIRTIO_BLK_T_IN ? 0 : VIRTIO_BLK_REQ_HDR, left = len;
	for (int i = 0; i < c->nbufs && left; i++) {
		struct virtq_buf *v = &c->bufs[i];
		if (v->writable != (type == VIRTIO_BLK_T_IN))
			continue;
		if (skip >= v->len) {
			skip -= v->len;
			continue;
		}
		uint64_t n = v->len - skip < left ? v->len - skip : left;
		ssize_t r = type == VIRTIO_BLK_T_IN ? pread(b->fd, v->ptr + skip, n, pos)
						    : pwrite(b->fd, v->ptr + skip, n, pos);
		if (r != (ssize_t)n)
			return VIRTIO_BLK_S_IOERR;
		pos += (off_t)n;
		left -= n;
		skip = 0;
	}
	if (type == VIRTIO_BLK_T_IN)
		*written += (uint32_t)len;
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_request(struct blk *b, struct virtq_chain *c, uint32_t *written)
{
	uint8_t hdr[VIRTIO_BLK_REQ_HDR];
	if (virtq_read(c, 0, hdr, sizeof(hdr)) != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	uint32_t type = get_le32(hdr);
	uint64_t sector = get_le64(hdr + 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return blk_rw(b, c, type, sector, written);
	case VIRTIO_BLK_T_FLUSH:
		return fsync(b->fd) == 0 || errno == EINVAL ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_GET_ID:
		*written += (uint32_t)virtq_write(c, 0, b->serial,
						  c->writable - 1 < VIRTIO_BLK_ID_BYTES ?
							  c->writable - 1 : VIRTIO_BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_notify(struct virtio_dev *d, int queue)
{
	struct blk *b = d->priv;
	struct virtq *q = &d->vq[queue];
	static struct virtq_chain c;	/* large; vm_lock serialises all users */
	enum virtq_result r;
	bool pushed = false;
	while ((r = virtq_pop(q, &c)) == VIRTQ_CHAIN) {
		/* The last byte of the chain is the status the device writes. */
		if (c.writable < 1 || c.bufs[c.nbufs - 1].len < 1 || !c.bufs[c.nbufs - 1].writable) {
			virtio_device_error(d, "virtio-blk request without a status byte");
			return;
		}
		uint32_t written = 0;
		uint8_t status = blk_request(b, &c, &written);
		struct virtq_buf *last = &c.bufs[c.nbufs - 1];
		last->ptr[last->len - 1] = status;
		virtq_push(q, c.head, written + 1);
		pushed = true;
	}
	if (r == VIRTQ_BROKEN)
		virtio_device_error(d, "malformed virtqueue");
	if (pushed)
		virtio_notify_used(d, queue);
}

static void blk_destroy(struct virtio_dev *d)
{
	struct blk *b = d->priv;
	close(b->fd);
	free(b);
	d->priv = NULL;
}

static const struct virtio_dev_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.nqueues = 1,
	.notify = blk_notify,
	.destroy = blk_destroy,
};

static void blk_create(struct vm *vm, const struct device_opt *o, int index, struct virtio_dev *d)
{
	(void)index;
	struct drive_opt *drive = options_find_drive(vm->opt, o->backend);
	struct blk *b = xzalloc(sizeof(*b));
	b->readonly = drive->readonly;
	b->fd = open(drive->file, (b->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		die("-drive id=%s,file=%s: could not open: %s", drive->id, drive->file, strerror(errno));
	struct stat st;
	if (fstat(b->fd, &st) < 0)
		die("-drive id=%s: stat: %s", drive->id, strerror(errno));
	b->size = (uint64_t)st.st_size;
	strncpy(b->serial, o->serial ? o->serial : "", sizeof(b->serial));
	d->ops = &blk_ops;
	d->priv = b;
	d->features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH |
		      (b->readonly ? VIRTIO_BLK_F_RO : 0);
	put_le64(d->config + VIRTIO_BLK_CFG_CAPACITY, b->size / VIRTIO_BLK_SECTOR);
	put_le32(d->config + VIRTIO_BLK_CFG_SEG_MAX, VIRTQ_MAX_SIZE - 2);
	put_le32(d->config + VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR);
	d->config_size = VIRTIO_BLK_CFG_SIZE;
}
VIRTIO_TYPE(blk, DEV_VIRTIO_BLK, blk_create);
