/*
 * kernel.c: recognise the kernel QEMU's loader put in fw_cfg and pick its hand-off.
 * QEMU tells the formats apart by itself (hw/i386/x86.c, x86_load_linux): a bzImage has
 * "HdrS" in SETUP_DATA; a PVH ELF has its segments already in RAM and the raw file head
 * in SETUP_DATA; a Multiboot kernel comes with no SETUP_* items at all and its
 * information block in INITRD_DATA. Without a forced choice the fastest hand-off the
 * kernel supports is taken: PVH, else the 64-bit, 32-bit, 16-bit bzImage entries.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"
#include "kernel.h"
#include "report.h"

#define HDRS_OFFSET	0x202
#define HDRS_MAGIC	0x53726448	/* "HdrS" */
#define ELF_MAGIC	0x464c457f	/* "\x7fELF" */

static struct kernel kernel;

static enum kernel_kind classify(struct kernel *k)
{
	if (!k->setup_size)
		return KERNEL_MULTIBOOT;
	if (ld32(k->header + HDRS_OFFSET) == HDRS_MAGIC)
		return KERNEL_BZIMAGE;
	if (ld32(k->header) == ELF_MAGIC)
		return KERNEL_PVH;
	return KERNEL_NONE;
}

static enum boot_protocol choose(struct board *b, struct kernel *k)
{
	enum boot_protocol p = b->forced;

	switch (k->kind) {
	case KERNEL_BZIMAGE:
		if (p == BOOT_AUTO) {
			for (p = BOOT_BZIMAGE64; !bzimage_supports(k, p); p--)
				;
			return p;
		}
		if (p >= BOOT_BZIMAGE16 && p <= BOOT_BZIMAGE64 && bzimage_supports(k, p))
			return p;
		if (p == BOOT_BZIMAGE64 && bzimage_is_64bit(k))
			fail(ERR_NO_LONG_MODE, "forced 64-bit entry on a CPU without long mode");
		fail(ERR_BOOT_UNSUPPORTED, p == BOOT_BZIMAGE64 ?
		     "forced 64-bit entry, but the bzImage lacks XLF_KERNEL_64 (protocol 2.12+)" :
		     "forced pvh or multiboot hand-off, but the kernel is a bzImage");
	case KERNEL_PVH:
		if (p == BOOT_AUTO || p == BOOT_PVH)
			return BOOT_PVH;
		fail(ERR_BOOT_UNSUPPORTED, "forced hand-off is not pvh, but the kernel is a PVH ELF");
	case KERNEL_MULTIBOOT:
	default:
		if (p == BOOT_AUTO || p == BOOT_MULTIBOOT)
			return BOOT_MULTIBOOT;
		fail(ERR_BOOT_UNSUPPORTED, "forced hand-off is not multiboot, but the kernel is Multiboot");
	}
}

void boot_kernel(struct board *b)
{
	struct kernel *k = &kernel;
	enum boot_protocol p;

	k->kernel_size = fw_cfg_read32(FW_CFG_KERNEL_SIZE);
	k->setup_size = fw_cfg_read32(FW_CFG_SETUP_SIZE);
	if (!k->kernel_size && !k->setup_size)
		return;			/* no -kernel: the caller runs the self-test */
	fw_cfg_read(FW_CFG_SETUP_DATA, k->header,
		    k->setup_size < HEADER_PEEK ? k->setup_size : HEADER_PEEK);
	k->kind = classify(k);
	if (k->kind == KERNEL_NONE)
		fail(ERR_KERNEL_MAGIC, "kernel is neither a bzImage (no HdrS), a PVH ELF nor Multiboot");
	if (!k->kernel_size)
		fail(ERR_KERNEL_EMPTY, "QEMU passed a kernel with an empty protected-mode part");
	p = choose(b, k);
	if (p == BOOT_PVH)
		pvh_boot(b, k);
	else if (p == BOOT_MULTIBOOT)
		multiboot_boot(b, k);
	else
		bzimage_boot(b, k, p);
}

/*
 * The initrd goes where QEMU put its address (the bzImage header already says so) unless
 * firmware tables took that memory; then it moves down, page aligned.
 */
uint32_t load_initrd(struct board *b, uint32_t max_end, uint32_t *size)
{
	uint32_t addr, n = fw_cfg_read32(FW_CFG_INITRD_SIZE);

	*size = n;
	if (!n)
		return 0;
	addr = fw_cfg_read32(FW_CFG_INITRD_ADDR);
	if (max_end > b->high_floor)
		max_end = b->high_floor;
	/* A header's initrd_addr_max below 1 MiB leaves no room at all; below 1 MiB live the
	 * firmware's stack, the hand-off area and the ROM, so an initrd goes above it. */
	if (max_end <= MEM_BIOS_END || n > max_end - MEM_BIOS_END)
		fail(ERR_NO_MEMORY, "initrd does not fit between 1 MiB and the kernel's limit");
	if (!addr || addr < MEM_BIOS_END || addr + n > max_end || addr + n < addr)
		addr = (max_end - n) & ~0xfffu;
	fw_cfg_read(FW_CFG_INITRD_DATA, (void *)addr, n);
	return addr;
}

/* A kernel range below 1 MiB must end below the firmware's stack: the stack is live while
 * the kernel is copied, and the hand-off area and the ROM lie above it. */
int low_memory_free(uint64_t addr, uint64_t size)
{
	return addr >= MEM_BIOS_END || addr + size <= MEM_STACK_LIMIT;
}

void report_boot(const char *protocol, uint32_t entry, uint32_t kaddr, uint32_t ksize,
		 uint32_t initrd, uint32_t initrd_size, uint32_t info)
{
	timing_mark(T_LOADED);
	if (!reporting())
		return;
	line_begin("boot");
	line_word("protocol", protocol);
	line_hex("entry", entry);
	line_hex("kernel", kaddr);
	line_hex("kernel_size", ksize);
	line_hex("cmdline", (uint32_t)board.cmdline);
	line_hex("initrd", initrd);
	line_hex("initrd_size", initrd_size);
	line_hex("info", info);
	line_end();
	timing_mark(T_JUMP);	/* the last line before the jump */
}
