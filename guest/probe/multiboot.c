/* multiboot.c: the Multiboot v1 information structure (Multiboot
 * Specification 0.6.96, section 3.3). */
#include "handoff.h"
#include "report.h"
#include "string.h"

#define MB_BOOTLOADER_MAGIC	0x2BADB002	/* in EAX at entry */
#define MBI_FLAG_MEM		(1 << 0)	/* mem_lower/mem_upper valid */
#define MBI_FLAG_CMDLINE	(1 << 2)
#define MBI_FLAG_MODS		(1 << 3)
#define MBI_FLAG_MMAP		(1 << 6)
#define MB_MMAP_ENTRY_MIN	20	/* base, length, type: the size field excludes itself */
#define MB_MEM_LOWER_MAX	640	/* KiB of conventional memory */
#define HIGH_MEMORY_START	0x100000

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

static const struct mb_info *mbi(const struct handoff *h)
{
	return (const struct mb_info *)(uintptr_t)h->info;
}

/* Walks the mmap; returns false if an entry is malformed. */
static bool read_mmap(struct handoff *h)
{
	const struct mb_info *m = mbi(h);
	uint64_t p = m->mmap_addr, end = (uint64_t)m->mmap_addr + m->mmap_length;

	if (!addr_ok(m->mmap_addr, m->mmap_length))
		return false;
	h->has_e820 = true;
	h->e820_count = 0;
	while (p + 4 <= end && h->e820_count < E820_MAX) {
		uint32_t size;

		memcpy(&size, (const void *)(uintptr_t)p, 4);
		if (size < MB_MMAP_ENTRY_MIN || p + 4 + size > end)
			return false;
		struct e820_entry *e = &h->e820[h->e820_count++];

		memcpy(&e->base, (const void *)(uintptr_t)(p + 4), 8);
		memcpy(&e->size, (const void *)(uintptr_t)(p + 12), 8);
		memcpy(&e->type, (const void *)(uintptr_t)(p + 20), 4);
		p += 4 + size;
	}
	return p == end;
}

static bool mmap_well_formed;

void multiboot_read(struct handoff *h)
{
	const struct mb_info *m = mbi(h);

	if (m->flags & MBI_FLAG_MMAP)
		mmap_well_formed = read_mmap(h);
	if (m->flags & MBI_FLAG_CMDLINE)
		h->cmdline = m->cmdline;
	if ((m->flags & MBI_FLAG_MODS) && m->mods_count && addr_ok(m->mods_addr, sizeof(struct mb_module))) {
		const struct mb_module *mod = (const void *)(uintptr_t)m->mods_addr;

		h->has_initrd = true;
		h->initrd_base = mod->mod_start;
		h->initrd_size = mod->mod_end - mod->mod_start;
	}
}

/* End of the usable RAM run that starts at 1 MiB, from the memory map. */
static uint64_t ram_run_from_1mib(const struct handoff *h)
{
	uint64_t end = HIGH_MEMORY_START;
	bool grew = true;

	while (grew) {
		grew = false;
		for (unsigned i = 0; i < h->e820_count; i++) {
			const struct e820_entry *e = &h->e820[i];

			if (e->type == E820_RAM && e->base <= end && e->base + e->size > end) {
				end = e->base + e->size;
				grew = true;
			}
		}
	}
	return end;
}

void multiboot_check(const struct handoff *h, const struct expect *x)
{
	const struct mb_info *m = mbi(h);
	uint32_t need = MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MMAP | (x->has_initrd ? MBI_FLAG_MODS : 0);

	check("mbi-magic", (uint32_t)entry_state.rax == MB_BOOTLOADER_MAGIC,
	      "EAX holds the Multiboot loader magic 0x2BADB002", "eax=0x%llx",
	      (unsigned long long)entry_state.rax);
	check("mbi-flags", (m->flags & need) == need,
	      "the info structure has memory sizes, command line, memory map (and modules when an initrd was given)",
	      "flags=0x%x, want 0x%x", m->flags, need);
	if (m->flags & MBI_FLAG_MMAP)
		check("mbi-mmap", mmap_well_formed,
		      "the memory map is a sequence of whole entries filling mmap_length",
		      "mmap_addr=0x%x mmap_length=%u", m->mmap_addr, m->mmap_length);
	if ((m->flags & MBI_FLAG_MEM) && h->has_e820) {
		uint64_t run = ram_run_from_1mib(h) - HIGH_MEMORY_START;

		check("mbi-mem", m->mem_lower <= MB_MEM_LOWER_MAX && (uint64_t)m->mem_upper * 1024 == run,
		      "mem_lower is at most 640 KiB and mem_upper matches the RAM from 1 MiB in the memory map",
		      "mem_lower=%u mem_upper=%u KiB, map says %llu KiB", m->mem_lower, m->mem_upper,
		      (unsigned long long)(run / 1024));
	}
}
