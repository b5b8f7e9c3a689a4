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

/* Next 'v' with one string instruction: the scan costs one step per byte. */
static const char *find_v(const char *s, uint32_t n)
{
	const char *p = s;

	if (!n)
		return NULL;
	__asm__ volatile("repne scasb" : "+D"(p), "+c"(n) : "a"('v') : "cc");
	return p[-1] == 'v' ? p - 1 : NULL;
}

void parse_virtio_entries(struct board *b)
{
	const char *s = b->cmdline, *end = b->cmdline + (b->cmdline_size ? b->cmdline_size - 1 : 0);
	const uint32_t keylen = sizeof(VIRTIO_KEY) - 1;

	while ((s = find_v(s, end - s))) {
		if ((s == b->cmdline || s[-1] == ' ') && (uint32_t)(end - s) >= keylen &&
		    !memcmp(s, VIRTIO_KEY, keylen)) {
			if (b->nr_virtio == VIRTIO_MAX)
				fail(ERR_VIRTIO_SYNTAX, "more virtio_mmio.device= entries than the firmware keeps");
			if (!parse_virtio(s + keylen, &b->virtio[b->nr_virtio]))
				fail(ERR_VIRTIO_SYNTAX, "malformed virtio_mmio.device= entry, expected <size>@<base>:<irq>[:<id>]");
			b->nr_virtio++;
		}
		s++;
	}
}
