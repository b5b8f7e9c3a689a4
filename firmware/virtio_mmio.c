/*
 * virtio_mmio.c: probe the virtio-mmio slots named on the command line (virtio spec 1.x,
 * section 4.2.2). An empty microvm slot answers with the magic and device id 0.
 */
#include "board.h"
#include "report.h"

#define VIRTIO_MMIO_MAGIC	0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION	0x004	/* 1 = legacy, 2 = modern */
#define VIRTIO_MMIO_DEVICE_ID	0x008	/* 0 = no device behind this slot */
#define VIRTIO_MMIO_VENDOR_ID	0x00c
#define VIRTIO_MMIO_MAGIC_VALUE	0x74726976	/* "virt" little-endian */
#define VIRTIO_MMIO_REGS	0x100	/* bytes a slot must span to hold these registers */

void parse_virtio_entries(struct board *b);

static uint32_t mmio_read32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static void probe_slot(int index, struct virtio_slot *v)
{
	if (v->size >= VIRTIO_MMIO_REGS || v->size >= VIRTIO_MMIO_VENDOR_ID + 4) {
		v->magic = mmio_read32(v->base + VIRTIO_MMIO_MAGIC);
		if (v->magic == VIRTIO_MMIO_MAGIC_VALUE) {
			v->version = mmio_read32(v->base + VIRTIO_MMIO_VERSION);
			v->device = mmio_read32(v->base + VIRTIO_MMIO_DEVICE_ID);
			v->vendor = mmio_read32(v->base + VIRTIO_MMIO_VENDOR_ID);
		}
	}
	if (!reporting())
		return;
	line_begin("virtio");
	line_dec("slot", index);
	line_hex("base", v->base);
	line_dec("irq", v->irq);
	line_word("magic", v->magic == VIRTIO_MMIO_MAGIC_VALUE ? "ok" : "bad");
	line_dec("version", v->version);
	line_dec("id", v->device);
	line_hex("vendor", v->vendor);
	line_end();
}

void probe_virtio_slots(struct board *b)
{
	int i;

	parse_virtio_entries(b);
	for (i = 0; i < b->nr_virtio; i++)
		probe_slot(i, &b->virtio[i]);
}
