/*
 * tables.c: how the kernel learns about CPUs and interrupt routing. With acpi=on QEMU
 * builds the ACPI tables and the firmware only places them (etc/table-loader). The MP
 * table is written in both cases, as SeaBIOS does on a PC: a kernel booted with
 * acpi=off, or built without ACPI, still finds its CPUs and IOAPIC, and a kernel with
 * ACPI prefers the MADT anyway.
 */
#include "board.h"

int load_acpi_tables(struct board *b);
void build_mptable(struct board *b);

void build_tables(struct board *b)
{
	load_acpi_tables(b);
	build_mptable(b);
}
