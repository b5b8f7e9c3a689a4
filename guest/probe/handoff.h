/* handoff.h: what the firmware handed over, in one shape for every protocol.
 * zeropage.c, pvh.c and multiboot.c each fill it from their own structure
 * (and check that structure); the generic checks then read only this. */
#ifndef PROBE_HANDOFF_H
#define PROBE_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "entry_state.h"

#define E820_MAX	128
#define E820_RAM	1	/* usable */
#define E820_RESERVED	2
#define E820_ACPI	3
#define E820_NVS	4
#define E820_UNUSABLE	5
#define E820_PMEM	7

#define ADDR_LIMIT	0x100000000ull	/* the probe maps the first 4 GiB only */

struct e820_entry {
	uint64_t base, size;
	uint32_t type;
};

struct handoff {
	int protocol;			/* PROTO_* */
	int mode;			/* 16, 32 or 64 */
	uint64_t tsc;			/* at entry */
	uint64_t info;			/* zero page, start_info or mbi address */
	bool has_e820;
	unsigned e820_count;
	struct e820_entry e820[E820_MAX];
	uint64_t cmdline;		/* address, 0 if none */
	uint64_t cmdline_max;		/* bytes the protocol allows, NUL included */
	bool has_initrd;
	uint64_t initrd_base, initrd_size;
	const struct setup16_record *s16;	/* bzimage16 only */
};

/* Expectations, from the command line keys (see README.md). */
struct expect {
	bool has_mem, has_cpus, has_initrd, has_crc;
	uint64_t mem, cpus, initrd_size, initrd_crc, crc;
	const char *entry;		/* value of probe.entry, NULL if absent */
	unsigned entry_len;
};

const char *protocol_name(int protocol);
/* Is [base, base+size) readable by the probe (inside its identity map)? */
bool addr_ok(uint64_t base, uint64_t size);
/* Type of the e820 entry wholly containing [base, base+size), 0 if none. */
uint32_t e820_type_of(const struct handoff *h, uint64_t base, uint64_t size);

void zeropage_read(struct handoff *h);
void zeropage_check(const struct handoff *h, const struct expect *x);
void pvh_read(struct handoff *h);
void pvh_check(const struct handoff *h, const struct expect *x);
void multiboot_read(struct handoff *h);
void multiboot_check(const struct handoff *h, const struct expect *x);

void entry_check(const struct handoff *h, const struct expect *x);
void e820_check(const struct handoff *h, const struct expect *x);
void payload_check(const struct handoff *h, const struct expect *x);
void mptable_check(const struct expect *x);

#endif
