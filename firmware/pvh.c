/*
 * pvh.c: the Xen PVH direct boot ABI (xen/include/public/arch-x86/hvm/start_info.h) that
 * QEMU uses for uncompressed ELF kernels with a XEN_ELFNOTE_PHYS32_ENTRY note. QEMU has
 * already copied the ELF segments into RAM, so nothing of the kernel is moved here:
 * only the command line (already read), the initrd and the start_info block, which lives
 * with its module list and memory map in the reserved hand-off area, not on a stack.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"
#include "kernel.h"

#define HVM_START_MAGIC		0x336ec578	/* "xEn3" with the high bit set */
#define HVM_START_VERSION	1		/* has memmap_paddr/memmap_entries */
#define PVH_MODLIST_OFFSET	0x040
#define PVH_MEMMAP_OFFSET	0x080
#define PVH_MEMMAP_MAX		((0x1000 - PVH_MEMMAP_OFFSET) / sizeof(struct hvm_memmap_entry))

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

/* struct hvm_memmap_table_entry is the firmware's own struct mem_range */
#define hvm_memmap_entry mem_range

void pvh_boot(struct board *b, struct kernel *k)
{
	struct hvm_start_info *si = (struct hvm_start_info *)MEM_BOOT_INFO;
	struct hvm_modlist_entry *mod = (void *)(MEM_BOOT_INFO + PVH_MODLIST_OFFSET);
	struct hvm_memmap_entry *map = (void *)(MEM_BOOT_INFO + PVH_MEMMAP_OFFSET);
	uint32_t entry = fw_cfg_read32(FW_CFG_KERNEL_ENTRY);
	uint32_t kaddr = fw_cfg_read32(FW_CFG_KERNEL_ADDR);
	uint32_t initrd, initrd_size;
	int n;

	/* QEMU loads the ELF segments itself and reports their range: an entry point outside
	 * it would jump into whatever lies there (the ROM, an MMIO hole) and die silently. */
	if (entry < kaddr || entry - kaddr >= k->kernel_size)
		fail(ERR_KERNEL_HEADER, "PVH entry point lies outside the loaded kernel");
	if (!low_memory_free(kaddr, k->kernel_size))
		fail(ERR_NO_MEMORY, "PVH kernel overlaps the firmware's hand-off area");
	initrd = load_initrd(b, b->high_floor, &initrd_size);

	si->magic = HVM_START_MAGIC;
	si->version = HVM_START_VERSION;
	si->flags = 0;
	si->nr_modules = 0;
	si->modlist_paddr = 0;
	if (initrd_size) {
		mod->paddr = initrd;
		mod->size = initrd_size;
		mod->cmdline_paddr = 0;
		mod->reserved = 0;
		si->modlist_paddr = (uint32_t)mod;
		si->nr_modules = 1;	/* Linux takes the first module as its initrd */
	}
	si->cmdline_paddr = b->cmdline_size ? (uint32_t)b->cmdline : 0;
	si->rsdp_paddr = b->acpi_rsdp;
	n = b->nr_e820 < (int)PVH_MEMMAP_MAX ? b->nr_e820 : (int)PVH_MEMMAP_MAX;
	memcpy(map, b->e820, n * sizeof(*map));
	si->memmap_paddr = (uint32_t)map;
	si->memmap_entries = n;
	si->reserved = 0;

	report_boot("pvh", entry, kaddr, k->kernel_size, initrd, initrd_size, (uint32_t)si);
	handoff32(entry, 0, (uint32_t)si, 0);
}
