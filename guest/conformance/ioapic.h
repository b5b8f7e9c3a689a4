/* ioapic.h: the I/O APIC at 0xfec00000 (82093AA datasheet): an index
 * register and a data window. */
#ifndef CONFORMANCE_IOAPIC_H
#define CONFORMANCE_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_BASE		0xfec00000u
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01	/* version 7-0, max redirection entry 23-16 */
#define IOAPIC_REG_REDTBL	0x10	/* + 2 * pin: low dword, then high */

#define REDIR_MASKED		(1u << 16)
#define REDIR_LEVEL		(1u << 15)
#define REDIR_REMOTE_IRR	(1u << 14)
#define REDIR_DEST_SHIFT	24	/* in the high dword, physical mode */

uint32_t ioapic_read(unsigned reg);
void ioapic_write(unsigned reg, uint32_t v);
bool ioapic_probe(void);
void ioapic_mask_all(void);
void ioapic_route(unsigned pin, unsigned vector, bool level, unsigned dest);
void ioapic_mask(unsigned pin);
void ioapic_checks(bool pit_present, bool uart_present, bool pic_present);

#endif
