/*
 * mptable.c: an Intel MultiProcessor Specification 1.4 table, how a kernel without ACPI
 * learns the CPUs, the ISA bus, the IOAPIC and how ISA IRQs reach its pins. The floating
 * pointer sits in the last KiB of base memory (one of the places the spec says to scan),
 * the table itself lower in the same reserved hand-off area.
 */
#include "board.h"
#include "report.h"

#define MP_FLOAT_ADDR	MEM_MPTABLE	/* 0x9fc00: "last KiB of base memory" */
#define MP_TABLE_ADDR	0x9e000		/* config table: up to 0x9fc00 (7 KiB) */
#define MP_TABLE_MAX	(MP_FLOAT_ADDR - MP_TABLE_ADDR)
#define MP_SPEC_REV	4		/* version 1.4 */
#define MP_LAPIC_ADDR	0xfee00000
#define MP_LAPIC_VER	0x14
#define MP_IOAPIC_ADDR	0xfec00000
#define MP_IOAPIC_VER	0x11
#define MP_ENTRY_CPU	0
#define MP_ENTRY_BUS	1
#define MP_ENTRY_IOAPIC	2
#define MP_ENTRY_IOINT	3
#define MP_ENTRY_LINT	4
#define MP_CPU_EN	0x01
#define MP_CPU_BP	0x02		/* the boot processor */
#define MP_IOAPIC_EN	0x01
#define MP_INT		0		/* vectored interrupt */
#define MP_NMI		1
#define MP_EXTINT	3		/* from the 8259 */
#define MP_ISA_IRQS	16
#define MP_ISA_CASCADE	2		/* ISA IRQ2 is the PIC cascade: not routed */
#define MP_PIN_IRQ0_OVERRIDE 2		/* QEMU wires the PIT to IOAPIC pin 2 */
#define MP_ALL_LAPICS	0xff
#define MP_CPU_ENTRY_SIZE 20

struct mp_float {
	char signature[4];		/* "_MP_" */
	uint32_t table;
	uint8_t length;			/* in 16-byte units */
	uint8_t spec_rev;
	uint8_t checksum;
	uint8_t feature[5];		/* all 0: a table is present, virtual wire mode */
} __attribute__((packed));

struct mp_header {
	char signature[4];		/* "PCMP" */
	uint16_t length;
	uint8_t spec_rev;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_size;
	uint16_t entries;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));

/*
 * Byte sums a dword at a time: bytes 0+2 and 1+3 are added in two 16-bit lanes, which
 * cannot overflow for a table this size; fold() adds the lanes at the end.
 */
static inline uint32_t bsum(uint32_t x)
{
	return (x & 0x00ff00ff) + ((x >> 8) & 0x00ff00ff);
}

static inline uint8_t fold(uint32_t lanes)
{
	return lanes + (lanes >> 16);
}

/*
 * The table is written a dword at a time with its byte sum kept as it goes, so the
 * checksum costs no second pass over memory (the firmware's cost is measured in guest
 * instructions, and this table is on every boot's path).
 */
struct writer {
	uint32_t *p;
	uint32_t sum;
	uint16_t entries;
};

static inline void put(struct writer *w, uint32_t v)
{
	*w->p++ = v;
	w->sum += bsum(v);
}

#define MP_CPU_WORD0(id, flags) \
	(MP_ENTRY_CPU | (id) << 8 | MP_LAPIC_VER << 16 | (uint32_t)(flags) << 24)
#define MP_INT_WORD0(entry, type) ((entry) | (type) << 8)	/* flags 0: conform to bus */
#define MP_INT_WORD1(bus, irq, dst, pin) \
	((bus) | (irq) << 8 | (dst) << 16 | (uint32_t)(pin) << 24)

void build_mptable(struct board *b)
{
	struct mp_float *fp = (struct mp_float *)MP_FLOAT_ADDR;
	struct mp_header *h = (struct mp_header *)MP_TABLE_ADDR;
	struct writer w = { (uint32_t *)(h + 1), 0, 0 };
	uint32_t cpus = b->cpus ? b->cpus : 1, sig, ebx, ecx, features, i;
	uint32_t max_cpus = (MP_TABLE_MAX - sizeof(*h) - 64 - MP_ISA_IRQS * 8) / MP_CPU_ENTRY_SIZE;
	uint32_t ioapic_id;

	if (max_cpus > 254)
		max_cpus = 254;		/* 8-bit APIC ids, 0xff is broadcast */
	if (cpus > max_cpus)
		cpus = max_cpus;
	ioapic_id = cpus;		/* the first id after the CPUs' */

	cpuid(1, &sig, &ebx, &ecx, &features);
	for (i = 0; i < cpus; i++) {
		put(&w, MP_CPU_WORD0(i, MP_CPU_EN | (i == 0 ? MP_CPU_BP : 0)));
		put(&w, sig);
		put(&w, features);
		put(&w, 0);
		put(&w, 0);
	}
	/* bus 0 is ISA: type, id, then "ISA   " */
	put(&w, MP_ENTRY_BUS | 0 << 8 | 'I' << 16 | 'S' << 24);
	put(&w, 'A' | ' ' << 8 | ' ' << 16 | (uint32_t)' ' << 24);
	put(&w, MP_ENTRY_IOAPIC | ioapic_id << 8 | MP_IOAPIC_VER << 16 | MP_IOAPIC_EN << 24);
	put(&w, MP_IOAPIC_ADDR);
	w.entries = cpus + 2;
	for (i = 0; i < MP_ISA_IRQS; i++) {
		uint32_t pin = i;

		if (i == MP_ISA_CASCADE && b->irq0_override)
			continue;
		if (i == 0 && b->irq0_override)
			pin = MP_PIN_IRQ0_OVERRIDE;
		/* the byte sum of these two dwords is plain arithmetic */
		w.p[0] = MP_INT_WORD0(MP_ENTRY_IOINT, MP_INT);
		w.p[1] = MP_INT_WORD1(0, i, ioapic_id, pin);
		w.p += 2;
		w.sum += MP_ENTRY_IOINT + MP_INT + i + ioapic_id + pin;
		w.entries++;
	}
	put(&w, MP_INT_WORD0(MP_ENTRY_LINT, MP_EXTINT));
	put(&w, MP_INT_WORD1(0, 0, MP_ALL_LAPICS, 0));
	put(&w, MP_INT_WORD0(MP_ENTRY_LINT, MP_NMI));
	put(&w, MP_INT_WORD1(0, 0, MP_ALL_LAPICS, 1));
	w.entries += 2;

	memset(h, 0, sizeof(*h));
	memcpy(h->signature, "PCMP", 4);
	h->length = (uint8_t *)w.p - (uint8_t *)h;
	h->spec_rev = MP_SPEC_REV;
	memcpy(h->oem, "MICRORIG", 8);
	memcpy(h->product, "MICROVM     ", 12);
	h->lapic = MP_LAPIC_ADDR;
	h->entries = w.entries;
	/* the header is summed the same way, 11 dwords */
	w.p = (uint32_t *)(void *)h;
	for (i = 0; i < sizeof(*h) / 4; i++)
		w.sum += bsum(w.p[i]);
	h->checksum = -fold(w.sum);

	memset(fp, 0, sizeof(*fp));
	memcpy(fp->signature, "_MP_", 4);
	fp->table = (uint32_t)h;
	fp->length = 1;
	fp->spec_rev = MP_SPEC_REV;
	w.sum = 0;
	for (i = 0, w.p = (uint32_t *)(void *)fp; i < sizeof(*fp) / 4; i++)
		w.sum += bsum(w.p[i]);
	fp->checksum = -fold(w.sum);
	b->mptable = (uint32_t)fp;

	if (!reporting())
		return;
	line_begin("table");
	line_word("kind", "mptable");
	line_hex("addr", (uint32_t)fp);
	line_dec("cpus", cpus);
	line_dec("ioapic_id", ioapic_id);
	line_dec("irq0_pin", b->irq0_override ? MP_PIN_IRQ0_OVERRIDE : 0);
	line_end();
}
