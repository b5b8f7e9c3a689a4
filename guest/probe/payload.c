/* payload.c: the command line and the initrd, compared with what the harness
 * put in them (probe.crc, probe.initrd; README.md). The initrd's bytes follow
 * mkinitrd.py's pattern, so a mismatch can be located, not just detected. */
#include "cmdline.h"
#include "crc32.h"
#include "handoff.h"
#include "report.h"
#include "string.h"

#define CMDLINE_SCAN_MAX	65536
#define CRC_KEY			"probe.crc="
#define PATTERN_SEED		0x6d726967u	/* "mrig" */
#define PATTERN_MUL		1103515245u	/* the C standard's example LCG */
#define PATTERN_ADD		12345u

static void check_cmdline(const struct handoff *h, const struct expect *x)
{
	uint64_t max = h->cmdline_max ? h->cmdline_max : CMDLINE_SCAN_MAX;

	if (!check("cmdline-present", h->cmdline && addr_ok(h->cmdline, 1),
		   "a command line was handed over", "cmdline=0x%llx", (unsigned long long)h->cmdline))
		return;
	const char *s = (const char *)(uintptr_t)h->cmdline;
	size_t len = strnlen(s, max);
	size_t bad = len;

	for (size_t i = 0; i < len && bad == len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			bad = i;
	check("cmdline-terminated", len < max && bad == len,
	      "the command line is printable ASCII ending in a NUL within the allowed size",
	      "length %llu of at most %llu, first odd byte at %llu", (unsigned long long)len,
	      (unsigned long long)max - 1, (unsigned long long)bad);
	if (!x->has_crc) {
		skip("cmdline-crc", "no probe.crc key on the command line");
		return;
	}
	/* probe.crc=<crc32 hex> covers the text before its word, trailing
	 * spaces excluded: what the harness wrote, whatever the VMM appends. */
	const char *key = NULL;

	for (const char *p = s; (p = memchr(p, 'p', len - (size_t)(p - s))); p++)
		if ((p == s || p[-1] == ' ') && !strncmp(p, CRC_KEY, strlen(CRC_KEY)))
			key = p;
	size_t n = key ? (size_t)(key - s) : len;
	const char *from = s;

	while (n && s[n - 1] == ' ')
		n--;
	/* Multiboot loaders (QEMU, GRUB) put the kernel's path first. */
	if (h->protocol == PROTO_MULTIBOOT) {
		const char *sp = memchr(s, ' ', n), *eq = memchr(s, '=', n);

		if (sp && (!eq || eq > sp))
			from = sp + 1;
	}
	n -= (size_t)(from - s);
	uint32_t crc = crc32_update(0, from, n);

	check("cmdline-crc", crc == x->crc,
	      "the command line reached the kernel byte for byte (CRC-32 of the text before probe.crc)",
	      "crc32=0x%08x over %llu bytes, want 0x%08llx", crc, (unsigned long long)n,
	      (unsigned long long)x->crc);
}

/* Offset of the first byte that breaks the pattern, or size if none does. */
static uint64_t pattern_mismatch(const uint8_t *p, uint64_t size)
{
	uint32_t state = PATTERN_SEED;

	for (uint64_t i = 0; i < size; i++) {
		state = state * PATTERN_MUL + PATTERN_ADD;
		if (p[i] != (uint8_t)(state >> 24))
			return i;
	}
	return size;
}

static void check_initrd(const struct handoff *h, const struct expect *x)
{
	if (!x->has_initrd) {
		skip("initrd-present", "no probe.initrd key on the command line");
		return;
	}
	if (!check("initrd-present", h->has_initrd && h->initrd_size,
		   "the initrd the harness gave was handed over", NULL))
		return;
	check("initrd-size", h->initrd_size == x->initrd_size,
	      "the initrd has the size the harness gave", "size=%llu want %llu",
	      (unsigned long long)h->initrd_size, (unsigned long long)x->initrd_size);
	check("initrd-in-ram", e820_type_of(h, h->initrd_base, h->initrd_size) == E820_RAM,
	      "the initrd lies inside usable RAM of the e820 map", "initrd at 0x%llx+0x%llx",
	      (unsigned long long)h->initrd_base, (unsigned long long)h->initrd_size);
	if (!addr_ok(h->initrd_base, h->initrd_size)) {
		check("initrd-bytes", false, "the initrd holds the bytes the harness wrote",
		      "initrd at 0x%llx is beyond the probe's 4 GiB map", (unsigned long long)h->initrd_base);
		return;
	}
	const uint8_t *p = (const uint8_t *)(uintptr_t)h->initrd_base;
	uint32_t crc = crc32_update(0, p, h->initrd_size);

	check("initrd-bytes", crc == x->initrd_crc, "the initrd holds the bytes the harness wrote",
	      "crc32=0x%08x want 0x%08llx, first byte off the pattern at %llu", crc,
	      (unsigned long long)x->initrd_crc,
	      (unsigned long long)pattern_mismatch(p, h->initrd_size));
}

void payload_check(const struct handoff *h, const struct expect *x)
{
	check_cmdline(h, x);
	check_initrd(h, x);
}
