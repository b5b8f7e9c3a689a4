/* test_virtio_blk.c: virtio-blk behind the modern virtio-mmio transport, driven as a guest
 * driver would: feature negotiation, queue setup, read/write/flush/get-id on a temporary
 * raw image, errors past the end, read-only drives refusing writes, and a broken ring
 * stopping the device (NEEDS_RESET) instead of crashing. */
#include "check.h"
#include "irq.h"
#include "machine.h"
#include "options.h"
#include "util.h"
#include "virtio.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RAM_SIZE 0x40000
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define HDR 0x4000
#define DATA 0x5000
#define STATUS 0x6000
static uint8_t ram[RAM_SIZE];
static struct guest_mem mem;
static struct virtio_dev dev;
static int irq_line;

extern const struct virtio_type __start_mvm_virtio_types[], __stop_mvm_virtio_types[];

static void sink(void *o, unsigned gsi, int level) { (void)o; if (gsi == 12) irq_line = level; }
static void w(uint64_t off, uint32_t v) { virtio_mmio_write(&dev, off, v, 4); }
static uint32_t r(uint64_t off) { return (uint32_t)virtio_mmio_read(&dev, off, 4); }

static void desc(int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = ram + DESC + 16 * i;
	put_le64(d, addr); put_le32(d + 8, len); put_le16(d + 12, flags); put_le16(d + 14, next);
}

/* One request: header, optional data, status; returns the status byte. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t len, bool device_writes)
{
	put_le32(ram + HDR, type);
	put_le64(ram + HDR + 8, sector);
	ram[STATUS] = 0xff;
	desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	if (len) {
		desc(1, DATA, len, VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
		desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	} else {
		desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	}
	uint16_t idx = get_le16(ram + AVAIL + 2);
	put_le16(ram + AVAIL + 4 + 2 * (idx % 8), 0);
	put_le16(ram + AVAIL + 2, (uint16_t)(idx + 1));
	w(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	return ram[STATUS];
}

static struct options o;

static bool setup(const char *image, bool readonly)
{
	static struct vm vm;
	char drive[256], err[OPT_ERR_LEN];
	snprintf(drive, sizeof(drive), "id=d,file=%s,format=raw,if=none%s", image,
		 readonly ? ",readonly=on" : "");
	char *argv[] = { "mvm", "-drive", drive, "-device", "virtio-blk-device,drive=d,serial=SN1", NULL };
	options_free(&o);
	if (options_parse(&o, 5, argv, err) != OPTIONS_OK)
		return false;
	vm.opt = &o;
	if (dev.ops && dev.ops->destroy)
		dev.ops->destroy(&dev);
	memset(&dev, 0, sizeof(dev));
	memset(ram, 0, sizeof(ram));
	memset(&mem, 0, sizeof(mem));
	guest_mem_add(&mem, 0, RAM_SIZE, ram);
	const struct virtio_type *t = __start_mvm_virtio_types;
	while (t < __stop_mvm_virtio_types && t->kind != DEV_VIRTIO_BLK)
		t++;
	t->create(&vm, &o.devices[0], 0, &dev);
	virtio_init(&dev, &mem, false, 12);
	w(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w(VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	w(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	w(VIRTIO_MMIO_QUEUE_SEL, 0);
	w(VIRTIO_MMIO_QUEUE_NUM, 8);
	w(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	w(VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL);
	w(VIRTIO_MMIO_QUEUE_USED_LOW, USED);
	w(VIRTIO_MMIO_QUEUE_READY, 1);
	w(VIRTIO_MMIO_STATUS, 0xf);
	return true;
}

int main(void)
{
	char image[] = "/tmp/mvm-blk-XXXXXX";
	int fd = mkstemp(image);
	uint8_t sector[512];
	memset(sector, 'A', sizeof(sector));
	for (int i = 0; i < 8; i++)
		(void)!write(fd, sector, sizeof(sector));
	irq_reset();
	irq_add_sink(sink, NULL);

	report(setup(image, false), "options for a drive and a virtio-blk device parse");
	report(r(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC && r(VIRTIO_MMIO_VERSION) == 2 &&
	       r(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK, "magic, version 2, device ID 2");
	report(r(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, "FEATURES_OK sticks with VERSION_1");
	report(get_le64(dev.config) == 8 && virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG, 1) == 8,
	       "capacity is 8 sectors, readable by bytes");
	report(request(0, 1, 512, true) == 0 && ram[DATA] == 'A' && ram[DATA + 511] == 'A', "a read returns the image");
	report(irq_line && (r(VIRTIO_MMIO_INTERRUPT_STATUS) & 1), "completion raises the interrupt");
	w(VIRTIO_MMIO_INTERRUPT_ACK, 1);
	report(!irq_line, "InterruptACK drops it");
	memset(ram + DATA, 'B', 512);
	report(request(1, 2, 512, false) == 0, "a write succeeds");
	report(request(4, 0, 0, false) == 0, "a flush succeeds");
	uint8_t back[512];
	(void)!pread(fd, back, 512, 1024);
	report(back[0] == 'B' && back[511] == 'B', "the written sector is in the image file");
	report(request(0, 8, 512, true) == 1, "a read past the end is an I/O error");
	report(request(0, 7, 1024, true) == 1, "a read straddling the end is an I/O error");
	report(request(0, 0xffffffffffffffffULL, 512, true) == 1, "a huge sector number is an I/O error");
	report(request(8, 0, 20, true) == 0 && !memcmp(ram + DATA, "SN1", 4), "get-id returns the serial");
	report(request(99, 0, 0, false) == 2, "an unknown request type is unsupported");

	setup(image, true);
	report(r(VIRTIO_MMIO_DEVICE_FEATURES) & (1u << 5), "a read-only drive offers VIRTIO_BLK_F_RO");
	memset(ram + DATA, 'C', 512);
	report(request(1, 0, 512, false) == 1, "a read-only drive refuses a write with an I/O error");
	(void)!pread(fd, back, 512, 0);
	report(back[0] == 'A', "and the image is unchanged");

	setup(image, false);
	desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 0);
	put_le16(ram + AVAIL + 4, 0);
	put_le16(ram + AVAIL + 2, 1);
	w(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	report(r(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, "a looping chain stops the device (NEEDS_RESET)");
	w(VIRTIO_MMIO_STATUS, 0);
	report(r(VIRTIO_MMIO_STATUS) == 0, "a reset clears it");
	report(virtio_mmio_read(&dev, 0x200, 4) == 0 && virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + 60, 4) == 0,
	       "reads past the configuration give zeros");
	dev.ops->destroy(&dev);
	close(fd);
	unlink(image);
	options_free(&o);
	return check_summary("test_virtio_blk");
}
