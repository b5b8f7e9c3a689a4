/* ports.c: every I/O port and a bounded sweep of the MMIO hole, written and read with
 * every size, aligned and not. Ports and pages that belong to devices whose reaction would
 * end the run on purpose are left out (the exit port, reset and A20 ports, the local APIC
 * handled inside KVM, and the payload's own output ports); everything else, assigned or
 * not, gets 0xff bytes. mvm must ignore or refuse each access and keep running. */
#include "hostile.h"
#include "io.h"

#define PORT_DEBUG_EXIT 0xf4		/* 0xf4-0xf7: ends the VM */
#define PORT_A20_FAST   0x92		/* bit 0 resets the machine */
#define PORT_KBD_CMD    0x64		/* 0xfe pulses reset */
#define PORT_RESET_CTL  0xcf9
#define PORT_DEBUGCON   0x402		/* our output */
#define PORT_COM1       0x3f8		/* our output when the UART is there (8 ports) */
#define WIDE_STRIDE     8		/* 16- and 32-bit accesses on every 8th port */
#define LAPIC_BASE      0xfee00000u	/* in KVM, not mvm: left alone */
#define HOLE_START      0xfe000000u	/* the top 32 MiB: device MMIO, the BIOS */
#define LOW_STRIDE      0x100000u	/* one probe per MiB between RAM and HOLE_START */
#define START_INFO_MEMMAP 0x28

static bool port_skipped(uint32_t p)
{
	return (p >= PORT_DEBUG_EXIT && p < PORT_DEBUG_EXIT + 4) || p == PORT_A20_FAST ||
	       p == PORT_KBD_CMD || (p >= PORT_RESET_CTL && p < PORT_RESET_CTL + 4) ||
	       p == PORT_DEBUGCON || (p >= PORT_COM1 && p < PORT_COM1 + 8);
}

void variant_ports(void)
{
	uint32_t touched = 0, sum = 0;

	for (uint32_t p = 0; p <= 0xffff; p++) {
		if (port_skipped(p) || (p + 3 >= PORT_DEBUG_EXIT && p < PORT_DEBUG_EXIT + 4))
			continue;
		outb((uint16_t)p, 0xff);
		sum += inb((uint16_t)p);
		if (p % WIDE_STRIDE == 0 || p % WIDE_STRIDE == 7) {	/* aligned and not */
			if (!port_skipped(p + 1)) {
				outw((uint16_t)p, 0xffff);
				sum += inw((uint16_t)p);
			}
			if (!port_skipped(p + 1) && !port_skipped(p + 2) && !port_skipped(p + 3)) {
				outl((uint16_t)p, 0xffffffff);
				sum += inl((uint16_t)p);
			}
		}
		touched++;
	}
	detail("ports=%u readsum=0x%x", touched, sum);
}

/* One MMIO probe: byte, word and dword writes and reads at an aligned address, at odd
 * offsets, and a dword straddling the next page. */
static uint32_t probe_page(uint32_t a)
{
	uint32_t sum = 0;

	mmio_write8(a + 1, 0xff);
	sum += mmio_read8(a + 1);
	mmio_write16(a + 3, 0xffff);
	sum += mmio_read16(a + 3);
	mmio_write32(a + 0x41, 0xffffffff);
	sum += mmio_read32(a + 0x41);
	sum += mmio_read32(a + 0xffe);			/* straddles into the next page */
	mmio_write32(a + 0xffe, 0xffffffff);
	return sum;
}

static uint32_t ram_top(void)
{
	extern uint32_t hostile_start_info;
	const uint8_t *si = (const uint8_t *)hostile_start_info;
	const uint8_t *map = (const uint8_t *)*(const uint32_t *)(si + START_INFO_MEMMAP);
	uint32_t n = *(const uint32_t *)(si + START_INFO_MEMMAP + 8), top = 0;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = map + 24 * i;
		uint64_t end = *(const uint64_t *)e + *(const uint64_t *)(e + 8);
		if (*(const uint32_t *)(e + 16) == 1 && end <= HOLE_START && end > top)
			top = (uint32_t)end;
	}
	return top;
}

void variant_mmio(void)
{
	uint32_t pages = 0, sum = 0, top = ram_top();

	for (uint32_t a = (top + LOW_STRIDE - 1) & ~(LOW_STRIDE - 1); a < HOLE_START; a += LOW_STRIDE) {
		sum += probe_page(a);
		pages++;
	}
	for (uint32_t a = HOLE_START; a >= HOLE_START; a += 0x1000) {	/* stops at 4 GiB */
		if (a >= LAPIC_BASE - 0x1000 && a < LAPIC_BASE + 0x1000)
			continue;	/* its page, and the one whose straddling access reaches it */
		sum += probe_page(a);
		pages++;
	}
	detail("pages=%u ram_top=0x%x readsum=0x%x", pages, top, sum);
}
