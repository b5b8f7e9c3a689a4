/* e820.h: the etc/e820 fw_cfg file, as QEMU 7.2 builds it for microvm under KVM. */
#ifndef MVM_E820_H
#define MVM_E820_H

#include <stddef.h>
#include <stdint.h>

#define E820_ENTRY_SIZE 20	/* le64 address, le64 length, le32 type */
#define E820_MAX        4
#define E820_RAM        1
#define E820_RESERVED   2

struct e820_table {
	uint8_t bytes[E820_MAX * E820_ENTRY_SIZE];
	size_t n;
};

void e820_add(struct e820_table *t, uint64_t addr, uint64_t len, uint32_t type);
/* QEMU's order: KVM's reserved identity-map/TSS range first (added when the accelerator
 * starts), then RAM below 4 GiB, then RAM above. Firmware must sort it. */
void e820_build(struct e820_table *t, uint64_t below_4g, uint64_t above_4g);

#endif
