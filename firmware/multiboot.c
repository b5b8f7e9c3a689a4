/*
 * multiboot.c: Multiboot v1 as QEMU 7.2 hands it to firmware (hw/i386/multiboot.c):
 * KERNEL_ADDR/SIZE/DATA hold one blob with the kernel image, the module list, the
 * command lines and the modules, all at their final addresses; KERNEL_ENTRY is the entry;
 * INITRD_ADDR/SIZE/DATA hold the 88-byte information block (at 0x9500), whose
 * mmap_addr already points at 0x9000. What QEMU leaves to the firmware (its own
 * multiboot.bin option ROM does it with int 15h) is the memory part: mem_lower,
 * mem_upper and the memory map.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"
#include "kernel.h"

#define MB_BOOTLOADER_MAGIC	0x2badb002	/* in EAX at the entry */
#define MB_INFO_SIZE		88
#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4	/* KiB below 640 KiB */
#define MBI_MEM_UPPER		8	/* KiB of contiguous RAM from 1 MiB */
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MB_FLAG_MEMORY		(1u << 0)
#define MB_FLAG_MMAP		(1u << 6)
#define BP_MMAP_MAX_DEFAULT	E820_MAX	/* mmap placed above the block: assume room */

struct mb_mmap_entry {
	uint32_t size;		/* of the rest of the entry: 20 */
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

void multiboot_boot(struct board *b, struct kernel *k)
{
	uint32_t entry = fw_cfg_read32(FW_CFG_KERNEL_ENTRY);
	uint32_t kaddr = fw_cfg_read32(FW_CFG_KERNEL_ADDR);
	uint32_t mbi_addr = fw_cfg_read32(FW_CFG_INITRD_ADDR), upper = 0, room;
	uint8_t *mbi = (uint8_t *)mbi_addr;
	struct mb_mmap_entry *mm;
	int i;

	if (fw_cfg_read32(FW_CFG_INITRD_SIZE) != MB_INFO_SIZE || !mbi_addr ||
	    mbi_addr + MB_INFO_SIZE > MEM_HANDOFF)
		fail(ERR_MULTIBOOT, "Multiboot information block from QEMU is missing or misplaced");
	if ((uint64_t)kaddr + k->kernel_size > b->high_floor ||
	    !low_memory_free(kaddr, k->kernel_size))
		fail(ERR_NO_MEMORY, "Multiboot kernel overlaps firmware memory");
	fw_cfg_read(FW_CFG_KERNEL_DATA, (void *)kaddr, k->kernel_size);
	fw_cfg_read(FW_CFG_INITRD_DATA, mbi, MB_INFO_SIZE);

	mm = (struct mb_mmap_entry *)ld32(mbi + MBI_MMAP_ADDR);
	room = (uint32_t)mm < mbi_addr ? (mbi_addr - (uint32_t)mm) / sizeof(*mm) : BP_MMAP_MAX_DEFAULT;
	if (!mm || (int)room < b->nr_e820)
		fail(ERR_MULTIBOOT, "no room for the memory map where QEMU's mmap_addr points");
	for (i = 0; i < b->nr_e820; i++) {
		mm[i].size = sizeof(*mm) - 4;
		mm[i].addr = b->e820[i].addr;
		mm[i].len = b->e820[i].size;
		mm[i].type = b->e820[i].type;
		if (b->e820[i].addr == MEM_BIOS_END && b->e820[i].type == E820_RAM)
			upper = b->e820[i].size >> 10;
	}
	st32(mbi + MBI_MMAP_LENGTH, b->nr_e820 * sizeof(*mm));
	st32(mbi + MBI_MEM_LOWER, MEM_HANDOFF >> 10);
	st32(mbi + MBI_MEM_UPPER, upper);
	st32(mbi + MBI_FLAGS, ld32(mbi + MBI_FLAGS) | MB_FLAG_MEMORY | MB_FLAG_MMAP);

	report_boot("multiboot", entry, kaddr, k->kernel_size, 0, 0, mbi_addr);
	handoff32(entry, MB_BOOTLOADER_MAGIC, mbi_addr, 0);
}
