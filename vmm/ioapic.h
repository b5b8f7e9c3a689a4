/* ioapic.h: the 82093AA-style I/O APIC at 0xFEC00000, in user space (KVM split irqchip):
 * its redirection entries turn pin events into MSIs for the in-kernel LAPICs. */
#ifndef MVM_IOAPIC_H
#define MVM_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_PINS        24
#define IOAPIC_MMIO_SIZE   0x1000
#define IOAPIC_REG_SELECT  0x00		/* IOREGSEL */
#define IOAPIC_REG_WINDOW  0x10		/* IOWIN */
#define IOAPIC_REG_EOI     0x40		/* EOI register (version 0x20) */
#define IOAPIC_ID          0x00
#define IOAPIC_VERSION     0x01
#define IOAPIC_ARB         0x02
#define IOAPIC_REDTBL      0x10		/* 2 registers per pin */
#define IOAPIC_VERSION_VALUE (0x20 | ((IOAPIC_PINS - 1) << 16))	/* QEMU's default */

#define IOAPIC_RTE_VECTOR      0xffULL
#define IOAPIC_RTE_DELMODE_SHIFT 8
#define IOAPIC_RTE_DELMODE     (7ULL << 8)
#define IOAPIC_RTE_DESTMODE    (1ULL << 11)	/* logical destination */
#define IOAPIC_RTE_DELIVS      (1ULL << 12)	/* delivery status (read-only) */
#define IOAPIC_RTE_POLARITY    (1ULL << 13)
#define IOAPIC_RTE_REMOTE_IRR  (1ULL << 14)	/* level interrupt accepted, not yet EOIed */
#define IOAPIC_RTE_LEVEL       (1ULL << 15)	/* trigger mode */
#define IOAPIC_RTE_MASKED      (1ULL << 16)
#define IOAPIC_RTE_DEST_SHIFT  56
#define IOAPIC_RTE_RO_BITS     (IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR)
#define IOAPIC_ISA_IRQ0_PIN    2	/* the PIT's IRQ 0 arrives on pin 2 (IRQ0_OVERRIDE) */

#define MSI_ADDR_BASE          0xFEE00000ULL
#define MSI_ADDR_DEST_SHIFT    12
#define MSI_ADDR_DESTMODE      (1ULL << 2)
#define MSI_DATA_DELMODE_SHIFT 8
#define MSI_DATA_LEVEL         (1U << 15)

struct ioapic {
	uint32_t id, select;
	uint32_t irr;			/* pins asserted (level) or latched (edge) */
	uint64_t rte[IOAPIC_PINS];
	/* Pins whose line another path delivers (irqfd.c: an eventfd KVM turns into this
	 * entry's MSI): the model leaves their line changes alone while the bit is set. */
	uint32_t bypass;
	uint64_t msis[IOAPIC_PINS];	/* MSIs this model delivered, per pin (statistics) */
	/* Where MSIs go (kvm.c), and who mirrors entries into KVM's GSI routes. */
	void (*deliver)(void *opaque, uint64_t addr, uint32_t data);
	void (*routes_changed)(void *opaque, struct ioapic *io);
	void *opaque;
};

void ioapic_init(struct ioapic *io);
void ioapic_set_pin(struct ioapic *io, unsigned pin, int level);
/* The local APIC signalled EOI for vector (KVM_EXIT_IOAPIC_EOI or the EOI register). */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
void ioapic_msi_of(const struct ioapic *io, unsigned pin, uint64_t *addr, uint32_t *data);
uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size);
void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

extern struct ioapic *machine_ioapic;

#endif
