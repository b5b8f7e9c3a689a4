/*
 * bzimage.c: the Linux x86 boot protocol (Documentation/x86/boot.rst) for a bzImage that
 * QEMU has split into setup (SETUP_DATA, header already patched) and protected-mode
 * kernel (KERNEL_DATA). Three entries:
 *   16-bit: the kernel's own real-mode setup runs, calling our BIOS services (bios.c);
 *   32-bit: the firmware builds the zero page and jumps to code32_start;
 *   64-bit: the same zero page, identity page tables, startup_64 at +0x200.
 * Before any of them the header is checked against what QEMU actually passed.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"
#include "kernel.h"

/* setup header fields, as offsets into the setup (boot.rst, "The real-mode kernel header") */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4	/* 16-byte paragraphs of protected-mode code */
#define HDR_JUMP_LEN		0x201	/* header ends at 0x202 + this byte */
#define HDR_START		0x1f1
#define HDR_VERSION		0x206
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_INIT_SIZE		0x260
#define LOADED_HIGH		0x01	/* loadflags: protected-mode code at 0x100000 */
#define XLF_KERNEL_64		0x01	/* xloadflags: startup_64 at +0x200 */
#define STARTUP_64_OFFSET	0x200
#define SETUP_SECTS_DEFAULT	4	/* setup_sects 0 means 4 */
#define CMDLINE_MAX_OLD		255	/* before protocol 2.06 */
#define INITRD_MAX_OLD		0x37ffffff	/* before protocol 2.03 */
#define PROTOCOL(major, minor)	((major) << 8 | (minor))	/* the header's version field */
#define HDR_END_BASE		0x202	/* header end = this + the jump's length byte */
#define SETUP_ENTRY		0x200	/* setup code entry: segment + 0x20, offset 0 */
#define SETUP_STACK		0xfff0	/* setup's stack: top of its 64 KiB segment */
#define CPUID_EXT_MAX		0x80000000

/* zero page (struct boot_params) fields used by the 32- and 64-bit entries */
#define BP_ACPI_RSDP		0x070
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128
#define BP_SIZE			0x1000

#define CPUID_EXT_FEATURES	0x80000001
#define CPUID_EXT_LM		(1u << 29)	/* EDX: long mode */

void setup_bios_services(struct board *b);
uint32_t build_identity_map(void);

static int cpu_has_long_mode(void)
{
	uint32_t a, b, c, d;

	cpuid(CPUID_EXT_MAX, &a, &b, &c, &d);
	if (a < CPUID_EXT_FEATURES)
		return 0;
	cpuid(CPUID_EXT_FEATURES, &a, &b, &c, &d);
	return !!(d & CPUID_EXT_LM);
}

int bzimage_is_64bit(const struct kernel *k)
{
	return ld16(k->header + HDR_VERSION) >= PROTOCOL(2, 12) &&
	       (ld16(k->header + HDR_XLOADFLAGS) & XLF_KERNEL_64);
}

int bzimage_supports(const struct kernel *k, enum boot_protocol protocol)
{
	if (protocol != BOOT_BZIMAGE64)
		return 1;		/* 16 and 32 need 2.02, which check_header() insists on */
	return bzimage_is_64bit(k) && cpu_has_long_mode();
}

/* Does the header agree with what QEMU passed? A lying header stops here, not in the kernel. */
static void check_header(struct board *b, struct kernel *k, uint32_t kaddr)
{
	const uint8_t *h = k->header;
	uint16_t version = ld16(h + HDR_VERSION);
	uint32_t sects = h[HDR_SETUP_SECTS] ? h[HDR_SETUP_SECTS] : SETUP_SECTS_DEFAULT;
	uint32_t image = ld32(h + HDR_SYSSIZE) * 16, max_cmdline;

	if (version < PROTOCOL(2, 2) || !(h[HDR_LOADFLAGS] & LOADED_HIGH))
		fail(ERR_KERNEL_HEADER, "boot protocol before 2.02 or not a loaded-high bzImage");
	if ((sects + 1) * 512 != k->setup_size || k->setup_size < HEADER_PEEK)
		fail(ERR_KERNEL_HEADER, "setup_sects disagrees with the setup size QEMU passed");
	if (!image || image > k->kernel_size)
		fail(ERR_KERNEL_TRUNCATED, "protected-mode kernel is shorter than the header's syssize");
	if (ld32(h + HDR_CODE32_START) != kaddr)
		fail(ERR_KERNEL_HEADER, "code32_start is not where the kernel was loaded");
	if (version >= PROTOCOL(2, 10) && ld32(h + HDR_INIT_SIZE) < image)
		fail(ERR_KERNEL_HEADER, "init_size is smaller than the kernel image");
	if (version >= PROTOCOL(2, 10) && (uint64_t)kaddr + ld32(h + HDR_INIT_SIZE) > b->high_floor)
		fail(ERR_NO_MEMORY, "kernel init_size does not fit in low RAM");
	max_cmdline = version >= PROTOCOL(2, 6) ? ld32(h + HDR_CMDLINE_SIZE) : CMDLINE_MAX_OLD;
	if (b->cmdline_size && b->cmdline_size - 1 > max_cmdline)
		fail(ERR_CMDLINE_TOO_LONG, "command line is longer than the header's cmdline_size");
}

/* Zero page for the 32- and 64-bit entries: the setup header plus what setup would detect. */
static uint8_t *build_zero_page(struct board *b, struct kernel *k)
{
	uint8_t *bp = (uint8_t *)MEM_BOOT_INFO;
	uint32_t hdr_end = HDR_END_BASE + k->header[HDR_JUMP_LEN];
	int i, n = b->nr_e820 < BP_E820_MAX ? b->nr_e820 : BP_E820_MAX;

	memset(bp, 0, BP_SIZE);
	if (hdr_end > HEADER_PEEK)
		hdr_end = HEADER_PEEK;
	memcpy(bp + HDR_START, k->header + HDR_START, hdr_end - HDR_START);
	for (i = 0; i < n; i++) {
		struct e820_entry *e = (struct e820_entry *)(bp + BP_E820_TABLE) + i;

		e->addr = b->e820[i].addr;
		e->size = b->e820[i].size;
		e->type = b->e820[i].type;
	}
	bp[BP_E820_ENTRIES] = n;
	st32(bp + BP_ACPI_RSDP, b->acpi_rsdp);
	return bp;
}

void bzimage_boot(struct board *b, struct kernel *k, enum boot_protocol protocol)
{
	uint32_t kaddr = fw_cfg_read32(FW_CFG_KERNEL_ADDR), initrd, initrd_size, initrd_max;
	uint16_t version = ld16(k->header + HDR_VERSION);
	uint8_t *hdr;

	check_header(b, k, kaddr);
	if ((uint64_t)kaddr + k->kernel_size > b->high_floor || kaddr < MEM_BIOS_END)
		fail(ERR_NO_MEMORY, "kernel does not fit in low RAM above 1 MiB");
	fw_cfg_read(FW_CFG_KERNEL_DATA, (void *)kaddr, k->kernel_size);
	initrd_max = version >= PROTOCOL(2, 3) ? ld32(k->header + HDR_INITRD_ADDR_MAX) : INITRD_MAX_OLD;
	initrd = load_initrd(b, initrd_max + 1 ? initrd_max + 1 : initrd_max, &initrd_size);

	if (protocol == BOOT_BZIMAGE16) {
		uint32_t setup = fw_cfg_read32(FW_CFG_SETUP_ADDR);

		/* 64-bit sum: a setup address near 4 GiB must not wrap past the check. Below
		 * MEM_PAGE_TABLES live the IVT and BDA that the BIOS services keep. */
		if (setup < MEM_PAGE_TABLES || setup & 0xf /* a segment */ ||
		    (uint64_t)setup + k->setup_size > MEM_SCRATCH)
			fail(ERR_KERNEL_HEADER, "setup address is not usable in real mode");
		fw_cfg_read(FW_CFG_SETUP_DATA, (void *)setup, k->setup_size);
		hdr = (uint8_t *)setup;
	} else {
		hdr = build_zero_page(b, k);
	}
	/* the same three fields in the loaded setup or in the zero page */
	st32(hdr + HDR_CMD_LINE_PTR, b->cmdline_size ? (uint32_t)b->cmdline : 0);
	st32(hdr + HDR_RAMDISK_IMAGE, initrd);
	st32(hdr + HDR_RAMDISK_SIZE, initrd_size);

	switch (protocol) {
	case BOOT_BZIMAGE16:
		setup_bios_services(b);
		report_boot("bzimage16", (uint32_t)hdr + SETUP_ENTRY, kaddr, k->kernel_size, initrd,
			    initrd_size, (uint32_t)hdr);
		/* setup runs at segment+0x20:0 with its stack at the top of the segment */
		handoff16((uint32_t)hdr >> 4, SETUP_STACK);
	case BOOT_BZIMAGE32:
		report_boot("bzimage32", kaddr, kaddr, k->kernel_size, initrd, initrd_size,
			    (uint32_t)hdr);
		handoff32(kaddr, 0, 0, (uint32_t)hdr);
	default: {
		uint32_t cr3 = build_identity_map();

		report_boot("bzimage64", kaddr + STARTUP_64_OFFSET, kaddr, k->kernel_size, initrd,
			    initrd_size, (uint32_t)hdr);
		handoff64(kaddr + STARTUP_64_OFFSET, (uint32_t)hdr, cr3);
	}
	}
}
