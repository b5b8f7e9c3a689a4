/*
 * paging.c: identity page tables for the 64-bit bzImage entry. boot.rst asks for the
 * kernel, zero page and command line to be identity mapped; mapping the whole first
 * 4 GiB with 2 MiB pages covers them wherever they are, plus the initrd and the MMIO
 * the kernel may touch before it installs its own tables.
 */
#include "board.h"

#define PTE_PRESENT	0x001
#define PTE_WRITE	0x002
#define PTE_LARGE	0x080		/* in a page directory: a 2 MiB page */
#define PT_ENTRIES	512
#define PML4		(MEM_PAGE_TABLES)
#define PDPT		(MEM_PAGE_TABLES + 0x1000)
#define PD		(MEM_PAGE_TABLES + 0x2000)	/* four page directories, one per GiB */
#define GIB_MAPPED	4

uint32_t build_identity_map(void)
{
	uint64_t *pml4 = (uint64_t *)PML4, *pdpt = (uint64_t *)PDPT;
	uint32_t *pd = (uint32_t *)PD;	/* written as halves: no 64-bit arithmetic */
	uint32_t i, page = PTE_PRESENT | PTE_WRITE | PTE_LARGE;

	memset((void *)PML4, 0, 0x2000);
	pml4[0] = PDPT | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < GIB_MAPPED; i++)
		pdpt[i] = (PD + i * 0x1000) | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < GIB_MAPPED * PT_ENTRIES; i++, page += 0x200000) {
		pd[2 * i] = page;
		pd[2 * i + 1] = 0;
	}
	return PML4;
}
