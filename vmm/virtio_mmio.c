/* virtio_mmio.c: the virtio-mmio register block. Legacy (version 1) queues are placed by
 * page frame number and alignment; modern (version 2) queues by three 64-bit addresses.
 * The interrupt line is high while InterruptStatus is non-zero, as in QEMU. */
#include "virtio.h"
#include "bus.h"
#include "device.h"
#include "iothread.h"
#include "irq.h"
#include "irqfd.h"
#include "kvm.h"
#include "machine.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LEGACY_DEFAULT_ALIGN 4096

static struct virtq *cur_queue(struct virtio_dev *d)
{
	return d->queue_sel < (uint32_t)d->ops->nqueues ? &d->vq[d->queue_sel] : NULL;
}

static void update_irq(struct virtio_dev *d)
{
	irq_set_level(d->irq, d->isr != 0);
}

void virtio_notify_used(struct virtio_dev *d, int queue)
{
	if (!virtq_wants_interrupt(&d->vq[queue]))
		return;
	d->isr |= VIRTIO_MMIO_INT_VRING;
	update_irq(d);
}

void virtio_device_error(struct virtio_dev *d, const char *what)
{
	if (!(d->status & VIRTIO_STATUS_NEEDS_RESET))
		warn("virtio device %u at IRQ %u: %s; device stopped until reset", d->ops->device_id,
		     d->irq, what);
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	for (int i = 0; i < d->ops->nqueues; i++)
		d->vq[i].ready = false;
	if (!d->legacy) {
		d->isr |= VIRTIO_MMIO_INT_CONFIG;
		update_irq(d);
	}
}

static void device_reset(struct virtio_dev *d)
{
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		virtq_reset(&d->vq[i]);
		d->queue_align[i] = LEGACY_DEFAULT_ALIGN;
		d->queue_pfn[i] = 0;
	}
	d->status = d->isr = 0;
	d->driver_features = 0;
	d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
	update_irq(d);
	if (d->ops->reset)
		d->ops->reset(d);
}

void virtio_init(struct virtio_dev *d, const struct guest_mem *mem, bool legacy, unsigned irq)
{
	d->mem = mem;
	d->legacy = legacy;
	d->irq = irq;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++)
		d->vq[i].mem = mem;
	if (!legacy)
		d->features |= VIRTIO_F_VERSION_1;
	device_reset(d);
}

/* Legacy layout (virtio 0.9.5 / 1.1 section 2.6.2): descriptors, then the available ring,
 * then the used ring at the next alignment boundary. */
static void legacy_place_queue(struct virtio_dev *d, struct virtq *q, uint32_t pfn)
{
	uint32_t align = d->queue_align[d->queue_sel] ? d->queue_align[d->queue_sel] : 1;
	uint64_t page = d->guest_page_size ? d->guest_page_size : 4096;
	q->desc = (uint64_t)pfn * page;
	q->avail = q->desc + (uint64_t)q->size * VIRTQ_DESC_SIZE;
	uint64_t avail_end = q->avail + 6 + 2ull * q->size;
	q->used = (avail_end + align - 1) / align * align;
	q->ready = pfn != 0 && q->size != 0;
	if (pfn == 0)
		virtq_reset(q);
}

uint64_t virtio_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_dev *d = opaque;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		uint64_t off = offset - VIRTIO_MMIO_CONFIG, v = 0;
		for (unsigned i = 0; i < size && off + i < d->config_size; i++)
			v |= (uint64_t)d->config[off + i] << (8 * i);
		return v;
	}
	if (size != 4)
		return 0;
	uint32_t version = d->legacy ? VIRTIO_MMIO_VERSION_LEGACY : VIRTIO_MMIO_VERSION_MODERN;
	if (!d->ops) {		/* an empty slot still identifies itself, with device ID 0 */
		switch (offset) {
		case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
		case VIRTIO_MMIO_VERSION: return version;
		case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
		default: return 0;
		}
	}
	struct virtq *q = cur_queue(d);
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return version;
	case VIRTIO_MMIO_DEVICE_ID: return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->dev_features_sel < 2 ? (uint32_t)(d->features >> (32 * d->dev_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_PFN:
		return d->legacy && q ? d->queue_pfn[d->queue_sel] : 0;
	case VIRTIO_MMIO_QUEUE_READY: return !d->legacy && q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return d->isr;
	case VIRTIO_MMIO_STATUS: return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0;
	default: return 0;
	}
}

static void set_addr(uint64_t *field, bool high, uint32_t value)
{
	if (high)
		*field = (*field & 0xffffffffULL) | (uint64_t)value << 32;
	else
		*field = (*field & ~0xffffffffULL) | value;
}

static void write_status(struct virtio_dev *d, uint32_t v)
{
	if (v == 0) {
		device_reset(d);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !d->legacy &&
	    !(d->driver_features & VIRTIO_F_VERSION_1))
		v &= ~VIRTIO_STATUS_FEATURES_OK;	/* modern transport needs VERSION_1 */
	bool now_ok = (v & VIRTIO_STATUS_DRIVER_OK) && !(d->status & VIRTIO_STATUS_DRIVER_OK);
	d->status = v | (d->status & VIRTIO_STATUS_NEEDS_RESET);
	if (now_ok && d->ops->driver_ok)
		d->ops->driver_ok(d);
}

void virtio_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct virtio_dev *d = opaque;
	uint32_t v = (uint32_t)value;
	if (!d->ops)
		return;
	if (offset >= VIRTIO_MMIO_CONFIG)
		return;		/* no device of mvm has writable configuration */
	if (size != 4)
		return;
	struct virtq *q = cur_queue(d);
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: d->dev_features_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: d->drv_features_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->drv_features_sel < 2) {
			uint64_t shift = 32 * d->drv_features_sel, mask = 0xffffffffULL << shift;
			d->driver_features = (d->driver_features & ~mask) |
					     (((uint64_t)v << shift) & d->features);
		}
		break;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE: d->guest_page_size = v; break;
	case VIRTIO_MMIO_QUEUE_SEL: d->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		/* A power of two up to the maximum; anything else leaves the queue unusable. */
		if (q)
			q->size = (v && v <= VIRTQ_MAX_SIZE && !(v & (v - 1))) ? (uint16_t)v : 0;
		break;
	case VIRTIO_MMIO_QUEUE_ALIGN:
		if (q && d->legacy && v && !(v & (v - 1)))
			d->queue_align[d->queue_sel] = v;
		break;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (q && d->legacy) {
			d->queue_pfn[d->queue_sel] = v;
			legacy_place_queue(d, q, v);
		}
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q && !d->legacy)
			q->ready = v & 1 && q->size;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v < (uint32_t)d->ops->nqueues && d->vq[v].ready && d->ops->notify)
			d->ops->notify(d, (int)v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->isr &= ~v;
		update_irq(d);
		break;
	case VIRTIO_MMIO_STATUS: write_status(d, v); break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q && !d->legacy)
			set_addr(&q->desc, offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW: case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (q && !d->legacy)
			set_addr(&q->avail, offset == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW: case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (q && !d->legacy)
			set_addr(&q->used, offset == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	}
}

struct queue_kick {
	struct virtio_dev *dev;
	int queue, fd;
};

/* A QueueNotify write caught by KVM (ioeventfd): the I/O thread runs the device. */
static void queue_kicked(void *opaque)
{
	struct queue_kick *k = opaque;
	uint64_t count;
	if (read(k->fd, &count, sizeof(count)) != sizeof(count))
		return;
	if (k->dev->vq[k->queue].ready && k->dev->ops->notify)
		k->dev->ops->notify(k->dev, k->queue);
}

static void attach_ioeventfds(struct vm *vm, struct virtio_dev *d, uint64_t base)
{
	for (int q = 0; q < d->ops->nqueues; q++) {
		int fd = kvm_mmio_eventfd(vm, base + VIRTIO_MMIO_QUEUE_NOTIFY, (uint32_t)q);
		if (fd < 0)
			return;		/* notifications keep coming as MMIO exits */
		struct queue_kick *k = xzalloc(sizeof(*k));
		*k = (struct queue_kick){ d, q, fd };
		iothread_add(fd, queue_kicked, k);
	}
}

extern const struct virtio_type __start_mvm_virtio_types[] __attribute__((weak));
extern const struct virtio_type __stop_mvm_virtio_types[] __attribute__((weak));

static bool is_virtio(enum device_kind k)
{
	return k == DEV_VIRTIO_BLK || k == DEV_VIRTIO_NET || k == DEV_VIRTIO_SERIAL;
}

/* microvm's eight transports: devices fill them from the highest slot down in command-line
 * order; empty slots still answer with magic, version and device ID 0, as in QEMU. */
static struct virtio_dev slots[MACHINE_VIRTIO_SLOTS];

static void virtio_mmio_create(struct vm *vm)
{
	for (int i = 0; i < vm->opt->ndevices; i++) {
		const struct device_opt *o = &vm->opt->devices[i];
		if (!is_virtio(o->kind))
			continue;
		uint64_t base;
		unsigned irq;
		int slot = machine_claim_virtio_slot(vm, &base, &irq);
		if (slot < 0)
			die("-device: no free virtio-mmio slot");
		struct virtio_dev *d = &slots[slot];
		if (d->ops && d->ops->destroy)
			d->ops->destroy(d);	/* created before (unit tests build machines twice) */
		memset(d, 0, sizeof(*d));
		const struct virtio_type *t = __start_mvm_virtio_types;
		while (t < __stop_mvm_virtio_types && t->kind != (int)o->kind)
			t++;
		if (t == __stop_mvm_virtio_types)
			die("-device: virtio device kind %d is not built in", o->kind);
		t->create(vm, o, i, d);
		virtio_init(d, &vm->mem, vm->opt->virtio_legacy, irq);
		char entry[64];
		snprintf(entry, sizeof(entry), "virtio_mmio.device=512@0x%llx:%u",
			 (unsigned long long)base, irq);
		machine_append_cmdline(vm, entry);
	}
	for (int slot = 0; slot < MACHINE_VIRTIO_SLOTS; slot++) {
		slots[slot].legacy = vm->opt->virtio_legacy;
		bus_register(&(struct bus_region){ "virtio-mmio", BUS_MMIO,
						    MACHINE_VIRTIO_SLOT_BASE(slot),
						    MACHINE_VIRTIO_SIZE, virtio_mmio_read,
						    virtio_mmio_write, &slots[slot] });
	}
}
/* Once the VM exists: queue notifications through ioeventfds and the slot's interrupt
 * through an irqfd where KVM offers them. */
static void virtio_mmio_connect(struct vm *vm)
{
	for (int slot = 0; slot < MACHINE_VIRTIO_SLOTS; slot++) {
		if (!slots[slot].ops)
			continue;
		attach_ioeventfds(vm, &slots[slot], MACHINE_VIRTIO_SLOT_BASE(slot));
		/* else the line goes through the user-space IOAPIC */
		irqfd_attach(vm, MACHINE_VIRTIO_SLOT_IRQ(slot));
	}
}
DEVICE_MODULE_KVM(virtio_mmio, DEVICE_LEVEL_VIRTIO, virtio_mmio_create, virtio_mmio_connect);
