/* virtio_net.c: virtio-net on a tap device (virtio 1.1 section 5.1), without offloads:
 * frames go to and from the tap as they are, behind a zeroed virtio_net_hdr (10 bytes for
 * legacy drivers, 12 with VERSION_1). Receive is driven by the I/O thread. */
#include "chardev.h"
#include "iothread.h"
#include "machine.h"
#include "util.h"
#include "virtio.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define VIRTIO_NET_F_MAC       (1ULL << 5)
#define VIRTIO_NET_F_STATUS    (1ULL << 16)
#define VIRTIO_NET_S_LINK_UP   1
#define VIRTIO_NET_RX          0
#define VIRTIO_NET_TX          1
#define VIRTIO_NET_HDR_LEGACY  10
#define VIRTIO_NET_HDR_V1      12
#define VIRTIO_NET_CFG_SIZE    8	/* mac[6], le16 status */
#define NET_FRAME_MAX          65550
#define TUN_DEVICE             "/dev/net/tun"

struct net {
	struct virtio_dev *dev;
	int tap;
	bool rx_watched;
	uint8_t frame[NET_FRAME_MAX];
};

static uint32_t hdr_len(const struct virtio_dev *d)
{
	return (d->driver_features & VIRTIO_F_VERSION_1) ? VIRTIO_NET_HDR_V1 : VIRTIO_NET_HDR_LEGACY;
}

static void net_tx(struct virtio_dev *d)
{
	struct net *n = d->priv;
	static struct virtq_chain c;
	enum virtq_result r;
	bool pushed = false;
	while ((r = virtq_pop(&d->vq[VIRTIO_NET_TX], &c)) == VIRTQ_CHAIN) {
		uint64_t len = virtq_read(&c, hdr_len(d), n->frame, sizeof(n->frame));
		if (len && write(n->tap, n->frame, len) < 0 && errno != EAGAIN)
			warn("tap write: %s", strerror(errno));
		virtq_push(&d->vq[VIRTIO_NET_TX], c.head, 0);
		pushed = true;
	}
	if (r == VIRTQ_BROKEN)
		virtio_device_error(d, "malformed transmit queue");
	if (pushed)
		virtio_notify_used(d, VIRTIO_NET_TX);
}

static void rx_watch(struct net *n, bool on)
{
	if (n->rx_watched != on)
		iothread_watch(n->tap, on);
	n->rx_watched = on;
}

/* One frame per receive chain; with no chain posted, stop reading the tap until the
 * driver posts one (the kernel queues frames meanwhile). */
static void net_rx(void *opaque)
{
	struct net *n = opaque;
	struct virtio_dev *d = n->dev;
	static struct virtq_chain c;
	bool pushed = false;
	for (;;) {
		struct virtq *q = &d->vq[VIRTIO_NET_RX];
		const uint8_t *avail = q->ready ? guest_mem_ptr(q->mem, q->avail, 4) : NULL;
		if (!avail || get_le16(avail + 2) == q->last_avail ||
		    !(d->status & VIRTIO_STATUS_DRIVER_OK)) {
			rx_watch(n, false);
			break;
		}
		ssize_t len = read(n->tap, n->frame, sizeof(n->frame));
		if (len <= 0)
			break;
		enum virtq_result r = virtq_pop(q, &c);
		if (r != VIRTQ_CHAIN) {
			virtio_device_error(d, "malformed receive queue");
			break;
		}
		uint8_t hdr[VIRTIO_NET_HDR_V1] = { 0 };
		if (hdr_len(d) == VIRTIO_NET_HDR_V1)
			hdr[10] = 1;	/* num_buffers */
		uint64_t w = virtq_write(&c, 0, hdr, hdr_len(d));
		w += virtq_write(&c, hdr_len(d), n->frame, (uint64_t)len);
		virtq_push(q, c.head, (uint32_t)w);
		pushed = true;
	}
	if (pushed)
		virtio_notify_used(d, VIRTIO_NET_RX);
}

static void net_notify(struct virtio_dev *d, int queue)
{
	struct net *n = d->priv;
	if (queue == VIRTIO_NET_TX)
		net_tx(d);
	else
		rx_watch(n, true);
}

static void net_driver_ok(struct virtio_dev *d)
{
	rx_watch(d->priv, true);
}

static void net_destroy(struct virtio_dev *d)
{
	struct net *n = d->priv;
	close(n->tap);
	free(n);
	d->priv = NULL;
}

static const struct virtio_dev_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.nqueues = 2,
	.notify = net_notify,
	.driver_ok = net_driver_ok,
	.destroy = net_destroy,
};

static int open_tap(const struct netdev_opt *nd)
{
	int fd = open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("-netdev tap,id=%s: could not open %s: %s", nd->id, TUN_DEVICE, strerror(errno));
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", nd->ifname ? nd->ifname : "tap%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("-netdev tap,id=%s: could not configure %s (%s): %s%s", nd->id, TUN_DEVICE,
		    ifr.ifr_name, strerror(errno),
		    errno == EPERM ? " (creating a tap needs CAP_NET_ADMIN)" : "");
	return fd;
}

static void net_create(struct vm *vm, const struct device_opt *o, int index, struct virtio_dev *d)
{
	struct netdev_opt *nd = options_find_netdev(vm->opt, o->backend);
	struct net *n = xzalloc(sizeof(*n));
	n->dev = d;
	n->tap = open_tap(nd);
	/* QEMU's default MAC is 52:54:00:12:34:56 plus the NIC's number. */
	static int nics;
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + nics++) };
	(void)index;
	memcpy(d->config, o->has_mac ? o->mac : mac, 6);
	d->config[6] = VIRTIO_NET_S_LINK_UP;
	d->config_size = VIRTIO_NET_CFG_SIZE;
	d->features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;
	d->ops = &net_ops;
	d->priv = n;
	iothread_add(n->tap, net_rx, n);
	n->rx_watched = true;
}
VIRTIO_TYPE(net, DEV_VIRTIO_NET, net_create);
