/* fw_shim.h: what the firmware's parsers need around them when compiled for the host.
 * fail() returns to the fuzz target through a longjmp (the firmware would write its error
 * line and exit), the hand-offs return the same way as a success, report lines go nowhere,
 * and fw_cfg items come from the fuzz input (fw_shim.c). The firmware's low memory is a
 * host mapping at the same addresses (0x1000 up), so its fixed addresses work unchanged. */
#ifndef FW_SHIM_H
#define FW_SHIM_H

#include <setjmp.h>
#include <stdint.h>

#define SHIM_MEM_START 0x1000u		/* mmap_min_addr: the first page stays unmapped */
#define SHIM_MEM_END   0x10000000u	/* 256 MiB mapped, reserved lazily */
#define SHIM_ITEMS     0x20

enum shim_exit { SHIM_RUNNING, SHIM_FAILED, SHIM_HANDED_OFF };

struct shim_item {
	const uint8_t *data;
	uint32_t len;		/* bytes the item claims (reads past data give zeros) */
	uint32_t have;		/* bytes of data actually present */
};

extern jmp_buf shim_jmp;
extern int shim_error;			/* the fw_error passed to fail() */
extern struct shim_item shim_items[SHIM_ITEMS];

/* Maps the firmware's low memory once; returns 0 when it cannot. */
int shim_map_memory(void);
void shim_reset(void);

#endif
