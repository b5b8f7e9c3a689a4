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

/* Digit values for bases up to 16; anything else is NOT_DIGIT. */
#define NOT_DIGIT 0xff
#define SIX_DIGITS(c0, v0) /* six consecutive characters from c0, values from v0 */ \
	[(c0)] = (v0), [(c0) + 1] = (v0) + 1, [(c0) + 2] = (v0) + 2, [(c0) + 3] = (v0) + 3, \
	[(c0) + 4] = (v0) + 4, [(c0) + 5] = (v0) + 5
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const uint8_t digit_value[256] = {
	[0 ... 255] = NOT_DIGIT,
	SIX_DIGITS('0', 0), ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
	SIX_DIGITS('a', 10), SIX_DIGITS('A', 10),
};
#pragma GCC diagnostic pop

/*
 * Numbers as Linux reads these fields (drivers/virtio/virtio_mmio.c: memparse() for the
 * size, then sscanf "@%lli:%u:%d"). Every value the firmware can use fits in 32 bits; a
 * longer one is malformed. Each returns the first byte after the number, NULL if none.
 */
static const char *parse_base(const char *s, uint32_t *v, uint32_t base)
{
	const char *start = s;
	uint32_t digit, acc = 0;

	for (; (digit = digit_value[(uint8_t)*s]) < base; s++)
		if (__builtin_mul_overflow(acc, base, &acc) || __builtin_add_overflow(acc, digit, &acc))
			return NULL;
	*v = acc;
	return s == start ? NULL : s;
}

/* %lli and memparse: 0x hex, 0 octal, else decimal */
static const char *parse_auto(const char *s, uint32_t *v)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_base(s + 2, v, 16);
	return parse_base(s, v, s[0] == '0' ? 8 : 10);
}

/* memparse's K/M/G suffixes */
static const char *parse_size(const char *s, uint32_t *v)
{
	uint32_t shift = 0;

	if (!(s = parse_auto(s, v)))
		return NULL;
	switch (*s) {
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10; s++;
	}
	if (shift && *v >> (32 - shift))
		return NULL;
	*v <<= shift;
	return s;
}

static int token_end(char c)
{
	return c == 0 || c == ' ';
}

/* Parse one entry (after the '='); 0 when it is malformed. */
static int parse_virtio(const char *s, struct virtio_slot *v)
{
	uint32_t size, base, irq, id = 0;

	if (!(s = parse_size(s, &size)) || *s++ != '@' || !size)
		return 0;
	if (!(s = parse_auto(s, &base)) || *s++ != ':')
		return 0;
	if (!(s = parse_base(s, &irq, 10)) || irq > 255)
		return 0;
	if (*s == ':' && !(s = parse_base(s + 1, &id, 10)))
		return 0;
	if (!token_end(*s) || size - 1 > ~base)		/* the slot must end below 4 GiB */
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
	static const union {
		char s[20];
		uint32_t w[5];
	} key = { VIRTIO_KEY };
	const char *start = b->cmdline, *end = start + (b->cmdline_size ? b->cmdline_size - 1 : 0);
	const char *p;

	for (p = start + KEYLEN - 1; p < end; p += skip[(uint8_t)*p]) {
		const char *s = p - (KEYLEN - 1);

		/* the byte under the key's end, then the key a dword at a time (bytes 16-17) */
		if (*p != '=' || ld32(s) != key.w[0] || ld32(s + 4) != key.w[1] ||
		    ld32(s + 8) != key.w[2] || ld32(s + 12) != key.w[3] ||
		    ld16(s + 16) != (uint16_t)key.w[4] || (s != start && s[-1] != ' '))
			continue;
		if (b->nr_virtio == VIRTIO_MAX)
			fail(ERR_VIRTIO_SYNTAX, "more virtio_mmio.device= entries than the firmware keeps");
		if (!parse_virtio(p + 1, &b->virtio[b->nr_virtio]))
			fail(ERR_VIRTIO_SYNTAX, "malformed virtio_mmio.device= entry, expected <size>@<base>:<irq>[:<id>]");
		b->nr_virtio++;
	}
}
