/* loader_bzimage.c: a Linux bzImage handed over as QEMU's x86_load_linux() does (Linux
 * Documentation/x86/boot.rst): setup header patched (loader type, heap, cmd_line_ptr,
 * ramdisk), real-mode setup at 0x10000, protected-mode kernel at 0x100000, all as fw_cfg
 * items for the firmware (qboot or microrig) to copy. */
#include "loader.h"
#include "fw_cfg.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Setup header fields (offsets into the first sector, boot.rst). */
#define HDR_SETUP_SECTS    0x1f1
#define HDR_VID_MODE       0x1fa
#define HDR_VERSION        0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS      0x211
#define HDR_RAMDISK_IMAGE  0x218
#define HDR_RAMDISK_SIZE   0x21c
#define HDR_HEAP_END_PTR   0x224
#define HDR_CMD_LINE_PTR   0x228
#define HDR_INITRD_MAX     0x22c
#define HDR_XLOADFLAGS     0x236
#define HDR_OLD_CMD_MAGIC  0x20		/* pre-2.02 command line protocol */
#define HDR_OLD_CMD_OFFSET 0x22
#define OLD_CMD_MAGIC      0xA33F
#define LOADFLAGS_LOADED_HIGH 0x01
#define LOADFLAGS_CAN_USE_HEAP 0x80
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x08
#define LOADER_TYPE_QEMU   0xB0		/* high nibble B: QEMU's loader id */
#define VID_MODE_NORMAL    0xffff
#define VID_MODE_EXT       0xfffe
#define VID_MODE_ASK       0xfffd

static int fail(struct load_params *p, const char *what)
{
	snprintf(p->err, sizeof(p->err), "-kernel %s: %s", p->kernel_path, what);
	return -1;
}

/* vga= on the command line sets vid_mode, as QEMU does. */
static int patch_vga(struct load_params *p, uint8_t *header)
{
	const char *v = strstr(p->cmdline, "vga=");
	if (!v)
		return 0;
	v += 4;
	unsigned long mode;
	if (!strncmp(v, "normal", 6)) {
		mode = VID_MODE_NORMAL;
	} else if (!strncmp(v, "ext", 3)) {
		mode = VID_MODE_EXT;
	} else if (!strncmp(v, "ask", 3)) {
		mode = VID_MODE_ASK;
	} else {
		char *end;
		mode = strtoul(v, &end, 0);
		if (end == v || (*end && *end != ' ') || mode > 0xffff) {
			snprintf(p->err, sizeof(p->err), "-append: invalid 'vga=' kernel parameter");
			return -1;
		}
	}
	put_le16(header + HDR_VID_MODE, (uint16_t)mode);
	return 0;
}

int loader_bzimage(struct load_params *p)
{
	uint8_t *header = xzalloc(LOADER_HEADER_SIZE);
	size_t have = p->kernel_size < LOADER_HEADER_SIZE ? p->kernel_size : LOADER_HEADER_SIZE;
	memcpy(header, p->kernel, have);
	uint16_t protocol = get_le16(header + HDR_VERSION);
	uint32_t real_addr, cmdline_addr, prot_addr;
	uint32_t cmdline_size = (uint32_t)((strlen(p->cmdline) + 16) & ~15u);
	int ret = -1;

	if (protocol < 0x200 || !(header[HDR_LOADFLAGS] & LOADFLAGS_LOADED_HIGH)) {
		real_addr = 0x90000;		/* low kernel */
		cmdline_addr = 0x9a000 - cmdline_size;
		prot_addr = 0x10000;
	} else if (protocol < 0x202) {
		real_addr = 0x90000;		/* high but ancient kernel */
		cmdline_addr = 0x9a000 - cmdline_size;
		prot_addr = 0x100000;
	} else {
		real_addr = 0x10000;		/* high and recent kernel */
		cmdline_addr = 0x20000;
		prot_addr = 0x100000;
	}
	uint32_t initrd_max;
	if (protocol >= 0x20c && (get_le16(header + HDR_XLOADFLAGS) & XLF_CAN_BE_LOADED_ABOVE_4G))
		initrd_max = UINT32_MAX;
	else if (protocol >= 0x203)
		initrd_max = get_le32(header + HDR_INITRD_MAX);
	else
		initrd_max = 0x37ffffff;
	if (initrd_max >= p->ram_below_4g)
		initrd_max = (uint32_t)(p->ram_below_4g - 1);

	fw_cfg_add_i32(p->fw_cfg, FW_CFG_CMDLINE_ADDR, cmdline_addr);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(p->cmdline) + 1);
	fw_cfg_add_string(p->fw_cfg, FW_CFG_CMDLINE_DATA, p->cmdline);
	if (protocol >= 0x202) {
		put_le32(header + HDR_CMD_LINE_PTR, cmdline_addr);
	} else {
		put_le16(header + HDR_OLD_CMD_MAGIC, OLD_CMD_MAGIC);
		put_le16(header + HDR_OLD_CMD_OFFSET, (uint16_t)(cmdline_addr - real_addr));
	}
	if (patch_vga(p, header) < 0)
		goto out;
	if (protocol >= 0x200)
		header[HDR_TYPE_OF_LOADER] = LOADER_TYPE_QEMU;
	if (protocol >= 0x201) {
		header[HDR_LOADFLAGS] |= LOADFLAGS_CAN_USE_HEAP;
		put_le16(header + HDR_HEAP_END_PTR, (uint16_t)(cmdline_addr - real_addr - 0x200));
	}
	if (p->initrd_path) {
		uint32_t initrd_addr;
		if (protocol < 0x200) {
			fail(p, "linux kernel too old to load a ram disk");
			goto out;
		}
		if (loader_add_initrd(p, initrd_max, &initrd_addr) < 0)
			goto out;
		put_le32(header + HDR_RAMDISK_IMAGE, initrd_addr);
		put_le32(header + HDR_RAMDISK_SIZE, (uint32_t)p->initrd_size);
	}
	/* setup_sects 0 means 4, for very old kernels; plus the boot sector itself. */
	size_t setup_size = header[HDR_SETUP_SECTS] ? header[HDR_SETUP_SECTS] : 4;
	setup_size = (setup_size + 1) * 512;
	if (setup_size > p->kernel_size) {
		fail(p, "invalid kernel header (setup_sects runs past the end of the file)");
		goto out;
	}
	uint8_t *setup = xzalloc(setup_size);
	memcpy(setup, p->kernel, setup_size);
	memcpy(setup, header, setup_size < LOADER_HEADER_SIZE ? setup_size : LOADER_HEADER_SIZE);
	size_t kernel_size = p->kernel_size - setup_size;
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_ADDR, prot_addr);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_SIZE, (uint32_t)kernel_size);
	fw_cfg_add_bytes(p->fw_cfg, FW_CFG_KERNEL_DATA, (uint8_t *)p->kernel + setup_size,
			 (uint32_t)kernel_size);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_SETUP_ADDR, real_addr);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_SETUP_SIZE, (uint32_t)setup_size);
	fw_cfg_add_copy(p->fw_cfg, FW_CFG_SETUP_DATA, setup, (uint32_t)setup_size);
	free(setup);
	p->option_rom = "linuxboot_dma.bin";
	ret = 0;
out:
	free(header);
	return ret;
}

int loader_add_initrd(struct load_params *p, uint32_t initrd_max, uint32_t *addr)
{
	if (p->initrd_size >= initrd_max) {
		snprintf(p->err, sizeof(p->err),
			 "-initrd %s: initrd is too large (max: %u, need %zu)", p->initrd_path,
			 initrd_max, p->initrd_size);
		return -1;
	}
	*addr = (uint32_t)((initrd_max - p->initrd_size) & ~4095ull);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_INITRD_ADDR, *addr);
	fw_cfg_add_i32(p->fw_cfg, FW_CFG_INITRD_SIZE, (uint32_t)p->initrd_size);
	fw_cfg_add_bytes(p->fw_cfg, FW_CFG_INITRD_DATA, (uint8_t *)p->initrd,
			 (uint32_t)p->initrd_size);
	return 0;
}
