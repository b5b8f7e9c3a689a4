/* fw_cfg.h: QEMU's firmware configuration device (docs/specs/fw_cfg.rst). */
#ifndef MICRORIG_FW_CFG_H
#define MICRORIG_FW_CFG_H

#include "board.h"
#include "io.h"

/* Well-known selectors. */
#define FW_CFG_SIGNATURE	0x00	/* "QEMU" */
#define FW_CFG_ID		0x01	/* feature bits */
#define FW_CFG_RAM_SIZE		0x03	/* 64-bit, little-endian */
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_KERNEL_ADDR	0x07
#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_INITRD_ADDR	0x0a
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_KERNEL_ENTRY	0x10
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12
#define FW_CFG_CMDLINE_ADDR	0x13
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_SETUP_ADDR	0x16
#define FW_CFG_SETUP_SIZE	0x17
#define FW_CFG_SETUP_DATA	0x18
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_IRQ0_OVERRIDE	0x8002	/* arch-local: IRQ0 is routed to IOAPIC pin 2 */

#define FW_CFG_PORT_DMA_LO	0x518	/* DMA descriptor address, low half: starts a transfer */
#define FW_CFG_DMA_CTL_READ	0x02
#define FW_CFG_DMA_CTL_SELECT	0x08	/* selector in bits 31:16 */

struct fw_cfg_file {
	uint32_t size;		/* host byte order after fw_cfg_find() */
	uint16_t select;
};

void fw_cfg_read(uint16_t key, void *dst, uint32_t n);

/* A DMA descriptor; all three fields big-endian. */
struct fw_cfg_dma {
	uint32_t control;
	uint32_t length;
	uint32_t address_hi;	/* the firmware's buffers are below 4 GiB */
	uint32_t address_lo;
};
void fw_cfg_dma_finish(volatile struct fw_cfg_dma *d);	/* waits, fails on the error bit */
uint32_t fw_cfg_read32_pio(uint16_t key);

/*
 * One DMA read: select key, copy n bytes to dst. The high half of the DMA address is zero
 * from reset and after every transfer (the spec), and the firmware never sets it: one port
 * write, one VM exit. Inline, so that with a constant key and size the descriptor is
 * stores of constants.
 */
static inline __attribute__((always_inline)) void
fw_cfg_dma_read(uint16_t key, volatile void *dst, uint32_t n)
{
	volatile struct fw_cfg_dma d;

	d.control = bswap32((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
	d.length = bswap32(n);
	d.address_hi = 0;
	d.address_lo = bswap32((uint32_t)dst);
	outl(FW_CFG_PORT_DMA_LO, bswap32((uint32_t)&d));
	if (d.control)		/* QEMU and mvm finish during the write; anything else waits */
		fw_cfg_dma_finish(&d);
}

/* A 32-bit item: as few guest instructions as the port read (selector, `rep insb`) it
 * replaces, and one VM exit instead of three under KVM (fw_cfg.c). */
static inline __attribute__((always_inline)) uint32_t fw_cfg_read32(uint16_t key)
{
	volatile uint32_t v = 0;

	if (!board.dma)
		return fw_cfg_read32_pio(key);
	fw_cfg_dma_read(key, &v, 4);
	return v;
}

/* The files every boot looks for, found in one pass over the directory by fw_cfg_init(). */
enum fw_cfg_known {
	FILE_E820,		/* etc/e820: QEMU's memory map */
	FILE_QUIET,		/* opt/microrig/quiet */
	FILE_BOOT,		/* opt/microrig/boot */
	FILE_TABLE_LOADER,	/* etc/table-loader: present when QEMU offers ACPI */
	FILE_KNOWN,
};
int fw_cfg_known(enum fw_cfg_known which, struct fw_cfg_file *f);	/* 1 when present */

/* Any other file. 1 when found; n = strlen(name) + 1 (the macro counts it for literals) */
int fw_cfg_find_(const char *name, uint32_t n, struct fw_cfg_file *f);
#define fw_cfg_find(literal, f) fw_cfg_find_((literal), sizeof(literal), (f))

#endif
