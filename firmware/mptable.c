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

struct mp_cpu {
	uint8_t type, lapic_id, lapic_ver, flags;
	uint32_t signature, features;
	uint32_t reserved[2];
} __attribute__((packed));

struct mp_bus {
	uint8_t type, id;
	char name[6];
} __attribute__((packed));

struct mp_ioapic {
	uint8_t type, id, version, flags;
	uint32_t addr;
} __attribute__((packed));

struct mp_int {
	uint8_t type, int_type;
	uint16_t flags;			/* 0: polarity and trigger conform to the bus (ISA: edge, high) */
	uint8_t src_bus, src_irq, dst_id, dst_pin;
} __attribute__((packed));

/*
 * Byte checksum of a buffer whose length is a multiple of 4, a dword at a time: the top
 * byte of x * 0x01010101 is the sum of x's four bytes modulo 256.
 */
static uint8_t checksum(const void *p, uint32_t n)
{
	const uint32_t *w = p;
	uint32_t sum = 0;

	for (n /= 4; n; n--)
		sum += (*w++ * 0x01010101u) >> 24;
	return -sum;
}

static void *put(uint8_t **p, uint32_t size, uint16_t *entries)
{
	void *e = *p;

	*p += size;
	++*(uint16_t *)entries;
	return e;
}

void build_mptable(struct board *b)
{
	struct mp_float *fp = (struct mp_float *)MP_FLOAT_ADDR;
	struct mp_header *h = (struct mp_header *)MP_TABLE_ADDR;
	uint8_t *p = (uint8_t *)(h + 1);
	uint32_t cpus = b->cpus ? b->cpus : 1, sig, ebx, ecx, features, i;
	uint32_t max_cpus = (MP_TABLE_MAX - sizeof(*h) - 64 - MP_ISA_IRQS * 8) / sizeof(struct mp_cpu);
	uint8_t ioapic_id;

	if (max_cpus > 254)
		max_cpus = 254;		/* 8-bit APIC ids, 0xff is broadcast */
	if (cpus > max_cpus)
		cpus = max_cpus;
	ioapic_id = cpus;		/* the first id after the CPUs' */
	uint16_t entries = 0;

	memset(h, 0, sizeof(*h));
	cpuid(1, &sig, &ebx, &ecx, &features);
	for (i = 0; i < cpus; i++) {
		struct mp_cpu *c = put(&p, sizeof(*c), &entries);

		c->type = MP_ENTRY_CPU;
		c->lapic_id = i;
		c->lapic_ver = MP_LAPIC_VER;
		c->flags = MP_CPU_EN | (i == 0 ? MP_CPU_BP : 0);
		c->signature = sig;
		c->features = features;
		c->reserved[0] = c->reserved[1] = 0;
	}
	struct mp_bus *bus = put(&p, sizeof(*bus), &entries);
	*bus = (struct mp_bus){ MP_ENTRY_BUS, 0, "ISA   " };
	struct mp_ioapic *io = put(&p, sizeof(*io), &entries);
	*io = (struct mp_ioapic){ MP_ENTRY_IOAPIC, ioapic_id, MP_IOAPIC_VER, MP_IOAPIC_EN, MP_IOAPIC_ADDR };
	for (i = 0; i < MP_ISA_IRQS; i++) {
		uint8_t pin = i;

		if (i == MP_ISA_CASCADE && b->irq0_override)
			continue;
		if (i == 0 && b->irq0_override)
			pin = MP_PIN_IRQ0_OVERRIDE;
		struct mp_int *in = put(&p, sizeof(*in), &entries);
		*in = (struct mp_int){ MP_ENTRY_IOINT, MP_INT, 0, 0, i, ioapic_id, pin };
	}
	struct mp_int *l0 = put(&p, sizeof(*l0), &entries);
	*l0 = (struct mp_int){ MP_ENTRY_LINT, MP_EXTINT, 0, 0, 0, MP_ALL_LAPICS, 0 };
	struct mp_int *l1 = put(&p, sizeof(*l1), &entries);
	*l1 = (struct mp_int){ MP_ENTRY_LINT, MP_NMI, 0, 0, 0, MP_ALL_LAPICS, 1 };

	memcpy(h->signature, "PCMP", 4);
	h->length = p - (uint8_t *)h;
	h->spec_rev = MP_SPEC_REV;
	memcpy(h->oem, "MICRORIG", 8);
	memcpy(h->product, "MICROVM     ", 12);
	h->lapic = MP_LAPIC_ADDR;
	h->entries = entries;
	h->checksum = checksum(h, h->length);

	memset(fp, 0, sizeof(*fp));
	memcpy(fp->signature, "_MP_", 4);
	fp->table = (uint32_t)h;
	fp->length = 1;
	fp->spec_rev = MP_SPEC_REV;
	fp->checksum = checksum(fp, sizeof(*fp));
	b->mptable = (uint32_t)fp;

	line_begin("table");
	line_word("kind", "mptable");
	line_hex("addr", (uint32_t)fp);
	line_dec("cpus", cpus);
	line_dec("ioapic_id", ioapic_id);
	line_dec("irq0_pin", b->irq0_override ? MP_PIN_IRQ0_OVERRIDE : 0);
	line_end();
}
