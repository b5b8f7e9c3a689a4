/* e820.c: the memory map handed to firmware through fw_cfg. */
#include "e820.h"
#include "machine.h"
#include "util.h"

void e820_add(struct e820_table *t, uint64_t addr, uint64_t len, uint32_t type)
{
	if (t->n == E820_MAX)
		die("e820: too many entries");
	uint8_t *e = t->bytes + t->n++ * E820_ENTRY_SIZE;
	put_le64(e, addr);
	put_le64(e + 8, len);
	put_le32(e + 16, type);
}

void e820_build(struct e820_table *t, uint64_t below_4g, uint64_t above_4g)
{
	t->n = 0;
	e820_add(t, MACHINE_IDENTITY_MAP, MACHINE_KVM_RESERVED, E820_RESERVED);
	e820_add(t, 0, below_4g, E820_RAM);
	if (above_4g)
		e820_add(t, MACHINE_HIGH_RAM_BASE, above_4g, E820_RAM);
}
