/* zeropage.c: the Linux boot protocol's boot_params ("zero page") for the
 * bzImage entries. Offsets: Documentation/arch/x86/zero-page.rst and boot.rst. */
#include "handoff.h"
#include "report.h"
#include "string.h"

#define ZP_EXT_RAMDISK_IMAGE	0x0c0	/* u32, bits 32-63 of ramdisk_image */
#define ZP_EXT_RAMDISK_SIZE	0x0c4
#define ZP_EXT_CMD_LINE_PTR	0x0c8
#define ZP_E820_ENTRIES		0x1e8	/* u8 */
#define ZP_BOOT_FLAG		0x1fe	/* u16 0xAA55 */
#define ZP_HEADER		0x202	/* "HdrS" */
#define ZP_VERSION		0x206
#define ZP_TYPE_OF_LOADER	0x210
#define ZP_CODE32_START		0x214
#define ZP_RAMDISK_IMAGE	0x218
#define ZP_RAMDISK_SIZE		0x21c
#define ZP_CMD_LINE_PTR		0x228
#define ZP_INITRD_ADDR_MAX	0x22c
#define ZP_CMDLINE_SIZE		0x238
#define ZP_SETUP_DATA		0x250	/* u64, first setup_data node */
#define ZP_INIT_SIZE		0x260
#define ZP_E820_TABLE		0x2d0	/* 20-byte entries */
#define ZP_SIZE			4096

#define BOOT_FLAG_VALUE		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define PROBE_BOOT_PROTOCOL	0x020f	/* what setup16.S declares */
#define PROBE_LOAD_ADDR		0x100000
#define E820_ZP_MAX		128	/* E820_MAX_ENTRIES_ZEROPAGE */
#define E820_ZP_ENTRY_SIZE	20
#define SETUP_DATA_MAX_NODES	32	/* more means a loop */
#define SETUP_DATA_HDR		16	/* next (u64), type (u32), len (u32) */
#define SETUP_DATA_LEN		12	/* offset of len */

#define PTE_P			0x001
#define PTE_PS			0x080
#define PTE_ADDR_MASK		0x000ffffffffff000ull
#define PAGE_SIZE		4096

static uint8_t zp8(const struct handoff *h, unsigned off) { return *(const uint8_t *)(uintptr_t)(h->info + off); }
static uint16_t zp16(const struct handoff *h, unsigned off) { uint16_t v; memcpy(&v, (const void *)(uintptr_t)(h->info + off), 2); return v; }
static uint32_t zp32(const struct handoff *h, unsigned off) { uint32_t v; memcpy(&v, (const void *)(uintptr_t)(h->info + off), 4); return v; }
static uint64_t zp64(const struct handoff *h, unsigned off) { uint64_t v; memcpy(&v, (const void *)(uintptr_t)(h->info + off), 8); return v; }

void zeropage_read(struct handoff *h)
{
	if (!addr_ok(h->info, ZP_SIZE))
		return;
	unsigned n = zp8(h, ZP_E820_ENTRIES);

	h->has_e820 = true;
	h->e820_count = n > E820_ZP_MAX ? E820_ZP_MAX : n;
	for (unsigned i = 0; i < h->e820_count; i++) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)(h->info + ZP_E820_TABLE + i * E820_ZP_ENTRY_SIZE);

		memcpy(&h->e820[i].base, p, 8);
		memcpy(&h->e820[i].size, p + 8, 8);
		memcpy(&h->e820[i].type, p + 16, 4);
	}
	h->cmdline = zp32(h, ZP_CMD_LINE_PTR) | (uint64_t)zp32(h, ZP_EXT_CMD_LINE_PTR) << 32;
	h->cmdline_max = (uint64_t)zp32(h, ZP_CMDLINE_SIZE) + 1;	/* size excludes the NUL */
	h->initrd_base = zp32(h, ZP_RAMDISK_IMAGE) | (uint64_t)zp32(h, ZP_EXT_RAMDISK_IMAGE) << 32;
	h->initrd_size = zp32(h, ZP_RAMDISK_SIZE) | (uint64_t)zp32(h, ZP_EXT_RAMDISK_SIZE) << 32;
	h->has_initrd = h->initrd_size != 0;
}

static void check_setup_data(const struct handoff *h)
{
	uint64_t node = zp64(h, ZP_SETUP_DATA);
	unsigned n = 0;
	bool ok = true;

	while (node && ok) {
		uint32_t len;

		ok = n < SETUP_DATA_MAX_NODES && addr_ok(node, SETUP_DATA_HDR) &&
		     e820_type_of(h, node, SETUP_DATA_HDR) != 0;
		if (!ok)
			break;
		memcpy(&len, (const void *)(uintptr_t)(node + SETUP_DATA_LEN), 4);
		ok = addr_ok(node, SETUP_DATA_HDR + (uint64_t)len);
		memcpy(&node, (const void *)(uintptr_t)node, 8);
		n++;
	}
	check("zeropage-setup-data", ok,
	      "the setup_data list is a finite chain of nodes inside the e820 map",
	      "bad node 0x%llx after %u nodes", (unsigned long long)node, n);
}

/* Physical address that va maps to under the loader's tables, or ~0. */
static uint64_t walk(uint64_t cr3, uint64_t va)
{
	uint64_t table = cr3 & PTE_ADDR_MASK;

	for (int level = 3; level >= 0; level--) {
		uint64_t slot = table + ((va >> (12 + 9 * level)) & 511) * 8, e;

		if (!addr_ok(slot, 8))
			return ~0ull;
		memcpy(&e, (const void *)(uintptr_t)slot, 8);
		if (!(e & PTE_P))
			return ~0ull;
		if (level == 0 || (level <= 2 && (e & PTE_PS))) {
			uint64_t page = 1ull << (12 + 9 * level);

			return (e & PTE_ADDR_MASK & ~(page - 1)) | (va & (page - 1));
		}
		table = e & PTE_ADDR_MASK;
	}
	return ~0ull;
}

static bool identity_mapped(uint64_t cr3, uint64_t base, uint64_t size, uint64_t *bad)
{
	for (uint64_t a = base & ~(uint64_t)(PAGE_SIZE - 1); a < base + size; a += PAGE_SIZE)
		if (walk(cr3, a) != a) {
			*bad = a;
			return false;
		}
	return true;
}

static void check_identity_map(const struct handoff *h)
{
	uint64_t cr3 = entry_state.cr3, bad = 0;
	uint64_t cmdlen = h->cmdline ? strnlen((const char *)(uintptr_t)h->cmdline, h->cmdline_max) + 1 : 0;
	bool ok = identity_mapped(cr3, PROBE_LOAD_ADDR, zp32(h, ZP_INIT_SIZE), &bad) &&
		  identity_mapped(cr3, h->info, ZP_SIZE, &bad) &&
		  identity_mapped(cr3, h->cmdline, cmdlen, &bad);

	check("zeropage-identity-map", ok,
	      "the loader's page tables identity-map the kernel (init_size), the zero page and the command line",
	      "address 0x%llx is not identity-mapped", (unsigned long long)bad);
}

void zeropage_check(const struct handoff *h, const struct expect *x)
{
	(void)x;
	check("zeropage-header",
	      zp16(h, ZP_BOOT_FLAG) == BOOT_FLAG_VALUE && zp32(h, ZP_HEADER) == HDRS_MAGIC &&
	      zp16(h, ZP_VERSION) == PROBE_BOOT_PROTOCOL,
	      "the zero page holds the kernel's setup header (0xAA55, HdrS, version 2.15)",
	      "boot_flag=0x%x header=0x%x version=0x%x", zp16(h, ZP_BOOT_FLAG), zp32(h, ZP_HEADER),
	      zp16(h, ZP_VERSION));
	check("zeropage-loader-type", zp8(h, ZP_TYPE_OF_LOADER) != 0,
	      "the loader identified itself in type_of_loader", NULL);
	check("zeropage-code32-start", zp32(h, ZP_CODE32_START) == PROBE_LOAD_ADDR,
	      "code32_start is 0x100000, where the protected-mode image was loaded",
	      "code32_start=0x%x", zp32(h, ZP_CODE32_START));
	check("zeropage-e820-count", zp8(h, ZP_E820_ENTRIES) <= E820_ZP_MAX,
	      "e820_entries is at most 128, the size of the zero page's table",
	      "e820_entries=%u", zp8(h, ZP_E820_ENTRIES));
	if (h->has_initrd)
		check("zeropage-initrd-limit",
		      h->initrd_base + h->initrd_size - 1 <= zp32(h, ZP_INITRD_ADDR_MAX),
		      "the initrd ends below initrd_addr_max",
		      "initrd 0x%llx+0x%llx, max 0x%x", (unsigned long long)h->initrd_base,
		      (unsigned long long)h->initrd_size, zp32(h, ZP_INITRD_ADDR_MAX));
	check_setup_data(h);
	if (h->protocol == PROTO_BZIMAGE16)
		check("zeropage-bios-e820", h->s16->e820_status == 0 && h->s16->e820_count > 0,
		      "int 15h E820 gave the 16-bit setup a memory map",
		      "status=%u count=%u (1: CF at the first call, 2: no SMAP signature)",
		      h->s16->e820_status, h->s16->e820_count);
	if (h->protocol == PROTO_BZIMAGE64)
		check_identity_map(h);
}
