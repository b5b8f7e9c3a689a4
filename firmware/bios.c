/*
 * bios.c: the little BIOS that the kernel's real-mode setup code needs (the 16-bit
 * bzImage entry): an interrupt vector table whose every vector fails cleanly (CF=1,
 * AH=0x86 "unsupported"), except int 15h E820 (the memory map) and int 10h AH=0Eh
 * (teletype, to the UART when there is one). The handlers are in bios16.S; this file
 * fills the table and the data they read.
 */
#include "board.h"

#define IVT_ADDR	0x0000
#define IVT_VECTORS	256
#define BDA_EBDA_SEG	0x40e	/* BIOS data area: segment of the extended BIOS data area */
#define BDA_BASE_KB	0x413	/* BIOS data area: KiB of base memory */
#define INT_VIDEO	0x10
#define INT_SYSTEM	0x15
#define BIOS_SEG	(MEM_BIOS >> 4)

/* read by bios16.S through CS = 0xf000 */
struct e820_entry bios_e820[E820_MAX];
uint32_t bios_e820_count;
uint8_t bios_serial;

extern char bios_int_unsupported[], bios_int10[], bios_int15[];

static uint32_t vector(const char *handler)
{
	return (BIOS_SEG << 16) | ((uint32_t)handler - MEM_BIOS);
}

void setup_bios_services(struct board *b)
{
	uint32_t *ivt;
	int i;

	/* address 0 is the IVT here, not a null pointer: hide it from the optimiser */
	__asm__("" : "=r"(ivt) : "0"(IVT_ADDR));
	for (i = 0; i < IVT_VECTORS; i++)
		ivt[i] = vector(bios_int_unsupported);
	ivt[INT_VIDEO] = vector(bios_int10);
	ivt[INT_SYSTEM] = vector(bios_int15);
	st16((uint8_t *)ivt + BDA_EBDA_SEG, MEM_HANDOFF >> 4);
	st16((uint8_t *)ivt + BDA_BASE_KB, MEM_HANDOFF >> 10);

	for (i = 0; i < b->nr_e820; i++) {
		bios_e820[i].addr = b->e820[i].addr;
		bios_e820[i].size = b->e820[i].size;
		bios_e820[i].type = b->e820[i].type;
	}
	bios_e820_count = b->nr_e820;
	bios_serial = b->serial;
}
