/* pvh.c: the PVH boot ABI's hvm_start_info (Xen public/arch-x86/hvm/start_info.h,
 * version 1 adds the memory map). */
#include "handoff.h"
#include "report.h"
#include "string.h"

#define HVM_START_MAGIC		0x336ec578
#define HVM_MEMMAP_VERSION	1	/* first version with memmap_paddr */
#define LOW_MEMORY_END		0x100000	/* firmware-owned by x86 convention */

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
} __attribute__((packed));

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
} __attribute__((packed));

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
} __attribute__((packed));

static const struct hvm_start_info *start_info(const struct handoff *h)
{
	return (const struct hvm_start_info *)(uintptr_t)h->info;
}

void pvh_read(struct handoff *h)
{
	const struct hvm_start_info *si = start_info(h);

	h->cmdline = si->cmdline_paddr;
	if (si->version >= HVM_MEMMAP_VERSION && si->memmap_paddr &&
	    addr_ok(si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(struct hvm_memmap_entry))) {
		const struct hvm_memmap_entry *m = (const void *)(uintptr_t)si->memmap_paddr;

		h->has_e820 = true;
		h->e820_count = si->memmap_entries > E820_MAX ? E820_MAX : si->memmap_entries;
		for (unsigned i = 0; i < h->e820_count; i++) {
			h->e820[i].base = m[i].addr;
			h->e820[i].size = m[i].size;
			h->e820[i].type = m[i].type;
		}
	}
	if (si->nr_modules && si->modlist_paddr && addr_ok(si->modlist_paddr, sizeof(struct hvm_modlist_entry))) {
		const struct hvm_modlist_entry *mod = (const void *)(uintptr_t)si->modlist_paddr;

		h->has_initrd = true;
		h->initrd_base = mod->paddr;
		h->initrd_size = mod->size;
	}
}

/* True if [base, base+size) is safe from a kernel: below 1 MiB, or outside
 * the RAM the e820 map calls usable. */
static bool kept_safe(const struct handoff *h, uint64_t base, uint64_t size)
{
	return base + size <= LOW_MEMORY_END || e820_type_of(h, base, size) != E820_RAM;
}

static void check_placement(const struct handoff *h)
{
	const struct hvm_start_info *si = start_info(h);
	const char *bad = NULL;
	uint64_t where = 0;

	if (!kept_safe(h, h->info, sizeof(*si)))
		bad = "start_info", where = h->info;
	else if (si->memmap_paddr &&
		 !kept_safe(h, si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(struct hvm_memmap_entry)))
		bad = "memmap", where = si->memmap_paddr;
	else if (si->nr_modules &&
		 !kept_safe(h, si->modlist_paddr, si->nr_modules * sizeof(struct hvm_modlist_entry)))
		bad = "modlist", where = si->modlist_paddr;
	else if (h->cmdline && !kept_safe(h, h->cmdline, strlen((const char *)(uintptr_t)h->cmdline) + 1))
		bad = "cmdline", where = h->cmdline;
	check("startinfo-placement", !bad,
	      "start_info, its memory map, module list and command line lie below 1 MiB or outside usable RAM",
	      "%s at 0x%llx is in usable RAM above 1 MiB", bad, (unsigned long long)where);
}

void pvh_check(const struct handoff *h, const struct expect *x)
{
	const struct hvm_start_info *si = start_info(h);

	check("startinfo-magic", si->magic == HVM_START_MAGIC,
	      "hvm_start_info starts with the magic 0x336ec578", "magic=0x%x", si->magic);
	check("startinfo-version", si->version >= HVM_MEMMAP_VERSION,
	      "hvm_start_info is version 1 or later (it has a memory map)", "version=%u", si->version);
	check("startinfo-memmap", si->memmap_paddr && si->memmap_entries,
	      "hvm_start_info carries a memory map", "memmap=0x%llx entries=%u",
	      (unsigned long long)si->memmap_paddr, si->memmap_entries);
	if (x->has_initrd)
		check("startinfo-modules", si->nr_modules >= 1 && si->modlist_paddr,
		      "the initrd is passed as the first module", "nr_modules=%u modlist=0x%llx",
		      si->nr_modules, (unsigned long long)si->modlist_paddr);
	else
		check("startinfo-modules", si->nr_modules == 0,
		      "no module is listed when no initrd was given", "nr_modules=%u", si->nr_modules);
	check("startinfo-reserved", si->reserved == 0 && si->flags == 0,
	      "the reserved field and the flags are zero", "flags=0x%x reserved=0x%x", si->flags,
	      si->reserved);
	check_placement(h);
}
