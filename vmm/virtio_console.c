/* virtio_console.c: -device virtio-serial-device with one -device virtconsole on it: a
 * virtio console (virtio 1.1 section 5.3) whose port 0 is the chardev. mvm offers no
 * MULTIPORT, so the guest sees the console on queues 0 (receive) and 1 (transmit) as hvc0. */
#include "chardev.h"
#include "machine.h"
#include "util.h"
#include "virtio.h"

#include <stdlib.h>
#include <string.h>

#define VIRTIO_CONSOLE_RX        0
#define VIRTIO_CONSOLE_TX        1
#define VIRTIO_CONSOLE_CFG_SIZE  12	/* cols, rows, max_nr_ports, emerg_wr */

struct console {
	struct virtio_dev *dev;
	struct chardev *chr;
};

static void console_tx(struct virtio_dev *d)
{
	struct console *c = d->priv;
	static struct virtq_chain chain;
	enum virtq_result r;
	bool pushed = false;
	while ((r = virtq_pop(&d->vq[VIRTIO_CONSOLE_TX], &chain)) == VIRTQ_CHAIN) {
		for (int i = 0; i < chain.nbufs; i++)
			if (!chain.bufs[i].writable && c->chr)
				chardev_write(c->chr, chain.bufs[i].ptr, chain.bufs[i].len);
		virtq_push(&d->vq[VIRTIO_CONSOLE_TX], chain.head, 0);
		pushed = true;
	}
	if (r == VIRTQ_BROKEN)
		virtio_device_error(d, "malformed transmit queue");
	if (pushed)
		virtio_notify_used(d, VIRTIO_CONSOLE_TX);
}

/* Input is taken only when the guest has posted a receive buffer. */
static size_t console_can_receive(void *opaque)
{
	struct console *c = opaque;
	struct virtq *q = &c->dev->vq[VIRTIO_CONSOLE_RX];
	if (!q->ready || !(c->dev->status & VIRTIO_STATUS_DRIVER_OK))
		return 0;
	const uint8_t *avail = guest_mem_ptr(q->mem, q->avail, 4);
	return avail && get_le16(avail + 2) != q->last_avail ? 256 : 0;
}

static void console_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct console *c = opaque;
	struct virtio_dev *d = c->dev;
	static struct virtq_chain chain;
	while (len) {
		enum virtq_result r = virtq_pop(&d->vq[VIRTIO_CONSOLE_RX], &chain);
		if (r == VIRTQ_BROKEN)
			virtio_device_error(d, "malformed receive queue");
		if (r != VIRTQ_CHAIN)
			return;		/* the rest is dropped: can_receive promised room */
		uint32_t n = (uint32_t)virtq_write(&chain, 0, buf, len);
		virtq_push(&d->vq[VIRTIO_CONSOLE_RX], chain.head, n);
		buf += n;
		len -= n;
		if (n == 0)
			break;
	}
	virtio_notify_used(d, VIRTIO_CONSOLE_RX);
}

static void console_notify(struct virtio_dev *d, int queue)
{
	struct console *c = d->priv;
	if (queue == VIRTIO_CONSOLE_TX)
		console_tx(d);
	else if (c->chr)
		chardev_input_ready(c->chr);	/* new receive buffers */
}

static void console_driver_ok(struct virtio_dev *d)
{
	struct console *c = d->priv;
	if (c->chr)
		chardev_input_ready(c->chr);
}

static void console_destroy(struct virtio_dev *d)
{
	free(d->priv);
	d->priv = NULL;
}

static const struct virtio_dev_ops console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.nqueues = 2,
	.notify = console_notify,
	.driver_ok = console_driver_ok,
	.destroy = console_destroy,
};

/* The console port is the first virtconsole after this virtio-serial-device. */
static void console_create(struct vm *vm, const struct device_opt *o, int index,
			   struct virtio_dev *d)
{
	(void)o;
	struct console *c = xzalloc(sizeof(*c));
	c->dev = d;
	for (int i = index + 1; i < vm->opt->ndevices; i++) {
		const struct device_opt *p = &vm->opt->devices[i];
		if (p->kind == DEV_VIRTIO_SERIAL)
			break;
		if (p->kind == DEV_VIRTCONSOLE) {
			c->chr = chardev_get(vm, p->backend);
			break;
		}
	}
	d->ops = &console_ops;
	d->priv = c;
	d->config_size = VIRTIO_CONSOLE_CFG_SIZE;
	if (c->chr)
		chardev_attach(c->chr, &(struct chardev_frontend){ console_can_receive,
								  console_receive, c });
}
VIRTIO_TYPE(console, DEV_VIRTIO_SERIAL, console_create);
