/* fuzz_input.h: reading typed values off the front of a libFuzzer input. Every target takes
 * its parameters this way, so a short input simply yields zeros instead of being rejected. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_bytes(struct fuzz_in *in, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t b = 0;
		if (in->left) {
			b = *in->p++;
			in->left--;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

#define fuzz_u8(in)  ((uint8_t)fuzz_bytes((in), 1))
#define fuzz_u16(in) ((uint16_t)fuzz_bytes((in), 2))
#define fuzz_u32(in) ((uint32_t)fuzz_bytes((in), 4))
#define fuzz_u64(in) fuzz_bytes((in), 8)

/* Copies up to n bytes of the rest into dst (the remainder of dst is left as it is). */
static inline size_t fuzz_copy(struct fuzz_in *in, void *dst, size_t n)
{
	if (n > in->left)
		n = in->left;
	memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

#endif
