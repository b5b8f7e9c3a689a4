/* crc32.h: IEEE 802.3 CRC-32 (the one Python's zlib.crc32 computes), used to
 * compare the initrd and the command line with what the harness wrote. */
#ifndef GUEST_LIB_CRC32_H
#define GUEST_LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: crc32_update(0, buf, n) gives zlib.crc32(buf). */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

#endif
