/* blk.c: data safety. blk-flush writes a known pattern to the first sectors, flushes,
 * says so, then stops with interrupts off: the host kills mvm with SIGKILL and checks that
 * the image holds the pattern. blk-readonly writes to a read-only drive and reports the
 * status the device returns (it must be an error, and the image must be unchanged). */
#include "console.h"
#include "fmt.h"
#include "hostile.h"
#include "string.h"
#include "virtio.h"

#define SECTOR 512
#define PATTERN_SECTORS 8

static uint8_t sector_buf[SECTOR];

static void fill(unsigned s)
{
	memset(sector_buf, 0, sizeof(sector_buf));
	snformat((char *)sector_buf, sizeof(sector_buf), "microrig-data-safety sector=%u", s);
}

void variant_blk_flush(void)
{
	unsigned ok = 0;
	uint8_t flush;

	if (!blk_find() || !blk_setup_default()) {
		detail("what=\"no usable virtio-blk device\"");
		return;
	}
	for (unsigned s = 0; s < PATTERN_SECTORS; s++) {
		fill(s);
		ok += blk_request(BLK_T_OUT, s, sector_buf, sizeof(sector_buf)) == BLK_S_OK;
	}
	flush = blk_request(BLK_T_FLUSH, 0, 0, 0);
	printk("hostile: flushed written=%u flush_status=%u end\n", ok, flush);
	for (;;)
		__asm__ volatile("cli; hlt");	/* wait for SIGKILL */
}

void variant_blk_readonly(void)
{
	if (!blk_find() || !blk_setup_default()) {
		detail("what=\"no usable virtio-blk device\"");
		return;
	}
	fill(0);
	uint8_t w = blk_request(BLK_T_OUT, 0, sector_buf, sizeof(sector_buf));
	uint8_t f = blk_request(BLK_T_FLUSH, 0, 0, 0);
	uint8_t r = blk_request(BLK_T_IN, 0, sector_buf, sizeof(sector_buf));
	detail("write_status=%u flush_status=%u read_status=%u", w, f, r);
}
