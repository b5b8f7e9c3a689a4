/*
 * tables.c: how the kernel learns about CPUs and interrupt routing. With acpi=on QEMU
 * builds the ACPI tables and the firmware only places them; otherwise the firmware
 * writes an MP table. Both are never given: a kernel would have to pick one.
 */
#include "board.h"

int load_acpi_tables(struct board *b);
void build_mptable(struct board *b);

void build_tables(struct board *b)
{
	if (!load_acpi_tables(b))
		build_mptable(b);
}
