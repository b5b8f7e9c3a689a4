/* mptable.c: the Intel MultiProcessor Specification 1.4 table, which a
 * firmware must build when there is no ACPI (Linux finds CPUs and the IOAPIC
 * there). Searched where MPS 4 says: the EBDA's first KiB, the last KiB of
 * base memory, and the BIOS ROM at 0xF0000-0xFFFFF. */
#include "handoff.h"
#include "report.h"
#include "string.h"

#define BDA_EBDA_SEGMENT	0x40e		/* u16: EBDA segment */
#define BASE_MEMORY_LAST_KIB	0x9fc00
#define BIOS_ROM_BASE		0xf0000
#define BIOS_ROM_SIZE		0x10000
#define MPF_SIGNATURE		0x5f504d5f	/* "_MP_" */
#define MPC_SIGNATURE		0x504d4350	/* "PCMP" */
#define MPF_PARAGRAPH		16
#define MPC_HEADER_SIZE		44
#define MPC_LENGTH		4		/* u16: base table length */
#define MPC_ENTRY_COUNT		34		/* u16 in the header */
#define MPC_ENTRY_FLAGS		3		/* in processor and IOAPIC entries */
#define MPC_IOAPIC_ADDR		4		/* u32 in an IOAPIC entry */
#define MPC_ENTRY_PROCESSOR	0		/* 20 bytes */
#define MPC_ENTRY_IOAPIC	2		/* 8 bytes */
#define MPC_PROCESSOR_SIZE	20
#define MPC_OTHER_SIZE		8
#define MPC_CPU_ENABLED		0x01
#define MPC_IOAPIC_ENABLED	0x01
#define IOAPIC_DEFAULT_BASE	0xfec00000u

struct mpf {
	uint32_t signature, physptr;
	uint8_t length, spec_rev, checksum, feature1;
	uint32_t feature2_5;
} __attribute__((packed));

static uint8_t sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static const struct mpf *scan(uint64_t base, uint64_t size)
{
	for (uint64_t a = base; a + sizeof(struct mpf) <= base + size; a += MPF_PARAGRAPH) {
		const struct mpf *f = (const struct mpf *)(uintptr_t)a;

		if (f->signature == MPF_SIGNATURE)
			return f;
	}
	return NULL;
}

static const struct mpf *find_mpf(void)
{
	uint16_t ebda;
	const struct mpf *f = NULL;

	memcpy(&ebda, (const void *)(uintptr_t)BDA_EBDA_SEGMENT, 2);
	if (ebda && ((uint64_t)ebda << 4) < BASE_MEMORY_LAST_KIB + 1024)
		f = scan((uint64_t)ebda << 4, 1024);
	if (!f)
		f = scan(BASE_MEMORY_LAST_KIB, 1024);
	if (!f)
		f = scan(BIOS_ROM_BASE, BIOS_ROM_SIZE);
	return f;
}

void mptable_check(const struct expect *x)
{
	const struct mpf *f = find_mpf();

	if (!check("mptable-found", f != NULL,
		   "an MP floating pointer (_MP_) is where MPS 1.4 says to search", NULL))
		return;
	report_line("mptable mpf=%p config=0x%x", (const void *)f, f->physptr);
	const uint8_t *c = (const uint8_t *)(uintptr_t)f->physptr;
	uint16_t len = 0;
	uint32_t sig = 0;

	if (f->physptr && addr_ok(f->physptr, MPC_HEADER_SIZE)) {
		memcpy(&sig, c, 4);
		memcpy(&len, c + MPC_LENGTH, 2);
	}
	bool ok = sum8((const uint8_t *)f, f->length * 16u) == 0 && sig == MPC_SIGNATURE &&
		  len >= MPC_HEADER_SIZE && sum8(c, len) == 0;

	if (!check("mptable-checksum", ok,
		   "the floating pointer and the PCMP configuration table have valid checksums",
		   "physptr=0x%x signature=0x%x length=%u", f->physptr, sig, len))
		return;
	unsigned cpus = 0, listed = 0, ioapics = 0, entries = 0;
	uint16_t count;

	memcpy(&count, c + MPC_ENTRY_COUNT, 2);
	/* Walk by length, as Linux does; the count field is checked apart. */
	for (const uint8_t *p = c + MPC_HEADER_SIZE; p < c + len; entries++) {
		if (*p == MPC_ENTRY_PROCESSOR) {
			cpus += (p[MPC_ENTRY_FLAGS] & MPC_CPU_ENABLED) != 0;
			listed++;
			p += MPC_PROCESSOR_SIZE;
			continue;
		}
		if (*p == MPC_ENTRY_IOAPIC) {
			uint32_t addr;

			memcpy(&addr, p + MPC_IOAPIC_ADDR, 4);
			ioapics += (p[MPC_ENTRY_FLAGS] & MPC_IOAPIC_ENABLED) && addr == IOAPIC_DEFAULT_BASE;
		}
		p += MPC_OTHER_SIZE;
	}
	check("mptable-entry-count", count == entries,
	      "the table header's entry count matches the entries within its length",
	      "count=%u, %u entries in %u bytes", count, entries, len);
	if (x->has_cpus)
		check("mptable-cpus", cpus == x->cpus,
		      "the MP table lists one enabled processor per vCPU",
		      "%u enabled of %u listed processors, probe.cpus=%llu", cpus, listed,
		      (unsigned long long)x->cpus);
	else
		skip("mptable-cpus", "no probe.cpus key on the command line");
	check("mptable-ioapic", ioapics == 1, "the MP table lists the IOAPIC at 0xfec00000",
	      "%u matching IOAPIC entries", ioapics);
}
