/* guest_mem.c: bounds-checked access to guest memory. */
#include "guest_mem.h"
#include "util.h"

#include <string.h>

void guest_mem_add(struct guest_mem *m, uint64_t gpa, uint64_t size, uint8_t *host)
{
	if (m->n == GUEST_MEM_MAX_REGIONS)
		die("too many guest memory regions");
	m->r[m->n++] = (struct guest_region){ gpa, size, host };
}

void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < m->n; i++) {
		const struct guest_region *r = &m->r[i];
		if (gpa < r->gpa || gpa - r->gpa >= r->size)
			continue;
		uint64_t off = gpa - r->gpa;
		/* Written so that no sum can overflow: off < size here. */
		if (len > r->size - off)
			return NULL;
		return r->host + off;
	}
	return NULL;
}

bool guest_mem_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len)
{
	void *p = guest_mem_ptr(m, gpa, len);
	if (!p)
		return false;
	memcpy(dst, p, len);
	return true;
}

bool guest_mem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len)
{
	void *p = guest_mem_ptr(m, gpa, len);
	if (!p)
		return false;
	memcpy(p, src, len);
	return true;
}

bool guest_mem_fill(const struct guest_mem *m, uint64_t gpa, uint8_t byte, uint64_t len)
{
	void *p = guest_mem_ptr(m, gpa, len);
	if (!p)
		return false;
	memset(p, byte, len);
	return true;
}
