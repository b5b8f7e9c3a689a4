/* fw_cfg.c: items, the sorted file directory, and the port/DMA interface. DMA follows QEMU
 * 7.2's fw_cfg_dma_transfer(): select, then read, write or skip; reads past an item's end
 * give zeros; a write to a read-only item or any access outside guest memory sets the
 * error bit. Guest memory is only reached through guest_mem_*(), which bounds-checks. */
#include "fw_cfg.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define FW_CFG_DIR_SIZE (4 + FW_CFG_FILE_SLOTS * 64)	/* be32 count + 64-byte entries */

static struct fw_cfg_item *item_of(struct fw_cfg *f, uint16_t key)
{
	unsigned index = key & FW_CFG_ENTRY_MASK;
	if (key == FW_CFG_INVALID || index >= FW_CFG_MAX_ENTRY)
		return NULL;
	return &f->items[!!(key & FW_CFG_ARCH_LOCAL)][index];
}

const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *f, uint16_t key)
{
	return item_of((struct fw_cfg *)f, key);
}

static void set_item(struct fw_cfg *f, uint16_t key, uint8_t *data, uint32_t len, bool owned)
{
	struct fw_cfg_item *it = item_of(f, key);
	if (!it)
		die("fw_cfg: key 0x%x out of range", key);
	if (it->owned)
		free(it->data);
	*it = (struct fw_cfg_item){ data, len, owned };
}

void fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, void *data, uint32_t len)
{
	set_item(f, key, data, len, false);
}

void fw_cfg_add_copy(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
	uint8_t *copy = xzalloc(len);
	if (len)
		memcpy(copy, data, len);
	set_item(f, key, copy, len, true);
}

void fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v)
{
	uint8_t b[2];
	put_le16(b, v);
	fw_cfg_add_copy(f, key, b, sizeof(b));
}

void fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v)
{
	uint8_t b[4];
	put_le32(b, v);
	fw_cfg_add_copy(f, key, b, sizeof(b));
}

void fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v)
{
	uint8_t b[8];
	put_le64(b, v);
	fw_cfg_add_copy(f, key, b, sizeof(b));
}

void fw_cfg_add_string(struct fw_cfg *f, uint16_t key, const char *s)
{
	fw_cfg_add_copy(f, key, s, (uint32_t)strlen(s) + 1);
}

static void rebuild_directory(struct fw_cfg *f)
{
	struct fw_cfg_item *dir = item_of(f, FW_CFG_FILE_DIR);
	uint8_t *d = dir->data;
	memset(d, 0, FW_CFG_DIR_SIZE);
	put_be32(d, (uint32_t)f->nfiles);
	for (int i = 0; i < f->nfiles; i++) {
		uint8_t *e = d + 4 + 64 * i;
		put_be32(e, f->items[0][FW_CFG_FILE_FIRST + i].len);
		put_be16(e + 4, (uint16_t)(FW_CFG_FILE_FIRST + i));
		memcpy(e + 8, f->names[i], FW_CFG_FILE_NAME_LEN);
	}
}

bool fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
	if (f->nfiles == FW_CFG_FILE_SLOTS || strlen(name) >= FW_CFG_FILE_NAME_LEN)
		return false;
	int pos = 0;
	while (pos < f->nfiles && strcmp(f->names[pos], name) < 0)
		pos++;
	if (pos < f->nfiles && !strcmp(f->names[pos], name))
		return false;
	/* Keep selectors in name order: shift the later files up by one. */
	struct fw_cfg_item *files = &f->items[0][FW_CFG_FILE_FIRST];
	memmove(&files[pos + 1], &files[pos], sizeof(*files) * (size_t)(f->nfiles - pos));
	memmove(f->names[pos + 1], f->names[pos], FW_CFG_FILE_NAME_LEN * (size_t)(f->nfiles - pos));
	memset(f->names[pos], 0, FW_CFG_FILE_NAME_LEN);
	strcpy(f->names[pos], name);
	uint8_t *copy = xzalloc(len);
	if (len)
		memcpy(copy, data, len);
	files[pos] = (struct fw_cfg_item){ copy, len, true };
	f->nfiles++;
	rebuild_directory(f);
	return true;
}

void fw_cfg_init(struct fw_cfg *f, const struct guest_mem *mem)
{
	memset(f, 0, sizeof(*f));
	f->mem = mem;
	f->cur_key = FW_CFG_INVALID;
	fw_cfg_add_copy(f, FW_CFG_SIGNATURE, "QEMU", 4);
	fw_cfg_add_i32(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
	set_item(f, FW_CFG_FILE_DIR, xzalloc(FW_CFG_DIR_SIZE), FW_CFG_DIR_SIZE, true);
	rebuild_directory(f);
}

void fw_cfg_free(struct fw_cfg *f)
{
	for (int a = 0; a < 2; a++)
		for (int i = 0; i < FW_CFG_MAX_ENTRY; i++)
			if (f->items[a][i].owned)
				free(f->items[a][i].data);
	memset(f, 0, sizeof(*f));
}

void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	f->cur_offset = 0;
	f->cur_key = item_of(f, key) ? key : FW_CFG_INVALID;
}

uint8_t fw_cfg_read_byte(struct fw_cfg *f)
{
	const struct fw_cfg_item *it = item_of(f, f->cur_key);
	if (!it || !it->data || f->cur_offset >= it->len)
		return 0;
	return it->data[f->cur_offset++];
}

void fw_cfg_dma_transfer(struct fw_cfg *f, uint64_t desc_addr)
{
	uint8_t desc[FW_CFG_DMA_DESC_SIZE];
	uint8_t status[4];
	if (!guest_mem_read(f->mem, desc_addr, desc, sizeof(desc))) {
		put_be32(status, FW_CFG_DMA_CTL_ERROR);
		guest_mem_write(f->mem, desc_addr, status, 4);	/* fails too if out of RAM */
		return;
	}
	uint32_t control = get_be32(desc), length = get_be32(desc + 4);
	uint64_t address = get_be64(desc + 8);
	if (control & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(f, (uint16_t)(control >> 16));
	bool read = false, write = false;
	if (control & FW_CFG_DMA_CTL_READ)
		read = true;
	else if (control & FW_CFG_DMA_CTL_WRITE)
		write = true;
	else if (!(control & FW_CFG_DMA_CTL_SKIP))
		length = 0;
	uint32_t result = 0;
	struct fw_cfg_item *it = item_of(f, f->cur_key);
	while (length > 0 && !(result & FW_CFG_DMA_CTL_ERROR)) {
		uint32_t len;
		if (!it || !it->data || f->cur_offset >= it->len) {
			/* Past the end: reads give zeros, writes fail, skips just advance. */
			len = length;
			if (read && !guest_mem_fill(f->mem, address, 0, len))
				result |= FW_CFG_DMA_CTL_ERROR;
			if (write)
				result |= FW_CFG_DMA_CTL_ERROR;
		} else {
			len = length < it->len - f->cur_offset ? length : it->len - f->cur_offset;
			if (read && !guest_mem_write(f->mem, address, it->data + f->cur_offset, len))
				result |= FW_CFG_DMA_CTL_ERROR;
			if (write)
				result |= FW_CFG_DMA_CTL_ERROR;	/* no item of microvm is writable */
			f->cur_offset += len;
		}
		address += len;
		length -= len;
	}
	put_be32(status, result);
	guest_mem_write(f->mem, desc_addr, status, 4);
}

/* Ports: 0x510 (16-bit write: select; 8-bit read: data), 0x511 (8-bit data), and the DMA
 * address at 0x514-0x51b, which the guest writes big-endian, high half first. */
uint64_t fw_cfg_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct fw_cfg *f = opaque;
	if (offset < 2)
		return size == 1 ? fw_cfg_read_byte(f) : ~0ULL;
	if (offset >= 4 && offset + size <= 12) {
		uint64_t v = 0;
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)(uint8_t)(FW_CFG_DMA_SIGNATURE >> (8 * (11 - offset - i)))
			     << (8 * i);
		return v;
	}
	return ~0ULL;
}

static uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

void fw_cfg_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct fw_cfg *f = opaque;
	if (offset == 0 && size == 2) {
		fw_cfg_select(f, (uint16_t)value);
	} else if (offset == 4 && size == 4) {
		f->dma_addr = (uint64_t)bswap32((uint32_t)value) << 32;
	} else if (offset == 8 && size == 4) {
		uint64_t addr = f->dma_addr | bswap32((uint32_t)value);
		f->dma_addr = 0;
		fw_cfg_dma_transfer(f, addr);
	}
	/* 8-bit data writes are ignored since QEMU 2.4; other forms are not decoded. */
}
