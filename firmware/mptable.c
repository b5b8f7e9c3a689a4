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
#define DW(a, b, c, d)	((a) | (b) << 8 | (c) << 16 | (uint32_t)(d) << 24)

/*
 * ISA IRQ routing, written with IOAPIC id 0 and patched: IRQ n on pin n, except that with
 * IRQ0_OVERRIDE the PIT's IRQ0 is on pin 2 and IRQ2 (the PIC cascade) is not routed.
 */
#define ROUTE(irq, pin)	MP_INT_WORD0(MP_ENTRY_IOINT, MP_INT), MP_INT_WORD1(0, irq, 0, pin)
#define ROUTES_1_15_BUT_2 \
	ROUTE(1, 1), ROUTE(3, 3), ROUTE(4, 4), ROUTE(5, 5), ROUTE(6, 6), ROUTE(7, 7), \
	ROUTE(8, 8), ROUTE(9, 9), ROUTE(10, 10), ROUTE(11, 11), ROUTE(12, 12), \
	ROUTE(13, 13), ROUTE(14, 14), ROUTE(15, 15)
static const uint32_t routes_override[] = { ROUTE(0, MP_PIN_IRQ0_OVERRIDE), ROUTES_1_15_BUT_2 };
static const uint32_t routes_identity[] = { ROUTE(0, 0), ROUTE(2, 2), ROUTES_1_15_BUT_2 };
/* their byte sums: 3 per entry plus irq plus pin (0..15 twice, minus what is left out) */
#define ROUTES_SUM_OVERRIDE	(15 * 3 + (120 - 2) + (120 - 2 + MP_PIN_IRQ0_OVERRIDE))
#define ROUTES_SUM_IDENTITY	(16 * 3 + 120 + 120)

void build_mptable(struct board *b)
{
	struct mp_float *fp = (struct mp_float *)MP_FLOAT_ADDR;
	struct mp_header *h = (struct mp_header *)MP_TABLE_ADDR;
	struct writer w = { (uint32_t *)(h + 1), 0, 0 };
	uint32_t cpus = b->cpus ? b->cpus : 1, sig, ebx, ecx, features, i, n;
	uint32_t max_cpus = (MP_TABLE_MAX - sizeof(*h) - 64 - MP_ISA_IRQS * 8) / MP_CPU_ENTRY_SIZE;
	const uint32_t *routes = b->irq0_override ? routes_override : routes_identity;
	uint32_t ioapic_id;
	uint8_t *id;

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
	/* bus 0 is ISA: type, id, "ISA   "; then the IOAPIC */
	put(&w, DW(MP_ENTRY_BUS, 0, 'I', 'S'));
	put(&w, DW('A', ' ', ' ', ' '));
	put(&w, DW(MP_ENTRY_IOAPIC, ioapic_id, MP_IOAPIC_VER, MP_IOAPIC_EN));
	put(&w, MP_IOAPIC_ADDR);

	n = b->irq0_override ? sizeof(routes_override) / 8 : sizeof(routes_identity) / 8;
	memcpy(w.p, routes, n * 8);
	for (i = 0, id = (uint8_t *)w.p + 6; i < n; i++, id += 8)
		*id = ioapic_id;
	w.sum += (b->irq0_override ? ROUTES_SUM_OVERRIDE : ROUTES_SUM_IDENTITY) + n * ioapic_id;
	w.p += 2 * n;

	put(&w, MP_INT_WORD0(MP_ENTRY_LINT, MP_EXTINT));
	put(&w, MP_INT_WORD1(0, 0, MP_ALL_LAPICS, 0));
	put(&w, MP_INT_WORD0(MP_ENTRY_LINT, MP_NMI));
	put(&w, MP_INT_WORD1(0, 0, MP_ALL_LAPICS, 1));
	w.entries = cpus + 2 + n + 2;

	/* the header, as dwords: constants fold into the sum at compile time */
	n = (uint8_t *)w.p - (uint8_t *)h;	/* table length */
	w.p = (uint32_t *)MP_TABLE_ADDR;
	put(&w, DW('P', 'C', 'M', 'P'));
	put(&w, n | MP_SPEC_REV << 16);		/* length, spec_rev, checksum 0 for now */
	put(&w, DW('M', 'I', 'C', 'R'));
	put(&w, DW('O', 'R', 'I', 'G'));
	put(&w, DW('M', 'I', 'C', 'R'));
	put(&w, DW('O', 'V', 'M', ' '));
	put(&w, DW(' ', ' ', ' ', ' '));
	put(&w, 0);				/* OEM table pointer */
	put(&w, (uint32_t)w.entries << 16);	/* OEM table size 0, entry count */
	put(&w, MP_LAPIC_ADDR);
	put(&w, 0);				/* extended table: none */
	h->checksum = -fold(w.sum);

	w.sum = 0;
	w.p = (uint32_t *)MP_FLOAT_ADDR;
	put(&w, DW('_', 'M', 'P', '_'));
	put(&w, (uint32_t)h);
	put(&w, DW(1, MP_SPEC_REV, 0, 0));	/* 16 bytes, spec_rev, checksum, feature 1 = 0 */
	put(&w, 0);				/* feature bytes 2-5: IMCR absent, virtual wire */
	fp->checksum = -fold(w.sum);
	b->mptable = (uint32_t)fp;

	if (!reporting())
		return;
	line_begin("table");
	line_word("kind", "mptable");
	line_hex("addr", (uint32_t)fp);
	line_dec("cpus", cpus);
	line_dec("ioapic_id", cpus);
	line_dec("irq0_pin", b->irq0_override ? MP_PIN_IRQ0_OVERRIDE : 0);
	line_end();
}
