/* virtq.c: broken virtqueues offered to mvm's virtio-blk: descriptor loops, next indices
 * past the queue, huge lengths, buffers outside RAM, nested and oversized indirect tables,
 * rings outside RAM or wrapping, an avail index running far ahead, queue sizes that are
 * not powers of two, notifies of queues that do not exist. After each case the device is
 * reset; at the end one sane read must still work. The detail counts how each case ended:
 * the device flagged NEEDS_RESET, completed the chain (with an error status), or ignored it. */
#include "hostile.h"
#include "io.h"
#include "string.h"
#include "virtio.h"
#include "virtio_mmio.h"

static struct blk_req hdr = { BLK_T_IN, 0, 0 };
static uint8_t data[512], status;
static struct vq_desc table[4] __attribute__((aligned(16)));
static unsigned flagged, completed, ignored, refused_setup;

static void chain_tail(int i, int next)
{
	vq.desc[i] = (struct vq_desc){ (uint32_t)data, sizeof(data), DESC_F_NEXT | DESC_F_WRITE,
				       (uint16_t)next };
}

static void finish(void)
{
	if (blk_wait_used())
		completed++;
	else if (blk_status() & VIRTIO_STATUS_NEEDS_RESET)
		flagged++;
	else
		ignored++;
}

/* A case on the default queue: fill descriptors with build(), offer head 0. */
static void ring_case(void (*build)(void))
{
	if (!blk_setup_default()) {
		refused_setup++;
		return;
	}
	build();
	blk_offer(0);
	finish();
}

static void loop2(void)
{
	vq.desc[0] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), DESC_F_NEXT, 1 };
	vq.desc[1] = (struct vq_desc){ (uint32_t)data, 16, DESC_F_NEXT | DESC_F_WRITE, 0 };
}
static void self_loop(void) { vq.desc[0] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), DESC_F_NEXT, 0 }; }
static void next_oob(void) { vq.desc[0] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), DESC_F_NEXT, 200 }; }
static void head_oob(void) { loop2(); vq.avail_ring[0] = 0xffff; }
static void len_huge(void)
{
	vq.desc[0] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), DESC_F_NEXT, 1 };
	vq.desc[1] = (struct vq_desc){ (uint32_t)data, 0xffffffff, DESC_F_NEXT | DESC_F_WRITE, 2 };
	vq.desc[2] = (struct vq_desc){ (uint32_t)&status, 1, DESC_F_WRITE, 0 };
}
static void buf_outside(void)
{
	len_huge();
	vq.desc[1].addr = 0xfffff000ull;
	vq.desc[1].len = 0x2000;	/* straddles 4 GiB */
}
static void buf_far(void) { len_huge(); vq.desc[1].addr = 0xfffffffffffff000ull; vq.desc[1].len = 512; }
static void hdr_outside(void) { len_huge(); vq.desc[0].addr = 0x7ffffffff000ull; vq.desc[1].len = 512; }
static void indirect_nested(void)
{
	table[0] = (struct vq_desc){ (uint32_t)table, sizeof(table), DESC_F_INDIRECT, 0 };
	vq.desc[0] = (struct vq_desc){ (uint32_t)table, sizeof(table), DESC_F_INDIRECT, 0 };
}
static void indirect_huge(void) { vq.desc[0] = (struct vq_desc){ (uint32_t)table, 0xfffffff0, DESC_F_INDIRECT, 0 }; }
static void indirect_outside(void) { vq.desc[0] = (struct vq_desc){ 0xffffff00ull, 64, DESC_F_INDIRECT, 0 }; }
static void indirect_odd(void) { vq.desc[0] = (struct vq_desc){ (uint32_t)table, 17, DESC_F_INDIRECT, 0 }; }
static void indirect_loop(void)
{
	table[0] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), DESC_F_NEXT, 1 };
	table[1] = (struct vq_desc){ (uint32_t)data, 16, DESC_F_NEXT | DESC_F_WRITE, 0 };
	vq.desc[0] = (struct vq_desc){ (uint32_t)table, 2 * sizeof(table[0]), DESC_F_INDIRECT, 0 };
}
static void readable_after_writable(void)
{
	vq.desc[0] = (struct vq_desc){ (uint32_t)data, 16, DESC_F_NEXT | DESC_F_WRITE, 1 };
	vq.desc[1] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), 0, 0 };
}
static void no_status_byte(void) { vq.desc[0] = (struct vq_desc){ (uint32_t)&hdr, sizeof(hdr), 0, 0 }; }
static void sector_huge(void)
{
	static struct blk_req far = { BLK_T_IN, 0, 0xfffffffffffffff0ull };
	len_huge();
	vq.desc[0].addr = (uint32_t)&far;
	vq.desc[1].len = 512;
	chain_tail(1, 2);
}

/* Rings placed where they must not be: the device must refuse or flag, never touch them. */
static void rings_case(uint64_t desc, uint64_t avail, uint64_t used, uint32_t n, bool notify)
{
	if (!blk_setup(desc, avail, used, n)) {
		refused_setup++;
		return;
	}
	if (notify) {
		loop2();
		vq.desc[1].flags = DESC_F_WRITE;
		blk_offer(0);
		finish();
	}
}

void variant_virtq(void)
{
	static void (*const cases[])(void) = {
		loop2, self_loop, next_oob, head_oob, len_huge, buf_outside, buf_far, hdr_outside,
		indirect_nested, indirect_huge, indirect_outside, indirect_odd, indirect_loop,
		readable_after_writable, no_status_byte, sector_huge,
	};
	if (!blk_find()) {
		detail("what=\"no virtio-blk device on the command line\"");
		return;
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ring_case(cases[i]);
	/* Used ring outside RAM and straddling 4 GiB; avail past RAM; wrapping addresses. */
	rings_case((uint32_t)vq.desc, (uint32_t)&vq.avail_flags, 0xfffffff0ull, VQ_N, true);
	rings_case((uint32_t)vq.desc, 0xffffffffffffff00ull, (uint32_t)&vq.used_flags, VQ_N, true);
	rings_case(0xfffffffffffffff0ull, (uint32_t)&vq.avail_flags, (uint32_t)&vq.used_flags, VQ_N, true);
	rings_case((uint32_t)vq.desc, (uint32_t)&vq.avail_flags, (uint32_t)&vq.used_flags, 3, true);
	rings_case((uint32_t)vq.desc, (uint32_t)&vq.avail_flags, (uint32_t)&vq.used_flags, 0x10000, true);
	/* The avail index runs 1000 ahead of what the ring holds. */
	if (blk_setup_default()) {
		loop2();
		vq.avail_idx = 1000;
		mmio_write32(blk_base + VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		finish();
	}
	/* Used-ring overflow: more chains than entries offered without the driver consuming. */
	if (blk_setup_default()) {
		static uint8_t st[3 * VQ_N];
		for (int i = 0; i < VQ_N; i++)
			vq.desc[i] = (struct vq_desc){ (uint32_t)&st[i], 1, DESC_F_WRITE, 0 };
		for (int round = 0; round < 3; round++)
			for (int i = 0; i < VQ_N; i++)
				blk_offer((uint16_t)i);
		finish();
	}
	/* Notifies of queues that do not exist, and a queue select past the end. */
	mmio_write32(blk_base + VIRTIO_MMIO_QUEUE_NOTIFY, 5);
	mmio_write32(blk_base + VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	mmio_write32(blk_base + VIRTIO_MMIO_QUEUE_SEL, 0xffffffff);
	mmio_write32(blk_base + VIRTIO_MMIO_QUEUE_NUM, 8);
	mmio_write32(blk_base + VIRTIO_MMIO_QUEUE_READY, 1);
	/* Still a working disk? */
	bool sane = blk_setup_default() && blk_request(BLK_T_IN, 0, data, sizeof(data)) == BLK_S_OK;
	detail("flagged=%u completed=%u ignored=%u refused_setup=%u sane_read_after=%s",
	       flagged, completed, ignored, refused_setup, sane ? "ok" : "bad");
}
