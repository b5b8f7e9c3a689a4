/*
 * cmdline.c: the kernel command line, and the virtio_mmio.device=<size>@<base>:<irq>[:<id>]
 * entries on it (Linux's drivers/virtio/virtio_mmio.c syntax, sizes with K/M/G).
 * The command line is read once into the reserved hand-off area, where every hand-off
 * points the kernel at it.
 */
#include "board.h"
#include "error.h"
#include "fw_cfg.h"

#define VIRTIO_KEY "virtio_mmio.device="

void read_cmdline(struct board *b)
{
	uint32_t n = fw_cfg_read32(FW_CFG_CMDLINE_SIZE);

	b->cmdline = (char *)MEM_CMDLINE;
	b->cmdline_size = n;
	if (!n) {
		b->cmdline[0] = 0;
		return;
	}
	if (n > MEM_CMDLINE_MAX)
		fail(ERR_CMDLINE_TOO_LONG, "command line longer than the firmware's 4096-byte buffer");
	fw_cfg_read(FW_CFG_CMDLINE_DATA, b->cmdline, n);
	b->cmdline[n - 1] = 0;
}

/* A number as Linux's memparse() reads it: 0x hex, 0 octal or decimal, optional suffix. */
static const char *parse_number(const char *s, uint64_t *v, int suffix)
{
	uint32_t base = 10, digit;
	const char *start;

	*v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] >= '0' && s[1] <= '7') {
		base = 8;
	}
	for (start = s;; s++) {
		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			break;
		if (digit >= base)
			break;
		if (*v >> 56)
			return NULL;		/* would overflow 64 bits */
		*v = *v * base + digit;
	}
	if (s == start)
		return NULL;
	if (suffix) {
		switch (*s) {
		case 'G': case 'g': *v <<= 10; /* fall through */
		case 'M': case 'm': *v <<= 10; /* fall through */
		case 'K': case 'k': *v <<= 10; s++;
		}
	}
	return s;
}

static int token_end(char c)
{
	return c == 0 || c == ' ';
}

/* Parse one entry (after the '='); 0 when it is malformed. */
static int parse_virtio(const char *s, struct virtio_slot *v)
{
	uint64_t size, base, irq, id = 0;

	if (!(s = parse_number(s, &size, 1)) || *s++ != '@' || !size)
		return 0;
	if (!(s = parse_number(s, &base, 0)) || *s++ != ':')
		return 0;
	if (!(s = parse_number(s, &irq, 0)) || irq > 255)
		return 0;
	if (*s == ':' && !(s = parse_number(s + 1, &id, 0)))
		return 0;
	if (!token_end(*s) || base >= 0x100000000ull || size > 0x100000000ull - base)
		return 0;
	v->base = base;
	v->size = size;
	v->irq = irq;
	v->id_hint = id;
	return 1;
}

/*
 * Boyer-Moore-Horspool: look at the byte where the key would end and jump by how far that
 * byte is from the key's end (19 for a byte not in the key). The command line is searched
 * in a few steps per key length instead of one step per byte.
 */
#define KEYLEN (sizeof(VIRTIO_KEY) - 1)
#define SKIP(c, i) [(unsigned char)(c)] = KEYLEN - 1 - (i)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"	/* the default, then the key's bytes */
static const uint8_t skip[256] = {
	[0 ... 255] = KEYLEN,
	/* "virtio_mmio.device", each byte's last position before the final '=' */
	SKIP('r', 2), SKIP('t', 3), SKIP('_', 6), SKIP('m', 8), SKIP('o', 10), SKIP('.', 11),
	SKIP('d', 12), SKIP('v', 14), SKIP('i', 15), SKIP('c', 16), SKIP('e', 17),
};
#pragma GCC diagnostic pop

void parse_virtio_entries(struct board *b)
{
	const char *start = b->cmdline;
	uint32_t n = b->cmdline_size ? b->cmdline_size - 1 : 0, i;

	for (i = KEYLEN - 1; i < n; i += skip[(unsigned char)start[i]]) {
		const char *s = start + i - (KEYLEN - 1);

		if (start[i] != '=' || memcmp(s, VIRTIO_KEY, KEYLEN - 1) ||
		    (s != start && s[-1] != ' '))
			continue;
		if (b->nr_virtio == VIRTIO_MAX)
			fail(ERR_VIRTIO_SYNTAX, "more virtio_mmio.device= entries than the firmware keeps");
		if (!parse_virtio(s + KEYLEN, &b->virtio[b->nr_virtio]))
			fail(ERR_VIRTIO_SYNTAX, "malformed virtio_mmio.device= entry, expected <size>@<base>:<irq>[:<id>]");
		b->nr_virtio++;
	}
}
