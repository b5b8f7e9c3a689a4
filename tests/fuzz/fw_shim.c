/* fw_shim.c: the host side of the firmware's fuzz targets (see fw_shim.h). The fw_cfg
 * reads check where the firmware aims them: a destination that wraps, overlaps the
 * firmware's live stack (the 4 KiB below MEM_STACK_TOP), the hand-off area, the VGA/ROM
 * hole [0xa0000, 1 MiB) or lies past the RAM below high_floor is a finding (abort with the
 * range): the real firmware would overwrite itself, its results, or nothing at all.
 * The first page is not mapped on the host; loads into it are checked but not written. */
#include "fw_shim.h"
#include "board.h"
#include "error.h"
#include "report.h"
#include "fw_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define STACK_LIVE (MEM_STACK_TOP - 0x1000u)	/* frames in use during any load */
#define HOLE_END   0x100000u		/* hand-off area, VGA hole and BIOS alias end here */
#define TOUCH_MAX  0x1000u	/* bytes really written at each end of a large read */

jmp_buf shim_jmp;
int shim_error;
struct shim_item shim_items[SHIM_ITEMS];
struct board board;
char line_buf[LINE_TEXT_MAX + LINE_SLACK];
char *line_ptr = line_buf;

int shim_map_memory(void)
{
	void *p = mmap((void *)(uintptr_t)SHIM_MEM_START, SHIM_MEM_END - SHIM_MEM_START,
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	return p == (void *)(uintptr_t)SHIM_MEM_START;
}

void shim_reset(void)
{
	memset(shim_items, 0, sizeof(shim_items));
	memset(&board, 0, sizeof(board));
	shim_error = 0;
	line_ptr = line_buf;
}

static void check_destination(uint16_t key, uintptr_t dst, uint32_t n)
{
	uint64_t end = (uint64_t)dst + n;
	if (!n)
		return;
	if (end > 0x100000000ull || end > board.high_floor || (dst < HOLE_END && end > STACK_LIVE)) {
		fprintf(stderr, "fw_shim: fw_cfg item 0x%x read to [0x%lx, 0x%llx): outside usable RAM\n",
			key, (unsigned long)dst, (unsigned long long)end);
		abort();
	}
}

void fw_cfg_read(uint16_t key, void *dst, uint32_t n)
{
	const struct shim_item *it = key < SHIM_ITEMS ? &shim_items[key] : NULL;
	uintptr_t addr = (uintptr_t)dst;

	/* Firmware addresses are 32-bit; host buffers (the firmware's own statics) lie far
	 * above 4 GiB in a PIE, and ASan checks those. */
	if (addr < 0x100000000ull)
		check_destination(key, addr, n);
	for (uint32_t i = 0; i < n; i++) {
		if (i == TOUCH_MAX && n > 2 * TOUCH_MAX && addr < SHIM_MEM_END)
			i = n - TOUCH_MAX;	/* large loads: both ends are enough to catch a bad range */
		if (addr + i >= SHIM_MEM_START)
			*(uint8_t *)(addr + i) = it && i < it->have ? it->data[i] : 0;
	}
}

/* fw_cfg_read32() is inline (fw_cfg.h); with board.dma 0, as shim_reset() leaves it, it reads
 * through here. A DMA transfer never starts on the host. */
void fw_cfg_dma_finish(volatile struct fw_cfg_dma *d)
{
	(void)d;
	abort();
}

uint32_t fw_cfg_read32_pio(uint16_t key)
{
	uint32_t v = 0;
	const struct shim_item *it = key < SHIM_ITEMS ? &shim_items[key] : NULL;
	if (it && it->have >= 4)
		memcpy(&v, it->data, 4);
	return v;
}

void fail(enum fw_error err, const char *what)
{
	(void)what;
	shim_error = err;
	longjmp(shim_jmp, SHIM_FAILED);
}

/* Hand-offs and the steps they need: reaching one means the parsers accepted the kernel. */
void handoff32(uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esi)
{
	(void)entry; (void)eax; (void)ebx; (void)esi;
	longjmp(shim_jmp, SHIM_HANDED_OFF);
}

void handoff64(uint32_t entry, uint32_t rsi, uint32_t cr3)
{
	(void)entry; (void)rsi; (void)cr3;
	longjmp(shim_jmp, SHIM_HANDED_OFF);
}

void handoff16(uint32_t setup_seg, uint32_t sp)
{
	(void)setup_seg; (void)sp;
	longjmp(shim_jmp, SHIM_HANDED_OFF);
}

uint32_t build_identity_map(void) { return MEM_PAGE_TABLES; }
void setup_bios_services(struct board *b) { (void)b; }
void timing_mark(int stage) { (void)stage; }
void line_put(const char *s, uint32_t n) { (void)s; (void)n; }
void line_hex_(uint64_t v) { (void)v; }
void line_dec_(uint32_t v) { (void)v; }
void line_end(void) { line_ptr = line_buf; }
void line_end_always(void) { line_ptr = line_buf; }
