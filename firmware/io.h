/* io.h: port I/O and the few CPU instructions C cannot express. */
#ifndef MICRORIG_IO_H
#define MICRORIG_IO_H

#include <stdint.h>
#include <stddef.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/*
 * Port writes are compiler barriers ("memory"): a write may start a DMA that fills memory
 * the compiler would otherwise assume unchanged (fw_cfg).
 */

/* One string instruction moves a whole buffer: far fewer exits/instructions than a loop. */
static inline void insb(uint16_t port, void *dst, uint32_t n)
{
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
}

static inline void outsb(uint16_t port, const void *src, uint32_t n)
{
	__asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(port) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static inline uint16_t bswap16(uint16_t v)
{
	return __builtin_bswap16(v);
}

static inline uint64_t bswap64(uint64_t v)
{
	return __builtin_bswap64(v);
}

/* Unaligned little-endian loads and stores into byte buffers (headers, tables). */
static inline uint32_t ld32(const void *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline uint16_t ld16(const void *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, 2);
	return v;
}

static inline void st32(void *p, uint32_t v)
{
	__builtin_memcpy(p, &v, 4);
}

static inline void st16(void *p, uint16_t v)
{
	__builtin_memcpy(p, &v, 2);
}

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
