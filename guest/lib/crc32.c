/* crc32.c: table-driven CRC-32 (reflected polynomial 0xEDB88320). The table is
 * built on first use so the image carries no 1 KiB of constants. */
#include "crc32.h"

#define CRC32_POLY_REFLECTED 0xEDB88320u	/* IEEE 802.3, bit-reversed */

static uint32_t crc_table[256];
static int crc_table_ready;

static void crc32_build_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32_POLY_REFLECTED : c >> 1;
		crc_table[i] = c;
	}
	crc_table_ready = 1;
}

uint32_t crc32_update(uint32_t crc, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	if (!crc_table_ready)
		crc32_build_table();
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
