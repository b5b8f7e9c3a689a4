/* hostile.h: the hostile payload's variants and their shared helpers. Each variant does
 * its damage, then main.c prints one result line on debugcon and leaves through port 0xf4:
 *     hostile: result variant=<name> outcome=survived <key=value ...>
 * Reaching that line at all is what the host checks first: mvm kept running. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#define RESULT_MAX 200

/* Filled by a variant; main.c prints it after "outcome=survived". */
extern char result_detail[RESULT_MAX];
void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The kernel command line (start_info), e.g. "hostile=virtq virtio_mmio.device=...". */
extern const char *cmdline;

void variant_fwcfg(void);
void variant_virtq(void);
void variant_ports(void);
void variant_mmio(void);
void variant_blk_flush(void);
void variant_blk_readonly(void);

#endif
