/* virtio.c: the virtio-mmio transport as a driver runs it: find the slots
 * named by virtio_mmio.device= on the command line, check each one's
 * registers, initialise it fully, and hand it to the device's checks. */
#include "cmdline.h"
#include "fmt.h"
#include "io.h"
#include "irq.h"
#include "pic.h"
#include "report.h"
#include "string.h"
#include "suite.h"
#include "virtio_mmio.h"

#define CMDLINE_KEY	"virtio_mmio.device="
#define MAX_SLOTS	24
#define USED_SPIN_TSC	4000000000ull
/* microvm's transports (QEMU hw/i386/microvm.h): eight of 512 bytes from 0xfeb00000. The
 * VMM names the filled ones on the command line (auto-kernel-cmdline), so a device in a
 * slot it does not name is one no driver would ever find. */
#define MICROVM_VIRTIO_BASE	0xfeb00000ull
#define MICROVM_VIRTIO_SLOTS	8
#define MICROVM_VIRTIO_SLOT_SIZE 0x200

static uint8_t qmem[2 * VQ_ALIGN] __attribute__((aligned(VQ_ALIGN)));

static uint32_t rd(const struct virtio_dev *d, unsigned reg) { return mmio_read32(d->base + reg); }
static void wr(const struct virtio_dev *d, unsigned reg, uint32_t v) { mmio_write32(d->base + reg, v); }

void virtio_reset(const struct virtio_dev *d)
{
	wr(d, VIRTIO_MMIO_STATUS, 0);
}

bool virtio_begin(const struct virtio_dev *d, uint32_t *status)
{
	virtio_reset(d);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	if (d->version == 1) {
		wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		wr(d, VIRTIO_MMIO_DRIVER_FEATURES, 0);
		wr(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, VQ_ALIGN);
		*status = rd(d, VIRTIO_MMIO_STATUS);
		return true;
	}
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_F_VERSION_1_WORD);
	bool v1 = rd(d, VIRTIO_MMIO_DEVICE_FEATURES) & 1;

	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_F_VERSION_1_WORD);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, v1 ? 1 : 0);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	*status = rd(d, VIRTIO_MMIO_STATUS);
	return v1 && (*status & VIRTIO_STATUS_FEATURES_OK);
}

bool virtio_queue(const struct virtio_dev *d, struct virtq *q, unsigned index, void *mem)
{
	uint64_t a = (uintptr_t)mem;

	memset(mem, 0, 2 * VQ_ALIGN);
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < VQ_SIZE)
		return false;
	wr(d, VIRTIO_MMIO_QUEUE_NUM, VQ_SIZE);
	*q = (struct virtq){ d->base, index, mem, (volatile uint16_t *)(a + VQ_SIZE * sizeof(struct vring_desc)),
			     (volatile uint16_t *)(a + VQ_ALIGN), 0 };
	if (d->version == 1) {
		wr(d, VIRTIO_MMIO_QUEUE_ALIGN, VQ_ALIGN);
		wr(d, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(a / VQ_ALIGN));
		return true;
	}
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)a);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(a >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(uintptr_t)q->avail);
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(uintptr_t)q->used);
	wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return true;
}

uint32_t virtio_driver_ok(const struct virtio_dev *d)
{
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return rd(d, VIRTIO_MMIO_STATUS);
}

bool virtq_transfer(struct virtq *q, const struct vbuf *bufs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		q->desc[i] = (struct vring_desc){ (uintptr_t)bufs[i].addr, bufs[i].len,
						  (uint16_t)((i + 1 < n ? VRING_DESC_F_NEXT : 0) |
							     (bufs[i].device_writes ? VRING_DESC_F_WRITE : 0)),
						  (uint16_t)(i + 1) };
	uint16_t idx = q->avail[1];

	q->avail[2 + idx % VQ_SIZE] = 0;	/* head of the chain: descriptor 0 */
	mb();
	q->avail[1] = (uint16_t)(idx + 1);
	mb();
	mmio_write32(q->base + VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
	for (uint64_t t = rdtsc(); q->used[1] == q->last_used; ) {
		if (rdtsc() - t > USED_SPIN_TSC)
			return false;
		cpu_relax();
	}
	q->last_used++;
	return true;		/* the interrupt is acknowledged by its handler (check_slot) */
}

/* Parses "<size>@<base>:<irq>[:<id>]"; false if malformed. */
static bool parse_slot(const char *v, size_t len, struct virtio_dev *d)
{
	const char *at = memchr(v, '@', len), *end = v + len;
	uint64_t size, base, irq;

	if (!at)
		return false;
	const char *colon = memchr(at, ':', (size_t)(end - at));

	if (!colon || !parse_u64(v, (size_t)(at - v), &size) || !parse_u64(at + 1, (size_t)(colon - at - 1), &base))
		return false;
	const char *colon2 = memchr(colon + 1, ':', (size_t)(end - colon - 1));

	if (!parse_u64(colon + 1, (size_t)((colon2 ? colon2 : end) - colon - 1), &irq))
		return false;
	d->base = base;
	d->irq = (unsigned)irq;
	return size >= VIRTIO_MMIO_CONFIG && base + size <= 0x100000000ull;	/* the probe maps 4 GiB */
}

static uint64_t irq_device_base;	/* the device whose interrupt is being taken */

static void ack_interrupt(unsigned vector)
{
	(void)vector;
	mmio_write32(irq_device_base + VIRTIO_MMIO_INTERRUPT_ACK,
		     mmio_read32(irq_device_base + VIRTIO_MMIO_INTERRUPT_STATUS));
}

static void check_slot(struct virtio_dev *d)
{
	char id[40];
	uint32_t magic = rd(d, VIRTIO_MMIO_MAGIC);

	d->version = rd(d, VIRTIO_MMIO_VERSION);
	d->id = rd(d, VIRTIO_MMIO_DEVICE_ID);
	report_line("virtio slot=%u base=0x%llx irq=%u magic=0x%x version=%u id=%u vendor=0x%x", d->slot,
		    (unsigned long long)d->base, d->irq, magic, d->version, d->id, rd(d, VIRTIO_MMIO_VENDOR_ID));
	snformat(id, sizeof(id), "virtio%u-transport", d->slot);
	if (!check(id, magic == VIRTIO_MAGIC_VALUE && (d->version == 1 || d->version == 2) && d->id,
		   "the slot answers with magic virt, version 1 or 2 and a device id",
		   "magic=0x%x version=%u id=%u", magic, d->version, d->id))
		return;
	irq_device_base = d->base;
	unsigned vec = d->irq < 16 || irq_controller() == INTC_IOAPIC ? irq_unmask(d->irq) : 0;
	uint32_t before = vec ? irq_count[vec] : 0;

	if (vec)
		irq_set_hook(vec, ack_interrupt);
	switch (d->id) {
	case VIRTIO_ID_BLOCK:
		virtio_blk_checks(d, qmem);
		break;
	case VIRTIO_ID_CONSOLE:
		virtio_console_checks(d, qmem);
		break;
	case VIRTIO_ID_NET:
		virtio_net_checks(d, qmem);
		break;
	default:
		snformat(id, sizeof(id), "virtio%u-device", d->slot);
		skip(id, "no checks for this device type");
	}
	snformat(id, sizeof(id), "virtio%u-irq", d->slot);
	if (vec) {
		uint32_t isr = mmio_read32(d->base + VIRTIO_MMIO_INTERRUPT_STATUS);
		uint16_t pic_irr_before = irq_controller() == INTC_PIC ? pic_irr() : 0;
		bool got = irq_wait(vec, before + 1, IRQ_TIMEOUT_TSC);

		irq_mask(d->irq);
		irq_set_hook(vec, 0);
		check(id, got, "the used-buffer notification arrives on the command line's IRQ through the controller in use",
		      "irq %u via %s: interrupt status 0x%x, pic irr 0x%x then 0x%x isr 0x%x imr 0x%x", d->irq,
		      irq_controller_name(), isr, pic_irr_before, irq_controller() == INTC_PIC ? pic_irr() : 0,
		      irq_controller() == INTC_PIC ? pic_isr() : 0,
		      irq_controller() == INTC_PIC ? (unsigned)(inb(PIC_MASTER_DATA) | inb(PIC_SLAVE_DATA) << 8) : 0);
	} else {
		skip(id, "no interrupt controller can take this IRQ");
	}
	ack_interrupt(0);
	virtio_reset(d);
}

static bool named(const struct virtio_dev *devs, unsigned n, uint64_t base)
{
	for (unsigned i = 0; i < n; i++)
		if (devs[i].base == base)
			return true;
	return false;
}

/* Every microvm slot the command line does not name must be empty (a transport with
 * device id 0) or absent (floating): with no device named, every slot must look so. */
static void check_unnamed_slots(const struct virtio_dev *devs, unsigned n)
{
	unsigned filled = 0;
	uint64_t first_base = 0;
	uint32_t first_id = 0;

	for (unsigned i = 0; i < MICROVM_VIRTIO_SLOTS; i++) {
		uint64_t base = MICROVM_VIRTIO_BASE + i * MICROVM_VIRTIO_SLOT_SIZE;
		uint32_t id = mmio_read32(base + VIRTIO_MMIO_DEVICE_ID);

		if (named(devs, n, base) || mmio_read32(base + VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC_VALUE || !id)
			continue;
		if (!filled++) {
			first_base = base;
			first_id = id;
		}
	}
	check("virtio-unnamed-empty", !filled,
	      "every microvm virtio-mmio slot the command line does not name is empty or absent",
	      "%u unnamed slot(s) hold a device, the first at 0x%llx with device id %u", filled,
	      (unsigned long long)first_base, first_id);
}

void virtio_checks(const char *cmdline)
{
	const char *p = cmdline;
	unsigned slot = 0;
	size_t klen = strlen(CMDLINE_KEY);
	static struct virtio_dev devs[MAX_SLOTS];

	while (*p && slot < MAX_SLOTS) {
		while (*p == ' ')
			p++;
		const char *w = p;

		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - w) <= klen || strncmp(w, CMDLINE_KEY, klen))
			continue;
		struct virtio_dev *d = &devs[slot];
		char id[40];

		*d = (struct virtio_dev){ .slot = slot++ };
		snformat(id, sizeof(id), "virtio%u-cmdline", d->slot);
		if (check(id, parse_slot(w + klen, (size_t)(p - w) - klen, d),
			  "the virtio_mmio.device= entry parses as <size>@<base>:<irq> below 4 GiB", NULL))
			check_slot(d);
	}
	if (!slot)
		skip("virtio", "no virtio_mmio.device= entries on the command line");
	check_unnamed_slots(devs, slot);
}
