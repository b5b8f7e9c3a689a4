/* e820.c: the memory map, whichever structure carried it. A kernel trusts it
 * blindly: a gap hides RAM, an overlap or a RAM entry where there is none
 * hands it memory that is not there, an unsorted or zero-length entry trips
 * naive parsers (Linux sanitises, others do not). */
#include "handoff.h"
#include "report.h"

#define LOW_RAM_END		0x80000		/* 512 KiB: room for real-mode trampolines */
#define HIGH_MEMORY_START	0x100000
#define MICROVM_LOWMEM_MAX	0xc0000000ull	/* microvm puts RAM beyond 3 GiB above 4 GiB */
#define HIGH_RAM_START		0x100000000ull

extern char __image_start[], _end[];

struct range {
	uint64_t base, end;
};

/* The RAM the VMM gave, as microvm lays it out. Returns the range count. */
static unsigned vmm_ram(uint64_t mem, struct range r[2])
{
	uint64_t low = mem < MICROVM_LOWMEM_MAX ? mem : MICROVM_LOWMEM_MAX;

	r[0] = (struct range){ 0, low };
	if (mem <= low)
		return 1;
	r[1] = (struct range){ HIGH_RAM_START, HIGH_RAM_START + (mem - low) };
	return 2;
}

/* First byte of [base, end) that no entry (of type `type`, or any if 0)
 * covers; end if all of it is covered. */
static uint64_t first_gap(const struct handoff *h, uint64_t base, uint64_t end, uint32_t type)
{
	uint64_t cur = base;
	bool moved = true;

	while (cur < end && moved) {
		moved = false;
		for (unsigned i = 0; i < h->e820_count; i++) {
			const struct e820_entry *e = &h->e820[i];

			if ((!type || e->type == type) && e->base <= cur && e->base + e->size > cur) {
				cur = e->base + e->size;
				moved = true;
			}
		}
	}
	return cur < end ? cur : end;
}

/* Entry i, or entry 0 when i is the "none found" value (the count): a
 * check's detail arguments are evaluated whether or not it fails. */
static const struct e820_entry *at(const struct handoff *h, unsigned i)
{
	return &h->e820[i < h->e820_count ? i : 0];
}

static void check_entries(const struct handoff *h)
{
	unsigned empty = h->e820_count, badtype = h->e820_count, unsorted = h->e820_count;
	unsigned prev = h->e820_count, unsorted_prev = 0;

	for (unsigned i = 0; i < h->e820_count; i++) {
		const struct e820_entry *e = &h->e820[i];

		if (!e->size && empty == h->e820_count)
			empty = i;
		if (!e->size)
			continue;	/* reported above; keep the other checks about the rest */
		if ((e->type < E820_RAM || e->type > E820_UNUSABLE) && e->type != E820_PMEM &&
		    badtype == h->e820_count)
			badtype = i;
		if (prev < h->e820_count && e->base < h->e820[prev].base && unsorted == h->e820_count)
			unsorted = i, unsorted_prev = prev;
		prev = i;
	}
	check("e820-no-empty", empty == h->e820_count, "no e820 entry has a length of zero",
	      "entry %u is 0x%llx+0 type %u", empty, (unsigned long long)at(h, empty)->base,
	      at(h, empty)->type);
	check("e820-types", badtype == h->e820_count,
	      "every non-empty e820 entry has a defined type (1-5 or 7)", "entry %u has type %u", badtype,
	      at(h, badtype)->type);
	check("e820-sorted", unsorted == h->e820_count, "the non-empty e820 entries are sorted by base address",
	      "entry %u (0x%llx) comes after 0x%llx", unsorted,
	      (unsigned long long)at(h, unsorted)->base,
	      (unsigned long long)h->e820[unsorted_prev].base);
}

static void check_overlap(const struct handoff *h)
{
	for (unsigned i = 0; i < h->e820_count; i++)
		for (unsigned j = i + 1; j < h->e820_count; j++) {
			const struct e820_entry *a = &h->e820[i], *b = &h->e820[j];

			if (a->size && b->size && a->base < b->base + b->size && b->base < a->base + a->size) {
				check("e820-no-overlap", false, "no two e820 entries overlap",
				      "entries %u (0x%llx+0x%llx) and %u (0x%llx+0x%llx)", i,
				      (unsigned long long)a->base, (unsigned long long)a->size, j,
				      (unsigned long long)b->base, (unsigned long long)b->size);
				return;
			}
		}
	check("e820-no-overlap", true, "no two e820 entries overlap", NULL);
}

static void check_against_vmm(const struct handoff *h, const struct expect *x)
{
	struct range r[2];
	unsigned n;
	uint64_t gap = 0;
	bool covered = true;

	if (!x->has_mem) {
		skip("e820-covers-ram", "no probe.mem key on the command line");
		skip("e820-ram-within", "no probe.mem key on the command line");
		return;
	}
	n = vmm_ram(x->mem, r);
	for (unsigned i = 0; i < n && covered; i++) {
		uint64_t base = r[i].base ? r[i].base : HIGH_MEMORY_START;

		gap = first_gap(h, base, r[i].end, 0);
		covered = gap == r[i].end;
	}
	check("e820-covers-ram", covered,
	      "every byte of the RAM the VMM gave above 1 MiB is described by an e820 entry",
	      "first undescribed byte 0x%llx (probe.mem=%llu)", (unsigned long long)gap,
	      (unsigned long long)x->mem);

	unsigned outside = h->e820_count;

	for (unsigned i = 0; i < h->e820_count && outside == h->e820_count; i++) {
		const struct e820_entry *e = &h->e820[i];
		bool inside = false;

		if (e->type != E820_RAM || !e->size)
			continue;
		for (unsigned k = 0; k < n; k++)
			inside |= e->base >= r[k].base && e->base + e->size <= r[k].end;
		if (!inside)
			outside = i;
	}
	check("e820-ram-within", outside == h->e820_count,
	      "no usable-RAM entry claims memory the VMM did not give",
	      "entry %u 0x%llx+0x%llx is outside the RAM", outside,
	      (unsigned long long)at(h, outside)->base, (unsigned long long)at(h, outside)->size);
}

void e820_check(const struct handoff *h, const struct expect *x)
{
	if (!check("e820-present", h->has_e820 && h->e820_count > 0,
		   "the firmware handed over a non-empty memory map", NULL))
		return;
	for (unsigned i = 0; i < h->e820_count; i++)
		report_line("e820 index=%u base=0x%llx size=0x%llx type=%u", i,
			    (unsigned long long)h->e820[i].base, (unsigned long long)h->e820[i].size,
			    h->e820[i].type);
	check_entries(h);
	check_overlap(h);
	uint64_t low = first_gap(h, 0, LOW_RAM_END, E820_RAM);

	check("e820-low-ram", low == LOW_RAM_END,
	      "usable RAM covers the first 512 KiB of conventional memory",
	      "first non-RAM byte 0x%llx", (unsigned long long)low);
	uint64_t img = first_gap(h, (uintptr_t)__image_start, (uintptr_t)_end, E820_RAM);

	check("e820-probe-image", img == (uintptr_t)_end,
	      "the probe's own image (from 1 MiB to the end of its stack) lies in usable RAM",
	      "0x%llx is not usable RAM", (unsigned long long)img);
	check_against_vmm(h, x);
}
