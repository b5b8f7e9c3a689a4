/* scrub.c: rewrite the pages the last job freed before the next job is timed.
 *
 * Why: L1 runs under QEMU TCG, which translates guest code per physical page and, while a
 * page still holds translated code, sends every store to it through a slow path that checks
 * for self-modifying code. An inner VM's firmware and payload ran from pages of its VMM's
 * memory; when the job exits those pages go back to the head of L1's free lists, and the
 * next job's first allocations get them. Measured: mvm reading its 64 KiB ROM into a fresh
 * buffer took 12 ms instead of 1 ms, in about half the boots of a batch, and whichever
 * stage of mvm or QEMU drew those pages paid it. No real machine has this cost.
 *
 * Taking SCRUB_BYTES of fresh pages and writing one byte in each makes the kernel clear
 * them (which drops their translated code) before the clock of the next job starts, and
 * frees them clean. The size covers the boots that are timed closely (firmware and probe
 * payload, a few hundred KiB of guest code); the pages a Linux guest ran from are far more,
 * and only the first SCRUB_BYTES are cleaned. MADV_NOHUGEPAGE: the freed pages are 4 KiB
 * pages, and a huge page would be cleared from elsewhere. */
#include <stdint.h>
#include <sys/mman.h>

#include "l1init.h"

#define SCRUB_BYTES (8u << 20)
#define PAGE_BYTES  4096u

void scrub_freed_pages(void)
{
	uint8_t *p = mmap(NULL, SCRUB_BYTES, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;		/* the next job is timed as before: slower at worst */
	madvise(p, SCRUB_BYTES, MADV_NOHUGEPAGE);
	for (uint32_t off = 0; off < SCRUB_BYTES; off += PAGE_BYTES)
		((volatile uint8_t *)p)[off] = 1;
	munmap(p, SCRUB_BYTES);
}
