/* fw_cfg.h: QEMU's firmware configuration device (docs/specs/fw_cfg.rst), port I/O flavour
 * with DMA: selector 0x510, data 0x511, DMA address 0x514 (big endian, 0x518 starts). */
#ifndef MVM_FW_CFG_H
#define MVM_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

#define FW_CFG_PORT_SEL       0x510	/* 16-bit selector write; 8-bit reads give data */
#define FW_CFG_PORT_DATA      0x511
#define FW_CFG_PORT_DMA       0x514	/* 8 bytes; reads "QEMU CFG" */
#define FW_CFG_DMA_SIGNATURE  0x51454d5520434647ULL	/* "QEMU CFG", big endian */

/* Item keys (include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE      0x00
#define FW_CFG_ID             0x01
#define FW_CFG_UUID           0x02
#define FW_CFG_RAM_SIZE       0x03
#define FW_CFG_NOGRAPHIC      0x04
#define FW_CFG_NB_CPUS        0x05
#define FW_CFG_KERNEL_ADDR    0x07
#define FW_CFG_KERNEL_SIZE    0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR    0x0a
#define FW_CFG_INITRD_SIZE    0x0b
#define FW_CFG_BOOT_DEVICE    0x0c
#define FW_CFG_BOOT_MENU      0x0e
#define FW_CFG_MAX_CPUS       0x0f
#define FW_CFG_KERNEL_ENTRY   0x10
#define FW_CFG_KERNEL_DATA    0x11
#define FW_CFG_INITRD_DATA    0x12
#define FW_CFG_CMDLINE_ADDR   0x13
#define FW_CFG_CMDLINE_SIZE   0x14
#define FW_CFG_CMDLINE_DATA   0x15
#define FW_CFG_SETUP_ADDR     0x16
#define FW_CFG_SETUP_SIZE     0x17
#define FW_CFG_SETUP_DATA     0x18
#define FW_CFG_FILE_DIR       0x19
#define FW_CFG_FILE_FIRST     0x20
#define FW_CFG_FILE_SLOTS     0x20	/* QEMU's default file slots */
#define FW_CFG_MAX_ENTRY      (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_ARCH_LOCAL     0x8000	/* key bit: architecture-specific item */
#define FW_CFG_WRITE_CHANNEL  0x4000	/* key bit: ignored since QEMU 2.4 */
#define FW_CFG_ENTRY_MASK     0x3fff
#define FW_CFG_INVALID        0xffff
#define FW_CFG_IRQ0_OVERRIDE  (FW_CFG_ARCH_LOCAL + 2)

#define FW_CFG_ID_TRADITIONAL 0x01
#define FW_CFG_ID_DMA         0x02
#define FW_CFG_FILE_NAME_LEN  56

/* DMA access descriptor {be32 control, be32 length, be64 address} and control bits. */
#define FW_CFG_DMA_DESC_SIZE  16
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10

struct fw_cfg_item {
	uint8_t *data;
	uint32_t len;
	bool owned;		/* free data with the device */
};

struct fw_cfg {
	struct fw_cfg_item items[2][FW_CFG_MAX_ENTRY];	/* [arch-local][index] */
	char names[FW_CFG_FILE_SLOTS][FW_CFG_FILE_NAME_LEN];
	int nfiles;
	uint16_t cur_key;
	uint32_t cur_offset;
	uint64_t dma_addr;
	const struct guest_mem *mem;
};

void fw_cfg_init(struct fw_cfg *f, const struct guest_mem *mem);
void fw_cfg_free(struct fw_cfg *f);
/* Items. The _copy forms copy; fw_cfg_add_bytes keeps the pointer (caller keeps it alive). */
void fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, void *data, uint32_t len);
void fw_cfg_add_copy(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
void fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v);
void fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v);
void fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v);
void fw_cfg_add_string(struct fw_cfg *f, uint16_t key, const char *s);	/* with its NUL */
/* Files: kept sorted by name in the directory, as QEMU 7.2 does. Returns false if full or
 * the name exists. */
bool fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);
const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *f, uint16_t key);

/* The guest's side. */
void fw_cfg_select(struct fw_cfg *f, uint16_t key);
uint8_t fw_cfg_read_byte(struct fw_cfg *f);
void fw_cfg_dma_transfer(struct fw_cfg *f, uint64_t desc_addr);
uint64_t fw_cfg_io_read(void *opaque, uint64_t offset, unsigned size);
void fw_cfg_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

#endif
